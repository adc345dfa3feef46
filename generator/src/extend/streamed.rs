//! Responses that are not JSON: binary bodies and server-sent event streams.
//!
//! progenitor returns any non-JSON success body as a raw `ByteStream` and sends no `Accept`.
//! With the runtime, such an operation instead:
//!
//! - sends `Accept` with the media type the spec declares (`application/zip`, `image/*`,
//!   `text/event-stream`), so content negotiation picks what the client can read;
//! - is sent with `RUNTIME::send_streaming`, whose timeout stops at the response headers;
//! - returns, for `text/event-stream`, an `EventStream<T>` of typed events (the schema left
//!   by [`crate::event_streams`]; `String` for plain-text data) and, for anything else, a
//!   `Download`: the unread body with its type and length, which can be saved to a file
//!   without holding it in memory.

use std::collections::BTreeMap;

use heck::{ToPascalCase, ToSnakeCase};
use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, StatusCode, Type};
use quote::quote;

use super::{builder_impls, internal};
use crate::error::Result;
use crate::event_streams::EVENT_STREAM;

/// What an operation's success body is, when it is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Server-sent events whose data is the named component type, as JSON.
    Events(String),
    /// Server-sent events whose data is plain text.
    TextEvents,
    /// Any other media type: bytes, with this `Accept`.
    Binary(String),
}

/// The non-JSON success bodies of `api`, by operation name as progenitor writes it.
pub fn bodies(api: &OpenAPI) -> BTreeMap<String, Body> {
    let mut bodies = BTreeMap::new();
    for (_, item) in &api.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let Some(id) = &operation.operation_id else { continue };
            let success = operation.responses.responses.iter().find_map(|(code, response)| {
                let is_success = match code {
                    StatusCode::Code(c) => (200..300).contains(c),
                    StatusCode::Range(r) => *r == 2,
                };
                match response {
                    ReferenceOr::Item(response) if is_success => response.content.first(),
                    _ => None,
                }
            });
            let Some((media, content)) = success else { continue };
            let base = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
            if base == "application/json" {
                continue;
            }
            let body = if base == EVENT_STREAM {
                match &content.schema {
                    Some(ReferenceOr::Reference { reference }) => match reference.strip_prefix("#/components/schemas/")
                    {
                        Some(name) => Body::Events(crate::pointer::unescape(name).to_pascal_case()),
                        None => Body::TextEvents,
                    },
                    Some(ReferenceOr::Item(schema))
                        if !matches!(schema.schema_kind, SchemaKind::Type(Type::String(_))) =>
                    {
                        Body::TextEvents
                    }
                    _ => Body::TextEvents,
                }
            } else {
                Body::Binary(media.clone())
            };
            bodies.insert(id.to_snake_case(), body);
        }
    }
    bodies
}

/// Rewrites the `send` of each operation in `bodies` (after [`super::runtime`] made it the
/// retrying wrapper) and adds the `Accept` header to its request.
pub fn apply(
    bodies: &BTreeMap<String, Body>,
    file: &mut syn::File,
    runtime: &syn::Path,
    type_names: &std::collections::BTreeSet<String>,
) -> Result<()> {
    if bodies.is_empty() {
        return Ok(());
    }
    let mut done = 0;
    for implementation in builder_impls(file) {
        let Some(id) = implementation.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send_once" => super::runtime::operation_id(f),
            _ => None,
        }) else {
            continue;
        };
        let operation = id.value().to_snake_case();
        let Some(body) = bodies.get(&operation) else { continue };
        let accept = match body {
            Body::Events(_) | Body::TextEvents => EVENT_STREAM.to_owned(),
            Body::Binary(media) => media.clone(),
        };
        let (value, convert) = match body {
            Body::Events(name) => {
                if !type_names.contains(name) {
                    return Err(internal(&format!(
                        "the event type `{name}` of `{operation}` was not generated"
                    )));
                }
                let ident = quote::format_ident!("{name}");
                (
                    quote!(#runtime::sse::EventStream<types::#ident>),
                    quote!(#runtime::streamed::events(config, response)),
                )
            }
            Body::TextEvents => (
                quote!(#runtime::sse::EventStream<String>),
                quote!(#runtime::streamed::text_events(config, response)),
            ),
            Body::Binary(_) => (
                quote!(#runtime::download::Download),
                quote!(#runtime::streamed::download(response)),
            ),
        };
        let mut found_send = false;
        for item in &mut implementation.items {
            let syn::ImplItem::Fn(function) = item else { continue };
            if function.sig.ident == "send_once" {
                let mut visitor = AddAccept {
                    accept: &accept,
                    added: 0,
                };
                syn::visit_mut::VisitMut::visit_block_mut(&mut visitor, &mut function.block);
                if visitor.added != 1 {
                    return Err(internal(&format!(
                        "`send` of `{operation}` builds no request to add `Accept` to"
                    )));
                }
            } else if function.sig.ident == "send" {
                let Some(output) = super::sent_result(&function.sig.output) else {
                    return Err(internal(&format!("`send` of `{operation}` returns nothing")));
                };
                let error = error_type(output)
                    .ok_or_else(|| internal(&format!("`send` of `{operation}` has an unexpected return type")))?;
                let docs: Vec<syn::Attribute> = function.attrs.clone();
                let operation_id = &id;
                *function = syn::parse_quote! {
                    #(#docs)*
                    pub async fn send(self) -> Result<ResponseValue<#value>, #error> {
                        let config = &self.client.inner;
                        let response = #runtime::send_streaming(config, #operation_id, move || self.clone().send_once()).await?;
                        Ok(#convert)
                    }
                };
                found_send = true;
            }
        }
        if !found_send {
            return Err(internal(&format!("no `send` for `{operation}`")));
        }
        done += 1;
    }
    if done != bodies.len() {
        return Err(internal(
            "not every operation with a streamed response was found in progenitor's output",
        ));
    }
    Ok(())
}

/// The error type of `Result<_, E>`.
fn error_type(output: &syn::Type) -> Option<syn::Type> {
    super::type_arguments(output).into_iter().nth(1)
}

/// `client.client.get(url)....build()` → `... .header(ACCEPT, "<media>").build()`.
struct AddAccept<'a> {
    accept: &'a str,
    added: usize,
}

impl syn::visit_mut::VisitMut for AddAccept<'_> {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method == "build" && call.args.is_empty() && self.added == 0 {
            let receiver = &call.receiver;
            let accept = self.accept;
            *call.receiver = syn::parse_quote! {
                #receiver.header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static(#accept),
                )
            };
            self.added += 1;
        }
    }
}
