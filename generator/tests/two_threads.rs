//! `generate_with` extends and formats progenitor's `types` module on a thread of its own
//! (see `generator/src/split.rs`). Its output must be byte for byte what the stages give
//! when run one after the other on one thread, as `extend::extend` and `render::render`
//! run them: same code, same warnings, for every document the project holds, in both
//! flavors, with and without an overlay.

use std::path::{Path, PathBuf};

use generator::{Settings, Source};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The stages one after the other on the current thread (the degradation ladder, if the
/// document needs it, around them as around the two-thread stages).
fn one_thread(spec: &Source, overlay: Option<&Source>, settings: &Settings) -> generator::Result<generator::Generated> {
    generator::generate_on_one_thread(spec, overlay, settings)
}

fn read(path: &Path) -> Source {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Source::read(path, name).unwrap_or_else(|e| panic!("{e}"))
}

/// Compares both ways on `spec` in both flavors; returns how many outputs were compared.
fn check(spec: &Path, overlay: Option<&Path>) -> usize {
    let source = read(spec);
    let overlay = overlay.map(read);
    let mut compared = 0;
    for settings in [Settings::default(), Settings::registry_client()] {
        let split = generator::generate_with(&source, overlay.as_ref(), &settings);
        let whole = one_thread(&source, overlay.as_ref(), &settings);
        match (split, whole) {
            (Ok(split), Ok(whole)) => {
                assert!(
                    split.code == whole.code,
                    "{}: the two-thread output differs from the one-thread output (settings {settings:?})",
                    spec.display()
                );
                assert_eq!(
                    format!("{:?}", split.warnings),
                    format!("{:?}", whole.warnings),
                    "{}: warnings differ",
                    spec.display()
                );
                compared += 1;
            }
            // A document the generator refuses is refused with the same error either way.
            (Err(split), Err(whole)) => assert_eq!(split.to_string(), whole.to_string(), "{}", spec.display()),
            (split, whole) => panic!(
                "{}: one way succeeded, the other did not: two threads {:?}, one thread {:?}",
                spec.display(),
                split.err(),
                whole.err()
            ),
        }
    }
    compared
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn the_registry_specs_give_the_same_code_on_two_threads_as_on_one() {
    let spec = workspace().join("spec");
    assert_eq!(
        check(&spec.join("smithery.yaml"), Some(&spec.join("smithery.overlay.yaml"))),
        2
    );
    assert_eq!(
        check(&spec.join("registry.yaml"), Some(&spec.join("registry.overlay.yaml"))),
        2
    );
    assert_eq!(check(&spec.join("smithery.yaml"), None), 2);
}

#[test]
fn the_projects_fixtures_give_the_same_code_on_two_threads_as_on_one() {
    let mut files = yaml_files(&workspace().join("xtask/tests/real-world-constructs"));
    files.push(workspace().join("generator/tests/fixtures/gaps.yaml"));
    assert!(files.len() > 10, "fixtures missing: {files:?}");
    let compared: usize = files.iter().map(|f| check(f, None)).sum();
    assert_eq!(compared, 2 * files.len());
}

/// The corpus beside the project (not in a user's clone): its small documents, among them
/// the repros the generator refuses, which must be refused alike.
#[test]
fn the_shared_corpus_gives_the_same_code_on_two_threads_as_on_one() {
    let corpus = workspace().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!(
            "skipped: {} is absent (it ships beside the project, not in it)",
            corpus.display()
        );
        return;
    }
    let mut files = yaml_files(&corpus.join("generator-repros"));
    files.extend(yaml_files(&corpus.join("smithery-history")));
    let compared: usize = files.iter().map(|f| check(f, None)).sum();
    assert!(compared > 20, "only {compared} outputs compared");
}
