//! `ErrorBody` for every error body the operations declare, read from the body's schema.
//!
//! The runtime's error `Display` shows the server's message. Which field carries it is a
//! fact of each error schema, so it is generated rather than listed by hand: the first of
//! `error`, `message`, `detail`, `title` that the generated struct has as a string (required
//! or optional) is the message; a body with none of them (or that is not a struct) has no
//! message, and `Display` shows the status alone.

use std::collections::BTreeSet;

use quote::{ToTokens, format_ident};

use super::{TypeFacts, builder_impls, type_arguments, wire_name};

/// Wire names tried, in order, for the field holding the human-readable message.
const MESSAGE_FIELDS: &[&str] = &["error", "message", "detail", "title"];

/// Adds `impl RUNTIME::ErrorBody for types::X` for each error body type in `bodies` (from
/// [`bodies`]).
pub(crate) fn apply(file: &mut syn::File, runtime: &syn::Path, bodies: &BTreeSet<String>, types: &TypeFacts) {
    let mut impls = Vec::new();
    for name in bodies {
        let field = types
            .structs
            .iter()
            .find_map(|s| (s.ident == name).then(|| message_field(s)));
        let ident = format_ident!("{name}");
        let body = match field.flatten() {
            Some((field, true)) => quote::quote!(self.#field.as_deref()),
            Some((field, false)) => quote::quote!(Some(self.#field.as_str())),
            None => quote::quote!(None),
        };
        impls.push(syn::parse_quote! {
            impl #runtime::ErrorBody for types::#ident {
                fn message(&self) -> Option<&str> {
                    #body
                }
            }
        });
    }
    file.items.extend(impls);
}

/// The error body types of the operations' `send`s: the structs of `types` that [`apply`]
/// reads. Read from progenitor's `send`s, before the runtime wraps them, so that the
/// `types` module's side can hand the structs over early.
pub(crate) fn bodies(file: &mut syn::File) -> BTreeSet<String> {
    let mut bodies = BTreeSet::new();
    for implementation in builder_impls(file) {
        for item in &implementation.items {
            let syn::ImplItem::Fn(function) = item else { continue };
            if function.sig.ident != "send" {
                continue;
            }
            if let Some(name) = error_type_name(&function.sig.output) {
                bodies.insert(name);
            }
        }
    }
    bodies
}

/// `E` of `Result<_, Error<types::E>>`, when `E` is a generated type.
fn error_type_name(output: &syn::ReturnType) -> Option<String> {
    let error = type_arguments(super::sent_result(output)?).into_iter().nth(1)?;
    let syn::Type::Path(body) = type_arguments(&error).into_iter().next()? else {
        return None;
    };
    let segments: Vec<String> = body.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [types, name] if types == "types" => Some(name.clone()),
        _ => None,
    }
}

/// The message field of a generated struct and whether it is an `Option`.
fn message_field(item: &syn::ItemStruct) -> Option<(syn::Ident, bool)> {
    let syn::Fields::Named(fields) = &item.fields else {
        return None;
    };
    let candidates: Vec<(String, &syn::Field)> = fields.named.iter().filter_map(|f| Some((wire_name(f)?, f))).collect();
    MESSAGE_FIELDS.iter().find_map(|wanted| {
        let (_, field) = candidates.iter().find(|(wire, _)| wire == wanted)?;
        let ty = field.ty.to_token_stream().to_string().replace(' ', "");
        let optional = match ty.as_str() {
            "::std::string::String" | "String" => false,
            "::std::option::Option<::std::string::String>" | "Option<String>" => true,
            _ => return None,
        };
        Some((field.ident.clone()?, optional))
    })
}
