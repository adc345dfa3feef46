//! `multipart/form-data` request bodies, which progenitor lacks.
//!
//! progenitor has no `multipart/form-data` request bodies. [`crate::generate`] hands it such
//! operations without their body, so it still generates the method, the builder, the path
//! and query handling and the response mapping; this stage then grows that builder by one
//! setter per form part and makes `send` attach the form. Nothing else of progenitor's
//! output is touched.

use heck::{ToPascalCase, ToSnakeCase};
use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result, Stage};
use crate::generate::MULTIPART;
use crate::pointer;
use crate::validate::METHODS;

use super::builder_fields;

/// A `multipart/form-data` operation and the parts of its form.
#[derive(Debug, Clone)]
pub struct MultipartOperation {
    pub operation_id: String,
    pub parts: Vec<FormPart>,
    /// The Rust type of the form's component schema (`DeployRequest`) when the form is a
    /// `$ref` and nothing else in the document refers to that component: the parts'
    /// setters replace it, so the type would be public and used by nothing.
    pub unused_form_type: Option<String>,
}

/// One part of a multipart form.
#[derive(Debug, Clone)]
pub struct FormPart {
    /// The part's name on the wire.
    pub name: String,
    pub required: bool,
    pub kind: PartKind,
    /// An array sent as one part per item, each of `kind`, all under the part's name.
    pub repeated: bool,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
    pub description: Option<String>,
    /// The part's example value, as the spec gives it.
    pub example: Option<String>,
}

/// How a part's value is typed in Rust and put on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartKind {
    /// A value serialized to a JSON string; the name is the generated type, if the schema
    /// names one (`contentSchema` with a `$ref`).
    Json(Option<String>),
    /// Raw bytes (`format: binary`, from 3.1 `contentMediaType`), sent as a file part.
    Bytes,
    /// A text field.
    Text,
}

/// Adds multipart support to progenitor's output for `operations`
/// (from [`multipart_operations`]), outside the `types` module; see also
/// [`remove_unused_form_types`].
pub fn apply(operations: &[MultipartOperation], file: &mut syn::File) -> Result<()> {
    if operations.is_empty() {
        return Ok(());
    }
    let builder_mod =
        super::module_items(file, "builder").ok_or_else(|| internal("progenitor output has no `builder` module"))?;
    for operation in operations {
        extend_builder(builder_mod, operation)?;
    }
    file.items.push(syn::parse_quote!(#FILE_PART));
    Ok(())
}

use super::internal;

/// Finds the multipart operations and reads their form schema.
pub fn multipart_operations(name: &str, api: &openapiv3::OpenAPI) -> Result<Vec<MultipartOperation>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (path, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, operation) in item.iter() {
            // Every operation is read, and every failure reported at once (see `crate::degrade`).
            let read = || -> Result<Option<MultipartOperation>> {
                let Some(ReferenceOr::Item(body)) = &operation.request_body else {
                    return Ok(None);
                };
                let Some(media) = body.content.get(MULTIPART) else {
                    return Ok(None);
                };
                let at = format!(
                    "{}/{method}/requestBody/content/{}",
                    pointer::join("/paths", path),
                    pointer::escape(MULTIPART)
                );
                let err = |at: &str, reason: &str| Error::at(Stage::Generate, name, at, reason.to_owned());
                if !METHODS.contains(&method) {
                    return Ok(None);
                }
                if body.content.len() > 1 {
                    return Err(err(
                        &at,
                        "a multipart body offered beside other media types is not supported yet",
                    ));
                }
                let schema = media
                    .schema
                    .as_ref()
                    .ok_or_else(|| err(&at, "a multipart body needs a schema"))?;
                let schema = resolve_schema(api, schema)
                    .ok_or_else(|| err(&format!("{at}/schema"), "`$ref` points to nothing"))?;
                // Where the properties are written: under the body, or in the component it names.
                let properties_at = match media.schema.as_ref() {
                    Some(ReferenceOr::Reference { reference }) if reference.starts_with("#/") => {
                        format!("{}/properties", &reference[1..])
                    }
                    _ => format!("{at}/schema/properties"),
                };
                // The parts: an object's properties (with or without `type: object`), or, for
                // a body that is one value (a file, a list of files), that value as the one
                // part the encoding names (else `file`).
                let (members, required): (Vec<(String, &Schema)>, Vec<String>) = match &schema.schema_kind {
                    SchemaKind::Type(Type::Object(object)) => (
                        resolve_members(api, &object.properties, &properties_at)
                            .map_err(|at| err(&at, "`$ref` points to nothing"))?,
                        object.required.clone(),
                    ),
                    SchemaKind::Any(any) if !any.properties.is_empty() => (
                        resolve_members(api, &any.properties, &properties_at)
                            .map_err(|at| err(&at, "`$ref` points to nothing"))?,
                        any.required.clone(),
                    ),
                    _ => {
                        let name = match media.encoding.keys().collect::<Vec<_>>().as_slice() {
                            [only] => (*only).clone(),
                            _ => "file".to_owned(),
                        };
                        (vec![(name.clone(), schema)], vec![name])
                    }
                };
                let mut parts = Vec::new();
                for (part, property) in &members {
                    let (part, property) = (part, *property);
                    // OpenAPI allows a list (`image/png, image/jpeg`): a part is sent with one, the first.
                    let encoding_type = media
                        .encoding
                        .get(part)
                        .and_then(|e| e.content_type.as_deref())
                        .and_then(|list| list.split(',').map(str::trim).find(|t| !t.is_empty()))
                        .map(str::to_owned);
                    // An array is sent as one part per item (`file` repeated), unless it is
                    // declared to travel as one JSON part.
                    let items = repeated_items(api, property, encoding_type.as_deref());
                    let repeated = items.is_some();
                    let property = items.unwrap_or(property);
                    let kind = part_kind(property);
                    // OpenAPI's defaults: an object is `application/json`; a string, even one
                    // holding JSON (`contentSchema`), is a text field with no type of its own.
                    let is_string = matches!(property.schema_kind, SchemaKind::Type(Type::String(_)));
                    let content_type = encoding_type.or_else(|| match &kind {
                        PartKind::Json(_) if is_string => None,
                        PartKind::Json(_) => Some("application/json".into()),
                        PartKind::Bytes => property
                            .schema_data
                            .extensions
                            .get("x-content-media-type")
                            .and_then(|v| v.as_str())
                            .map(str::to_owned)
                            .or_else(|| Some("application/octet-stream".into())),
                        PartKind::Text => None,
                    });
                    parts.push(FormPart {
                        name: part.clone(),
                        required: required.contains(part),
                        repeated,
                        kind,
                        content_type,
                        description: property.schema_data.description.clone(),
                        example: property
                            .schema_data
                            .example
                            .as_ref()
                            .and_then(|e| e.as_str())
                            .map(str::to_owned),
                    });
                }
                // Required parts first, so that the setters read in the order a user fills them.
                parts.sort_by_key(|part| !part.required);
                let operation_id = operation.operation_id.clone().unwrap_or_default();
                let form_component = match media.schema.as_ref() {
                    Some(ReferenceOr::Reference { reference }) => reference.strip_prefix("#/components/schemas/"),
                    _ => None,
                };
                Ok(Some(MultipartOperation {
                    operation_id,
                    parts,
                    unused_form_type: form_component.map(str::to_owned),
                }))
            };
            match read() {
                Ok(Some(operation)) => out.push(operation),
                Ok(None) => {}
                Err(error) => errors.push(error),
            }
        }
    }
    if let Some(error) = Error::merge(errors) {
        return Err(error);
    }
    // Keep a form component only if something besides the multipart bodies refers to it.
    // Counting `$ref`s in the serialized document is crude but exact, and only runs for
    // documents with multipart forms.
    if out.iter().any(|o| o.unused_form_type.is_some()) {
        let document = serde_json::to_string(api).unwrap_or_default();
        for index in 0..out.len() {
            let Some(component) = out[index].unused_form_type.clone() else {
                continue;
            };
            let as_form = out
                .iter()
                .filter(|o| o.unused_form_type.as_deref() == Some(component.as_str()))
                .count();
            let everywhere = document
                .matches(&format!("\"#/components/schemas/{component}\""))
                .count();
            out[index].unused_form_type = (everywhere == as_form).then(|| component.to_pascal_case());
        }
    }
    Ok(out)
}

/// Removes the types (and their typify builders) of form components nothing else uses.
pub(crate) fn remove_unused_form_types(operations: &[MultipartOperation], file: &mut syn::File) {
    let unused: Vec<&str> = operations
        .iter()
        .filter_map(|o| o.unused_form_type.as_deref())
        .collect();
    if unused.is_empty() {
        return;
    }
    let named = |item: &syn::Item| {
        let name = match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Impl(i) => super::self_type_name(i),
            _ => None,
        };
        name.is_some_and(|n| unused.contains(&n.as_str()))
    };
    if let Some(types) = super::module_items(file, "types") {
        types.retain(|item| !named(item));
        for item in types.iter_mut() {
            if let syn::Item::Mod(builders) = item
                && builders.ident == "builder"
                && let Some((_, items)) = &mut builders.content
            {
                items.retain(|item| !named(item));
            }
        }
    }
}

fn part_kind(schema: &Schema) -> PartKind {
    if let Some(content_schema) = schema.schema_data.extensions.get("x-content-schema") {
        let named = content_schema
            .get("$ref")
            .and_then(|r| r.as_str())
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(|n| n.to_pascal_case());
        return PartKind::Json(named);
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => {
            PartKind::Bytes
        }
        SchemaKind::Type(Type::String(_)) => PartKind::Text,
        _ => PartKind::Json(None),
    }
}

/// Why a part cannot be put in a form, if it cannot. A form part carries one string, one
/// file or one JSON document. An array would be one part per item under the same name,
/// which the client does not send; an array declared as JSON (`encoding.<part>.contentType`
/// or `contentMediaType`) is one JSON part and fine.
/// The item schema of an array part sent as repeated parts; `None` for any other part,
/// and for an array declared to travel as one JSON part (`encoding.<part>.contentType` or
/// `contentMediaType` of JSON, or a `contentSchema`).
fn repeated_items<'a>(
    api: &'a openapiv3::OpenAPI,
    schema: &'a Schema,
    encoding_type: Option<&str>,
) -> Option<&'a Schema> {
    let items = match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
        SchemaKind::Any(any) => any.items.as_ref(),
        _ => return None,
    };
    let declared = encoding_type.or_else(|| {
        schema
            .schema_data
            .extensions
            .get("x-content-media-type")
            .and_then(|v| v.as_str())
    });
    let json = declared.is_some_and(|media| {
        let media = media.split(';').next().unwrap_or_default().trim();
        media == "application/json" || media.ends_with("+json")
    });
    if json || schema.schema_data.extensions.contains_key("x-content-schema") {
        return None;
    }
    static ANY: std::sync::LazyLock<Schema> = std::sync::LazyLock::new(|| Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Any(Default::default()),
    });
    Some(match items {
        Some(ReferenceOr::Item(item)) => item.as_ref(),
        Some(ReferenceOr::Reference { reference }) => resolve_reference(api, reference).unwrap_or(&ANY),
        None => &ANY,
    })
}

/// The properties of a form, each resolved, in order; `Err` with the pointer of one whose
/// `$ref` points to nothing.
fn resolve_members<'a>(
    api: &'a openapiv3::OpenAPI,
    properties: impl IntoIterator<Item = (&'a String, &'a ReferenceOr<Box<Schema>>)>,
    at: &str,
) -> std::result::Result<Vec<(String, &'a Schema)>, String> {
    properties
        .into_iter()
        .map(|(name, property)| match property {
            ReferenceOr::Item(boxed) => Ok((name.clone(), boxed.as_ref())),
            ReferenceOr::Reference { reference } => resolve_reference(api, reference)
                .map(|schema| (name.clone(), schema))
                .ok_or_else(|| pointer::join(at, name)),
        })
        .collect()
}

fn resolve_schema<'a>(api: &'a openapiv3::OpenAPI, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => resolve_reference(api, reference),
    }
}

fn resolve_reference<'a>(api: &'a openapiv3::OpenAPI, reference: &str) -> Option<&'a Schema> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    resolve_schema(api, api.components.as_ref()?.schemas.get(name)?)
}

/// The identifier progenitor gives a parameter or field named `name`: snake case, with
/// characters an identifier cannot hold replaced, a leading `_` before a digit and a
/// trailing `_` after a keyword. Never panics, whatever the spec calls things.
pub(crate) fn field_ident(name: &str) -> syn::Ident {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' })
        .collect();
    let mut snake = cleaned.to_snake_case();
    if snake.is_empty() {
        snake.push('x');
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    [snake.clone(), format!("{snake}_")]
        .iter()
        .find_map(|candidate| syn::parse_str::<syn::Ident>(candidate).ok())
        .unwrap_or_else(|| format_ident!("x_"))
}

/// The Rust type a part's setter stores.
fn part_type(part: &FormPart) -> TokenStream {
    let item = item_type(part);
    if part.repeated {
        quote! { ::std::vec::Vec<#item> }
    } else {
        item
    }
}

/// The Rust type of one of the part's values (each item of a repeated part).
fn item_type(part: &FormPart) -> TokenStream {
    match &part.kind {
        PartKind::Json(Some(name)) => {
            let ident = format_ident!("{}", name);
            quote! { types::#ident }
        }
        PartKind::Json(None) => quote! { ::serde_json::Value },
        PartKind::Bytes => quote! { super::multipart::FilePart },
        PartKind::Text => quote! { ::std::string::String },
    }
}

fn extend_builder(items: &mut [syn::Item], operation: &MultipartOperation) -> Result<()> {
    let builder = operation.operation_id.to_pascal_case();
    let missing = |what: &str| internal(&format!("progenitor's builder `{builder}` has no {what}"));

    let fields: Vec<syn::Field> = operation
        .parts
        .iter()
        .map(|part| {
            let ident = field_ident(&part.name);
            let ty = part_type(part);
            let field: syn::FieldsNamed = if part.required {
                syn::parse_quote!({ #ident: Result<#ty, String> })
            } else {
                syn::parse_quote!({ #ident: Result<Option<#ty>, String> })
            };
            field
                .named
                .into_iter()
                .next()
                .ok_or_else(|| internal("field did not parse"))
        })
        .collect::<Result<_>>()?;

    let structure = items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == builder => Some(s),
            _ => None,
        })
        .ok_or_else(|| missing("struct"))?;
    let syn::Fields::Named(named) = &mut structure.fields else {
        return Err(missing("named fields"));
    };
    named.named.extend(fields);

    let implementation = items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Impl(i) if matches!(&*i.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == builder)) => Some(i),
            _ => None,
        })
        .ok_or_else(|| missing("impl"))?;

    for item in implementation.items.iter_mut() {
        let syn::ImplItem::Fn(function) = item else { continue };
        if function.sig.ident == "new" {
            builder_fields::init(&mut function.block, initial_values(&operation.parts));
        } else if function.sig.ident == "send" {
            let names: Vec<syn::Ident> = operation.parts.iter().map(|p| field_ident(&p.name)).collect();
            let taken = builder_fields::take(&mut function.block, &names);
            let attached = builder_fields::before_build(&mut function.block, |r| syn::parse_quote!(#r.multipart(form)));
            if !taken || !attached {
                return Err(missing("`send` of the expected shape"));
            }
            insert_form_construction(&mut function.block, &operation.parts)?;
        }
    }

    for part in &operation.parts {
        implementation.items.push(setter(part));
    }
    Ok(())
}

fn setter(part: &FormPart) -> syn::ImplItem {
    let ident = field_ident(&part.name);
    let ty = part_type(part);
    let mut doc = part
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` part of the form.", part.name));
    doc.push_str(&format!(
        "\n\nSent as the multipart part `{}`{}{}.",
        part.name,
        part.content_type
            .as_ref()
            .map(|c| format!(" with content type `{c}`"))
            .unwrap_or_default(),
        if part.required { "; required" } else { "; optional" },
    ));
    if part.kind == PartKind::Bytes {
        doc.push_str(
            " A path is streamed from disk (anew on each attempt) under its own file name; bytes \
             are sent under the part's name, or under the one given to `FilePart::named`.",
        );
    }
    if part.repeated {
        doc.push_str(" Each item of the list is sent as a part of its own, under the same name.");
        let item = item_type(part);
        let collected = quote! { value.into_iter().map(::std::convert::Into::into).collect() };
        let value = if part.required {
            quote! { Ok(#collected) }
        } else {
            quote! { Ok(Some(#collected)) }
        };
        return syn::parse_quote! {
            #[doc = #doc]
            pub fn #ident<V>(mut self, value: V) -> Self
            where
                V: ::std::iter::IntoIterator,
                V::Item: ::std::convert::Into<#item>,
            {
                self.#ident = #value;
                self
            }
        };
    }
    let value = match (&part.kind, part.required) {
        (PartKind::Bytes, true) => quote! { Ok(value.into()) },
        (PartKind::Bytes, false) => quote! { Ok(Some(value.into())) },
        (_, required) => {
            let failure = format!(
                "conversion to `{}` for {} failed",
                ty.to_string().replace(' ', ""),
                part.name
            );
            let map_some = if required {
                quote! {}
            } else {
                quote! { .map(Some) }
            };
            quote! { value.try_into() #map_some .map_err(|_| #failure.to_string()) }
        }
    };
    let bound = match part.kind {
        PartKind::Bytes => quote! { V: ::std::convert::Into<super::multipart::FilePart> },
        _ => quote! { V: ::std::convert::TryInto<#ty> },
    };
    syn::parse_quote! {
        #[doc = #doc]
        pub fn #ident<V>(mut self, value: V) -> Self
        where
            #bound,
        {
            self.#ident = #value;
            self
        }
    }
}

/// The parts' initial values in `new`: a required part unset, an optional one absent.
fn initial_values(parts: &[FormPart]) -> Vec<syn::FieldValue> {
    parts
        .iter()
        .map(|part| {
            let ident = field_ident(&part.name);
            if part.required {
                let message = format!("{} was not initialized", part.name);
                syn::parse_quote!(#ident: Err(#message.to_string()))
            } else {
                syn::parse_quote!(#ident: Ok(None))
            }
        })
        .collect()
}

/// Inserts, right after `let Self { .. } = self;`, the statements that check each part and
/// assemble the form.
fn insert_form_construction(block: &mut syn::Block, parts: &[FormPart]) -> Result<()> {
    let mut statements: Vec<syn::Stmt> = Vec::new();
    let mut assembly = Vec::new();
    for part in parts {
        let ident = field_ident(&part.name);
        let name = &part.name;
        statements.push(syn::parse_quote! { let #ident = #ident.map_err(Error::InvalidRequest)?; });
        let make_part = match &part.kind {
            PartKind::Json(_) => {
                let failure = format!("{name}: cannot serialize to JSON: ");
                quote! {
                    ::reqwest::multipart::Part::text(
                        ::serde_json::to_string(&value).map_err(|e| Error::InvalidRequest(format!("{}{}", #failure, e)))?,
                    )
                }
            }
            PartKind::Bytes => {
                // The file's own type (the caller's), else the declared one, else
                // `application/octet-stream`: `FilePart::into_part` chooses.
                let declared = match &part.content_type {
                    Some(declared) => quote! { Some(#declared) },
                    None => quote! { None },
                };
                quote! {
                    value.into_part(#name, #declared).await.map_err(Error::InvalidRequest)?
                }
            }
            PartKind::Text => quote! { ::reqwest::multipart::Part::text(value) },
        };
        let with_type = match &part.content_type {
            Some(_) if part.kind == PartKind::Bytes => make_part,
            Some(content_type) => quote! {
                #make_part.mime_str(#content_type).map_err(|e| Error::InvalidRequest(e.to_string()))?
            },
            None => make_part,
        };
        assembly.push(if part.repeated {
            let values = if part.required {
                quote! { #ident }
            } else {
                quote! { #ident.unwrap_or_default() }
            };
            quote! {
                let form = {
                    let mut form = form;
                    for value in #values {
                        form = form.part(#name, #with_type);
                    }
                    form
                };
            }
        } else if part.required {
            quote! { let form = { let value = #ident; form.part(#name, #with_type) }; }
        } else {
            quote! {
                let form = match #ident {
                    Some(value) => form.part(#name, #with_type),
                    None => form,
                };
            }
        });
    }
    statements.push(syn::parse_quote! {
        let form = {
            let form = ::reqwest::multipart::Form::new();
            #(#assembly)*
            form
        };
    });
    if !builder_fields::after_take(block, statements) {
        return Err(internal("`send` does not destructure `self`"));
    }
    Ok(())
}

/// The type file parts are given as, emitted once into a client that has multipart bodies.
/// A path is opened and streamed anew for each attempt, so a retried upload is sent in full
/// without holding the file in memory.
const FILE_PART: FilePartTokens = FilePartTokens;

struct FilePartTokens;

impl quote::ToTokens for FilePartTokens {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(quote! {
            /// Contents of the file parts of multipart request bodies.
            pub mod multipart {
                /// A file part: its contents (bytes in memory: `Vec<u8>`, `&[u8]`, `&[u8; N]` as
                /// `include_bytes!` gives, `bytes::Bytes`; or a file streamed from disk:
                /// `PathBuf`, `&Path`, and a path given as `&str` or `String`, so that
                /// `.module("dist/index.js")` reads that file), its file name and its type.
                ///
                /// The part's file name (`filename` in its `Content-Disposition`) is the last
                /// component of the name given to [`FilePart::named`] or
                /// [`FilePart::with_file_name`], else of the path, else the part's name. Its
                /// `Content-Type` is the one given to [`FilePart::with_content_type`], else
                /// the one the API declares for the part, else `application/octet-stream`.
                #[derive(Clone, Debug, PartialEq, Eq)]
                pub struct FilePart {
                    contents: Contents,
                    file_name: ::std::option::Option<::std::string::String>,
                    content_type: ::std::option::Option<::std::string::String>,
                }

                #[derive(Clone, Debug, PartialEq, Eq)]
                enum Contents {
                    Bytes(::std::vec::Vec<u8>),
                    /// Opened and streamed when the request is sent (again on each retry).
                    Path(::std::path::PathBuf),
                }

                impl FilePart {
                    /// Bytes sent under `file_name` (say `photo.png`; of a path, the last
                    /// component) rather than the part's name.
                    pub fn named(
                        file_name: impl ::std::convert::Into<::std::string::String>,
                        bytes: impl ::std::convert::Into<::std::vec::Vec<u8>>,
                    ) -> Self {
                        Self::from(bytes.into()).with_file_name(file_name)
                    }

                    /// The same contents under another file name (its last component is sent).
                    pub fn with_file_name(mut self, file_name: impl ::std::convert::Into<::std::string::String>) -> Self {
                        self.file_name = Some(file_name.into());
                        self
                    }

                    /// The same contents with this `Content-Type` (`image/png`), instead of the
                    /// one the API declares for the part. A value that is not a MIME type fails
                    /// the call before anything is sent, naming the part.
                    pub fn with_content_type(mut self, content_type: impl ::std::convert::Into<::std::string::String>) -> Self {
                        self.content_type = Some(content_type.into());
                        self
                    }

                    /// The multipart part for these contents, sent as the form part `part_name`
                    /// with `declared` as its type unless the caller gave one; the error names
                    /// the part.
                    pub async fn into_part(
                        self,
                        part_name: &str,
                        declared: ::std::option::Option<&str>,
                    ) -> ::std::result::Result<::reqwest::multipart::Part, ::std::string::String> {
                        let last = |name: &str| name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
                        let (part, from_path) = match self.contents {
                            Contents::Bytes(bytes) => (::reqwest::multipart::Part::bytes(bytes), None),
                            Contents::Path(path) => {
                                let part = ::reqwest::multipart::Part::file(&path)
                                    .await
                                    .map_err(|e| format!("{part_name}: {}: {e}", path.display()))?;
                                (part, path.file_name().map(|n| n.to_string_lossy().into_owned()))
                            }
                        };
                        let file_name = match (self.file_name, from_path) {
                            (Some(name), _) if !last(&name).is_empty() => last(&name),
                            (_, Some(name)) => name,
                            _ => part_name.to_owned(),
                        };
                        let content_type = self
                            .content_type
                            .as_deref()
                            .or(declared)
                            .unwrap_or("application/octet-stream");
                        part.file_name(file_name)
                            .mime_str(content_type)
                            .map_err(|_| format!("{part_name}: `{content_type}` is not a MIME type"))
                    }
                }

                impl ::std::convert::From<::std::vec::Vec<u8>> for FilePart {
                    fn from(bytes: ::std::vec::Vec<u8>) -> Self {
                        Self {
                            contents: Contents::Bytes(bytes),
                            file_name: None,
                            content_type: None,
                        }
                    }
                }

                impl ::std::convert::From<&[u8]> for FilePart {
                    fn from(bytes: &[u8]) -> Self {
                        Self::from(bytes.to_vec())
                    }
                }

                impl<const N: usize> ::std::convert::From<&[u8; N]> for FilePart {
                    fn from(bytes: &[u8; N]) -> Self {
                        Self::from(bytes.to_vec())
                    }
                }

                impl ::std::convert::From<::bytes::Bytes> for FilePart {
                    fn from(bytes: ::bytes::Bytes) -> Self {
                        Self::from(::std::vec::Vec::from(bytes))
                    }
                }

                /// A path to a file, read when the request is sent.
                impl ::std::convert::From<&str> for FilePart {
                    fn from(path: &str) -> Self {
                        Self::from(::std::path::PathBuf::from(path))
                    }
                }

                /// A path to a file, read when the request is sent.
                impl ::std::convert::From<::std::string::String> for FilePart {
                    fn from(path: ::std::string::String) -> Self {
                        Self::from(::std::path::PathBuf::from(path))
                    }
                }

                impl ::std::convert::From<::std::path::PathBuf> for FilePart {
                    fn from(path: ::std::path::PathBuf) -> Self {
                        Self {
                            contents: Contents::Path(path),
                            file_name: None,
                            content_type: None,
                        }
                    }
                }

                impl ::std::convert::From<&::std::path::Path> for FilePart {
                    fn from(path: &::std::path::Path) -> Self {
                        Self::from(path.to_path_buf())
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::field_ident;

    #[test]
    fn any_name_becomes_an_identifier() {
        let idents: Vec<String> = ["payload", "sourceMap", "type", "1", "", "a b/c", "ünï", "self"]
            .iter()
            .map(|n| field_ident(n).to_string())
            .collect();
        assert_eq!(
            idents,
            ["payload", "source_map", "type_", "_1", "x", "a_b_c", "ünï", "self_"]
        );
    }
}
