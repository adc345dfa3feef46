//! Hints set by an overlay (`x-pagination`, `x-server-group`): a wrong one is reported at the
//! overlay action that set it, since that is the file to fix.

use generator::{Settings, Source};

const SPEC: &str = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
servers:
  - url: https://api.example.com
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {name: page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {type: string}}
                  total: {type: string}
"#;

fn overlay(actions: &str) -> Source {
    Source::new(
        "names.overlay.yaml",
        format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}"),
    )
}

fn generate(actions: &str) -> Result<generator::Generated, generator::Error> {
    generator::generate_with(
        &Source::new("api.yaml", SPEC),
        Some(&overlay(actions)),
        &Settings::registry_client(),
    )
}

#[test]
fn a_hint_naming_a_missing_field_points_into_the_overlay_action() {
    let error = generate(
        "  - target: $.servers[0]\n    update: {x-server-group: api}\n  - target: $.paths['/items'].get\n    update:\n      x-pagination: {style: page, page: page, items: entries}\n",
    )
    .expect_err("no field `entries`");
    assert_eq!(
        error.to_string(),
        "names.overlay.yaml#/actions/1/update/x-pagination/items: the response of `listItems` has no field `entries`"
    );
}

#[test]
fn a_total_that_is_not_a_number_is_refused() {
    let error = generate(
        "  - target: $.paths['/items'].get\n    update:\n      x-pagination: {style: page, page: page, items: items, totalPages: total}\n",
    )
    .expect_err("total is a string");
    assert_eq!(
        error.to_string(),
        "names.overlay.yaml#/actions/0/update/x-pagination/totalPages: the field `total` of `listItems`'s response is not a number"
    );
}

#[test]
fn an_unknown_style_and_a_bad_group_name_are_refused() {
    let error =
        generate("  - target: $.paths['/items'].get\n    update:\n      x-pagination: {style: offset, items: items}\n")
            .expect_err("unknown style");
    assert_eq!(
        error.to_string(),
        "names.overlay.yaml#/actions/0/update/x-pagination/style: unknown paging style `offset`: `page` or `cursor`"
    );
    let error = generate("  - target: $.servers[0]\n    update: {x-server-group: Main API}\n").expect_err("bad name");
    assert_eq!(
        error.to_string(),
        "api.yaml#/servers/0/x-server-group: `x-server-group` must be a snake_case name such as `connect`, not \"Main API\""
    );
}

#[test]
fn a_valid_hint_gives_the_builder_an_item_stream() {
    let generated = generate(
        "  - target: $.paths['/items'].get\n    update:\n      x-pagination: {style: page, page: page, items: items}\n",
    )
    .expect("generates");
    assert!(generated.code.contains("pub fn into_stream("), "no item stream");
    assert!(generated.code.contains("crate::runtime::paging::page_numbers("));
}
