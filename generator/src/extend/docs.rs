//! Per-operation documentation: a usage example that compiles, and the error table.
//!
//! progenitor documents each operation with an example marked `ignore`. When the crate's
//! name is known, that example is replaced by one that rustdoc compiles (so a renamed
//! method or parameter breaks the docs build), calling the operation with its required
//! parameters. Every operation also gets its error table: the documented error statuses
//! with the Rust variant each becomes and its typed body, and what every other status
//! becomes. The tables name Rust items only (linked, so rustdoc checks them), never the
//! class names of another language's SDK.

use std::collections::BTreeMap;

use heck::{ToPascalCase, ToSnakeCase};
use openapiv3::{ReferenceOr, StatusCode};

use super::multipart::{self, PartKind};

/// One row of an operation's error table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    /// The error body's schema name.
    pub schema: String,
    pub statuses: Vec<String>,
}

pub fn apply(
    api: &openapiv3::OpenAPI,
    multipart: &[multipart::MultipartOperation],
    file: &mut syn::File,
    crate_name: Option<&str>,
    runtime: Option<&str>,
) {
    let operations = operations(api, multipart, crate_name);
    for (name, attrs) in operation_methods(file) {
        let Some(docs) = operations.get(&name) else { continue };
        let current = attrs.iter().find_map(doc_text).unwrap_or_default();
        attrs.retain(|a| !a.path().is_ident("doc"));
        let text = rewrite(&current, docs, runtime);
        attrs.push(super::doc_attribute(&text));
    }
}

/// Each operation method's name and attributes: the methods of the per-tag traits, or of
/// `impl Client` when the spec has no tags (progenitor's merged style).
pub(crate) fn operation_methods(file: &mut syn::File) -> Vec<(String, &mut Vec<syn::Attribute>)> {
    let mut out = Vec::new();
    for item in &mut file.items {
        match item {
            syn::Item::Trait(declaration) => {
                for member in &mut declaration.items {
                    if let syn::TraitItem::Fn(method) = member {
                        out.push((method.sig.ident.to_string(), &mut method.attrs));
                    }
                }
            }
            syn::Item::Impl(implementation)
                if implementation.trait_.is_none()
                    && super::self_type_name(implementation).as_deref() == Some("Client") =>
            {
                for member in &mut implementation.items {
                    if let syn::ImplItem::Fn(method) = member {
                        out.push((method.sig.ident.to_string(), &mut method.attrs));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// What one operation's documentation adds to progenitor's.
pub struct OperationDocs {
    /// The compiled example, when one can be written.
    pub example: Option<String>,
    /// The documented error statuses with a typed body.
    pub typed_errors: Vec<ErrorRow>,
    /// The documented error statuses without a body schema.
    pub bodiless: Vec<String>,
}

fn operations(
    api: &openapiv3::OpenAPI,
    multipart: &[multipart::MultipartOperation],
    crate_name: Option<&str>,
) -> BTreeMap<String, OperationDocs> {
    let mut out = BTreeMap::new();
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let Some(id) = &operation.operation_id else { continue };
            let method = id.to_snake_case();
            let mut typed: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut bodiless = Vec::new();
            for (status, response) in &operation.responses.responses {
                let label = match status {
                    StatusCode::Code(code) if *code >= 400 => code.to_string(),
                    StatusCode::Range(range) if *range >= 4 => format!("{range}XX"),
                    _ => continue,
                };
                match response_schema(api, response) {
                    Some(schema) => typed.entry(schema).or_default().push(label),
                    None => bodiless.push(label),
                }
            }
            let typed_errors = typed
                .into_iter()
                .map(|(schema, statuses)| ErrorRow { schema, statuses })
                .collect();
            let parts = multipart
                .iter()
                .find(|m| m.operation_id == *id)
                .map(|m| m.parts.as_slice())
                .unwrap_or(&[]);
            let example = crate_name.and_then(|krate| example(api, item, operation, &method, parts, krate));
            out.insert(
                method,
                OperationDocs {
                    example,
                    typed_errors,
                    bodiless,
                },
            );
        }
    }
    out
}

/// The name of the component a response's JSON body refers to.
fn response_schema(api: &openapiv3::OpenAPI, response: &ReferenceOr<openapiv3::Response>) -> Option<String> {
    let response = match response {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            api.components.as_ref()?.responses.get(name)?.as_item()?
        }
    };
    let (_, media) = response.content.iter().find(|(t, _)| t.contains("json"))?;
    match media.schema.as_ref()? {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(|n| n.to_pascal_case()),
        ReferenceOr::Item(_) => None,
    }
}

/// The extension naming the Rust expression a compiled example passes for a typed JSON part
/// of a multipart form (`types::DeployPayload::hosted()`; `types::` stands for the generated
/// types module). The spec cannot state a hand-written constructor, so an overlay names it.
pub const RUST_EXAMPLE: &str = "x-rust-example";

/// The part's `x-rust-example`, from the form schema's property.
fn rust_example(api: &openapiv3::OpenAPI, operation: &openapiv3::Operation, part: &str) -> Option<String> {
    let body = match operation.request_body.as_ref()? {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { .. } => return None,
    };
    let media = body.content.get(crate::generate::MULTIPART)?;
    let schema = match media.schema.as_ref()? {
        ReferenceOr::Item(schema) => schema,
        ReferenceOr::Reference { reference } => api
            .components
            .as_ref()?
            .schemas
            .get(reference.strip_prefix("#/components/schemas/")?)?
            .as_item()?,
    };
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let property = object.properties.get(part)?.as_item()?;
    property
        .schema_data
        .extensions
        .get(RUST_EXAMPLE)?
        .as_str()
        .map(str::to_owned)
}

/// A call with every required parameter, or `None` when one has no literal we can write.
fn example(
    api: &openapiv3::OpenAPI,
    item: &openapiv3::PathItem,
    operation: &openapiv3::Operation,
    method: &str,
    parts: &[multipart::FormPart],
    krate: &str,
) -> Option<String> {
    let mut calls = Vec::new();
    for parameter in item.parameters.iter().chain(&operation.parameters) {
        let parameter = crate::validate::parameter(api, parameter)?;
        let data = parameter.parameter_data_ref();
        if !data.required {
            continue;
        }
        let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return None;
        };
        let schema = match schema {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { .. } => return None,
        };
        let openapiv3::SchemaKind::Type(openapiv3::Type::String(_)) = &schema.schema_kind else {
            return None;
        };
        let value = data
            .example
            .as_ref()
            .or(schema.schema_data.example.as_ref())
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| data.name.clone());
        calls.push(format!(".{}({:?})", multipart::field_ident(&data.name), value));
    }
    if let Some(ReferenceOr::Item(body)) = &operation.request_body
        && body.required
        && !body.content.contains_key(crate::generate::MULTIPART)
    {
        return None;
    }
    for part in parts.iter().filter(|p| p.required) {
        let setter = multipart::field_ident(&part.name);
        let value = match &part.kind {
            // A typed part is written as Rust when an overlay names a constructor; parsing
            // the spec's JSON example is only the fallback for documents without one.
            PartKind::Json(Some(name)) => match rust_example(api, operation, &part.name) {
                Some(hint) => match hint.strip_prefix("types::") {
                    Some(rest) => format!("{krate}::types::{rest}"),
                    None => hint,
                },
                None => {
                    let example = part.example.as_deref()?;
                    format!("serde_json::from_str::<{krate}::types::{name}>(r#\"{example}\"#)?")
                }
            },
            PartKind::Json(None) | PartKind::Text => format!("{:?}", part.example.as_deref()?),
            PartKind::Bytes => "std::path::Path::new(\"dist/index.js\")".to_owned(),
        };
        calls.push(format!(".{setter}({value})"));
    }
    let chain: String = calls.iter().map(|c| format!("\n    {c}")).collect();
    Some(format!(
        "```no_run\n# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {krate}::prelude::*;\n\n\
         let response = client\n    .{method}(){chain}\n    .send()\n    .await?;\n\
         println!(\"{{:?}}\", response.into_inner());\n# Ok(())\n# }}\n```"
    ))
}

/// The text of a `#[doc = "..."]` attribute.
pub(crate) fn doc_text(attribute: &syn::Attribute) -> Option<String> {
    let syn::Meta::NameValue(pair) = &attribute.meta else {
        return None;
    };
    if !pair.path.is_ident("doc") {
        return None;
    }
    match &pair.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// progenitor's text with its `ignore` example replaced and the error table added.
fn rewrite(current: &str, docs: &OperationDocs, runtime: Option<&str>) -> String {
    let mut text = match (current.find("```ignore"), &docs.example) {
        (Some(start), Some(example)) => {
            let end = current[start + 3..]
                .find("```")
                .map(|e| start + 3 + e + 3)
                .unwrap_or(current.len());
            format!("{}# Example\n\n{}{}", &current[..start], example, &current[end..])
        }
        _ => current.to_owned(),
    };
    text.push_str(&error_table(docs, runtime));
    text
}

/// The `# Errors` section: for each error status, the Rust error it becomes and the body it
/// carries. The rows name Rust variants and types (never another SDK's class names), linked
/// so that rustdoc checks them. `runtime` is the runtime module's path when the client has
/// one (its `Error` replaces progenitor's).
pub fn error_table(docs: &OperationDocs, runtime: Option<&str>) -> String {
    let (documented, generic) = match runtime {
        Some(runtime) => (
            format!("[`Error::Documented`]({runtime}::Error::Documented)"),
            format!("[`Error::Status`]({runtime}::Error::Status)"),
        ),
        None => (
            "[`Error::ErrorResponse`](Error::ErrorResponse)".to_owned(),
            "[`Error::UnexpectedResponse`](Error::UnexpectedResponse)".to_owned(),
        ),
    };
    let mut text = String::from("\n\n# Errors\n\n| Status codes | Error | Body |\n|---|---|---|\n");
    for row in &docs.typed_errors {
        text.push_str(&format!(
            "| {} | {documented} | [`types::{}`](types::{}) |\n",
            row.statuses.join(", "),
            row.schema,
            row.schema
        ));
    }
    let typed: Vec<&str> = docs
        .typed_errors
        .iter()
        .flat_map(|row| row.statuses.iter().map(String::as_str))
        .collect();
    let every_status_typed = typed.contains(&"4XX") && typed.contains(&"5XX");
    let raw = if runtime.is_some() {
        "raw bytes, with the status and headers"
    } else {
        "the unread `reqwest::Response`"
    };
    if !every_status_typed {
        text.push_str(&format!("| {GENERIC_STATUSES} | {generic} | {raw} |\n"));
    }
    if !docs.bodiless.is_empty() {
        text.push_str(&format!(
            "\nDocumented without a body schema, so returned as {generic}: {}.\n",
            docs.bodiless.join(", ")
        ));
    }
    if let Some(runtime) = runtime {
        text.push_str(&format!(
            "\nAn error status whose body is not its documented type is {generic} or \
             [`Error::InvalidResponse`]({runtime}::Error::InvalidResponse), as the client's profile says. \
             Connection failures and timeouts are [`Error::Connection`]({runtime}::Error::Connection), \
             [`Error::Transport`]({runtime}::Error::Transport) and [`Error::Timeout`]({runtime}::Error::Timeout); \
             a server-requested wait longer than the retry policy allows is \
             [`Error::RateLimited`]({runtime}::Error::RateLimited).\n",
        ));
    }
    text
}

/// The status cell of the generic row: the statuses no typed row names.
pub const GENERIC_STATUSES: &str = "any other 4XX, 5XX";
