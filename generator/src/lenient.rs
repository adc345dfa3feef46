//! Stage 4a: read leniently what a document gets wrong with an obvious meaning, as most
//! OpenAPI tools do, rather than give up the node holding it.
//!
//! Each rule fixes the normalized JSON tree in place before `validate` reads it, with a
//! [`Warning`] naming the node:
//!
//! - `required: true` inside a schema (it belongs to a parameter) is ignored;
//! - a `default` that does not conform to its schema's type or `enum` is dropped;
//! - an `enum` value of another type than the schema's (YAML's `enum: [true, false]` under
//!   `type: string`) is read as the declared type;
//! - a schema `$ref` that points to nothing is any JSON value;
//! - a path parameter not marked `required` is required (a path segment always is), and one
//!   the path's template names but the operation does not declare is added as a string;
//! - an `operationId` used twice (or two that make one Rust method name) gets `_2`, `_3`, ...,
//!   and a tag listed twice on an operation is listed once;
//! - a header parameter with an object schema is any JSON value, sent as its JSON text;
//! - an operation without `responses` (3.1 allows it) answers with no typed body, a
//!   response without its (required) `description` has an empty one, and a document
//!   without `paths` (one of only webhooks) has no operations.
//!
//! [`read`] returns the pointers of the nodes whose typing changed, for the report of
//! degraded operations.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

use crate::pointer;
use crate::validate::METHODS;
use crate::warning::Warning;

/// Applies every rule to `spec`; returns the pointers of the nodes whose types changed.
pub fn read(spec: &mut Value, warnings: &mut Vec<Warning>) -> Vec<String> {
    let Some(root) = spec.as_object_mut() else {
        return Vec::new();
    };
    root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    let mut changed = Vec::new();
    let snapshot = Snapshot::of(spec);
    schemas(spec, &snapshot, warnings, &mut changed);
    operations(spec, warnings);
    let before = warnings.len();
    text_headers(spec, warnings);
    changed.extend(warnings[before..].iter().map(|w| w.pointer.clone()));
    describe_responses(spec);
    changed
}

/// A response without `description` gets an empty one: it documents, and changes nothing a
/// client sends or reads.
fn describe_responses(spec: &mut Value) {
    fn fill(responses: Option<&mut Value>) {
        if let Some(Value::Object(responses)) = responses {
            for response in responses.values_mut() {
                if let Value::Object(response) = response
                    && !response.contains_key("$ref")
                    && !response.contains_key("description")
                {
                    response.insert("description".to_owned(), Value::String(String::new()));
                }
            }
        }
    }
    fill(spec.pointer_mut("/components/responses"));
    if let Some(Value::Object(paths)) = spec.get_mut("paths") {
        for item in paths.values_mut() {
            for method in METHODS {
                fill(item.get_mut(*method).and_then(|op| op.get_mut("responses")));
            }
        }
    }
}

/// What the rules read of the component schemas while the tree changes: their names, and
/// a copy of each scalar one (what a lone `allOf` reference with a default names).
struct Snapshot {
    names: BTreeSet<String>,
    scalars: Map<String, Value>,
}

impl Snapshot {
    fn of(spec: &Value) -> Self {
        let mut names = BTreeSet::new();
        let mut scalars = Map::new();
        if let Some(Value::Object(schemas)) = spec.pointer("/components/schemas") {
            for (name, schema) in schemas {
                names.insert(name.clone());
                let scalar = schema
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| !matches!(t, "object" | "array"));
                if scalar || schema.get("enum").is_some() {
                    scalars.insert(name.clone(), schema.clone());
                }
            }
        }
        Self { names, scalars }
    }

    /// The scalar schema a local `$ref` names.
    fn schema(&self, reference: &str) -> Option<&Value> {
        let name = reference.strip_prefix("#/components/schemas/")?;
        self.scalars.get(&pointer::unescape(name))
    }

    /// Whether a schema `$ref` points to nothing: a component schema that does not exist,
    /// or another place of the document (`exists` tells) that does not.
    fn dangles(&self, exists: impl Fn(&str) -> bool, reference: &str) -> bool {
        let Some(target) = reference.strip_prefix('#') else {
            return false;
        };
        if let Some(name) = target.strip_prefix("/components/schemas/") {
            let name = name.split('/').next().unwrap_or_default();
            return !self.names.contains(&pointer::unescape(name));
        }
        !target.is_empty() && !exists(target)
    }
}

fn schemas(spec: &mut Value, snapshot: &Snapshot, warnings: &mut Vec<Warning>, changed: &mut Vec<String>) {
    // Which targets outside component schemas exist: read before the walk borrows the tree.
    let mut outside: BTreeMap<String, bool> = BTreeMap::new();
    fn local_refs(node: &Value, out: &mut BTreeMap<String, bool>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(target) = r.strip_prefix('#')
                    && !target.starts_with("/components/schemas/")
                {
                    out.insert(target.to_owned(), false);
                }
                map.values().for_each(|v| local_refs(v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| local_refs(v, out)),
            _ => {}
        }
    }
    local_refs(spec, &mut outside);
    for (target, exists) in outside.iter_mut() {
        *exists = spec.pointer(target).is_some();
    }
    let exists = |target: &str| outside.get(target).copied().unwrap_or(true);
    crate::adapt::for_each_schema(spec, &mut |map, at, _| {
        if let Some(Value::String(reference)) = map.get("$ref")
            && snapshot.dangles(exists, reference)
        {
            warnings.push(Warning {
                pointer: format!("{at}/$ref"),
                message: format!("`$ref` `{reference}` points to nothing; the schema is any JSON value"),
            });
            map.remove("$ref");
            changed.push(at.to_owned());
        }
        if let Some(Value::Bool(_)) = map.get("required") {
            map.remove("required");
            warnings.push(Warning {
                pointer: format!("{at}/required"),
                message: "`required: true` belongs to a parameter, not a schema (list the property in its object's `required`); ignored".to_owned(),
            });
        }
        coerce_enum(map, at, warnings);
        required_like_a_property(map, at, warnings);
        if let Some(default) = map.get("default")
            && let Some(why) = nonconforming(map, default, snapshot)
        {
            warnings.push(Warning {
                pointer: format!("{at}/default"),
                message: format!("dropped the default {}: {why}", short(default)),
            });
            map.remove("default");
            changed.push(format!("{at}/default"));
        }
    });
}

/// A `required` name that is not a property but spells like one (`grant_type` beside the
/// property `grant-type`) is taken for a typo of it: typify would add a second field of the
/// same Rust name. The property stays as written; the name leaves `required`.
fn required_like_a_property(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    let Some(Value::Object(properties)) = map.get("properties") else {
        return;
    };
    let rust: BTreeMap<String, &String> = properties.keys().map(|k| (k.to_snake_case(), k)).collect();
    let mut typos = Vec::new();
    if let Some(Value::Array(required)) = map.get("required") {
        for (i, name) in required.iter().enumerate() {
            if let Value::String(name) = name
                && !properties.contains_key(name)
                && let Some(property) = rust.get(&name.to_snake_case())
            {
                typos.push((i, name.clone(), (*property).clone()));
            }
        }
    }
    if typos.is_empty() {
        return;
    }
    if let Some(Value::Array(required)) = map.get_mut("required") {
        for (i, name, property) in typos.iter().rev() {
            required.remove(*i);
            warnings.push(Warning {
                pointer: format!("{at}/required/{i}"),
                message: format!(
                    "`{name}` is required but not a property; the property `{property}` has its Rust name, so `{name}` is read as a misspelling of it and not required"
                ),
            });
        }
    }
}

/// A value as a short JSON text for a message.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// The schema's declared type, when it declares exactly one.
fn declared_type(map: &Map<String, Value>) -> Option<&str> {
    map.get("type").and_then(Value::as_str)
}

/// `enum` values of another JSON type than the schema's `type`, read as that type:
/// `true` under `type: string` is `"true"`, `"2"` under `type: integer` is `2`.
fn coerce_enum(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    let Some(kind) = declared_type(map).map(str::to_owned) else {
        return;
    };
    let Some(Value::Array(values)) = map.get_mut("enum") else {
        return;
    };
    let mut coerced = Vec::new();
    for (i, value) in values.iter_mut().enumerate() {
        let read = match (kind.as_str(), &*value) {
            ("string", Value::Bool(_) | Value::Number(_)) => Some(Value::String(value.to_string())),
            ("integer", Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
            ("number", Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
            ("boolean", Value::String(s)) => match s.as_str() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            _ => None,
        };
        if let Some(read) = read {
            coerced.push((i, value.to_string(), read.to_string()));
            *value = read;
        }
    }
    for (i, from, to) in coerced {
        warnings.push(Warning {
            pointer: format!("{at}/enum/{i}"),
            message: format!("enum value {from} is not a {kind}; read as {to}"),
        });
    }
}

/// Why `default` does not conform to the schema `map`, or `None` when it does (or when the
/// schema is too rich to tell: compositions other than a lone `allOf` reference).
fn nonconforming(map: &Map<String, Value>, default: &Value, snapshot: &Snapshot) -> Option<String> {
    if default.is_null() {
        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        return (!nullable && declared_type(map).is_some()).then(|| "the schema is not nullable".to_owned());
    }
    if let Some(Value::Array(values)) = map.get("enum")
        && !values.is_empty()
        && !values.contains(default)
    {
        return Some("it is not one of the schema's `enum` values".to_owned());
    }
    if let Some(kind) = declared_type(map) {
        let fits = match kind {
            "integer" => {
                default.as_i64().is_some()
                    || default.as_u64().is_some()
                    || default.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            "number" => default.is_number(),
            "boolean" => default.is_boolean(),
            "string" => default.is_string(),
            "array" => default.is_array(),
            "object" => default.is_object(),
            _ => true,
        };
        return (!fits).then(|| format!("the schema's type is `{kind}`"));
    }
    // `allOf: [{$ref: Enum}]`, the usual way to give a referenced enum a default.
    if let Some(Value::Array(parts)) = map.get("allOf")
        && let [only] = parts.as_slice()
        && let Some(Value::String(reference)) = only.get("$ref")
        && let Some(Value::Object(target)) = snapshot.schema(reference)
        && !target.contains_key("allOf")
    {
        return nonconforming(target, default, snapshot);
    }
    None
}

/// The rules on operations: path parameters, operation ids, responses.
fn operations(spec: &mut Value, warnings: &mut Vec<Warning>) {
    let components = spec.pointer("/components/parameters").cloned().unwrap_or(Value::Null);
    let Some(Value::Object(paths)) = spec.get_mut("paths") else {
        return;
    };
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut required_components: BTreeSet<String> = BTreeSet::new();
    for (path, item) in paths.iter_mut() {
        let item_at = pointer::join("/paths", path);
        let Value::Object(item) = item else { continue };
        let template = template_names(path);
        // The component path parameters used, to be marked required below.
        let mut note = |declared: &[(String, String)]| {
            for (_, reference) in declared {
                if let Some(component) = reference.strip_prefix("#/components/parameters/") {
                    required_components.insert(pointer::unescape(component));
                }
            }
        };
        let shared: Vec<(String, String)> = path_parameters(item.get("parameters"), &components);
        note(&shared);
        mark_required(item.get_mut("parameters"), &format!("{item_at}/parameters"), warnings);
        for method in METHODS {
            let Some(Value::Object(op)) = item.get_mut(*method) else {
                continue;
            };
            let op_at = pointer::join(&item_at, method);
            if !op.contains_key("responses") {
                op.insert("responses".to_owned(), json!({}));
            }
            unique_id(op, &op_at, &mut ids, warnings);
            unique_tags(op);
            mark_required(op.get_mut("parameters"), &format!("{op_at}/parameters"), warnings);
            let own = path_parameters(op.get("parameters"), &components);
            note(&own);
            let declared: BTreeSet<&str> = shared.iter().chain(&own).map(|(n, _)| n.as_str()).collect();
            let missing: Vec<&String> = template.iter().filter(|t| !declared.contains(t.as_str())).collect();
            if missing.is_empty() {
                continue;
            }
            let list = op.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                for name in missing {
                    warnings.push(Warning {
                        pointer: op_at.clone(),
                        message: format!(
                            "the path `{path}` has the parameter `{{{name}}}`, which the operation does not declare; sent as a string"
                        ),
                    });
                    list.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
                }
            }
        }
    }
    // A component path parameter not marked required: required, wherever it is used.
    if let Some(Value::Object(parameters)) = spec.pointer_mut("/components/parameters") {
        for name in required_components {
            if let Some(parameter) = parameters.get_mut(&name) {
                require_path_parameter(parameter, pointer::join("/components/parameters", &name), warnings);
            }
        }
    }
}

/// A tag listed twice on one operation is listed once: progenitor would put the method twice
/// in the tag's trait.
fn unique_tags(op: &mut Map<String, Value>) {
    if let Some(Value::Array(tags)) = op.get_mut("tags") {
        let mut seen = BTreeSet::new();
        tags.retain(|tag| seen.insert(tag.to_string()));
    }
}

/// A header carries text: a header parameter whose schema is an object (or a composition,
/// or a reference to either) is any JSON value, sent as its JSON text.
fn text_headers(spec: &mut Value, warnings: &mut Vec<Warning>) {
    fn object_like(schema: &Value) -> bool {
        schema.get("type").and_then(Value::as_str) == Some("object")
            || schema.get("properties").is_some()
            || ["oneOf", "anyOf", "allOf"].iter().any(|k| schema.get(*k).is_some())
    }
    // The component schemas a header's `$ref` may name that are objects (following
    // references between components), read before the tree changes: a copy of every schema
    // would cost a large document more than the whole rule.
    let objects: BTreeSet<String> = match spec.pointer("/components/schemas") {
        Some(Value::Object(schemas)) => schemas
            .iter()
            .filter(|(_, schema)| {
                let mut schema = *schema;
                for _ in 0..16 {
                    let Some(target) = schema
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .and_then(|name| schemas.get(&pointer::unescape(name)))
                    else {
                        break;
                    };
                    schema = target;
                }
                object_like(schema)
            })
            .map(|(name, _)| format!("#/components/schemas/{}", pointer::escape(name)))
            .collect(),
        _ => BTreeSet::new(),
    };
    let structured = |schema: &Value| -> bool {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => objects.contains(reference),
            None => object_like(schema),
        }
    };
    if let Some(Value::Object(parameters)) = spec.pointer_mut("/components/parameters") {
        for (name, parameter) in parameters.iter_mut() {
            let at = pointer::join("/components/parameters", name);
            text_header(parameter, &at, &structured, warnings);
        }
    }
    if let Some(Value::Object(paths)) = spec.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let item_at = pointer::join("/paths", path);
            let Value::Object(item) = item else { continue };
            let mut lists: Vec<(Option<&mut Value>, String)> = Vec::new();
            for (key, value) in item.iter_mut() {
                if key == "parameters" {
                    lists.push((Some(value), format!("{item_at}/parameters")));
                } else if METHODS.contains(&key.as_str()) {
                    let at = format!("{}/parameters", pointer::join(&item_at, key));
                    lists.push((value.get_mut("parameters"), at));
                }
            }
            for (list, at) in lists {
                if let Some(Value::Array(list)) = list {
                    for (i, parameter) in list.iter_mut().enumerate() {
                        text_header(parameter, &format!("{at}/{i}"), &structured, warnings);
                    }
                }
            }
        }
    }
}

/// [`text_headers`] for one parameter.
fn text_header(parameter: &mut Value, at: &str, structured: &dyn Fn(&Value) -> bool, warnings: &mut Vec<Warning>) {
    let Value::Object(parameter) = parameter else { return };
    if parameter.get("in").and_then(Value::as_str) != Some("header") {
        return;
    }
    let Some(schema) = parameter.get("schema") else { return };
    if !structured(schema) {
        return;
    }
    let name = parameter
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let untyped = crate::degrade::untyped(schema);
    parameter.insert("schema".to_owned(), untyped);
    warnings.push(Warning {
        pointer: format!("{at}/schema"),
        message: format!(
            "header `{name}` has an object schema, and a header carries text: it is any JSON value, sent as its JSON text"
        ),
    });
}

/// Inline path parameters of `list` not marked required become required.
fn mark_required(list: Option<&mut Value>, at: &str, warnings: &mut Vec<Warning>) {
    let Some(Value::Array(list)) = list else { return };
    for (i, parameter) in list.iter_mut().enumerate() {
        require_path_parameter(parameter, format!("{at}/{i}"), warnings);
    }
}

/// A path parameter (inline, or a component) not marked required becomes required.
fn require_path_parameter(parameter: &mut Value, at: String, warnings: &mut Vec<Warning>) {
    if let Value::Object(parameter) = parameter
        && parameter.get("in").and_then(Value::as_str) == Some("path")
        && parameter.get("required") != Some(&Value::Bool(true))
    {
        parameter.insert("required".to_owned(), Value::Bool(true));
        warnings.push(Warning {
            pointer: at,
            message: "a path parameter is always required; read as `required: true`".to_owned(),
        });
    }
}

/// The names of the path parameters `list` declares, each with the `$ref` it came from
/// (empty for an inline one).
fn path_parameters(list: Option<&Value>, components: &Value) -> Vec<(String, String)> {
    let Some(Value::Array(list)) = list else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|parameter| {
            let (parameter, reference) = match parameter.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.strip_prefix("#/components/parameters/")?;
                    (components.get(pointer::unescape(name))?, reference.to_owned())
                }
                None => (parameter, String::new()),
            };
            if parameter.get("in")?.as_str()? != "path" {
                return None;
            }
            Some((parameter.get("name")?.as_str()?.to_owned(), reference))
        })
        .collect()
}

/// `{name}` placeholders of a path template, once each.
fn template_names(path: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + close];
        if !name.is_empty() && !name.contains('{') {
            names.insert(name.to_owned());
        }
        rest = &rest[open + close + 1..];
    }
    names
}

/// An `operationId` (or its Rust method name) already taken gets `_2`, `_3`, ...
fn unique_id(op: &mut Map<String, Value>, at: &str, taken: &mut BTreeSet<String>, warnings: &mut Vec<Warning>) {
    let Some(Value::String(id)) = op.get("operationId") else {
        return;
    };
    if id.trim().is_empty() {
        return;
    }
    let id = id.clone();
    if taken.insert(id.to_snake_case()) {
        return;
    }
    let renamed = (2..)
        .map(|n| format!("{id}_{n}"))
        .find(|candidate| !taken.contains(&candidate.to_snake_case()))
        .unwrap_or_else(|| id.clone());
    taken.insert(renamed.to_snake_case());
    warnings.push(Warning {
        pointer: format!("{at}/operationId"),
        message: format!("operationId `{id}` is used by an earlier operation (or names the same Rust method); this one is `{renamed}`"),
    });
    op.insert("operationId".to_owned(), Value::String(renamed));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(mut spec: Value) -> (Value, Vec<Warning>) {
        let mut warnings = Vec::new();
        read(&mut spec, &mut warnings);
        (spec, warnings)
    }

    #[test]
    fn defaults_of_another_type_are_dropped_and_valid_ones_kept() {
        let (spec, warnings) = read_all(
            json!({"components": {"schemas": {"Limits": {"type": "object", "properties": {
            "size": {"type": "integer", "default": "1024"},
            "enabled": {"type": "boolean", "default": "false"},
            "ttl": {"type": "string", "format": "duration", "default": 259200},
            "count": {"type": "integer", "default": 10},
            "mode": {"allOf": [{"$ref": "#/components/schemas/Mode"}], "default": "none"},
            "fallback": {"allOf": [{"$ref": "#/components/schemas/Mode"}], "default": "fast"}
        }}, "Mode": {"type": "string", "enum": ["fast", "slow"]}}}}),
        );
        let props = spec
            .pointer("/components/schemas/Limits/properties")
            .expect("properties");
        for dropped in ["size", "enabled", "ttl", "mode"] {
            assert!(props[dropped].get("default").is_none(), "{dropped}: {props}");
        }
        assert_eq!(props["count"]["default"], 10);
        assert_eq!(props["fallback"]["default"], "fast");
        assert!(
            warnings
                .iter()
                .any(|w| w.pointer == "/components/schemas/Limits/properties/size/default"),
            "{warnings:?}"
        );
    }

    #[test]
    fn enum_values_are_read_as_the_declared_type() {
        let (spec, warnings) =
            read_all(json!({"components": {"schemas": {"Flag": {"type": "string", "enum": [true, false]}}}}));
        assert_eq!(
            spec.pointer("/components/schemas/Flag/enum"),
            Some(&json!(["true", "false"]))
        );
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn path_parameters_are_required_declared_and_ids_unique() {
        let (spec, warnings) = read_all(json!({"paths": {
            "/a/{id}": {"get": {"operationId": "list", "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}], "responses": {}}},
            "/b/{team}/{user}": {"get": {"operationId": "list", "parameters": [{"name": "team", "in": "path", "required": true, "schema": {"type": "string"}}]}}
        }}));
        assert_eq!(
            spec.pointer("/paths/~1a~1{id}/get/parameters/0/required"),
            Some(&json!(true))
        );
        assert_eq!(
            spec.pointer("/paths/~1b~1{team}~1{user}/get/operationId"),
            Some(&json!("list_2"))
        );
        assert_eq!(
            spec.pointer("/paths/~1b~1{team}~1{user}/get/parameters/1/name"),
            Some(&json!("user"))
        );
        assert_eq!(
            spec.pointer("/paths/~1b~1{team}~1{user}/get/responses"),
            Some(&json!({}))
        );
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }

    #[test]
    fn a_repeated_tag_is_listed_once_and_an_object_header_is_any_value() {
        let (spec, warnings) = read_all(json!({
            "paths": {"/t": {"get": {"operationId": "listTags", "tags": ["tag", "admin", "admin"], "parameters": [
                {"name": "X-Filter", "in": "header", "schema": {"$ref": "#/components/schemas/Filter"}}
            ], "responses": {}}}},
            "components": {"schemas": {"Filter": {"type": "object", "properties": {"q": {"type": "string"}}}}}
        }));
        assert_eq!(spec.pointer("/paths/~1t/get/tags"), Some(&json!(["tag", "admin"])));
        assert_eq!(spec.pointer("/paths/~1t/get/parameters/0/schema"), Some(&json!({})));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].pointer, "/paths/~1t/get/parameters/0/schema");
    }

    #[test]
    fn a_dangling_schema_reference_is_any_value_and_required_true_is_ignored() {
        let (spec, warnings) = read_all(
            json!({"components": {"schemas": {"A": {"type": "object", "properties": {
                "b": {"$ref": "#/components/schemas/Missing", "description": "gone"},
                "c": {"type": "string", "required": true}
            }}}}}),
        );
        assert_eq!(
            spec.pointer("/components/schemas/A/properties/b"),
            Some(&json!({"description": "gone"}))
        );
        assert!(spec.pointer("/components/schemas/A/properties/c/required").is_none());
        assert_eq!(warnings.len(), 2);
    }
}
