//! `x-prefixed-query`: query parameters whose names are not fixed, such as the metadata
//! filters `metadata.userId=alice` (OpenAPI has no style for them: `deepObject` would send
//! `metadata[userId]=alice`).
//!
//! The extension, on an operation, lists objects with `prefix` (the literal start of every
//! such name) and `description`. Each gives the builder a map setter named after the prefix
//! (`metadata.` → `.metadata(key, value)`), callable once per key; `send` adds one query
//! pair `prefix + key = value` per call, in call order, after the declared parameters. A
//! key that is empty or holds `=` or `&` fails the call before anything is sent, naming the
//! setter and the key.

use std::collections::BTreeMap;

use heck::{ToPascalCase, ToSnakeCase};
use openapiv3::{OpenAPI, ReferenceOr};
use quote::format_ident;

use super::builder_fields;

/// The extension's name.
pub const EXTENSION: &str = "x-prefixed-query";

/// One prefixed family of query parameters of one operation.
#[derive(Debug, Clone)]
pub(crate) struct Prefixed {
    pub prefix: String,
    pub description: Option<String>,
    /// The setter's (and the builder field's) name.
    pub setter: String,
}

/// The prefixed families of each builder (by struct name). An entry without a usable
/// `prefix` is skipped: there is nothing to name its parameters after.
pub(crate) fn families(api: &OpenAPI) -> BTreeMap<String, Vec<Prefixed>> {
    let mut out = BTreeMap::new();
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let (Some(serde_json::Value::Array(entries)), Some(id)) =
                (operation.extensions.get(EXTENSION), &operation.operation_id)
            else {
                continue;
            };
            let taken: Vec<String> = operation
                .parameters
                .iter()
                .filter_map(|p| crate::validate::parameter(api, p))
                .map(|p| p.parameter_data_ref().name.to_snake_case())
                .collect();
            let mut families = Vec::new();
            for entry in entries {
                let Some(prefix) = entry.get("prefix").and_then(|p| p.as_str()).filter(|p| !p.is_empty()) else {
                    continue;
                };
                let base = prefix.trim_matches(|c: char| !c.is_alphanumeric()).to_snake_case();
                let base = if base.is_empty() { "prefixed".to_owned() } else { base };
                let setter = if taken.contains(&base) || base == "body" || base == "send" {
                    format!("{base}_prefixed")
                } else {
                    base
                };
                families.push(Prefixed {
                    prefix: prefix.to_owned(),
                    description: entry.get("description").and_then(|d| d.as_str()).map(str::to_owned),
                    setter,
                });
            }
            if !families.is_empty() {
                out.insert(id.to_pascal_case(), families);
            }
        }
    }
    out
}

/// Adds each family's field, setter and query pairs to its builder.
pub(crate) fn apply(file: &mut syn::File, families: &BTreeMap<String, Vec<Prefixed>>) {
    if families.is_empty() {
        return;
    }
    let Some(items) = super::module_items(file, "builder") else {
        return;
    };
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(structure) => {
                let Some(families) = families.get(&structure.ident.to_string()) else {
                    continue;
                };
                if let syn::Fields::Named(named) = &mut structure.fields {
                    for family in families {
                        let field = format_ident!("{}", family.setter);
                        let added: syn::FieldsNamed = syn::parse_quote!({ #field: ::std::vec::Vec<(::std::string::String, ::std::string::String)> });
                        named.named.extend(added.named);
                    }
                }
            }
            syn::Item::Impl(implementation) if implementation.trait_.is_none() => {
                let Some(families) = super::self_type_name(implementation).and_then(|n| families.get(&n)) else {
                    continue;
                };
                for member in &mut implementation.items {
                    let syn::ImplItem::Fn(function) = member else { continue };
                    match function.sig.ident.to_string().as_str() {
                        "new" => {
                            let empty = families.iter().map(|family| {
                                let field = format_ident!("{}", family.setter);
                                syn::parse_quote!(#field: ::std::vec::Vec::new())
                            });
                            builder_fields::init(&mut function.block, empty.collect());
                        }
                        "send" => {
                            let fields: Vec<syn::Ident> =
                                families.iter().map(|f| format_ident!("{}", f.setter)).collect();
                            builder_fields::take(&mut function.block, &fields);
                            builder_fields::before_build(&mut function.block, |receiver| {
                                let mut chained = receiver.clone();
                                for field in &fields {
                                    chained = syn::parse_quote!(#chained.query(&#field));
                                }
                                chained
                            });
                            builder_fields::after_take(&mut function.block, pairs(families));
                        }
                        _ => {}
                    }
                }
                for family in families {
                    implementation.items.push(setter(family));
                }
            }
            _ => {}
        }
    }
}

fn setter(family: &Prefixed) -> syn::ImplItem {
    let ident = format_ident!("{}", family.setter);
    let prefix = &family.prefix;
    let mut doc = family
        .description
        .clone()
        .unwrap_or_else(|| format!("Query parameters named `{prefix}` followed by a key."));
    doc.push_str(&format!(
        "\n\nEach call adds the query parameter `{prefix}KEY=VALUE` (`.{}(\"userId\", \"alice\")` sends \
         `{prefix}userId=alice`), in call order. A key that is empty or holds `=` or `&` fails the \
         call before anything is sent.",
        family.setter
    ));
    syn::parse_quote! {
        #[doc = #doc]
        pub fn #ident(
            mut self,
            key: impl ::std::convert::Into<::std::string::String>,
            value: impl ::std::convert::Into<::std::string::String>,
        ) -> Self {
            self.#ident.push((key.into(), value.into()));
            self
        }
    }
}

/// For right after `let Self { .. } = self;`: each family's pairs, checked and prefixed.
fn pairs(families: &[Prefixed]) -> Vec<syn::Stmt> {
    families
        .iter()
        .map(|family| {
            let field = format_ident!("{}", family.setter);
            let prefix = &family.prefix;
            let setter = &family.setter;
            syn::parse_quote! {
                let #field: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = #field
                    .into_iter()
                    .map(|(key, value)| {
                        if key.is_empty() || key.contains(['=', '&']) {
                            Err(format!("`{}` key {:?}: a key must be non-empty and hold neither `=` nor `&`", #setter, key))
                        } else {
                            Ok((format!("{}{}", #prefix, key), value))
                        }
                    })
                    .collect::<::std::result::Result<_, _>>()
                    .map_err(Error::InvalidRequest)?;
            }
        })
        .collect()
}
