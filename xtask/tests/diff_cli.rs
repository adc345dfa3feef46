//! `cargo xtask diff` as CI runs it: exit codes, formats, git revisions and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn template() -> String {
    std::fs::read_to_string(repository().join("spec-diff/tests/fixtures/template.yaml")).expect("fixture")
}

/// Writes the fixture and an edited copy; returns the directory holding `base.yaml` and `head.yaml`.
fn pair(from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = template();
    assert!(base.contains(from), "the fixture has no `{from}`");
    std::fs::write(dir.path().join("base.yaml"), &base).expect("write");
    std::fs::write(dir.path().join("head.yaml"), base.replacen(from, to, 1)).expect("write");
    dir
}

fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// A response enum value added: wire potentially-breaking, crate breaking.
const ENUM: (&str, &str) = ("enum: [active, archived]", "enum: [active, archived, deleted]");
// A query parameter's maximum raised: non-breaking on both counts.
const LOOSER: (&str, &str) = ("maximum: 100", "maximum: 200");
// A query parameter enum value added: wire non-breaking, crate potentially-breaking.
const REQUEST_ENUM: (&str, &str) = ("enum: [fast, slow]", "enum: [fast, slow, auto]");

#[test]
fn fail_on_exits_1_only_at_or_above_its_level() {
    let cases = [
        (ENUM, None, 0),
        (ENUM, Some("breaking"), 1),
        (REQUEST_ENUM, Some("breaking"), 0),
        (REQUEST_ENUM, Some("potentially-breaking"), 1),
        (LOOSER, Some("potentially-breaking"), 0),
        (LOOSER, Some("any"), 1),
    ];
    for ((from, to), fail_on, want) in cases {
        let dir = pair(from, to);
        let mut args = vec!["base.yaml", "head.yaml"];
        if let Some(level) = fail_on {
            args.extend(["--fail-on", level]);
        }
        let out = xtask(dir.path(), &args);
        assert_eq!(out.status.code(), Some(want), "{to} {fail_on:?}: {}", text(&out.stderr));
    }
}

#[test]
fn identical_specs_report_nothing_and_pass_any_threshold() {
    let dir = pair("maximum: 100", "maximum: 100");
    let out = xtask(dir.path(), &["base.yaml", "head.yaml", "--fail-on", "any"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("no changes"), "{}", text(&out.stdout));
}

/// The line of the template holding `needle`, counted from 1.
fn line_of(needle: &str) -> usize {
    template()
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .expect("in the template")
}

#[test]
fn text_output_names_the_change_and_has_no_colour_on_a_pipe() {
    let dir = pair(ENUM.0, ENUM.1);
    let out = xtask(dir.path(), &["base.yaml", "head.yaml"]);
    let stdout = text(&out.stdout);
    let status = line_of("        status:");
    // One line: whom it breaks, the id, the sentence with the property, the line.
    assert!(
        stdout.contains(&format!(
            "  BREAKING (CRATE ONLY) response-property-enum-value-added: response property `status` gained enum values `deleted`: the Rust enum gains variants, so exhaustive matches break (head {status}:9)\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nGET /items/{id} (get_item), POST /items (create_item)\n"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("head.yaml").count(),
        1,
        "the file is named once: {stdout}"
    );
    assert!(stdout.contains("major version bump"), "{stdout}");
    assert!(!stdout.contains('\x1b'), "colour escape on a pipe: {stdout:?}");

    // Verbose: the pointer and both verdicts on a line of their own.
    let out = xtask(dir.path(), &["base.yaml", "head.yaml", "--verbose"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "      at head {status}:9 #/components/schemas/Item/properties/status/enum (wire: potentially-breaking, crate: breaking)\n"
        )),
        "{stdout}"
    );
}

#[test]
fn json_output_follows_the_documented_schema() {
    let dir = pair(ENUM.0, ENUM.1);
    let out = xtask(dir.path(), &["--format", "json", "base.yaml", "head.yaml"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value["schema_version"], 2);
    assert_eq!(value["base"], "base.yaml");
    assert_eq!(value["summary"]["semver"], "major");
    assert_eq!(value["summary"]["breaking"], 1);
    let change = &value["changes"][0];
    assert_eq!(change["id"], "response-property-enum-value-added");
    assert_eq!(change["level"], "breaking");
    assert_eq!(change["wire"], "potentially-breaking");
    assert_eq!(change["crate"], "breaking");
    assert_eq!(change["side"], "head");
    assert_eq!(change["pointer"], "/components/schemas/Item/properties/status/enum");
    assert_eq!(change["scope"], "crate-only");
    assert_eq!(change["path"], "status");
    assert_eq!(
        change["location"],
        serde_json::json!({"line": line_of("        status:"), "column": 9})
    );
    assert_eq!(
        value["groups"][0]["title"],
        "GET /items/{id} (get_item), POST /items (create_item)"
    );
    assert_eq!(value["groups"][0]["changes"], serde_json::json!([0]));
    assert_eq!(
        change["operations"][0],
        serde_json::json!({"method": "GET", "path": "/items/{id}", "rust_method": "get_item"})
    );
}

#[test]
fn markdown_output_is_a_table_for_pull_requests() {
    let dir = pair(ENUM.0, ENUM.1);
    let out = xtask(dir.path(), &["--format", "markdown", "base.yaml", "head.yaml"]);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("### OpenAPI changes"), "{stdout}");
    assert!(
        stdout.contains("\n#### GET /items/{id} (get_item), POST /items (create_item)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("| level | change |"), "{stdout}");
    assert!(
        stdout.contains("| breaking (crate only) | `response-property-enum-value-added` |"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("| head {}:9 `", line_of("        status:"))),
        "{stdout}"
    );
}

#[test]
fn unreadable_input_exits_2_with_the_location() {
    let dir = pair(ENUM.0, ENUM.1);
    let out = xtask(dir.path(), &["base.yaml", "missing.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.yaml"), "{}", text(&out.stderr));

    std::fs::write(dir.path().join("broken.yaml"), "openapi: 3.0.3\npaths: [unclosed\n").expect("write");
    let out = xtask(dir.path(), &["base.yaml", "broken.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("broken.yaml:"), "{}", text(&out.stderr));

    let out = xtask(dir.path(), &["base.yaml"]);
    assert_eq!(out.status.code(), Some(2), "one document is a usage error");
    let out = xtask(dir.path(), &["base.yaml", "head.yaml", "--fail-on", "sometimes"]);
    assert_eq!(out.status.code(), Some(2), "unknown level");
}

#[test]
fn reads_git_revisions_and_applies_the_overlay() {
    let root = repository();
    let inside_git = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&root)
        .output()
        .is_ok_and(|o| o.status.success());
    if !inside_git {
        eprintln!("skipped: {} is not a git checkout", root.display());
        return;
    }
    let overlay = "spec/registry.overlay.yaml";
    let out = xtask(
        &root,
        &[
            "--overlay",
            overlay,
            "HEAD:spec/registry.yaml",
            "spec/registry.yaml",
            "--fail-on",
            "any",
        ],
    );
    // The working tree may differ from HEAD while someone edits the spec; what must hold is
    // that the revision was read and compared.
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("HEAD:spec/registry.yaml (base)"),
        "{}",
        text(&out.stdout)
    );

    let out = xtask(&root, &["HEAD:no/such/file.yaml", "spec/registry.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("HEAD:no/such/file.yaml"),
        "{}",
        text(&out.stderr)
    );
}
