//! `deprecated: true` in the spec becomes `#[deprecated]` in the client, so that code calling
//! a retired operation, setting a retired parameter or reading a retired field is warned at
//! compile time. progenitor and typify ignore the keyword.
//!
//! | spec | marked in the client |
//! |---|---|
//! | an operation | its method on the `Client…Ext` trait (where a call resolves) and on `Client` itself if progenitor made one there |
//! | a parameter | the setter of the operation's builder |
//! | a schema property | the struct field, and the setter of typify's `types::builder` struct |
//!
//! The note is the first sentence of the item's description (or the operation's summary).
//! The generated code itself uses deprecated fields (typify's builder conversions): the
//! `types` module allows the lint, which only silences it inside that module; a user's
//! code is still warned.

use std::collections::BTreeMap;

use openapiv3::ReferenceOr;

use super::multipart::field_ident;
use super::objects::{NamedObject, named_objects};
use super::wire_name;

/// Marks what the spec deprecates, in `part` of the output. Returns whether anything was
/// marked.
pub(crate) fn apply(api: &openapiv3::OpenAPI, file: &mut syn::File, part: super::Part) -> bool {
    let mut marked = false;
    let mut methods: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut setters: BTreeMap<String, BTreeMap<String, Option<String>>> = BTreeMap::new();
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let Some(id) = &operation.operation_id else { continue };
            if operation.deprecated {
                let text = operation.description.as_deref().or(operation.summary.as_deref());
                methods.insert(field_ident(id).to_string(), note(text));
            }
            for parameter in item.parameters.iter().chain(&operation.parameters) {
                let Some(parameter) = crate::validate::parameter(api, parameter) else {
                    continue;
                };
                let data = parameter.parameter_data_ref();
                if data.deprecated == Some(true) {
                    setters
                        .entry(builder_name(id))
                        .or_default()
                        .insert(field_ident(&data.name).to_string(), note(data.description.as_deref()));
                }
            }
        }
    }

    if part.has_types() {
        let fields = deprecated_fields(&named_objects(api));
        if !fields.is_empty()
            && let Some(types) = super::module_items(file, "types")
        {
            marked |= mark_fields(types, &fields);
        }
        // Decided from the spec, not from what the rest's side marked, so that both sides
        // can be marked apart: a deprecated operation or parameter is marked there.
        if marked || !methods.is_empty() || !setters.is_empty() {
            allow_inside(file);
        }
    }
    if !part.has_rest() {
        return marked;
    }
    for item in &mut file.items {
        match item {
            syn::Item::Trait(declaration) => {
                for trait_item in &mut declaration.items {
                    if let syn::TraitItem::Fn(method) = trait_item
                        && let Some(text) = methods.get(&method.sig.ident.to_string())
                    {
                        method.attrs.push(attribute(text.as_deref()));
                        marked = true;
                    }
                }
            }
            syn::Item::Impl(implementation)
                if implementation.trait_.is_none()
                    && super::self_type_name(implementation).as_deref() == Some("Client") =>
            {
                marked |= mark_functions(implementation, &methods);
            }
            _ => {}
        }
    }
    for implementation in super::builder_impls(file) {
        if let Some(parameters) = super::self_type_name(implementation).and_then(|name| setters.get(&name)) {
            marked |= mark_functions(implementation, parameters);
        }
    }
    marked
}

/// (struct, property on the wire) → note, for every deprecated property of a known struct.
fn deprecated_fields(objects: &BTreeMap<String, NamedObject<'_>>) -> BTreeMap<(String, String), Option<String>> {
    let mut out = BTreeMap::new();
    for object in objects.values() {
        for (property, schema) in &object.properties {
            let ReferenceOr::Item(schema) = schema else { continue };
            if schema.schema_data.deprecated {
                out.insert(
                    (object.rust_name.clone(), (*property).to_owned()),
                    note(schema.schema_data.description.as_deref()),
                );
            }
        }
    }
    out
}

fn mark_fields(types: &mut [syn::Item], fields: &BTreeMap<(String, String), Option<String>>) -> bool {
    let mut marked = false;
    // (struct, field identifier) → note, for the typify builders' setters.
    let mut builder_setters: BTreeMap<String, BTreeMap<String, Option<String>>> = BTreeMap::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(structure) = item else { continue };
        let syn::Fields::Named(named) = &mut structure.fields else {
            continue;
        };
        let name = structure.ident.to_string();
        for field in named.named.iter_mut() {
            let Some(ident) = field.ident.clone() else { continue };
            let Some(wire) = wire_name(field) else { continue };
            if let Some(text) = fields.get(&(name.clone(), wire)) {
                field.attrs.push(attribute(text.as_deref()));
                builder_setters
                    .entry(name.clone())
                    .or_default()
                    .insert(ident.to_string(), text.clone());
                marked = true;
            }
        }
    }
    let builder = types.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    });
    for item in builder.into_iter().flatten() {
        if let syn::Item::Impl(implementation) = item
            && implementation.trait_.is_none()
            && let Some(setters) = super::self_type_name(implementation).and_then(|n| builder_setters.get(&n))
        {
            mark_functions(implementation, setters);
        }
    }
    marked
}

fn mark_functions(implementation: &mut syn::ItemImpl, names: &BTreeMap<String, Option<String>>) -> bool {
    let mut marked = false;
    for item in &mut implementation.items {
        if let syn::ImplItem::Fn(function) = item
            && let Some(text) = names.get(&function.sig.ident.to_string())
        {
            function.attrs.push(attribute(text.as_deref()));
            marked = true;
        }
    }
    marked
}

/// Silences the lint where the generated code itself uses what it deprecated: typify's
/// builder conversions in `types` read and write every field. (serde's derives and the
/// `Client…Ext` impls do not warn; the compile test in `xtask/tests/gaps.rs` checks that
/// the generated crate draws no warning of its own.)
fn allow_inside(file: &mut syn::File) {
    if let Some(syn::Item::Mod(types)) = file
        .items
        .iter_mut()
        .find(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
    {
        types.attrs.push(syn::parse_quote!(#[allow(deprecated)]));
    }
}

/// progenitor's builder struct for an operation.
fn builder_name(operation_id: &str) -> String {
    super::objects::type_name(operation_id)
}

fn attribute(note: Option<&str>) -> syn::Attribute {
    match note {
        Some(note) => syn::parse_quote!(#[deprecated(note = #note)]),
        None => syn::parse_quote!(#[deprecated]),
    }
}

/// The first sentence of `text` (up to 200 characters), or `None` when there is no text.
pub(crate) fn note(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = flat
        .char_indices()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && flat[i + c.len_utf8()..].starts_with(' '))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(flat.len());
    let mut sentence = flat[..end].to_owned();
    if sentence.chars().count() > 200 {
        sentence = sentence.chars().take(199).collect::<String>() + "…";
    }
    (!sentence.is_empty()).then_some(sentence)
}

#[cfg(test)]
mod tests {
    use super::note;

    #[test]
    fn the_note_is_the_first_sentence() {
        assert_eq!(
            note(Some("Use listGadgets instead. It will go.")).as_deref(),
            Some("Use listGadgets instead.")
        );
        assert_eq!(
            note(Some("Superseded by `v2.id`; see\n  the guide")).as_deref(),
            Some("Superseded by `v2.id`; see the guide")
        );
        assert_eq!(note(Some("  ")), None);
        assert_eq!(note(None), None);
        assert_eq!(note(Some(&"a".repeat(300))).map(|n| n.chars().count()), Some(200));
    }
}
