//! Path, query, header and cookie parameters.

use std::collections::BTreeMap;

use generator::pointer::join;
use serde_json::Value;

use super::operations::{Op, template_names};
use super::schema::{Slot, signature};
use super::{Ctx, Differ, Direction, Owner, Raw, Subject, place};
use crate::change::Level::{Breaking, NonBreaking, PotentiallyBreaking};
use crate::change::Side;
use crate::resolve::Document;

#[derive(Debug, Clone)]
struct Param<'a> {
    name: String,
    location: String,
    value: &'a Value,
    pointer: String,
}

impl<'a> Param<'a> {
    fn required(&self) -> bool {
        self.location == "path" || self.value.get("required").and_then(Value::as_bool).unwrap_or(false)
    }

    /// The parameter's schema, from `schema` or from its single `content` entry.
    fn schema(&self) -> Option<(&'a Value, String)> {
        if let Some(schema) = self.value.get("schema") {
            return Some((schema, join(&self.pointer, "schema")));
        }
        let (media, entry) = self.value.get("content")?.as_object()?.iter().next()?;
        let schema = entry.get("schema")?;
        Some((schema, join(&join(&join(&self.pointer, "content"), media), "schema")))
    }

    fn label(&self) -> String {
        format!("{} parameter `{}`", self.location, self.name)
    }
}

/// The operation's parameters, path-level ones first and overridden by the operation's own,
/// keyed by location and name (header names ignore case, as HTTP does).
fn collect<'a>(doc: &Document<'a>, op: &Op<'a>) -> BTreeMap<(String, String), Param<'a>> {
    let mut params = BTreeMap::new();
    let sources = [
        (
            op.path_item.get("parameters"),
            join(&op.path_item_pointer, "parameters"),
        ),
        (op.value.get("parameters"), join(&op.pointer, "parameters")),
    ];
    for (list, list_pointer) in sources {
        let Some(list) = list.and_then(Value::as_array) else {
            continue;
        };
        for (i, raw) in list.iter().enumerate() {
            let (value, target) = doc.resolve(raw);
            let pointer = target.unwrap_or_else(|| join(&list_pointer, &i.to_string()));
            let (Some(name), Some(location)) = (
                value.get("name").and_then(Value::as_str),
                value.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            // OpenAPI ignores these header parameters: the media types and security decide them.
            if location == "header" && ["accept", "content-type", "authorization"].contains(&&*name.to_lowercase()) {
                continue;
            }
            let key_name = if location == "header" {
                name.to_lowercase()
            } else {
                name.to_owned()
            };
            params.insert(
                (location.to_owned(), key_name),
                Param {
                    name: name.to_owned(),
                    location: location.to_owned(),
                    value,
                    pointer,
                },
            );
        }
    }
    params
}

impl<'a> Differ<'a> {
    pub(crate) fn parameters(&mut self, base_op: &Op<'a>, head_op: &Op<'a>, out: &mut Vec<Raw>) {
        let mut base = collect(&self.base, base_op);
        let head = collect(&self.head, head_op);
        // Path parameters are matched by their place in the template: `{id}` becoming
        // `{deploymentId}` changes nothing on the wire but renames the builder setter.
        let base_names = template_names(&base_op.path);
        let head_names = template_names(&head_op.path);
        for (old, new) in base_names.iter().zip(&head_names) {
            if old == new {
                continue;
            }
            if let Some(param) = base.remove(&("path".to_owned(), old.clone())) {
                if let Some(head_param) = head.get(&("path".to_owned(), new.clone())) {
                    out.push(Raw::new(
                        "request-parameter-renamed",
                        NonBreaking,
                        Breaking,
                        Side::Head,
                        &head_param.pointer,
                        format!("path parameter `{old}` was renamed to `{new}`: the builder setter is renamed",),
                    ));
                }
                base.insert(("path".to_owned(), new.clone()), param);
            }
        }

        let removed: Vec<&Param> = base
            .iter()
            .filter(|(k, _)| !head.contains_key(*k))
            .map(|(_, p)| p)
            .collect();
        let added: Vec<&Param> = head
            .iter()
            .filter(|(k, _)| !base.contains_key(*k))
            .map(|(_, p)| p)
            .collect();
        let mut renamed_to = Vec::new();
        for old in &removed {
            let new = added.iter().find(|new| {
                new.location == old.location
                    && new.required() == old.required()
                    && !renamed_to.contains(&new.name)
                    && self.param_signature(&self.base, old) == self.param_signature(&self.head, new)
            });
            if let Some(new) = new {
                renamed_to.push(new.name.clone());
                out.push(Raw::new(
                    "request-parameter-renamed",
                    Breaking,
                    Breaking,
                    Side::Head,
                    &new.pointer,
                    format!("{} was renamed to `{}`", old.label(), new.name),
                ));
                continue;
            }
            out.push(Raw::new(
                "request-parameter-removed",
                PotentiallyBreaking,
                Breaking,
                Side::Base,
                &old.pointer,
                format!("{} was removed: servers may reject or ignore it", old.label()),
            ));
        }
        for new in added.iter().filter(|p| !renamed_to.contains(&p.name)) {
            let raw = if new.required() {
                Raw::new(
                    "request-required-parameter-added",
                    Breaking,
                    Breaking,
                    Side::Head,
                    &new.pointer,
                    format!("required {} was added", new.label()),
                )
            } else {
                Raw::new(
                    "request-parameter-added",
                    NonBreaking,
                    NonBreaking,
                    Side::Head,
                    &new.pointer,
                    format!("optional {} was added", new.label()),
                )
            };
            out.push(raw);
        }

        for (key, old) in &base {
            let Some(new) = head.get(key) else {
                continue;
            };
            match (old.required(), new.required()) {
                (false, true) => out.push(Raw::new(
                    "request-parameter-became-required",
                    Breaking,
                    Breaking,
                    Side::Head,
                    join(&new.pointer, "required"),
                    format!("{} became required", new.label()),
                )),
                (true, false) => out.push(Raw::new(
                    "request-parameter-became-optional",
                    NonBreaking,
                    NonBreaking,
                    Side::Head,
                    join(&new.pointer, "required"),
                    format!("{} became optional", new.label()),
                )),
                _ => {}
            }
            if let (Some((b, bp)), Some((h, hp))) = (old.schema(), new.schema()) {
                let ctx = Ctx {
                    dir: Direction::Request,
                    subject: Subject::Parameter,
                };
                let from = out.len();
                self.slot(ctx, Slot::top(ctx), b, h, &bp, &hp, out);
                let owner = Owner::Parameter {
                    location: &new.location,
                    name: &new.name,
                };
                place(out, from, owner);
            }
        }
    }

    fn param_signature(&self, doc: &Document<'a>, param: &Param<'a>) -> Option<String> {
        param.schema().map(|(schema, _)| signature(doc, schema))
    }
}
