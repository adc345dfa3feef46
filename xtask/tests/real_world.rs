//! The real-world corpus: every spec in `../shared/corpus/real-world/` and
//! `../shared/corpus/smithery-history/` generates a crate that passes `cargo check`, or is
//! refused with a one-line error naming its place; none may end in an internal error. It
//! prints, per document, the generation time, the warnings and the `cargo check` result, and
//! a summary table at the end. Slow (GitHub's client is 260,000 lines), so it is ignored by
//! default:
//!
//! ```text
//! cargo test -p xtask --test real_world -- --ignored --nocapture
//! ```
//!
//! The corpus ships beside the project, not in it; without it the test says so and passes.
//! Generated crates share one target directory (`target/corpus-check`), so dependencies
//! compile once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Specs that must compile: none of the corpus is expected to be refused today.
const MUST_COMPILE: &[&str] = &["api.github.com.json", "nexus.json"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
#[ignore = "slow: cargo check of every generated crate; run with --ignored"]
fn every_real_world_spec_generates_a_crate_that_compiles() {
    let shared = workspace().join("../shared/corpus");
    let mut specs: Vec<PathBuf> = ["real-world", "smithery-history"]
        .iter()
        .filter_map(|dir| std::fs::read_dir(shared.join(dir)).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    if specs.is_empty() {
        eprintln!(
            "skipped: no specs under {} (it ships beside the project, not in it)",
            shared.display()
        );
        return;
    }
    specs.sort();
    let out_root = workspace().join("target/corpus-crates");
    let target_dir = workspace().join("target/corpus-check");
    let mut failures = Vec::new();
    // (document, generation seconds, warnings, outcome, cargo check seconds)
    let mut rows: Vec<(String, f64, usize, String, f64)> = Vec::new();
    for spec in &specs {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let crate_name = format!("corpus_{}", stem.replace(['.', '-'], "_"));
        let out = out_root.join(&crate_name);
        let started = Instant::now();
        let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["codegen", "--spec"])
            .arg(spec)
            .arg("--out")
            .arg(&out)
            .args(["--crate-name", &crate_name])
            .output()
            .expect("xtask runs");
        let generated_in = started.elapsed();
        let stderr = String::from_utf8_lossy(&run.stderr);
        let name = spec
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if run.status.code() == Some(2) {
            let error = stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_default();
            eprintln!("{name}: refused in {:.1}s: {error}", generated_in.as_secs_f64());
            // A clear refusal is one line naming the document, never an internal error.
            if !error.contains(&name) || error.contains("internal error") || MUST_COMPILE.contains(&name.as_str()) {
                failures.push(format!("{name}: {error}"));
            }
            rows.push((name, generated_in.as_secs_f64(), 0, "refused".into(), 0.0));
            continue;
        }
        assert_eq!(run.status.code(), Some(0), "{name}: {stderr}");
        let started = Instant::now();
        let check = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target_dir)
            .output()
            .expect("cargo runs");
        let warnings = stderr.lines().filter(|l| l.starts_with("warning: ")).count();
        eprintln!(
            "{name}: generated in {:.1}s ({warnings} warnings), cargo check {} in {:.1}s",
            generated_in.as_secs_f64(),
            if check.status.success() { "passed" } else { "FAILED" },
            started.elapsed().as_secs_f64()
        );
        rows.push((
            name.clone(),
            generated_in.as_secs_f64(),
            warnings,
            if check.status.success() { "passed" } else { "FAILED" }.into(),
            started.elapsed().as_secs_f64(),
        ));
        if !check.status.success() {
            let errors = String::from_utf8_lossy(&check.stderr);
            failures.push(format!(
                "{name}: cargo check failed:\n{}",
                errors.lines().take(30).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    eprintln!("\n| document | generate | warnings | cargo check |");
    eprintln!("|---|---|---|---|");
    for (name, generate, warnings, outcome, check) in &rows {
        let check = if outcome == "refused" {
            "-".to_owned()
        } else {
            format!("{outcome} ({check:.1} s)")
        };
        let outcome = if outcome == "refused" { "refused" } else { "" };
        eprintln!("| `{name}` | {generate:.2} s {outcome} | {warnings} | {check} |");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
