//! Stage 5a: reshape a valid document into what progenitor 0.15.1 can generate.
//!
//! progenitor handles a narrow slice of OpenAPI and panics or refuses (without saying where)
//! outside it: several media types for one body, a content type it does not know, JSON
//! responses with `encoding` or without a schema, success (or error) responses of different
//! types, `default` beside explicit success codes, cookie parameters. Each rule here either
//! rewrites the operation into the nearest form progenitor handles, with a [`Warning`] when a
//! client behaves differently than the spec describes, or stops with an [`Error`] naming the
//! JSON pointer. What reaches progenitor afterwards is meant to never make it panic.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use openapiv3::{
    Components, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr,
    RequestBody, Response, Schema, SchemaData, SchemaKind, StatusCode, StringFormat, StringType, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{Error, Result, Stage};
use crate::generate::MULTIPART;
use crate::pointer;
use crate::warning::Warning;

const JSON: &str = "application/json";
const OCTET_STREAM: &str = "application/octet-stream";
const FORM: &str = "application/x-www-form-urlencoded";

/// Reshapes every operation of `api` in place.
pub fn adapt(name: &str, api: &mut OpenAPI, warnings: &mut Vec<Warning>) -> Result<()> {
    let components = api.components.clone();
    let mut method_names: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (path, item) in api.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        let item_at = pointer::join("/paths", path);
        let shared = resolve_parameters(name, &components, &item.parameters, &format!("{item_at}/parameters"))?;
        let operations = crate::validate::operation_slots(item);
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let at = pointer::join(&item_at, method);
            let id = operation.operation_id.clone().unwrap_or_default();
            // progenitor names the method, and the builder struct, after the snake_cased id.
            let method_name = id.to_snake_case();
            if let Some((first_id, first_at)) = method_names.get(&method_name) {
                return Err(Error::at(
                    Stage::Validate,
                    name,
                    format!("{at}/operationId"),
                    format!(
                        "operationId `{id}` and `{first_id}` (at {first_at}) both become the method `{method_name}`"
                    ),
                ));
            }
            method_names.insert(method_name, (id.clone(), at.clone()));
            let mut context = Context {
                name,
                components: &components,
                warnings,
            };
            context.parameters(operation, &shared, &at)?;
            context.request_body(operation, &at)?;
            context.responses(operation, &id, &at)?;
        }
    }
    Ok(())
}

struct Context<'a> {
    name: &'a str,
    components: &'a Option<Components>,
    warnings: &'a mut Vec<Warning>,
}

impl Context<'_> {
    fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    fn error(&self, at: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::at(Stage::Validate, self.name, at, reason)
    }

    /// Parameters: progenitor merges path-level and operation-level ones by their name on the
    /// wire, then names builder fields after the snake_cased name. Two parameters that end up
    /// with one field would not compile; kinds it does not support make it refuse the whole
    /// document without a location.
    fn parameters(&mut self, operation: &mut Operation, shared: &[(Parameter, String)], at: &str) -> Result<()> {
        let own = resolve_parameters(
            self.name,
            self.components,
            &operation.parameters,
            &format!("{at}/parameters"),
        )?;
        // An operation's parameter overrides the path item's one of the same name and place.
        let mut merged: Vec<(Parameter, String)> = shared
            .iter()
            .filter(|(s, _)| {
                !own.iter()
                    .any(|(o, _)| o.parameter_data_ref().name == s.parameter_data_ref().name && same_place(o, s))
            })
            .cloned()
            .collect();
        merged.extend(own);

        let mut kept = Vec::new();
        let mut fields: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (parameter, param_at) in merged {
            let data = parameter.parameter_data_ref();
            let unsupported = match &parameter {
                Parameter::Cookie { .. } => Some("cookie parameters are not supported".to_owned()),
                Parameter::Query { style, .. } if *style != QueryStyle::Form => Some(format!(
                    "query parameters of style `{}` are not supported",
                    query_style(style)
                )),
                Parameter::Path { style, .. } if *style != PathStyle::Simple => {
                    Some("path parameters of a style other than `simple` are not supported".to_owned())
                }
                _ => None,
            };
            let unsupported = unsupported.or_else(|| match &data.format {
                ParameterSchemaOrContent::Content(_) => {
                    Some("parameters described by `content` rather than `schema` are not supported".to_owned())
                }
                ParameterSchemaOrContent::Schema(_) => None,
            });
            if let Some(why) = unsupported {
                if data.required {
                    return Err(self.error(param_at, format!("parameter `{}`: {why}", data.name)));
                }
                self.warn(param_at, format!("dropped optional parameter `{}`: {why}", data.name));
                continue;
            }
            let field = data.name.to_snake_case();
            if let Some((other, other_at)) = fields.get(&field) {
                let reason = if *other == data.name {
                    format!("parameter `{}` is declared twice, at {other_at} and here", data.name)
                } else {
                    format!(
                        "parameters `{other}` (at {other_at}) and `{}` both become the argument `{field}`",
                        data.name
                    )
                };
                return Err(self.error(param_at, reason));
            }
            fields.insert(field, (data.name.clone(), param_at));
            kept.push(parameter);
        }
        if fields.contains_key("body") && operation.request_body.is_some() {
            let (_, body_at) = &fields["body"];
            return Err(self.error(
                body_at.clone(),
                "a parameter named `body` clashes with the request body's argument",
            ));
        }
        // Resolved and merged here, so progenitor sees exactly the parameters checked above.
        operation.parameters = kept.into_iter().map(ReferenceOr::Item).collect();
        Ok(())
    }

    fn request_body(&mut self, operation: &mut Operation, at: &str) -> Result<()> {
        let Some(body) = &operation.request_body else {
            return Ok(());
        };
        let body_at = format!("{at}/requestBody");
        let mut body: RequestBody = resolve(self.components, body, |c, k| c.request_bodies.get(k), &body_at)
            .map_err(|(at, why)| self.error(at, why))?
            .clone();
        let content_at = format!("{body_at}/content");
        if body.content.is_empty() {
            operation.request_body = None;
            return Ok(());
        }
        if body.content.len() > 1 {
            let offered: Vec<String> = body.content.keys().cloned().collect();
            let chosen = [
                is_json,
                |m: &str| base(m) == FORM,
                |m: &str| base(m) == MULTIPART,
                |m: &str| base(m) == OCTET_STREAM,
            ]
            .iter()
            .find_map(|accept| offered.iter().find(|m| accept(m)))
            .unwrap_or(&offered[0])
            .clone();
            body.content.retain(|m, _| *m == chosen);
            self.warn(
                content_at.clone(),
                format!(
                    "the request body is offered as {}; the client sends `{chosen}` only",
                    list(&offered)
                ),
            );
        }
        let Some((media, mut content)) = body.content.pop() else {
            return Ok(());
        };
        let media_at = pointer::join(&content_at, &media);
        let media = if is_json(&media) {
            if base(&media) != JSON {
                self.warn(
                    media_at.clone(),
                    format!("`{media}` is sent as `{JSON}`, the JSON media type the client knows"),
                );
            }
            content.encoding.clear();
            content.schema.get_or_insert_with(any_value);
            JSON.to_owned()
        } else if base(&media) == FORM {
            if !content.encoding.is_empty() {
                self.warn(
                    format!("{media_at}/encoding"),
                    "ignored: the client encodes every form field the same way",
                );
                content.encoding.clear();
            }
            content.schema.get_or_insert_with(any_value);
            media
        } else if base(&media) == MULTIPART {
            media
        } else if matches!(base(&media), "text/plain" | "text/x-markdown") {
            if !is_plain_string(self.components, content.schema.as_ref()) {
                self.warn(
                    media_at.clone(),
                    format!("the `{media}` body is sent as a plain string; its schema is not enforced"),
                );
            }
            content.schema = Some(ReferenceOr::Item(string_schema(VariantOrUnknownOrEmpty::Empty)));
            media
        } else {
            if base(&media) != OCTET_STREAM {
                self.warn(
                    media_at.clone(),
                    format!(
                        "content type `{media}` is not supported: the client sends the body as raw bytes labelled `{OCTET_STREAM}`"
                    ),
                );
            }
            content.schema = Some(ReferenceOr::Item(string_schema(VariantOrUnknownOrEmpty::Item(
                StringFormat::Binary,
            ))));
            OCTET_STREAM.to_owned()
        };
        body.content.insert(media, content);
        operation.request_body = Some(ReferenceOr::Item(body));
        Ok(())
    }

    /// progenitor gives each operation one success type and one error type, and counts
    /// `default` among both.
    fn responses(&mut self, operation: &mut Operation, id: &str, at: &str) -> Result<()> {
        let responses_at = format!("{at}/responses");
        let mut resolved: Vec<(Status, Response, String)> = Vec::new();
        for (code, response) in &operation.responses.responses {
            let status = match *code {
                StatusCode::Code(c) if (100..=599).contains(&c) => Status::Code(c),
                StatusCode::Range(r) if (1..=5).contains(&r) => Status::Range(r),
                _ => {
                    return Err(self.error(
                        pointer::join(&responses_at, &code.to_string()),
                        format!("`{code}` is not an HTTP status code (100 to 599, or 1XX to 5XX)"),
                    ));
                }
            };
            let response_at = pointer::join(&responses_at, &code.to_string());
            let response = resolve(self.components, response, |c, k| c.responses.get(k), &response_at)
                .map_err(|(at, why)| self.error(at, why))?
                .clone();
            resolved.push((status, response, response_at));
        }
        if let Some(default) = &operation.responses.default {
            let default_at = format!("{responses_at}/default");
            let response = resolve(self.components, default, |c, k| c.responses.get(k), &default_at)
                .map_err(|(at, why)| self.error(at, why))?
                .clone();
            resolved.push((Status::Default, response, default_at));
        }
        for (_, response, response_at) in &mut resolved {
            self.response_content(response, response_at);
        }

        // `default` beside explicit success codes means "any error": say so with ranges, so
        // that it stops competing with the success type.
        // (Except for dropshot websockets, whose `default` progenitor reads as the upgrade.)
        let websocket = operation.extensions.contains_key("x-dropshot-websocket");
        let has_success = !websocket && resolved.iter().any(|(s, _, _)| s.is_success());
        if has_success && let Some(i) = resolved.iter().position(|(s, _, _)| *s == Status::Default) {
            let (_, default, default_at) = resolved.remove(i);
            let success_kind = resolved
                .iter()
                .find(|(s, _, _)| s.is_success())
                .map(|(_, r, _)| kind(r));
            if success_kind.as_ref() == Some(&kind(&default)) {
                resolved.push((Status::Default, default, default_at));
            } else {
                for range in [4, 5] {
                    if !resolved.iter().any(|(s, _, _)| *s == Status::Range(range)) {
                        resolved.push((Status::Range(range), default.clone(), default_at.clone()));
                    }
                }
            }
        }

        for (class, is_member) in [
            ("success", Status::is_success as fn(&Status) -> bool),
            ("error", Status::is_error),
        ] {
            let members: Vec<usize> = (0..resolved.len()).filter(|&i| is_member(&resolved[i].0)).collect();
            // The typed response wins: the other kinds are still reported, as unexpected.
            let Some(&primary) = members
                .iter()
                .find(|&&i| matches!(kind(&resolved[i].1), Kind::Json(_)))
                .or(members.first())
            else {
                continue;
            };
            let primary_kind = kind(&resolved[primary].1);
            let primary_code = resolved[primary].0.to_string();
            let mut dropped = Vec::new();
            for &i in &members {
                if kind(&resolved[i].1) != primary_kind {
                    dropped.push(i);
                }
            }
            for &i in dropped.iter().rev() {
                let (status, _, response_at) = resolved.remove(i);
                self.warn(
                    response_at,
                    format!(
                        "`{id}` can return one {class} type, the one of response {primary_code}; response {status} has a different body and is returned as `Error::UnexpectedResponse`"
                    ),
                );
            }
        }

        let mut responses = openapiv3::Responses {
            extensions: std::mem::take(&mut operation.responses.extensions),
            ..Default::default()
        };
        for (status, response, _) in resolved {
            match status {
                Status::Code(c) => {
                    responses
                        .responses
                        .insert(StatusCode::Code(c), ReferenceOr::Item(response));
                }
                Status::Range(r) => {
                    responses
                        .responses
                        .insert(StatusCode::Range(r), ReferenceOr::Item(response));
                }
                Status::Default => responses.default = Some(ReferenceOr::Item(response)),
            }
        }
        operation.responses = responses;
        Ok(())
    }

    fn response_content(&mut self, response: &mut Response, at: &str) {
        let content_at = format!("{at}/content");
        if response.content.len() > 1 {
            let offered: Vec<String> = response.content.keys().cloned().collect();
            let chosen = offered.iter().find(|m| is_json(m)).unwrap_or(&offered[0]).clone();
            let kept = if is_json(&chosen) {
                format!("decodes `{chosen}`")
            } else {
                "returns the body as bytes".to_owned()
            };
            response.content.retain(|m, _| *m == chosen);
            self.warn(
                content_at.clone(),
                format!("the response is offered as {}; the client {kept}", list(&offered)),
            );
        }
        let Some((media, content)) = response.content.first() else {
            return;
        };
        if is_json(media) {
            let mut content = content.clone();
            content.encoding.clear();
            content.schema.get_or_insert_with(any_value);
            response.content.clear();
            // progenitor decodes only `application/json`; `+json` types are JSON too.
            response.content.insert(JSON.to_owned(), content);
        }
    }
}

/// Resolves `ReferenceOr<Parameter>`s of a list, with the pointer of each.
fn resolve_parameters(
    name: &str,
    components: &Option<Components>,
    parameters: &[ReferenceOr<Parameter>],
    at: &str,
) -> Result<Vec<(Parameter, String)>> {
    parameters
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let param_at = format!("{at}/{i}");
            resolve(components, p, |c, k| c.parameters.get(k), &param_at)
                .map(|p| (p.clone(), param_at))
                .map_err(|(at, why)| Error::at(Stage::Validate, name, at, why))
        })
        .collect()
}

/// Follows a chain of `#/components/<kind>/<name>` references.
fn resolve<'a, T>(
    components: &'a Option<Components>,
    mut item: &'a ReferenceOr<T>,
    lookup: impl Fn(&'a Components, &str) -> Option<&'a ReferenceOr<T>>,
    at: &str,
) -> std::result::Result<&'a T, (String, String)> {
    for _ in 0..32 {
        match item {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .rsplit_once('/')
                    .and_then(|(_, key)| components.as_ref().map(|c| (c, key)))
                    .and_then(|(c, key)| lookup(c, &pointer::unescape(key)));
                match found {
                    Some(next) => item = next,
                    None => {
                        return Err((
                            format!("{at}/$ref"),
                            format!("`$ref` `{reference}` does not point to an object of the kind expected here"),
                        ));
                    }
                }
            }
        }
    }
    Err((format!("{at}/$ref"), "`$ref` chain is too long or loops".to_owned()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Code(u16),
    Range(u16),
    Default,
}

impl Status {
    fn is_success(&self) -> bool {
        matches!(self, Status::Code(101 | 200..=299) | Status::Range(2) | Status::Default)
    }

    fn is_error(&self) -> bool {
        matches!(self, Status::Code(400..=599) | Status::Range(4..=5) | Status::Default)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(r) => write!(f, "{r}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// What progenitor makes of a response body; two responses of one class must agree on it.
#[derive(Debug, PartialEq)]
enum Kind {
    None,
    Raw,
    /// The schema as written (a `$ref` names one type; an inline schema its own).
    Json(String),
}

fn kind(response: &Response) -> Kind {
    match response.content.iter().find(|(m, _)| is_json(m)) {
        Some((_, content)) => Kind::Json(serde_json::to_string(&content.schema).unwrap_or_default()),
        None if response.content.is_empty() => Kind::None,
        None => Kind::Raw,
    }
}

fn same_place(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn query_style(style: &QueryStyle) -> &'static str {
    match style {
        QueryStyle::Form => "form",
        QueryStyle::SpaceDelimited => "spaceDelimited",
        QueryStyle::PipeDelimited => "pipeDelimited",
        QueryStyle::DeepObject => "deepObject",
    }
}

/// The media type without parameters, lowercased.
fn base(media: &str) -> &str {
    media.split(';').next().unwrap_or(media).trim()
}

/// `application/json`, and the structured-syntax `+json` types (`application/problem+json`).
fn is_json(media: &str) -> bool {
    let base = base(media).to_ascii_lowercase();
    base == JSON || (base.starts_with("application/") && base.ends_with("+json"))
}

fn list(media: &[String]) -> String {
    media.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
}

fn any_value() -> ReferenceOr<Schema> {
    ReferenceOr::Item(Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Any(Default::default()),
    })
}

fn string_schema(format: VariantOrUnknownOrEmpty<StringFormat>) -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType {
            format,
            ..Default::default()
        })),
    }
}

fn is_plain_string(components: &Option<Components>, schema: Option<&ReferenceOr<Schema>>) -> bool {
    let Some(schema) = schema else { return false };
    let Ok(schema) = resolve(components, schema, |c, k| c.schemas.get(k), "") else {
        return false;
    };
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(StringType {
            format: VariantOrUnknownOrEmpty::Empty,
            pattern: None,
            enumeration,
            min_length: None,
            max_length: None,
        })) if enumeration.is_empty()
    )
}

/// typify names an inline schema (and the non-null part of a nullable one) after its
/// `title`; a title that is also a component's name gives two types of one name, which does
/// not compile (GitHub's `nullable-simple-user` is titled "Simple User"). Titles only name
/// things, so those are dropped before generation.
pub fn drop_colliding_titles(spec: &mut serde_json::Value) {
    use heck::ToPascalCase;
    let names: std::collections::BTreeSet<String> = spec
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map(|schemas| schemas.keys().map(|k| k.to_pascal_case()).collect())
        .unwrap_or_default();
    if names.is_empty() {
        return;
    }
    fn walk(value: &mut serde_json::Value, names: &std::collections::BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(title)) = map.get("title")
                    && names.contains(&title.to_pascal_case())
                {
                    map.remove("title");
                }
                for (key, child) in map.iter_mut() {
                    if !(key == "example" || key == "examples" || key == "default" || key.starts_with("x-")) {
                        walk(child, names);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|item| walk(item, names)),
            _ => {}
        }
    }
    for section in ["paths", "components"] {
        if let Some(value) = spec.get_mut(section) {
            walk(value, &names);
        }
    }
}
