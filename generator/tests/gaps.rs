//! The generated source for the constructs of `fixtures/gaps.yaml`, in both flavors the
//! generator produces: self-contained (`Settings::default()`) and routed through a runtime
//! (`Settings::registry_client()`). `xtask/tests/gaps.rs` compiles the self-contained
//! crate and exercises it on the wire; these tests pin down what was generated.

use generator::{Settings, Source};
use quote::ToTokens;

const FIXTURE: &str = include_str!("fixtures/gaps.yaml");

fn flavors() -> [(&'static str, Settings); 2] {
    [
        ("self-contained", Settings::default()),
        ("runtime", Settings::registry_client()),
    ]
}

fn generate(spec: &str, settings: &Settings) -> syn::File {
    let generated =
        generator::generate_with(&Source::new("gaps.yaml", spec), None, settings).unwrap_or_else(|e| panic!("{e}"));
    syn::parse_file(&generated.code).expect("the output parses")
}

/// Tokens as one string without spaces or trailing commas, so that checks ignore
/// formatting.
fn flat(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "").replace(",>", ">")
}

fn module<'a>(items: &'a [syn::Item], name: &str) -> &'a [syn::Item] {
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no module `{name}`"))
}

fn structure<'a>(items: &'a [syn::Item], name: &str) -> &'a syn::ItemStruct {
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct `{name}`"))
}

fn field<'a>(items: &'a [syn::Item], structure_name: &str, field_name: &str) -> &'a syn::Field {
    structure(items, structure_name)
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == field_name))
        .unwrap_or_else(|| panic!("no field `{structure_name}::{field_name}`"))
}

/// The inherent method `name` of `self_type` among `items`.
fn method<'a>(items: &'a [syn::Item], self_type: &str, name: &str) -> &'a syn::ImplItemFn {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i) if i.trait_.is_none() && flat(&i.self_ty).starts_with(self_type) => Some(i),
            _ => None,
        })
        .flat_map(|i| &i.items)
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no method `{self_type}::{name}`"))
}

fn trait_method<'a>(items: &'a [syn::Item], name: &str) -> &'a syn::TraitItemFn {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Trait(t) => Some(t),
            _ => None,
        })
        .flat_map(|t| &t.items)
        .find_map(|item| match item {
            syn::TraitItem::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no trait method `{name}`"))
}

/// The note of the `#[deprecated]` attribute (empty without one), if there is that attribute.
fn deprecation(attrs: &[syn::Attribute]) -> Option<String> {
    let attribute = attrs.iter().find(|a| a.path().is_ident("deprecated"))?;
    match &attribute.meta {
        syn::Meta::List(list) => {
            let pair: syn::MetaNameValue = list.parse_args().expect("note = \"...\"");
            assert!(pair.path.is_ident("note"));
            match pair.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s), ..
                }) => Some(s.value()),
                other => panic!("a note that is not a string: {}", flat(&other)),
            }
        }
        _ => Some(String::new()),
    }
}

#[test]
fn deprecated_operations_parameters_and_properties_are_marked() {
    for (flavor, settings) in flavors() {
        let file = generate(FIXTURE, &settings);
        let builder = module(&file.items, "builder");
        let types = module(&file.items, "types");
        assert_eq!(
            deprecation(&trait_method(&file.items, "list_legacy_gadgets").attrs).as_deref(),
            Some("Use listGadgets instead."),
            "{flavor}"
        );
        assert_eq!(
            deprecation(&method(builder, "ListLegacyGadgets", "colour").attrs).as_deref(),
            Some("Filter by paint colour."),
            "{flavor}"
        );
        assert_eq!(
            deprecation(&field(types, "Gadget", "serial").attrs).as_deref(),
            Some("The factory serial."),
            "{flavor}"
        );
        // typify's builder setter for the field, too.
        assert!(
            deprecation(&method(module(types, "builder"), "Gadget", "serial").attrs).is_some(),
            "{flavor}"
        );
        // What is not deprecated is not marked.
        assert_eq!(deprecation(&trait_method(&file.items, "patch_gadget").attrs), None);
        assert_eq!(deprecation(&method(builder, "ListLegacyGadgets", "limit").attrs), None);
        assert_eq!(deprecation(&field(types, "Gadget", "name").attrs), None);
        // typify's conversions use every field: the module allows the lint for itself only.
        let types_module = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == "types" => Some(m),
                _ => None,
            })
            .expect("types");
        assert!(
            types_module.attrs.iter().any(|a| flat(a) == "#[allow(deprecated)]"),
            "{flavor}"
        );
    }
}

#[test]
fn a_spec_without_deprecations_gets_no_allow() {
    let spec = FIXTURE.replace("deprecated: true", "deprecated: false");
    let file = generate(&spec, &Settings::default());
    let code = flat(&file);
    assert!(!code.contains("deprecated"), "{code}");
}

#[test]
fn optional_nullable_request_fields_tell_null_from_absent() {
    let nullable = "::std::option::Option<::std::option::Option<";
    for (flavor, settings) in flavors() {
        let file = generate(FIXTURE, &settings);
        let types = module(&file.items, "types");
        // A component in a request body, one it reaches, an inline body, a nested object.
        for (structure_name, field_name) in [
            ("GadgetPatch", "homepage"),
            ("GadgetPatch", "dimensions"),
            ("Dimensions", "depth"),
            ("ScrapGadgetBody", "successor"),
            ("GadgetPatchWarranty", "until"),
        ] {
            let field = field(types, structure_name, field_name);
            assert!(
                flat(&field.ty).starts_with(nullable),
                "{flavor}: {structure_name}::{field_name} is {}",
                flat(&field.ty)
            );
            let serde = field
                .attrs
                .iter()
                .find(|a| a.path().is_ident("serde"))
                .map(flat)
                .unwrap_or_default();
            assert!(
                serde.contains("default")
                    && serde.contains("skip_serializing_if=\"::std::option::Option::is_none\"")
                    && serde.contains("deserialize_with=\"deserialize_nullable\""),
                "{flavor}: {structure_name}::{field_name}: {serde}"
            );
            // typify's builder stores and accepts the same type.
            let builder = module(types, "builder");
            let stored = flat(&self::field(builder, structure_name, field_name).ty);
            assert!(
                stored.contains(nullable),
                "{flavor}: builder {structure_name}: {stored}"
            );
            let setter = flat(&method(builder, structure_name, field_name).sig);
            assert!(setter.contains(nullable), "{flavor}: setter {structure_name}: {setter}");
        }
        // A required nullable field is always sent; a response-only struct keeps typify's type.
        for (structure_name, field_name) in [("GadgetPatch", "notes"), ("Gadget", "homepage")] {
            let ty = flat(&field(types, structure_name, field_name).ty);
            assert_eq!(
                ty, "::std::option::Option<::std::string::String>",
                "{flavor}: {structure_name}::{field_name}"
            );
        }
        let helper = types
            .iter()
            .any(|item| matches!(item, syn::Item::Fn(f) if f.sig.ident == "deserialize_nullable"));
        assert!(helper, "{flavor}: no helper");
    }
}

#[test]
fn a_renamed_nullable_field_keeps_its_wire_name() {
    let spec = FIXTURE.replace(
        "        homepage:\n          description: Where",
        "        homePage:\n          description: Where",
    );
    let file = generate(&spec, &Settings::default());
    let field = field(module(&file.items, "types"), "GadgetPatch", "home_page");
    let serde = field.attrs.iter().find(|a| a.path().is_ident("serde")).map(flat);
    assert!(
        serde
            .as_deref()
            .is_some_and(|s| s.starts_with("#[serde(rename=\"homePage\",default,")),
        "{serde:?}"
    );
}

/// The statements of the function that builds and sends one attempt: `send` in the
/// self-contained client, `send_once` behind the runtime's retry loop.
fn attempt(builder: &[syn::Item], operation: &str, flavor: &str) -> String {
    let name = if flavor == "runtime" { "send_once" } else { "send" };
    flat(&method(builder, operation, name).block)
}

#[test]
fn a_delete_sends_its_json_body() {
    for (flavor, settings) in flavors() {
        let file = generate(FIXTURE, &settings);
        let send = attempt(module(&file.items, "builder"), "ScrapGadget", flavor);
        assert!(send.contains(".delete(url)"), "{flavor}: {send}");
        assert!(send.contains(".json(&body)"), "{flavor}: {send}");
    }
}

#[test]
fn file_parts_keep_their_file_names_and_declared_content_types() {
    for (flavor, settings) in flavors() {
        let file = generate(FIXTURE, &settings);
        let builder = module(&file.items, "builder");
        let send = attempt(builder, "UploadGadgetPhotos", flavor);
        for expected in [
            // `contentMediaType` and `encoding.<part>.contentType` both give the declared
            // type, which `into_part` sends unless the caller gave the file its own.
            "value.into_part(\"front\",Some(\"image/png\")).await",
            "value.into_part(\"thumbnail\",Some(\"image/jpeg\")).await",
            // An object part is JSON, as OpenAPI's default encoding says.
            ".mime_str(\"application/json\")",
            ".multipart(form)",
        ] {
            assert!(send.contains(expected), "{flavor}: {expected} not in {send}");
        }
        // The file name comes from `FilePart::into_part` (the caller's, the path's, or the
        // part's for bytes), never forced to the part's name afterwards.
        assert!(!send.contains(".file_name("), "{flavor}: {send}");
        if flavor == "runtime" {
            // Each attempt runs `send_once` on a fresh clone of the builder, so a path is
            // opened and streamed again in full when the runtime retries.
            let send = flat(&method(builder, "UploadGadgetPhotos", "send").block);
            assert!(send.contains("move||self.clone().send_once()"), "{send}");
        }
        let multipart: String = module(&file.items, "multipart").iter().map(flat).collect();
        assert!(
            multipart.contains("Contents::Path(path)=>{") && multipart.contains("Part::file(&path)"),
            "{flavor}: {multipart}"
        );
    }
}

#[test]
fn free_form_objects_are_json_maps_and_values() {
    for (flavor, settings) in flavors() {
        let file = generate(FIXTURE, &settings);
        let builder = module(&file.items, "builder");
        let map = "::serde_json::Map<::std::string::String,::serde_json::Value>";
        let body = flat(&field(builder, "ReplaceSettings", "body").ty);
        assert_eq!(body, format!("Result<{map},String>"), "{flavor}");
        let replace = flat(&method(builder, "ReplaceSettings", "send").sig.output);
        assert!(
            replace.contains("ResponseValue<::serde_json::Value>"),
            "{flavor}: {replace}"
        );
        let read = flat(&method(builder, "ReadSettings", "send").sig.output);
        assert!(read.contains(&format!("ResponseValue<{map}>")), "{flavor}: {read}");
    }
}

/// The fixture's photo form with one more part.
fn with_part(part: &str, encoding: &str) -> String {
    FIXTURE
        .replace("                layout:\n", &format!("{part}                layout:\n"))
        .replace(
            "              thumbnail:\n                contentType: image/jpeg\n",
            &format!("              thumbnail:\n                contentType: image/jpeg\n{encoding}"),
        )
}

#[test]
fn an_array_part_is_sent_as_repeated_parts_unless_declared_json() {
    let part = "                extras:\n                  type: array\n                  items: {type: object, properties: {label: {type: string}}}\n";
    let file = generate(&with_part(part, ""), &Settings::default());
    let builder = module(&file.items, "builder");
    assert_eq!(
        flat(&field(builder, "UploadGadgetPhotos", "extras").ty),
        "Result<Option<::std::vec::Vec<::serde_json::Value>>,String>"
    );
    let send = quote::ToTokens::to_token_stream(method(builder, "UploadGadgetPhotos", "send")).to_string();
    assert!(send.contains("for value in extras"), "{send}");

    let declared = with_part(
        part,
        "              extras:\n                contentType: application/json\n",
    );
    let file = generate(&declared, &Settings::default());
    let builder = module(&file.items, "builder");
    assert_eq!(
        flat(&field(builder, "UploadGadgetPhotos", "extras").ty),
        "Result<Option<::serde_json::Value>,String>"
    );
}

#[test]
fn an_array_of_files_in_a_component_form_is_one_file_part_per_item() {
    let spec = FIXTURE
        .replace(
            "            schema:\n              type: object\n              required: [front]\n",
            "            schema: {$ref: \"#/components/schemas/PhotoForm\"}\n            x-unused:\n              type: object\n              required: [front]\n",
        )
        .replace(
            "components:\n  schemas:\n",
            "components:\n  schemas:\n    PhotoForm:\n      type: object\n      properties:\n        shots: {type: array, items: {type: string, format: binary}}\n",
        );
    let file = generate(&spec, &Settings::default());
    let builder = module(&file.items, "builder");
    assert_eq!(
        flat(&field(builder, "UploadGadgetPhotos", "shots").ty),
        "Result<Option<::std::vec::Vec<super::multipart::FilePart>>,String>"
    );
}

#[test]
fn a_list_of_part_content_types_sends_the_first() {
    let spec = FIXTURE.replace("contentType: image/jpeg", "contentType: \"image/jpeg, image/webp\"");
    let file = generate(&spec, &Settings::default());
    let send = attempt(module(&file.items, "builder"), "UploadGadgetPhotos", "self-contained");
    assert!(send.contains("into_part(\"thumbnail\",Some(\"image/jpeg\"))"), "{send}");
    assert!(!send.contains("image/webp"), "{send}");
}

#[test]
fn a_nullable_field_with_a_default_keeps_typifys_default() {
    let spec = FIXTURE.replace(
        "          description: Where the gadget is documented; null removes the link.\n",
        "          description: Where the gadget is documented; null removes the link.\n          default: https://workshop.example.test\n",
    );
    let file = generate(&spec, &Settings::default());
    let field = field(module(&file.items, "types"), "GadgetPatch", "homepage");
    assert_eq!(flat(&field.ty), "::std::option::Option<::std::string::String>");
    let serde = field.attrs.iter().find(|a| a.path().is_ident("serde")).map(flat);
    assert!(serde.as_deref().is_some_and(|s| s.contains("default=\"")), "{serde:?}");
}

#[test]
fn an_untagged_deprecated_operation_is_marked_where_calls_resolve() {
    let spec = FIXTURE.replacen(
        "      tags: [gadgets]\n      deprecated: true\n",
        "      deprecated: true\n",
        1,
    );
    assert_ne!(spec, FIXTURE);
    let file = generate(&spec, &Settings::default());
    let marked: Vec<String> = file
        .items
        .iter()
        .flat_map(|item| -> Vec<(String, Vec<syn::Attribute>)> {
            match item {
                syn::Item::Trait(t) => t
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        syn::TraitItem::Fn(f) => Some((format!("{}::{}", t.ident, f.sig.ident), f.attrs.clone())),
                        _ => None,
                    })
                    .collect(),
                syn::Item::Impl(i) if i.trait_.is_none() => i
                    .items
                    .iter()
                    .filter_map(|it| match it {
                        syn::ImplItem::Fn(f) => {
                            Some((format!("{}::{}", flat(&i.self_ty), f.sig.ident), f.attrs.clone()))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        })
        .filter(|(_, attrs)| deprecation(attrs).is_some())
        .map(|(name, _)| name)
        .collect();
    assert_eq!(marked.len(), 1, "{marked:?}");
    assert!(marked[0].ends_with("::list_legacy_gadgets"), "{marked:?}");
}
