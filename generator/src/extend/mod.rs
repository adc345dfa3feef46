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
mod builder_fields;
pub mod deprecation;
pub mod docs;
pub mod encoding;
pub mod error_bodies;
pub mod item_docs;
pub mod multipart;
pub mod nullable;
pub mod objects;
pub mod open_enums;
pub mod optional_body;
pub mod pagination;
pub mod path_segments;
pub mod prefixed_query;
pub mod query_arrays;
pub mod request_assembly;
pub mod runtime;
pub mod servers;
pub mod setters;
pub mod streamed;

use std::collections::BTreeSet;

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
    let mut file = parse(tokens)?;
    let inputs = Inputs {
        name,
        api,
        settings,
        overlay,
    };
    extend_part(&inputs, &mut file, warnings, &mut Types::Here(None))?;
    Ok(file)
}

/// What every run of the extensions reads: the document (by its name, for errors), how to
/// extend it, and the overlay that was applied, to point errors in hints at its actions.
#[derive(Clone, Copy)]
pub(crate) struct Inputs<'a> {
    pub(crate) name: &'a str,
    pub(crate) api: &'a openapiv3::OpenAPI,
    pub(crate) settings: &'a Settings,
    pub(crate) overlay: Option<(&'a crate::overlay::Overlay, &'a serde_json::Value)>,
}

/// Parses progenitor's tokens (or a part of them).
pub(crate) fn parse(tokens: TokenStream) -> Result<syn::File> {
    syn::parse2(tokens).map_err(|e| internal(&format!("progenitor output does not parse: {e}")))
}

/// Which part of progenitor's output a run of [`extend_part`] changes. The `types` module
/// holds most of a large document's code, so [`crate::split`] extends it on a thread of its
/// own; each extension touches one side or both, in the same order as for the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Whole,
    /// The `types` module alone.
    Types,
    /// Everything but the `types` module, which is left as an empty placeholder.
    Rest,
}

impl Part {
    pub(crate) fn has_types(self) -> bool {
        self != Part::Rest
    }

    pub(crate) fn has_rest(self) -> bool {
        self != Part::Types
    }
}

/// The structs of the `types` module an extension outside it reads: each by name, with the
/// path of fields (wire names) it follows from there into other structs.
pub(crate) type Wanted = BTreeSet<(String, Vec<String>)>;

/// What the extensions outside the `types` module read from it: the names of its types
/// (to link them in docs and check event types) and the structs they look into
/// (pagination's response pages, error bodies' message fields).
#[derive(Default)]
pub(crate) struct TypeFacts {
    pub(crate) names: BTreeSet<String>,
    pub(crate) structs: Vec<syn::ItemStruct>,
}

/// [`TypeFacts`] as text, to cross from the thread that owns the `types` module's syntax
/// tree (which cannot leave its thread) to the thread that extends the rest.
#[derive(Debug, Default)]
pub(crate) struct TypeFactsText {
    names: BTreeSet<String>,
    structs: Vec<String>,
}

impl TypeFacts {
    /// Reads the facts from the `types` module of `file`, with only the `wanted` structs.
    fn read(file: &mut syn::File, wanted: &Wanted) -> Self {
        let mut facts = TypeFacts::default();
        let Some(items) = module_items(file, "types") else {
            return facts;
        };
        let mut structs = Vec::new();
        for item in items.iter() {
            let name = match item {
                syn::Item::Struct(s) => {
                    structs.push(s);
                    s.ident.to_string()
                }
                syn::Item::Enum(e) => e.ident.to_string(),
                syn::Item::Type(t) => t.ident.to_string(),
                _ => continue,
            };
            facts.names.insert(name);
        }
        let mut read: std::collections::BTreeMap<String, &syn::ItemStruct> = Default::default();
        for (name, path) in wanted {
            let Some(start) = structs.iter().copied().find(|s| s.ident == name) else {
                continue;
            };
            read.insert(name.clone(), start);
            for passed in pagination::structs_on_path(&structs, start, path) {
                read.insert(passed.ident.to_string(), passed);
            }
        }
        facts.structs = read.into_values().cloned().collect();
        facts
    }

    fn to_text(&self) -> TypeFactsText {
        TypeFactsText {
            names: self.names.clone(),
            structs: self
                .structs
                .iter()
                .map(|s| quote::ToTokens::to_token_stream(s).to_string())
                .collect(),
        }
    }

    fn from_text(text: TypeFactsText) -> Result<Self> {
        let structs = text
            .structs
            .iter()
            .map(|s| syn::parse_str(s).map_err(|e| internal(&format!("a struct of `types` does not parse back: {e}"))))
            .collect::<Result<_>>()?;
        Ok(TypeFacts {
            names: text.names,
            structs,
        })
    }
}

/// Where the `types` module is, for the extensions that read it from outside.
pub(crate) enum Types {
    /// In the file being extended; holds the structs wanted, once they are known.
    Here(Option<Wanted>),
    /// On another thread ([`Part::Rest`]): the wanted struct names go there, the facts come
    /// back.
    Elsewhere {
        wanted: std::sync::mpsc::Sender<Wanted>,
        facts: std::sync::mpsc::Receiver<TypeFactsText>,
    },
    /// This thread extends the `types` module for another ([`Part::Types`]).
    Serving {
        wanted: std::sync::mpsc::Receiver<Wanted>,
        facts: std::sync::mpsc::Sender<TypeFactsText>,
    },
}

/// The other thread stopped before the exchange: it failed, and its error is the one to
/// report.
pub(crate) const OTHER_HALF_FAILED: &str = "the other half of the extend stage stopped";

impl Types {
    fn part(&self) -> Part {
        match self {
            Types::Here(_) => Part::Whole,
            Types::Elsewhere { .. } => Part::Rest,
            Types::Serving { .. } => Part::Types,
        }
    }

    /// The rest's side: names the structs its extensions will look into.
    fn want(&mut self, names: Wanted) {
        match self {
            Types::Here(wanted) => *wanted = Some(names),
            // A closed channel means the types' thread failed; its error is reported.
            Types::Elsewhere { wanted, .. } => {
                let _ = wanted.send(names);
            }
            Types::Serving { .. } => {}
        }
    }

    /// The rest's side: the facts, once the `types` module has every change but its docs.
    fn facts(&mut self, file: &mut syn::File) -> Result<TypeFacts> {
        match self {
            Types::Here(wanted) => Ok(TypeFacts::read(file, &wanted.take().unwrap_or_default())),
            Types::Elsewhere { facts, .. } => match facts.recv() {
                Ok(text) => TypeFacts::from_text(text),
                Err(_) => Err(internal(OTHER_HALF_FAILED)),
            },
            Types::Serving { .. } => Ok(TypeFacts::default()),
        }
    }

    /// The types' side: hands the facts the rest wants over, and returns the type names
    /// for its own docs.
    fn serve(&mut self, file: &mut syn::File) -> Result<BTreeSet<String>> {
        match self {
            Types::Serving { wanted, facts } => {
                let wanted = wanted.recv().map_err(|_| internal(OTHER_HALF_FAILED))?;
                let read = TypeFacts::read(file, &wanted);
                facts.send(read.to_text()).map_err(|_| internal(OTHER_HALF_FAILED))?;
                Ok(read.names)
            }
            _ => Ok(BTreeSet::new()),
        }
    }
}

/// Applies every extension to `types.part()` of the file. The two sides are disjoint, so
/// each keeps the order the whole file gets; they meet once, where the rest's extensions
/// start reading the finished `types` module (all but its docs, which change no name or
/// field).
pub(crate) fn extend_part(
    inputs: &Inputs<'_>,
    file: &mut syn::File,
    warnings: &mut Vec<crate::Warning>,
    types: &mut Types,
) -> Result<()> {
    let Inputs {
        name, api, settings, ..
    } = *inputs;
    let part = types.part();
    crate::generate::fix_up(name, api, file, part)?;
    let multipart = multipart::multipart_operations(name, api)?;
    if part.has_types() {
        multipart::remove_unused_form_types(&multipart, file);
        setters::apply_to_bodies(file);
        open_enums::apply(file);
        nullable::apply(api, file);
        deprecation::apply(api, file, Part::Types);
    }
    let names = match part {
        Part::Types => types.serve(file)?,
        _ => extend_rest(inputs, file, warnings, types, &multipart)?,
    };
    // Last, so that it documents the items every other extension added.
    item_docs::apply(api, &multipart, file, settings.runtime.is_some(), part, names);
    Ok(())
}

/// The extensions outside the `types` module, up to their docs. Returns the names of the
/// generated types, for the docs to link.
fn extend_rest(
    inputs: &Inputs<'_>,
    file: &mut syn::File,
    warnings: &mut Vec<crate::Warning>,
    types: &mut Types,
    multipart: &[multipart::MultipartOperation],
) -> Result<BTreeSet<String>> {
    let Inputs {
        name,
        api,
        settings,
        overlay,
    } = *inputs;
    let servers = servers::Groups::read(name, api)?;
    let hints = pagination::hints(name, api, overlay)?;
    let runtime_path: Option<syn::Path> = match &settings.runtime {
        Some(runtime) => Some(
            syn::parse_str(runtime).map_err(|e| internal(&format!("runtime path `{runtime}` is not a path: {e}")))?,
        ),
        None => None,
    };
    // Named now, from progenitor's `send`s, so that the types' side can hand the structs
    // over as soon as it is done.
    let mut error_bodies = BTreeSet::new();
    let mut wanted = Wanted::new();
    if runtime_path.is_some() {
        error_bodies = error_bodies::bodies(file);
        wanted.extend(error_bodies.iter().map(|name| (name.clone(), Vec::new())));
        wanted.extend(pagination::wanted(&hints, file));
    }
    types.want(wanted);
    multipart::apply(multipart, file)?;
    path_segments::apply(api, file)?;
    encoding::apply(file);
    setters::apply_to_operations(file);
    optional_body::apply(file, &optional_body::builders(api));
    prefixed_query::apply(file, &prefixed_query::families(api));
    api_version::apply(file);
    query_arrays::apply(api, file);
    deprecation::apply(api, file, Part::Rest);
    docs::apply(
        api,
        multipart,
        file,
        settings.crate_name.as_deref(),
        settings.runtime.as_deref(),
    );
    let facts;
    if let (Some(runtime), Some(path)) = (&settings.runtime, &runtime_path) {
        // Before `runtime`, which renames progenitor's `send` to `send_once`.
        servers::apply(&servers, file, true, warnings)?;
        runtime::apply(file, runtime, settings.profile.as_deref(), &servers)?;
        facts = types.facts(file)?;
        error_bodies::apply(file, path, &error_bodies, &facts);
        pagination::apply(&hints, file, Some(path), warnings, &facts)?;
        streamed::apply(&streamed::bodies(api), file, path, &facts.names)?;
    } else {
        servers::apply(&servers, file, false, warnings)?;
        facts = types.facts(file)?;
        pagination::apply(&hints, file, None, warnings, &facts)?;
    }
    // After `servers`, which reads the URL's `format!`.
    request_assembly::apply(file);
    Ok(facts.names)
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
