//! Operations, request bodies and responses.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use generator::pointer::join;
use heck::ToSnakeCase;
use serde_json::{Map, Value};

use super::schema::Slot;
use super::{Ctx, Differ, Direction, Owner, Raw, Subject, place};
use crate::change::Level::{Breaking, NonBreaking, PotentiallyBreaking};
use crate::change::{Operation, Side};

/// Stands in for a missing `content` or `responses` map.
static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

pub(crate) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// An operation found in one document.
#[derive(Debug, Clone)]
pub(crate) struct Op<'a> {
    pub path: String,
    pub method: &'static str,
    pub pointer: String,
    pub value: &'a Value,
    pub path_item: &'a Value,
    pub path_item_pointer: String,
}

impl Op<'_> {
    pub fn operation_id(&self) -> Option<&str> {
        self.value.get("operationId").and_then(Value::as_str)
    }

    pub fn describe(&self) -> Operation {
        Operation {
            method: self.method.to_uppercase(),
            path: self.path.clone(),
            rust_method: self.operation_id().map(|id| id.to_snake_case()),
        }
    }
}

/// `/servers/{qualifiedName}` → `/servers/{}`: path parameter names are not on the wire, so
/// renaming one keeps the operation.
pub(crate) fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push('{');
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push('}');
                }
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// The names of a path template's parameters, in order.
pub(crate) fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn index(root: &Value) -> BTreeMap<(String, &'static str), Op<'_>> {
    let mut ops = BTreeMap::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        let item_pointer = join("/paths", path);
        for method in METHODS {
            let Some(value) = item.get(method).filter(|v| v.is_object()) else {
                continue;
            };
            // Two templates with the same shape is an invalid document; the first one wins.
            ops.entry((path_shape(path), method)).or_insert_with(|| Op {
                path: path.clone(),
                method,
                pointer: join(&item_pointer, method),
                value,
                path_item: item,
                path_item_pointer: item_pointer.clone(),
            });
        }
    }
    ops
}

impl<'a> Differ<'a> {
    /// Every change found under `paths`, each with the operation it belongs to.
    pub(crate) fn operations(&mut self) -> Vec<(Raw, Option<Operation>)> {
        let base_ops = index(self.base.root);
        let head_ops = index(self.head.root);
        let mut found = Vec::new();
        for (key, base) in &base_ops {
            let Some(head) = head_ops.get(key) else {
                let raw = Raw::new(
                    "operation-removed",
                    Breaking,
                    Breaking,
                    Side::Base,
                    &base.pointer,
                    format!("the operation {} {} was removed", base.method.to_uppercase(), base.path),
                );
                found.push((raw, Some(base.describe())));
                continue;
            };
            let mut out = Vec::new();
            self.operation(base, head, &mut out);
            let operation = head.describe();
            found.extend(out.into_iter().map(|raw| (raw, Some(operation.clone()))));
        }
        for (key, head) in &head_ops {
            if !base_ops.contains_key(key) {
                let raw = Raw::new(
                    "operation-added",
                    NonBreaking,
                    NonBreaking,
                    Side::Head,
                    &head.pointer,
                    format!("the operation {} {} was added", head.method.to_uppercase(), head.path),
                );
                found.push((raw, Some(head.describe())));
            }
        }
        found
    }

    fn operation(&mut self, base: &Op<'a>, head: &Op<'a>, out: &mut Vec<Raw>) {
        let (base_id, head_id) = (base.operation_id(), head.operation_id());
        if base_id != head_id {
            let rust_base = base_id.map(|id| id.to_snake_case());
            let rust_head = head_id.map(|id| id.to_snake_case());
            let (rust, tail) = if rust_base == rust_head {
                (NonBreaking, "the Rust method keeps its name".to_owned())
            } else {
                (
                    Breaking,
                    format!(
                        "the Rust method `{}` becomes `{}`",
                        rust_base.as_deref().unwrap_or("(none)"),
                        rust_head.as_deref().unwrap_or("(none)")
                    ),
                )
            };
            out.push(Raw::new(
                "operation-id-changed",
                NonBreaking,
                rust,
                Side::Head,
                join(&head.pointer, "operationId"),
                format!(
                    "operationId `{}` became `{}`: {tail}",
                    base_id.unwrap_or("(none)"),
                    head_id.unwrap_or("(none)")
                ),
            ));
        }
        let deprecated = |op: &Op| op.value.get("deprecated").and_then(Value::as_bool).unwrap_or(false);
        if !deprecated(base) && deprecated(head) {
            out.push(Raw::new(
                "operation-deprecated",
                NonBreaking,
                NonBreaking,
                Side::Head,
                join(&head.pointer, "deprecated"),
                "the operation was deprecated",
            ));
        }
        let tags = |op: &Op| -> BTreeSet<String> {
            op.value
                .get("tags")
                .and_then(Value::as_array)
                .map(|tags| tags.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let (base_tags, head_tags) = (tags(base), tags(head));
        if base_tags != head_tags {
            out.push(Raw::new(
                "operation-tags-changed",
                NonBreaking,
                PotentiallyBreaking,
                Side::Head,
                &head.pointer,
                format!(
                    "tags changed from [{}] to [{}]: the generated method moves to another `Client...Ext` trait",
                    base_tags.into_iter().collect::<Vec<_>>().join(", "),
                    head_tags.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        self.parameters(base, head, out);
        self.request_body(base, head, out);
        self.responses(base, head, out);
        self.operation_security(base, head, out);
    }

    fn request_body(&mut self, base: &Op<'a>, head: &Op<'a>, out: &mut Vec<Raw>) {
        let base_body = base.value.get("requestBody").map(|b| self.base.resolve(b).0);
        let head_body = head.value.get("requestBody").map(|b| self.head.resolve(b).0);
        let required = |body: &Value| body.get("required").and_then(Value::as_bool).unwrap_or(false);
        let base_pointer = join(&base.pointer, "requestBody");
        let head_pointer = join(&head.pointer, "requestBody");
        match (base_body, head_body) {
            (None, None) => {}
            (None, Some(body)) => {
                let raw = if required(body) {
                    Raw::new(
                        "request-required-body-added",
                        Breaking,
                        Breaking,
                        Side::Head,
                        head_pointer,
                        "a required request body was added",
                    )
                } else {
                    Raw::new(
                        "request-body-added",
                        NonBreaking,
                        NonBreaking,
                        Side::Head,
                        head_pointer,
                        "an optional request body was added",
                    )
                };
                out.push(raw);
            }
            (Some(_), None) => out.push(Raw::new(
                "request-body-removed",
                PotentiallyBreaking,
                Breaking,
                Side::Base,
                base_pointer,
                "the request body was removed: the server may reject or ignore one",
            )),
            (Some(b), Some(h)) => {
                match (required(b), required(h)) {
                    (false, true) => out.push(Raw::new(
                        "request-body-became-required",
                        Breaking,
                        Breaking,
                        Side::Head,
                        join(&head_pointer, "required"),
                        "the request body became required",
                    )),
                    (true, false) => out.push(Raw::new(
                        "request-body-became-optional",
                        NonBreaking,
                        NonBreaking,
                        Side::Head,
                        join(&head_pointer, "required"),
                        "the request body became optional",
                    )),
                    _ => {}
                }
                let ctx = Ctx {
                    dir: Direction::Request,
                    subject: Subject::Body,
                };
                self.content(ctx, b, h, &base_pointer, &head_pointer, out);
            }
        }
    }

    /// Media types of a request body or response, and the schema of each media type both keep.
    pub(crate) fn content(
        &mut self,
        ctx: Ctx,
        base: &'a Value,
        head: &'a Value,
        bp: &str,
        hp: &str,
        out: &mut Vec<Raw>,
    ) {
        let base_content = base.get("content").and_then(Value::as_object).unwrap_or(&EMPTY);
        let head_content = head.get("content").and_then(Value::as_object).unwrap_or(&EMPTY);
        let (bp, hp) = (join(bp, "content"), join(hp, "content"));
        let what = match ctx.dir {
            Direction::Request => "request body",
            Direction::Response => "response",
        };
        for (media, base_media) in base_content {
            let base_pointer = join(&bp, media);
            let Some(head_media) = head_content.get(media) else {
                let (id, wire, rust) = match ctx.dir {
                    Direction::Request => ("request-body-media-type-removed", Breaking, PotentiallyBreaking),
                    Direction::Response => ("response-media-type-removed", Breaking, PotentiallyBreaking),
                };
                out.push(Raw::new(
                    id,
                    wire,
                    rust,
                    Side::Base,
                    base_pointer,
                    format!("the {what} media type `{media}` was removed"),
                ));
                continue;
            };
            let head_pointer = join(&hp, media);
            if let (Some(b), Some(h)) = (base_media.get("schema"), head_media.get("schema")) {
                let slot = Slot::top(ctx);
                let from = out.len();
                self.slot(
                    ctx,
                    slot,
                    b,
                    h,
                    &join(&base_pointer, "schema"),
                    &join(&head_pointer, "schema"),
                    out,
                );
                place(out, from, Owner::Body(ctx.dir));
            }
        }
        for media in head_content.keys() {
            if !base_content.contains_key(media) {
                let id = match ctx.dir {
                    Direction::Request => "request-body-media-type-added",
                    Direction::Response => "response-media-type-added",
                };
                out.push(Raw::new(
                    id,
                    NonBreaking,
                    NonBreaking,
                    Side::Head,
                    join(&hp, media),
                    format!("the {what} media type `{media}` was added"),
                ));
            }
        }
    }

    fn responses(&mut self, base: &Op<'a>, head: &Op<'a>, out: &mut Vec<Raw>) {
        let base_responses = base.value.get("responses").and_then(Value::as_object).unwrap_or(&EMPTY);
        let head_responses = head.value.get("responses").and_then(Value::as_object).unwrap_or(&EMPTY);
        let bp = join(&base.pointer, "responses");
        let hp = join(&head.pointer, "responses");
        let success = |responses: &Map<String, Value>| responses.keys().find(|code| code.starts_with('2')).cloned();
        // A success status that moved (200 → 201) is one change, and its bodies are compared
        // with each other rather than reported as one response removed and another added.
        let mut pairs: Vec<(String, String)> = Vec::new();
        let (base_success, head_success) = (success(base_responses), success(head_responses));
        if let (Some(b), Some(h)) = (&base_success, &head_success)
            && b != h
            && !head_responses.contains_key(b)
            && !base_responses.contains_key(h)
        {
            out.push(Raw::new(
                "response-success-status-changed",
                PotentiallyBreaking,
                PotentiallyBreaking,
                Side::Head,
                join(&hp, h),
                format!("the success status changed from {b} to {h}"),
            ));
            pairs.push((b.clone(), h.clone()));
        }
        for code in base_responses.keys() {
            if head_responses.contains_key(code) {
                pairs.push((code.clone(), code.clone()));
            } else if !pairs.iter().any(|(b, _)| b == code) {
                let wire = if code.starts_with('2') {
                    PotentiallyBreaking
                } else {
                    NonBreaking
                };
                out.push(Raw::new(
                    "response-status-removed",
                    wire,
                    PotentiallyBreaking,
                    Side::Base,
                    join(&bp, code),
                    format!("the response status {code} was removed"),
                ));
            }
        }
        for code in head_responses.keys() {
            if !base_responses.contains_key(code) && !pairs.iter().any(|(_, h)| h == code) {
                let wire = if code.starts_with('2') {
                    PotentiallyBreaking
                } else {
                    NonBreaking
                };
                out.push(Raw::new(
                    "response-status-added",
                    wire,
                    PotentiallyBreaking,
                    Side::Head,
                    join(&hp, code),
                    format!("the response status {code} was added"),
                ));
            }
        }
        pairs.sort();
        for (b, h) in pairs {
            let (Some(base_response), Some(head_response)) = (base_responses.get(&b), head_responses.get(&h)) else {
                continue;
            };
            let base_response = self.base.resolve(base_response).0;
            let head_response = self.head.resolve(head_response).0;
            let ctx = Ctx {
                dir: Direction::Response,
                subject: Subject::Body,
            };
            self.content(ctx, base_response, head_response, &join(&bp, &b), &join(&hp, &h), out);
        }
    }
}
