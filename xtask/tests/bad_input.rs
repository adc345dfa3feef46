//! The bad-input corpus: documents the generator must refuse, each with the exact one-line
//! error it prints. Every case runs the real binary on the generic entry point over an
//! output directory generated before from `bad-input/good.yaml`, and checks exit code 2,
//! the message, and that the directory is byte-for-byte what it was.
//!
//! Add a case: put the document in `bad-input/`, run
//! `cargo xtask codegen --spec FILE --out /tmp/x` from that directory, check that the error
//! names the right place, and add the file with its error to `CASES`.

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
    (
        "duplicate-operation-id.yaml",
        "duplicate-operation-id.yaml#/paths/~1other~1{id}/get/operationId: operationId `getItem` is also used at /paths/~1items~1{id}/get",
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
        "missing-paths.yaml",
        "missing-paths.yaml: the document has no `paths`: there is nothing to generate",
    ),
    (
        "multipart-body-not-an-object.yaml",
        "multipart-body-not-an-object.yaml#/paths/~1items~1{id}/post/requestBody/content/multipart~1form-data/schema: a multipart body's schema must be an object whose properties are the parts",
    ),
    (
        "multipart-part-array.yaml",
        "multipart-part-array.yaml#/paths/~1items~1{id}/post/requestBody/content/multipart~1form-data/schema/properties/attachments: multipart part `attachments` is an array, which would be sent as repeated parts (not supported); declare `encoding.attachments.contentType: application/json` to send it as one JSON part",
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
        "operation-id-not-string.yaml",
        "operation-id-not-string.yaml#/paths/~1items~1{id}/get/operationId: `operationId` must be a string, found an array",
    ),
    (
        "operation-ids-collide-in-rust.yaml",
        "operation-ids-collide-in-rust.yaml#/paths/~1other~1{id}/get/operationId: operationId `get_item` and `getItem` (at /paths/~1items~1{id}/get) both become the method `get_item`",
    ),
    (
        "parameter-declared-twice.yaml",
        "parameter-declared-twice.yaml#/paths/~1items~1{id}/get/parameters/2: parameter `q` is declared twice, at /paths/~1items~1{id}/get/parameters/1 and here",
    ),
    (
        "path-item-ref.yaml",
        "path-item-ref.yaml#/paths/~1items/$ref: `$ref` `#/components/pathItems/Items` points to nothing",
    ),
    (
        "path-parameter-not-in-path.yaml",
        "path-parameter-not-in-path.yaml#/paths/~1items/get/parameters/0: path parameter `id` does not appear in the path `/items`",
    ),
    (
        "path-parameter-optional.yaml",
        "path-parameter-optional.yaml#/paths/~1items~1{id}/get/parameters/0: path parameter `id` must be marked `required: true`",
    ),
    (
        "path-without-slash.yaml",
        "path-without-slash.yaml#/paths/items~1{id}: path `items/{id}` must start with `/`",
    ),
    (
        "paths-not-mapping.yaml",
        "paths-not-mapping.yaml#/paths: `paths` must be a mapping, found an array",
    ),
    (
        "ref-cycle.yaml",
        "ref-cycle.yaml#/components/schemas/A/$ref: `$ref` `#/components/schemas/B` is part of a cycle of references with no definition",
    ),
    (
        "ref-into-defs.yaml",
        "ref-into-defs.yaml#/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref: `$ref` `#/components/schemas/Item/$defs/Id` points to nothing (OpenAPI 3.0 has no `$defs`; move the definition under `#/components/schemas`)",
    ),
    (
        "ref-other-file.yaml",
        "ref-other-file.yaml#/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref: `$ref` `common.yaml#/Item` points into another document; only references within this document (`#/...`) are supported",
    ),
    (
        "ref-to-nothing.yaml",
        "ref-to-nothing.yaml#/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref: `$ref` `#/components/schemas/Itme` points to nothing",
    ),
    (
        "required-true-in-schema.yaml",
        "required-true-in-schema.yaml#/paths/~1avatars~1{id}/put/requestBody/content/image~1png/schema/required: `required` in a schema must be a list of property names, found a boolean (`required: true` belongs to a parameter or a request body, not to its schema)",
    ),
    (
        "required-cookie-parameter.yaml",
        "required-cookie-parameter.yaml#/paths/~1items~1{id}/get/parameters/1: parameter `session`: cookie parameters are not supported",
    ),
    (
        "schema-of-wrong-type.yaml",
        "schema-of-wrong-type.yaml#/components/schemas/Item/required: `required` in a schema must be a list of property names, found a string",
    ),
    (
        "schema-type-unknown.yaml",
        "schema-type-unknown.yaml#/components/schemas/Item/type: `record` is not a JSON Schema type (one of string, number, integer, boolean, array, object, null)",
    ),
    (
        "status-code-out-of-range.yaml",
        "status-code-out-of-range.yaml#/paths/~1items~1{id}/get/responses/700: `700` is not an HTTP status code (100 to 599, or 1XX to 5XX)",
    ),
    (
        "swagger-2.yaml",
        "swagger-2.yaml#/swagger: Swagger 2.0 documents are not supported: convert the document to OpenAPI 3 first",
    ),
    (
        "template-parameter-undeclared.yaml",
        "template-parameter-undeclared.yaml#/paths/~1items~1{id}/get: the path `/items/{id}` has the parameter `{id}`, which `getItem` does not declare",
    ),
    (
        "top-level-list.yaml",
        "top-level-list.yaml: expected an OpenAPI document (a mapping at the top), found an array",
    ),
    (
        "unclosed-template.yaml",
        "unclosed-template.yaml#/paths/~1items~1{id: unclosed `{` in the path `/items/{id`",
    ),
    (
        "yaml-tag.yaml",
        "yaml-tag.yaml#/paths: YAML tag `!include` has no meaning in OpenAPI",
    ),
    (
        "server-url-not-absolute.yaml",
        "server-url-not-absolute.yaml#/paths/~1items~1{id}/servers/0/url: server URL `/v2` is not an absolute http or https URL, so no client can reach it",
    ),
    (
        "server-variable-undeclared.yaml",
        "server-variable-undeclared.yaml#/servers/0/url: server variable `tenant` is used in the URL but not declared in `variables`",
    ),
    (
        "pagination-next-cursor-missing.yaml",
        "pagination-next-cursor-missing.yaml#/paths/~1items/get/x-pagination/nextCursor: the response of `listItems` has no field `next`",
    ),
    (
        "pagination-page-parameter-missing.yaml",
        "pagination-page-parameter-missing.yaml#/paths/~1items/get/x-pagination/page: `listItems` has no query parameter `page` to carry the page",
    ),
    (
        "event-stream-array-schema.yaml",
        "event-stream-array-schema.yaml#/paths/~1jobs~1{id}~1events/get/responses/200/content/text~1event-stream/itemSchema: an event's data must be one object or scalar, not an array; describe one event, not the stream",
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
fn every_bad_document_is_refused_with_its_exact_error_and_writes_nothing() {
    let (out, before) = previous_output();
    let mut files: Vec<String> = std::fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "good.yaml")
        .collect();
    files.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(file, _)| (*file).to_owned()).collect();
    listed.sort();
    assert_eq!(files, listed, "every corpus file has an expected error, and only those");
    assert!(CASES.len() >= 25);
    for (file, expected) in CASES {
        let run = codegen(&corpus(), file, out.path(), &[]);
        assert_refused(&run, expected, out.path(), &before);
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

/// 50 MB of operations (long descriptions, as generated specs have) with one duplicate
/// operationId at the very end: the whole document is read and checked, quickly.
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
    let last = i - 1;
    paths.push(format!(
        r#""/again": {{"get": {{"operationId": "op{last}", "responses": {{"200": {{"description": "ok"}}}}}}}}"#
    ));
    let spec = format!(
        r##"{{"openapi": "3.0.3", "info": {{"title": "big", "version": "1"}}, "paths": {{{}}}, "components": {{"schemas": {{"Item": {{"type": "object"}}}}}}}}"##,
        paths.join(",")
    );
    assert!(spec.len() >= 50_000_000);
    std::fs::write(dir.path().join("big.json"), spec).expect("write");

    let (out, before) = previous_output();
    let started = Instant::now();
    let run = codegen(dir.path(), "big.json", out.path(), &[]);
    let elapsed = started.elapsed();
    assert_refused(
        &run,
        // Paths are visited in sorted order, so `/again` comes first.
        &format!(
            "big.json#/paths/~1r{last}~1{{id}}/get/operationId: operationId `op{last}` is also used at /paths/~1again/get"
        ),
        out.path(),
        &before,
    );
    // Debug build on a busy 2-core machine: about 5 s. Minutes would mean a quadratic step.
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
}
