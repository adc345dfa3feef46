//! Constructs of real-world API descriptions the generator used to refuse or to turn into
//! code that does not compile: one small document each in `real-world-constructs/`.
//!
//! - `names_and_wire_shapes_are_the_documented_ones` (fast, in-process): the Rust names each
//!   rename rule chooses, the wire names kept, how query objects are sent, the warnings.
//! - `every_construct_compiles`: every document generated into one crate of one scratch
//!   workspace, checked with a single `cargo check --workspace` (dependencies compile once,
//!   in `target/corpus-check`, shared with the real-world test). The reduced repros in
//!   `../shared/corpus/generator-repros/` join them when that directory is present.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real-world-constructs")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// (document, fragments the generated code must contain, warnings expected). Fragments are
/// compared with all whitespace removed, so that formatting does not matter.
const EXPECTED: &[(&str, &[&str], usize)] = &[
    (
        "component-names-differ-in-case.yaml",
        &[
            // `LitTime` is spelled as its type and keeps it; `litTime` is renamed.
            "pubstructLitTime{",
            "pubstructLitTime2(",
            // typify's catch-all keeps `extra`; the property of that name is renamed.
            "pubextra:::std::collections::HashMap<",
            "pubextra_2:",
        ],
        1,
    ),
    (
        "header-object-parameter.yaml",
        &[
            "x_kite_filter:Result<Option<::serde_json::Value>,String>",
            // `serde_json::Value`'s text is its JSON.
            "header_map.append(\"X-Kite-Filter\",value.to_string().try_into()?)",
        ],
        1,
    ),
    (
        "nullable-composite-component.yaml",
        &[
            // One type per component; the references carry the null.
            "pubenumReading{",
            "pubhigh:::std::option::Option<Reading>",
            "pubnote:::std::option::Option<Annotated>",
            "pubnext:::std::option::Option<::std::boxed::Box<Tide>>",
            "pubconfig:::std::option::Option<Config>",
        ],
        0,
    ),
    (
        "multipart-repeated-and-single.yaml",
        &[
            "photos:Result<::std::vec::Vec<super::multipart::FilePart>,String>",
            "forvalueinphotos{form=form.part(\"photos\",",
            "tags:Result<Option<::std::vec::Vec<::std::string::String>>,String>",
            "forvalueintags.unwrap_or_default(){form=form.part(\"tags[]\",",
            // The body that is one file: one part, named as its encoding says.
            "cover:Result<super::multipart::FilePart,String>",
            "form.part(\"cover\",",
            "into_part(\"cover\",Some(\"image/png\"))",
        ],
        0,
    ),
    (
        "defaults-and-enums-read-leniently.yaml",
        &[
            // Kept: the defaults that conform.
            "defaults::default_u64::<i64,20>()",
            "locale:defaults::settings_locale()",
            // A default setting a field that may be null: present, not null.
            "eq:::std::option::Option::Some(::std::option::Option::Some(false))",
            // Read as strings.
            "#[serde(rename=\"true\")]",
        ],
        // Four defaults dropped, two enum values read as strings.
        6,
    ),
    (
        "parameter-names-collide.yaml",
        &[
            // `page_size` is already spelled the Rust way and keeps it; `pageSize` is second.
            "pubfnpage_size<V>",
            "QueryParam::new(\"page_size\",&page_size)",
            "QueryParam::new(\"pageSize\",&page_size_2)",
            // Operators spelled out.
            "QueryParam::new(\"updated\",&updated)",
            "QueryParam::new(\"updated<\",&updated_lt)",
            "QueryParam::new(\"updated>=\",&updated_gte)",
        ],
        0,
    ),
    (
        "same-name-in-two-locations.yaml",
        &[
            // The path parameter keeps the name; the others are qualified by location.
            "pubfntracking<V>",
            "QueryParam::new(\"tracking\",&tracking_query)",
            "ifletSome(value)=tracking_header{header_map.append(\"tracking\",",
        ],
        0,
    ),
    (
        "query-object-form.yaml",
        &[
            // The component's struct, sent exploded by progenitor's query serializer.
            "filter:Result<Option<types::PebbleFilter>,String>",
            "QueryParam::new(\"filter\",&filter)",
        ],
        0,
    ),
    (
        "query-deep-object.yaml",
        &[
            // The inline object gets a struct named after the operation and parameter.
            "pubstructSearchTicketsFlags{",
            "flags:Result<types::SearchTicketsFlags,String>",
            "DeepObject::new(\"flags\",&flags)",
            "DeepObject::new(\"labels\",&labels)",
            "pubmoddeep_object{",
            "format!(\"{key}[{property}]\")",
        ],
        0,
    ),
    (
        "property-names-collide.yaml",
        &[
            "pubmax_speed:f64,",
            "rename=\"MaxSpeed\",skip_serializing_if=\"::std::option::Option::is_none\")]pubmax_speed_2:",
            "#[serde(rename=\"maxSpeed\")]pubmax_speed_3:i64,",
        ],
        0,
    ),
    (
        "inline-type-named-like-component.yaml",
        &[
            "pubsoil:::std::option::Option<GardenSoilInline>",
            "pubenumGardenSoilInline{",
            "pubowner:::std::option::Option<GardenOwnerInline>",
            "pubstructGardenOwnerInline{",
            "pubstructGardenSoil{",
            "pubstructGardenOwner{",
        ],
        0,
    ),
    ("shared-titles.yaml", &["pubkind:CircleKind,", "pubkind:SquareKind,"], 0),
    ("anyof-default.yaml", &["pubquality:"], 1),
    ("const-beside-allof.yaml", &["pubstructSlider{", "pubkind:"], 1),
    ("object-format.yaml", &["pubroutes:"], 2),
    (
        "ref-into-part.yaml",
        &[
            "QueryParam::new(\"not_status\",&not_status)",
            "ResponseValue<::std::vec::Vec<::std::string::String>>",
        ],
        0,
    ),
    (
        "options-and-trace.yaml",
        &[
            ".request(reqwest::Method::OPTIONS,url)",
            ".request(reqwest::Method::TRACE,url)",
        ],
        0,
    ),
    (
        "nullable-optional-header.yaml",
        &["x_trace_hint:Result<Option<::std::string::String>,String>"],
        0,
    ),
    (
        "missing-operation-id.yaml",
        &["pubfnget_shelves_shelf_books(", "pubfnpost_shelves_shelf_books("],
        2,
    ),
    ("yaml-wide-integers.yaml", &["pubseed:"], 0),
];

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn names_and_wire_shapes_are_the_documented_ones() {
    let mut files: Vec<String> = std::fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|(f, _, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(files, listed, "every construct has its expectations, and only those");
    for (file, fragments, warnings) in EXPECTED {
        let bytes = std::fs::read(corpus().join(file)).expect("read");
        let generated =
            generator::generate(&generator::Source::new(*file, bytes), None).unwrap_or_else(|e| panic!("{file}: {e}"));
        let code = squeeze(&generated.code);
        for fragment in *fragments {
            assert!(
                code.contains(&squeeze(fragment)),
                "{file}: the generated code lacks `{fragment}`"
            );
        }
        // No placeholder or stand-in survives into the output.
        for leftover in ["\\u{1f}", "\\u{1e}", "\\u001f", "\\u001e", "XGeneratorStandIn"] {
            assert!(
                !generated.code.contains(leftover),
                "{file}: `{leftover}` left in the code"
            );
        }
        let shown: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), *warnings, "{file}: {shown:#?}");
    }
}

#[test]
fn generation_is_deterministic() {
    for (file, _, _) in EXPECTED {
        let bytes = std::fs::read(corpus().join(file)).expect("read");
        let source = generator::Source::new(*file, bytes);
        let first = generator::generate(&source, None).expect("generate").code;
        let second = generator::generate(&source, None).expect("generate").code;
        assert!(first == second, "{file}: two runs differ");
    }
}

/// Generates `spec` into `dir` as a member crate (its own `[workspace]` table removed).
fn generate_member(spec: &Path, dir: &Path, crate_name: &str) -> std::process::Output {
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(dir)
        .args(["--crate-name", crate_name])
        .output()
        .expect("xtask runs");
    if run.status.success() {
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).expect("manifest");
        std::fs::write(&manifest, text.replace("\n[workspace]\n", "\n")).expect("write");
    }
    run
}

fn crate_name(prefix: &str, file: &str) -> String {
    let stem = file.trim_end_matches(".yaml").trim_end_matches(".json");
    format!("{prefix}_{}", stem.replace(['-', '.'], "_"))
}

#[test]
fn every_construct_compiles() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut members = Vec::new();
    for (file, _, _) in EXPECTED {
        let name = crate_name("construct", file);
        let run = generate_member(&corpus().join(file), &scratch.path().join(&name), &name);
        assert!(run.status.success(), "{file}: {}", String::from_utf8_lossy(&run.stderr));
        members.push(name);
    }

    // The reduced repros, when they ship beside the project.
    let repros = workspace().join("../shared/corpus/generator-repros");
    match std::fs::read_dir(&repros) {
        Err(_) => eprintln!(
            "skipped the shared repros: {} is absent (it ships beside the project, not in it)",
            repros.display()
        ),
        Ok(entries) => {
            let mut files: Vec<String> = entries
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .filter(|f| f.ends_with(".yaml"))
                .collect();
            files.sort();
            for file in files {
                let name = crate_name("repro", &file);
                let run = generate_member(&repros.join(&file), &scratch.path().join(&name), &name);
                let stderr = String::from_utf8_lossy(&run.stderr);
                match file.as_str() {
                    // Invalid, with an obvious meaning: read leniently, the warning naming
                    // the exact node.
                    "invalid-required-true.yaml" => {
                        assert!(run.status.success(), "{stderr}");
                        assert!(
                            stderr.contains(
                                "invalid-required-true.yaml#/paths/~1playlists~1{playlist_id}~1images/put/requestBody/content/image~1jpeg/schema/required: `required: true` belongs to a parameter"
                            ),
                            "{stderr}"
                        );
                        members.push(name);
                    }
                    // A path naming one parameter twice takes the same value twice.
                    "path-template-repeats-a-name.yaml" => {
                        assert!(run.status.success(), "{stderr}");
                        let code = std::fs::read_to_string(scratch.path().join(&name).join("src/generated.rs"))
                            .expect("generated");
                        let uses = code.matches("encode_path(&account_id.to_string())").count();
                        assert_eq!(uses, 2, "the parameter goes in both places");
                        members.push(name);
                    }
                    _ => {
                        assert!(run.status.success(), "{file}: {stderr}");
                        members.push(name);
                    }
                }
            }
        }
    }

    // `cargo check` only: the TLS backend (C code built by a build script even for a check,
    // minutes on two cores) is left out. Nothing in the generated code depends on it.
    for member in &members {
        let manifest_path = scratch.path().join(member).join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path).expect("member manifest");
        std::fs::write(&manifest_path, manifest.replace("\"rustls\", ", "")).expect("write manifest");
    }
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        scratch.path().join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", list.join(", ")),
    )
    .expect("workspace manifest");
    // The project's lockfile pins the same versions the project builds with.
    std::fs::copy(workspace().join("Cargo.lock"), scratch.path().join("Cargo.lock")).expect("lockfile");
    let started = std::time::Instant::now();
    let check = Command::new(env!("CARGO"))
        .args(["check", "--workspace", "--quiet", "--manifest-path"])
        .arg(scratch.path().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", workspace().join("target/corpus-check"))
        .output()
        .expect("cargo runs");
    eprintln!(
        "{} crates checked in {:.1}s",
        members.len(),
        started.elapsed().as_secs_f64()
    );
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "cargo check failed:\n{stderr}");
    // The crates warn on `missing_docs` (a lint is never an error in generated code); the
    // generator documents every item, so there is no such warning.
    assert!(
        !stderr.contains("missing documentation"),
        "undocumented items:\n{stderr}"
    );
}
