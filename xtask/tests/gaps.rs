//! The crate generated from `generator/tests/fixtures/gaps.yaml` compiles, warns a user of
//! each deprecated operation, parameter and field (and of nothing else), and behaves on the
//! wire: explicit `null` against absence in a PATCH, a JSON body on DELETE, multipart file
//! names and content types, free-form JSON bodies.
//!
//! One `cargo test` of the generated crate does it all: it compiles `src/bin/use.rs` (which
//! uses each deprecated item once, from `gaps-crate/use.rs`) and runs `tests/wire.rs` (from
//! `gaps-crate/wire.rs`) against a loopback server. The crate is built offline with the
//! workspace's `Cargo.lock`, in `target/gaps-check`, so its dependencies compile once.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The warnings `src/bin/use.rs` must draw, one per deprecated item, with the first
/// sentence of its description.
const EXPECTED: &[&str] = &[
    "src/bin/use.rs:10:10: warning: use of deprecated method `gaps::ClientGadgetsExt::list_legacy_gadgets`: Use listGadgets instead.",
    "src/bin/use.rs:11:10: warning: use of deprecated method `gaps::builder::ListLegacyGadgets::<'a>::colour`: Filter by paint colour.",
    "src/bin/use.rs:16:22: warning: use of deprecated field `gaps::types::Gadget::serial`: The factory serial.",
];

#[test]
fn the_gaps_crate_compiles_warns_of_deprecations_and_behaves_on_the_wire() {
    let root = workspace();
    let out = root.join("target/gaps-crate");
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&root)
        .args(["codegen", "--spec", "generator/tests/fixtures/gaps.yaml", "--out"])
        .arg(&out)
        .args(["--crate-name", "gaps", "--deny-warnings"])
        .output()
        .expect("xtask runs");
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));

    // The test talks plain HTTP to loopback: the TLS backend (C code, minutes to build)
    // is left out. Nothing in the generated code depends on it.
    let manifest_path = out.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).expect("manifest");
    assert!(manifest.contains("\"rustls\", "), "{manifest}");
    let manifest = manifest.replace("\"rustls\", ", "")
        + "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }\n";
    std::fs::write(&manifest_path, manifest).expect("write manifest");
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("lock file");
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gaps-crate");
    for (from, to) in [("use.rs", "src/bin/use.rs"), ("wire.rs", "tests/wire.rs")] {
        let to = out.join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(here.join(from), &to).expect("copy");
    }

    let test = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--message-format", "short", "--manifest-path"])
        .arg(&manifest_path)
        .env("CARGO_TARGET_DIR", root.join("target/gaps-check"))
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&test.stderr);
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(
        test.status.success(),
        "cargo test of the gaps crate failed:\n{stderr}\n{stdout}"
    );

    // Short diagnostics start with their file; cargo's own summary lines start with `warning:`.
    let mut warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": warning: ") || l.contains(": error: "))
        .collect();
    warnings.sort_unstable();
    warnings.dedup();
    assert_eq!(warnings, EXPECTED, "full output:\n{stderr}");
    assert!(
        stdout.contains("test result: ok. 5 passed"),
        "the wire tests did not all run:\n{stdout}"
    );
}
