//! Stage 3: OpenAPI 3.1 to the 3.0 dialect that `openapiv3` and progenitor read.
//!
//! Each rule rewrites one 3.1 construct into its closest 3.0 equivalent and keeps the
//! meaning for a client: nullability, fixed values, bounds. What has no 3.0 form and does not
//! change what a client sends or accepts (`webhooks`, `jsonSchemaDialect`, ...) is dropped
//! with a warning. A 3.0 document passes through unchanged apart from the same rules, which
//! only match 3.1 constructs.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result, Stage};
use crate::pointer;
use crate::warning::Warning;

/// The OpenAPI version the output declares.
pub const TARGET_VERSION: &str = "3.0.3";

/// Rewrites `spec` in place. Fails only on an `openapi` version it cannot read.
pub fn normalize(name: &str, spec: &mut Value, warnings: &mut Vec<Warning>) -> Result<()> {
    let Value::Object(root) = spec else {
        return Err(Error::at(Stage::Normalize, name, "", "the document is not a mapping"));
    };
    let version = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => {
            return Err(Error::at(
                Stage::Normalize,
                name,
                "/openapi",
                format!(
                    "`openapi` must be a version string such as \"3.1.0\", found {}",
                    crate::load::kind_of(other)
                ),
            ));
        }
        None if root.contains_key("swagger") => {
            return Err(Error::at(
                Stage::Normalize,
                name,
                "/swagger",
                "Swagger 2.0 documents are not supported: convert the document to OpenAPI 3 first",
            ));
        }
        None => {
            return Err(Error::at(
                Stage::Normalize,
                name,
                "",
                "not an OpenAPI document: no `openapi` version field",
            ));
        }
    };
    if version.starts_with("3.1.") {
        root.insert("openapi".into(), Value::String(TARGET_VERSION.into()));
        drop_31_only_fields(root, warnings);
    } else if !version.starts_with("3.0.") {
        return Err(Error::at(
            Stage::Normalize,
            name,
            "/openapi",
            format!("unsupported OpenAPI version `{version}` (3.0.x and 3.1.x are supported)"),
        ));
    }
    walk_document(spec, &mut String::new(), warnings);
    Ok(())
}

fn drop_31_only_fields(root: &mut Map<String, Value>, warnings: &mut Vec<Warning>) {
    let mut drop = |map: &mut Map<String, Value>, at: &str, key: &str, why: &str, warn: bool| {
        if map.remove(key).is_some() && warn {
            warnings.push(Warning {
                pointer: pointer::join(at, key),
                message: format!("dropped: {why}"),
            });
        }
    };
    drop(
        root,
        "",
        "webhooks",
        "webhooks are requests the API sends, not ones a client makes",
        true,
    );
    drop(
        root,
        "",
        "jsonSchemaDialect",
        "OpenAPI 3.0 has one schema dialect",
        false,
    );
    if let Some(Value::Object(info)) = root.get_mut("info") {
        drop(info, "/info", "summary", "", false);
        if let Some(Value::Object(license)) = info.get_mut("license") {
            drop(license, "/info/license", "identifier", "", false);
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        drop(
            components,
            "/components",
            "pathItems",
            "reusable path items are not supported",
            true,
        );
    }
}

/// Walks the parts of the document that are not schemas, looking for the ones that are.
fn walk_document(value: &mut Value, at: &mut String, warnings: &mut Vec<Warning>) {
    match value {
        Value::Object(map) => {
            let in_schemas = at == "/components/schemas";
            for (key, child) in map.iter_mut() {
                let len = at.len();
                at.push('/');
                at.push_str(&pointer::escape(key));
                if in_schemas || key == "schema" {
                    normalize_schema(child, at, warnings);
                } else if !(key == "example" || key == "examples" || key == "default" || key.starts_with("x-")) {
                    // Examples and extensions are user data: a key named `schema` in them is not one.
                    walk_document(child, at, warnings);
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                walk_document(child, at, warnings);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Keywords whose value is one subschema.
pub(crate) const SUBSCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
/// Keywords whose value is an array of subschemas.
pub(crate) const SUBSCHEMA_LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to subschemas.
pub(crate) const SUBSCHEMA_MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Normalizes one schema and, first, everything below it.
pub fn normalize_schema(schema: &mut Value, at: &str, warnings: &mut Vec<Warning>) {
    // 3.1 allows `true` and `false` wherever a schema goes.
    match schema {
        Value::Bool(true) => *schema = json!({}),
        Value::Bool(false) => *schema = json!({ "not": {} }),
        _ => {}
    }
    let Value::Object(map) = schema else { return };

    for (key, child) in map.iter_mut() {
        let child_at = pointer::join(at, key);
        if SUBSCHEMA.contains(&key.as_str()) {
            normalize_schema(child, &child_at, warnings);
        } else if SUBSCHEMA_LIST.contains(&key.as_str()) {
            if let Value::Array(items) = child {
                for (i, item) in items.iter_mut().enumerate() {
                    normalize_schema(item, &format!("{child_at}/{i}"), warnings);
                }
            }
        } else if SUBSCHEMA_MAP.contains(&key.as_str())
            && let Value::Object(entries) = child
        {
            for (name, item) in entries.iter_mut() {
                normalize_schema(item, &pointer::join(&child_at, name), warnings);
            }
        }
    }

    drop_unrepresentable(map, at, warnings);
    examples_to_example(map);
    const_to_enum(map);
    numeric_exclusive_bounds(map);
    content_keywords(map);
    type_array(map);
    infer_type(map);
    null_alternatives(map);
    colliding_enum_values(map, at, warnings);
    typify_limits(map, at, warnings);
}

/// Not 3.1 rules but typify limits, applied here because this walk visits every schema.
/// Each construct below makes typify panic or refuse the document without a location:
///
/// - a `format` on an object or array (`format: uri-map`): formats only qualify scalars, so
///   it is dropped;
/// - `allOf`/`anyOf`/`oneOf` beside an `enum` of one value (a 3.1 `const` that also names
///   the type it belongs to): the value is fixed, so the composition adds nothing a client
///   needs, and is dropped;
/// - a `default` on `anyOf`/`oneOf`: typify cannot check it against the union and refuses
///   it ("value does not conform"); the generated type has no default then.
fn typify_limits(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    let mut warn = |key: &str, message: String| {
        warnings.push(Warning {
            pointer: pointer::join(at, key),
            message,
        });
    };
    if let (Some(Value::String(t)), Some(Value::String(format))) = (map.get("type"), map.get("format"))
        && (t == "object" || t == "array")
    {
        warn("format", format!("ignored: format `{format}` means nothing for an {t}"));
        map.remove("format");
    }
    if matches!(map.get("enum"), Some(Value::Array(values)) if values.len() == 1) {
        for key in ["allOf", "anyOf", "oneOf"] {
            if map.remove(key).is_some() {
                warn(
                    key,
                    format!("ignored: `{key}` beside a single allowed value (`const`) does not change the value"),
                );
            }
        }
    }
    if (map.contains_key("anyOf") || map.contains_key("oneOf")) && map.contains_key("default") {
        map.remove("default");
        warn(
            "default",
            "dropped: a default for a union (`anyOf`/`oneOf`) cannot be typed; the field has none".to_owned(),
        );
    }
}

/// Not a 3.1 rule but a generator limit, applied here because this walk visits every
/// schema: typify names a string enum's variants by PascalCasing the values and panics when
/// two values (`add`, `Add`) give one name. Such a value is typed as a `String` instead.
fn colliding_enum_values(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    let Some(Value::Array(values)) = map.get("enum") else {
        return;
    };
    let Some(values) = values.iter().map(Value::as_str).collect::<Option<Vec<&str>>>() else {
        return;
    };
    let unique = |name: fn(&str) -> String| {
        let mut seen = std::collections::BTreeMap::new();
        values.iter().all(|v| seen.insert(name(v), ()).is_none())
    };
    if unique(|v| variant_name(v, false)) || unique(|v| variant_name(v, true)) {
        return;
    }
    let shown: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    map.remove("enum");
    warnings.push(Warning {
        pointer: pointer::join(at, "enum"),
        message: format!(
            "the values {} do not all give distinct Rust names (case or punctuation only tells some apart): typed as a plain string",
            shown.join(", ")
        ),
    });
}

/// typify's variant name for `value`, closely enough to predict its collisions; with
/// `spell`, its second attempt, which spells out underscores and punctuation as `X`.
fn variant_name(value: &str, spell: bool) -> String {
    use heck::ToPascalCase;
    let value = match value {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ if spell => value.replace(|c: char| c == '_' || !c.is_alphanumeric(), "X"),
        _ => value
            .replace('\'', "")
            .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-"),
    };
    value.to_pascal_case()
}

/// JSON Schema 2020-12 keywords with no OpenAPI 3.0 form. They constrain values further than
/// the generated types can express, so dropping them loses validation, never data.
const UNREPRESENTABLE: &[&str] = &[
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "patternProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "$defs",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$schema",
    "$id",
    "$comment",
];

fn drop_unrepresentable(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    for keyword in UNREPRESENTABLE {
        if map.remove(*keyword).is_some() && !keyword.starts_with("$c") {
            warnings.push(Warning {
                pointer: pointer::join(at, keyword),
                message: format!(
                    "dropped: `{keyword}` has no OpenAPI 3.0 form; the generated type does not enforce it"
                ),
            });
        }
    }
}

/// 3.1 `examples: [a, b]` in a schema; 3.0 has a single `example`.
fn examples_to_example(map: &mut Map<String, Value>) {
    if let Some(Value::Array(examples)) = map.get("examples") {
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
    }
}

/// `const: v` is a one-value `enum`; the type is inferred when the schema leaves it out,
/// because progenitor needs one to name the value's Rust type.
fn const_to_enum(map: &mut Map<String, Value>) {
    let Some(value) = map.remove("const") else { return };
    if !map.contains_key("type") {
        let inferred = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            Value::Object(_) => Some("object"),
            Value::Array(_) => Some("array"),
            Value::Null => None,
        };
        if let Some(t) = inferred {
            map.insert("type".into(), Value::String(t.into()));
        }
    }
    map.insert("enum".into(), Value::Array(vec![value]));
}

/// 3.1 `exclusiveMinimum: 5` is 3.0 `minimum: 5, exclusiveMinimum: true` (same for maximum).
fn numeric_exclusive_bounds(map: &mut Map<String, Value>) {
    for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        let Some(Value::Number(bound)) = map.get(exclusive).cloned() else {
            continue;
        };
        let tighter = match map.get(inclusive).and_then(Value::as_f64) {
            None => true,
            Some(current) => {
                let b = bound.as_f64().unwrap_or(f64::NAN);
                if exclusive == "exclusiveMinimum" {
                    b >= current
                } else {
                    b <= current
                }
            }
        };
        if tighter {
            map.insert(inclusive.into(), Value::Number(bound));
            map.insert(exclusive.into(), Value::Bool(true));
        } else {
            map.remove(exclusive);
        }
    }
}

/// 3.1 describes encoded strings with `contentEncoding`/`contentMediaType`; 3.0 with
/// `format: byte` and `format: binary`. A string that carries a JSON document described by
/// `contentSchema` stays a string, and the schema is kept as the extension
/// `x-content-schema`, which the multipart generator reads to type the part.
fn content_keywords(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media_type = map.remove("contentMediaType");
    let content_schema = map.remove("contentSchema");
    let is_string = map.get("type").and_then(Value::as_str) == Some("string");
    if let Some(Value::String(encoding)) = &encoding
        && is_string
        && encoding.eq_ignore_ascii_case("base64")
    {
        map.entry("format").or_insert(json!("byte"));
    }
    if let Some(content_schema) = content_schema {
        map.insert("x-content-schema".into(), content_schema);
    } else if let Some(Value::String(media_type)) = &media_type
        && is_string
        && encoding.is_none()
        && !text_media_type(media_type)
    {
        map.entry("format").or_insert(json!("binary"));
    }
    if let Some(media_type) = media_type {
        map.insert("x-content-media-type".into(), media_type);
    }
}

fn text_media_type(media_type: &str) -> bool {
    media_type.starts_with("text/")
}

/// Keywords that only apply to one JSON type, used to split a multi-type schema.
fn keyword_type(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "minLength" | "maxLength" | "pattern" => "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => "number",
        "items" | "minItems" | "maxItems" | "uniqueItems" => "array",
        "properties" | "required" | "additionalProperties" | "minProperties" | "maxProperties" => "object",
        _ => return None,
    })
}

/// A schema without `type` whose keywords only make sense for one scalar type
/// (`format: uri`, `minimum: 1`) means that type: JSON Schema would let other types through
/// unchecked, but no API means that, and typify cannot name such a schema at all.
fn infer_type(map: &mut Map<String, Value>) {
    const COMPOSED: &[&str] = &["type", "$ref", "allOf", "anyOf", "oneOf", "not", "enum"];
    if COMPOSED.iter().any(|k| map.contains_key(*k)) {
        return;
    }
    let format = map.get("format").and_then(Value::as_str);
    let from_format = match format {
        Some("int32" | "int64") => Some("integer"),
        Some("float" | "double") => Some("number"),
        Some(_) => Some("string"),
        None => None,
    };
    // Only scalar keywords: `properties` or `required` without a type is how a branch of
    // `anyOf` constrains its parent object (GitHub's spec is full of them), and typify merges
    // such branches only while they have no type of their own.
    let mut families = map
        .keys()
        .filter_map(|k| keyword_type(k))
        .filter(|family| matches!(*family, "string" | "number"))
        .collect::<Vec<_>>();
    families.sort_unstable();
    families.dedup();
    let inferred = match (from_format, families.as_slice()) {
        (Some(t), []) => t,
        (Some("integer" | "number"), ["number"]) => from_format.unwrap_or("number"),
        (Some("string"), ["string"]) => "string",
        (None, [family]) => family,
        _ => return,
    };
    map.insert("type".into(), Value::String(inferred.to_owned()));
}

/// 3.1 `type: [T, "null"]` is 3.0 `type: T, nullable: true`; several non-null types become
/// an `anyOf` with one branch per type, each keeping the keywords that apply to it.
fn type_array(map: &mut Map<String, Value>) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::Array(types)) => types.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
        Some(Value::String(t)) if t == "null" => vec!["null".into()],
        _ => return,
    };
    let nullable = types.iter().any(|t| t == "null");
    let mut concrete: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
    concrete.dedup();
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match concrete.as_slice() {
        [] => {
            // Only null: the value is always null, and keywords of other types say nothing.
            map.remove("type");
            map.retain(|k, _| keyword_type(k).is_none() && k != "format");
            map.insert("enum".into(), json!([null]));
        }
        [single] => {
            map.insert("type".into(), Value::String(single.clone()));
        }
        several => {
            map.remove("type");
            let enumeration = map.remove("enum");
            let format = map.remove("format");
            let mut branches = Vec::new();
            for t in several {
                let mut branch = Map::new();
                branch.insert("type".into(), Value::String(t.clone()));
                let family = if t == "integer" { "number" } else { t.as_str() };
                let keys: Vec<String> = map
                    .keys()
                    .filter(|k| keyword_type(k) == Some(family))
                    .cloned()
                    .collect();
                for k in keys {
                    if let Some(v) = map.get(&k) {
                        branch.insert(k, v.clone());
                    }
                }
                if let Some(Value::Array(values)) = &enumeration {
                    let own: Vec<Value> = values.iter().filter(|v| json_type_matches(v, t)).cloned().collect();
                    if !own.is_empty() {
                        branch.insert("enum".into(), Value::Array(own));
                    }
                }
                if let Some(format) = &format
                    && (t == "string" || family == "number")
                {
                    branch.insert("format".into(), format.clone());
                }
                branches.push(Value::Object(branch));
            }
            map.retain(|k, _| keyword_type(k).is_none());
            map.insert("anyOf".into(), Value::Array(branches));
        }
    }
}

fn json_type_matches(value: &Value, t: &str) -> bool {
    match (value, t) {
        (Value::String(_), "string") | (Value::Bool(_), "boolean") | (Value::Number(_), "number") => true,
        (Value::Number(n), "integer") => n.is_i64() || n.is_u64(),
        (Value::Array(_), "array") | (Value::Object(_), "object") => true,
        _ => false,
    }
}

/// `oneOf: [A, {type: "null"}]` (after [`type_array`], a `{nullable, enum: [null]}` branch)
/// is "A or null": 3.0 says the same with `nullable: true`.
fn null_alternatives(map: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = map.get_mut(key) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|b| !is_null_only(b));
        if branches.len() == before {
            continue;
        }
        map.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        match branches.as_slice() {
            [] => {
                map.remove(key);
                map.insert("enum".into(), json!([null]));
            }
            [only] => {
                // A single remaining branch: `allOf` keeps a `$ref` as a reference, which
                // progenitor turns into `Option<Named>`.
                let only = only.clone();
                map.remove(key);
                map.insert("allOf".into(), Value::Array(vec![only]));
            }
            _ => {}
        }
    }
}

fn is_null_only(schema: &Value) -> bool {
    let Value::Object(map) = schema else { return false };
    map.get("enum") == Some(&json!([null])) && map.get("nullable") == Some(&Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(input: Value) -> Value {
        let mut s = input;
        normalize_schema(&mut s, "/components/schemas/S", &mut Vec::new());
        s
    }

    #[test]
    fn nullable_type_array() {
        assert_eq!(
            schema(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["null", "object"], "properties": {}})),
            json!({"type": "object", "nullable": true, "properties": {}})
        );
        assert_eq!(schema(json!({"type": ["integer"]})), json!({"type": "integer"}));
    }

    #[test]
    fn several_types_become_any_of_with_their_own_keywords() {
        let out = schema(json!({
            "type": ["string", "integer", "null"],
            "description": "id or name",
            "maxLength": 10,
            "minimum": 0,
            "enum": ["a", 1, null]
        }));
        assert_eq!(
            out,
            json!({
                "description": "id or name",
                "nullable": true,
                "anyOf": [
                    {"type": "string", "maxLength": 10, "enum": ["a"]},
                    {"type": "integer", "minimum": 0, "enum": [1]}
                ]
            })
        );
    }

    #[test]
    fn null_only_type() {
        assert_eq!(
            schema(json!({"type": "null"})),
            json!({"nullable": true, "enum": [null]})
        );
        // Keywords of other types on an always-null value say nothing; typify chokes on them.
        assert_eq!(
            schema(
                json!({"type": "null", "properties": {"a": {}}, "required": ["a"], "format": "uri", "description": "d"})
            ),
            json!({"nullable": true, "enum": [null], "description": "d"})
        );
    }

    #[test]
    fn a_missing_type_is_inferred_from_keywords_of_one_type() {
        assert_eq!(
            schema(json!({"format": "uri"})),
            json!({"type": "string", "format": "uri"})
        );
        assert_eq!(
            schema(json!({"format": "int64", "minimum": 1})),
            json!({"type": "integer", "format": "int64", "minimum": 1})
        );
        assert_eq!(
            schema(json!({"minimum": 1, "default": 1})),
            json!({"type": "number", "minimum": 1, "default": 1})
        );
        // Object and array keywords are left alone: they are how `anyOf` branches constrain
        // their parent.
        assert_eq!(
            schema(json!({"items": {"type": "string"}})),
            json!({"items": {"type": "string"}})
        );
        assert_eq!(schema(json!({"properties": {}})), json!({"properties": {}}));
        // Keywords of two types, composition, or nothing at all: left as they are.
        assert_eq!(
            schema(json!({"minLength": 1, "minimum": 1})),
            json!({"minLength": 1, "minimum": 1})
        );
        assert_eq!(
            schema(json!({"allOf": [{}], "format": "uri"})),
            json!({"allOf": [{}], "format": "uri"})
        );
        assert_eq!(
            schema(json!({"description": "anything"})),
            json!({"description": "anything"})
        );
        assert_eq!(schema(json!({"required": ["a"]})), json!({"required": ["a"]}));
    }

    #[test]
    fn one_of_with_null_becomes_nullable_reference() {
        let out = schema(json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}], "description": "d"}));
        assert_eq!(
            out,
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true, "description": "d"})
        );
        let out = schema(json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}));
        assert_eq!(
            out,
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn const_becomes_single_value_enum_with_inferred_type() {
        assert_eq!(
            schema(json!({"type": "string", "const": "stdio"})),
            json!({"type": "string", "enum": ["stdio"]})
        );
        assert_eq!(schema(json!({"const": 3})), json!({"type": "integer", "enum": [3]}));
        assert_eq!(
            schema(json!({"const": true})),
            json!({"type": "boolean", "enum": [true]})
        );
    }

    #[test]
    fn empty_and_boolean_schemas() {
        assert_eq!(schema(json!({})), json!({}));
        assert_eq!(schema(json!(true)), json!({}));
        assert_eq!(schema(json!(false)), json!({"not": {}}));
        assert_eq!(
            schema(json!({"type": "object", "additionalProperties": true, "properties": {"x": true}})),
            json!({"type": "object", "additionalProperties": {}, "properties": {"x": {}}})
        );
    }

    #[test]
    fn examples_array_becomes_first_example() {
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(json!({"type": "string", "example": "x", "examples": ["a"]})),
            json!({"type": "string", "example": "x"})
        );
        assert_eq!(
            schema(json!({"type": "string", "examples": []})),
            json!({"type": "string"})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_form() {
        assert_eq!(
            schema(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true})
        );
        // An inclusive bound that is already tighter wins.
        assert_eq!(
            schema(json!({"type": "integer", "minimum": 5, "exclusiveMinimum": 0})),
            json!({"type": "integer", "minimum": 5})
        );
        // 3.0's boolean form is left alone.
        assert_eq!(
            schema(json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true})),
            json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn content_keywords_become_formats() {
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/javascript"})),
            json!({"type": "string", "format": "binary", "x-content-media-type": "application/javascript"})
        );
        // A JSON document in a string with no schema of its own is still just bytes.
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/json"})),
            json!({"type": "string", "format": "binary", "x-content-media-type": "application/json"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "text/markdown"})),
            json!({"type": "string", "x-content-media-type": "text/markdown"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            schema(
                json!({"type": "string", "contentMediaType": "application/json", "contentSchema": {"$ref": "#/components/schemas/P"}})
            ),
            json!({"type": "string", "x-content-media-type": "application/json", "x-content-schema": {"$ref": "#/components/schemas/P"}})
        );
    }

    #[test]
    fn nested_schemas_are_normalized() {
        let out = schema(json!({
            "type": "object",
            "properties": {"a": {"type": ["string", "null"]}},
            "items": {"const": "x"},
            "allOf": [{"examples": [1]}],
            "additionalProperties": {"type": ["boolean", "null"]}
        }));
        assert_eq!(out["properties"]["a"], json!({"type": "string", "nullable": true}));
        assert_eq!(out["items"], json!({"type": "string", "enum": ["x"]}));
        assert_eq!(out["allOf"][0], json!({"example": 1}));
        assert_eq!(
            out["additionalProperties"],
            json!({"type": "boolean", "nullable": true})
        );
    }

    #[test]
    fn unrepresentable_keywords_are_dropped_with_a_warning() {
        let mut warnings = Vec::new();
        let mut s = json!({"type": "array", "prefixItems": [{"type": "string"}], "$comment": "c", "items": {"type": "object", "propertyNames": {"pattern": "^a"}}});
        normalize_schema(&mut s, "/components/schemas/S", &mut warnings);
        assert_eq!(s, json!({"type": "array", "items": {"type": "object"}}));
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/S/items/propertyNames",
                "/components/schemas/S/prefixItems"
            ]
        );
    }

    #[test]
    fn document_level_rules() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": {"title": "t", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {"ping": {}},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}, "example": {"schema": 1}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"const": 1}}}}}
            }}},
            "components": {"schemas": {"S": {"type": ["number", "null"]}}, "pathItems": {}}
        });
        let mut warnings = Vec::new();
        normalize("d", &mut doc, &mut warnings).expect("normalize");
        assert_eq!(doc["openapi"], TARGET_VERSION);
        assert!(doc.get("webhooks").is_none() && doc.get("jsonSchemaDialect").is_none());
        assert!(doc["info"].get("summary").is_none());
        assert_eq!(doc["info"]["license"], json!({"name": "MIT"}));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["schema"],
            json!({"type": "string", "nullable": true})
        );
        // Examples are user data, never rewritten.
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["example"],
            json!({"schema": 1})
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"type": "integer", "enum": [1]})
        );
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "number", "nullable": true})
        );
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(pointers, ["/webhooks", "/components/pathItems"]);
    }

    #[test]
    fn versions() {
        let mut w = Vec::new();
        let mut v30 = json!({"openapi": "3.0.2", "paths": {}});
        normalize("d", &mut v30, &mut w).expect("3.0");
        assert_eq!(v30["openapi"], "3.0.2");
        let err = normalize("d", &mut json!({"swagger": "2.0"}), &mut w).expect_err("swagger");
        assert_eq!(
            err.to_string(),
            "d#/swagger: Swagger 2.0 documents are not supported: convert the document to OpenAPI 3 first"
        );
        let err = normalize("d", &mut json!({"openapi": "4.0.0"}), &mut w).expect_err("4.0");
        assert_eq!(
            err.to_string(),
            "d#/openapi: unsupported OpenAPI version `4.0.0` (3.0.x and 3.1.x are supported)"
        );
        let err = normalize("d", &mut json!({"openapi": 3.1}), &mut w).expect_err("number");
        assert!(err.reason.contains("found a number"), "{err}");
    }
}
