//! Stage 2a: event-stream responses (`text/event-stream`) made typeable.
//!
//! OpenAPI 3.2 describes what each server-sent event carries with `itemSchema` beside the
//! media type; 3.0 and 3.1 documents in the wild put it in `schema`. Both are read here, as
//! the schema of one event's `data` after JSON decoding, and left in `schema` (which the
//! 3.0 model progenitor reads keeps; it drops `itemSchema`). An inline schema is moved into
//! `components/schemas` as `<Operation>Event`, so that it gets a Rust type.
//!
//! - no schema: the events' data is plain text (`String`), with a warning;
//! - `type: string` without a format: plain text, as declared;
//! - an object, a composition, a scalar, or a `$ref` to one: JSON, typed;
//! - an array (or a `$ref` to one): refused, since one event's data is one value, and an
//!   array of them says the document mistook the stream for a list.
//!
//! This runs before normalization, so the moved schema is normalized with the others.

use heck::ToPascalCase;
use serde_json::{Map, Value};

use crate::error::{Error, Result, Stage};
use crate::pointer;
use crate::warning::Warning;

/// The media type of a server-sent event stream.
pub const EVENT_STREAM: &str = "text/event-stream";

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Rewrites every event-stream response of `spec` as described in the module docs.
pub fn prepare(name: &str, spec: &mut Value, warnings: &mut Vec<Warning>) -> Result<()> {
    let mut moved: Vec<(String, Value)> = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    let mut edits: Vec<(String, Option<Value>)> = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for method in METHODS {
            let Some(operation) = item.get(*method).and_then(Value::as_object) else {
                continue;
            };
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            let id = operation.get("operationId").and_then(Value::as_str).unwrap_or("");
            for (status, response) in responses {
                let Some(media) = response
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|content| content.get(EVENT_STREAM))
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                let at = format!(
                    "{}/responses/{}/content/{}",
                    pointer::join(&pointer::join("/paths", path), method),
                    pointer::escape(status),
                    pointer::escape(EVENT_STREAM)
                );
                let (schema, key) = match (media.get("itemSchema"), media.get("schema")) {
                    (Some(item), _) => (item.clone(), "itemSchema"),
                    (None, Some(schema)) => (schema.clone(), "schema"),
                    (None, None) => {
                        warnings.push(Warning {
                            pointer: at.clone(),
                            message: "the event stream declares no schema for its events: their data is read as text"
                                .to_owned(),
                        });
                        edits.push((at, Some(serde_json::json!({"type": "string"}))));
                        continue;
                    }
                };
                let schema_at = format!("{at}/{key}");
                let target = resolve(spec, &schema);
                // The schema of the stream rather than of one event: each event's data is
                // read as any JSON value.
                if target.and_then(|t| t.get("type")).and_then(Value::as_str) == Some("array") {
                    warnings.push(Warning {
                        pointer: schema_at,
                        message: "an event's data must be one object or scalar, not an array (it describes the stream, not one event); each event's data is read as any JSON value".to_owned(),
                    });
                    edits.push((at, Some(serde_json::json!({}))));
                    continue;
                }
                let schema = if target.is_some_and(is_plain_text) {
                    serde_json::json!({"type": "string"})
                } else if schema.get("$ref").is_some() || id.is_empty() {
                    schema
                } else {
                    let component = format!("{}Event", id.to_pascal_case());
                    moved.push((component.clone(), schema));
                    serde_json::json!({"$ref": format!("#/components/schemas/{}", pointer::escape(&component))})
                };
                edits.push((at, Some(schema)));
            }
        }
    }
    for (at, schema) in edits {
        if let Some(Value::Object(media)) = spec.pointer_mut(&at) {
            media.remove("itemSchema");
            if let Some(schema) = schema {
                media.insert("schema".to_owned(), schema);
            }
        }
    }
    if !moved.is_empty() {
        let Some(root) = spec.as_object_mut() else {
            return Ok(());
        };
        let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else {
            return Err(Error::at(
                Stage::Normalize,
                name,
                "/components",
                "`components` must be a mapping",
            ));
        };
        let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
        let Some(schemas) = schemas.as_object_mut() else {
            return Err(Error::at(
                Stage::Normalize,
                name,
                "/components/schemas",
                "`schemas` must be a mapping",
            ));
        };
        for (component, schema) in moved {
            if schemas.contains_key(&component) {
                return Err(Error::at(
                    Stage::Normalize,
                    name,
                    format!("/components/schemas/{}", pointer::escape(&component)),
                    format!("the event schema of an operation would be named `{component}`, which is taken"),
                ));
            }
            schemas.insert(component, schema);
        }
    }
    Ok(())
}

/// `{type: string}` with no format or structure: events whose data is plain text.
pub fn is_plain_text(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").is_none()
        && schema.get("enum").is_none()
        && schema.get("const").is_none()
}

/// The schema a local `$ref` points to (following a few hops), or `schema` itself.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let mut current = schema;
    for _ in 0..8 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => current = spec.pointer(reference.strip_prefix('#')?)?,
            None => return Some(current),
        }
    }
    None
}
