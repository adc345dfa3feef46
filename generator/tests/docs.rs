//! The documentation rules of the generated code, on a small spec: every public item is
//! documented (the client crate builds with `#![deny(missing_docs)]`), a setter without a
//! description gets a sentence derived from the parameter, a paged list links to its item
//! stream, and error tables name the Rust variants and types.

use generator::{Settings, Source};

const SPEC: &str = r##"
openapi: 3.1.0
info: {title: Shelf, version: "1"}
servers:
  - url: https://api.example.com
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - name: pageSize
          in: query
          description: How many items one page holds.
          schema: {type: integer, minimum: 1, maximum: 100, default: 20}
        - {name: color, in: query, schema: {type: string, enum: [red, green]}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ItemPage"}
        "404":
          description: no shelf
          content:
            application/json:
              schema: {$ref: "#/components/schemas/NotFound"}
  /items/{itemId}:
    put:
      operationId: putItem
      parameters:
        - {name: itemId, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Item"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
  /items/{itemId}/label:
    put:
      operationId: putLabel
      tags: [labels]
      parameters:
        - {name: itemId, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [label]
              properties:
                label:
                  type: string
                  description: The label, as a JSON string.
                  contentMediaType: application/json
                  contentSchema: {$ref: "#/components/schemas/Label"}
      responses:
        "200":
          description: ok
components:
  schemas:
    Label:
      type: object
      description: What the label says.
      required: [text]
      properties:
        text: {type: string}
    Item:
      type: object
      required: [name, createdAt]
      properties:
        name: {type: string, description: The item's label.}
        createdAt: {type: string, format: date-time}
        tags: {type: array, items: {type: string}}
        kind: {type: string, enum: [book, box]}
    ItemPage:
      type: object
      required: [items]
      properties:
        items: {type: array, items: {$ref: "#/components/schemas/Item"}}
    NotFound:
      type: object
      required: [error]
      properties:
        error: {type: string}
"##;

const OVERLAY: &str = r#"
overlay: 1.0.0
info: {title: t, version: "1"}
actions:
  - target: $.paths['/items'].get
    update:
      x-pagination: {style: page, page: page, items: items}
  - target: $.paths['/items/{itemId}/label'].put.requestBody.content['multipart/form-data'].schema.properties.label
    update:
      x-rust-example: types::Label::plain("fragile")
"#;

fn generate(settings: &Settings) -> String {
    generator::generate_with(
        &Source::new("shelf.yaml", SPEC),
        Some(&Source::new("shelf.overlay.yaml", OVERLAY)),
        settings,
    )
    .expect("the spec generates")
    .code
}

fn with_runtime() -> Settings {
    Settings {
        runtime: Some("crate::runtime".to_owned()),
        crate_name: Some("shelf".to_owned()),
        profile: None,
    }
}

/// The doc text of the functions or methods named `name` (in any module, impl or trait),
/// which must all have the same (a path parameter shared by two operations, say).
fn doc_of(code: &str, name: &str) -> String {
    let file = syn::parse_file(code).expect("the output parses");
    let mut found = Vec::new();
    collect_fn_docs(&file.items, name, &mut found);
    assert!(!found.is_empty(), "no `{name}` in the output");
    assert!(
        found.iter().all(|d| *d == found[0]),
        "`{name}` documented differently: {found:#?}"
    );
    found.remove(0)
}

fn collect_fn_docs(items: &[syn::Item], name: &str, found: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_fn_docs(items, name, found);
                }
            }
            // A trait's implementation repeats its methods without their docs.
            syn::Item::Impl(i) if i.trait_.is_none() => {
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && f.sig.ident == name
                    {
                        found.push(doc_text(&f.attrs));
                    }
                }
            }
            syn::Item::Trait(t) => {
                for member in &t.items {
                    if let syn::TraitItem::Fn(f) = member
                        && f.sig.ident == name
                    {
                        found.push(doc_text(&f.attrs));
                    }
                }
            }
            _ => {}
        }
    }
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(pair) if pair.path.is_ident("doc") => match &pair.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_setter_without_a_description_says_where_the_value_goes_and_what_it_may_be() {
    let code = generate(&with_runtime());
    let page = doc_of(&code, "page");
    assert!(
        page.contains("Sent as the query parameter `page`: an integer, at least 1. Optional: left out of the request when not set."),
        "{page}"
    );
    let color = doc_of(&code, "color");
    assert!(
        color.contains("Sent as the query parameter `color`: one of `red`, `green`."),
        "{color}"
    );
    let item_id = doc_of(&code, "item_id");
    assert!(
        item_id.contains(
            "Sent as the path segment `{itemId}`, percent-encoded: a string. Required: `send` fails before anything is sent if it is not set."
        ),
        "{item_id}"
    );
    let trace = doc_of(&code, "x_trace");
    assert!(
        trace.contains("Sent as the header `X-Trace`: a string. Required"),
        "{trace}"
    );
}

#[test]
fn a_setter_with_a_description_keeps_it_first_and_adds_the_facts() {
    let code = generate(&with_runtime());
    let page_size = doc_of(&code, "page_size");
    assert!(
        page_size.contains(
            "How many items one page holds.\n\nSent as the query parameter `pageSize`: an integer from 1 to 100. Optional: left out of the request when not set. The server's default is `20`."
        ),
        "{page_size}"
    );
}

#[test]
fn fields_and_variants_without_a_description_get_their_wire_name_and_type() {
    let code = generate(&with_runtime());
    assert!(code.contains("The `createdAt` member: a date and time (RFC 3339 text); always present."));
    assert!(code.contains("The `tags` member: a list, each item a string."));
    assert!(code.contains("The `kind` member: one of `book`, `box`; `None` when the object leaves it out."));
    assert!(code.contains("The value `book`."));
    // The spec's own description is kept as it is.
    assert!(code.contains("The item's label."));
}

#[test]
fn a_type_the_spec_does_not_describe_says_where_it_is_used() {
    let code = generate(&with_runtime());
    assert!(code.contains("///The answer of `list_items`.\n"), "ItemPage");
    assert!(code.contains("///The error body of `list_items`.\n"), "NotFound");
    assert!(code.contains("///The `kind` member of [`Item`](Item).\n"), "ItemKind");
    assert!(
        code.contains(
            "///An item of the `items` member of [`ItemPage`](ItemPage), the request body of `put_item` and the answer of `put_item`.\n"
        ),
        "Item"
    );
    // A described type keeps the spec's words.
    assert!(code.contains("///What the label says.\n"));
    assert!(!code.contains("///`ItemPage`\n"), "no bare name left as the doc");
}

#[test]
fn a_paged_list_links_to_its_item_stream() {
    let code = generate(&with_runtime());
    let list = doc_of(&code, "list_items");
    assert!(
        list.contains("[`ListItems::into_stream`](builder::ListItems::into_stream)"),
        "{list}"
    );
    let put = doc_of(&code, "put_item");
    assert!(!put.contains("into_stream"), "only paged lists stream: {put}");
}

#[test]
fn error_tables_name_the_rust_variants_and_types() {
    let code = generate(&with_runtime());
    let list = doc_of(&code, "list_items");
    assert!(
        list.contains(
            "| Status codes | Error | Body |\n|---|---|---|\n| 404 | [`Error::Documented`](crate::runtime::Error::Documented) | [`types::NotFound`](types::NotFound) |\n| any other 4XX, 5XX | [`Error::Status`](crate::runtime::Error::Status) | raw bytes, with the status and headers |"
        ),
        "{list}"
    );
    assert!(!code.contains("APIError"), "no other SDK's class names");

    // Without the runtime, the variants are progenitor's.
    let plain = generate(&Settings::default());
    let list = doc_of(&plain, "list_items");
    assert!(
        list.contains(
            "| 404 | [`Error::ErrorResponse`](Error::ErrorResponse) | [`types::NotFound`](types::NotFound) |"
        ),
        "{list}"
    );
}

#[test]
fn a_typed_json_part_is_documented_and_exemplified_as_the_type_it_takes() {
    let code = generate(&with_runtime());
    let label = doc_of(&code, "label");
    assert!(
        label.starts_with("What the label says.\n\nTakes a [`types::Label`](types::Label)"),
        "{label}"
    );
    assert!(
        !label.contains("JSON string"),
        "the setter takes a typed value: {label}"
    );
    let operation = doc_of(&code, "put_label");
    assert!(
        operation.contains(".label(shelf::types::Label::plain(\"fragile\"))"),
        "the example uses the overlay's constructor: {operation}"
    );
    assert!(!operation.contains("serde_json::from_str"), "{operation}");
}

#[test]
fn a_tag_without_a_description_gets_a_sentence_for_its_trait() {
    let code = generate(&with_runtime());
    assert!(
        code.contains("///The operations tagged `labels`, as methods of [`Client`]."),
        "ClientLabelsExt"
    );
}

#[test]
fn with_a_runtime_progenitors_error_is_not_re_exported_beside_the_runtimes() {
    let code = generate(&with_runtime());
    assert!(code.contains("pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};"));
    assert!(code.contains("#[allow(unused_imports)]\nuse progenitor_client::Error;"));
    let plain = generate(&Settings::default());
    assert!(plain.contains("pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};"));
}

#[test]
fn every_public_item_is_documented() {
    for (what, settings) in [("with a runtime", with_runtime()), ("plain", Settings::default())] {
        let code = generate(&settings);
        let file = syn::parse_file(&code).expect("the output parses");
        let mut missing = Vec::new();
        undocumented(&file.items, "", &mut missing);
        assert!(missing.is_empty(), "{what}: undocumented public items: {missing:#?}");
    }
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// What `missing_docs` would report: public items, fields, variants, inherent methods and
/// trait methods without a doc comment (re-exports and trait impls need none).
fn undocumented(items: &[syn::Item], path: &str, missing: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                let here = format!("{path}::{}", m.ident);
                if !has_doc(&m.attrs) {
                    missing.push(here.clone());
                }
                if let Some((_, items)) = &m.content {
                    undocumented(items, &here, missing);
                }
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let here = format!("{path}::{}", s.ident);
                if !has_doc(&s.attrs) {
                    missing.push(here.clone());
                }
                for (i, field) in s.fields.iter().enumerate() {
                    if is_pub(&field.vis) && !has_doc(&field.attrs) {
                        let name = field.ident.as_ref().map_or(i.to_string(), ToString::to_string);
                        missing.push(format!("{here}.{name}"));
                    }
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let here = format!("{path}::{}", e.ident);
                if !has_doc(&e.attrs) {
                    missing.push(here.clone());
                }
                for variant in &e.variants {
                    if !has_doc(&variant.attrs) {
                        missing.push(format!("{here}::{}", variant.ident));
                    }
                }
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                let here = format!("{path}::{}", t.ident);
                if !has_doc(&t.attrs) {
                    missing.push(here.clone());
                }
                for member in &t.items {
                    if let syn::TraitItem::Fn(f) = member
                        && !has_doc(&f.attrs)
                    {
                        missing.push(format!("{here}::{}", f.sig.ident));
                    }
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let ty = &i.self_ty;
                let here = format!("{path}::{}", quote::quote!(#ty));
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && is_pub(&f.vis)
                        && !has_doc(&f.attrs)
                    {
                        missing.push(format!("{here}::{}", f.sig.ident));
                    }
                }
            }
            syn::Item::Fn(f) if is_pub(&f.vis) && !has_doc(&f.attrs) => {
                missing.push(format!("{path}::{}", f.sig.ident));
            }
            syn::Item::Const(c) if is_pub(&c.vis) && !has_doc(&c.attrs) => {
                missing.push(format!("{path}::{}", c.ident));
            }
            syn::Item::Type(t) if is_pub(&t.vis) && !has_doc(&t.attrs) => {
                missing.push(format!("{path}::{}", t.ident));
            }
            _ => {}
        }
    }
}
