//! Stage 4: checks that catch, with a location, what progenitor would reject with a vague
//! message or a panic; then the typed `openapiv3` view of the document.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Result, Stage};
use crate::load::kind_of;
use crate::pointer;

/// HTTP methods a path item may hold, in the order OpenAPI lists them.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The parameter `parameter` stands for: itself, or the component its `$ref` names under
/// `#/components/parameters`. `None` for any other reference; [`validate`] refuses those, so
/// later stages see `None` only on documents that did not pass it.
pub fn parameter<'a>(
    api: &'a openapiv3::OpenAPI,
    parameter: &'a openapiv3::ReferenceOr<openapiv3::Parameter>,
) -> Option<&'a openapiv3::Parameter> {
    match parameter {
        openapiv3::ReferenceOr::Item(p) => Some(p),
        openapiv3::ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            api.components.as_ref()?.parameters.get(name)?.as_item()
        }
    }
}

/// A path item's operation slots, each with its method, in [`METHODS`] order, for the
/// stages that change or drop operations (openapiv3 only iterates them immutably).
pub fn operation_slots(item: &mut openapiv3::PathItem) -> [(&'static str, &mut Option<openapiv3::Operation>); 8] {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

/// Checks `spec` (already normalized) and returns its typed form.
pub fn validate(name: &str, spec: &Value) -> Result<openapiv3::OpenAPI> {
    let err = |at: &str, reason: String| Error::at(Stage::Validate, name, at, reason);
    check_references(spec, spec, &mut String::new()).map_err(|(at, why)| err(&at, why))?;
    check_schema_types(spec, &mut String::new(), false).map_err(|(at, why)| err(&at, why))?;

    let paths = match spec.get("paths") {
        Some(Value::Object(paths)) => paths,
        Some(other) => {
            return Err(err(
                "/paths",
                format!("`paths` must be a mapping, found {}", kind_of(other)),
            ));
        }
        None => {
            return Err(err(
                "",
                "the document has no `paths`: there is nothing to generate".into(),
            ));
        }
    };
    let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths {
        let item_at = pointer::join("/paths", path);
        if !path.starts_with('/') {
            return Err(err(&item_at, format!("path `{path}` must start with `/`")));
        }
        let Value::Object(item) = item else {
            return Err(err(
                &item_at,
                format!("a path item must be a mapping, found {}", kind_of(item)),
            ));
        };
        if item.contains_key("$ref") {
            return Err(err(
                &pointer::join(&item_at, "$ref"),
                "path items given by `$ref` are not supported".into(),
            ));
        }
        let template = template_parameters(path).map_err(|why| err(&item_at, why))?;
        let shared = declared_path_parameters(spec, item.get("parameters"), &format!("{item_at}/parameters"))
            .map_err(|(at, why)| err(&at, why))?;
        for method in METHODS {
            let Some(operation) = item.get(*method) else { continue };
            let op_at = pointer::join(&item_at, method);
            let Value::Object(operation) = operation else {
                return Err(err(
                    &op_at,
                    format!("an operation must be a mapping, found {}", kind_of(operation)),
                ));
            };
            let id = match operation.get("operationId") {
                Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
                Some(Value::String(_)) => {
                    return Err(err(&format!("{op_at}/operationId"), "`operationId` is empty".into()));
                }
                Some(other) => {
                    return Err(err(
                        &format!("{op_at}/operationId"),
                        format!("`operationId` must be a string, found {}", kind_of(other)),
                    ));
                }
                None => {
                    return Err(err(
                        &op_at,
                        format!(
                            "{} {path} has no `operationId`; every operation needs one to name its method",
                            method.to_uppercase()
                        ),
                    ));
                }
            };
            if let Some(first) = operation_ids.insert(id.clone(), op_at.clone()) {
                return Err(err(
                    &format!("{op_at}/operationId"),
                    format!("operationId `{id}` is also used at {first}"),
                ));
            }
            let mut declared = shared.clone();
            declared.extend(
                declared_path_parameters(spec, operation.get("parameters"), &format!("{op_at}/parameters"))
                    .map_err(|(at, why)| err(&at, why))?,
            );
            for (param, at) in &declared {
                if !template.contains(param) {
                    return Err(err(
                        at,
                        format!("path parameter `{param}` does not appear in the path `{path}`"),
                    ));
                }
            }
            for param in &template {
                if !declared.contains_key(param) {
                    return Err(err(
                        &op_at,
                        format!("the path `{path}` has the parameter `{{{param}}}`, which `{id}` does not declare"),
                    ));
                }
            }
        }
    }

    // Read without tracking the path first: tracking costs a large document tens of
    // milliseconds, and only a document that does not read needs it, for its error.
    let api = match <openapiv3::OpenAPI as serde::Deserialize>::deserialize(spec) {
        Ok(api) => Ok(api),
        Err(_) => serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(spec),
    }
    .map_err(|e| {
        // openapiv3 reads `paths` and schemas through untagged enums, which lose the path:
        // the error then names only an ancestor. The deepest schema below it that does not
        // read on its own is the node to name.
        let at = path_to_pointer(e.path());
        let (at, why) = spec
            .pointer(&at)
            .and_then(|node| deepest_bad_schema(node, &mut at.clone(), at == "/components/schemas"))
            .unwrap_or((at, e.inner().to_string()));
        err(&at, format!("not a valid OpenAPI 3.0 document here: {why}"))
    })?;
    check_operation_references(&api).map_err(|(at, why)| err(&at, why))?;
    Ok(api)
}

/// `/components/KIND/NAME`: progenitor and typify look references up by component name, so a
/// reference to anything else (`#/paths/...`, a property inside a schema) cannot be followed.
pub(crate) fn whole_component(target: &str) -> bool {
    const KINDS: &[&str] = &[
        "schemas",
        "parameters",
        "responses",
        "requestBodies",
        "headers",
        "examples",
        "securitySchemes",
        "links",
        "callbacks",
    ];
    let mut segments = target.split('/').skip(1);
    matches!(
        (segments.next(), segments.next(), segments.next(), segments.next()),
        (Some("components"), Some(kind), Some(_), None) if KINDS.contains(&kind)
    )
}

/// What progenitor asserts about each operation, checked first so that a document breaking
/// it gets an error with its location instead of a panic: parameters, bodies and responses
/// given by reference name a component of their own kind that is defined there (not another
/// reference); after operation parameters override the path item's, path parameters are
/// required; and no parameter has an object schema (progenitor takes those for the body).
fn check_operation_references(api: &openapiv3::OpenAPI) -> std::result::Result<(), (String, String)> {
    use openapiv3::{Parameter, ReferenceOr};
    let components = api.components.as_ref();
    let defined = |reference: &str, kind: &str| -> bool {
        let Some(name) = reference.strip_prefix(&format!("#/components/{kind}/")) else {
            return false;
        };
        components.is_some_and(|c| match kind {
            "requestBodies" => matches!(c.request_bodies.get(name), Some(ReferenceOr::Item(_))),
            "responses" => matches!(c.responses.get(name), Some(ReferenceOr::Item(_))),
            _ => false,
        })
    };
    let wrong_kind = |at: String, reference: &str, kind: &str| {
        (
            at,
            format!(
                "`$ref` `{reference}` must name a component defined under `#/components/{kind}` (not a reference to one)"
            ),
        )
    };
    for (path, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        let item_at = pointer::join("/paths", path);
        // Only a reference can fail to resolve.
        let resolve = |p: &ReferenceOr<Parameter>, at: String| -> std::result::Result<Parameter, (String, String)> {
            parameter(api, p).cloned().ok_or_else(|| {
                let reference = match p {
                    ReferenceOr::Reference { reference } => reference.as_str(),
                    ReferenceOr::Item(_) => "",
                };
                wrong_kind(format!("{at}/$ref"), reference, "parameters")
            })
        };
        let mut shared = BTreeMap::new();
        for (i, parameter) in item.parameters.iter().enumerate() {
            let at = format!("{item_at}/parameters/{i}");
            let parameter = resolve(parameter, at.clone())?;
            shared.insert(parameter.parameter_data_ref().name.clone(), (parameter, at));
        }
        for (method, operation) in item.iter() {
            let op_at = pointer::join(&item_at, method);
            let mut combined = shared.clone();
            for (i, parameter) in operation.parameters.iter().enumerate() {
                let at = format!("{op_at}/parameters/{i}");
                let parameter = resolve(parameter, at.clone())?;
                combined.insert(parameter.parameter_data_ref().name.clone(), (parameter, at));
            }
            for (name, (parameter, at)) in &combined {
                let data = parameter.parameter_data_ref();
                if matches!(parameter, Parameter::Path { .. }) && !data.required {
                    return Err((
                        at.clone(),
                        format!("path parameter `{name}` must be marked `required: true`"),
                    ));
                }
                // Query objects are sent exploded (`form`) or as `name[key]` (`deepObject`);
                // a path segment or a header has no such form.
                if let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format
                    && !matches!(parameter, Parameter::Query { .. })
                    && is_object(api, schema)
                {
                    return Err((
                        format!("{at}/schema"),
                        format!(
                            "parameter `{name}` has an object schema; path, header and cookie parameters must be scalars or arrays"
                        ),
                    ));
                }
            }
            if let Some(ReferenceOr::Reference { reference }) = &operation.request_body
                && !defined(reference, "requestBodies")
            {
                return Err(wrong_kind(
                    format!("{op_at}/requestBody/$ref"),
                    reference,
                    "requestBodies",
                ));
            }
            let responses = operation
                .responses
                .default
                .iter()
                .map(|r| ("default".to_owned(), r))
                .chain(
                    operation
                        .responses
                        .responses
                        .iter()
                        .map(|(status, r)| (status.to_string(), r)),
                );
            for (status, response) in responses {
                if let ReferenceOr::Reference { reference } = response
                    && !defined(reference, "responses")
                {
                    return Err(wrong_kind(
                        format!("{op_at}/responses/{status}/$ref"),
                        reference,
                        "responses",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Whether `schema` (following component references) describes an object.
fn is_object(api: &openapiv3::OpenAPI, schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> bool {
    let mut current = schema;
    for _ in 0..32 {
        match current {
            openapiv3::ReferenceOr::Item(schema) => {
                return matches!(
                    schema.schema_kind,
                    openapiv3::SchemaKind::Type(openapiv3::Type::Object(_))
                );
            }
            openapiv3::ReferenceOr::Reference { reference } => {
                let Some(next) = reference
                    .strip_prefix("#/components/schemas/")
                    .and_then(|name| api.components.as_ref()?.schemas.get(name))
                else {
                    return false;
                };
                current = next;
            }
        }
    }
    false
}

/// `{name}` placeholders of a path template, once each.
fn template_parameters(path: &str) -> std::result::Result<BTreeSet<String>, String> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("unclosed `{{` in the path `{path}`"));
        };
        let name = &rest[open + 1..open + close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("malformed parameter in the path `{path}`"));
        }
        // A name used twice (`/accounts/{id}/.../accounts/{id}`) takes the same value twice.
        names.insert(name.to_owned());
        rest = &rest[open + close + 1..];
    }
    Ok(names)
}

/// The path parameters a `parameters` list declares (resolving `$ref`s), each with the
/// pointer of its declaration. Checks that each is required, as OpenAPI demands.
fn declared_path_parameters(
    spec: &Value,
    parameters: Option<&Value>,
    at: &str,
) -> std::result::Result<BTreeMap<String, String>, (String, String)> {
    let mut out = BTreeMap::new();
    let Some(parameters) = parameters else { return Ok(out) };
    let Value::Array(parameters) = parameters else {
        return Err((
            at.to_owned(),
            format!("`parameters` must be a list, found {}", kind_of(parameters)),
        ));
    };
    for (i, parameter) in parameters.iter().enumerate() {
        let param_at = format!("{at}/{i}");
        let parameter = resolve(spec, parameter).map_err(|why| (param_at.clone(), why))?;
        if parameter.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let Some(name) = parameter.get("name").and_then(Value::as_str) else {
            return Err((param_at, "a parameter needs a `name`".into()));
        };
        if parameter.get("required") != Some(&Value::Bool(true)) {
            return Err((
                param_at,
                format!("path parameter `{name}` must be marked `required: true`"),
            ));
        }
        out.insert(name.to_owned(), param_at);
    }
    Ok(out)
}

/// Follows `$ref`s (local ones; [`check_references`] has vetted them) to the object meant.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> std::result::Result<&'a Value, String> {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                value = reference
                    .strip_prefix('#')
                    .and_then(|p| spec.pointer(p))
                    .ok_or_else(|| format!("`$ref` `{reference}` points to nothing"))?;
            }
            None => return Ok(value),
        }
    }
    Err("`$ref` chain is too long or loops".into())
}

/// Every `$ref` must be local and point to something; a chain of references that only
/// refer on (A to B to A) is a cycle with no definition at its end.
fn check_references(spec: &Value, value: &Value, at: &mut String) -> std::result::Result<(), (String, String)> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                let ref_at = format!("{at}/$ref");
                let Value::String(reference) = reference else {
                    // A property literally named `$ref` inside `properties` is legal.
                    return check_children(spec, map.iter(), at);
                };
                let Some(target) = reference.strip_prefix('#') else {
                    return Err((
                        ref_at,
                        format!(
                            "`$ref` `{reference}` points into another document; only references within this document (`#/...`) are supported"
                        ),
                    ));
                };
                if spec.pointer(target).is_some() && !whole_component(target) {
                    return Err((
                        ref_at,
                        format!(
                            "`$ref` `{reference}` points inside a document part; only references to whole components (`#/components/KIND/NAME`) are supported"
                        ),
                    ));
                }
                let mut seen = BTreeSet::from([reference.clone()]);
                let mut node = spec.pointer(target);
                loop {
                    let Some(found) = node else {
                        let hint = if reference.contains("/$defs/") {
                            " (OpenAPI 3.0 has no `$defs`; move the definition under `#/components/schemas`)"
                        } else {
                            ""
                        };
                        return Err((ref_at, format!("`$ref` `{reference}` points to nothing{hint}")));
                    };
                    match found.get("$ref").and_then(Value::as_str) {
                        Some(next) => {
                            if !seen.insert(next.to_owned()) {
                                return Err((
                                    ref_at,
                                    format!("`$ref` `{reference}` is part of a cycle of references with no definition"),
                                ));
                            }
                            node = next.strip_prefix('#').and_then(|p| spec.pointer(p));
                        }
                        None => break,
                    }
                }
            }
            check_children(spec, map.iter(), at)
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                check_references(spec, item, at)?;
                at.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The JSON types a schema's `type` may name; typify panics on any other.
const SCHEMA_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object", "null"];

/// Checks `type` in every schema: where schemas are (`components/schemas`, any `schema`)
/// and below them, through the keywords that hold subschemas.
fn check_schema_types(value: &Value, at: &mut String, in_schema: bool) -> std::result::Result<(), (String, String)> {
    use crate::normalize::{SUBSCHEMA, SUBSCHEMA_LIST, SUBSCHEMA_MAP};
    let Value::Object(map) = value else {
        if let Value::Array(items) = value
            && !in_schema
        {
            for (i, item) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                check_schema_types(item, at, false)?;
                at.truncate(len);
            }
        }
        return Ok(());
    };
    if in_schema {
        match map.get("type") {
            Some(Value::String(t)) if !SCHEMA_TYPES.contains(&t.as_str()) => {
                return Err((
                    format!("{at}/type"),
                    format!("`{t}` is not a JSON Schema type (one of {})", SCHEMA_TYPES.join(", ")),
                ));
            }
            Some(Value::String(_)) | None => {}
            Some(other) => {
                return Err((
                    format!("{at}/type"),
                    format!("`type` must be a string, found {}", kind_of(other)),
                ));
            }
        }
        if let Some(required) = map.get("required")
            && !matches!(required, Value::Array(names) if names.iter().all(Value::is_string))
        {
            return Err((
                format!("{at}/required"),
                format!(
                    "`required` in a schema must be a list of property names, found {}{}",
                    kind_of(required),
                    if required.is_boolean() {
                        " (`required: true` belongs to a parameter or a request body, not to its schema)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        // typify resolves a schema's `$ref` by component name among the schemas only.
        if let Some(Value::String(reference)) = map.get("$ref")
            && !reference.starts_with("#/components/schemas/")
        {
            return Err((
                format!("{at}/$ref"),
                format!("a schema's `$ref` must point to `#/components/schemas/NAME`, not `{reference}`"),
            ));
        }
    }
    let in_schemas = at == "/components/schemas";
    for (key, child) in map {
        let len = at.len();
        at.push('/');
        at.push_str(&pointer::escape(key));
        let result = if in_schema {
            if SUBSCHEMA.contains(&key.as_str()) {
                check_schema_types(child, at, true)
            } else if SUBSCHEMA_LIST.contains(&key.as_str()) || SUBSCHEMA_MAP.contains(&key.as_str()) {
                check_each(child, at)
            } else {
                Ok(())
            }
        } else if in_schemas || key == "schema" {
            check_schema_types(child, at, true)
        } else if key == "example" || key == "examples" || key == "default" || key.starts_with("x-") {
            Ok(())
        } else {
            check_schema_types(child, at, false)
        };
        result?;
        at.truncate(len);
    }
    Ok(())
}

/// Below `node` (at `at`), the deepest schema that does not deserialize, with its own error.
/// Only run once the whole document failed, so its cost is paid on errors only.
fn deepest_bad_schema(node: &Value, at: &mut String, in_schemas: bool) -> Option<(String, String)> {
    fn visit(node: &Value, at: &mut String, in_schema: bool, in_schemas: bool) -> Option<(String, String)> {
        use crate::normalize::{SUBSCHEMA, SUBSCHEMA_LIST, SUBSCHEMA_MAP};
        let mut children: Vec<(String, &Value, bool)> = Vec::new();
        match node {
            Value::Object(map) => {
                for (key, child) in map {
                    let token = pointer::escape(key);
                    if in_schema {
                        if SUBSCHEMA.contains(&key.as_str()) {
                            children.push((token, child, true));
                        } else if SUBSCHEMA_LIST.contains(&key.as_str()) || SUBSCHEMA_MAP.contains(&key.as_str()) {
                            let items: Vec<(String, &Value)> = match child {
                                Value::Array(items) => {
                                    items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect()
                                }
                                Value::Object(map) => map.iter().map(|(k, v)| (pointer::escape(k), v)).collect(),
                                _ => Vec::new(),
                            };
                            for (sub, item) in items {
                                children.push((format!("{token}/{sub}"), item, true));
                            }
                        }
                    } else if !(key == "example" || key == "examples" || key.starts_with("x-")) {
                        children.push((token, child, in_schemas || key == "schema"));
                    }
                }
            }
            Value::Array(items) if !in_schema => {
                children.extend(items.iter().enumerate().map(|(i, v)| (i.to_string(), v, false)));
            }
            _ => {}
        }
        for (token, child, is_schema) in children {
            let len = at.len();
            at.push('/');
            at.push_str(&token);
            let found = visit(child, at, is_schema, false);
            at.truncate(len);
            if found.is_some() {
                return found;
            }
        }
        if in_schema
            && let Err(e) = serde_path_to_error::deserialize::<_, openapiv3::ReferenceOr<openapiv3::Schema>>(node)
        {
            let inner = path_to_pointer(e.path());
            return Some((format!("{at}{inner}"), e.inner().to_string()));
        }
        None
    }
    visit(node, at, false, in_schemas)
}

/// The subschemas of a list or map keyword.
fn check_each(value: &Value, at: &mut String) -> std::result::Result<(), (String, String)> {
    let children: Vec<(String, &Value)> = match value {
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        Value::Object(map) => map.iter().map(|(k, v)| (pointer::escape(k), v)).collect(),
        _ => return Ok(()),
    };
    for (token, child) in children {
        let len = at.len();
        at.push('/');
        at.push_str(&token);
        check_schema_types(child, at, true)?;
        at.truncate(len);
    }
    Ok(())
}

fn check_children<'a>(
    spec: &Value,
    children: impl Iterator<Item = (&'a String, &'a Value)>,
    at: &mut String,
) -> std::result::Result<(), (String, String)> {
    for (key, child) in children {
        if key == "example" || key == "examples" || key.starts_with("x-") {
            continue;
        }
        let len = at.len();
        at.push('/');
        at.push_str(&pointer::escape(key));
        check_references(spec, child, at)?;
        at.truncate(len);
    }
    Ok(())
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out = pointer::join(&out, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec_with(paths: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                "schemas": {"A": {"type": "object"}}
            }
        })
    }

    fn ok() -> Value {
        json!({"description": "ok"})
    }

    fn error_of(paths: Value) -> String {
        validate("s.yaml", &spec_with(paths))
            .expect_err("must fail")
            .to_string()
    }

    #[test]
    fn a_valid_document_passes() {
        let spec = spec_with(
            json!({"/a/{id}": {"get": {"operationId": "a", "parameters": [{"$ref": "#/components/parameters/Id"}], "responses": {"200": ok()}}}}),
        );
        let api = validate("s.yaml", &spec).expect("valid");
        assert_eq!(api.paths.paths.len(), 1);
    }

    #[test]
    fn operation_ids_are_required_and_unique() {
        assert_eq!(
            error_of(json!({"/a": {"get": {"responses": {"200": ok()}}}})),
            "s.yaml#/paths/~1a/get: GET /a has no `operationId`; every operation needs one to name its method"
        );
        assert_eq!(
            error_of(
                json!({"/a": {"get": {"operationId": "x", "responses": {}}, "post": {"operationId": "x", "responses": {}}}})
            ),
            "s.yaml#/paths/~1a/post/operationId: operationId `x` is also used at /paths/~1a/get"
        );
    }

    #[test]
    fn path_parameters_match_the_template() {
        assert_eq!(
            error_of(
                json!({"/a": {"get": {"operationId": "a", "parameters": [{"$ref": "#/components/parameters/Id"}], "responses": {}}}})
            ),
            "s.yaml#/paths/~1a/get/parameters/0: path parameter `id` does not appear in the path `/a`"
        );
        assert_eq!(
            error_of(json!({"/a/{id}": {"get": {"operationId": "a", "responses": {}}}})),
            "s.yaml#/paths/~1a~1{id}/get: the path `/a/{id}` has the parameter `{id}`, which `a` does not declare"
        );
        assert_eq!(
            error_of(
                json!({"/a/{id}": {"get": {"operationId": "a", "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}], "responses": {}}}})
            ),
            "s.yaml#/paths/~1a~1{id}/get/parameters/0: path parameter `id` must be marked `required: true`"
        );
        // Declared once on the path item, used by every operation.
        let spec = spec_with(
            json!({"/a/{id}": {"parameters": [{"$ref": "#/components/parameters/Id"}], "get": {"operationId": "a", "responses": {"200": ok()}}}}),
        );
        validate("s.yaml", &spec).expect("path-level parameter");
    }

    #[test]
    fn references_must_resolve_locally_without_cycles() {
        assert_eq!(
            error_of(
                json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "#/components/responses/Nope"}}}}})
            ),
            "s.yaml#/paths/~1a/get/responses/200/$ref: `$ref` `#/components/responses/Nope` points to nothing"
        );
        assert_eq!(
            error_of(json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "other.yaml#/R"}}}}})),
            "s.yaml#/paths/~1a/get/responses/200/$ref: `$ref` `other.yaml#/R` points into another document; only references within this document (`#/...`) are supported"
        );
        let mut spec = spec_with(json!({"/a": {"get": {"operationId": "a", "responses": {}}}}));
        spec["components"]["schemas"]["Loop1"] = json!({"$ref": "#/components/schemas/Loop2"});
        spec["components"]["schemas"]["Loop2"] = json!({"$ref": "#/components/schemas/Loop1"});
        let err = validate("s.yaml", &spec).expect_err("cycle").to_string();
        assert_eq!(
            err,
            "s.yaml#/components/schemas/Loop1/$ref: `$ref` `#/components/schemas/Loop2` is part of a cycle of references with no definition"
        );
    }

    #[test]
    fn missing_paths_and_wrong_shapes_name_their_place() {
        let mut spec = spec_with(json!({}));
        spec.as_object_mut().map(|m| m.remove("paths"));
        spec["components"]["schemas"] = json!({});
        assert_eq!(
            validate("s.yaml", &spec).expect_err("no paths").to_string(),
            "s.yaml: the document has no `paths`: there is nothing to generate"
        );

        let mut spec = spec_with(json!({"/a": {"get": {"operationId": "a", "responses": {"200": ok()}}}}));
        spec["components"]["schemas"] = json!({"A": {"type": "string", "enum": "yes"}});
        let err = validate("s.yaml", &spec).expect_err("bad shape").to_string();
        assert!(err.starts_with("s.yaml#/components/schemas/A"), "{err}");
        assert!(err.contains("not a valid OpenAPI 3.0 document here"), "{err}");
    }

    #[test]
    fn references_must_name_whole_components_of_the_right_kind() {
        let mut spec = spec_with(
            json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/parameters/Id"}}}}}}}}),
        );
        let err = validate("s.yaml", &spec)
            .expect_err("schema ref to a parameter")
            .to_string();
        assert_eq!(
            err,
            "s.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/$ref: a schema's `$ref` must point to `#/components/schemas/NAME`, not `#/components/parameters/Id`"
        );
        spec["paths"]["/a"]["get"]["responses"]["200"] = json!({"$ref": "#/paths/~1a"});
        let err = validate("s.yaml", &spec).expect_err("ref into paths").to_string();
        assert!(err.contains("only references to whole components"), "{err}");
        spec["paths"]["/a"]["get"]["responses"]["200"] = json!({"$ref": "#/components/parameters/Id"});
        let err = validate("s.yaml", &spec)
            .expect_err("response ref to a parameter")
            .to_string();
        assert_eq!(
            err,
            "s.yaml#/paths/~1a/get/responses/200/$ref: `$ref` `#/components/parameters/Id` must name a component defined under `#/components/responses` (not a reference to one)"
        );
    }

    #[test]
    fn a_schema_that_does_not_read_is_named_exactly() {
        // openapiv3 reads paths through untagged enums: its own error names only `/paths`.
        let spec = spec_with(json!({"/a": {"get": {"operationId": "a", "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"type": "object", "properties": {
                "p": {"type": "object", "properties": {"q": {"type": "string", "enum": "x"}}}
            }}}}
        }}}}}));
        let err = validate("s.yaml", &spec).expect_err("bad enum").to_string();
        assert!(
            err.starts_with(
                "s.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/properties/p/properties/q: not a valid OpenAPI 3.0 document here:"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_schema_type_must_be_a_string() {
        let mut spec = spec_with(json!({"/a": {"get": {"operationId": "a", "responses": {"200": ok()}}}}));
        spec["components"]["schemas"]["A"] = json!({"type": null});
        let err = validate("s.yaml", &spec).expect_err("null type").to_string();
        assert_eq!(
            err,
            "s.yaml#/components/schemas/A/type: `type` must be a string, found null"
        );
    }

    #[test]
    fn parameters_are_checked_after_operation_parameters_override_the_path_items() {
        // The operation redeclares the path item's `id` as optional: progenitor asserts on it.
        let spec = spec_with(json!({"/a/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {"operationId": "a", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/A"}}],
                "responses": {"200": ok()}}
        }}));
        let err = validate("s.yaml", &spec).expect_err("object parameter").to_string();
        assert_eq!(
            err,
            "s.yaml#/paths/~1a~1{id}/get/parameters/0/schema: parameter `id` has an object schema; path, header and cookie parameters must be scalars or arrays"
        );
    }
}
