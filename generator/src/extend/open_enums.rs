//! Types that accept values the spec does not list yet.
//!
//! The registry adds values over time (a new deployment log `stage`, a new connection
//! `type`). typify generates closed types, so one new value would make a whole response
//! fail to deserialize. Here:
//!
//! - a string enum with two or more values gains `Unknown(String)`, which catches any other
//!   string (enums of one value are `const` discriminators and must stay exact, or an
//!   untagged `oneOf` could no longer tell its branches apart);
//! - an untagged `oneOf` enum gains `Unknown(serde_json::Value)`, tried last.
//!
//! Both are `#[serde(untagged)]` variants, so serialization writes the value back unchanged.

/// Opens every eligible enum in the `types` module.
pub fn apply(file: &mut syn::File) {
    let Some(items) = super::module_items(file, "types") else {
        return;
    };
    let mut opened_string_enums = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Enum(enumeration) = item else { continue };
        match shape(enumeration) {
            Shape::StringEnum => {
                remove_copy(enumeration);
                enumeration.variants.push(syn::parse_quote! {
                    /// A value this version of the API description does not list yet.
                    #[serde(untagged)]
                    Unknown(::std::string::String)
                });
                opened_string_enums.push(enumeration.ident.clone());
            }
            Shape::UntaggedNewtypes => {
                enumeration.variants.push(syn::parse_quote! {
                    /// A shape this version of the API description does not list yet, as sent.
                    Unknown(::serde_json::Value)
                });
            }
            Shape::Other => {}
        }
    }
    // typify's `Display` for a string enum matches every variant; teach it the new one.
    for item in items.iter_mut() {
        let syn::Item::Impl(implementation) = item else {
            continue;
        };
        let is_display = implementation
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Display");
        let for_opened = super::self_type_name(implementation)
            .is_some_and(|name| opened_string_enums.iter().any(|ident| *ident == name));
        if !(is_display && for_opened) {
            continue;
        }
        for impl_item in &mut implementation.items {
            let syn::ImplItem::Fn(function) = impl_item else {
                continue;
            };
            for stmt in &mut function.block.stmts {
                if let syn::Stmt::Expr(syn::Expr::Match(m), _) = stmt {
                    m.arms
                        .push(syn::parse_quote! { Self::Unknown(ref value) => f.write_str(value), });
                }
            }
        }
    }
}

enum Shape {
    StringEnum,
    UntaggedNewtypes,
    Other,
}

fn shape(enumeration: &syn::ItemEnum) -> Shape {
    let untagged = enumeration
        .attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string() == "untagged"));
    let all_unit_renamed = enumeration
        .variants
        .iter()
        .all(|v| matches!(v.fields, syn::Fields::Unit) && v.attrs.iter().any(|a| a.path().is_ident("serde")));
    let all_newtype = enumeration
        .variants
        .iter()
        .all(|v| matches!(&v.fields, syn::Fields::Unnamed(f) if f.unnamed.len() == 1));
    if !untagged && all_unit_renamed && enumeration.variants.len() >= 2 {
        Shape::StringEnum
    } else if untagged && all_newtype && !enumeration.variants.is_empty() {
        Shape::UntaggedNewtypes
    } else {
        Shape::Other
    }
}

/// A `String` payload cannot be `Copy`.
fn remove_copy(enumeration: &mut syn::ItemEnum) {
    for attribute in &mut enumeration.attrs {
        if !attribute.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) =
            attribute.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept = paths.into_iter().filter(|p| !p.is_ident("Copy"));
        *attribute = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}
