//! Every published version of the registry's own spec goes through the whole pipeline.
//!
//! Reads `../shared/corpus/smithery-history/`, which only the project's workspace has; a
//! user's clone skips this test with a message.

use std::path::Path;

#[test]
fn every_registry_spec_version_generates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/smithery-history");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "skipped: {} is absent (it ships beside the project, not in it)",
            dir.display()
        );
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no specs in {}", dir.display());
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = generator::Source::read(file, name.clone()).expect("readable");
        let generated = generator::generate(&source, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        // progenitor's output went through syn and prettyplease, so it parses; whether
        // each version's client compiles is the real-world corpus test's job.
        assert!(
            generated.code.contains("pub struct Client"),
            "{name}: no client generated"
        );
    }
}
