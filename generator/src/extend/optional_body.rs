//! Optional JSON request bodies travel only when the caller sets one.
//!
//! progenitor starts every body at its default and always sends it: an operation whose body
//! the spec does not require (`requestBody.required` false or absent) sends `{}` with
//! `Content-Type: application/json` when the caller set nothing. The official SDK sends no
//! body and no content type then. Each such builder gains a `body_given` flag, set by
//! `body` and `body_map`; `send` attaches the JSON body only when it is set.

use std::collections::BTreeSet;

use heck::ToPascalCase;
use openapiv3::{OpenAPI, ReferenceOr};
use syn::visit_mut::VisitMut;

use super::builder_fields;

/// The builders (by struct name) of operations whose JSON body is optional.
pub(crate) fn builders(api: &OpenAPI) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let body = match &operation.request_body {
                Some(ReferenceOr::Item(body)) => Some(body),
                Some(ReferenceOr::Reference { reference }) => reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|name| api.components.as_ref()?.request_bodies.get(name)?.as_item()),
                None => None,
            };
            let Some(body) = body else { continue };
            let json = body.content.keys().any(|media| {
                let media = media.split(';').next().unwrap_or_default().trim();
                media == "application/json" || media.ends_with("+json")
            });
            if !body.required
                && json
                && let Some(id) = &operation.operation_id
            {
                out.insert(id.to_pascal_case());
            }
        }
    }
    out
}

/// Rewrites each named builder that has a `body` field: the flag field, its setting in
/// `new`, `body` and `body_map`, and the conditional body in `send`.
pub(crate) fn apply(file: &mut syn::File, builders: &BTreeSet<String>) {
    if builders.is_empty() {
        return;
    }
    let Some(items) = super::module_items(file, "builder") else {
        return;
    };
    let with_body: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(structure)
                if builders.contains(&structure.ident.to_string())
                    && structure
                        .fields
                        .iter()
                        .any(|f| f.ident.as_ref().is_some_and(|i| i == "body")) =>
            {
                Some(structure.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let flag = syn::Ident::new("body_given", proc_macro2::Span::call_site());
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(structure) if with_body.contains(&structure.ident.to_string()) => {
                if let syn::Fields::Named(named) = &mut structure.fields {
                    let field: syn::FieldsNamed = syn::parse_quote!({ #flag: bool });
                    named.named.extend(field.named);
                }
            }
            syn::Item::Impl(implementation)
                if implementation.trait_.is_none()
                    && super::self_type_name(implementation).is_some_and(|n| with_body.contains(&n)) =>
            {
                for member in &mut implementation.items {
                    let syn::ImplItem::Fn(function) = member else { continue };
                    match function.sig.ident.to_string().as_str() {
                        "new" => builder_fields::init(&mut function.block, vec![syn::parse_quote!(#flag: false)]),
                        "body" | "body_map" => {
                            function.block.stmts.insert(0, syn::parse_quote!(self.#flag = true;));
                        }
                        "send" => {
                            builder_fields::take(&mut function.block, std::slice::from_ref(&flag));
                            SendIfGiven.visit_block_mut(&mut function.block);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// In `send`: the request's `.json(&body)` happens only when the flag is set.
struct SendIfGiven;

impl VisitMut for SendIfGiven {
    fn visit_expr_mut(&mut self, node: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, node);
        let syn::Expr::MethodCall(call) = node else { return };
        let sends_body = call.method == "json"
            && call.args.len() == 1
            && matches!(call.args.first(), Some(syn::Expr::Reference(r)) if matches!(&*r.expr, syn::Expr::Path(p) if p.path.is_ident("body")));
        if sends_body {
            let receiver = &call.receiver;
            *node = syn::parse_quote! {
                {
                    let request = #receiver;
                    if body_given { request.json(&body) } else { request }
                }
            };
        }
    }
}
