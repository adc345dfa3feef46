//! `cargo xtask diff --migration-guide`: the committed guide from the seed-era API to the
//! current one is fresh, names every seed operation once with its fate, names only Rust items
//! that exist, and `--check` fails on a stale copy.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GUIDE: &str = "docs/MIGRATING-from-seed.md";
const HINTS: &str = "docs/migration-hints.yaml";
const INPUTS: [&str; 5] = [
    "spec/registry.yaml",
    "spec/registry.overlay.yaml",
    "spec/smithery.yaml",
    "spec/smithery.overlay.yaml",
    HINTS,
];
const FATES: [&str; 4] = ["(unchanged)", "(renamed)", "(moved)", "(removed)"];

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch root with the inputs and the committed guide.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for file in INPUTS.into_iter().chain([GUIDE]) {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(repository().join(file), &to).expect("copy");
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "--migration-guide"])
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn committed() -> String {
    std::fs::read_to_string(repository().join(GUIDE)).expect("the guide is committed")
}

#[test]
fn the_committed_guide_is_fresh() {
    let dir = scratch();
    let check = xtask(dir.path(), &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert!(
        text(&check.stdout).contains(&format!("unchanged {GUIDE}")),
        "{}",
        text(&check.stdout)
    );
}

#[test]
fn check_fails_on_a_stale_guide_and_regeneration_restores_it() {
    let dir = scratch();
    let path = dir.path().join(GUIDE);
    let stale = committed().replacen("(renamed)", "(unchanged)", 1);
    std::fs::write(&path, &stale).expect("write");

    let check = xtask(dir.path(), &["--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    assert!(
        text(&check.stderr).contains(&format!("{GUIDE} is stale")),
        "{}",
        text(&check.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        stale,
        "--check writes nothing"
    );

    // A spec change the guide does not reflect is stale too.
    let fresh = scratch();
    let spec = fresh.path().join("spec/smithery.yaml");
    let edited =
        std::fs::read_to_string(&spec)
            .expect("read")
            .replacen("operationId: getHealth", "operationId: getLiveness", 1);
    std::fs::write(&spec, edited).expect("write");
    let overlay = fresh.path().join("spec/smithery.overlay.yaml");
    let edited = std::fs::read_to_string(&overlay).expect("read").replacen(
        "operationId: check_health",
        "operationId: check_liveness",
        1,
    );
    std::fs::write(&overlay, edited).expect("write");
    let check = xtask(fresh.path(), &["--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));

    let run = xtask(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), committed());
}

#[test]
fn hints_that_no_longer_match_stop_generation_and_write_nothing() {
    let dir = scratch();
    let hints = dir.path().join(HINTS);
    let edited = std::fs::read_to_string(&hints).expect("read").replace(
        "to: GET /servers/{qualifiedName}/releases/{id}",
        "to: GET /servers/{qualifiedName}/builds/{id}",
    );
    std::fs::write(&hints, edited).expect("write");
    std::fs::remove_file(dir.path().join(GUIDE)).expect("remove");
    let run = xtask(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("the head document has no operation `GET /servers/{qualifiedName}/builds/{id}`"),
        "{}",
        text(&run.stderr)
    );
    assert!(!dir.path().join(GUIDE).exists());
}

#[test]
fn every_seed_operation_is_named_once_with_its_fate() {
    let guide = committed();
    let seed = spec_diff::input::load(
        &spec_diff::Input::File(repository().join("spec/registry.yaml")),
        Some(&spec_diff::Input::File(repository().join("spec/registry.overlay.yaml"))),
    )
    .expect("the seed spec loads");
    let mut names = Vec::new();
    for item in seed["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            if let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) {
                names.push(id.to_owned());
            }
        }
    }
    assert_eq!(names.len(), 9, "{names:?}");
    for name in &names {
        let mention = format!("`smithery_registry::seed::Client::{name}`");
        assert_eq!(guide.matches(&mention).count(), 1, "{mention} once");
        let heading = guide.lines().find(|line| line.contains(&mention)).expect("mentioned");
        assert!(heading.starts_with("### "), "{heading}");
        assert_eq!(
            FATES.iter().filter(|fate| heading.ends_with(*fate)).count(),
            1,
            "{heading}"
        );
    }
    // The fates the diff and the hints give today.
    for (name, fate) in [
        ("health_check", "→ `smithery_registry::Client::check_health` (renamed)"),
        ("deploy", "→ `smithery_registry::Client::deploy_release` (moved)"),
        ("create_token", "(removed)"),
    ] {
        let heading = format!("### `smithery_registry::seed::Client::{name}` {fate}");
        assert!(guide.contains(&heading), "{heading}");
    }
    assert!(guide.contains("`smithery_registry::Client::create_token` is not its successor"));
}

#[test]
fn every_rust_item_the_guide_names_exists() {
    let guide = committed();
    let current = std::fs::read_to_string(repository().join("generated-client/src/generated.rs")).expect("read");
    let seed = std::fs::read_to_string(repository().join("generated-client/src/seed/generated.rs")).expect("read");
    let mut checked = 0;
    for (start, _) in guide.match_indices("`smithery_registry::") {
        let path: String = guide[start + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        if path == "smithery_registry::seed" {
            // The module itself, named in the introduction.
            continue;
        }
        let (source, rest) = match path.strip_prefix("smithery_registry::seed::") {
            Some(rest) => (&seed, rest),
            None => (&current, path.trim_start_matches("smithery_registry::")),
        };
        let declared = if let Some(method) = rest.strip_prefix("Client::") {
            source.contains(&format!("fn {method}(&self)"))
        } else if let Some(name) = rest.strip_prefix("types::") {
            ["struct", "enum", "type"].iter().any(|kind| {
                source.contains(&format!("pub {kind} {name} ")) || source.contains(&format!("pub {kind} {name}("))
            })
        } else {
            source.contains(&format!("pub trait {rest} "))
        };
        assert!(declared, "`{path}` is named by the guide but not declared");
        checked += 1;
    }
    assert!(checked > 40, "{checked} items checked");
}
