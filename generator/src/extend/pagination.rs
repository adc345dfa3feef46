//! Item streams for paged list operations, from an `x-pagination` hint on the operation
//! (usually set by an overlay, since upstream specs rarely say how they page):
//!
//! ```yaml
//! x-pagination:            # page numbers: 1, 2, 3, ... until an empty page
//!   style: page
//!   page: page             # the query parameter carrying the page number
//!   items: servers         # the response's array of items
//!   totalPages: pagination.totalPages   # optional: also stop after this page
//! x-pagination:            # cursors: until the response gives no next cursor
//!   style: cursor
//!   cursor: cursor         # the query parameter carrying the cursor
//!   nextCursor: nextCursor # the response's next cursor (absent, null or "" ends)
//!   items: connections
//! ```
//!
//! Each hinted operation's builder gains `into_stream()`, which yields the items of every
//! page with one page resident (the runtime's `paging`). The hint is checked against the
//! operation: a parameter or response field it names that does not exist is an error that
//! points into the hint, in the overlay when the overlay set it.

use heck::ToSnakeCase;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use quote::{format_ident, quote};

use super::{TypeFacts, Wanted, builder_impls, internal, is_named, module_items, self_type_name, type_arguments};
use crate::error::{Error, Result, Stage};
use crate::overlay::Overlay;
use crate::pointer;
use crate::warning::Warning;

/// The extension holding the hint.
pub const EXTENSION: &str = "x-pagination";

/// How an operation pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Style {
    /// Page numbers in `page`; stop on an empty page or after `total_pages` (a dotted path).
    Page {
        page: String,
        total_pages: Option<Vec<String>>,
    },
    /// A cursor in `cursor`, the next one in the response's `next_cursor`.
    Cursor { cursor: String, next_cursor: String },
}

/// One operation's paging.
#[derive(Debug, Clone)]
pub struct Hint {
    pub operation_id: String,
    /// The wire name of the response's items array.
    pub items: String,
    pub style: Style,
}

/// Reads and checks every hint. `overlay` (when one was applied) is asked which action set a
/// hint, so that errors point at the line to fix.
pub fn hints(name: &str, api: &OpenAPI, overlay: Option<(&Overlay, &serde_json::Value)>) -> Result<Vec<Hint>> {
    let mut hints = Vec::new();
    let mut errors = Vec::new();
    for (path, item) in &api.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, operation) in item.iter() {
            // Every hint is read, and every failure reported at once (see `crate::degrade`).
            let read = || -> Result<Option<Hint>> {
                let Some(value) = operation.extensions.get(EXTENSION) else {
                    return Ok(None);
                };
                let at = pointer::join(&pointer::join("/paths", path), method);
                let error = |key: &str, reason: String| -> Error {
                    let key = if key.is_empty() {
                        String::new()
                    } else {
                        format!("/{key}")
                    };
                    match overlay.and_then(|(o, spec)| o.origin_of(spec, &at, EXTENSION).map(|action| (o, action))) {
                        Some((overlay, action)) => Error::at(
                            Stage::Overlay,
                            &overlay.name,
                            format!("{action}/update/{EXTENSION}{key}"),
                            reason,
                        ),
                        None => Error::at(Stage::Validate, name, format!("{at}/{EXTENSION}{key}"), reason),
                    }
                };
                let id = operation.operation_id.clone().unwrap_or_default();
                let text = |key: &str| -> Result<Option<String>> {
                    match value.get(key) {
                        None => Ok(None),
                        Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                        Some(other) => Err(error(key, format!("`{key}` must be a non-empty string, not {other}"))),
                    }
                };
                let required = |key: &str| -> Result<String> {
                    text(key)?.ok_or_else(|| error("", format!("`{EXTENSION}` of `{id}` needs `{key}`")))
                };
                if !value.is_object() {
                    return Err(error("", format!("`{EXTENSION}` must be an object, not {value}")));
                }
                let query = |key: &str, parameter: &str| -> Result<()> {
                    let found = operation.parameters.iter().any(|p| match p {
                        ReferenceOr::Item(openapiv3::Parameter::Query { parameter_data, .. }) => {
                            parameter_data.name == parameter
                        }
                        _ => false,
                    });
                    if found {
                        Ok(())
                    } else {
                        Err(error(
                            key,
                            format!("`{id}` has no query parameter `{parameter}` to carry the {key}"),
                        ))
                    }
                };
                let response = success_schema(api, operation);
                let field = |key: &str, path: &[String], want: Want| -> Result<()> {
                    let Some(schema) = response else {
                        return Err(error(
                            key,
                            format!("`{id}` has no JSON success response to page through"),
                        ));
                    };
                    let found = property(api, schema, path).ok_or_else(|| {
                        error(key, format!("the response of `{id}` has no field `{}`", path.join(".")))
                    })?;
                    if want.accepts(found) {
                        Ok(())
                    } else {
                        Err(error(
                            key,
                            format!(
                                "the field `{}` of `{id}`'s response is not {}",
                                path.join("."),
                                want.describe()
                            ),
                        ))
                    }
                };
                let items = required("items")?;
                field("items", std::slice::from_ref(&items), Want::Array)?;
                let style = match required("style")?.as_str() {
                    "page" => {
                        let page = required("page")?;
                        query("page", &page)?;
                        let total_pages = match text("totalPages")? {
                            Some(path) => {
                                let path: Vec<String> = path.split('.').map(str::to_owned).collect();
                                field("totalPages", &path, Want::Number)?;
                                Some(path)
                            }
                            None => None,
                        };
                        Style::Page { page, total_pages }
                    }
                    "cursor" => {
                        let cursor = required("cursor")?;
                        query("cursor", &cursor)?;
                        let next_cursor = required("nextCursor")?;
                        field("nextCursor", std::slice::from_ref(&next_cursor), Want::String)?;
                        Style::Cursor { cursor, next_cursor }
                    }
                    other => {
                        return Err(error(
                            "style",
                            format!("unknown paging style `{other}`: `page` or `cursor`"),
                        ));
                    }
                };
                Ok(Some(Hint {
                    operation_id: id,
                    items,
                    style,
                }))
            };
            match read() {
                Ok(Some(hint)) => hints.push(hint),
                Ok(None) => {}
                Err(error) => errors.push(error),
            }
        }
    }
    match Error::merge(errors) {
        Some(error) => Err(error),
        None => Ok(hints),
    }
}

#[derive(Clone, Copy)]
enum Want {
    Array,
    Number,
    String,
}

impl Want {
    fn accepts(self, schema: &Schema) -> bool {
        match (&schema.schema_kind, self) {
            (SchemaKind::Type(Type::Array(_)), Want::Array) => true,
            (SchemaKind::Type(Type::Number(_) | Type::Integer(_)), Want::Number) => true,
            (SchemaKind::Type(Type::String(_)), Want::String) => true,
            // A schema typify reads as "any": trust the hint.
            (SchemaKind::Any(any), _) => any.typ.is_none(),
            _ => false,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Want::Array => "an array",
            Want::Number => "a number",
            Want::String => "a string",
        }
    }
}

/// The schema of the first JSON success response.
fn success_schema<'a>(api: &'a OpenAPI, operation: &'a openapiv3::Operation) -> Option<&'a Schema> {
    operation
        .responses
        .responses
        .iter()
        .filter(|(code, _)| match code {
            openapiv3::StatusCode::Code(c) => (200..300).contains(c),
            openapiv3::StatusCode::Range(r) => *r == 2,
        })
        .find_map(|(_, response)| match response {
            ReferenceOr::Item(response) => response.content.get("application/json")?.schema.as_ref(),
            ReferenceOr::Reference { .. } => None,
        })
        .and_then(|schema| resolve(api, schema))
}

fn resolve<'a>(api: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    let mut schema = schema;
    for _ in 0..32 {
        match schema {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix("#/components/schemas/")?;
                schema = api.components.as_ref()?.schemas.get(&pointer::unescape(key))?;
            }
        }
    }
    None
}

/// The schema of the property at `path` (wire names), looking through `allOf`.
fn property<'a>(api: &'a OpenAPI, schema: &'a Schema, path: &[String]) -> Option<&'a Schema> {
    let Some((first, rest)) = path.split_first() else {
        return Some(schema);
    };
    let found = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.properties.get(first).and_then(|p| match p {
            ReferenceOr::Item(item) => Some(&**item),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix("#/components/schemas/")?;
                resolve(api, api.components.as_ref()?.schemas.get(&pointer::unescape(key))?)
            }
        }),
        SchemaKind::AllOf { all_of } => all_of
            .iter()
            .filter_map(|member| resolve(api, member))
            .find_map(|member| property(api, member, std::slice::from_ref(first))),
        _ => None,
    }?;
    property(api, found, rest)
}

/// Adds `into_stream()` to each hinted operation's builder. Needs the runtime (its `paging`
/// and error type); a client without it gets a warning per hint instead.
pub(crate) fn apply(
    hints: &[Hint],
    file: &mut syn::File,
    runtime: Option<&syn::Path>,
    warnings: &mut Vec<Warning>,
    types: &TypeFacts,
) -> Result<()> {
    let Some(runtime) = runtime else {
        for hint in hints {
            warnings.push(Warning {
                pointer: String::new(),
                message: format!(
                    "`{}` has an `{EXTENSION}` hint, but item streams need the client runtime: no `into_stream()`",
                    hint.operation_id
                ),
            });
        }
        return Ok(());
    };
    let type_names = &types.names;
    let structs: Vec<&syn::ItemStruct> = types.structs.iter().collect();
    let mut added = Vec::new();
    for implementation in builder_impls(file) {
        let Some(builder) = self_type_name(implementation) else {
            continue;
        };
        let Some(send) = implementation.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        }) else {
            continue;
        };
        // The runtime renamed progenitor's `send`, which names the operation, to `send_once`.
        let Some(id) = implementation.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send_once" || f.sig.ident == "send" => {
                super::runtime::operation_id(f)
            }
            _ => None,
        }) else {
            continue;
        };
        let Some(hint) = hint_for(hints, &id) else {
            continue;
        };
        let (response, error) = result_types(&send.sig.output)
            .ok_or_else(|| internal(&format!("`send` of `{builder}` has an unexpected return type")))?;
        let response_struct = struct_named(&structs, &response).ok_or_else(|| {
            internal(&format!(
                "the response type of `{}` is not a generated struct",
                hint.operation_id
            ))
        })?;
        let (items_field, items_type) = field(response_struct, &hint.items)
            .ok_or_else(|| internal(&format!("no field `{}` in `{}`", hint.items, response_struct.ident)))?;
        let item = element_type(&items_type).ok_or_else(|| {
            internal(&format!(
                "`{}` of `{}` is not a list",
                hint.items, response_struct.ident
            ))
        })?;
        // Inside `types` the item type is named bare; from `builder` it is `types::X`.
        let item: syn::Type = match &item {
            syn::Type::Path(p)
                if p.qself.is_none()
                    && p.path.segments.len() == 1
                    && type_names.contains(&p.path.segments[0].ident.to_string()) =>
            {
                syn::parse_quote!(types::#p)
            }
            other => other.clone(),
        };
        let builder_ident = format_ident!("{builder}");
        let response_ty = &response;
        let (function, doc_stop, send_closure, split, start) = match &hint.style {
            Style::Page { page, total_pages } => {
                let setter = format_ident!("{}", super::multipart::field_ident(&page.to_snake_case()));
                let total = match total_pages {
                    Some(path) => {
                        let walk = walk(&structs, response_struct, path).ok_or_else(|| {
                            internal(&format!(
                                "`{}` not found in `{}`",
                                path.join("."),
                                response_struct.ident
                            ))
                        })?;
                        quote!((|| -> Option<f64> { let value = &response; #walk Some(#runtime::paging::Count::count(value)) })())
                    }
                    None => quote!(None),
                };
                let stop = match total_pages {
                    Some(path) => format!(
                        "It stops at the first empty page or after the page `{}` calls the last.",
                        path.join(".")
                    ),
                    None => "It stops at the first empty page.".to_owned(),
                };
                (
                    quote!(page_numbers),
                    format!(
                        "Pages are numbered in `{page}`: the first request goes as built (with the page `{setter}` set, or none), each next one with the following number (from 1 when `{setter}` was not set). {stop}",
                    ),
                    quote!(|request: Self, page: Option<u64>| match page {
                        Some(page) => request.#setter(page).send(),
                        None => request.send(),
                    }),
                    quote!(|response: #response_ty| {
                        let total = #total;
                        (#runtime::paging::Items::into_items(response.#items_field), total)
                    }),
                    quote!(let start = #runtime::paging::StartPage::start_page(&self.#setter);),
                )
            }
            Style::Cursor { cursor, next_cursor } => {
                let setter = format_ident!("{}", super::multipart::field_ident(&cursor.to_snake_case()));
                let (next_field, _) = field(response_struct, next_cursor)
                    .ok_or_else(|| internal(&format!("no field `{next_cursor}` in `{}`", response_struct.ident)))?;
                (
                    quote!(cursors),
                    format!(
                        "The first request goes without `{cursor}`; each next one carries the `{next_cursor}` of the previous response, until a response has none (absent, null or empty)."
                    ),
                    quote!(|request: Self, cursor: Option<String>| {
                        let request = match cursor {
                            Some(cursor) => request.#setter(cursor),
                            None => request,
                        };
                        request.send()
                    }),
                    quote!(|response: #response_ty| {
                        let next = #runtime::paging::Cursor::into_cursor(response.#next_field);
                        (#runtime::paging::Items::into_items(response.#items_field), next)
                    }),
                    quote!(),
                )
            }
        };
        let start_arg = if start.is_empty() { quote!() } else { quote!(start,) };
        let summary = format!(
            "Streams the `{}` of every page, requesting each page only once the previous one has been consumed, so one page is in memory at a time.",
            hint.items
        );
        let filters =
            "The other arguments set on the builder apply to every page. An error ends the stream after it is yielded.";
        added.push(syn::parse_quote! {
            impl<'a> #builder_ident<'a> {
                #[doc = #summary]
                ///
                #[doc = #doc_stop]
                ///
                #[doc = #filters]
                pub fn into_stream(self) -> #runtime::paging::ItemStream<'a, #item, #error> {
                    #start
                    #runtime::paging::#function(self, #start_arg #send_closure, #split)
                }
            }
        });
    }
    if added.len() != hints.len() {
        return Err(internal(
            "not every operation with a paging hint was found in progenitor's output",
        ));
    }
    let builder = module_items(file, "builder").ok_or_else(|| internal("progenitor output has no `builder` module"))?;
    builder.extend(added);
    Ok(())
}

/// (`R`, `E`) of `Result<ResponseValue<R>, RUNTIME::Error<E>>`.
fn result_types(output: &syn::ReturnType) -> Option<(syn::Type, syn::Type)> {
    let outer = type_arguments(super::sent_result(output)?);
    let response = type_arguments(outer.first()?).into_iter().next()?;
    let error = type_arguments(outer.get(1)?).into_iter().next()?;
    Some((response, error))
}

/// The response types of the hinted operations: the structs of `types` that [`apply`]
/// reads.
pub(crate) fn wanted(hints: &[Hint], file: &mut syn::File) -> Wanted {
    let mut wanted = Wanted::new();
    for implementation in builder_impls(file) {
        let Some(send) = implementation.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        }) else {
            continue;
        };
        let Some(hint) = super::runtime::operation_id(send).and_then(|id| hint_for(hints, &id)) else {
            continue;
        };
        if let Some((syn::Type::Path(response), _)) = result_types(&send.sig.output)
            && let Some(last) = response.path.segments.last()
        {
            let path = match &hint.style {
                Style::Page {
                    total_pages: Some(path),
                    ..
                } => path.clone(),
                _ => Vec::new(),
            };
            wanted.insert((last.ident.to_string(), path));
        }
    }
    wanted
}

/// The hint of the operation whose `send` names `operation_id`.
fn hint_for<'a>(hints: &'a [Hint], operation_id: &syn::LitStr) -> Option<&'a Hint> {
    let id = operation_id.value().to_snake_case();
    hints.iter().find(|h| h.operation_id.to_snake_case() == id)
}

/// The generated struct a type such as `types::ServersListResponse` names.
fn struct_named<'a>(types: &[&'a syn::ItemStruct], ty: &syn::Type) -> Option<&'a syn::ItemStruct> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    types.iter().find(|s| s.ident == last.ident).copied()
}

/// The structs that `path` (wire names, as in a `totalPages` hint) passes through after
/// `start`: what [`walk`] reads besides `start` itself.
pub(crate) fn structs_on_path<'a>(
    types: &[&'a syn::ItemStruct],
    start: &'a syn::ItemStruct,
    path: &[String],
) -> Vec<&'a syn::ItemStruct> {
    let mut passed = Vec::new();
    let mut current = start;
    for segment in path.iter().take(path.len().saturating_sub(1)) {
        let Some((_, mut ty)) = field(current, segment) else {
            break;
        };
        if is_named(&ty, "Option") {
            let Some(inner) = type_arguments(&ty).into_iter().next() else {
                break;
            };
            ty = inner;
        }
        let Some(next) = struct_named(types, &ty) else { break };
        passed.push(next);
        current = next;
    }
    passed
}

/// The field of `item` whose wire name is `wire`, with its type.
fn field(item: &syn::ItemStruct, wire: &str) -> Option<(syn::Ident, syn::Type)> {
    let syn::Fields::Named(fields) = &item.fields else {
        return None;
    };
    fields
        .named
        .iter()
        .find_map(|f| (super::wire_name(f).as_deref() == Some(wire)).then(|| (f.ident.clone(), f.ty.clone())))
        .and_then(|(ident, ty)| Some((ident?, ty)))
}

/// `T` of `Vec<T>` or `Option<Vec<T>>`.
fn element_type(ty: &syn::Type) -> Option<syn::Type> {
    let inner = |ty: &syn::Type, name: &str| -> Option<syn::Type> {
        is_named(ty, name)
            .then(|| type_arguments(ty).into_iter().next())
            .flatten()
    };
    inner(ty, "Vec").or_else(|| inner(&inner(ty, "Option")?, "Vec"))
}

/// Statements that move `value` (a reference) along `path`, leaving the closure with `None`
/// where an optional field is absent.
fn walk(types: &[&syn::ItemStruct], start: &syn::ItemStruct, path: &[String]) -> Option<proc_macro2::TokenStream> {
    let mut current = start;
    let mut steps = proc_macro2::TokenStream::new();
    for (i, segment) in path.iter().enumerate() {
        let (ident, ty) = field(current, segment)?;
        steps.extend(quote!(let value = &value.#ident;));
        let mut ty = ty;
        if is_named(&ty, "Option") {
            steps.extend(quote!(let value = value.as_ref()?;));
            ty = type_arguments(&ty).into_iter().next()?;
        }
        if i + 1 < path.len() {
            current = struct_named(types, &ty)?;
        }
    }
    Some(steps)
}
