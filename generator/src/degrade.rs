//! The degradation ladder: what gives way when a node of a valid document cannot be
//! generated.
//!
//! A document is refused only when it is not OpenAPI 3.x (see `load` and `normalize`). Any
//! other failure of a later stage names a node by its JSON pointer, and the [`Ledger`] gives
//! up the smallest unit around that node that makes the failure go away, one rung at a time:
//!
//! 1. a `default` or `example` of a schema is dropped; an `x-` extension is ignored;
//! 2. the schema holding the node, then each schema around it, becomes any JSON value
//!    (`serde_json::Value` in the client), deepest first;
//! 3. an operation whose bodies progenitor cannot generate gets them untyped; one that
//!    still fails (a parameter, a response no rung saves) is left out of the client, and so
//!    is every operation referring to a component parameter, body or response that fails;
//! 4. a path item whose shared parameters fail is left out with its operations.
//!
//! Every rung taken is a [`Warning`] naming the node and saying what was done. The pipeline
//! runs again on the degraded document; each rung removes something from it, so the loop
//! ends, and a failure no rung can save (the document's root) is reported as it is.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Stage};
use crate::normalize::{SUBSCHEMA, SUBSCHEMA_LIST, SUBSCHEMA_MAP};
use crate::pointer;
use crate::validate::METHODS;
use crate::warning::Warning;

/// One change made to the normalized document; every later attempt starts from the
/// document with all of them made.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    /// Remove the key at this pointer (a `default`, an `example`, an extension).
    Remove(String),
    /// Remove every `default` inside the schema at this pointer.
    StripDefaults(String),
    /// Replace the schema at this pointer with `{}` (its description kept).
    Untype(String),
    /// Untype every request and response body schema of the operation at this pointer.
    UntypeBodies(String),
    /// Leave out the operation at `/paths/{path}/{method}`.
    DropOperation(String),
    /// Leave out the path item at `/paths/{path}`.
    DropPathItem(String),
    /// Leave out every operation (or path item) whose parameters, body or responses refer
    /// to this component (`#/components/parameters/X`).
    DropReferrers(String),
}

/// What the pipeline gave up, in order, to generate the document.
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    steps: Vec<Step>,
    warnings: Vec<Warning>,
}

/// How many operations the client types fully, types in part, and leaves out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Operations generated with every schema typed as the document says.
    pub typed: usize,
    /// Operations generated with some schema untyped or some value dropped.
    pub degraded: usize,
    /// Operations left out of the client, as `METHOD /path`.
    pub left_out: Vec<String>,
    /// How many warnings of each kind the run gave: `left out`, `untyped` (a schema became
    /// any JSON value), `dropped` (a default, an example or an extension), `lenient` (an
    /// invalid construct read by its obvious meaning), `adapted` (a construct progenitor
    /// lacks, reshaped).
    pub warnings: BTreeMap<&'static str, usize>,
}

impl Report {
    /// Fills [`Report::warnings`] from the ladder's steps, the count of lenient readings and
    /// the run's total.
    pub(crate) fn count_warnings(&mut self, ledger: &Ledger, lenient: usize, total: usize) {
        for step in &ledger.steps {
            let kind = match step {
                Step::Remove(_) | Step::StripDefaults(_) => "dropped",
                Step::Untype(_) | Step::UntypeBodies(_) => "untyped",
                Step::DropOperation(_) | Step::DropPathItem(_) | Step::DropReferrers(_) => "left out",
            };
            *self.warnings.entry(kind).or_default() += 1;
        }
        if lenient > 0 {
            self.warnings.insert("lenient", lenient);
        }
        let adapted = total.saturating_sub(lenient);
        if adapted > 0 {
            self.warnings.insert("adapted", adapted);
        }
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} operations typed, {} degraded, {} left out",
            self.typed,
            self.degraded,
            self.left_out.len()
        )
    }
}

impl Ledger {
    /// The warnings of every rung taken so far.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// How many rungs were taken: a bound on the retries keeps a bug in the ladder from
    /// looping forever.
    pub fn steps_taken(&self) -> usize {
        self.steps.len()
    }

    /// Takes the next rung for `error` (and for the further nodes it names), applying it to
    /// `tree`, which must be the normalized document with the earlier steps applied. `false`
    /// when the error cannot be degraded: it names another document (an overlay), no node
    /// (the document itself), or a node every rung has already given up.
    pub fn degrade(&mut self, document: &str, tree: &mut Value, error: &Error) -> bool {
        if matches!(error.stage, Stage::Load | Stage::Overlay | Stage::Write) {
            return false;
        }
        let places = error
            .location
            .iter()
            .map(|l| (l, &error.reason))
            .chain(error.also.iter().map(|(l, why)| (l, why)));
        // An overlay's error is the user's own to fix: nothing of the document gives way.
        if places_in_other_documents(error, document) {
            return false;
        }
        let mut took = false;
        let mut seen = BTreeSet::new();
        for (location, reason) in places {
            if location.document != document || !seen.insert(location.pointer.clone()) {
                continue;
            }
            if let Some(step) = self.next_step(tree, &location.pointer, error.stage) {
                let what = describe(&step);
                apply(&step, tree);
                self.warnings.push(Warning {
                    pointer: location.pointer.clone(),
                    message: format!("{}; {what}", one_line(reason)),
                });
                self.steps.push(step);
                took = true;
            }
        }
        took
    }

    /// The first rung for the node at `at` not taken yet.
    fn next_step(&self, tree: &Value, at: &str, stage: Stage) -> Option<Step> {
        candidates(at, stage)
            .into_iter()
            .find(|step| !self.steps.contains(step) && changes(step, tree))
    }

    /// Counts the operations of `tree` (the document before any step) by what the steps did
    /// to them; `degraded_at` are further pointers (lenient readings, adapted constructs)
    /// that change an operation's types.
    pub fn report(&self, tree: &Value, degraded_at: &[String]) -> Report {
        let mut left_out = BTreeSet::new();
        let mut touched: Vec<&str> = degraded_at.iter().map(String::as_str).collect();
        for step in &self.steps {
            match step {
                Step::DropOperation(at) => {
                    left_out.insert(at.clone());
                }
                Step::DropPathItem(at) => {
                    for method in METHODS {
                        let op = pointer::join(at, method);
                        if tree.pointer(&op).is_some() {
                            left_out.insert(op);
                        }
                    }
                }
                Step::DropReferrers(reference) => {
                    for op in referrers(tree, reference) {
                        left_out.insert(op);
                    }
                }
                Step::Remove(at) | Step::StripDefaults(at) | Step::Untype(at) | Step::UntypeBodies(at) => {
                    touched.push(at)
                }
            }
        }
        let mut reach = Reach::new(tree);
        let mut report = Report::default();
        for op in operations(tree) {
            if left_out.contains(&op) {
                continue;
            }
            if touched.iter().any(|t| reach.covers(&op, t)) {
                report.degraded += 1;
            } else {
                report.typed += 1;
            }
        }
        report.left_out = left_out.iter().map(|at| operation_name(at)).collect();
        report
    }
}

fn places_in_other_documents(error: &Error, document: &str) -> bool {
    error
        .location
        .iter()
        .chain(error.also.iter().map(|(l, _)| l))
        .any(|l| l.document != document)
}

fn one_line(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

fn describe(step: &Step) -> String {
    match step {
        Step::Remove(at) if at.rsplit('/').next().is_some_and(|k| k.starts_with("x-")) => {
            "the extension is ignored".to_owned()
        }
        Step::Remove(at) if at == "/servers" => {
            "the document's servers are ignored: the client has no default base URL".to_owned()
        }
        Step::Remove(at) if at.ends_with("/servers") => "the document's servers apply instead".to_owned(),
        Step::Remove(_) => "the value is dropped".to_owned(),
        Step::StripDefaults(_) => "the schema's defaults are dropped".to_owned(),
        Step::Untype(at) => format!("the schema at {at} is typed as any JSON value (serde_json::Value)"),
        Step::UntypeBodies(_) => {
            "the operation's request and response bodies are typed as any JSON value (serde_json::Value)".to_owned()
        }
        Step::DropOperation(at) => format!("the operation {} is left out of the client", operation_name(at)),
        Step::DropPathItem(at) => format!("every operation of {} is left out of the client", path_of(at)),
        Step::DropReferrers(reference) => {
            format!("every operation referring to `{reference}` is left out of the client")
        }
    }
}

/// `GET /pets/{id}` for `/paths/~1pets~1{id}/get`.
fn operation_name(at: &str) -> String {
    let mut segments = at.split('/').skip(2);
    let path = segments.next().map(pointer::unescape).unwrap_or_default();
    let method = segments.next().unwrap_or_default().to_uppercase();
    format!("{method} {path}")
}

fn path_of(at: &str) -> String {
    at.split('/').nth(2).map(pointer::unescape).unwrap_or_default()
}

/// The pointer's unescaped segments.
fn segments(at: &str) -> Vec<String> {
    at.split('/').skip(1).map(pointer::unescape).collect()
}

fn prefix(segments: &[String]) -> String {
    segments.iter().fold(String::new(), |at, s| pointer::join(&at, s))
}

/// How many leading segments of `segments` make each schema node on the way, shallowest
/// first: `/components/schemas/A/properties/b` holds the schemas `A` and `A.b`.
fn schema_prefixes(segments: &[String]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut in_schema = false;
    let mut i = 0;
    while i < segments.len() {
        let seg = segments[i].as_str();
        if in_schema {
            if SUBSCHEMA.contains(&seg) {
                found.push(i + 1);
                i += 1;
                continue;
            }
            if (SUBSCHEMA_MAP.contains(&seg) || SUBSCHEMA_LIST.contains(&seg)) && i + 1 < segments.len() {
                found.push(i + 2);
                i += 2;
                continue;
            }
            // `default`, `enum`, `example`, ...: no schema below.
            break;
        }
        let starts = (i == 2 && segments[0] == "components" && segments[1] == "schemas") || seg == "schema";
        if starts {
            found.push(i + 1);
            in_schema = true;
        }
        i += 1;
    }
    found
}

/// The rungs for a failure at `at`, smallest first.
fn candidates(at: &str, stage: Stage) -> Vec<Step> {
    let segs = segments(at);
    let schemas = schema_prefixes(&segs);
    let mut steps = Vec::new();
    // 1. A value inside a schema, or an extension anywhere.
    if let Some(x) = segs.iter().position(|s| s.starts_with("x-")) {
        steps.push(Step::Remove(prefix(&segs[..=x])));
    }
    if let Some(&deepest) = schemas.last()
        && let Some(key) = segs.get(deepest)
        && matches!(key.as_str(), "default" | "example" | "examples")
    {
        steps.push(Step::Remove(prefix(&segs[..=deepest])));
    }
    // A schema progenitor or typify fails on: its defaults are the usual cause.
    if stage == Stage::Generate
        && let Some(&deepest) = schemas.last()
        && deepest == segs.len()
    {
        steps.push(Step::StripDefaults(at.to_owned()));
    }
    // A path item's or an operation's own `servers`: the document's apply instead.
    if segs.first().map(String::as_str) == Some("paths")
        && let Some(x) = segs.iter().take(4).position(|s| s == "servers")
    {
        steps.push(Step::Remove(prefix(&segs[..=x])));
    }
    // 2. The schemas around the node, deepest first.
    for &len in schemas.iter().rev() {
        steps.push(Step::Untype(prefix(&segs[..len])));
    }
    // 3. and 4. The operation or path item holding it.
    match segs.first().map(String::as_str) {
        Some("paths") if segs.len() >= 3 && METHODS.contains(&segs[2].as_str()) => {
            let op = prefix(&segs[..3]);
            if stage == Stage::Generate && segs.len() == 3 {
                steps.push(Step::UntypeBodies(op.clone()));
            }
            steps.push(Step::DropOperation(op));
        }
        Some("paths") if segs.len() >= 2 => steps.push(Step::DropPathItem(prefix(&segs[..2]))),
        // The document's servers: the client then has no default base URL, and the caller
        // sets one.
        Some("servers") => steps.push(Step::Remove("/servers".to_owned())),
        Some("components") if segs.len() >= 3 && segs[1] != "schemas" => {
            steps.push(Step::DropReferrers(format!("#{}", prefix(&segs[..3]))));
            // A component nothing uses (or no longer uses) goes too.
            steps.push(Step::Remove(prefix(&segs[..3])));
        }
        _ => {}
    }
    steps
}

/// Whether `step` would change `tree`: a step on a node that is gone or already given up
/// cannot make progress.
fn changes(step: &Step, tree: &Value) -> bool {
    match step {
        Step::Remove(at) => tree.pointer(at).is_some(),
        Step::StripDefaults(at) => tree.pointer(at).is_some_and(has_default),
        Step::Untype(at) => tree.pointer(at).is_some_and(|node| !is_untyped(node)),
        Step::UntypeBodies(at) => tree.pointer(at).is_some_and(|op| !body_schemas(op).is_empty()),
        Step::DropOperation(at) | Step::DropPathItem(at) => tree.pointer(at).is_some(),
        Step::DropReferrers(reference) => !referrers(tree, reference).is_empty(),
    }
}

fn has_default(node: &Value) -> bool {
    match node {
        Value::Object(map) => map.contains_key("default") || map.values().any(has_default),
        Value::Array(list) => list.iter().any(has_default),
        _ => false,
    }
}

/// `{}` or `{description: ...}`: what [`Step::Untype`] leaves.
fn is_untyped(node: &Value) -> bool {
    node.as_object()
        .is_some_and(|map| map.keys().all(|k| k == "description" || k == "nullable"))
}

/// The schema `node` as any JSON value: `{}`, keeping its description.
pub(crate) fn untyped(node: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(description) = node.get("description") {
        out.insert("description".to_owned(), description.clone());
    }
    Value::Object(out)
}

/// Pointers (relative to the operation) of every body schema of an operation.
fn body_schemas(op: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut media = |content: Option<&Value>, at: String| {
        if let Some(Value::Object(content)) = content {
            for (media, entry) in content {
                if entry.get("schema").is_some_and(|s| !is_untyped(s)) {
                    out.push(format!("{at}/content/{}/schema", pointer::escape(media)));
                }
            }
        }
    };
    media(op.pointer("/requestBody/content"), "/requestBody".to_owned());
    if let Some(Value::Object(responses)) = op.get("responses") {
        for (status, response) in responses {
            media(
                response.get("content"),
                format!("/responses/{}", pointer::escape(status)),
            );
        }
    }
    out
}

fn apply(step: &Step, tree: &mut Value) {
    match step {
        Step::Remove(at) => remove(tree, at),
        Step::StripDefaults(at) => {
            if let Some(node) = tree.pointer_mut(at) {
                strip_defaults(node);
            }
        }
        Step::Untype(at) => {
            if let Some(node) = tree.pointer_mut(at) {
                *node = untyped(node);
            }
        }
        Step::UntypeBodies(at) => {
            if let Some(op) = tree.pointer_mut(at) {
                for inner in body_schemas(op) {
                    if let Some(node) = op.pointer_mut(&inner) {
                        *node = untyped(node);
                    }
                }
            }
        }
        Step::DropOperation(at) | Step::DropPathItem(at) => remove(tree, at),
        Step::DropReferrers(reference) => {
            for at in referrers(tree, reference) {
                remove(tree, &at);
            }
        }
    }
}

fn strip_defaults(node: &mut Value) {
    match node {
        Value::Object(map) => {
            map.remove("default");
            for (key, value) in map.iter_mut() {
                // A property may be named `default`: only schemas below are visited, and a
                // property schema is an object, never a bare value.
                if key != "enum" && key != "example" && key != "examples" {
                    strip_defaults(value);
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(strip_defaults),
        _ => {}
    }
}

fn remove(tree: &mut Value, at: &str) {
    let Some((parent, last)) = at.rsplit_once('/') else {
        return;
    };
    let key = pointer::unescape(last);
    match tree.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&key);
        }
        Some(Value::Array(list)) => {
            if let Ok(i) = key.parse::<usize>()
                && i < list.len()
            {
                list.remove(i);
            }
        }
        _ => {}
    }
}

/// Every operation of `tree`, as its pointer.
fn operations(tree: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = tree.get("paths") {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(*method).is_some_and(Value::is_object) {
                    out.push(pointer::join(&pointer::join("/paths", path), method));
                }
            }
        }
    }
    out
}

/// The operations (or, through shared parameters, path items) that name `reference`.
fn referrers(tree: &Value, reference: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = tree.get("paths") {
        for (path, item) in paths {
            let item_at = pointer::join("/paths", path);
            if item.get("parameters").is_some_and(|p| names(p, reference)) {
                out.push(item_at);
                continue;
            }
            for method in METHODS {
                if let Some(op) = item.get(*method)
                    && names(op, reference)
                {
                    out.push(pointer::join(&item_at, method));
                }
            }
        }
    }
    out
}

/// Whether a `$ref` inside `node` is `reference` (or a part of it).
fn names(node: &Value, reference: &str) -> bool {
    match node {
        Value::Object(map) => {
            map.get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| r == reference || r.starts_with(&format!("{reference}/")))
                || map.values().any(|v| names(v, reference))
        }
        Value::Array(list) => list.iter().any(|v| names(v, reference)),
        _ => false,
    }
}

/// Which components each operation reaches through `$ref`s, to tell whether a change inside
/// a component degrades it.
struct Reach<'a> {
    tree: &'a Value,
    /// Component pointer → the component pointers it refers to, directly.
    direct: BTreeMap<String, BTreeSet<String>>,
    /// Operation pointer → every component pointer it reaches.
    closure: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> Reach<'a> {
    fn new(tree: &'a Value) -> Self {
        Self {
            tree,
            direct: BTreeMap::new(),
            closure: BTreeMap::new(),
        }
    }

    /// Whether a change at `at` reaches the operation `op`: it is inside the operation (or
    /// its path item's shared parameters), or inside a component the operation reaches.
    fn covers(&mut self, op: &str, at: &str) -> bool {
        let within = |base: &str| at == base || at.starts_with(&format!("{base}/"));
        let item = op.rsplit_once('/').map_or("", |(item, _)| item);
        if within(op) || within(&format!("{item}/parameters")) {
            return true;
        }
        if !at.starts_with("/components/") {
            return false;
        }
        let component = component_of(at);
        if !self.closure.contains_key(op) {
            let mut start = BTreeSet::new();
            if let Some(node) = self.tree.pointer(op) {
                refs(node, &mut start);
            }
            if let Some(shared) = self.tree.pointer(&format!("{item}/parameters")) {
                refs(shared, &mut start);
            }
            let mut reached = BTreeSet::new();
            let mut queue: Vec<String> = start.into_iter().collect();
            while let Some(next) = queue.pop() {
                if !reached.insert(next.clone()) {
                    continue;
                }
                let tree = self.tree;
                let direct = self.direct.entry(next.clone()).or_insert_with(|| {
                    let mut found = BTreeSet::new();
                    if let Some(node) = tree.pointer(&next) {
                        refs(node, &mut found);
                    }
                    found
                });
                queue.extend(direct.iter().filter(|r| !reached.contains(*r)).cloned());
            }
            self.closure.insert(op.to_owned(), reached);
        }
        self.closure.get(op).is_some_and(|reached| reached.contains(&component))
    }
}

/// `/components/schemas/A` for any pointer inside it.
fn component_of(at: &str) -> String {
    at.split('/').take(4).collect::<Vec<_>>().join("/")
}

/// The components `node` refers to, as pointers.
fn refs(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(local) = r.strip_prefix('#')
            {
                out.insert(component_of(local));
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(at: &str) -> Vec<String> {
        segments(at)
    }

    #[test]
    fn schema_nodes_are_found_along_a_pointer() {
        let at = "/components/schemas/A/properties/b/items/allOf/0/default";
        assert_eq!(schema_prefixes(&segs(at)), vec![3, 5, 6, 8]);
        let at = "/paths/~1x/get/responses/200/content/application~1json/schema/properties/default/enum/0";
        assert_eq!(schema_prefixes(&segs(at)), vec![8, 10]);
        assert_eq!(
            schema_prefixes(&segs("/paths/~1x/get/parameters/0")),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn a_bad_default_is_dropped_before_its_schema_is_untyped() {
        let steps = candidates("/components/schemas/A/properties/n/default", Stage::Validate);
        assert_eq!(
            steps,
            vec![
                Step::Remove("/components/schemas/A/properties/n/default".into()),
                Step::Untype("/components/schemas/A/properties/n".into()),
                Step::Untype("/components/schemas/A".into()),
            ]
        );
    }

    #[test]
    fn the_ladder_climbs_one_rung_per_failure_at_the_same_node() {
        let mut tree = serde_json::json!({
            "paths": {"/x": {"get": {"responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "string"}}}}}}}}
        });
        let mut ledger = Ledger::default();
        let error = Error::at(
            Stage::Generate,
            "d.yaml",
            "/paths/~1x/get",
            "progenitor cannot generate it",
        );
        assert!(ledger.degrade("d.yaml", &mut tree, &error));
        assert_eq!(
            tree.pointer("/paths/~1x/get/responses/200/content/application~1json/schema"),
            Some(&serde_json::json!({}))
        );
        assert!(ledger.degrade("d.yaml", &mut tree, &error));
        assert!(tree.pointer("/paths/~1x/get").is_none());
        assert!(!ledger.degrade("d.yaml", &mut tree, &error), "nothing left to give up");
        let report = ledger.report(
            &serde_json::json!({"paths": {"/x": {"get": {}}, "/y": {"get": {}}}}),
            &[],
        );
        assert_eq!(report.to_string(), "1 operations typed, 0 degraded, 1 left out");
        assert_eq!(report.left_out, vec!["GET /x".to_owned()]);
    }

    #[test]
    fn an_overlay_error_or_a_document_error_is_not_degraded() {
        let mut tree = serde_json::json!({"paths": {}});
        let mut ledger = Ledger::default();
        let overlay = Error::at(Stage::Validate, "o.yaml", "/actions/0", "matches nothing");
        assert!(!ledger.degrade("d.yaml", &mut tree, &overlay));
        let root = Error::at(Stage::Validate, "d.yaml", "", "broken");
        assert!(!ledger.degrade("d.yaml", &mut tree, &root));
    }

    #[test]
    fn a_change_inside_a_component_degrades_the_operations_reaching_it() {
        let tree = serde_json::json!({
            "paths": {
                "/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}},
                "/b": {"get": {"responses": {}}}
            },
            "components": {
                "responses": {"R": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}},
                "schemas": {"S": {"properties": {"t": {"$ref": "#/components/schemas/T"}}}, "T": {"type": "string"}}
            }
        });
        let ledger = Ledger::default();
        let report = ledger.report(&tree, &["/components/schemas/T/default".to_owned()]);
        assert_eq!((report.typed, report.degraded), (1, 1));
    }
}
