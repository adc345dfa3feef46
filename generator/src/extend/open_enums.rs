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
    // Decide first, from the whole module: an enum is opened only if every `match` on it
    // in its impls is one this stage can extend (typify's `Display`); another exhaustive
    // match would stop compiling, and a closed type that compiles beats an open one that
    // does not.
    let mut opened: Vec<(syn::Ident, syn::Ident, Shape)> = Vec::new();
    for item in items.iter() {
        let syn::Item::Enum(enumeration) = item else { continue };
        let shape = shape(enumeration);
        if matches!(shape, Shape::Other) || !only_display_matches(items, &enumeration.ident) {
            continue;
        }
        // A spec may already list a value named like our catch-all (GitHub's `unknown`).
        let taken = |name: &str| enumeration.variants.iter().any(|v| v.ident == name);
        let Some(variant) = ["Unknown", "UnknownValue", "Unlisted"].into_iter().find(|n| !taken(n)) else {
            continue;
        };
        opened.push((
            enumeration.ident.clone(),
            syn::Ident::new(variant, proc_macro2::Span::call_site()),
            shape,
        ));
    }
    for item in items.iter_mut() {
        match item {
            syn::Item::Enum(enumeration) => {
                let Some((_, variant, shape)) = opened.iter().find(|(name, ..)| *name == enumeration.ident) else {
                    continue;
                };
                match shape {
                    Shape::StringEnum => {
                        remove_copy(enumeration);
                        enumeration.variants.push(syn::parse_quote! {
                            /// A value this version of the API description does not list yet.
                            #[serde(untagged)]
                            #variant(::std::string::String)
                        });
                    }
                    Shape::UntaggedNewtypes => enumeration.variants.push(syn::parse_quote! {
                        /// A shape this version of the API description does not list yet, as sent.
                        #variant(::serde_json::Value)
                    }),
                    Shape::Other => {}
                }
            }
            syn::Item::Impl(implementation) => {
                let Some(name) = super::self_type_name(implementation) else {
                    continue;
                };
                let Some((_, variant, shape)) = opened.iter().find(|(ident, ..)| *ident == name) else {
                    continue;
                };
                let arm: syn::Arm = match shape {
                    Shape::StringEnum => syn::parse_quote! { Self::#variant(ref value) => f.write_str(value), },
                    _ => syn::parse_quote! { Self::#variant(value) => value.fmt(f), },
                };
                ExtendMatches { arm }.visit_item_impl_mut(implementation);
            }
            _ => {}
        }
    }
}

/// Whether every `match` on `self` in the impls of `name` sits in a `Display` impl.
fn only_display_matches(items: &[syn::Item], name: &syn::Ident) -> bool {
    items.iter().all(|item| {
        let syn::Item::Impl(implementation) = item else {
            return true;
        };
        if super::self_type_name(implementation).as_deref() != Some(name.to_string().as_str()) {
            return true;
        }
        let is_display = implementation
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Display");
        let mut finder = FindSelfMatch(false);
        syn::visit::Visit::visit_item_impl(&mut finder, implementation);
        is_display || !finder.0
    })
}

fn is_self(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Path(p) => p.path.is_ident("self"),
        syn::Expr::Unary(u) => is_self(&u.expr),
        syn::Expr::Paren(p) => is_self(&p.expr),
        _ => false,
    }
}

struct FindSelfMatch(bool);

impl<'ast> syn::visit::Visit<'ast> for FindSelfMatch {
    fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
        self.0 |= is_self(&node.expr);
        syn::visit::visit_expr_match(self, node);
    }
}

/// Adds `arm` to every `match` on `self`.
struct ExtendMatches {
    arm: syn::Arm,
}

impl syn::visit_mut::VisitMut for ExtendMatches {
    fn visit_expr_match_mut(&mut self, node: &mut syn::ExprMatch) {
        if is_self(&node.expr) {
            node.arms.push(self.arm.clone());
        }
        syn::visit_mut::visit_expr_match_mut(self, node);
    }
}

use syn::visit_mut::VisitMut;

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

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    fn opened(code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).expect("parses");
        super::apply(&mut file);
        file.into_token_stream().to_string()
    }

    #[test]
    fn string_enums_gain_a_catch_all_and_their_display_learns_it() {
        let out = opened(
            r#"pub mod types {
                #[derive(Clone, Copy, Debug)]
                pub enum Stage { #[serde(rename = "deploy")] Deploy, #[serde(rename = "scan")] Scan }
                impl ::std::fmt::Display for Stage {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self { Self::Deploy => f.write_str("deploy"), Self::Scan => f.write_str("scan") }
                    }
                }
            }"#,
        );
        assert!(
            out.contains("# [serde (untagged)] Unknown (:: std :: string :: String)"),
            "{out}"
        );
        assert!(
            out.contains("Self :: Unknown (ref value) => f . write_str (value)"),
            "{out}"
        );
        assert!(out.contains("# [derive (Clone , Debug)]"), "Copy must go: {out}");
    }

    #[test]
    fn a_listed_unknown_value_keeps_its_name_and_the_catch_all_takes_another() {
        let out = opened(
            r#"pub mod types {
                pub enum Status { #[serde(rename = "unknown")] Unknown, #[serde(rename = "ok")] Ok }
            }"#,
        );
        assert!(out.contains("Unknown , # [serde (rename = \"ok\")] Ok"), "{out}");
        assert!(out.contains("UnknownValue (:: std :: string :: String)"), "{out}");
    }

    #[test]
    fn untagged_enums_open_unless_another_impl_matches_on_them() {
        let out = opened(
            r#"pub mod types {
                #[serde(untagged)]
                pub enum Connection { Stdio(Stdio), Http(Http) }
                #[serde(untagged)]
                pub enum NameOrId { Name(String), Id(u64) }
                impl NameOrId { pub fn describe(&self) -> &str { match self { Self::Name(_) => "name", Self::Id(_) => "id" } } }
            }"#,
        );
        assert!(
            out.contains("Unknown (:: serde_json :: Value) } # [serde (untagged)] pub enum NameOrId"),
            "{out}"
        );
        assert!(
            !out.contains("Id (u64) , # [doc"),
            "NameOrId has a match this stage cannot extend: {out}"
        );
        // Enums of one value are discriminators and stay exact.
        let out = opened(r#"pub mod types { pub enum Kind { #[serde(rename = "http")] Http } }"#);
        assert!(!out.contains("Unknown"), "{out}");
    }
}
