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
        "names.overlay.yaml#/actions/0/update/x-server-group: `x-server-group` must be a snake_case name such as `connect`, not \"Main API\""
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

/// An event stream without a schema still generates, with text events and a warning saying so.
#[test]
fn an_event_stream_without_a_schema_gives_text_events_and_a_warning() {
    let spec = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /jobs/{id}/events:
    get:
      operationId: followJob
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: events
          content:
            text/event-stream: {}
"#;
    let generated = generator::generate_with(&Source::new("api.yaml", spec), None, &Settings::registry_client())
        .expect("generates");
    assert!(generated.code.contains("crate::runtime::sse::EventStream<String>"));
    assert!(
        generated
            .code
            .contains("HeaderValue::from_static(\"text/event-stream\")")
    );
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "#/paths/~1jobs~1{id}~1events/get/responses/200/content/text~1event-stream: the event stream declares no schema for its events: their data is read as text"
        ]
    );
}

/// An inline event schema becomes a named type, `<Operation>Event`.
#[test]
fn an_inline_item_schema_becomes_a_named_event_type() {
    let spec = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /jobs/{id}/events:
    get:
      operationId: followJob
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: events
          content:
            text/event-stream:
              itemSchema:
                type: object
                properties:
                  step: {type: [string, "null"]}
"#;
    let generated = generator::generate_with(&Source::new("api.yaml", spec), None, &Settings::registry_client())
        .expect("generates");
    assert!(generated.code.contains("pub struct FollowJobEvent"), "no event type");
    assert!(
        generated
            .code
            .contains("crate::runtime::sse::EventStream<types::FollowJobEvent>")
    );
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}
