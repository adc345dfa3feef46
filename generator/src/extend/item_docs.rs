//! Documentation for every public item the rest of the pipeline leaves undocumented, so that
//! a client crate can build with `#![deny(missing_docs)]` and no exception for its
//! generated code.
//!
//! It runs last, after every other extension, and documents whatever items exist then:
//!
//! - operation builders: each parameter setter from the parameter's description, followed
//!   by what the spec says about it (where it is sent, its wire name, whether it is required,
//!   its type, bounds, values and default); `new`, `body` and `body_map`;
//! - typed JSON parts of multipart forms: the type taken, not the JSON string on the wire;
//! - types: fields without a description get the same kind of sentence from their property
//!   schema, enum variants their wire value or the type they hold, `builder()` and every
//!   struct builder and its setters a sentence each;
//! - operations whose builder streams its items (`into_stream`) link to that stream.
//!
//! Items that already carry documentation (from the spec, or another extension) keep it.

use std::collections::BTreeMap;

use heck::{ToPascalCase, ToSnakeCase};
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type};

use super::multipart::{self, PartKind};
use super::{module_items, self_type_name, serde_rename, type_arguments};

/// How many enum values a sentence lists before it only says how many there are.
const MAX_LISTED_VALUES: usize = 12;

/// Documents every public item of `file` that has no documentation yet. With a `runtime`,
/// progenitor's `Error` is no longer re-exported: the runtime's `Error` is the client's, and
/// two public `Error`s side by side would both be listed in the crate's index. `known` are
/// the names of the types typify generated; only `part` of the file is documented.
pub(crate) fn apply(
    api: &OpenAPI,
    multipart: &[multipart::MultipartOperation],
    file: &mut syn::File,
    runtime: bool,
    part: super::Part,
    known: std::collections::BTreeSet<String>,
) {
    KNOWN_TYPES.with(|types| *types.borrow_mut() = known);
    if part.has_rest() {
        document_groups(api, file);
    }
    if part.has_types() {
        document_types(api, &SchemaIndex::new(api), file);
    }
    if part.has_rest() {
        document_builders(api, multipart, file);
        link_item_streams(file);
        if runtime {
            unexport_progenitor_error(file);
        }
    }
    // The sentences quote names from the adapted document, which may still hold the adapt
    // stage's placeholders for renamed parameters and properties.
    crate::generate::restore_docs(api, file);
    KNOWN_TYPES.with(|types| types.borrow_mut().clear());
}

thread_local! {
    /// The names of the types typify produced, set by `apply` for the time it writes docs:
    /// each sentence is checked by `doc_attribute` as it is written, which costs far less on
    /// a large document than reading every doc comment of the file back afterwards.
    static KNOWN_TYPES: std::cell::RefCell<std::collections::BTreeSet<String>> =
        const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
}

/// A doc attribute holding `text`, with its links to types typify did not produce made
/// plain code (see [`unlink`]).
fn doc_attribute(text: &str) -> syn::Attribute {
    let text = KNOWN_TYPES
        .with(|types| unlink(text, &types.borrow()))
        .unwrap_or_else(|| text.to_owned());
    super::doc_attribute(&text)
}

/// Turns `pub use progenitor_client::{.., Error, ..}` into the same re-export without
/// `Error` plus a private `use progenitor_client::Error`, which the builders still use for
/// their single attempts.
fn unexport_progenitor_error(file: &mut syn::File) {
    let Some(position) = file.items.iter().position(|item| {
        matches!(item, syn::Item::Use(u) if is_pub(&u.vis) && quote::quote!(#u).to_string().contains("progenitor_client"))
    }) else {
        return;
    };
    let syn::Item::Use(re_export) = &mut file.items[position] else {
        return;
    };
    let syn::UseTree::Path(path) = &mut re_export.tree else {
        return;
    };
    let syn::UseTree::Group(group) = &mut *path.tree else {
        return;
    };
    let before = group.items.len();
    group.items = std::mem::take(&mut group.items)
        .into_iter()
        .filter(|tree| !matches!(tree, syn::UseTree::Name(n) if n.ident == "Error"))
        .collect();
    if group.items.len() != before {
        file.items.insert(
            position + 1,
            syn::parse_quote!(
                #[allow(unused_imports)]
                use progenitor_client::Error;
            ),
        );
    }
}

/// Whether an item already has a doc comment.
pub(crate) fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// Adds `text` as the item's documentation, first among its attributes as a doc comment
/// written by hand would be.
fn push_doc(attrs: &mut Vec<syn::Attribute>, text: &str) {
    attrs.insert(0, doc_attribute(text));
}

/// The joined text of an item's doc comments.
fn doc_of(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs.iter().filter_map(super::docs::doc_text).collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

// ----------------------------------------------------------------------------------------
// Schemas by the name typify gives their Rust type.

/// The spec's schemas by the Rust type names typify derives from them: each component by its
/// name, and each inline object or enum under a property by `{Parent}{Property}` (an array's
/// items as `{Parent}{Property}Item`), which is how typify names them.
struct SchemaIndex<'a> {
    by_type: BTreeMap<String, &'a Schema>,
    /// Where each type is used, as phrases ("the answer of `list_items`", "the `state`
    /// member of [`Status`](Status)"), for types the spec does not describe.
    uses: BTreeMap<String, Vec<String>>,
}

impl<'a> SchemaIndex<'a> {
    fn new(api: &'a OpenAPI) -> Self {
        let mut index = Self {
            by_type: BTreeMap::new(),
            uses: BTreeMap::new(),
        };
        if let Some(components) = &api.components {
            for (name, schema) in &components.schemas {
                if let ReferenceOr::Item(schema) = schema {
                    index.add(&name.to_pascal_case(), schema, 0);
                }
            }
        }
        index.add_operation_uses(api);
        index
    }

    fn used(&mut self, type_name: String, phrase: String) {
        let uses = self.uses.entry(type_name).or_default();
        if !uses.contains(&phrase) {
            uses.push(phrase);
        }
    }

    /// Request bodies, answers and error bodies that name a component.
    fn add_operation_uses(&mut self, api: &OpenAPI) {
        for (_, item) in api.paths.paths.iter() {
            let ReferenceOr::Item(item) = item else { continue };
            for (_, operation) in item.iter() {
                let Some(id) = &operation.operation_id else { continue };
                let method = id.to_snake_case();
                if let Some(ReferenceOr::Item(body)) = &operation.request_body {
                    for media in body.content.values() {
                        if let Some(name) = media.schema.as_ref().and_then(component_name) {
                            self.used(name, format!("the request body of `{method}`"));
                        }
                    }
                }
                for (status, response) in &operation.responses.responses {
                    let ReferenceOr::Item(response) = response else {
                        continue;
                    };
                    let success = match status {
                        openapiv3::StatusCode::Code(code) => *code < 400,
                        openapiv3::StatusCode::Range(range) => *range < 4,
                    };
                    for media in response.content.values() {
                        if let Some(name) = media.schema.as_ref().and_then(component_name) {
                            let phrase = if success {
                                format!("the answer of `{method}`")
                            } else {
                                format!("the error body of `{method}`")
                            };
                            self.used(name, phrase);
                        }
                    }
                }
            }
        }
    }

    fn add(&mut self, name: &str, schema: &'a Schema, depth: usize) {
        // Deep nesting only happens in pathological documents; names that deep are guesses.
        if depth > 8 || self.by_type.contains_key(name) {
            return;
        }
        self.by_type.insert(name.to_owned(), schema);
        if let Some(properties) = properties(schema) {
            for (property, value) in properties {
                let member = format!("the `{property}` member of [`{name}`]({name})");
                match value {
                    ReferenceOr::Reference { reference } => {
                        if let Some(target) = reference.strip_prefix("#/components/schemas/") {
                            self.used(target.to_pascal_case(), member);
                        }
                    }
                    ReferenceOr::Item(inner) => {
                        let inner_name = format!("{name}{}", property.to_pascal_case());
                        self.used(inner_name.clone(), member.clone());
                        self.add(&inner_name, inner, depth + 1);
                        if let SchemaKind::Type(Type::Array(array)) = &inner.schema_kind {
                            let items = format!("an item of {member}");
                            match &array.items {
                                Some(ReferenceOr::Item(item)) => {
                                    self.used(format!("{inner_name}Item"), items);
                                    self.add(&format!("{inner_name}Item"), item, depth + 1);
                                }
                                Some(ReferenceOr::Reference { reference }) => {
                                    if let Some(target) = reference.strip_prefix("#/components/schemas/") {
                                        self.used(target.to_pascal_case(), items);
                                    }
                                }
                                None => {}
                            }
                        }
                    }
                }
            }
        }
        let alternatives = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => Some(one_of),
            SchemaKind::AnyOf { any_of } => Some(any_of),
            _ => None,
        };
        for alternative in alternatives.into_iter().flatten() {
            if let ReferenceOr::Reference { reference } = alternative
                && let Some(target) = reference.strip_prefix("#/components/schemas/")
            {
                self.used(target.to_pascal_case(), format!("one shape of [`{name}`]({name})"));
            }
        }
    }

    fn get(&self, name: &str) -> Option<&'a Schema> {
        self.by_type.get(name).copied()
    }

    /// A type's documentation from where it is used, for a type the spec leaves undescribed.
    fn usage_doc(&self, name: &str) -> Option<String> {
        /// How many uses a sentence lists before it counts the rest.
        const LISTED: usize = 4;
        let uses = self.uses.get(name)?;
        let mut listed: Vec<String> = uses.iter().take(LISTED).cloned().collect();
        if uses.len() > LISTED {
            listed.push(format!("{} more", uses.len() - LISTED));
        }
        let text = match listed.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => return None,
        };
        Some(format!("{}.", capitalized(&text)))
    }
}

/// The component a `$ref` schema names, as its Rust type name.
fn component_name(schema: &ReferenceOr<Schema>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(|n| n.to_pascal_case()),
        ReferenceOr::Item(_) => None,
    }
}

/// One property of an object schema: its wire name and schema.
type Property<'a> = (&'a String, &'a ReferenceOr<Box<Schema>>);

/// An object schema's properties, in declaration order.
fn properties(schema: &Schema) -> Option<Vec<Property<'_>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some(object.properties.iter().collect()),
        SchemaKind::Any(any) if !any.properties.is_empty() => Some(any.properties.iter().collect()),
        _ => None,
    }
}

fn property<'a>(schema: &'a Schema, name: &str) -> Option<&'a ReferenceOr<Box<Schema>>> {
    properties(schema)?
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
}

fn required(schema: &Schema) -> &[String] {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => &object.required,
        SchemaKind::Any(any) => &any.required,
        _ => &[],
    }
}

fn resolve<'a>(api: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => component(api, reference),
    }
}

fn resolve_boxed<'a>(api: &'a OpenAPI, schema: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => component(api, reference),
    }
}

fn component<'a>(api: &'a OpenAPI, reference: &str) -> Option<&'a Schema> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    api.components.as_ref()?.schemas.get(name)?.as_item()
}

// ----------------------------------------------------------------------------------------
// Sentences about a schema.

/// A noun phrase for what a value of `schema` is: "an integer from 1 to 100", "a date and
/// time (RFC 3339 text)", "one of `a`, `b`", "a [`Name`](types::Name)". `types` is how the
/// place the text lands spells the `types` module (`types::`, `super::`, or empty).
fn describe(api: &OpenAPI, schema: &ReferenceOr<Box<Schema>>, types: &str) -> String {
    match schema {
        ReferenceOr::Reference { reference } => {
            let Some(name) = reference.strip_prefix("#/components/schemas/") else {
                return "a value".to_owned();
            };
            let name = name.to_pascal_case();
            let mut phrase = format!("{} [`{name}`]({types}{name})", article(&name));
            if let Some(target) = component(api, reference) {
                let values = enum_values(target);
                if !values.is_empty() {
                    phrase.push_str(&format!(" ({})", one_of_values(&values)));
                }
            }
            phrase
        }
        ReferenceOr::Item(schema) => describe_item(api, schema, types),
    }
}

fn describe_item(api: &OpenAPI, schema: &Schema, types: &str) -> String {
    let values = enum_values(schema);
    if values.len() == 1 {
        return format!("always `{}`", values[0]);
    }
    if !values.is_empty() {
        return one_of_values(&values);
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            let mut phrase = match &s.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
                    "a date and time (RFC 3339 text)".to_owned()
                }
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => {
                    "a date (`YYYY-MM-DD`)".to_owned()
                }
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => "raw bytes".to_owned(),
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Byte) => {
                    "base64-encoded bytes".to_owned()
                }
                openapiv3::VariantOrUnknownOrEmpty::Unknown(format) => match format.as_str() {
                    "uri" | "url" => "a URL".to_owned(),
                    "email" => "an email address".to_owned(),
                    "uuid" => "a UUID".to_owned(),
                    other => format!("a string (format `{other}`)"),
                },
                _ => "a string".to_owned(),
            };
            match (s.min_length, s.max_length) {
                (Some(min), Some(max)) => phrase.push_str(&format!(" of {min} to {max} characters")),
                (Some(min), None) if min > 0 => phrase.push_str(&format!(" of at least {min} characters")),
                (None, Some(max)) => phrase.push_str(&format!(" of at most {max} characters")),
                _ => {}
            }
            if let Some(pattern) = &s.pattern {
                phrase.push_str(&format!(" matching `{pattern}`"));
            }
            phrase
        }
        SchemaKind::Type(Type::Integer(i)) => bounded(
            "an integer",
            i.minimum.map(|m| m.to_string()),
            i.exclusive_minimum,
            i.maximum.map(|m| m.to_string()),
            i.exclusive_maximum,
        ),
        SchemaKind::Type(Type::Number(n)) => bounded(
            "a number",
            n.minimum.map(|m| m.to_string()),
            n.exclusive_minimum,
            n.maximum.map(|m| m.to_string()),
            n.exclusive_maximum,
        ),
        SchemaKind::Type(Type::Boolean(_)) => "`true` or `false`".to_owned(),
        SchemaKind::Type(Type::Array(array)) => {
            let items = array
                .items
                .as_ref()
                .map(|items| describe(api, items, types))
                .unwrap_or_else(|| "values".to_owned());
            let mut phrase = format!("a list, each item {items}");
            match (array.min_items, array.max_items) {
                (Some(min), Some(max)) => phrase.push_str(&format!(" ({min} to {max} items)")),
                (Some(min), None) if min > 0 => phrase.push_str(&format!(" (at least {min} items)")),
                (None, Some(max)) => phrase.push_str(&format!(" (at most {max} items)")),
                _ => {}
            }
            phrase
        }
        SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
            "a JSON object with any members".to_owned()
        }
        SchemaKind::Type(Type::Object(_)) => "a JSON object".to_owned(),
        SchemaKind::OneOf { one_of: options } | SchemaKind::AnyOf { any_of: options } => {
            let names: Vec<String> = options
                .iter()
                .filter_map(|o| match o {
                    ReferenceOr::Reference { reference } => reference
                        .strip_prefix("#/components/schemas/")
                        .map(|n| format!("`{}`", n.to_pascal_case())),
                    ReferenceOr::Item(_) => None,
                })
                .collect();
            if names.len() == options.len() && !names.is_empty() {
                format!("one of the shapes {}", names.join(", "))
            } else {
                "a value of one of several shapes".to_owned()
            }
        }
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => describe(
                api,
                &ReferenceOr::Reference {
                    reference: reference.clone(),
                },
                types,
            ),
            ReferenceOr::Item(inner) => describe_item(api, inner, types),
        },
        _ => "any JSON value".to_owned(),
    }
}

fn bounded(noun: &str, min: Option<String>, min_excl: bool, max: Option<String>, max_excl: bool) -> String {
    match (min, max) {
        (Some(min), Some(max)) if !min_excl && !max_excl => format!("{noun} from {min} to {max}"),
        (min, max) => {
            let mut parts = Vec::new();
            if let Some(min) = min {
                parts.push(if min_excl {
                    format!("greater than {min}")
                } else {
                    format!("at least {min}")
                });
            }
            if let Some(max) = max {
                parts.push(if max_excl {
                    format!("less than {max}")
                } else {
                    format!("at most {max}")
                });
            }
            if parts.is_empty() {
                noun.to_owned()
            } else {
                format!("{noun}, {}", parts.join(" and "))
            }
        }
    }
}

/// The values an enum schema allows, as JSON text (strings without quotes).
fn enum_values(schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().flatten().map(|v| v.to_string()).collect(),
        SchemaKind::Type(Type::Number(n)) => n.enumeration.iter().flatten().map(|v| v.to_string()).collect(),
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.iter().flatten().map(|v| v.to_string()).collect(),
        SchemaKind::Any(any) => any
            .enumeration
            .iter()
            .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

fn one_of_values(values: &[String]) -> String {
    if values.len() > MAX_LISTED_VALUES {
        let listed: Vec<String> = values[..MAX_LISTED_VALUES].iter().map(|v| format!("`{v}`")).collect();
        format!("one of {} values: {}, ...", values.len(), listed.join(", "))
    } else {
        let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        format!("one of {}", listed.join(", "))
    }
}

fn default_of(schema: Option<&Schema>) -> Option<String> {
    let default = schema?.schema_data.default.as_ref()?;
    Some(match default {
        serde_json::Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    })
}

/// "a" or "an" before `word`, by its first letter (good enough for type names).
fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// `text` with its relative intra-doc links (`[`X`](X)`, as [`describe`] writes them in the
/// `types` module) made to work one module down, in `types::builder`.
fn links_from_builder(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at + 2]);
        rest = &rest[at + 2..];
        let target_end = rest.find(')').unwrap_or(rest.len());
        let target = &rest[..target_end];
        let is_path = !target.is_empty() && target.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ':');
        if is_path && !target.starts_with("super::") && !target.starts_with("crate::") {
            out.push_str("super::");
        }
    }
    out.push_str(rest);
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ----------------------------------------------------------------------------------------
// The per-tag traits.

/// Documents each `Client{Tag}Ext` trait progenitor emits for a tag: the tag's description
/// when the spec gives one, else what the trait is for.
fn document_groups(api: &OpenAPI, file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Trait(declaration) = item else { continue };
        if !is_pub(&declaration.vis) || has_doc(&declaration.attrs) {
            continue;
        }
        let name = declaration.ident.to_string();
        let group = name
            .strip_prefix("Client")
            .and_then(|n| n.strip_suffix("Ext"))
            .unwrap_or(&name)
            .to_owned();
        let tag = api.tags.iter().find(|t| t.name.to_pascal_case() == group);
        let about = tag
            .and_then(|t| t.description.as_deref())
            .map(|d| format!("{}\n\n", d.trim()))
            .unwrap_or_default();
        let tag_name = tag.map(|t| t.name.clone()).unwrap_or_else(|| group.to_snake_case());
        let text = format!(
            "{about}The operations tagged `{tag_name}`, as methods of [`Client`]. \
             `use` the `prelude` module to bring every group into scope."
        );
        push_doc(&mut declaration.attrs, &text);
    }
}

// ----------------------------------------------------------------------------------------
// The `types` module.

fn document_types(api: &OpenAPI, schemas: &SchemaIndex<'_>, file: &mut syn::File) {
    let Some(items) = module_items(file, "types") else {
        return;
    };
    // Field docs by type and field name, for the struct builders' setters below.
    let mut field_docs: BTreeMap<(String, String), String> = BTreeMap::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(structure) if is_pub(&structure.vis) => {
                let type_name = structure.ident.to_string();
                describe_type(schemas, &type_name, &mut structure.attrs);
                let schema = schemas.get(&type_name);
                let fields = match &mut structure.fields {
                    syn::Fields::Named(named) => named.named.iter_mut().collect::<Vec<_>>(),
                    syn::Fields::Unnamed(unnamed) => unnamed.unnamed.iter_mut().collect(),
                    syn::Fields::Unit => Vec::new(),
                };
                for field in fields {
                    if !is_pub(&field.vis) {
                        continue;
                    }
                    if !has_doc(&field.attrs) {
                        let text = field_doc(api, schema, field);
                        push_doc(&mut field.attrs, &text);
                    }
                    if let (Some(ident), Some(doc)) = (&field.ident, doc_of(&field.attrs)) {
                        field_docs.insert((type_name.clone(), ident.to_string()), doc);
                    }
                }
            }
            syn::Item::Enum(enumeration) if is_pub(&enumeration.vis) => {
                let type_name = enumeration.ident.to_string();
                describe_type(schemas, &type_name, &mut enumeration.attrs);
                for variant in &mut enumeration.variants {
                    if !has_doc(&variant.attrs) {
                        let text = variant_doc(variant, &type_name);
                        push_doc(&mut variant.attrs, &text);
                    }
                    // A struct variant's fields are as public as its enum, and written without
                    // `pub`; `missing_docs` asks for theirs (not for a tuple variant's).
                    for field in variant.fields.iter_mut() {
                        if (is_pub(&field.vis) || field.ident.is_some()) && !has_doc(&field.attrs) {
                            let text = field_doc(api, None, field);
                            push_doc(&mut field.attrs, &text);
                        }
                    }
                }
            }
            syn::Item::Impl(implementation) if implementation.trait_.is_none() => {
                let type_name = self_type_name(implementation).unwrap_or_default();
                for member in &mut implementation.items {
                    let syn::ImplItem::Fn(function) = member else { continue };
                    if !is_pub(&function.vis) || has_doc(&function.attrs) {
                        continue;
                    }
                    let text = if function.sig.ident == "builder" {
                        format!(
                            "Starts a [`builder::{type_name}`] for this type: set its fields one by one, then \
                             convert it with `{type_name}::try_from(builder)` (or `try_into()`), which fails if a \
                             required field was not set."
                        )
                    } else {
                        format!("`{}` of [`{type_name}`].", function.sig.ident)
                    };
                    push_doc(&mut function.attrs, &text);
                }
            }
            _ => {}
        }
    }
    let Some(builders) = items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return;
    };
    for item in builders.iter_mut() {
        match item {
            syn::Item::Struct(structure) if is_pub(&structure.vis) && !has_doc(&structure.attrs) => {
                let name = structure.ident.to_string();
                let text = format!(
                    "Builder for [`{name}`](super::{name}), field by field. `Default` starts with every \
                     required field unset and every optional one at its default; converting it into a \
                     [`{name}`](super::{name}) fails naming the first required field left unset."
                );
                push_doc(&mut structure.attrs, &text);
            }
            syn::Item::Impl(implementation) if implementation.trait_.is_none() => {
                let type_name = self_type_name(implementation).unwrap_or_default();
                for member in &mut implementation.items {
                    let syn::ImplItem::Fn(function) = member else { continue };
                    if !is_pub(&function.vis) || has_doc(&function.attrs) {
                        continue;
                    }
                    let field = function.sig.ident.to_string();
                    let setter = format!(
                        "Sets [`{type_name}::{field}`](super::{type_name}::{field}), from any value that \
                         converts into its type."
                    );
                    let text = match field_docs.get(&(type_name.clone(), field.clone())) {
                        Some(doc) => format!("{}\n\n{setter}", links_from_builder(doc)),
                        None => setter,
                    };
                    push_doc(&mut function.attrs, &text);
                }
            }
            _ => {}
        }
    }
}

/// Replaces typify's placeholder documentation of a type the spec does not describe (the
/// type's own name in backticks) with where the type is used.
fn describe_type(schemas: &SchemaIndex<'_>, type_name: &str, attrs: &mut Vec<syn::Attribute>) {
    let placeholder = format!("`{type_name}`");
    if doc_of(attrs).as_deref().map(str::trim) != Some(placeholder.as_str()) {
        return;
    }
    let Some(text) = schemas.usage_doc(type_name) else {
        return;
    };
    let Some(position) = attrs.iter().position(|a| a.path().is_ident("doc")) else {
        return;
    };
    attrs.retain(|a| !a.path().is_ident("doc"));
    attrs.insert(position.min(attrs.len()), doc_attribute(&text));
}

/// A field's documentation when its property has no description: its wire name, what it
/// holds and whether it is always present.
fn field_doc(api: &OpenAPI, parent: Option<&Schema>, field: &syn::Field) -> String {
    let flattened = field.attrs.iter().any(|a| {
        a.path().is_ident("serde")
            && a.parse_nested_meta(|meta| {
                if meta.path.is_ident("flatten") {
                    Err(meta.error("flatten"))
                } else {
                    if meta.input.peek(syn::Token![=]) {
                        let _: syn::Expr = meta.value()?.parse()?;
                    }
                    Ok(())
                }
            })
            .is_err()
    });
    if flattened {
        return "The object's members that the schema does not name, kept as received (and sent back \
                as they are)."
            .to_owned();
    }
    let Some(ident) = &field.ident else {
        return format!("The value held, {}.", rust_type_phrase(&field.ty));
    };
    let wire = serde_rename(field).unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
    let property = parent.and_then(|p| property(p, &wire));
    let what = match property {
        Some(schema) => describe(api, schema, ""),
        None => rust_type_phrase(&field.ty),
    };
    let optional = super::is_named(&field.ty, "Option");
    let presence = match (parent.map(|p| required(p).contains(&wire)), optional) {
        (_, true) => "; `None` when the object leaves it out",
        (Some(true), false) => "; always present",
        _ => "",
    };
    let default = property
        .and_then(|p| resolve_boxed(api, p))
        .and_then(|p| default_of(Some(p)))
        .map(|d| format!(" (default {d})"))
        .unwrap_or_default();
    format!("The `{wire}` member: {what}{default}{presence}.")
}

/// A phrase for a Rust type when no schema is at hand.
fn rust_type_phrase(ty: &syn::Type) -> String {
    let name = match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        _ => String::new(),
    };
    match name.as_str() {
        "Option" | "Box" => type_arguments(ty)
            .first()
            .map(rust_type_phrase)
            .unwrap_or_else(|| "a value".to_owned()),
        "String" => "a string".to_owned(),
        "bool" => "`true` or `false`".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "NonZeroU64" => "an integer".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "Vec" => format!(
            "a list, each item {}",
            type_arguments(ty)
                .first()
                .map(rust_type_phrase)
                .unwrap_or_else(|| "a value".to_owned())
        ),
        "Map" | "HashMap" | "BTreeMap" => "a JSON object".to_owned(),
        "Value" => "any JSON value".to_owned(),
        "DateTime" => "a date and time".to_owned(),
        "" => "a value".to_owned(),
        other => format!("{} [`{other}`]", article(other)),
    }
}

/// A variant's documentation: the wire value of a plain enum variant, or the type a
/// variant holds.
fn variant_doc(variant: &syn::Variant, enum_name: &str) -> String {
    let renamed = super::serde_rename_in(&variant.attrs);
    match (&variant.fields, renamed) {
        (syn::Fields::Unit, Some(wire)) => format!("The value `{wire}`."),
        (syn::Fields::Unit, None) => format!("The value `{}`.", variant.ident),
        (syn::Fields::Unnamed(fields), _) if fields.unnamed.len() == 1 => {
            let inner = &fields.unnamed[0].ty;
            match inner {
                syn::Type::Path(p) if p.path.segments.len() == 1 && p.path.segments[0].arguments.is_empty() => {
                    let name = p.path.segments[0].ident.to_string();
                    if name.chars().next().is_some_and(char::is_uppercase) {
                        format!(
                            "{} [`{name}`]: the shape of [`{enum_name}`] it names.",
                            capitalized(article(&name))
                        )
                    } else {
                        format!("The value as {}.", rust_type_phrase(inner))
                    }
                }
                _ => format!("The value as {}.", rust_type_phrase(inner)),
            }
        }
        _ => format!("The `{}` shape of [`{enum_name}`].", variant.ident),
    }
}

// ----------------------------------------------------------------------------------------
// Operation builders.

/// One operation as its builder sees it.
struct OperationInfo<'a> {
    method: String,
    parameters: Vec<&'a Parameter>,
    body_description: Option<String>,
}

fn operations(api: &OpenAPI) -> BTreeMap<String, OperationInfo<'_>> {
    let mut out = BTreeMap::new();
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let Some(id) = &operation.operation_id else { continue };
            let mut parameters: Vec<&Parameter> = Vec::new();
            // Operation parameters override path-level ones of the same name and location.
            for parameter in operation.parameters.iter().chain(&item.parameters) {
                let Some(parameter) = crate::validate::parameter(api, parameter) else {
                    continue;
                };
                let data = parameter.parameter_data_ref();
                let taken = parameters.iter().any(|p| {
                    p.parameter_data_ref().name == data.name
                        && std::mem::discriminant(*p) == std::mem::discriminant(parameter)
                });
                if !taken {
                    parameters.push(parameter);
                }
            }
            let body_description = match &operation.request_body {
                Some(ReferenceOr::Item(body)) => body.description.clone(),
                _ => None,
            };
            out.insert(
                id.to_pascal_case(),
                OperationInfo {
                    method: id.to_snake_case(),
                    parameters,
                    body_description,
                },
            );
        }
    }
    out
}

fn document_builders(api: &OpenAPI, multipart: &[multipart::MultipartOperation], file: &mut syn::File) {
    let operations = operations(api);
    let Some(items) = module_items(file, "builder") else {
        return;
    };
    for item in items.iter_mut() {
        let syn::Item::Impl(implementation) = item else {
            continue;
        };
        if implementation.trait_.is_some() {
            continue;
        }
        let Some(builder) = self_type_name(implementation) else {
            continue;
        };
        let operation = operations.get(&builder);
        let parts = operation
            .and_then(|op| {
                multipart
                    .iter()
                    .find(|m| m.operation_id.to_snake_case() == op.method)
                    .map(|m| m.parts.as_slice())
            })
            .unwrap_or(&[]);
        let method = operation
            .map(|o| o.method.clone())
            .unwrap_or_else(|| builder.to_snake_case());
        for member in &mut implementation.items {
            let syn::ImplItem::Fn(function) = member else { continue };
            if !is_pub(&function.vis) {
                continue;
            }
            let name = function.sig.ident.to_string();
            if let Some(part) = parts.iter().find(|p| multipart::field_ident(&p.name) == name)
                && let PartKind::Json(Some(type_name)) = &part.kind
            {
                // The part's description describes the JSON text on the wire; the setter
                // takes the typed value and serializes it.
                function.attrs.retain(|a| !a.path().is_ident("doc"));
                let text = typed_part_doc(api, part, type_name);
                push_doc(&mut function.attrs, &text);
                continue;
            }
            if has_doc(&function.attrs) {
                continue;
            }
            let text = match name.as_str() {
                "new" => format!(
                    "Starts a `{method}` request on `client` with no argument set. \
                     `client.{method}()` (from the client's extension trait) does the same."
                ),
                "body" => body_doc(function, operation.and_then(|o| o.body_description.as_deref())),
                "body_map" => body_map_doc(function),
                _ => match operation.and_then(|o| {
                    o.parameters
                        .iter()
                        .find(|p| multipart::field_ident(&p.parameter_data_ref().name) == name)
                }) {
                    Some(parameter) => parameter_doc(api, parameter),
                    None => format!("Sets the `{name}` argument of the `{method}` request."),
                },
            };
            push_doc(&mut function.attrs, &text);
        }
    }
}

fn typed_part_doc(api: &OpenAPI, part: &multipart::FormPart, type_name: &str) -> String {
    let about = api
        .components
        .as_ref()
        .and_then(|c| {
            c.schemas
                .iter()
                .find(|(name, _)| name.to_pascal_case() == type_name)
                .and_then(|(_, s)| s.as_item())
        })
        .and_then(|s| s.schema_data.description.clone())
        .map(|d| format!("{}\n\n", d.trim()))
        .unwrap_or_default();
    format!(
        "{about}Takes a [`types::{type_name}`](types::{type_name}) (or a value that converts into one); \
         the client serializes it to JSON and sends it as the multipart part `{}`{}{}.",
        part.name,
        part.content_type
            .as_ref()
            .map(|c| format!(" with content type `{c}`"))
            .unwrap_or_default(),
        if part.required { "; required" } else { "; optional" },
    )
}

/// The type a setter's first generic bound converts into: `T` in `V: TryInto<T>`, or the
/// builder type in `F: FnOnce(B) -> B`.
fn bound_type(function: &syn::ImplItemFn) -> Option<String> {
    let clause = function.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            match &last.arguments {
                syn::PathArguments::AngleBracketed(arguments) => arguments.args.iter().find_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(quote::quote!(#t).to_string().replace(' ', "")),
                    _ => None,
                }),
                syn::PathArguments::Parenthesized(arguments) => arguments
                    .inputs
                    .first()
                    .map(|t| quote::quote!(#t).to_string().replace(' ', "")),
                syn::PathArguments::None => None,
            }
        })
    })
}

fn body_doc(function: &syn::ImplItemFn, description: Option<&str>) -> String {
    let about = description.map(|d| format!("{}\n\n", d.trim())).unwrap_or_default();
    match bound_type(function) {
        Some(ty) if ty.starts_with("types::") => format!(
            "{about}Sets the whole request body: a [`{ty}`]({ty}), or a value that converts into one (its \
             builder, for example). Replaces whatever `body_map` set before."
        ),
        _ => format!("{about}Sets the whole request body."),
    }
}

fn body_map_doc(function: &syn::ImplItemFn) -> String {
    match bound_type(function) {
        Some(ty) if ty.starts_with("types::builder::") => format!(
            "Changes the request body through its builder ([`{ty}`]({ty})): `f` gets the body as set so far \
             (at first, every field unset) and returns it changed, so members can be set one by one."
        ),
        _ => "Changes the request body through its builder: `f` gets the body as set so far and returns it \
              changed."
            .to_owned(),
    }
}

/// A parameter setter's documentation: the description, then where the value goes and
/// what it may be.
fn parameter_doc(api: &OpenAPI, parameter: &Parameter) -> String {
    let data = parameter.parameter_data_ref();
    let (schema, schema_item) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => (
            Some(match schema {
                ReferenceOr::Item(s) => ReferenceOr::Item(Box::new(s.clone())),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
            }),
            resolve(api, schema),
        ),
        ParameterSchemaOrContent::Content(_) => (None, None),
    };
    let place = match parameter {
        Parameter::Query { .. } => format!("the query parameter `{}`", data.name),
        Parameter::Path { .. } => format!("the path segment `{{{}}}`, percent-encoded", data.name),
        Parameter::Header { .. } => format!("the header `{}`", data.name),
        Parameter::Cookie { .. } => format!("the cookie `{}`", data.name),
    };
    let presence = if data.required {
        "Required: `send` fails before anything is sent if it is not set."
    } else {
        "Optional: left out of the request when not set."
    };
    let stand_in = schema_item
        .and_then(|s| s.schema_data.extensions.get(crate::adapt::STAND_INS))
        .and_then(|m| m.as_object())
        .and_then(|m| m.values().next())
        .and_then(|v| v.as_str());
    let what = match stand_in {
        // An object query parameter: progenitor sees a one-value enum standing in for the
        // struct the setter takes.
        Some(real) => format!("a [`{real}`](types::{real}), each member its own query parameter"),
        None => schema
            .as_ref()
            .map(|s| describe(api, s, "types::"))
            .unwrap_or_else(|| "a value".to_owned()),
    };
    let default = default_of(schema_item)
        .map(|d| format!(" The server's default is {d}."))
        .unwrap_or_default();
    let facts = format!("Sent as {place}: {what}. {presence}{default}");
    match &data.description {
        Some(description) if !description.trim().is_empty() => format!("{}\n\n{facts}", description.trim()),
        _ => capitalized(&facts),
    }
}

// ----------------------------------------------------------------------------------------
// Links from operations to their item streams.

fn link_item_streams(file: &mut syn::File) {
    let mut streamed: Vec<String> = Vec::new();
    if let Some(items) = module_items(file, "builder") {
        for item in items.iter() {
            let syn::Item::Impl(implementation) = item else {
                continue;
            };
            let has_stream = implementation
                .items
                .iter()
                .any(|m| matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "into_stream"));
            if has_stream && let Some(name) = self_type_name(implementation) {
                streamed.push(name);
            }
        }
    }
    if streamed.is_empty() {
        return;
    }
    // The builder each operation method returns, read before the methods are borrowed.
    let mut returns: BTreeMap<String, String> = BTreeMap::new();
    collect_returned_builders(&file.items, &mut returns);
    for (method, attrs) in super::docs::operation_methods(file) {
        let Some(builder) = returns.get(&method) else { continue };
        if !streamed.contains(builder) {
            continue;
        }
        let Some(position) = attrs.iter().position(|a| a.path().is_ident("doc")) else {
            continue;
        };
        let current = doc_of(attrs).unwrap_or_default();
        let link = format!(
            "\n\n# Every item\n\n`send` returns one page. \
             [`{builder}::into_stream`](builder::{builder}::into_stream) (`client.{method}().into_stream()`) \
             yields the items of every page instead, requesting the next page only when the previous \
             one is used up."
        );
        let text = match current.find("\n\n# Errors") {
            Some(at) => format!("{}{link}{}", &current[..at], &current[at..]),
            None => format!("{current}{link}"),
        };
        attrs.retain(|a| !a.path().is_ident("doc"));
        attrs.insert(position.min(attrs.len()), doc_attribute(&text));
    }
}

/// Operation method name → the builder type it returns, from the per-tag traits and
/// `impl Client`.
fn collect_returned_builders(items: &[syn::Item], out: &mut BTreeMap<String, String>) {
    let mut record = |sig: &syn::Signature| {
        if let syn::ReturnType::Type(_, returned) = &sig.output
            && let syn::Type::Path(path) = &**returned
            && let Some(last) = path.path.segments.last()
        {
            out.insert(sig.ident.to_string(), last.ident.to_string());
        }
    };
    for item in items {
        match item {
            syn::Item::Trait(declaration) => {
                for member in &declaration.items {
                    if let syn::TraitItem::Fn(method) = member {
                        record(&method.sig);
                    }
                }
            }
            syn::Item::Impl(implementation)
                if implementation.trait_.is_none() && self_type_name(implementation).as_deref() == Some("Client") =>
            {
                for member in &implementation.items {
                    if let syn::ImplItem::Fn(method) = member {
                        record(&method.sig);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `text` with each link `[`X`](X)`, `(types::X)` or `(super::X)` to a type not in `known`
/// turned into plain code; `None` when there is none.
fn unlink(text: &str, known: &std::collections::BTreeSet<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(open) = rest.find("[`") {
        // `[`code`](target)`: the code span, then the target right after it.
        let code_start = open + 2;
        let Some(code_end) = rest[code_start..].find('`').map(|e| code_start + e) else {
            break;
        };
        let after = &rest[code_end + 1..];
        let target_end = after.strip_prefix("](").and_then(|t| t.find(')'));
        let Some(target_end) = target_end else {
            out.push_str(&rest[..code_end + 1]);
            rest = after;
            continue;
        };
        let target = &after[2..2 + target_end];
        let link_end = code_end + 1 + 2 + target_end + 1;
        let name = target
            .strip_prefix("types::")
            .or_else(|| target.strip_prefix("super::"))
            .unwrap_or(target);
        let type_like = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if type_like && !known.contains(name) {
            out.push_str(&rest[..open]);
            out.push_str(&rest[open + 1..=code_end]);
            changed = true;
        } else {
            out.push_str(&rest[..link_end]);
        }
        rest = &rest[link_end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::unlink;

    #[test]
    fn links_to_types_that_do_not_exist_become_plain_code() {
        let known = ["Item".to_owned()].into_iter().collect();
        assert_eq!(
            unlink("a [`Item`](Item) and a [`Ghost`](types::Ghost).", &known).as_deref(),
            Some("a [`Item`](Item) and a `Ghost`.")
        );
        assert_eq!(
            unlink(
                "[`builder::Item`] then [`List::into_stream`](builder::List::into_stream)",
                &known
            ),
            None
        );
        assert_eq!(unlink("[`Ghost`](super::Ghost)", &known).as_deref(), Some("`Ghost`"));
    }
}
