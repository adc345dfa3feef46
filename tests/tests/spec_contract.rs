//! The spec (after the overlay) declares exactly the documented operations, each with the
//! documented method, path, success and error responses.

mod contract;

use std::collections::BTreeMap;
use std::path::Path;

use contract::{ErrorBody, OPERATIONS, Operation};
use serde_json::Value;

/// What the spec says about one operation, in the contract's terms.
#[derive(Debug, PartialEq)]
struct Declared {
    group: Option<String>,
    method: String,
    path: String,
    success: Vec<(u16, Option<String>)>,
    errors: BTreeMap<u16, ErrorBody>,
}

fn prepared_spec() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |name: &str| generator::Source::read(&root.join(name), name).expect("readable");
    generator::prepare(&read("spec/registry.yaml"), Some(&read("spec/registry.overlay.yaml")))
        .expect("prepares")
        .value
}

fn schema_name(schema: &Value) -> Option<String> {
    let name = |s: &Value| {
        s.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .map(str::to_owned)
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => schema.get("items").and_then(name).map(|n| format!("[{n}]")),
        _ => name(schema),
    }
}

fn declared(spec: &Value) -> BTreeMap<String, Declared> {
    let mut out = BTreeMap::new();
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut success = Vec::new();
            let mut errors = BTreeMap::new();
            for (status, response) in operation["responses"].as_object().expect("responses") {
                let status: u16 = status.parse().expect("numeric status");
                let body = response
                    .get("content")
                    .and_then(|c| c.get("application/json"))
                    .and_then(|m| m.get("schema"));
                let body = body.and_then(schema_name);
                if status < 400 {
                    success.push((status, body));
                } else {
                    errors.insert(
                        status,
                        body.map_or(ErrorBody::NoBody, |n| ErrorBody::Typed(Box::leak(n.into_boxed_str()))),
                    );
                }
            }
            let group = operation
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .map(str::to_owned);
            out.insert(
                id.to_owned(),
                Declared {
                    group,
                    method: method.to_uppercase(),
                    path: path.clone(),
                    success,
                    errors,
                },
            );
        }
    }
    out
}

fn differences(operation: &Operation, declared: &Declared) -> Vec<String> {
    let mut out = Vec::new();
    let name = operation.name;
    if declared.group.as_deref() != Some(operation.group) {
        out.push(format!(
            "{name}: group is {:?}, documented `{}`",
            declared.group, operation.group
        ));
    }
    if (declared.method.as_str(), declared.path.as_str()) != (operation.method, operation.path) {
        out.push(format!(
            "{name}: declared as {} {}, documented as {} {}",
            declared.method, declared.path, operation.method, operation.path
        ));
    }
    let expected = vec![(operation.success_status, operation.success_body.map(str::to_owned))];
    if declared.success != expected {
        out.push(format!(
            "{name}: success responses {:?}, documented {:?}",
            declared.success, expected
        ));
    }
    let documented: BTreeMap<u16, ErrorBody> = operation.errors.iter().copied().collect();
    for (status, body) in &documented {
        match declared.errors.get(status) {
            None => out.push(format!(
                "{name}: documented error status {status} ({body:?}) is missing from the spec"
            )),
            Some(found) if found != body => out.push(format!(
                "{name}: error status {status} is {found:?}, documented {body:?}"
            )),
            Some(_) => {}
        }
    }
    for (status, body) in &declared.errors {
        if !documented.contains_key(status) {
            out.push(format!(
                "{name}: the spec declares error status {status} ({body:?}), which is not documented"
            ));
        }
    }
    out
}

#[test]
fn the_spec_declares_exactly_the_documented_operations() {
    let spec = prepared_spec();
    let declared = declared(&spec);
    let mut problems = Vec::new();
    for operation in OPERATIONS {
        match declared.get(operation.name) {
            Some(found) => problems.extend(differences(operation, found)),
            None => problems.push(format!(
                "{}: documented operation is missing from the spec",
                operation.name
            )),
        }
    }
    for name in declared.keys() {
        if !OPERATIONS.iter().any(|o| o.name == name) {
            problems.push(format!(
                "{name}: the spec declares an operation the documentation does not have"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the spec disagrees with the documented contract:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_spec_keeps_the_registry_operation_ids_under_the_overlay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let raw = generator::load::load("spec", &std::fs::read(root.join("spec/registry.yaml")).expect("read"))
        .expect("loads")
        .value;
    for operation in OPERATIONS {
        let method = operation.method.to_lowercase();
        let id = raw["paths"][operation.path][method.as_str()]["operationId"].as_str();
        assert_eq!(id, Some(operation.upstream_id), "{}", operation.name);
    }
}

/// The checker itself must notice each kind of drift; these feed it doctored copies.
#[test]
fn the_check_reports_each_kind_of_difference() {
    let spec = prepared_spec();
    let report = |mutate: &dyn Fn(&mut Value)| {
        let mut copy = spec.clone();
        mutate(&mut copy);
        let declared = declared(&copy);
        OPERATIONS
            .iter()
            .flat_map(|o| {
                declared
                    .get(o.name)
                    .map(|d| differences(o, d))
                    .unwrap_or_else(|| vec![format!("{}: missing", o.name)])
            })
            .collect::<Vec<_>>()
    };
    type Mutation<'a> = &'a dyn Fn(&mut Value);
    let cases: [(&str, Mutation); 4] = [
        ("deploy: documented error status 400", &|s| {
            s["paths"]["/servers/{qualifiedName}/deployments"]["put"]["responses"]
                .as_object_mut()
                .map(|r| r.remove("400"));
        }),
        ("list: the spec declares error status 409", &|s| {
            s["paths"]["/servers"]["get"]["responses"]["409"] = serde_json::json!({"description": "conflict"});
        }),
        ("get_logs: error status 500 is NoBody", &|s| {
            s["paths"]["/servers/{qualifiedName}/logs"]["get"]["responses"]["500"] =
                serde_json::json!({"description": "x"});
        }),
        ("health_check: success responses [(201", &|s| {
            let responses = &mut s["paths"]["/health"]["get"]["responses"];
            let ok = responses["200"].take();
            responses.as_object_mut().map(|r| r.remove("200"));
            responses["201"] = ok;
        }),
    ];
    for (expected, mutate) in cases {
        let found = report(mutate);
        assert!(
            found.iter().any(|p| p.starts_with(expected)),
            "expected `{expected}...` in {found:#?}"
        );
    }
    assert!(report(&|_| {}).is_empty());
}
