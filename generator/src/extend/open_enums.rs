//! Types that accept values the spec does not list yet, and only those.
//!
//! The registry adds values over time (a new deployment log `stage`, a new connection
//! `type`). typify generates closed types, so one new value would make a whole response
//! fail to deserialize. Here:
//!
//! - a string enum with two or more values gains `Unknown(String)`, which catches any other
//!   string (enums of one value are `const` discriminators and must stay exact, or a
//!   `oneOf` could no longer tell its branches apart);
//! - an untagged `oneOf` enum gains `Unknown(serde_json::Value)` and a `Deserialize` of its
//!   own that routes a value to the one branch the spec names for it, so that a malformed
//!   value of a known shape is an error rather than silently `Unknown`:
//!   - when every branch is an object with the same `const` property (`type: http`), that
//!     property picks the branch; an unlisted value (or no such property) is `Unknown`;
//!   - otherwise the value's JSON kind picks the candidates (a branch that is a struct takes
//!     objects, a `Vec` arrays, ...); a kind no branch takes is `Unknown`, a kind some branch
//!     takes must parse as one of them;
//!   - when a branch could take any JSON value, no value is unknown, and the enum stays
//!     closed.
//!
//! Serialization is untouched: `#[serde(untagged)]` writes each branch's value unchanged.

use std::collections::HashMap;

use syn::visit_mut::VisitMut;

/// The `types` module's items, with its types and impls found by name (large documents
/// have thousands of types: a scan per lookup made this stage quadratic).
struct Module<'a> {
    items: &'a [syn::Item],
    types: HashMap<String, usize>,
    impls: HashMap<String, Vec<usize>>,
}

impl<'a> Module<'a> {
    fn new(items: &'a [syn::Item]) -> Self {
        let mut types = HashMap::new();
        let mut impls: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, item) in items.iter().enumerate() {
            match item {
                syn::Item::Struct(s) => {
                    types.insert(s.ident.to_string(), index);
                }
                syn::Item::Enum(e) => {
                    types.insert(e.ident.to_string(), index);
                }
                syn::Item::Type(t) => {
                    types.insert(t.ident.to_string(), index);
                }
                syn::Item::Impl(i) => {
                    if let Some(name) = super::self_type_name(i) {
                        impls.entry(name).or_default().push(index);
                    }
                }
                _ => {}
            }
        }
        Module { items, types, impls }
    }

    fn get(&self, name: &syn::Ident) -> Option<&'a syn::Item> {
        self.types.get(&name.to_string()).map(|&index| &self.items[index])
    }

    fn impls_of(&self, name: &syn::Ident) -> impl Iterator<Item = &'a syn::ItemImpl> + '_ {
        let items = self.items;
        self.impls
            .get(&name.to_string())
            .into_iter()
            .flatten()
            .filter_map(move |&index| match &items[index] {
                syn::Item::Impl(i) => Some(i),
                _ => None,
            })
    }
}

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
    let module = Module::new(items);
    for item in items.iter() {
        let syn::Item::Enum(enumeration) = item else { continue };
        let shape = match shape(enumeration) {
            Shape::UntaggedNewtypes(_) => match routing(&module, enumeration) {
                Some(route) => Shape::UntaggedNewtypes(Some(route)),
                None => continue,
            },
            Shape::Other => continue,
            shape => shape,
        };
        if !only_display_matches(&module, &enumeration.ident) {
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
    let mut deserializers: Vec<(syn::Ident, syn::Item)> = Vec::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Enum(enumeration) => {
                let Some((name, variant, shape)) = opened.iter().find(|(name, ..)| *name == enumeration.ident) else {
                    continue;
                };
                match shape {
                    Shape::StringEnum => {
                        remove_derive(enumeration, "Copy");
                        enumeration.variants.push(syn::parse_quote! {
                            /// A value this version of the API description does not list yet.
                            #[serde(untagged)]
                            #variant(::std::string::String)
                        });
                    }
                    Shape::UntaggedNewtypes(None) | Shape::Other => {}
                    Shape::UntaggedNewtypes(Some(route)) => {
                        remove_derive(enumeration, "Deserialize");
                        enumeration.variants.push(syn::parse_quote! {
                            /// A shape this version of the API description does not list yet, as sent.
                            #variant(::serde_json::Value)
                        });
                        deserializers.push((name.clone(), route.deserializer(name, variant)));
                    }
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
    // Each `Deserialize` right after its enum, where a reader looks for it.
    for (name, deserializer) in deserializers {
        let at = items
            .iter()
            .position(|item| matches!(item, syn::Item::Enum(e) if e.ident == name))
            .map_or(items.len(), |i| i + 1);
        items.insert(at, deserializer);
    }
}

/// How an untagged enum's `Deserialize` picks the branch for a value.
enum Route {
    /// Every branch is a struct with the same `const` property: its value names the branch.
    Tagged {
        property: String,
        branches: Vec<(String, syn::Ident, syn::Type)>,
    },
    /// The value's JSON kind picks the branches to try, in the spec's order.
    ByKind(Vec<(Kinds, syn::Ident, syn::Type)>),
}

impl Route {
    fn deserializer(&self, name: &syn::Ident, unknown: &syn::Ident) -> syn::Item {
        let body: proc_macro2::TokenStream = match self {
            Route::Tagged { property, branches } => {
                let arms = branches.iter().map(|(tag, variant, ty)| {
                    let message = format!(
                        "`{property}` is \"{tag}\", but the value is not a valid `{}`: {{}}",
                        quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "")
                    );
                    quote::quote! {
                        ::std::option::Option::Some(#tag) => ::serde_json::from_value::<#ty>(value)
                            .map(Self::#variant)
                            .map_err(|e| ::serde::de::Error::custom(::std::format_args!(#message, e))),
                    }
                });
                quote::quote! {
                    let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                    match tag.as_deref() {
                        #(#arms)*
                        _ => ::std::result::Result::Ok(Self::#unknown(value)),
                    }
                }
            }
            Route::ByKind(branches) => {
                let attempts = branches.iter().map(|(kinds, variant, ty)| {
                    let takes = kinds.test();
                    let label = quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "");
                    quote::quote! {
                        if #takes {
                            match ::serde_json::from_value::<#ty>(value.clone()) {
                                ::std::result::Result::Ok(branch) => return ::std::result::Result::Ok(Self::#variant(branch)),
                                ::std::result::Result::Err(e) => failures.push(::std::format!("as `{}`: {}", #label, e)),
                            }
                        }
                    }
                });
                let message = format!("the value matches none of the shapes `{name}` takes ({{}})");
                quote::quote! {
                    let mut failures: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
                    #(#attempts)*
                    if failures.is_empty() {
                        ::std::result::Result::Ok(Self::#unknown(value))
                    } else {
                        ::std::result::Result::Err(::serde::de::Error::custom(::std::format_args!(#message, failures.join("; "))))
                    }
                }
            }
        };
        syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                    #body
                }
            }
        }
    }
}

/// The JSON kinds a Rust type deserializes from, as a set.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Kinds(u8);

impl Kinds {
    const NULL: Kinds = Kinds(1);
    const BOOL: Kinds = Kinds(2);
    const NUMBER: Kinds = Kinds(4);
    const STRING: Kinds = Kinds(8);
    const ARRAY: Kinds = Kinds(16);
    const OBJECT: Kinds = Kinds(32);
    const ANY: Kinds = Kinds(63);

    fn union(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    /// An expression over `value` that is true when its kind is in the set.
    fn test(self) -> syn::Expr {
        let checks: Vec<syn::Expr> = [
            (Kinds::NULL, syn::parse_quote!(value.is_null())),
            (Kinds::BOOL, syn::parse_quote!(value.is_boolean())),
            (Kinds::NUMBER, syn::parse_quote!(value.is_number())),
            (Kinds::STRING, syn::parse_quote!(value.is_string())),
            (Kinds::ARRAY, syn::parse_quote!(value.is_array())),
            (Kinds::OBJECT, syn::parse_quote!(value.is_object())),
        ]
        .into_iter()
        .filter(|(kind, _)| self.0 & kind.0 != 0)
        .map(|(_, check)| check)
        .collect();
        syn::parse_quote!(#(#checks)||*)
    }
}

/// How `enumeration` (untagged, one-field variants) can tell an unknown shape from a
/// malformed known one, if it can.
fn routing(module: &Module, enumeration: &syn::ItemEnum) -> Option<Route> {
    let branches: Vec<(syn::Ident, syn::Type)> = enumeration
        .variants
        .iter()
        .filter_map(|v| match &v.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => Some((v.ident.clone(), f.unnamed[0].ty.clone())),
            _ => None,
        })
        .collect();
    if branches.len() != enumeration.variants.len() {
        return None;
    }
    if let Some(route) = tagged(module, &branches) {
        return Some(route);
    }
    let kinds: Vec<Kinds> = branches.iter().map(|(_, ty)| kinds(module, ty, 0)).collect();
    let all = kinds.iter().fold(Kinds(0), |all, k| all.union(*k));
    if all == Kinds::ANY {
        return None;
    }
    Some(Route::ByKind(
        branches
            .into_iter()
            .zip(kinds)
            .map(|((variant, ty), kinds)| (kinds, variant, ty))
            .collect(),
    ))
}

/// The `const` property shared by every branch, when each branch is a struct of this module
/// with a one-value enum field of the same wire name and the values differ.
fn tagged(module: &Module, branches: &[(syn::Ident, syn::Type)]) -> Option<Route> {
    let mut property: Option<String> = None;
    let mut tagged: Vec<(String, syn::Ident, syn::Type)> = Vec::new();
    for (variant, ty) in branches {
        let structure = find_struct(module, ty)?;
        let syn::Fields::Named(fields) = &structure.fields else {
            return None;
        };
        let candidates: Vec<(String, String)> = fields
            .named
            .iter()
            .filter_map(|field| Some((super::wire_name(field)?, single_value(module, &field.ty)?)))
            .collect();
        let (wire, tag) = match &property {
            Some(p) => candidates.into_iter().find(|(wire, _)| wire == p)?,
            // The first branch decides which property; a struct with two `const` fields
            // would need them all tried, which no description we know of needs.
            None => match candidates.as_slice() {
                [only] => only.clone(),
                _ => return None,
            },
        };
        if tagged.iter().any(|(t, ..)| *t == tag) {
            return None;
        }
        property = Some(wire);
        tagged.push((tag, variant.clone(), ty.clone()));
    }
    Some(Route::Tagged {
        property: property?,
        branches: tagged,
    })
}

fn find_struct<'a>(module: &Module<'a>, ty: &syn::Type) -> Option<&'a syn::ItemStruct> {
    match module.get(local_name(ty)?)? {
        syn::Item::Struct(s) => Some(s),
        _ => None,
    }
}

/// The ident of a type named by a bare path (`HttpConnection`), the only way typify refers
/// to a type of its own module.
fn local_name(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => Some(&p.path.segments[0].ident),
        _ => None,
    }
}

/// The wire value of a one-value string enum (typify's form of `const: "http"`).
fn single_value(module: &Module, ty: &syn::Type) -> Option<String> {
    match module.get(local_name(ty)?)? {
        syn::Item::Enum(enumeration) => enum_single_value(enumeration),
        _ => None,
    }
}

/// The wire value of `enumeration` if it has exactly one unit variant, renamed.
fn enum_single_value(enumeration: &syn::ItemEnum) -> Option<String> {
    let [variant] = enumeration.variants.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    if !matches!(variant.fields, syn::Fields::Unit) {
        return None;
    }
    super::serde_rename_in(&variant.attrs)
}

/// The JSON kinds `ty` deserializes from; `ANY` when unsure, which keeps the enum closed.
fn kinds(module: &Module, ty: &syn::Type, depth: usize) -> Kinds {
    if depth > 8 {
        return Kinds::ANY;
    }
    let syn::Type::Path(path) = ty else { return Kinds::ANY };
    let Some(last) = path.path.segments.last() else {
        return Kinds::ANY;
    };
    let inner = || super::type_arguments(ty).first().map(|t| kinds(module, t, depth + 1));
    match last.ident.to_string().as_str() {
        "String" | "DateTime" | "NaiveDate" | "NaiveTime" | "Uuid" => Kinds::STRING,
        "Vec" | "HashSet" | "BTreeSet" => Kinds::ARRAY,
        "Map" | "HashMap" | "BTreeMap" => Kinds::OBJECT,
        "bool" => Kinds::BOOL,
        "f32" | "f64" | "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "NonZeroU64" | "NonZeroU32" | "NonZeroI64" => Kinds::NUMBER,
        "Option" => inner().map_or(Kinds::ANY, |k| k.union(Kinds::NULL)),
        "Box" => inner().unwrap_or(Kinds::ANY),
        _ if path.path.segments.len() == 1 => local_kinds(module, &last.ident, depth),
        _ => Kinds::ANY,
    }
}

fn local_kinds(module: &Module, name: &syn::Ident, depth: usize) -> Kinds {
    match module.get(name) {
        Some(syn::Item::Struct(s)) => match &s.fields {
            syn::Fields::Named(_) => Kinds::OBJECT,
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => kinds(module, &f.unnamed[0].ty, depth + 1),
            _ => Kinds::ANY,
        },
        Some(syn::Item::Enum(e)) => match shape(e) {
            Shape::StringEnum => Kinds::STRING,
            Shape::UntaggedNewtypes(_) => e
                .variants
                .iter()
                .map(|v| match &v.fields {
                    syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => kinds(module, &f.unnamed[0].ty, depth + 1),
                    _ => Kinds::ANY,
                })
                .fold(Kinds(0), Kinds::union),
            // A one-value enum is a string const; any other shape (internally tagged,
            // adjacently tagged) is beyond what this stage reads.
            Shape::Other if enum_single_value(e).is_some() => Kinds::STRING,
            Shape::Other => Kinds::ANY,
        },
        Some(syn::Item::Type(t)) => kinds(module, &t.ty, depth + 1),
        _ => Kinds::ANY,
    }
}

/// Whether every `match` on `self` in the impls of `name` sits in a `Display` impl.
fn only_display_matches(module: &Module, name: &syn::Ident) -> bool {
    module.impls_of(name).all(|implementation| {
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

enum Shape {
    StringEnum,
    /// Untagged, every variant one field; the route is found once the module is known.
    UntaggedNewtypes(Option<Route>),
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
        Shape::UntaggedNewtypes(None)
    } else {
        Shape::Other
    }
}

/// Drops `name` from the enum's derives: a `String` payload cannot be `Copy`, and a routed
/// enum brings its own `Deserialize`.
fn remove_derive(enumeration: &mut syn::ItemEnum, name: &str) {
    for attribute in &mut enumeration.attrs {
        if !attribute.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) =
            attribute.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept = paths
            .into_iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name));
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
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum NameOrList { Name(String), List(Vec<String>) }
                #[serde(untagged)]
                pub enum NameOrId { Name(String), Id(u64) }
                impl NameOrId { pub fn describe(&self) -> &str { match self { Self::Name(_) => "name", Self::Id(_) => "id" } } }
            }"#,
        );
        assert!(
            out.contains("List (Vec < String >) , # [doc = r\" A shape this version"),
            "{out}"
        );
        assert!(
            !out.contains("Id (u64) , # [doc"),
            "NameOrId has a match this stage cannot extend: {out}"
        );
        assert!(
            out.contains("# [derive (:: serde :: Serialize)]"),
            "the enum brings its own Deserialize: {out}"
        );
        // Enums of one value are discriminators and stay exact.
        let out = opened(r#"pub mod types { pub enum Kind { #[serde(rename = "http")] Http } }"#);
        assert!(!out.contains("Unknown"), "{out}");
    }

    const CONNECTION: &str = r#"pub mod types {
        #[serde(untagged)]
        pub enum Connection { Stdio(Stdio), Http(Http) }
        pub struct Stdio { #[serde(rename = "type")] pub type_: StdioType, pub command: String }
        pub enum StdioType { #[serde(rename = "stdio")] Stdio }
        pub struct Http { #[serde(rename = "type")] pub type_: HttpType, pub url: String }
        pub enum HttpType { #[serde(rename = "http")] Http }
    }"#;

    #[test]
    fn a_shared_const_property_routes_each_value_to_its_branch() {
        let out = opened(CONNECTION);
        assert!(out.contains("value . get (\"type\")"), "{out}");
        assert!(
            out.contains("Some (\"stdio\") => :: serde_json :: from_value :: < Stdio > (value)"),
            "{out}"
        );
        assert!(
            out.contains("Some (\"http\") => :: serde_json :: from_value :: < Http > (value)"),
            "{out}"
        );
        assert!(
            out.contains("_ => :: std :: result :: Result :: Ok (Self :: Unknown (value))"),
            "{out}"
        );
    }

    #[test]
    fn without_a_tag_the_json_kind_routes_and_an_enum_taking_anything_stays_closed() {
        let out = opened(
            r#"pub mod types {
                #[serde(untagged)]
                pub enum TtlOrList { Ttl(f64), List(Vec<String>) }
            }"#,
        );
        assert!(out.contains("if value . is_number ()"), "{out}");
        assert!(out.contains("if value . is_array ()"), "{out}");
        let out = opened(
            r#"pub mod types {
                #[serde(untagged)]
                pub enum Anything { Known(Known), Raw(::serde_json::Value) }
                pub struct Known { pub a: String }
            }"#,
        );
        assert!(
            !out.contains("Unknown"),
            "a branch takes every value, so nothing is unknown: {out}"
        );
    }
}
