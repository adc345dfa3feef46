//! Stage 6: what progenitor lacks, added to its output.
//!
//! Each submodule makes one kind of change to the syntax tree progenitor produced, and
//! leaves everything else as progenitor wrote it:
//!
//! - [`multipart`]: request bodies in `multipart/form-data` (progenitor has none);
//! - [`api_version`]: no `api-version` header, which no official SDK sends;
//! - [`path_segments`]: path parameters that would change the request's path (`..`, empty);
//! - [`setters`]: integer setters taking any integer type, and missing-argument messages
//!   naming the setter;
//! - [`encoding`]: path values and query spaces encoded as the official SDKs encode them;
//! - [`query_arrays`]: array query parameters declared `explode: false`, sent comma-joined;
//! - [`open_enums`]: response enums and `oneOf` types that still deserialize values the spec
//!   does not list yet;
//! - [`deprecation`]: `deprecated: true` as `#[deprecated]` on methods, setters and fields;
//! - [`nullable`]: optional nullable request fields that can be sent as `null` or left out;
//! - [`docs`]: each operation's documentation, with a compiled example and its error table;
//! - [`error_bodies`]: the server's message in each declared error body, for the runtime's
//!   errors;
//! - [`pagination`]: item streams for operations with an `x-pagination` hint;
//! - [`streamed`]: binary and event-stream responses, returned unread with the runtime's
//!   `Download` and `EventStream`;
//! - [`servers`]: operations whose spec names another server than the document's, sent to
//!   their own base URL group;
//! - [`runtime`]: for a client crate that ships a runtime (retries, auth, typed errors), the
//!   `send` of every operation routed through it;
//! - [`request_assembly`]: each request's URL joined with one allocation, and no header map
//!   for operations without header parameters;
//! - [`item_docs`]: last, documentation for every public item still without any (setters,
//!   fields, variants, builders), and links from paged operations to their item streams.

pub mod api_version;
pub mod deprecation;
pub mod docs;
pub mod encoding;
pub mod error_bodies;
pub mod item_docs;
pub mod multipart;
pub mod nullable;
pub mod objects;
pub mod open_enums;
pub mod pagination;
pub mod path_segments;
pub mod query_arrays;
pub mod request_assembly;
pub mod runtime;
pub mod servers;
pub mod setters;
pub mod streamed;

use proc_macro2::TokenStream;

use crate::error::{Error, Result, Stage};

/// What the extend stage adds beyond the changes every client gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Path of the hand-written runtime module in the client crate (for example
    /// `crate::runtime`); see [`runtime`] for what it must provide. `None` generates a
    /// self-contained client with progenitor's plain `send`.
    pub runtime: Option<String>,
    /// The client crate's name as Rust code spells it (`smithery_registry`). When set, each
    /// operation's documentation carries an example that rustdoc compiles.
    pub crate_name: Option<String>,
    /// Path of the client's `Profile` const in the crate (its environment variables and
    /// retry policy, which the spec cannot state); `None` uses the runtime's
    /// `Profile::DEFAULT`. Only used with `runtime`.
    pub profile: Option<String>,
}

impl Settings {
    /// The settings `cargo xtask codegen` uses for the `smithery-registry` crate's main
    /// surface (the current API).
    pub fn registry_client() -> Self {
        Self {
            runtime: Some("crate::runtime".to_owned()),
            crate_name: Some("smithery_registry".to_owned()),
            profile: Some("crate::extras::profile::CURRENT".to_owned()),
        }
    }

    /// The settings for the seed-era registry API, generated into `smithery_registry::seed`.
    pub fn seed_client() -> Self {
        Self {
            runtime: Some("crate::runtime".to_owned()),
            crate_name: Some("smithery_registry::seed".to_owned()),
            profile: Some("crate::extras::profile::SEED".to_owned()),
        }
    }
}

/// Applies every extension to progenitor's output. The result stays a syntax tree: turning
/// it back into tokens only for `render` to parse them again would double the cost of the
/// two most expensive steps of the pipeline.
pub fn extend(
    name: &str,
    api: &openapiv3::OpenAPI,
    tokens: TokenStream,
    settings: &Settings,
    overlay: Option<(&crate::overlay::Overlay, &serde_json::Value)>,
    warnings: &mut Vec<crate::Warning>,
) -> Result<syn::File> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| internal(&format!("progenitor output does not parse: {e}")))?;
    crate::generate::fix_up(name, api, &mut file)?;
    let multipart = multipart::multipart_operations(name, api)?;
    let servers = servers::Groups::read(name, api)?;
    let hints = pagination::hints(name, api, overlay)?;
    multipart::apply(&multipart, &mut file)?;
    path_segments::apply(api, &mut file)?;
    encoding::apply(&mut file);
    setters::apply(&mut file);
    api_version::apply(&mut file);
    query_arrays::apply(api, &mut file);
    open_enums::apply(&mut file);
    nullable::apply(api, &mut file);
    deprecation::apply(api, &mut file);
    docs::apply(
        api,
        &multipart,
        &mut file,
        settings.crate_name.as_deref(),
        settings.runtime.as_deref(),
    );
    if let Some(runtime) = &settings.runtime {
        // Before `runtime`, which renames progenitor's `send` to `send_once`.
        servers::apply(&servers, &mut file, true, warnings)?;
        runtime::apply(&mut file, runtime, settings.profile.as_deref(), &servers)?;
        let runtime: syn::Path =
            syn::parse_str(runtime).map_err(|e| internal(&format!("runtime path `{runtime}` is not a path: {e}")))?;
        error_bodies::apply(&mut file, &runtime);
        pagination::apply(&hints, &mut file, Some(&runtime), warnings)?;
        streamed::apply(&streamed::bodies(api), &mut file, &runtime)?;
    } else {
        servers::apply(&servers, &mut file, false, warnings)?;
        pagination::apply(&hints, &mut file, None, warnings)?;
    }
    // After `servers`, which reads the URL's `format!`.
    request_assembly::apply(&mut file);
    // Last, so that it documents the items every other extension added.
    item_docs::apply(api, &multipart, &mut file, settings.runtime.is_some());
    Ok(file)
}

/// `#[doc = "text"]`, built directly: `parse_quote!` would print the text as a token and
/// parse it back, which on large documents (a doc attribute on every generated item) costs
/// more than all the rest of writing the documentation.
pub(crate) fn doc_attribute(text: &str) -> syn::Attribute {
    let span = proc_macro2::Span::call_site();
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: syn::Ident::new("doc", span).into(),
            eq_token: Default::default(),
            value: string_expr(text),
        }),
    }
}

/// The string literal `"text"` as an expression, built directly (see [`doc_attribute`]).
pub(crate) fn string_expr(text: &str) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::Lit::Str(syn::LitStr::new(text, proc_macro2::Span::call_site())),
    })
}

pub(crate) fn internal(what: &str) -> Error {
    Error::new(
        Stage::Generate,
        None,
        format!("internal error: {what}. Please report this with the spec that caused it."),
    )
}

/// The items of the top-level module `name` (`types`, `builder`).
pub(crate) fn module_items<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The builder structs' `impl` blocks, which hold `new`, the setters and `send`.
pub(crate) fn builder_impls(file: &mut syn::File) -> Vec<&mut syn::ItemImpl> {
    match module_items(file, "builder") {
        Some(items) => items
            .iter_mut()
            .filter_map(|item| match item {
                syn::Item::Impl(i) if i.trait_.is_none() => Some(i),
                _ => None,
            })
            .collect(),
        None => Vec::new(),
    }
}

/// What a `send` returns: `Result<..>` as written, or the `Output` of the
/// `impl Future<Output = Result<..>>` that the runtime's `send` returns.
pub(crate) fn sent_result(output: &syn::ReturnType) -> Option<&syn::Type> {
    let syn::ReturnType::Type(_, output) = output else {
        return None;
    };
    let syn::Type::ImplTrait(future) = &**output else {
        return Some(output);
    };
    future.bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last().filter(|s| s.ident == "Future")?;
        let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
            return None;
        };
        arguments.args.iter().find_map(|argument| match argument {
            syn::GenericArgument::AssocType(output) if output.ident == "Output" => Some(&output.ty),
            _ => None,
        })
    })
}

/// The name of the type an `impl` block is for.
pub(crate) fn self_type_name(implementation: &syn::ItemImpl) -> Option<String> {
    match &*implementation.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The type arguments of a path type's last segment: `[T, E]` for `Result<T, E>`, empty for
/// a type without any.
pub(crate) fn type_arguments(ty: &syn::Type) -> Vec<syn::Type> {
    let syn::Type::Path(path) = ty else { return Vec::new() };
    let Some(syn::PathArguments::AngleBracketed(arguments)) = path.path.segments.last().map(|s| &s.arguments) else {
        return Vec::new();
    };
    arguments
        .args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// Whether `ty`'s last path segment is `name` (`Vec`, `Option`, `ResponseValue`, ...).
pub(crate) fn is_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// The names of the types progenitor generated in its `types` module.
pub(crate) fn type_names(file: &mut syn::File) -> Vec<String> {
    module_items(file, "types")
        .map(|items| {
            items
                .iter()
                .filter_map(|item| match item {
                    syn::Item::Struct(s) => Some(s.ident.to_string()),
                    syn::Item::Enum(e) => Some(e.ident.to_string()),
                    syn::Item::Type(t) => Some(t.ident.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The field's name on the wire: its `#[serde(rename = "...")]`, else its identifier.
pub(crate) fn wire_name(field: &syn::Field) -> Option<String> {
    serde_rename(field).or_else(|| {
        field
            .ident
            .as_ref()
            .map(|i| i.to_string().trim_start_matches("r#").to_owned())
    })
}

/// The field's `#[serde(rename = "...")]`, if it has one (other serde options are read and
/// ignored).
pub(crate) fn serde_rename(field: &syn::Field) -> Option<String> {
    serde_rename_in(&field.attrs)
}

/// The `#[serde(rename = "...")]` among `attrs` (a field's or an enum variant's), if any.
pub(crate) fn serde_rename_in(attrs: &[syn::Attribute]) -> Option<String> {
    for attribute in attrs {
        if !attribute.path().is_ident("serde") {
            continue;
        }
        let mut renamed = None;
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in meta.input);
                let _: proc_macro2::TokenStream = content.parse()?;
            }
            Ok(())
        });
        if renamed.is_some() {
            return renamed;
        }
    }
    None
}
