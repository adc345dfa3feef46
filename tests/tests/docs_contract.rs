//! The crate's documentation states the contract: each operation's docs carry a compiled
//! example (rustdoc builds it as a doctest) and an error table with the rows of the
//! reference SDK's tables.

mod contract;

use std::collections::BTreeMap;
use std::path::Path;

use contract::{ErrorBody, OPERATIONS};

/// Error type → status codes, as one table lists them (rows of one type merged).
type Table = BTreeMap<String, Vec<String>>;

/// The committed generated modules of the crate, with the overlay that names their
/// operations.
const GENERATED: [(&str, &str); 2] = [
    ("generated-client/src/generated.rs", "spec/smithery.overlay.yaml"),
    ("generated-client/src/seed/generated.rs", "spec/registry.overlay.yaml"),
];

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Each trait method's doc comment in the seed module, by method name.
fn operation_docs() -> BTreeMap<String, String> {
    operation_docs_in("generated-client/src/seed/generated.rs")
}

/// Each trait method's doc comment in one generated file, by method name.
fn operation_docs_in(path: &str) -> BTreeMap<String, String> {
    let code = read(path);
    let mut docs = BTreeMap::new();
    let mut rest = code.as_str();
    while let Some(start) = rest.find("/**") {
        let Some(end) = rest[start..].find("*/") else { break };
        let doc = &rest[start + 3..start + end];
        let after = rest[start + end + 2..].trim_start();
        if let Some(signature) = after.strip_prefix("fn ")
            && let Some((name, _)) = signature.split_once("(&self)")
        {
            docs.insert(name.to_owned(), doc.to_owned());
        }
        rest = &rest[start + end + 2..];
    }
    docs
}

/// The rows of the first markdown table after `heading`.
fn rows_after(text: &str, heading: &str) -> Vec<Vec<String>> {
    let Some(start) = text.find(heading) else {
        return Vec::new();
    };
    text[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.len() >= 2 && !cells[0].starts_with("---"))
        .skip(1) // the header row
        .collect()
}

/// The crate's error table (`| Status codes | Error | Body |`), keyed by what a caller
/// matches on: the body type of an `Error::Documented` row, or the variant itself for the
/// generic row.
fn crate_table(doc: &str) -> Table {
    let mut table = Table::new();
    for cells in rows_after(doc, "# Errors") {
        assert_eq!(cells.len(), 3, "an error row has three cells: {cells:?}");
        let variant = link_text(&cells[1]);
        assert!(
            !cells.iter().any(|c| c.contains("APIError")),
            "the table names another SDK's class: {cells:?}"
        );
        let key = match variant.as_str() {
            "Error::Documented" => link_text(&cells[2]).trim_start_matches("types::").to_owned(),
            "Error::Status" => "Error::Status".to_owned(),
            other => panic!("unexpected error variant `{other}` in {cells:?}"),
        };
        let statuses = table.entry(key).or_default();
        let listed = cells[0].trim_start_matches("any other ");
        statuses.extend(listed.split(',').map(|s| s.trim().to_owned()));
        statuses.sort();
    }
    table
}

/// The text of a markdown link (`[`Error::Status`](crate::runtime::Error::Status)` →
/// `Error::Status`).
fn link_text(cell: &str) -> String {
    let text = cell
        .strip_prefix('[')
        .and_then(|c| c.split_once(']'))
        .map_or(cell, |(t, _)| t);
    text.trim_matches('`').to_owned()
}

/// The reference SDK's table (`| Error Type | Status Codes | Content Type |`), with its
/// classes translated to what the Rust client returns: `errors.APIError`, the SDK's generic
/// class, is `Error::Status`; every other class is the typed body of `Error::Documented`.
fn sdk_table(section: &str) -> Table {
    let mut table = Table::new();
    for cells in rows_after(section, "### Errors") {
        let class = cells[0].trim_matches('`').trim_start_matches("errors.");
        let key = if class == "APIError" { "Error::Status" } else { class };
        let statuses = table.entry(key.to_owned()).or_default();
        statuses.extend(cells[1].split(',').map(|s| s.trim().to_owned()));
        statuses.sort();
    }
    table
}

fn contract_table(name: &str) -> Table {
    let mut table = Table::new();
    for (status, body) in contract::operation(name).errors {
        if let ErrorBody::Typed(schema) = body {
            table.entry((*schema).to_owned()).or_default().push(status.to_string());
        }
    }
    table.insert("Error::Status".to_owned(), vec!["4XX".to_owned(), "5XX".to_owned()]);
    for statuses in table.values_mut() {
        statuses.sort();
    }
    table
}

#[test]
fn every_operation_documents_an_example_and_the_contracts_error_table() {
    let docs = operation_docs();
    for operation in OPERATIONS {
        let doc = docs
            .get(operation.name)
            .unwrap_or_else(|| panic!("no docs for `{}`", operation.name));
        assert!(
            doc.contains("# Example\n\n```no_run\n"),
            "{}: no compiled example",
            operation.name
        );
        assert!(
            doc.contains(&format!("    .{}()", operation.name)),
            "{}: the example does not call it",
            operation.name
        );
        assert_eq!(crate_table(doc), contract_table(operation.name), "{}", operation.name);
        let bodiless: Vec<String> = operation
            .errors
            .iter()
            .filter(|(_, body)| *body == ErrorBody::NoBody)
            .map(|(status, _)| status.to_string())
            .collect();
        if !bodiless.is_empty() {
            let sentence = format!(
                "Documented without a body schema, so returned as [`Error::Status`](crate::runtime::Error::Status): {}.",
                bodiless.join(", ")
            );
            assert!(doc.contains(&sentence), "{}: missing `{sentence}`", operation.name);
        }
    }
}

/// The seed is the reference SDK's own page; only the project's workspace has it.
#[test]
fn the_error_tables_match_the_reference_sdks_documentation() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/seed/000_0274bd104cbe2945.txt");
    let Ok(seed) = std::fs::read_to_string(&seed) else {
        eprintln!(
            "skipped: {} is absent (it ships beside the project, not in it)",
            seed.display()
        );
        return;
    };
    let docs = operation_docs();
    let mut compared = 0;
    for section in seed.split("\n## ").skip(1) {
        let sdk_name = section.lines().next().unwrap_or_default().trim();
        let rust_name: String = sdk_name
            .chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    vec!['_', c.to_ascii_lowercase()]
                } else {
                    vec![c]
                }
            })
            .collect();
        let Some(doc) = docs.get(&rust_name) else { continue };
        let expected = sdk_table(section);
        assert!(!expected.is_empty(), "{sdk_name}: no error table in the seed");
        assert_eq!(crate_table(doc), expected, "{sdk_name} ({rust_name})");
        compared += 1;
    }
    assert_eq!(compared, 7, "the seed documents the seven `servers` operations");
}

/// `list_servers` → `ListServers`, as progenitor names an operation's builder.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn every_paged_list_links_to_its_item_stream() {
    for (generated, overlay) in GENERATED {
        let document = generator::load::load(overlay, read(overlay).as_bytes()).expect("the overlay loads");
        let paged: Vec<String> = document.value["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .filter(|action| action["update"].get("x-pagination").is_some())
            .map(|action| {
                action["update"]["operationId"]
                    .as_str()
                    .expect("a paged operation is named")
                    .to_owned()
            })
            .collect();
        assert!(!paged.is_empty(), "{overlay} pages nothing");
        let docs = operation_docs_in(generated);
        for operation in paged {
            let doc = docs
                .get(&operation)
                .unwrap_or_else(|| panic!("{generated}: no docs for `{operation}`"));
            let builder = pascal(&operation);
            let link = format!("[`{builder}::into_stream`](builder::{builder}::into_stream)");
            assert!(doc.contains(&link), "{generated}: `{operation}` does not link {link}");
        }
    }
}

#[test]
fn error_tables_name_the_rust_variants_not_another_sdks_classes() {
    for (generated, _) in GENERATED {
        let docs = operation_docs_in(generated);
        assert!(docs.len() >= 9, "{generated}: {} operations", docs.len());
        for (operation, doc) in docs {
            assert!(
                doc.contains("# Errors\n\n| Status codes | Error | Body |\n"),
                "{generated}: `{operation}` has no error table"
            );
            assert!(!doc.contains("APIError"), "{generated}: `{operation}` names `APIError`");
            assert!(
                doc.contains("[`Error::Documented`](crate::runtime::Error::Documented)")
                    || doc.contains("[`Error::Status`](crate::runtime::Error::Status)"),
                "{generated}: `{operation}` names no Rust variant"
            );
        }
    }
}

#[test]
fn the_deploy_examples_and_setters_use_the_typed_payload() {
    for (generated, _) in GENERATED {
        let code = read(generated);
        assert!(
            code.contains("    .payload(smithery_registry::") && code.contains("::types::DeployPayload::hosted())"),
            "{generated}: the deploy example does not call the typed constructor"
        );
        assert!(
            !code.contains("serde_json::from_str"),
            "{generated}: an example parses JSON text"
        );
        // The operation builder's setter (`V: TryInto<types::DeployPayload>`), not typify's
        // builder of the form struct, whose `payload` field is the JSON string.
        let setter = code.find("pub fn payload<V>").expect("the payload setter");
        let doc_start = code[..setter].rfind("/**").expect("the setter's doc");
        let doc = &code[doc_start..setter];
        assert!(!doc.contains("JSON string"), "{generated}: {doc}");
        assert!(
            doc.contains("Takes a [`types::DeployPayload`](types::DeployPayload)"),
            "{generated}: {doc}"
        );
    }
}

/// The licence the manifests declare (`MIT OR Apache-2.0`) ships as text, in the repository
/// and in the client crate's package, and the two copies agree.
#[test]
fn the_declared_licences_ship_with_the_repository_and_the_crate() {
    let manifest = read("Cargo.toml");
    assert!(
        manifest.contains("license = \"MIT OR Apache-2.0\""),
        "the workspace licence changed"
    );
    for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let root = read(file);
        assert_eq!(
            read(&format!("generated-client/{file}")),
            root,
            "{file}: the crate's copy differs"
        );
    }
    assert!(read("LICENSE-MIT").contains("Permission is hereby granted, free of charge"));
    assert!(
        read("LICENSE-APACHE").contains("Apache License")
            && read("LICENSE-APACHE").contains("Version 2.0, January 2004")
    );
}
