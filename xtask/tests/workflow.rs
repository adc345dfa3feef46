//! The pull-request workflow diffs every spec the crate is generated from against the base
//! branch: a spec added to the committed targets is diffed without anyone editing the
//! workflow, and one the workflow stopped reading would fail here.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn the_workflow_diffs_every_generated_spec_with_its_overlay() {
    let listed = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--targets"])
        .output()
        .expect("xtask runs");
    assert!(listed.status.success());
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let targets: Vec<(&str, &str)> = listed
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(spec, _)| spec.starts_with("spec/"))
        .collect();
    // Both APIs of the crate, each with its overlay, and both files exist.
    let specs: Vec<&str> = targets.iter().map(|(spec, _)| *spec).collect();
    assert_eq!(specs, ["spec/smithery.yaml", "spec/registry.yaml"], "{listed}");
    for (spec, overlay) in &targets {
        assert!(root().join(spec).is_file(), "{spec}");
        assert!(root().join(overlay).is_file(), "{overlay}");
    }
    // Every spec under spec/ (not an overlay) is a target: none is generated without a diff.
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("spec"))
        .expect("spec/")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".yaml") && !name.ends_with(".overlay.yaml"))
        .map(|name| format!("spec/{name}"))
        .collect();
    on_disk.sort();
    let mut sorted = specs.clone();
    sorted.sort();
    assert_eq!(
        on_disk, sorted,
        "a spec under spec/ is not a generated target, or the reverse"
    );

    let workflow = std::fs::read_to_string(root().join(".github/workflows/pull-request.yml")).expect("workflow");
    assert!(
        workflow.contains("done < <(cargo xtask codegen --targets)"),
        "the spec-diff step must loop over `cargo xtask codegen --targets`"
    );
    for needle in [
        "--base-overlay \"origin/$BASE_REF:$overlay\" --head-overlay \"$overlay\"",
        "\"origin/$BASE_REF:$spec\" \"$spec\"",
        "cat spec-diff.md >> \"$GITHUB_STEP_SUMMARY\"",
    ] {
        assert!(workflow.contains(needle), "the spec-diff step lacks `{needle}`");
    }
}
