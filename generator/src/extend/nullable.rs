//! Optional nullable fields of request bodies, where `null` and absence differ on the wire.
//!
//! A JSON merge patch clears a field with `"homepage": null` and leaves it alone by leaving
//! it out. typify types an optional nullable property as `Option<T>` skipped when `None`, so
//! a client could never send the `null`. For every struct a JSON request body reaches
//! (directly or through other schemas), such a property becomes
//!
//! ```text
//! #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "deserialize_nullable")]
//! pub homepage: Option<Option<String>>,    // None: absent; Some(None): null; Some(Some(v)): v
//! ```
//!
//! serde writes `Some(None)` as `null`; reading, the helper maps `null` to `Some(None)` (the
//! default alone would make it `None`), and an absent field stays `None`. typify's builder
//! for the struct stores and accepts the same `Option<Option<T>>`. A required nullable
//! property keeps typify's `Option<T>`, always sent (`None` as `null`); structs only read
//! from responses keep `Option<T>` too, because there the difference means nothing to a
//! caller.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::ReferenceOr;
use syn::visit_mut::VisitMut;

use super::objects::named_objects;
use super::{serde_rename, wire_name};

/// The helper the changed fields deserialize with, in the `types` module.
const HELPER: &str = "deserialize_nullable";

/// Changes the optional nullable fields of request structs. Returns whether any changed.
pub fn apply(api: &openapiv3::OpenAPI, file: &mut syn::File) -> bool {
    let mut targets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for object in named_objects(api).values().filter(|o| o.in_request) {
        for (property, schema) in &object.properties {
            let ReferenceOr::Item(schema) = schema else { continue };
            if schema.schema_data.nullable && !object.required.iter().any(|r| r == property) {
                targets
                    .entry(object.rust_name.clone())
                    .or_default()
                    .insert((*property).to_owned());
            }
        }
    }
    if targets.is_empty() {
        return false;
    }
    let Some(types) = super::module_items(file, "types") else {
        return false;
    };
    // struct → field identifiers changed, for typify's builder of that struct.
    let mut changed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(structure) = item else { continue };
        let name = structure.ident.to_string();
        let Some(properties) = targets.get(&name) else { continue };
        let syn::Fields::Named(named) = &mut structure.fields else {
            continue;
        };
        for field in named.named.iter_mut() {
            let Some(ident) = field.ident.clone() else { continue };
            let Some(wire) = wire_name(field) else { continue };
            // Only what typify made optional (`Option<T>` skipped when `None`): a property
            // with a `default` keeps typify's default function and its type.
            if !properties.contains(&wire) || !is_option(&field.ty) || !skipped_when_none(field) {
                continue;
            }
            rewrite_field(field, serde_rename(field).as_deref());
            changed.entry(name.clone()).or_default().insert(ident.to_string());
        }
    }
    if changed.is_empty() {
        return false;
    }
    let helper = quote::format_ident!("{}", HELPER);
    types.push(syn::parse_quote! {
        /// Reads an optional nullable field: `null` is `Some(None)`; with `#[serde(default)]`
        /// an absent field stays `None`.
        fn #helper<'de, D, T>(
            deserializer: D,
        ) -> ::std::result::Result<::std::option::Option<::std::option::Option<T>>, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            T: ::serde::Deserialize<'de>,
        {
            <::std::option::Option<T> as ::serde::Deserialize<'de>>::deserialize(deserializer).map(Some)
        }
    });
    if let Some(builder) = types.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) {
        rewrite_builders(builder, &changed);
    }
    // typify's default values of other structs build these ones with `field: Some(v)`,
    // which now reads `Some(Some(v))` (present, not null).
    if let Some(defaults) = types.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "defaults" => Some(m),
        _ => None,
    }) {
        WrapDefaults { changed: &changed }.visit_item_mod_mut(defaults);
    }
    true
}

/// In typify's `defaults` module: a struct literal of a changed struct gets its changed
/// fields' `Some(v)` as `Some(Some(v))`.
struct WrapDefaults<'a> {
    changed: &'a BTreeMap<String, BTreeSet<String>>,
}

impl VisitMut for WrapDefaults<'_> {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        let name = node
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if let Some(fields) = self.changed.get(&name) {
            for field in node.fields.iter_mut() {
                let syn::Member::Named(ident) = &field.member else {
                    continue;
                };
                let is_some = matches!(&field.expr, syn::Expr::Call(call)
                    if matches!(&*call.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Some")));
                if fields.contains(&ident.to_string()) && is_some {
                    let value = &field.expr;
                    field.expr = syn::parse_quote!(::std::option::Option::Some(#value));
                }
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, node);
    }
}

fn rewrite_field(field: &mut syn::Field, rename: Option<&str>) {
    let (docs, others): (Vec<syn::Attribute>, Vec<syn::Attribute>) = std::mem::take(&mut field.attrs)
        .into_iter()
        .filter(|a| !a.path().is_ident("serde"))
        .partition(|a| a.path().is_ident("doc"));
    let mut lines = Vec::new();
    if !docs.is_empty() {
        lines.push("");
    }
    lines.extend([
        "`None` leaves the field out of the request, `Some(None)` sends `null` (which clears",
        "it), `Some(Some(value))` sends the value.",
    ]);
    field.attrs = docs;
    for line in lines {
        field.attrs.push(super::doc_attribute(line));
    }
    let rename = rename.map(|r| quote::quote!(rename = #r,));
    field.attrs.push(syn::parse_quote! {
        #[serde(
            #rename
            default,
            skip_serializing_if = "::std::option::Option::is_none",
            deserialize_with = #HELPER
        )]
    });
    field.attrs.extend(others);
    WrapOption::default().visit_type_mut(&mut field.ty);
}

/// typify's `types::builder::X`: the field stores `Result<Option<Option<T>>, String>` and
/// its setter accepts what converts into `Option<Option<T>>`.
fn rewrite_builders(items: &mut [syn::Item], changed: &BTreeMap<String, BTreeSet<String>>) {
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(structure) => {
                let Some(fields) = changed.get(&structure.ident.to_string()) else {
                    continue;
                };
                let syn::Fields::Named(named) = &mut structure.fields else {
                    continue;
                };
                for field in named.named.iter_mut() {
                    if field.ident.as_ref().is_some_and(|i| fields.contains(&i.to_string())) {
                        WrapOption::default().visit_type_mut(&mut field.ty);
                    }
                }
            }
            syn::Item::Impl(implementation) if implementation.trait_.is_none() => {
                let Some(fields) = super::self_type_name(implementation).and_then(|n| changed.get(&n)) else {
                    continue;
                };
                for item in &mut implementation.items {
                    let syn::ImplItem::Fn(setter) = item else { continue };
                    if !fields.contains(&setter.sig.ident.to_string()) {
                        continue;
                    }
                    if let Some(clause) = &mut setter.sig.generics.where_clause {
                        for predicate in clause.predicates.iter_mut() {
                            WrapOption::default().visit_where_predicate_mut(predicate);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn skipped_when_none(field: &syn::Field) -> bool {
    field.attrs.iter().filter(|a| a.path().is_ident("serde")).any(|a| {
        quote::ToTokens::to_token_stream(a)
            .to_string()
            .contains("\"::std::option::Option::is_none\"")
    })
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// Wraps the first (outermost) `Option<T>` it meets in another `Option`.
#[derive(Default)]
struct WrapOption {
    done: bool,
}

impl VisitMut for WrapOption {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if self.done {
            return;
        }
        if is_option(ty) {
            let inner = ty.clone();
            *ty = syn::parse_quote!(::std::option::Option<#inner>);
            self.done = true;
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}
