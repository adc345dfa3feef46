//! The degradation ladder end to end: what gives way when part of a valid document cannot
//! be generated, and that nothing else does.

use generator::{Settings, Source};

fn generate(spec: &str, settings: &Settings) -> generator::Generated {
    generator::generate_with(&Source::new("api.yaml", spec), None, settings).unwrap_or_else(|e| panic!("{e}"))
}

/// typify panics on an enum whose values give no distinct Rust names (`.` has none): that
/// schema, and only it, becomes any JSON value; the struct using it keeps its other fields,
/// and an operation that never reaches it stays typed.
#[test]
fn a_schema_typify_panics_on_becomes_any_value_and_nothing_else_changes() {
    let spec = r##"
openapi: 3.0.3
info: {title: Boards, version: "1"}
paths:
  /squares/{id}:
    get:
      operationId: getSquare
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: One square.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Square"}
  /boards:
    get:
      operationId: listBoards
      responses:
        "200":
          description: The boards.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Board"}}
components:
  schemas:
    Mark:
      type: string
      enum: [".", "X"]
    Square:
      type: object
      required: [row]
      properties:
        mark: {$ref: "#/components/schemas/Mark"}
        row: {type: integer, format: int32}
    Board:
      type: object
      properties:
        name: {type: string}
"##;
    let generated = generate(spec, &Settings::default());
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].starts_with(
            "#/components/schemas/Mark: progenitor panicked while generating the schema `Mark`: Failed to make unique variant names"
        ),
        "{warnings:#?}"
    );
    assert!(
        warnings[0].ends_with("the schema at /components/schemas/Mark is typed as any JSON value (serde_json::Value)"),
        "{warnings:#?}"
    );
    let code: String = generated.code.split_whitespace().collect();
    assert!(code.contains("pubstructMark("), "{code}");
    assert!(code.contains("typeTarget=::serde_json::Value;"), "Mark is any value");
    assert!(code.contains("pubrow:i32,"), "Square keeps its typed field");
    assert!(code.contains("pubstructBoard{"), "Board is untouched");
    assert_eq!(
        generated.report.to_string(),
        "1 operations typed, 1 degraded, 0 left out"
    );
}

/// Two path-level servers on the document's host with other base paths: a group each,
/// named after the path.
#[test]
fn servers_of_one_host_with_other_paths_get_groups_of_their_own() {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/servers-one-host-two-paths.yaml"
    ))
    .expect("fixture");
    let generated = generate(&spec, &Settings::registry_client());
    let code: String = generated.code.split_whitespace().collect();
    for (name, url) in [
        ("api_boxes_example", "https://api.boxes.example"),
        ("api_boxes_example_2_0", "https://api.boxes.example/2.0"),
        ("api_boxes_example_upload_2_0", "https://api.boxes.example/upload/2.0"),
    ] {
        assert!(
            code.contains(&format!("name:\"{name}\",url:\"{url}\",")),
            "group {name}"
        );
    }
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}

/// A document whose only defect is one operation's: that operation is left out (and listed
/// in the report), every other one generated.
#[test]
fn an_operation_no_rung_saves_is_left_out_and_listed() {
    let spec = r##"
openapi: 3.0.3
info: {title: Jars, version: "1"}
paths:
  /jars/{id}:
    get:
      operationId: getJar
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: session, in: cookie, required: true, schema: {type: string}}
      responses:
        "204": {description: Found.}
  /jars:
    get:
      operationId: listJars
      responses:
        "204": {description: Listed.}
"##;
    let generated = generate(spec, &Settings::default());
    assert_eq!(generated.report.left_out, vec!["GET /jars/{id}".to_owned()]);
    assert_eq!(generated.report.typed, 1);
    assert!(!generated.code.contains("fn get_jar("));
    assert!(generated.code.contains("fn list_jars("));
    let warning = generated
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("left out"));
    assert_eq!(
        warning.as_deref(),
        Some(
            "#/paths/~1jars~1{id}/get/parameters/1: parameter `session`: cookie parameters are not supported; the operation GET /jars/{id} is left out of the client"
        )
    );
}

/// `--deny-warnings` aside, the document that is not OpenAPI 3.x is the one refusal.
#[test]
fn only_a_document_that_is_not_openapi_3_is_refused() {
    let error = generator::generate(
        &Source::new("api.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\n"),
        None,
    )
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "api.yaml#/swagger: Swagger 2.0 documents are not supported: convert the document to OpenAPI 3 first"
    );
}

/// A parameter given by a `$ref` into the wrong component section (a schema): that
/// operation alone is left out, naming the reference.
#[test]
fn a_reference_to_the_wrong_component_section_degrades_that_operation_only() {
    let spec = r##"
openapi: 3.0.3
info: {title: Jars, version: "1"}
paths:
  /jars:
    get:
      operationId: listJars
      parameters:
        - $ref: "#/components/schemas/Lid"
      responses:
        "204": {description: Listed.}
  /lids:
    get:
      operationId: listLids
      responses:
        "200":
          description: The lids.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Lid"}}
components:
  schemas:
    Lid: {type: object, properties: {size: {type: integer}}}
"##;
    let generated = generate(spec, &Settings::default());
    assert_eq!(generated.report.left_out, vec!["GET /jars".to_owned()]);
    assert_eq!(generated.report.typed, 1);
    let warning = generated
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("left out"));
    assert!(
        warning
            .as_deref()
            .is_some_and(|w| w.starts_with("#/paths/~1jars/get/parameters/0/$ref: ")),
        "{warning:?}"
    );
    assert!(generated.code.contains("pub struct Lid"));
}
