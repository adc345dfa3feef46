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
    let mut wire_names: Vec<(String, String)> = Vec::new();
    let mut next_placeholder = api
        .extensions
        .get(WIRE_NAMES)
        .and_then(serde_json::Value::as_object)
        .map_or(0, serde_json::Map::len);
    let mut hoisted: Vec<(String, ReferenceOr<Schema>)> = Vec::new();
    let mut method_names: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut errors = Vec::new();
    for (path, item) in api.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        let item_at = pointer::join("/paths", path);
        let shared = match resolve_parameters(name, &components, &item.parameters, &format!("{item_at}/parameters")) {
            Ok(shared) => shared,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        let mut renamed = false;
        let operations = crate::validate::operation_slots(item);
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let at = pointer::join(&item_at, method);
            let id = operation.operation_id.clone().unwrap_or_default();
            // progenitor names the method, and the builder struct, after the snake_cased id.
            let method_name = id.to_snake_case();
            if let Some((first_id, first_at)) = method_names.get(&method_name) {
                errors.push(Error::at(
                    Stage::Validate,
                    name,
                    format!("{at}/operationId"),
                    format!(
                        "operationId `{id}` and `{first_id}` (at {first_at}) both become the method `{method_name}`"
                    ),
                ));
                continue;
            }
            method_names.insert(method_name, (id.clone(), at.clone()));
            let mut context = Context {
                name,
                components: &components,
                warnings,
                wire_names: &mut wire_names,
                next_placeholder: &mut next_placeholder,
                hoisted: &mut hoisted,
            };
            // Every operation is adapted, and every failure reported at once, so that the
            // degradation ladder gives them all up in one step (see `crate::degrade`).
            let adapted = context
                .parameters(operation, &shared, &at, &id)
                .and_then(|r| context.request_body(operation, &at).map(|()| r))
                .and_then(|r| context.responses(operation, &id, &at).map(|()| r));
            match adapted {
                Ok(r) => renamed |= r,
                Err(error) => errors.push(error),
            }
        }
        // Each operation now lists every parameter it takes; progenitor would merge the path
        // item's back by wire name, and a renamed one would then appear twice.
        if renamed {
            item.parameters.clear();
        }
    }
    if let Some(error) = Error::merge(errors) {
        return Err(error);
    }
    if !hoisted.is_empty() {
        let schemas = &mut api.components.get_or_insert_with(Default::default).schemas;
        schemas.extend(hoisted);
    }
    if !wire_names.is_empty()
        && let serde_json::Value::Object(table) = api
            .extensions
            .entry(WIRE_NAMES.to_owned())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()))
    {
        table.extend(wire_names.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))));
    }
    Ok(())
}

struct Context<'a> {
    name: &'a str,
    components: &'a Option<Components>,
    warnings: &'a mut Vec<Warning>,
    /// Renamed parameters: placeholder → wire name (see [`WIRE_NAMES`]).
    wire_names: &'a mut Vec<(String, String)>,
    next_placeholder: &'a mut usize,
    /// Inline schemas of object query parameters, moved to components so that the stand-in
    /// can name their type.
    hoisted: &'a mut Vec<(String, ReferenceOr<Schema>)>,
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
    /// wire, then names builder fields after the snake_cased name. Names that collide get
    /// distinct Rust names ([`distinct_names`], qualified by location); kinds it does not
    /// support make it refuse the whole document without a location. Returns whether a
    /// parameter was renamed.
    fn parameters(
        &mut self,
        operation: &mut Operation,
        shared: &[(Parameter, String)],
        at: &str,
        id: &str,
    ) -> Result<bool> {
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

        let mut kept: Vec<(Parameter, String)> = Vec::new();
        for (mut parameter, param_at) in merged {
            let object = match &parameter.parameter_data_ref().format {
                ParameterSchemaOrContent::Schema(schema) => is_object_schema(self.components, schema),
                ParameterSchemaOrContent::Content(_) => false,
            };
            let data = parameter.parameter_data_ref();
            let unsupported = match &parameter {
                Parameter::Cookie { .. } => Some("cookie parameters are not supported".to_owned()),
                // An object sent unexploded (`name=k1,v1,k2,v2`) has no Rust form here.
                Parameter::Query {
                    style: QueryStyle::Form,
                    ..
                } if object && data.explode == Some(false) => {
                    Some("object query parameters with `explode: false` are not supported".to_owned())
                }
                Parameter::Query {
                    style: QueryStyle::DeepObject,
                    ..
                } => None,
                Parameter::Query { style, .. } if *style != QueryStyle::Form => Some(format!(
                    "query parameters of style `{}` are not supported",
                    query_style(style)
                )),
                Parameter::Path { style, .. } if *style != PathStyle::Simple => {
                    Some("path parameters of a style other than `simple` are not supported".to_owned())
                }
                Parameter::Path { .. } | Parameter::Header { .. } if object => {
                    Some("path and header parameters must be scalars or arrays, not objects".to_owned())
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
            if let Some((_, first_at)) = kept.iter().find(|(k, _)| {
                k.parameter_data_ref().name == parameter.parameter_data_ref().name && same_place(k, &parameter)
            }) {
                return Err(self.error(
                    param_at.clone(),
                    format!(
                        "parameter `{}` is declared twice, at {first_at} and here",
                        parameter.parameter_data_ref().name
                    ),
                ));
            }
            self.flatten_nullable(&mut parameter);
            kept.push((parameter, param_at));
        }

        // Path parameters first: they keep their names (the path template uses them).
        kept.sort_by_key(|(p, _)| !matches!(p, Parameter::Path { .. }));
        let wires: Vec<(String, Option<&str>)> = kept
            .iter()
            .map(|(p, _)| (p.parameter_data_ref().name.clone(), Some(location(p))))
            .collect();
        let chosen = distinct_names(&wires);
        let mut renamed = false;
        for ((parameter, param_at), rust) in kept.iter_mut().zip(chosen) {
            let deep = matches!(
                parameter,
                Parameter::Query {
                    style: QueryStyle::DeepObject,
                    ..
                }
            );
            if rust.is_none() && !deep {
                continue;
            }
            if matches!(parameter, Parameter::Path { .. }) {
                let wire = parameter.parameter_data_ref().name.clone();
                return Err(self.error(
                    param_at.clone(),
                    format!("path parameter `{wire}` has the same Rust name as another path parameter"),
                ));
            }
            let wire = parameter.parameter_data_ref().name.clone();
            let rust = rust.unwrap_or_else(|| rust_name(&wire, false));
            let marker = if deep { DEEP_PLACEHOLDER } else { PLACEHOLDER };
            let holder = placeholder(&rust, marker, *self.next_placeholder);
            *self.next_placeholder += 1;
            self.wire_names.push((holder.clone(), wire));
            renamed = true;
            match parameter {
                Parameter::Query {
                    parameter_data, style, ..
                } => {
                    // progenitor only knows `form`; the generate stage sends it as `deepObject`.
                    *style = QueryStyle::Form;
                    parameter_data.name = holder;
                }
                Parameter::Header { parameter_data, .. }
                | Parameter::Path { parameter_data, .. }
                | Parameter::Cookie { parameter_data, .. } => {
                    parameter_data.name = holder;
                }
            }
        }

        for (parameter, _) in &mut kept {
            if let Parameter::Query { parameter_data, .. } = parameter {
                self.stand_in(parameter_data, id);
            }
        }

        let body_field = kept
            .iter()
            .find(|(p, _)| rust_name(&p.parameter_data_ref().name, false) == "body");
        if let (Some((_, body_at)), Some(_)) = (body_field, &operation.request_body) {
            return Err(self.error(
                body_at.clone(),
                "a parameter named `body` clashes with the request body's argument",
            ));
        }
        // Resolved and merged here, so progenitor sees exactly the parameters checked above.
        operation.parameters = kept.into_iter().map(|(p, _)| ReferenceOr::Item(p)).collect();
        Ok(renamed)
    }

    /// progenitor cannot take a query parameter typed as a struct (it panics on the struct's
    /// builder). It gets, instead, a one-value string enum with a unique name; the generate
    /// stage removes that enum and puts the struct's name in its place, recorded here as
    /// `x-generator-stand-ins` in the schema (stand-in → struct). An inline struct moves to
    /// the components, named `{OperationId}{Parameter}`, so that it has a name to put there.
    fn stand_in(&mut self, data: &mut openapiv3::ParameterData, id: &str) {
        let ParameterSchemaOrContent::Schema(schema) = &mut data.format else {
            return;
        };
        let Ok(resolved) = resolve(self.components, schema, |c, k| c.schemas.get(k), "") else {
            return;
        };
        let SchemaKind::Type(Type::Object(object)) = &resolved.schema_kind else {
            return;
        };
        if object.properties.is_empty() {
            // A map: typify gives it no builder, and progenitor takes it as it is.
            return;
        }
        let real = match &*schema {
            ReferenceOr::Reference { reference } => match reference.strip_prefix("#/components/schemas/") {
                Some(component) => rust_name(&pointer::unescape(component), true),
                None => return,
            },
            ReferenceOr::Item(item) => {
                let mut item = item.clone();
                item.schema_data.nullable = false;
                let taken = |n: &str| {
                    self.components
                        .as_ref()
                        .is_some_and(|c| c.schemas.keys().any(|k| rust_name(k, true) == n))
                        || self.hoisted.iter().any(|(k, _)| k == n)
                };
                let base = rust_name(&format!("{id}-{}", data.name), true);
                let name = std::iter::once(base.clone())
                    .chain((2..).map(|n| format!("{base}{n}")))
                    .find(|n| !taken(n))
                    .unwrap_or(base);
                self.hoisted.push((name.clone(), ReferenceOr::Item(item)));
                name
            }
        };
        let stand_in = format!("XGeneratorStandIn{}", *self.next_placeholder);
        *self.next_placeholder += 1;
        let mut schema_data = SchemaData {
            title: Some(stand_in.clone()),
            ..Default::default()
        };
        schema_data
            .extensions
            .insert(STAND_INS.to_owned(), serde_json::json!({ stand_in.clone(): real }));
        *schema = ReferenceOr::Item(Schema {
            schema_data,
            schema_kind: SchemaKind::Type(Type::String(StringType {
                enumeration: vec![Some(stand_in)],
                ..Default::default()
            })),
        });
    }

    /// An optional header or a path parameter that may be `null`: progenitor would type it
    /// `Option<Option<T>>`, which has no `Display` to put in the request. A null header is
    /// sent like an absent one (not at all), so the schema loses `nullable`.
    fn flatten_nullable(&self, parameter: &mut Parameter) {
        let (Parameter::Header { parameter_data, .. } | Parameter::Path { parameter_data, .. }) = parameter else {
            return;
        };
        let ParameterSchemaOrContent::Schema(schema) = &mut parameter_data.format else {
            return;
        };
        let Ok(resolved) = resolve(self.components, schema, |c, k| c.schemas.get(k), "") else {
            return;
        };
        if resolved.schema_data.nullable {
            let mut copy = resolved.clone();
            copy.schema_data.nullable = false;
            *schema = ReferenceOr::Item(copy);
        }
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

/// Where a parameter goes, as OpenAPI's `in` names it.
fn location(parameter: &Parameter) -> &'static str {
    match parameter {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// Whether `schema` (following component references) is an object or a map.
fn is_object_schema(components: &Option<Components>, schema: &ReferenceOr<Schema>) -> bool {
    resolve(components, schema, |c, k| c.schemas.get(k), "")
        .is_ok_and(|s| matches!(s.schema_kind, SchemaKind::Type(Type::Object(_))))
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

/// Where the tree pass records the Rust names it chose for wire names (the document's
/// extension `x-generator-wire-names`: placeholder → wire name). progenitor and typify name
/// fields and arguments after the name they read, so a collision is resolved by handing them a
/// placeholder that converts to the chosen Rust name, and [`crate::generate`] puts the wire
/// name back into every string the generated code sends or matches.
pub const WIRE_NAMES: &str = "x-generator-wire-names";

/// The schema extension that names the struct a query parameter's stand-in enum stands for
/// (see `Context::stand_in`).
pub const STAND_INS: &str = "x-generator-stand-ins";

/// Marks a placeholder. Control characters are never part of an identifier, so the
/// generators drop them when converting the placeholder to a Rust name, and no real name
/// contains them.
pub const PLACEHOLDER: char = '\u{1f}';
/// Marks a placeholder for a `deepObject` query parameter, sent as `name[key]=value`.
pub const DEEP_PLACEHOLDER: char = '\u{1e}';

/// The placeholder for the `index`-th rename: `rust_name` followed by a marker and the index
/// spelled with control characters (so that it vanishes, too, from the converted name).
pub fn placeholder(rust_name: &str, marker: char, index: usize) -> String {
    let digits: String = index
        .to_string()
        .chars()
        .filter_map(|d| d.to_digit(10).and_then(|d| char::from_u32(0x10 + d)))
        .collect();
    format!("{rust_name}{marker}{digits}")
}

/// How progenitor and typify turn a wire name into a Rust identifier (`sanitize` in both):
/// apostrophes dropped, other non-identifier characters as word breaks, then the case.
pub fn rust_name(wire: &str, pascal: bool) -> String {
    use heck::{ToPascalCase, ToSnakeCase};
    let cleaned = match wire {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => wire
            .replace('\'', "")
            .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-"),
    };
    let out = if pascal {
        cleaned.to_pascal_case()
    } else {
        cleaned.to_snake_case()
    };
    match out.chars().next() {
        None => if pascal { "X" } else { "x" }.to_owned(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("_{out}"),
    }
}

/// Comparison and negation operators spelled out, for names such as `StartTime<`, which
/// otherwise lose the only characters that tell them from `StartTime`.
fn spelled(wire: &str) -> String {
    let mut out = wire.to_owned();
    for (symbol, word) in [
        ("<=", "_lte"),
        (">=", "_gte"),
        ("!=", "_ne"),
        ("<", "_lt"),
        (">", "_gt"),
        ("=", "_eq"),
        ("!", "_not"),
        ("~", "_tilde"),
        ("*", "_star"),
        ("+", "_plus"),
        ("@", "_at"),
        ("$", "_dollar"),
        ("%", "_percent"),
        ("&", "_and"),
        ("|", "_or"),
        ("#", "_hash"),
    ] {
        out = out.replace(symbol, word);
    }
    out
}

/// Chooses distinct Rust names for `wires` (in document order). The rule, the same for the
/// properties of one object and the parameters of one operation:
///
/// 1. a name whose Rust form is unique keeps it;
/// 2. among those sharing a Rust form, the one already spelled that way (`is_global`) keeps
///    it, else the first in `wires` order (parameters: path ones first, then as declared;
///    properties: sorted by wire name);
/// 3. each other one takes its name with operators spelled out (`StartTime<` →
///    `start_time_lt`), if that is free;
/// 4. else, when its `qualifier` (a parameter's location) differs from the keeper's, the
///    name with it (`id_query`), if that is free;
/// 5. else the first free `NAME_2`, `NAME_3`, ...
///
/// Returns, for each wire name, the Rust name when it differs from the natural one.
pub fn distinct_names(wires: &[(String, Option<&str>)]) -> Vec<Option<String>> {
    let natural: Vec<String> = wires.iter().map(|(w, _)| rust_name(w, false)).collect();
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut keeper: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, name) in natural.iter().enumerate() {
        let exact = wires[i].0 == *name;
        match keeper.get(name.as_str()) {
            Some(&k) if !(exact && wires[k].0 != natural[k]) => {}
            _ => {
                keeper.insert(name, i);
            }
        }
    }
    taken.extend(natural.iter().cloned());
    let mut out = vec![None; wires.len()];
    for (i, name) in natural.iter().enumerate() {
        if keeper.get(name.as_str()) == Some(&i) {
            continue;
        }
        let spelled = rust_name(&spelled(&wires[i].0), false);
        let keeper_place = keeper.get(name.as_str()).and_then(|&k| wires[k].1);
        let qualified = wires[i]
            .1
            .filter(|q| Some(*q) != keeper_place)
            .map(|q| format!("{name}_{q}"));
        let chosen = if spelled != *name && !taken.contains(&spelled) {
            spelled
        } else if let Some(q) = qualified.filter(|q| !taken.contains(q)) {
            q
        } else {
            (2..)
                .map(|n| format!("{name}_{n}"))
                .find(|c| !taken.contains(c))
                .unwrap_or_default()
        };
        taken.insert(chosen.clone());
        out[i] = Some(chosen);
    }
    out
}

/// Adds `placeholder → wire` to the document's rename table.
fn record_wire_name(extensions: &mut serde_json::Map<String, serde_json::Value>, placeholder: &str, wire: &str) {
    if let serde_json::Value::Object(table) = extensions
        .entry(WIRE_NAMES)
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()))
    {
        table.insert(placeholder.to_owned(), serde_json::Value::String(wire.to_owned()));
    }
}

/// How many renames the table holds: the next placeholder's index.
fn wire_name_count(extensions: &serde_json::Map<String, serde_json::Value>) -> usize {
    extensions
        .get(WIRE_NAMES)
        .and_then(serde_json::Value::as_object)
        .map_or(0, serde_json::Map::len)
}

/// The reshaping done on the JSON tree, before the typed view exists: what has to change
/// names or references throughout the document.
///
/// - an operation without an `operationId` is named after its method and path (warning);
/// - a `$ref` to a node inside a component (`#/components/parameters/X/schema`) is replaced
///   by a copy of that node, which progenitor and typify cannot look up;
/// - titles that name two different inline schemas, or a component, are dropped;
/// - an inline schema whose derived type name is a component's gets a title of its own;
/// - object properties whose Rust field names collide are renamed (see [`distinct_names`]).
pub fn prepare_tree(spec: &mut serde_json::Value, warnings: &mut Vec<Warning>) {
    if !spec.is_object() {
        return;
    }
    name_anonymous_operations(spec, warnings);
    inline_part_references(spec);
    drop_colliding_titles(spec);
    drop_shared_titles(spec);
    title_inline_types_named_like_components(spec);
    rename_colliding_properties(spec);
    nullable_at_references(spec);
    distinct_component_names(spec, warnings);
}

/// Component schemas whose names differ only in case or punctuation (`NullTime`,
/// `nullTime`) would give typify two types of one name: the one already spelled as its type
/// (else the first) keeps its name, each other one is renamed `nullTime2`, `nullTime3`, ...
/// (the first whose type name is free), and every reference follows. Names on the wire do
/// not change: a component's name never travels.
fn distinct_component_names(spec: &mut serde_json::Value, warnings: &mut Vec<Warning>) {
    use heck::ToPascalCase;
    use serde_json::Value;
    let Some(Value::Object(schemas)) = spec.pointer("/components/schemas") else {
        return;
    };
    let mut by_type: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for name in schemas.keys() {
        by_type.entry(name.to_pascal_case()).or_default().push(name);
    }
    if by_type.values().all(|names| names.len() == 1) {
        return;
    }
    let mut taken: std::collections::BTreeSet<String> = by_type.keys().cloned().collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    for (type_name, names) in &by_type {
        if names.len() < 2 {
            continue;
        }
        let keeper = names.iter().position(|n| *n == type_name).unwrap_or(0);
        for (i, name) in names.iter().enumerate() {
            if i == keeper {
                continue;
            }
            let renamed = (2..)
                .map(|n| format!("{name}{n}"))
                .find(|c| !taken.contains(&c.to_pascal_case()) && !schemas.contains_key(c))
                .unwrap_or_default();
            taken.insert(renamed.to_pascal_case());
            renames.push(((*name).clone(), renamed));
        }
    }
    for (from, to) in &renames {
        warnings.push(Warning {
            pointer: pointer::join("/components/schemas", from),
            message: format!(
                "the schema `{from}` would give the same Rust type as `{}`; its type is `{}`",
                from.to_pascal_case(),
                to.to_pascal_case()
            ),
        });
    }
    let moves: BTreeMap<String, String> = renames
        .iter()
        .map(|(from, to)| {
            (
                format!("#/components/schemas/{}", pointer::escape(from)),
                format!("#/components/schemas/{}", pointer::escape(to)),
            )
        })
        .collect();
    fn follow(node: &mut Value, moves: &BTreeMap<String, String>) {
        let moved = |reference: &str| {
            moves.iter().find_map(|(from, to)| {
                let rest = reference.strip_prefix(from.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then(|| format!("{to}{rest}"))
            })
        };
        match node {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    match value {
                        // `$ref`, and a discriminator's `mapping` values.
                        Value::String(reference) if key == "$ref" || reference.starts_with("#/components/schemas/") => {
                            if let Some(to) = moved(reference) {
                                *reference = to;
                            }
                        }
                        other => follow(other, moves),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| follow(item, moves)),
            _ => {}
        }
    }
    follow(spec, &moves);
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        for (from, to) in renames {
            if let Some(schema) = schemas.remove(&from) {
                schemas.insert(to, schema);
            }
        }
    }
}

/// A component schema that may be `null` and is a composition (`oneOf`, `anyOf`, an
/// `allOf` other than of one reference) becomes non-nullable, and every reference to it nullable
/// (`{allOf: [{$ref}], nullable: true}`): typify would otherwise emit a newtype
/// `N(Option<N>)` beside the composition's own type `N`, two items of one name. The client
/// reads and sends the same values: a field of that type is an `Option`.
fn nullable_at_references(spec: &mut serde_json::Value) {
    use serde_json::Value;
    let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") else {
        return;
    };
    let mut moved = std::collections::BTreeSet::new();
    for (name, schema) in schemas.iter_mut() {
        let Value::Object(map) = schema else { continue };
        // `allOf: [{$ref}]` alone is the one composition typify names apart (`Option<Named>`).
        let lone_reference = |parts: &Vec<Value>| matches!(parts.as_slice(), [only] if only.as_object().is_some_and(|o| o.len() == 1 && o.contains_key("$ref")));
        let composite = map.contains_key("oneOf")
            || map.contains_key("anyOf")
            || map
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|parts| !lone_reference(parts));
        if composite && map.get("nullable") == Some(&Value::Bool(true)) {
            map.remove("nullable");
            moved.insert(format!("#/components/schemas/{}", pointer::escape(name)));
        }
    }
    if moved.is_empty() {
        return;
    }
    // Found first, changed after: the visitor walks into what it would insert.
    let mut sites = Vec::new();
    for_each_schema(spec, &mut |map, at, _| {
        if let Some(Value::String(reference)) = map.get("$ref")
            && moved.contains(reference)
        {
            sites.push(at.to_owned());
        }
    });
    for at in sites {
        if let Some(Value::Object(map)) = spec.pointer_mut(&at)
            && let Some(reference) = map.remove("$ref")
        {
            map.insert(
                "allOf".to_owned(),
                Value::Array(vec![serde_json::json!({ "$ref": reference })]),
            );
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
    }
}

/// `get` + `/users/{id}/repos` → `get_users_id_repos`; `_2`, `_3`, ... when taken.
fn name_anonymous_operations(spec: &mut serde_json::Value, warnings: &mut Vec<Warning>) {
    use serde_json::Value;
    let Some(Value::Object(paths)) = spec.get_mut("paths") else {
        return;
    };
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for item in paths.values() {
        for method in crate::validate::METHODS {
            if let Some(Value::String(id)) = item.get(*method).and_then(|op| op.get("operationId")) {
                taken.insert(id.to_snake_case());
            }
        }
    }
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for method in crate::validate::METHODS {
            let Some(Value::Object(operation)) = item.get_mut(*method) else {
                continue;
            };
            if operation.contains_key("operationId") {
                continue;
            }
            let base = format!("{method} {path}").to_snake_case();
            let base = if base.is_empty() { (*method).to_owned() } else { base };
            let id = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}_{n}")))
                .find(|c| !taken.contains(c))
                .unwrap_or(base);
            taken.insert(id.clone());
            warnings.push(Warning {
                pointer: pointer::join(&pointer::join("/paths", path), method),
                message: format!(
                    "{} {path} has no `operationId`: its method is named `{id}`, after the method and path",
                    method.to_uppercase()
                ),
            });
            operation.insert("operationId".into(), Value::String(id));
        }
    }
}

/// Replaces references to parts of components (or of paths) by copies of their targets.
/// A copy may itself hold such references: a few passes settle chains; what is left after
/// them (a part that contains a reference to itself) stays, for validate to refuse.
fn inline_part_references(spec: &mut serde_json::Value) {
    use serde_json::Value;
    fn walk(value: &mut Value, root: &Value, changed: &mut bool) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref")
                    && let Some(target) = reference.strip_prefix('#')
                    && !target.is_empty()
                    && !crate::validate::whole_component(target)
                    && let Some(found) = root.pointer(target)
                    && found.is_object()
                {
                    *value = found.clone();
                    *changed = true;
                    return;
                }
                for (key, child) in map.iter_mut() {
                    if !(key == "example" || key == "examples" || key.starts_with("x-")) {
                        walk(child, root, changed);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, root, changed)),
            _ => {}
        }
    }
    /// Whether any reference below `value` points inside a part: most documents have none,
    /// and they should not pay for a copy of the whole tree.
    fn any(value: &Value, root: &Value) -> bool {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref")
                    && let Some(target) = reference.strip_prefix('#')
                    && !target.is_empty()
                    && !crate::validate::whole_component(target)
                    && root.pointer(target).is_some_and(Value::is_object)
                {
                    return true;
                }
                map.iter().any(|(key, child)| {
                    !(key == "example" || key == "examples" || key.starts_with("x-")) && any(child, root)
                })
            }
            Value::Array(items) => items.iter().any(|item| any(item, root)),
            _ => false,
        }
    }
    for _ in 0..4 {
        let found = ["paths", "components"]
            .iter()
            .any(|section| spec.get(*section).is_some_and(|v| any(v, spec)));
        if !found {
            break;
        }
        let root = spec.clone();
        let mut changed = false;
        for section in ["paths", "components"] {
            if let Some(value) = spec.get_mut(section) {
                walk(value, &root, &mut changed);
            }
        }
        if !changed {
            break;
        }
    }
}

/// What [`for_each_schema`] calls: the schema, its pointer, whether it is a component's root.
pub(crate) type SchemaVisitor<'a> = dyn FnMut(&mut serde_json::Map<String, serde_json::Value>, &str, bool) + 'a;

/// Visits every schema object under `paths` and `components` (through the keywords that hold
/// subschemas), with its pointer and whether it is a component's root.
pub(crate) fn for_each_schema(spec: &mut serde_json::Value, visit: &mut SchemaVisitor<'_>) {
    use crate::normalize::{SUBSCHEMA, SUBSCHEMA_LIST, SUBSCHEMA_MAP};
    use serde_json::Value;
    fn schema(value: &mut Value, at: &mut String, root: bool, visit: &mut SchemaVisitor<'_>) {
        let Value::Object(map) = value else { return };
        visit(map, at, root);
        for (key, child) in map.iter_mut() {
            let len = at.len();
            at.push('/');
            at.push_str(&pointer::escape(key));
            if SUBSCHEMA.contains(&key.as_str()) {
                schema(child, at, false, visit);
            } else if SUBSCHEMA_LIST.contains(&key.as_str()) {
                if let Value::Array(items) = child {
                    for (i, item) in items.iter_mut().enumerate() {
                        let len = at.len();
                        at.push_str(&format!("/{i}"));
                        schema(item, at, false, visit);
                        at.truncate(len);
                    }
                }
            } else if SUBSCHEMA_MAP.contains(&key.as_str())
                && let Value::Object(entries) = child
            {
                for (name, item) in entries.iter_mut() {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&pointer::escape(name));
                    schema(item, at, false, visit);
                    at.truncate(len);
                }
            }
            at.truncate(len);
        }
    }
    fn document(value: &mut Value, at: &mut String, visit: &mut SchemaVisitor<'_>) {
        match value {
            Value::Object(map) => {
                let in_schemas = at == "/components/schemas";
                for (key, child) in map.iter_mut() {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&pointer::escape(key));
                    if in_schemas || key == "schema" {
                        schema(child, at, in_schemas, visit);
                    } else if !(key == "example" || key == "examples" || key == "default" || key.starts_with("x-")) {
                        document(child, at, visit);
                    }
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    document(child, at, visit);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    for section in ["paths", "components"] {
        if let Some(value) = spec.get_mut(section) {
            let mut at = format!("/{section}");
            document(value, &mut at, visit);
        }
    }
}

/// typify names an inline schema after its `title`; two different schemas with one title
/// become two types of one name (OpenAI's spec titles every `const` property `Type`). Such
/// titles only name things, so they are dropped and typify derives distinct names from
/// where each schema sits.
fn drop_shared_titles(spec: &mut serde_json::Value) {
    use heck::ToPascalCase;
    // Pointers first, shapes compared only for titles used more than once: copying every
    // titled schema would cost large documents more than the rest of this pass.
    let mut by_title: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for_each_schema(spec, &mut |map, at, root| {
        if let (false, Some(serde_json::Value::String(title))) = (root, map.get("title")) {
            by_title.entry(title.to_pascal_case()).or_default().push(at.to_owned());
        }
    });
    by_title.retain(|_, places| {
        let mut shapes: Vec<&serde_json::Value> = Vec::new();
        for place in places.iter() {
            if let Some(shape) = spec.pointer(place)
                && !shapes.contains(&shape)
            {
                shapes.push(shape);
            }
        }
        shapes.len() > 1
    });
    if by_title.is_empty() {
        return;
    }
    for_each_schema(spec, &mut |map, _, root| {
        if !root
            && let Some(serde_json::Value::String(title)) = map.get("title")
            && by_title.contains_key(&title.to_pascal_case())
        {
            map.remove("title");
        }
    });
}

/// typify names a component's inline property schema `{Component}{Property}`; when that is
/// another component's name (`Classification.$template` and `ClassificationTemplate`), both
/// types are emitted under one name. The inline one gets a title that names it
/// `{Component}{Property}Inline` (or `...Inline2`, ...), which typify uses instead.
fn title_inline_types_named_like_components(spec: &mut serde_json::Value) {
    use serde_json::Value;
    let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") else {
        return;
    };
    let mut names: std::collections::BTreeSet<String> = schemas.keys().map(|k| rust_name(k, true)).collect();
    let folds: std::collections::BTreeSet<String> = names.iter().map(|n| fold(n)).collect();
    // Converting every property's name costs large documents more than the rest of the
    // pass; a derived name is computed only where its folded form is a component's, or
    // where it names the parent of deeper inline schemas.
    fn walk(
        map: &mut serde_json::Map<String, Value>,
        base: &str,
        names: &mut std::collections::BTreeSet<String>,
        folds: &std::collections::BTreeSet<String>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        let Some(Value::Object(properties)) = map.get_mut("properties") else {
            return;
        };
        let base_fold = fold(base);
        for (property, schema) in properties.iter_mut() {
            let Value::Object(schema) = schema else { continue };
            if schema.contains_key("$ref") {
                continue;
            }
            let nested = schema.get("properties").is_some_and(Value::is_object);
            let titled = schema.get("title").and_then(Value::as_str).map(|t| rust_name(t, true));
            let may_collide = titled.is_none() && folds.contains(&format!("{base_fold}{}", fold(property)));
            if !nested && !may_collide {
                continue;
            }
            let derived = || rust_name(&format!("{base}_{}", property.to_snake_case()), true);
            let own = match titled {
                Some(title) => title,
                None => {
                    let derived = derived();
                    if may_collide && names.contains(&derived) {
                        let title = std::iter::once(format!("{derived}Inline"))
                            .chain((2..).map(|n| format!("{derived}Inline{n}")))
                            .find(|c| !names.contains(c))
                            .unwrap_or_default();
                        names.insert(title.clone());
                        schema.insert("title".into(), Value::String(title.clone()));
                        // A nullable `allOf` of one inline schema is that schema's type.
                        if let Some(Value::Array(all_of)) = schema.get_mut("allOf")
                            && let [Value::Object(only)] = all_of.as_mut_slice()
                            && !only.contains_key("$ref")
                            && !only.contains_key("title")
                        {
                            only.insert("title".into(), Value::String(title.clone()));
                        }
                        title
                    } else {
                        derived
                    }
                }
            };
            if nested {
                walk(schema, &own, names, folds, depth + 1);
            }
        }
    }
    let keys: Vec<String> = schemas.keys().cloned().collect();
    for key in keys {
        if let Some(Value::Object(schema)) = schemas.get_mut(&key) {
            walk(schema, &rust_name(&key, true), &mut names, &folds, 0);
        }
    }
}

/// A name reduced to its lowercased letters and digits: two names whose Rust forms are equal
/// fold equally, and folding is much cheaper than converting, so it screens candidates.
fn fold(name: &str) -> String {
    match name {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => name
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect(),
    }
}

/// Properties of one object whose Rust field names collide (`isGlobal`, `is_global`) are
/// renamed with placeholders ([`distinct_names`] chooses the names), in `properties` and in
/// `required`; the generated field keeps its wire name through a serde rename.
fn rename_colliding_properties(spec: &mut serde_json::Value) {
    use serde_json::Value;
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut index = spec.as_object().map_or(0, wire_name_count);
    for_each_schema(spec, &mut |map, _, _| {
        let Some(Value::Object(properties)) = map.get("properties") else {
            return;
        };
        // typify keeps the members an object's `additionalProperties` allows in a field of
        // its own, `extra`: a property of that Rust name is renamed as if `extra` came first.
        let catch_all = !matches!(map.get("additionalProperties"), None | Some(Value::Bool(false)));
        let reserved = usize::from(catch_all && properties.keys().any(|k| fold(k) == "extra"));
        let mut seen = std::collections::BTreeSet::new();
        if reserved == 0 && properties.keys().all(|k| seen.insert(fold(k))) {
            return;
        }
        let wires: Vec<(String, Option<&str>)> = std::iter::repeat_n("extra".to_owned(), reserved)
            .chain(properties.keys().cloned())
            .map(|k| (k, None))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        if wires.iter().all(|(w, _)| seen.insert(rust_name(w, false))) {
            return;
        }
        let chosen = distinct_names(&wires);
        let mut mapping: BTreeMap<String, String> = BTreeMap::new();
        for ((wire, _), rust) in wires.iter().zip(chosen).skip(reserved) {
            if let Some(rust) = rust {
                let holder = placeholder(&rust, PLACEHOLDER, index);
                index += 1;
                renames.push((holder.clone(), wire.clone()));
                mapping.insert(wire.clone(), holder);
            }
        }
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            let renamed: serde_json::Map<String, Value> = std::mem::take(properties)
                .into_iter()
                .map(|(k, v)| (mapping.get(&k).cloned().unwrap_or(k), v))
                .collect();
            *properties = renamed;
        }
        if let Some(Value::Array(required)) = map.get_mut("required") {
            for entry in required.iter_mut() {
                if let Some(holder) = entry.as_str().and_then(|r| mapping.get(r)) {
                    *entry = Value::String(holder.clone());
                }
            }
        }
    });
    if let Some(root) = spec.as_object_mut() {
        for (holder, wire) in renames {
            record_wire_name(root, &holder, &wire);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(wires: &[(&str, Option<&'static str>)]) -> Vec<String> {
        let wires: Vec<(String, Option<&str>)> = wires.iter().map(|(w, q)| ((*w).to_owned(), *q)).collect();
        distinct_names(&wires)
            .into_iter()
            .zip(&wires)
            .map(|(chosen, (wire, _))| chosen.unwrap_or_else(|| rust_name(wire, false)))
            .collect()
    }

    #[test]
    fn the_rename_rule_is_the_documented_one() {
        // Unique names are left alone.
        assert_eq!(names(&[("userId", None), ("name", None)]), ["user_id", "name"]);
        // The name already spelled the Rust way keeps it, whatever its position.
        assert_eq!(
            names(&[("isGlobal", None), ("is_global", None)]),
            ["is_global_2", "is_global"]
        );
        // Operators are spelled out.
        assert_eq!(
            names(&[("StartTime", None), ("StartTime<", None), ("StartTime>=", None)]),
            ["start_time", "start_time_lt", "start_time_gte"]
        );
        // A location tells parameters apart only when it differs from the keeper's.
        assert_eq!(
            names(&[("id", Some("path")), ("id", Some("query")), ("ID", Some("path"))]),
            ["id", "id_query", "id_2"]
        );
    }

    #[test]
    fn placeholders_convert_to_the_chosen_name_and_are_unique() {
        let a = placeholder("is_global_2", PLACEHOLDER, 0);
        let b = placeholder("is_global_2", PLACEHOLDER, 10);
        assert_ne!(a, b);
        assert_eq!(rust_name(&a, false), "is_global_2");
        assert_eq!(rust_name(&b, false), "is_global_2");
        assert_eq!(rust_name(&format!("Op-{b}"), true), "OpIsGlobal2");
    }

    fn prepared(mut spec: serde_json::Value) -> (serde_json::Value, Vec<Warning>) {
        let mut warnings = Vec::new();
        prepare_tree(&mut spec, &mut warnings);
        (spec, warnings)
    }

    #[test]
    fn operations_without_an_id_are_named_after_method_and_path() {
        let (spec, warnings) = prepared(json!({"paths": {
            "/a/{id}": {"get": {"responses": {}}, "put": {"operationId": "get_a_id", "responses": {}}}
        }}));
        // `get_a_id` is taken by the `put`, so the `get` is the second of that name.
        assert_eq!(spec["paths"]["/a/{id}"]["get"]["operationId"], "get_a_id_2");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].pointer, "/paths/~1a~1{id}/get");
    }

    #[test]
    fn references_into_component_parts_are_inlined() {
        let (spec, _) = prepared(json!({"paths": {}, "components": {
            "parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "string", "enum": ["a"]}}},
            "schemas": {"S": {"type": "object", "properties": {"p": {"$ref": "#/components/parameters/P/schema"}}}}
        }}));
        assert_eq!(
            spec["components"]["schemas"]["S"]["properties"]["p"],
            json!({"type": "string", "enum": ["a"]})
        );
    }

    #[test]
    fn shared_titles_are_dropped_and_colliding_derived_names_get_a_title() {
        let (spec, _) = prepared(json!({"paths": {}, "components": {"schemas": {
            "A": {"type": "object", "properties": {"t": {"type": "string", "enum": ["a"], "title": "T"}}},
            "B": {"type": "object", "properties": {"t": {"type": "string", "enum": ["b"], "title": "T"}}},
            "C": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["x"]}}},
            "CKind": {"type": "object"}
        }}}));
        let schemas = &spec["components"]["schemas"];
        assert!(schemas["A"]["properties"]["t"].get("title").is_none());
        assert!(schemas["B"]["properties"]["t"].get("title").is_none());
        assert_eq!(schemas["C"]["properties"]["kind"]["title"], "CKindInline");
    }

    #[test]
    fn colliding_properties_are_renamed_in_properties_and_required() {
        let (spec, _) = prepared(json!({"paths": {}, "components": {"schemas": {
            "M": {"type": "object", "required": ["isGlobal"], "properties": {"isGlobal": {}, "is_global": {}}}
        }}}));
        let holder = placeholder("is_global_2", PLACEHOLDER, 0);
        let m = &spec["components"]["schemas"]["M"];
        assert!(m["properties"].get(&holder).is_some() && m["properties"].get("is_global").is_some());
        assert_eq!(m["required"], json!([holder.clone()]));
        assert_eq!(spec[WIRE_NAMES][&holder], "isGlobal");
    }
}
