//! Array query parameters with `style: form, explode: false`: one comma-joined value.
//!
//! progenitor sends every array query parameter exploded (`ids=a&ids=b`), whatever the
//! spec says. A parameter that declares `explode: false` is joined with commas before it
//! is encoded (`ids=a%2Cb`), as OpenAPI's form style without explode (and the official
//! Smithery SDK) sends it. The items are joined by their `Display` form.

use heck::ToPascalCase;
use openapiv3::{ReferenceOr, SchemaKind, Type};

use super::{builder_impls, self_type_name};

/// Rewrites `QueryParam::new("name", &value)` for each such parameter in its operation's
/// `send`.
pub fn apply(api: &openapiv3::OpenAPI, file: &mut syn::File) {
    // Builder name → (query name, required).
    let mut joined: Vec<(String, String, bool)> = Vec::new();
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let Some(id) = &operation.operation_id else { continue };
            for parameter in item
                .parameters
                .iter()
                .chain(operation.parameters.iter())
                .filter_map(|p| crate::validate::parameter(api, p))
            {
                let openapiv3::Parameter::Query { parameter_data, .. } = parameter else {
                    continue;
                };
                if parameter_data.explode != Some(false) || !is_array(api, &parameter_data.format) {
                    continue;
                }
                joined.push((
                    id.to_pascal_case(),
                    parameter_data.name.clone(),
                    parameter_data.required,
                ));
            }
        }
    }
    if joined.is_empty() {
        return;
    }
    for implementation in builder_impls(file) {
        let Some(builder) = self_type_name(implementation) else {
            continue;
        };
        let names: Vec<(String, bool)> = joined
            .iter()
            .filter(|(b, _, _)| *b == builder)
            .map(|(_, name, required)| (name.clone(), *required))
            .collect();
        if names.is_empty() {
            continue;
        }
        for item in &mut implementation.items {
            if let syn::ImplItem::Fn(f) = item
                && f.sig.ident == "send"
            {
                syn::visit_mut::VisitMut::visit_block_mut(&mut Join(&names), &mut f.block);
            }
        }
    }
}

fn is_array(api: &openapiv3::OpenAPI, format: &openapiv3::ParameterSchemaOrContent) -> bool {
    let openapiv3::ParameterSchemaOrContent::Schema(schema) = format else {
        return false;
    };
    let schema = match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| api.components.as_ref()?.schemas.get(name))
            .and_then(|s| s.as_item()),
    };
    schema.is_some_and(|s| matches!(s.schema_kind, SchemaKind::Type(Type::Array(_))))
}

struct Join<'a>(&'a [(String, bool)]);

impl syn::visit_mut::VisitMut for Join<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let syn::Expr::Path(function) = &*call.func else { return };
        let segments: Vec<String> = function.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if !segments.ends_with(&["QueryParam".to_owned(), "new".to_owned()]) || call.args.len() != 2 {
            return;
        }
        let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(name),
            ..
        })) = call.args.first()
        else {
            return;
        };
        let Some((_, required)) = self.0.iter().find(|(n, _)| *n == name.value()) else {
            return;
        };
        let Some(syn::Expr::Reference(reference)) = call.args.last() else {
            return;
        };
        let value = &reference.expr;
        let replacement: syn::Expr = if *required {
            syn::parse_quote! {
                &#value.iter().map(|item| item.to_string()).collect::<Vec<_>>().join(",")
            }
        } else {
            syn::parse_quote! {
                &#value.as_ref().map(|items| items.iter().map(|item| item.to_string()).collect::<Vec<_>>().join(","))
            }
        };
        if let Some(last) = call.args.last_mut() {
            *last = replacement;
        }
    }
}
