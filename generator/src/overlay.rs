//! Stage 2: apply an OpenAPI Overlay 1.0 document.
//!
//! The project's naming (short operation names, groups) lives in an overlay beside the
//! upstream spec, so the spec itself stays byte-for-byte what the registry publishes.
//! Targets are RFC 9535 JSONPath expressions; an action whose target selects nothing is an
//! error, because after an upstream rename it would otherwise silently stop applying.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::error::{Error, Result, Stage};
use crate::load::{Document, kind_of};
use crate::pointer;

/// One parsed action.
#[derive(Debug, Clone)]
pub struct Action {
    /// Where the action sits in the overlay document, for errors.
    pub pointer: String,
    pub target: String,
    path: JsonPath,
    pub change: Change,
}

/// What an action does to each node its target selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Merge into an object, or append to an array.
    Update(Value),
    /// Delete the node.
    Remove,
}

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub name: String,
    pub sha256: String,
    pub actions: Vec<Action>,
}

impl Overlay {
    /// Reads and checks an overlay document; JSONPath syntax errors are reported here, before
    /// anything is applied.
    pub fn parse(document: &Document) -> Result<Self> {
        let name = document.name.as_str();
        let root = &document.value;
        let err = |p: &str, reason: String| Error::at(Stage::Overlay, name, p, reason);
        match root.get("overlay") {
            Some(Value::String(v)) if v.starts_with("1.0") => {}
            Some(Value::String(v)) => {
                return Err(err(
                    "/overlay",
                    format!("unsupported Overlay version `{v}` (1.0.x is supported)"),
                ));
            }
            Some(other) => {
                return Err(err(
                    "/overlay",
                    format!("`overlay` must be a version string, found {}", kind_of(other)),
                ));
            }
            None => return Err(err("", "not an Overlay document: no `overlay` version field".into())),
        }
        let actions = match root.get("actions") {
            Some(Value::Array(actions)) if !actions.is_empty() => actions,
            Some(Value::Array(_)) => return Err(err("/actions", "an overlay needs at least one action".into())),
            Some(other) => {
                return Err(err(
                    "/actions",
                    format!("`actions` must be an array, found {}", kind_of(other)),
                ));
            }
            None => return Err(err("", "an overlay needs `actions`".into())),
        };
        let actions = actions
            .iter()
            .enumerate()
            .map(|(i, action)| {
                let at = format!("/actions/{i}");
                let Value::Object(action) = action else {
                    return Err(err(
                        &at,
                        format!("an action must be an object, found {}", kind_of(action)),
                    ));
                };
                let target = match action.get("target") {
                    Some(Value::String(t)) => t.clone(),
                    Some(other) => {
                        return Err(err(
                            &format!("{at}/target"),
                            format!("`target` must be a string, found {}", kind_of(other)),
                        ));
                    }
                    None => return Err(err(&at, "an action needs a `target`".into())),
                };
                let path = JsonPath::parse(&target)
                    .map_err(|e| err(&format!("{at}/target"), format!("invalid JSONPath `{target}`: {e}")))?;
                let remove = match action.get("remove") {
                    None => false,
                    Some(Value::Bool(b)) => *b,
                    Some(other) => {
                        return Err(err(
                            &format!("{at}/remove"),
                            format!("`remove` must be a boolean, found {}", kind_of(other)),
                        ));
                    }
                };
                let change = match (action.get("update"), remove) {
                    (Some(_), true) => {
                        return Err(err(
                            &at,
                            "an action has either `update` or `remove: true`, not both".into(),
                        ));
                    }
                    (Some(update), false) => Change::Update(update.clone()),
                    (None, true) => Change::Remove,
                    (None, false) => return Err(err(&at, "an action needs `update` or `remove: true`".into())),
                };
                Ok(Action {
                    pointer: at,
                    target,
                    path,
                    change,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            name: name.to_owned(),
            sha256: document.sha256.clone(),
            actions,
        })
    }

    /// The pointer (in this overlay) of the last update action that set `key` on the node
    /// at `at` of the overlaid `spec`, such as `/actions/4`.
    pub fn origin_of(&self, spec: &Value, at: &str, key: &str) -> Option<String> {
        self.actions
            .iter()
            .rev()
            .filter(
                |action| matches!(&action.change, Change::Update(Value::Object(update)) if update.contains_key(key)),
            )
            .find(|action| {
                action
                    .path
                    .query_located(spec)
                    .locations()
                    .any(|location| location.to_json_pointer() == at)
            })
            .map(|action| action.pointer.clone())
    }

    /// Applies every action in order to `spec`.
    pub fn apply(&self, spec: &mut Value) -> Result<()> {
        for action in &self.actions {
            let err = |reason: String| Error::at(Stage::Overlay, &self.name, &action.pointer, reason);
            // Pointers, not references: the tree is mutated below.
            let targets: Vec<String> = action
                .path
                .query_located(spec)
                .locations()
                .map(|p| p.to_json_pointer())
                .collect();
            if targets.is_empty() {
                return Err(err(format!(
                    "target `{}` matches nothing in the document",
                    action.target
                )));
            }
            match &action.change {
                Change::Update(update) => {
                    for target in &targets {
                        let node = spec
                            .pointer_mut(target)
                            .ok_or_else(|| err(format!("target `{}` vanished while applying", action.target)))?;
                        merge(node, update, target).map_err(|(at, why)| err(format!("cannot update {at}: {why}")))?;
                    }
                }
                Change::Remove => {
                    // Deepest and last first, so that removing one node leaves the pointers of
                    // the others valid (array indices shift only after the removed element).
                    let mut targets = targets;
                    targets.sort_by(|a, b| compare_for_removal(a, b));
                    for target in targets {
                        remove(spec, &target).map_err(err)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Overlay 1.0 merge: objects merge key by key, arrays are appended to, other values are
/// replaced; an object or array meeting a value of another kind is an error.
fn merge(node: &mut Value, update: &Value, at: &str) -> std::result::Result<(), (String, String)> {
    match (node, update) {
        (Value::Object(node), Value::Object(update)) => {
            for (key, value) in update {
                match node.get_mut(key) {
                    Some(existing) => merge(existing, value, &pointer::join(at, key))?,
                    None => {
                        node.insert(key.clone(), value.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Array(node), Value::Array(update)) => {
            node.extend(update.iter().cloned());
            Ok(())
        }
        (Value::Array(node), entry) => {
            node.push(entry.clone());
            Ok(())
        }
        (node @ Value::Object(_), update) | (node, update @ (Value::Object(_) | Value::Array(_))) => Err((
            at.to_owned(),
            format!("{} cannot be merged with {}", kind_of(node), kind_of(update)),
        )),
        (node, update) => {
            *node = update.clone();
            Ok(())
        }
    }
}

fn remove(spec: &mut Value, target: &str) -> std::result::Result<(), String> {
    let Some((parent, last)) = target.rsplit_once('/') else {
        return Err("the document root cannot be removed".into());
    };
    let last = pointer::unescape(last);
    match spec.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&last);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index: usize = last.parse().map_err(|_| format!("bad array index in {target}"))?;
            if index < items.len() {
                items.remove(index);
            }
            Ok(())
        }
        _ => Err(format!("cannot remove {target}")),
    }
}

/// Orders pointers so that removals never invalidate each other: siblings with larger array
/// indices first, children before their parents.
fn compare_for_removal(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |p: &str| -> Vec<Token> {
        p.split('/')
            .skip(1)
            .map(|t| {
                t.parse::<usize>()
                    .map(Token::Index)
                    .unwrap_or_else(|_| Token::Key(t.to_owned()))
            })
            .collect()
    };
    key(b).cmp(&key(a))
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Index(usize),
    Key(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;
    use serde_json::json;

    fn overlay(yaml: &str) -> Result<Overlay> {
        Overlay::parse(&load("overlay.yaml", yaml.as_bytes())?)
    }

    fn spec() -> Value {
        json!({
            "openapi": "3.1.0",
            "tags": [{"name": "servers"}],
            "paths": {
                "/servers": {"get": {"operationId": "getServers", "tags": ["servers"], "responses": {}}},
                "/health": {"get": {"operationId": "getHealth", "responses": {}}}
            }
        })
    }

    #[test]
    fn update_renames_an_operation_and_adds_a_tag() {
        let o = overlay(
            "overlay: 1.0.0\nactions:\n  - target: $.paths['/health'].get\n    update:\n      operationId: health_check\n      tags: [service]\n",
        )
        .expect("parse");
        let mut s = spec();
        o.apply(&mut s).expect("apply");
        assert_eq!(s["paths"]["/health"]["get"]["operationId"], "health_check");
        assert_eq!(s["paths"]["/health"]["get"]["tags"], json!(["service"]));
        // Untouched parts stay as they were.
        assert_eq!(s["paths"]["/servers"], spec()["paths"]["/servers"]);
    }

    #[test]
    fn update_on_an_array_appends() {
        let o = overlay("overlay: 1.0.0\nactions:\n  - target: $.tags\n    update:\n      - name: service\n  - target: $.tags\n    update: {name: uplink}\n").expect("parse");
        let mut s = spec();
        o.apply(&mut s).expect("apply");
        assert_eq!(
            s["tags"],
            json!([{"name": "servers"}, {"name": "service"}, {"name": "uplink"}])
        );
    }

    #[test]
    fn nested_objects_merge_and_arrays_concatenate() {
        let o = overlay("overlay: 1.0.0\nactions:\n  - target: $.paths['/servers'].get\n    update:\n      tags: [extra]\n      responses: {'200': {description: ok}}\n").expect("parse");
        let mut s = spec();
        o.apply(&mut s).expect("apply");
        assert_eq!(s["paths"]["/servers"]["get"]["tags"], json!(["servers", "extra"]));
        assert_eq!(s["paths"]["/servers"]["get"]["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn remove_deletes_every_match() {
        let o = overlay("overlay: 1.0.0\nactions:\n  - target: $.paths.*.get.operationId\n    remove: true\n")
            .expect("parse");
        let mut s = spec();
        o.apply(&mut s).expect("apply");
        assert!(s["paths"]["/servers"]["get"].get("operationId").is_none());
        assert!(s["paths"]["/health"]["get"].get("operationId").is_none());
    }

    #[test]
    fn remove_of_several_array_elements_keeps_indices_valid() {
        let o = overlay("overlay: 1.0.0\nactions:\n  - target: $.items[?@ > 1]\n    remove: true\n").expect("parse");
        let mut s = json!({"items": [1, 2, 3, 1, 4]});
        o.apply(&mut s).expect("apply");
        assert_eq!(s["items"], json!([1, 1]));
    }

    #[test]
    fn a_target_that_matches_nothing_is_an_error_naming_the_action() {
        let o = overlay("overlay: 1.0.0\nactions:\n  - target: $.tags\n    update: {name: a}\n  - target: $.paths['/gone'].get\n    update: {operationId: x}\n").expect("parse");
        let mut s = spec();
        let err = o.apply(&mut s).expect_err("no match");
        assert_eq!(err.stage, Stage::Overlay);
        assert_eq!(
            err.to_string(),
            "overlay.yaml#/actions/1: target `$.paths['/gone'].get` matches nothing in the document"
        );
    }

    #[test]
    fn incompatible_merge_is_an_error() {
        let o = overlay(
            "overlay: 1.0.0\nactions:\n  - target: $.paths['/health'].get\n    update: {operationId: {a: 1}}\n",
        )
        .expect("parse");
        let err = o.apply(&mut spec()).expect_err("incompatible");
        assert!(err.reason.contains("/paths/~1health/get/operationId"), "{err}");
        assert!(err.reason.contains("a string cannot be merged with an object"), "{err}");
    }

    #[test]
    fn malformed_overlays_are_refused_with_their_location() {
        let cases = [
            ("openapi: 3.1.0\n", "", "no `overlay` version"),
            (
                "overlay: 2.0.0\nactions: [{target: $, remove: true}]\n",
                "/overlay",
                "unsupported Overlay version",
            ),
            ("overlay: 1.0.0\nactions: []\n", "/actions", "at least one action"),
            (
                "overlay: 1.0.0\nactions:\n  - target: \"$[\"\n    remove: true\n",
                "/actions/0/target",
                "invalid JSONPath",
            ),
            (
                "overlay: 1.0.0\nactions:\n  - target: $.a\n",
                "/actions/0",
                "needs `update` or `remove: true`",
            ),
            (
                "overlay: 1.0.0\nactions:\n  - target: $.a\n    update: {}\n    remove: true\n",
                "/actions/0",
                "not both",
            ),
        ];
        for (text, at, why) in cases {
            let err = overlay(text).expect_err(text);
            assert_eq!(err.location.as_ref().map(|l| l.pointer.as_str()), Some(at), "{text}");
            assert!(err.reason.contains(why), "{text}: {err}");
        }
    }
}
