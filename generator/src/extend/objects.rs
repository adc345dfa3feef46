//! Which Rust struct typify made from which object schema, for the extensions that change
//! a struct field because of what its property says (`deprecated`, `nullable`).
//!
//! typify names a component after its key, an operation's inline JSON body after
//! `{operationId}-body` and its inline success response after `{operationId}-response`
//! (progenitor asks for those names), and an inline object property after its parent and
//! the property (`{parent}_{property}`) unless the property has a `title`. Each name is
//! then PascalCased the way typify sanitizes identifiers. A schema typify merged or renamed
//! otherwise is simply not found, and its struct is left as typify wrote it.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

/// An object schema and the struct typify generated for it.
#[derive(Debug, Clone)]
pub struct NamedObject<'a> {
    /// The struct's name in the `types` module.
    pub rust_name: String,
    /// The properties, in the schema's order.
    pub properties: Properties<'a>,
    /// The names of the required properties.
    pub required: &'a [String],
    /// Whether the struct is (part of) a JSON request body: what the client sends.
    pub in_request: bool,
}

/// An object's properties, by name, in the schema's order.
pub(crate) type Properties<'a> = Vec<(&'a str, &'a ReferenceOr<Box<Schema>>)>;

/// Every object schema whose struct name is predictable, keyed by that name.
pub fn named_objects(api: &openapiv3::OpenAPI) -> BTreeMap<String, NamedObject<'_>> {
    let requested = components_in_requests(api);
    let mut out = BTreeMap::new();
    if let Some(components) = &api.components {
        for (name, schema) in &components.schemas {
            if let ReferenceOr::Item(schema) = schema {
                add(&mut out, name, schema, requested.contains(name.as_str()));
            }
        }
    }
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let Some(id) = &operation.operation_id else { continue };
            if let Some(ReferenceOr::Item(schema)) = request_body_schema(operation) {
                add(&mut out, &format!("{id}-body"), schema, true);
            }
            for (status, response) in &operation.responses.responses {
                let success = match status {
                    openapiv3::StatusCode::Code(code) => (200..300).contains(code),
                    openapiv3::StatusCode::Range(range) => *range == 2,
                };
                let Some(ReferenceOr::Item(schema)) = response
                    .as_item()
                    .and_then(|r| json_media(&r.content))
                    .and_then(|m| m.schema.as_ref())
                else {
                    continue;
                };
                if success {
                    add(&mut out, &format!("{id}-response"), schema, false);
                }
            }
        }
    }
    out
}

/// The properties and required list of an object schema, typed or untyped.
pub(crate) fn object_parts(schema: &Schema) -> Option<(Properties<'_>, &[String])> {
    let (properties, required) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => (&object.properties, &object.required),
        SchemaKind::Any(any) if !any.properties.is_empty() => (&any.properties, &any.required),
        _ => return None,
    };
    Some((properties.iter().map(|(k, v)| (k.as_str(), v)).collect(), required))
}

/// typify's PascalCase identifier for a schema named `name`.
pub(crate) fn type_name(name: &str) -> String {
    let cleaned: String = name
        .replace('\'', "")
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' })
        .collect();
    let pascal = cleaned.to_pascal_case();
    match pascal.chars().next() {
        None => "X".to_owned(),
        Some(c) if c.is_alphabetic() || c == '_' => {
            if pascal == "Self" {
                "Self_".to_owned()
            } else {
                pascal
            }
        }
        Some(_) => format!("X{pascal}"),
    }
}

fn add<'a>(out: &mut BTreeMap<String, NamedObject<'a>>, raw_name: &str, schema: &'a Schema, in_request: bool) {
    let Some((properties, required)) = object_parts(schema) else {
        return;
    };
    for (property, child) in &properties {
        if let ReferenceOr::Item(child) = child {
            let nested = match &child.schema_data.title {
                Some(title) => title.clone(),
                None => format!("{raw_name}_{property}"),
            };
            add(out, &nested, child, in_request);
        }
    }
    out.entry(type_name(raw_name)).or_insert(NamedObject {
        rust_name: type_name(raw_name),
        properties,
        required,
        in_request,
    });
}

/// The JSON media type of a content map (`application/json` or a `+json` type).
pub(crate) fn json_media<'a>(
    content: impl IntoIterator<Item = (&'a String, &'a openapiv3::MediaType)>,
) -> Option<&'a openapiv3::MediaType> {
    content
        .into_iter()
        .find(|(media, _)| {
            let media = media.split(';').next().unwrap_or_default().trim();
            media == "application/json" || media.ends_with("+json")
        })
        .map(|(_, m)| m)
}

fn request_body_schema(operation: &openapiv3::Operation) -> Option<&ReferenceOr<Schema>> {
    let ReferenceOr::Item(body) = operation.request_body.as_ref()? else {
        return None;
    };
    json_media(&body.content)?.schema.as_ref()
}

/// The components a JSON request body reaches, directly or through other components.
fn components_in_requests(api: &openapiv3::OpenAPI) -> BTreeSet<&str> {
    let mut pending: Vec<&str> = Vec::new();
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            if let Some(schema) = request_body_schema(operation) {
                references(schema, &mut pending);
            }
        }
    }
    let mut reached = BTreeSet::new();
    let schemas = api.components.as_ref().map(|c| &c.schemas);
    while let Some(name) = pending.pop() {
        if !reached.insert(name) {
            continue;
        }
        if let Some(schema) = schemas.and_then(|s| s.get(name)) {
            references(schema, &mut pending);
        }
    }
    reached
}

/// The component names `schema` refers to, down to (not through) other components.
fn references<'a>(schema: &'a ReferenceOr<Schema>, out: &mut Vec<&'a str>) {
    match schema {
        ReferenceOr::Reference { reference } => {
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                out.push(name);
            }
        }
        ReferenceOr::Item(schema) => schema_references(schema, out),
    }
}

fn boxed_references<'a>(schema: &'a ReferenceOr<Box<Schema>>, out: &mut Vec<&'a str>) {
    match schema {
        ReferenceOr::Reference { reference } => {
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                out.push(name);
            }
        }
        ReferenceOr::Item(schema) => schema_references(schema, out),
    }
}

fn schema_references<'a>(schema: &'a Schema, out: &mut Vec<&'a str>) {
    let additional = |a: &'a Option<openapiv3::AdditionalProperties>, out: &mut Vec<&'a str>| {
        if let Some(openapiv3::AdditionalProperties::Schema(s)) = a {
            references(s, out);
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values().for_each(|p| boxed_references(p, out));
            additional(&object.additional_properties, out);
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                boxed_references(items, out);
            }
        }
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            list.iter().for_each(|s| references(s, out));
        }
        SchemaKind::Not { not } => references(not, out),
        SchemaKind::Any(any) => {
            any.properties.values().for_each(|p| boxed_references(p, out));
            additional(&any.additional_properties, out);
            if let Some(items) = &any.items {
                boxed_references(items, out);
            }
            for list in [&any.one_of, &any.all_of, &any.any_of] {
                list.iter().for_each(|s| references(s, out));
            }
            if let Some(not) = &any.not {
                references(not, out);
            }
        }
    }
}
