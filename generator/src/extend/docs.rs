//! Per-operation documentation: a usage example that compiles, and the error table.
//!
//! progenitor documents each operation with an example marked `ignore`. When the crate's
//! name is known, that example is replaced by one that rustdoc compiles (so a renamed
//! method or parameter breaks the docs build), calling the operation with its required
//! parameters. Every operation also gets its error table: the documented error statuses
//! with their typed bodies, and what every other status becomes.

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
    runtime: bool,
) {
    let operations = operations(api, multipart, crate_name);
    for item in &mut file.items {
        let syn::Item::Trait(declaration) = item else { continue };
        for trait_item in &mut declaration.items {
            let syn::TraitItem::Fn(method) = trait_item else {
                continue;
            };
            let Some(docs) = operations.get(&method.sig.ident.to_string()) else {
                continue;
            };
            let current = method.attrs.iter().find_map(doc_text).unwrap_or_default();
            method.attrs.retain(|a| !a.path().is_ident("doc"));
            let text = rewrite(&current, docs, runtime);
            method.attrs.push(syn::parse_quote!(#[doc = #text]));
        }
    }
}

struct OperationDocs {
    example: Option<String>,
    typed_errors: Vec<ErrorRow>,
    bodiless: Vec<String>,
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
            PartKind::Json(Some(name)) => {
                let example = part.example.as_deref()?;
                format!("serde_json::from_str::<{krate}::types::{name}>(r#\"{example}\"#)?")
            }
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

fn doc_text(attribute: &syn::Attribute) -> Option<String> {
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
fn rewrite(current: &str, docs: &OperationDocs, runtime: bool) -> String {
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
    let (documented, generic) = if runtime {
        (
            "[`Error::Documented`](crate::Error::Documented)",
            "[`Error::Status`](crate::Error::Status) (status, headers, raw body)",
        )
    } else {
        ("`Error::ErrorResponse`", "`Error::UnexpectedResponse`")
    };
    text.push_str("\n\n# Errors\n\n| Error type | Status codes | Returned as |\n|---|---|---|\n");
    for row in &docs.typed_errors {
        text.push_str(&format!(
            "| `{}` | {} | {documented} with [`types::{}`](crate::types::{}) |\n",
            row.schema,
            row.statuses.join(", "),
            row.schema,
            row.schema
        ));
    }
    text.push_str(&format!("| `APIError` | 4XX, 5XX | {generic} |\n"));
    if !docs.bodiless.is_empty() {
        text.push_str(&format!(
            "\nDocumented without a body schema, so returned as the generic error: {}.\n",
            docs.bodiless.join(", ")
        ));
    }
    if runtime {
        text.push_str(
            "\nConnection failures, timeouts and bodies that do not match the schema are \
             [`Error::Connection`](crate::Error::Connection), [`Error::Timeout`](crate::Error::Timeout) and \
             [`Error::InvalidResponse`](crate::Error::InvalidResponse).\n",
        );
    }
    text
}
