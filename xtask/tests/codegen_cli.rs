//! `cargo xtask codegen` as a user runs it, on a scratch copy of the repository's inputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "spec/registry.yaml";
const OVERLAY: &str = "spec/registry.overlay.yaml";
/// The seed-era registry API's module: the target these tests tamper with.
const OUTPUT: &str = "generated-client/src/seed/generated.rs";
/// The other committed targets, the current API and the capabilities fixture: their inputs
/// and outputs.
const FIXTURE: [&str; 6] = [
    "spec/smithery.yaml",
    "spec/smithery.overlay.yaml",
    "generated-client/src/generated.rs",
    "tests/capabilities/capabilities.yaml",
    "tests/capabilities/capabilities.overlay.yaml",
    "tests/capabilities/src/generated.rs",
];

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch root holding the spec, the overlay and the committed output.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for file in [SPEC, OVERLAY, OUTPUT].into_iter().chain(FIXTURE) {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(repository().join(file), &to).expect("copy");
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_passes_on_the_committed_code_and_regeneration_is_a_no_op() {
    let dir = scratch();
    let check = xtask(dir.path(), &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));

    let before = std::fs::read(dir.path().join(OUTPUT)).expect("read");
    let run = xtask(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(
        text(&run.stdout).contains(&format!("unchanged {OUTPUT}")),
        "{}",
        text(&run.stdout)
    );
    assert!(
        text(&run.stdout).contains("0 of 3 file(s) changed in"),
        "{}",
        text(&run.stdout)
    );
    assert_eq!(std::fs::read(dir.path().join(OUTPUT)).expect("read"), before);
}

#[test]
fn stale_code_fails_the_check_with_a_diff_and_is_then_regenerated() {
    let dir = scratch();
    let output = dir.path().join(OUTPUT);
    let committed = std::fs::read_to_string(&output).expect("read");
    let tampered = committed.replacen("pub struct Health {", "pub struct Health {\n    pub extra: (),", 1);
    std::fs::write(&output, &tampered).expect("write");

    let check = xtask(dir.path(), &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    assert!(stderr.contains("-    pub extra: (),"), "{stderr}");
    assert!(stderr.contains("is stale; run `cargo xtask codegen`"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&output).expect("read"),
        tampered,
        "--check must not write"
    );

    let run = xtask(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(stdout.contains(&format!("updated {OUTPUT}: +0 -1 lines")), "{stdout}");
    assert_eq!(std::fs::read_to_string(&output).expect("read"), committed);

    // A second run over the same spec writes byte-identical code.
    let again = xtask(dir.path(), &[]);
    assert!(text(&again.stdout).contains(&format!("unchanged {OUTPUT}")));
    assert_eq!(std::fs::read_to_string(&output).expect("read"), committed);
}

#[test]
fn a_broken_spec_leaves_the_generated_code_untouched_and_names_the_place() {
    // An operation whose parameter `$ref` points to nothing: the operation is left out with a
    // warning naming the reference, which `--deny-warnings` makes a refusal.
    let broken = (
        "      parameters:\n        - $ref: \"#/components/parameters/QualifiedName\"\n        - $ref: \"#/components/parameters/DeploymentId\"",
        "      parameters:\n        - $ref: \"#/components/parameters/QualifiedName\"\n        - $ref: \"#/components/parameters/Missing\"",
    );
    let warning = "warning: spec/registry.yaml#/paths/~1servers~1{qualifiedName}~1deployments~1{id}/get/parameters/1/$ref: `$ref` `#/components/parameters/Missing` points to nothing; the operation GET /servers/{qualifiedName}/deployments/{id} is left out of the client";
    let cases = [
        (
            broken.0,
            broken.1,
            "spec/registry.yaml: ",
            &["--deny-warnings"][..],
            Some(warning),
        ),
        // A YAML syntax error.
        ("  /health:\n", "  /health: [\n", "spec/registry.yaml:", &[][..], None),
    ];
    for (from, to, expected, args, warning) in cases {
        let dir = scratch();
        let spec = dir.path().join(SPEC);
        let original = std::fs::read_to_string(&spec).expect("read");
        assert!(original.contains(from), "the fixture no longer contains {from:?}");
        std::fs::write(&spec, original.replacen(from, to, 1)).expect("write");
        let before = std::fs::read(dir.path().join(OUTPUT)).expect("read");

        let run = xtask(dir.path(), args);
        assert_eq!(run.status.code(), Some(2));
        let stderr = text(&run.stderr);
        let error = stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_default();
        assert!(error.starts_with(&format!("error: {expected}")), "{stderr}");
        if let Some(warning) = warning {
            assert!(stderr.lines().any(|l| l == warning), "{stderr}");
        }
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(std::fs::read(dir.path().join(OUTPUT)).expect("read"), before);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("generated-client/src/seed"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(leftovers, ["generated.rs"], "no temporary files may remain");
    }
}

#[test]
fn a_broken_operation_is_left_out_and_the_rest_generated() {
    let dir = scratch();
    let spec = dir.path().join(SPEC);
    let original = std::fs::read_to_string(&spec).expect("read");
    let from = "        - $ref: \"#/components/parameters/DeploymentId\"";
    assert!(original.contains(from));
    std::fs::write(
        &spec,
        original.replacen(from, "        - $ref: \"#/components/parameters/Missing\"", 1),
    )
    .expect("write");
    let run = xtask(dir.path(), &[]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("spec/registry.yaml: 8 operations typed, 0 degraded, 1 left out"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  left out: GET /servers/{qualifiedName}/deployments/{id}"),
        "{stderr}"
    );
    let code = std::fs::read_to_string(dir.path().join(OUTPUT)).expect("read");
    assert!(
        !code.contains("fn get_deployment_status("),
        "the broken operation is gone"
    );
    assert!(code.contains("fn list_deployments("), "the others stay");
}

#[test]
fn an_overlay_action_that_matches_nothing_stops_generation() {
    let dir = scratch();
    let spec = dir.path().join(SPEC);
    let original = std::fs::read_to_string(&spec).expect("read");
    // Upstream renames a path: the overlay's rename no longer applies, which must be loud.
    std::fs::write(&spec, original.replace("  /uplink/token:", "  /uplink/tokens:")).expect("write");
    let run = xtask(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("spec/registry.overlay.yaml#/actions/")
            && stderr.contains("target `$.paths['/uplink/token'].post` matches nothing in the document"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .arg("--bogus")
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("unknown option `--bogus`"));
    let run = Command::new(env!("CARGO_BIN_EXE_xtask")).output().expect("runs");
    assert_eq!(run.status.code(), Some(2));
}

/// With stderr a pipe nobody reads (`cargo xtask codegen ... 2>&1 | head -0`), printing the
/// error fails; the exit code must still be 2, not the 101 of a panic while printing.
#[test]
fn bad_input_exits_2_even_when_stderr_is_a_closed_pipe() {
    let dir = scratch();
    let spec = dir.path().join(SPEC);
    std::fs::write(&spec, "openapi: [\n").expect("write");
    for _ in 0..3 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("codegen")
            .arg("--root")
            .arg(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("xtask runs");
        // Close the reading ends before the child writes anything.
        drop(child.stderr.take());
        drop(child.stdout.take());
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(2));
    }
}
