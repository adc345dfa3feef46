//! The bad-input corpus. A document that is not OpenAPI 3.x (or does not parse) is refused,
//! each with the exact one-line error it prints: every such case runs the real binary on
//! the generic entry point over an output directory generated before from
//! `bad-input/good.yaml`, and checks exit code 2, the message, and that the directory is
//! byte-for-byte what it was. Any other defect degrades the smallest unit holding it (see
//! `generator/src/degrade.rs`): those cases generate, with the exact warning naming the node
//! and the summary of what was typed, degraded and left out.
//!
//! Add a case: put the document in `bad-input/`, run
//! `cargo xtask codegen --spec FILE --out /tmp/x` from that directory, check that the error
//! (or warning) names the right place, and add the file to `CASES` (or `DEGRADED`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// (file in `bad-input/`, the error it must produce after `error: `).
const CASES: &[(&str, &str)] = &[
    ("blank.yaml", "blank.yaml: the document is empty"),
    (
        "duplicate-key.yaml",
        "duplicate-key.yaml:1:1: invalid YAML: duplicate entry with key \"info\"",
    ),
    ("empty.yaml", "empty.yaml: the document is empty"),
    (
        "invalid-json.json",
        "invalid-json.json:3:25: invalid JSON: trailing comma",
    ),
    (
        "invalid-yaml.yaml",
        "invalid-yaml.yaml:5:1: invalid YAML: did not find expected ',' or ']' at line 5 column 1, while parsing a flow sequence",
    ),
    (
        "no-openapi-field.yaml",
        "no-openapi-field.yaml: not an OpenAPI document: no `openapi` version field",
    ),
    (
        "not-utf8.yaml",
        "not-utf8.yaml:2:15: not UTF-8: invalid byte at offset 29",
    ),
    (
        "openapi-4.yaml",
        "openapi-4.yaml#/openapi: unsupported OpenAPI version `4.0.0` (3.0.x and 3.1.x are supported)",
    ),
    (
        "openapi-number.yaml",
        "openapi-number.yaml#/openapi: `openapi` must be a version string such as \"3.1.0\", found a number",
    ),
    (
        "paths-not-mapping.yaml",
        "paths-not-mapping.yaml#/paths: `paths` must be a mapping, found an array",
    ),
    (
        "swagger-2.yaml",
        "swagger-2.yaml#/swagger: Swagger 2.0 documents are not supported: convert the document to OpenAPI 3 first",
    ),
    (
        "top-level-list.yaml",
        "top-level-list.yaml: expected an OpenAPI document (a mapping at the top), found an array",
    ),
    (
        "yaml-tag.yaml",
        "yaml-tag.yaml#/paths: YAML tag `!include` has no meaning in OpenAPI",
    ),
];

/// Documents that are valid OpenAPI (or read by their obvious meaning) but hold a construct
/// the client cannot type as written: (file, the first warning after `warning: `, the
/// summary line). Each generates a crate; the warning names the node that gave way.
const DEGRADED: &[(&str, &str, &str)] = &[
    (
        "duplicate-operation-id.yaml",
        "duplicate-operation-id.yaml#/paths/~1other~1{id}/get/operationId: operationId `getItem` is used by an earlier operation (or names the same Rust method); this one is `getItem_2`",
        "duplicate-operation-id.yaml: 2 operations typed, 0 degraded, 0 left out",
    ),
    (
        "event-stream-array-schema.yaml",
        "event-stream-array-schema.yaml#/paths/~1jobs~1{id}~1events/get/responses/200/content/text~1event-stream/itemSchema: an event's data must be one object or scalar, not an array (it describes the stream, not one event); each event's data is read as any JSON value",
        "event-stream-array-schema.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "missing-paths.yaml",
        "",
        "missing-paths.yaml: 0 operations typed, 0 degraded, 0 left out",
    ),
    (
        "multipart-body-not-an-object.yaml",
        "",
        "multipart-body-not-an-object.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "multipart-part-array.yaml",
        "",
        "multipart-part-array.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "operation-id-not-string.yaml",
        "operation-id-not-string.yaml#/paths/~1items~1{id}/get/operationId: `operationId` must be a string, found an array; the operation GET /items/{id} is left out of the client",
        "operation-id-not-string.yaml: 0 operations typed, 0 degraded, 1 left out",
    ),
    (
        "operation-ids-collide-in-rust.yaml",
        "operation-ids-collide-in-rust.yaml#/paths/~1other~1{id}/get/operationId: operationId `get_item` is used by an earlier operation (or names the same Rust method); this one is `get_item_2`",
        "operation-ids-collide-in-rust.yaml: 2 operations typed, 0 degraded, 0 left out",
    ),
    (
        "pagination-next-cursor-missing.yaml",
        "pagination-next-cursor-missing.yaml#/paths/~1items/get/x-pagination/nextCursor: the response of `listItems` has no field `next`; the extension is ignored",
        "pagination-next-cursor-missing.yaml: 0 operations typed, 1 degraded, 0 left out",
    ),
    (
        "pagination-page-parameter-missing.yaml",
        "pagination-page-parameter-missing.yaml#/paths/~1items/get/x-pagination/page: `listItems` has no query parameter `page` to carry the page; the extension is ignored",
        "pagination-page-parameter-missing.yaml: 0 operations typed, 1 degraded, 0 left out",
    ),
    (
        "parameter-declared-twice.yaml",
        "parameter-declared-twice.yaml#/paths/~1items~1{id}/get/parameters/2: parameter `q` is declared twice, at /paths/~1items~1{id}/get/parameters/1 and here; the operation GET /items/{id} is left out of the client",
        "parameter-declared-twice.yaml: 0 operations typed, 0 degraded, 1 left out",
    ),
    (
        "path-item-ref.yaml",
        "path-item-ref.yaml#/paths/~1items/$ref: `$ref` `#/components/pathItems/Items` points to nothing; every operation of /items is left out of the client",
        "path-item-ref.yaml: 0 operations typed, 0 degraded, 0 left out",
    ),
    (
        "path-parameter-not-in-path.yaml",
        "path-parameter-not-in-path.yaml#/paths/~1items/get/parameters/0: path parameter `id` does not appear in the path `/items`; the operation GET /items is left out of the client",
        "path-parameter-not-in-path.yaml: 0 operations typed, 0 degraded, 1 left out",
    ),
    (
        "path-parameter-optional.yaml",
        "path-parameter-optional.yaml#/paths/~1items~1{id}/get/parameters/0: a path parameter is always required; read as `required: true`",
        "path-parameter-optional.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "path-without-slash.yaml",
        "path-without-slash.yaml#/paths/items~1{id}: path `items/{id}` must start with `/`; every operation of items/{id} is left out of the client",
        "path-without-slash.yaml: 0 operations typed, 0 degraded, 1 left out",
    ),
    (
        "ref-cycle.yaml",
        "ref-cycle.yaml#/components/schemas/A/$ref: `$ref` `#/components/schemas/B` is part of a cycle of references with no definition; the schema at /components/schemas/A is typed as any JSON value (serde_json::Value)",
        "ref-cycle.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "ref-into-defs.yaml",
        "ref-into-defs.yaml#/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref: `$ref` `#/components/schemas/Item/$defs/Id` points to nothing (OpenAPI 3.0 has no `$defs`; move the definition under `#/components/schemas`); the schema at /paths/~1items~1{id}/get/responses/200/content/application~1json/schema is typed as any JSON value (serde_json::Value)",
        "ref-into-defs.yaml: 0 operations typed, 1 degraded, 0 left out",
    ),
    (
        "ref-other-file.yaml",
        "ref-other-file.yaml#/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref: `$ref` `common.yaml#/Item` points into another document; only references within this document (`#/...`) are supported; the schema at /paths/~1items~1{id}/get/responses/200/content/application~1json/schema is typed as any JSON value (serde_json::Value)",
        "ref-other-file.yaml: 0 operations typed, 1 degraded, 0 left out",
    ),
    (
        "ref-to-nothing.yaml",
        "ref-to-nothing.yaml#/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref: `$ref` `#/components/schemas/Itme` points to nothing; the schema is any JSON value",
        "ref-to-nothing.yaml: 0 operations typed, 1 degraded, 0 left out",
    ),
    (
        "required-cookie-parameter.yaml",
        "required-cookie-parameter.yaml#/paths/~1items~1{id}/get/parameters/1: parameter `session`: cookie parameters are not supported; the operation GET /items/{id} is left out of the client",
        "required-cookie-parameter.yaml: 0 operations typed, 0 degraded, 1 left out",
    ),
    (
        "required-true-in-schema.yaml",
        "required-true-in-schema.yaml#/paths/~1avatars~1{id}/put/requestBody/content/image~1png/schema/required: `required: true` belongs to a parameter, not a schema (list the property in its object's `required`); ignored",
        "required-true-in-schema.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "schema-of-wrong-type.yaml",
        "schema-of-wrong-type.yaml#/components/schemas/Item/required: `required` in a schema must be a list of property names, found a string; the schema at /components/schemas/Item is typed as any JSON value (serde_json::Value)",
        "schema-of-wrong-type.yaml: 0 operations typed, 1 degraded, 0 left out",
    ),
    (
        "schema-type-unknown.yaml",
        "schema-type-unknown.yaml#/components/schemas/Item/type: `record` is not a JSON Schema type (one of string, number, integer, boolean, array, object, null); the schema at /components/schemas/Item is typed as any JSON value (serde_json::Value)",
        "schema-type-unknown.yaml: 0 operations typed, 1 degraded, 0 left out",
    ),
    (
        "server-url-not-absolute.yaml",
        "server-url-not-absolute.yaml#/paths/~1items~1{id}/servers/0/url: server URL `/v2` is not an absolute http or https URL, so no client can reach it; the document's servers apply instead",
        "server-url-not-absolute.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "server-variable-undeclared.yaml",
        "server-variable-undeclared.yaml#/servers/0/url: server variable `tenant` is used in the URL but not declared in `variables`; the document's servers are ignored: the client has no default base URL",
        "server-variable-undeclared.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "status-code-out-of-range.yaml",
        "status-code-out-of-range.yaml#/paths/~1items~1{id}/get/responses/700: `700` is not an HTTP status code (100 to 599, or 1XX to 5XX); the operation GET /items/{id} is left out of the client",
        "status-code-out-of-range.yaml: 0 operations typed, 0 degraded, 1 left out",
    ),
    (
        "template-parameter-undeclared.yaml",
        "template-parameter-undeclared.yaml#/paths/~1items~1{id}/get: the path `/items/{id}` has the parameter `{id}`, which the operation does not declare; sent as a string",
        "template-parameter-undeclared.yaml: 1 operations typed, 0 degraded, 0 left out",
    ),
    (
        "unclosed-template.yaml",
        "unclosed-template.yaml#/paths/~1items~1{id: unclosed `{` in the path `/items/{id`; every operation of /items/{id is left out of the client",
        "unclosed-template.yaml: 0 operations typed, 0 degraded, 1 left out",
    ),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input")
}

fn codegen(dir: &Path, spec: &str, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .args(["codegen", "--spec", spec, "--out"])
        .arg(out)
        .args(["--crate-name", "previous"])
        .args(extra)
        .output()
        .expect("xtask runs")
}

/// Every file under `dir` with its bytes, sorted: what "untouched" compares.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

/// A generated crate to protect, and its snapshot.
fn previous_output() -> (tempfile::TempDir, Vec<(PathBuf, Vec<u8>)>) {
    let out = tempfile::tempdir().expect("tempdir");
    let run = codegen(&corpus(), "good.yaml", out.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let before = snapshot(out.path());
    assert_eq!(before.len(), 3, "Cargo.toml, src/lib.rs, src/generated.rs");
    (out, before)
}

fn assert_refused(run: &Output, expected: &str, out: &Path, before: &[(PathBuf, Vec<u8>)]) {
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{expected}\n{stderr}");
    let first = stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_default();
    assert_eq!(first, format!("error: {expected}"));
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(snapshot(out) == before, "{expected}: the previous output changed");
}

#[test]
fn every_document_that_is_not_openapi_is_refused_with_its_exact_error_and_writes_nothing() {
    let (out, before) = previous_output();
    let mut files: Vec<String> = std::fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "good.yaml")
        .collect();
    files.sort();
    let mut listed: Vec<String> = CASES
        .iter()
        .map(|(file, _)| *file)
        .chain(DEGRADED.iter().map(|(file, _, _)| *file))
        .map(str::to_owned)
        .collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "every corpus file has an expected outcome, and only those"
    );
    assert!(CASES.len() >= 10);
    for (file, expected) in CASES {
        let run = codegen(&corpus(), file, out.path(), &[]);
        assert_refused(&run, expected, out.path(), &before);
    }
}

#[test]
fn every_other_defect_degrades_its_node_with_a_warning_naming_it() {
    assert!(DEGRADED.len() >= 20);
    for (file, warning, summary) in DEGRADED {
        let out = tempfile::tempdir().expect("tempdir");
        let run = codegen(&corpus(), file, out.path(), &[]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(0), "{file}: {stderr}");
        if !warning.is_empty() {
            assert!(
                stderr.lines().any(|l| l == format!("warning: {warning}")),
                "{file}: expected `{warning}` in\n{stderr}"
            );
        }
        assert!(
            stderr.lines().any(|l| l == *summary),
            "{file}: expected `{summary}` in\n{stderr}"
        );
        assert!(
            out.path().join("src/generated.rs").is_file(),
            "{file}: no crate written"
        );
    }
}

#[test]
fn warnings_are_counted_and_deny_warnings_makes_them_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = std::fs::read_to_string(corpus().join("good.yaml")).expect("read");
    let spec = good.replace(
        "            application/json:\n",
        "            application/xml: {schema: {type: string}}\n            application/json:\n",
    );
    assert_ne!(spec, good);
    std::fs::write(dir.path().join("two-media-types.yaml"), spec).expect("write");
    let warning = "warning: two-media-types.yaml#/paths/~1items~1{id}/get/responses/200/content: the response is offered as `application/json`, `application/xml`; the client decodes `application/json`";

    let (out, before) = previous_output();
    let run = codegen(dir.path(), "two-media-types.yaml", out.path(), &["--deny-warnings"]);
    assert!(String::from_utf8_lossy(&run.stderr).contains(warning));
    assert_refused(
        &run,
        "two-media-types.yaml: 1 warning(s), and --deny-warnings makes them errors",
        out.path(),
        &before,
    );

    let run = codegen(dir.path(), "two-media-types.yaml", out.path(), &[]);
    assert_eq!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stderr).contains(warning));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("3 of 3 file(s) changed") && stdout.contains(", 1 warning(s)"),
        "{stdout}"
    );
}

/// 50 MB of operations (long descriptions, as generated specs have) with a syntax error at
/// the very end: the whole document is read, quickly, and refused with its line and column.
#[test]
fn a_50_mb_spec_is_checked_in_seconds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let description = "d".repeat(4000);
    let mut paths = Vec::new();
    let mut size = 0;
    let mut i = 0;
    while size < 50_000_000 {
        let path = format!(
            r##""/r{i}/{{id}}": {{"get": {{"operationId": "op{i}", "description": "{description}", "parameters": [{{"name": "id", "in": "path", "required": true, "schema": {{"type": "string"}}}}], "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Item"}}}}}}}}}}}}}}"##
        );
        size += path.len();
        paths.push(path);
        i += 1;
    }
    let spec = format!(
        r##"{{"openapi": "3.0.3", "info": {{"title": "big", "version": "1"}}, "paths": {{{}}}, "components": {{"schemas": {{"Item": {{"type": "object"}},}}}}}}"##,
        paths.join(",")
    );
    assert!(spec.len() >= 50_000_000);
    std::fs::write(dir.path().join("big.json"), &spec).expect("write");

    let (out, before) = previous_output();
    let started = Instant::now();
    let run = codegen(dir.path(), "big.json", out.path(), &[]);
    let elapsed = started.elapsed();
    let column = spec.len() - 2;
    assert_refused(
        &run,
        &format!("big.json:1:{column}: invalid JSON: trailing comma"),
        out.path(),
        &before,
    );
    // Debug build on a busy 2-core machine: about 5 s. Minutes would mean a quadratic step.
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
}
