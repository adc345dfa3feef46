//! The shared corpus: oasdiff's one-change spec pairs, the registry's own published history,
//! and large real-world specs. Reads `../shared/corpus/`, which only the project's workspace
//! has; a user's clone skips these tests with a message.

use std::path::{Path, PathBuf};

use spec_diff::{Level, Level::*, Report};

fn corpus(dir: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(dir);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (it ships beside the project, not in it)",
            path.display()
        );
        None
    }
}

fn load(path: &Path) -> serde_json::Value {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = generator::Source::read(path, name).expect("readable");
    generator::prepare(&source, None)
        .unwrap_or_else(|e| panic!("{e}"))
        .value
}

/// Everything `cargo xtask diff` reads: the original tree (for 3.1 keywords and webhooks)
/// and the text (for line numbers) beside the normalized one.
fn load_full(path: &Path) -> spec_diff::input::Loaded {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = generator::Source::read(path, name).expect("readable");
    spec_diff::input::from_source(&source, None).unwrap_or_else(|e| panic!("{e}"))
}

/// The same document written as JSON: what "reformatting" a YAML spec gives.
fn as_json(path: &Path) -> spec_diff::input::Loaded {
    let bytes = std::fs::read(path).expect("readable");
    let raw = generator::load::load("raw", &bytes).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_vec_pretty(&raw.value).expect("serializes");
    spec_diff::input::from_source(&generator::Source::new("as.json", json), None).unwrap_or_else(|e| panic!("{e}"))
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("listable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    files.sort();
    files
}

/// The worst level each oasdiff pair should get, in the project's judgement (not oasdiff's):
/// `None` where the pair changes nothing a client or the crate can observe. The 3.1 keywords
/// the generator drops are compared on the documents as written: added ones restrict
/// (breaking in a request), edits inside them can only be potentially breaking.
const OASDIFF_EXPECTED: &[(&str, Option<Level>)] = &[
    ("add_new_media_type", Some(NonBreaking)),
    ("additional_properties_traversal", Some(Breaking)),
    ("api_security_added", Some(Breaking)),
    ("api_security_global_added", Some(Breaking)),
    ("api_security_updated", Some(NonBreaking)), // a scope dropped from the only requirement: existing tokens still work
    ("common_request_parameter_max_items_updated", None), // `maxItems` on string items constrains nothing
    ("component_security_updated", Some(NonBreaking)),
    ("contains_added", Some(Breaking)),
    ("contains_min_max", Some(Breaking)), // `minContains` raised in a request
    ("contains_property", Some(Breaking)),
    ("contains_property_min_max", Some(Breaking)),
    ("content_schema", Some(PotentiallyBreaking)),
    ("content_schema_body", Some(PotentiallyBreaking)),
    ("content_schema_prop", Some(PotentiallyBreaking)),
    ("dependent_required", Some(Breaking)),
    ("dependent_required_property", Some(Breaking)),
    ("dependent_required_property_changed", Some(Breaking)), // one more dependency required
    ("dependent_schemas", Some(Breaking)),
    ("dependent_schemas_prop", Some(Breaking)),
    ("exclusive_min_max", Some(Breaking)),
    ("exclusive_min_max_set", Some(Breaking)),
    ("if_added", Some(Breaking)),
    ("if_added_prop", Some(Breaking)),
    ("nil_revision_subschema", Some(Breaking)),
    ("not", Some(PotentiallyBreaking)), // the negated schema changed: only a reader can tell which way
    ("nullable_type_array_param", Some(Breaking)),
    ("nullable_type_array_response", Some(NonBreaking)),
    ("nullable_wrap", Some(NonBreaking)),
    ("nullable_wrap_body", Some(Breaking)),
    ("nullable_wrap_narrowed", Some(Breaking)),
    ("nullable_wrap_param", Some(NonBreaking)),
    ("nullable_wrap_response", Some(Breaking)),
    ("pattern_properties", Some(Breaking)),
    ("pattern_properties_prop", Some(Breaking)),
    ("prefix_items_added", Some(Breaking)),
    ("prefix_items_prop", Some(Breaking)),
    ("property_names", Some(Breaking)),
    ("property_names_prop", Some(Breaking)),
    ("request_body_any_of_media_type", Some(Breaking)),
    ("request_body_const_changed", Some(Breaking)),
    ("request_body_default_value_changed", Some(Breaking)),
    ("request_body_max_length_set", Some(Breaking)),
    ("request_body_max_set", Some(Breaking)),
    ("request_body_media_type_updated", Some(NonBreaking)),
    ("request_body_nullable_31", Some(Breaking)),
    ("request_body_removed", Some(Breaking)),
    ("request_param_multitype_to_array_31", Some(Breaking)),
    ("request_param_nullable_to_array_31", Some(Breaking)),
    ("request_param_scalar_to_array_31", Some(Breaking)),
    ("request_param_scalar_to_constrained_array_31", Some(Breaking)),
    ("request_parameter_array_max_items", Some(Breaking)),
    ("request_parameter_became_enum", Some(Breaking)),
    ("request_parameter_default_value_changed", Some(PotentiallyBreaking)),
    ("request_parameter_enum_value_updated", Some(Breaking)),
    ("request_parameter_extensible_enum", Some(Breaking)),
    ("request_parameter_max_items_updated", None), // `maxItems` on string items constrains nothing
    ("request_parameter_max_length_set", Some(Breaking)),
    ("request_parameter_max_length_updated", Some(NonBreaking)),
    ("request_parameter_max_updated", None), // `maximum` on an array constrains nothing
    ("request_parameter_min_increased", Some(Breaking)),
    ("request_parameter_min_items_increased", Some(Breaking)),
    ("request_parameter_min_length_increased", Some(Breaking)),
    ("request_parameter_pattern_added_or_changed", Some(PotentiallyBreaking)),
    ("request_parameter_property_enum_value_updated", Some(Breaking)),
    ("request_property_added", Some(Breaking)),
    ("request_property_all_of_added", None), // the new `allOf` member adds nothing to the merged object
    ("request_property_all_of_annotation_only_added", None), // annotations only
    ("request_property_all_of_annotation_only_added_at_property", None), // annotations only
    ("request_property_all_of_inline_added", Some(PotentiallyBreaking)),
    ("request_property_all_of_removed", None), // the removed member added nothing to the merged object
    ("request_property_any_of_added", Some(PotentiallyBreaking)),
    ("request_property_any_of_ref_inline_enum", None), // the same enum moved into a component (typify's type name is not compared)
    ("request_property_any_of_removed", Some(Breaking)),
    ("request_property_became_nullable", Some(Breaking)),
    ("request_property_became_nullable_31", Some(Breaking)),
    ("request_property_discriminator_added", None), // discriminators change no value's validity and are not compared
    ("request_property_extensible_enum", Some(Breaking)),
    ("request_property_max_length_set", Some(Breaking)),
    ("request_property_max_set", Some(Breaking)),
    ("request_property_min_increased", Some(Breaking)),
    ("request_property_min_items_increased", Some(Breaking)),
    ("request_property_one_of_added", Some(PotentiallyBreaking)),
    ("request_property_one_of_removed", Some(Breaking)),
    ("request_property_one_of_wrapped", Some(Breaking)),
    ("request_property_pattern_added_or_changed", Some(NonBreaking)), // to an empty pattern, which matches everything
    ("request_property_type_changed", Some(Breaking)),
    ("request_xml_type_compatible", Some(Breaking)),
    ("response_min_decreased", Some(PotentiallyBreaking)),
    ("response_optional_property_removed", Some(Breaking)),
    ("response_pattern_added_or_changed", Some(PotentiallyBreaking)),
    ("response_property_all_of_added", None), // the new `allOf` member adds nothing to the merged object
    ("response_property_all_of_annotation_only_added", None), // annotations only
    ("response_property_all_of_inline_added", Some(PotentiallyBreaking)),
    ("response_property_all_of_removed", None), // the removed member added nothing to the merged object
    ("response_property_any_of_added", Some(Breaking)),
    ("response_property_any_of_complex", Some(Breaking)),
    ("response_property_any_of_removed", Some(Breaking)),
    ("response_property_became_optional", Some(Breaking)),
    ("response_property_const_changed", Some(Breaking)),
    ("response_property_default_value_changed", Some(NonBreaking)),
    ("response_property_discriminator_added", None), // discriminators change no value's validity and are not compared
    ("response_property_one_of_added", Some(Breaking)),
    ("response_property_one_of_removed", Some(Breaking)),
    ("response_property_one_of_wrapped", Some(Breaking)),
    ("response_required_property_added", Some(PotentiallyBreaking)),
    ("response_schema_type_changed", Some(Breaking)),
    ("response_xml_type_compatible", Some(Breaking)),
    ("sub_schema_added_property", Some(PotentiallyBreaking)), // edits inside `then`, `else`, `contains`, ...: potentially breaking
    ("sub_schema_traversal", Some(PotentiallyBreaking)), // edits inside `if`, `then`, `prefixItems`, ...: potentially breaking
    ("transition_claims_enum", Some(Breaking)),
    ("unevaluated", Some(Breaking)),
    ("unevaluated_bool", Some(Breaking)),
    ("unevaluated_property", Some(Breaking)),
    ("webhook", Some(Breaking)),              // one webhook removed, another added
    ("webhook_operation", Some(NonBreaking)), // the payload the API sends gained a property
];

#[test]
fn oasdiff_pairs_get_the_expected_level_without_panicking() {
    let Some(dir) = corpus("oasdiff-checker") else {
        return;
    };
    let mut failures = Vec::new();
    let mut pairs = 0;
    for base in files(&dir) {
        let file = base
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(name) = file.strip_suffix("_base.yaml") else {
            continue;
        };
        let head = dir.join(format!("{name}_revision.yaml"));
        if !head.exists() {
            continue;
        }
        pairs += 1;
        let report = std::panic::catch_unwind(|| spec_diff::input::compare(&load_full(&base), &load_full(&head)));
        let Ok(report) = report else {
            failures.push(format!("{name}: panicked"));
            continue;
        };
        for change in &report.changes {
            assert!(
                !change.message.is_empty() && change.pointer.starts_with('/'),
                "{name}: {change:?}"
            );
        }
        match OASDIFF_EXPECTED.iter().find(|(n, _)| *n == name) {
            None => failures.push(format!("{name}: no expectation; add it to OASDIFF_EXPECTED")),
            Some((_, want)) if *want != report.worst() => failures.push(format!(
                "{name}: worst level {:?}, expected {want:?}: {:?}",
                report.worst(),
                report.changes.iter().map(|c| &c.id).collect::<Vec<_>>()
            )),
            Some(_) => {}
        }
    }
    assert_eq!(pairs, OASDIFF_EXPECTED.len(), "pairs in the corpus vs expectations");
    let agree = pairs - failures.len();
    eprintln!(
        "{agree} of {pairs} oasdiff pairs get the expected level ({:.1}%)",
        100.0 * agree as f64 / pairs as f64
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_spec_equals_itself_and_its_json_rewrite() {
    let mut checked = 0;
    for dir in ["oasdiff-checker", "smithery-history", "real-world"] {
        let Some(dir) = corpus(dir) else {
            continue;
        };
        for file in files(&dir) {
            // The large real-world specs are the benchmark's job; debug builds are slow on them.
            if std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) > 100_000 {
                continue;
            }
            let value = load_full(&file);
            let name = file.display();
            assert_eq!(
                spec_diff::input::compare(&value, &value).changes,
                [],
                "{name} vs itself"
            );
            assert_eq!(
                spec_diff::input::compare(&value, &as_json(&file)).changes,
                [],
                "{name} vs its JSON form"
            );
            checked += 1;
        }
    }
    eprintln!("{checked} specs compared with themselves");
}

fn history() -> Option<Vec<PathBuf>> {
    corpus("smithery-history").map(|dir| files(&dir))
}

fn ids(report: &Report) -> Vec<(&str, Level)> {
    report.changes.iter().map(|c| (c.id.as_str(), c.level())).collect()
}

fn find<'a>(report: &'a Report, id: &str, mention: &str) -> &'a spec_diff::Change {
    report
        .changes
        .iter()
        .find(|c| c.id == id && c.message.contains(mention))
        .unwrap_or_else(|| panic!("no `{id}` mentioning `{mention}` in {:?}", ids(report)))
}

#[test]
fn the_registry_history_flags_what_a_maintainer_would_want() {
    let Some(files) = history() else {
        return;
    };
    assert_eq!(files.len(), 8, "the history has eight versions");
    let reports: Vec<Report> = files
        .windows(2)
        .map(|pair| spec_diff::input::compare(&load_full(&pair[0]), &load_full(&pair[1])))
        .collect();

    // 01 → 02: `isDeployed` and `deploymentUrl` dropped, `remote` added.
    let r = &reports[0];
    assert_eq!(find(r, "response-property-removed", "isDeployed`").level(), Breaking);
    assert_eq!(
        find(r, "response-optional-property-removed", "deploymentUrl`").rust,
        Breaking
    );
    assert_eq!(find(r, "response-property-added", "remote`").wire, NonBreaking);
    // 02 → 03: `useCount` went from string to integer.
    assert_eq!(ids(&reports[1]), [("response-property-type-changed", Breaking)]);
    // 03 → 04: two optional fields: nothing breaks on the wire, the structs grow.
    assert_eq!(
        ids(&reports[2]),
        [
            ("response-property-added", PotentiallyBreaking),
            ("response-property-added", PotentiallyBreaking)
        ]
    );
    assert_eq!(reports[2].semver(), spec_diff::Semver::Minor);
    // 04 → 05: the rename the README mentions.
    assert_eq!(ids(&reports[3]), [("response-property-renamed", Breaking)]);
    let renamed = find(&reports[3], "response-property-renamed", "`deploymentUrl`");
    assert!(renamed.message.contains("url` was renamed"), "{}", renamed.message);
    assert_eq!(reports[3].semver(), spec_diff::Semver::Major);
    // 05 → 06 and 06 → 07: additions only.
    for r in &reports[4..6] {
        assert!(r.worst() < Some(Breaking), "{:?}", ids(r));
        assert!(
            r.changes.iter().all(|c| c.id == "response-property-added"),
            "{:?}",
            ids(r)
        );
    }
    find(&reports[5], "response-property-added", "verified`");
    // 07 → 08: the JSON rewrite with new paths and renamed operations.
    let r = &reports[6];
    assert!(r.changes.iter().any(|c| c.id == "operation-added"), "{:?}", ids(r));
    assert_eq!(find(r, "operation-id-changed", "`listServers`").rust, Breaking);
    assert_eq!(r.semver(), spec_diff::Semver::Major);
    // `ConnectionInfo` became an `anyOf` of two objects: `published` is in neither,
    // `configSchema` required by neither, and `runtime` lost its enum.
    let published = find(r, "response-optional-property-removed", "`connections[].published`");
    assert_eq!((published.wire, published.rust), (PotentiallyBreaking, Breaking));
    let config = find(r, "response-property-became-optional", "`connections[].configSchema`");
    assert_eq!((config.wire, config.rust), (Breaking, Breaking));
    let runtime = find(r, "response-property-became-not-enum", "`connections[].runtime`");
    assert_eq!((runtime.wire, runtime.rust), (PotentiallyBreaking, Breaking));
    // The report a reviewer reads fits one screen, names each file once and gives lines
    // where the source has them (07 is YAML; 08 is JSON on one line).
    let text = spec_diff::report::text(r, "07.yaml", "08.json", false, false);
    assert!(text.lines().count() <= 60, "{} lines:\n{text}", text.lines().count());
    assert_eq!(text.matches("07.yaml").count(), 1, "{text}");
    assert!(published.location.is_some_and(|at| at.line > 1), "{published:?}");
    assert!(config.location.is_none(), "{config:?}");
}

#[test]
fn a_large_real_world_spec_against_a_modified_copy() {
    let Some(dir) = corpus("real-world") else {
        return;
    };
    let base = load(&dir.join("nexus.json"));
    let mut head = base.clone();
    let paths = head.get_mut("paths").and_then(|p| p.as_object_mut()).expect("paths");
    let removed = paths.keys().next().cloned().expect("a path");
    paths.remove(&removed);
    let report = spec_diff::diff(&base, &head);
    assert!(!report.changes.is_empty());
    assert!(
        report.changes.iter().all(|c| c.id == "operation-removed"),
        "{:?}",
        ids(&report)
    );
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.operations.iter().all(|op| op.path == removed))
    );
    assert!(spec_diff::diff(&base, &base).changes.is_empty());
}

#[test]
fn any_two_related_corpus_specs_compare_without_panicking() {
    let mut compared = 0;
    // oasdiff's files grouped by check name (`NAME_base.yaml`, `NAME_revision2.yaml`,
    // `NAME_base_int.yaml`, ...), every ordered pair within a group.
    if let Some(dir) = corpus("oasdiff-checker") {
        let files = files(&dir);
        let stem = |p: &Path| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            ["_base", "_revision"]
                .iter()
                .find_map(|marker| name.find(marker).map(|at| name[..at].to_owned()))
                .unwrap_or(name)
        };
        let loaded: Vec<(String, spec_diff::input::Loaded)> = files.iter().map(|f| (stem(f), load_full(f))).collect();
        for (i, (group, base)) in loaded.iter().enumerate() {
            for (j, (other, head)) in loaded.iter().enumerate() {
                if i != j && group == other {
                    // The whole command: originals, webhooks, line numbers and every format.
                    let result = std::panic::catch_unwind(|| {
                        let report = spec_diff::input::compare(base, head);
                        for format in [
                            spec_diff::report::Format::Text {
                                color: false,
                                verbose: true,
                            },
                            spec_diff::report::Format::Markdown,
                            spec_diff::report::Format::Json,
                        ] {
                            spec_diff::report::render(&report, "base", "head", format);
                        }
                    });
                    assert!(
                        result.is_ok(),
                        "{} vs {} panicked",
                        files[i].display(),
                        files[j].display()
                    );
                    compared += 1;
                }
            }
        }
    }
    // The registry's history, every version against every other, both ways; and the small
    // real-world specs against each other (unrelated APIs: everything changes).
    for dir in ["smithery-history", "real-world"] {
        let Some(dir) = corpus(dir) else {
            continue;
        };
        let specs: Vec<spec_diff::input::Loaded> = files(&dir)
            .iter()
            .filter(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0) < 100_000)
            .map(|f| load_full(f))
            .collect();
        for base in &specs {
            for head in &specs {
                let report = spec_diff::input::compare(base, head);
                let original =
                    |side: &spec_diff::input::Loaded| side.original.clone().unwrap_or(side.normalized.clone());
                assert_eq!(report.changes.is_empty(), original(base) == original(head));
                compared += 1;
            }
        }
    }
    eprintln!("{compared} pairs compared");
}
