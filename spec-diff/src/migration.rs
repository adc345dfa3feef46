//! A migration guide from one API description to another, generated from the diff.
//!
//! The diff pairs operations by method and path, which is right for a new version of one
//! API but not for a move to its successor: an endpoint that moved to another path shows up
//! as one operation removed and another added. A small hints file says which endpoints moved
//! (and why some have no successor); the guide relocates each moved operation of the base
//! document to its new path before comparing, so every change of a moved operation is
//! reported against its successor. Everything else (the fate of each operation, the Rust
//! names, traits and types on both sides, every change with its two verdicts) comes from the
//! documents and the diff.
//!
//! The output is deterministic: operations are sorted by path and method, changes keep the
//! report's order, and nothing iterates a hash map.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value};

use crate::change::{Change, Level, Operation, Scope};
use crate::compare::operations::{path_shape, template_names};
use crate::input::Loaded;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Changes the guide states in an operation's heading and trait line rather than in its
/// table: the Rust method's name comes from the operationId, its trait from the tags.
const SHOWN_ELSEWHERE: [&str; 2] = ["operation-id-changed", "operation-tags-changed"];

/// Why a guide could not be produced. Each variant names what to fix in the hints file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuideError {
    /// The hints file does not have the expected shape: `what` says which key and why.
    Hints { what: String },
    /// A hint names an endpoint that the document on its side does not have.
    UnknownEndpoint {
        /// `base` or `head`.
        side: &'static str,
        endpoint: String,
    },
    /// Two hints move operations onto the same endpoint, or one endpoint is moved twice.
    DuplicateMove { endpoint: String },
    /// A `removed` note names an operation that has a successor (same endpoint or moved).
    NotRemoved { endpoint: String },
}

impl fmt::Display for GuideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuideError::Hints { what } => write!(f, "hints: {what}"),
            GuideError::UnknownEndpoint { side, endpoint } => {
                write!(f, "hints: the {side} document has no operation `{endpoint}`")
            }
            GuideError::DuplicateMove { endpoint } => {
                write!(f, "hints: `{endpoint}` appears in more than one move")
            }
            GuideError::NotRemoved { endpoint } => write!(
                f,
                "hints: `removed` explains `{endpoint}`, but it has a successor in the head document"
            ),
        }
    }
}

impl std::error::Error for GuideError {}

/// An operation as HTTP sees it: `PUT /servers/{qualifiedName}/releases`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Endpoint {
    /// Upper case.
    pub method: String,
    pub path: String,
}

impl Endpoint {
    /// Reads `METHOD /path`.
    pub fn parse(text: &str) -> Result<Self, GuideError> {
        let bad = || GuideError::Hints {
            what: format!("`{text}` is not `METHOD /path`"),
        };
        let (method, path) = text.trim().split_once(' ').ok_or_else(bad)?;
        let path = path.trim();
        if !METHODS.contains(&method.to_lowercase().as_str()) || !path.starts_with('/') {
            return Err(bad());
        }
        Ok(Endpoint {
            method: method.to_uppercase(),
            path: path.to_owned(),
        })
    }

    /// Method and path with parameter names left out: what identifies an operation on the
    /// wire.
    fn key(&self) -> (String, String) {
        (self.method.clone(), path_shape(&self.path))
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// One side of the guide: where its document is and what Rust module it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideHints {
    /// The description, relative to the repository root.
    pub spec: String,
    /// Its overlay, relative to the repository root.
    pub overlay: Option<String>,
    /// The module the crate generates it into (`smithery_registry::seed`).
    pub module: String,
    /// How the guide names this side in prose.
    pub title: String,
}

/// An endpoint that moved to another path (or method).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from: Endpoint,
    pub to: Endpoint,
    /// Shown under the operation's heading.
    pub note: Option<String>,
}

/// What the guide cannot read from the documents; see `docs/migration-hints.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hints {
    pub base: SideHints,
    pub head: SideHints,
    /// Where the guide is written, relative to the repository root.
    pub output: String,
    pub moved: Vec<Move>,
    /// Why an operation has no successor, by its base endpoint.
    pub removed: BTreeMap<Endpoint, String>,
    /// Differences around every call that no description states.
    pub around_calls: Vec<String>,
}

impl Hints {
    /// Reads a hints document (already loaded from YAML or JSON).
    pub fn parse(value: &Value) -> Result<Self, GuideError> {
        let bad = |what: &str| GuideError::Hints { what: what.to_owned() };
        let root = value.as_object().ok_or_else(|| bad("the document is not a mapping"))?;
        for key in root.keys() {
            if !["base", "head", "output", "moved", "removed", "around_calls"].contains(&key.as_str()) {
                return Err(bad(&format!("unknown key `{key}`")));
            }
        }
        let string = |map: &Map<String, Value>, key: &str, at: &str| -> Result<String, GuideError> {
            map.get(key)
                .and_then(Value::as_str)
                .map(|s| s.trim().to_owned())
                .ok_or_else(|| bad(&format!("`{at}{key}` must be a string")))
        };
        let side = |key: &str| -> Result<SideHints, GuideError> {
            let map = root.get(key).and_then(Value::as_object).ok_or_else(|| {
                bad(&format!(
                    "`{key}` must be a mapping with spec, overlay, module and title"
                ))
            })?;
            let at = format!("{key}.");
            Ok(SideHints {
                spec: string(map, "spec", &at)?,
                overlay: map.get("overlay").map(|_| string(map, "overlay", &at)).transpose()?,
                module: string(map, "module", &at)?,
                title: string(map, "title", &at)?,
            })
        };
        let mut moved = Vec::new();
        for (i, entry) in root
            .get("moved")
            .map(|v| v.as_array().ok_or_else(|| bad("`moved` must be a list")))
            .transpose()?
            .into_iter()
            .flatten()
            .enumerate()
        {
            let map = entry
                .as_object()
                .ok_or_else(|| bad(&format!("`moved[{i}]` must be a mapping with from and to")))?;
            let at = format!("moved[{i}].");
            moved.push(Move {
                from: Endpoint::parse(&string(map, "from", &at)?)?,
                to: Endpoint::parse(&string(map, "to", &at)?)?,
                note: map.get("note").map(|_| string(map, "note", &at)).transpose()?,
            });
        }
        let mut removed = BTreeMap::new();
        if let Some(value) = root.get("removed") {
            let map = value
                .as_object()
                .ok_or_else(|| bad("`removed` must map `METHOD /path` to a note"))?;
            for (endpoint, note) in map {
                let note = note
                    .as_str()
                    .ok_or_else(|| bad(&format!("`removed.{endpoint}` must be a string")))?;
                removed.insert(Endpoint::parse(endpoint)?, note.trim().to_owned());
            }
        }
        let around_calls = match root.get("around_calls") {
            None => Vec::new(),
            Some(value) => value
                .as_array()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|item| item.as_str().map(|s| s.trim().to_owned()))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| bad("`around_calls` must be a list of strings"))?,
        };
        Ok(Hints {
            base: side("base")?,
            head: side("head")?,
            output: string(root, "output", "")?,
            moved,
            removed,
            around_calls,
        })
    }
}

/// What became of a base operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Same endpoint, same Rust method.
    Unchanged,
    /// Same endpoint, another Rust method name.
    Renamed,
    /// Another endpoint, named by the hints.
    Moved,
    /// No successor.
    Removed,
}

impl Fate {
    /// The word the guide's headings carry.
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Unchanged => "unchanged",
            Fate::Renamed => "renamed",
            Fate::Moved => "moved",
            Fate::Removed => "removed",
        }
    }
}

/// An operation found in a document, with what the guide says about it.
#[derive(Debug, Clone)]
struct Op<'a> {
    endpoint: Endpoint,
    value: &'a Value,
}

impl Op<'_> {
    fn rust_method(&self) -> String {
        self.value
            .get("operationId")
            .and_then(Value::as_str)
            .map(|id| id.to_snake_case())
            .unwrap_or_else(|| "(no operationId)".to_owned())
    }

    /// The `Client…Ext` trait progenitor puts the method in: one per first tag.
    fn rust_trait(&self) -> String {
        let tag = self
            .value
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|tags| tags.first())
            .and_then(Value::as_str)
            .unwrap_or("");
        format!("Client{}Ext", tag.to_upper_camel_case())
    }

    fn deprecated(&self) -> bool {
        self.value.get("deprecated").and_then(Value::as_bool).unwrap_or(false)
    }

    /// The operation as the diff's changes name it.
    fn describe(&self) -> Operation {
        Operation {
            method: self.endpoint.method.clone(),
            path: self.endpoint.path.clone(),
            rust_method: self
                .value
                .get("operationId")
                .and_then(Value::as_str)
                .map(|id| id.to_snake_case()),
        }
    }
}

/// Every operation of a document, sorted by path, then method in [`METHODS`] order.
fn operations(root: &Value) -> Vec<Op<'_>> {
    let mut ops = Vec::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(value) = item.get(method).filter(|v| v.is_object()) {
                ops.push(Op {
                    endpoint: Endpoint {
                        method: method.to_uppercase(),
                        path: path.clone(),
                    },
                    value,
                });
            }
        }
    }
    ops.sort_by(|a, b| {
        let order = |m: &str| METHODS.iter().position(|x| x.eq_ignore_ascii_case(m));
        a.endpoint
            .path
            .cmp(&b.endpoint.path)
            .then_with(|| order(&a.endpoint.method).cmp(&order(&b.endpoint.method)))
    });
    ops
}

/// `to`'s path written with `from`'s parameter names, when both have as many: the moved
/// operation's parameters keep matching its path template.
fn path_in_base_terms(from: &str, to: &str) -> String {
    let names = template_names(from);
    if names.len() != template_names(to).len() {
        return to.to_owned();
    }
    let mut out = String::new();
    let mut rest = to;
    for name in names {
        let Some((before, after)) = rest.split_once('{') else {
            break;
        };
        let Some((_, after)) = after.split_once('}') else { break };
        out.push_str(before);
        out.push('{');
        out.push_str(&name);
        out.push('}');
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Moves the operation at `from` (its path as written in `doc`) to `to_path`, carrying the
/// path item's parameters and servers into it. Returns false when the target is taken.
fn relocate(doc: &mut Value, method: &str, from: &str, to_path: &str) -> bool {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return false;
    };
    if paths.get(to_path).and_then(|item| item.get(method)).is_some() {
        return false;
    }
    let Some(item) = paths.get_mut(from).and_then(Value::as_object_mut) else {
        return false;
    };
    let Some(mut op) = item.remove(method) else {
        return false;
    };
    // Path-item parameters apply to every operation of the item; the operation's own ones
    // win (same name and location).
    if let Some(shared) = item.get("parameters").and_then(Value::as_array).cloned()
        && let Some(op_map) = op.as_object_mut()
    {
        let own = op_map.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
        if let Some(own) = own.as_array_mut() {
            let id = |p: &Value| (p.get("name").cloned(), p.get("in").cloned(), p.get("$ref").cloned());
            let present: Vec<_> = own.iter().map(id).collect();
            for parameter in shared {
                if !present.contains(&id(&parameter)) {
                    own.push(parameter);
                }
            }
        }
    }
    if let (Some(servers), Some(op_map)) = (item.get("servers").cloned(), op.as_object_mut()) {
        op_map.entry("servers").or_insert(servers);
    }
    if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
        paths.remove(from);
    }
    let target = paths
        .entry(to_path.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    match target.as_object_mut() {
        Some(target) => {
            target.insert(method.to_owned(), op);
            true
        }
        None => false,
    }
}

/// One base operation's entry in the guide.
struct Entry<'a> {
    base: Op<'a>,
    fate: Fate,
    head: Option<Op<'a>>,
    note: Option<String>,
}

/// Writes the guide: every operation of `base` with its fate, its successor and what
/// changed; what the head adds; what changed for the whole API.
pub fn guide(base: &Loaded, head: &Loaded, hints: &Hints) -> Result<String, GuideError> {
    let base_ops = operations(&base.normalized);
    let head_ops = operations(&head.normalized);
    let find = |ops: &[Op<'_>], endpoint: &Endpoint| ops.iter().position(|op| op.endpoint.key() == endpoint.key());

    // Check the hints against both documents before anything else.
    let mut moved_from = BTreeSet::new();
    let mut moved_to = BTreeSet::new();
    for hint in &hints.moved {
        if find(&base_ops, &hint.from).is_none() {
            return Err(GuideError::UnknownEndpoint {
                side: "base",
                endpoint: hint.from.to_string(),
            });
        }
        if find(&head_ops, &hint.to).is_none() {
            return Err(GuideError::UnknownEndpoint {
                side: "head",
                endpoint: hint.to.to_string(),
            });
        }
        if !moved_from.insert(hint.from.key()) {
            return Err(GuideError::DuplicateMove {
                endpoint: hint.from.to_string(),
            });
        }
        if !moved_to.insert(hint.to.key()) {
            return Err(GuideError::DuplicateMove {
                endpoint: hint.to.to_string(),
            });
        }
    }

    // The fate of every base operation.
    let mut entries = Vec::new();
    for op in &base_ops {
        let hint = hints.moved.iter().find(|m| m.from.key() == op.endpoint.key());
        let (fate, successor, note) = match hint {
            Some(hint) => (Fate::Moved, find(&head_ops, &hint.to), hint.note.clone()),
            // An endpoint another operation moved onto is not this one's successor.
            None => match find(&head_ops, &op.endpoint).filter(|_| !moved_to.contains(&op.endpoint.key())) {
                Some(i) if head_ops[i].rust_method() == op.rust_method() => (Fate::Unchanged, Some(i), None),
                Some(i) => (Fate::Renamed, Some(i), None),
                None => (Fate::Removed, None, None),
            },
        };
        entries.push(Entry {
            base: op.clone(),
            fate,
            head: successor.map(|i| head_ops[i].clone()),
            note,
        });
    }
    for (endpoint, note) in &hints.removed {
        let Some(entry) = entries.iter_mut().find(|e| e.base.endpoint.key() == endpoint.key()) else {
            return Err(GuideError::UnknownEndpoint {
                side: "base",
                endpoint: endpoint.to_string(),
            });
        };
        if entry.fate != Fate::Removed {
            return Err(GuideError::NotRemoved {
                endpoint: endpoint.to_string(),
            });
        }
        entry.note = Some(note.clone());
    }

    // The diff, with every moved operation of the base put at its successor's path.
    let mut moved = base.clone();
    for hint in &hints.moved {
        let Some(i) = find(&base_ops, &hint.from) else { continue };
        let from_path = &base_ops[i].endpoint.path;
        let to_path = path_in_base_terms(from_path, &hint.to.path);
        let method = hint.from.method.to_lowercase();
        let placed = relocate(&mut moved.normalized, &method, from_path, &to_path);
        if let Some(original) = moved.original.as_mut() {
            relocate(original, &method, from_path, &to_path);
        }
        if !placed {
            return Err(GuideError::DuplicateMove {
                endpoint: hint.to.to_string(),
            });
        }
    }
    // A move that changes the method is paired by the diff only if the method matches; the
    // relocated operation keeps its method, so such a pair is reported as removed and added.
    let report = crate::input::compare(&moved, head);

    let successors: BTreeSet<(String, String)> = entries
        .iter()
        .filter_map(|e| e.head.as_ref().map(|h| h.endpoint.key()))
        .collect();
    let added: Vec<&Op<'_>> = head_ops
        .iter()
        .filter(|op| !successors.contains(&op.endpoint.key()))
        .collect();

    let mut out = String::new();
    render_intro(&mut out, hints, &entries, added.len());
    render_whole_api(&mut out, hints, &report.changes);
    render_operations(&mut out, hints, base, head, &entries, &head_ops, &report.changes);
    render_added(&mut out, hints, &added);
    Ok(out)
}

fn render_intro(out: &mut String, hints: &Hints, entries: &[Entry<'_>], added: usize) {
    let count = |fate: Fate| entries.iter().filter(|e| e.fate == fate).count();
    out.push_str(&format!(
        "# Migrating from `{}` to `{}`\n\n",
        hints.base.module, hints.head.module
    ));
    out.push_str(&format!(
        "<!-- Generated by `cargo xtask diff --migration-guide` from {} and {} with their overlays, \
         and the hints in docs/migration-hints.yaml. Do not edit: CI fails when this file is stale. -->\n\n",
        hints.base.spec, hints.head.spec
    ));
    out.push_str(&format!(
        "From `{}`, {}, to `{}`, {}. Of the {} operations of `{}`: {} renamed (same endpoint, new Rust \
         name), {} moved to another endpoint, {} removed, {} unchanged. `{}` adds {} operations with no \
         predecessor.\n\n",
        hints.base.module,
        hints.base.title,
        hints.head.module,
        hints.head.title,
        entries.len(),
        hints.base.module,
        count(Fate::Renamed),
        count(Fate::Moved),
        count(Fate::Removed),
        count(Fate::Unchanged),
        hints.head.module,
        added,
    ));
    out.push_str(
        "Each change carries two verdicts: what it does to code calling the API over HTTP (wire) and \
         to code using the crate (crate). Methods are on `Client` through one `Client…Ext` trait per \
         group; each module's `prelude` brings them all into scope.\n\n",
    );
}

fn render_whole_api(out: &mut String, hints: &Hints, changes: &[Change]) {
    out.push_str("## The whole API\n\n");
    let whole: Vec<&Change> = changes.iter().filter(|c| c.operations.is_empty()).collect();
    if whole.is_empty() {
        out.push_str("The descriptions differ in no document-wide setting (servers, security).\n\n");
    } else {
        out.push_str("From the descriptions (servers, security):\n\n");
        change_table(out, &whole);
    }
    if !hints.around_calls.is_empty() {
        out.push_str("Around every call (from the hints: no description states these):\n\n");
        for line in &hints.around_calls {
            out.push_str(&format!("- {}\n", one_line(line)));
        }
        out.push('\n');
    }
}

fn render_operations(
    out: &mut String,
    hints: &Hints,
    base: &Loaded,
    head: &Loaded,
    entries: &[Entry<'_>],
    head_ops: &[Op<'_>],
    changes: &[Change],
) {
    out.push_str("## Operation by operation\n\n");
    let (bm, hm) = (&hints.base.module, &hints.head.module);
    for entry in entries {
        let old = format!("`{bm}::Client::{}`", entry.base.rust_method());
        match &entry.head {
            Some(new) => out.push_str(&format!(
                "### {old} → `{hm}::Client::{}` ({})\n\n",
                new.rust_method(),
                entry.fate.as_str()
            )),
            None => out.push_str(&format!("### {old} ({})\n\n", entry.fate.as_str())),
        }
        let Some(new) = &entry.head else {
            out.push_str(&format!("- Endpoint: `{}`, with no successor.\n", entry.base.endpoint));
            if let Some(note) = &entry.note {
                out.push_str(&format!("- {}\n", one_line(note)));
            }
            // A method of the same name on the other side is easy to mistake for a successor.
            if let Some(namesake) = head_ops.iter().find(|op| op.rust_method() == entry.base.rust_method()) {
                out.push_str(&format!(
                    "- `{hm}::Client::{}` is not its successor: it calls `{}`, another endpoint.\n",
                    namesake.rust_method(),
                    namesake.endpoint
                ));
            }
            out.push('\n');
            continue;
        };
        if entry.base.endpoint == new.endpoint {
            out.push_str(&format!("- Endpoint: `{}`, unchanged.\n", new.endpoint));
        } else if entry.base.endpoint.key() == new.endpoint.key() {
            out.push_str(&format!(
                "- Endpoint: `{}` → `{}`, the same on the wire.\n",
                entry.base.endpoint, new.endpoint
            ));
        } else {
            out.push_str(&format!(
                "- Endpoint: `{}` → `{}`.\n",
                entry.base.endpoint, new.endpoint
            ));
        }
        out.push_str(&format!(
            "- Trait: `{bm}::{}` → `{hm}::{}`.\n",
            entry.base.rust_trait(),
            new.rust_trait()
        ));
        let (old_ok, old_err) = responses(&base.normalized, &entry.base, bm);
        let (new_ok, new_err) = responses(&head.normalized, new, hm);
        out.push_str(&format!("- Returns: {old_ok} → {new_ok}.\n"));
        out.push_str(&format!("- Error bodies: {old_err} → {new_err}.\n"));
        if new.deprecated() {
            out.push_str("- The successor is deprecated.\n");
        }
        if let Some(note) = &entry.note {
            out.push_str(&format!("- {}\n", one_line(note)));
        }
        out.push('\n');
        let operation = new.describe();
        let own: Vec<&Change> = changes
            .iter()
            .filter(|c| c.operations.contains(&operation) && !SHOWN_ELSEWHERE.contains(&c.id.as_str()))
            .collect();
        if own.is_empty() {
            out.push_str("No change to its parameters, body or responses.\n\n");
        } else {
            change_table(out, &own);
        }
    }
}

fn render_added(out: &mut String, hints: &Hints, added: &[&Op<'_>]) {
    out.push_str(&format!("## New in `{}`\n\n", hints.head.module));
    if added.is_empty() {
        out.push_str("Nothing: every operation succeeds one of the seed's.\n");
        return;
    }
    out.push_str("Operations with no predecessor, by group:\n\n| trait | method | endpoint |\n|---|---|---|\n");
    let mut rows: Vec<(String, String, String, String)> = added
        .iter()
        .map(|op| {
            let method = if op.deprecated() {
                format!("`{}` (deprecated)", op.rust_method())
            } else {
                format!("`{}`", op.rust_method())
            };
            (
                format!("`{}`", op.rust_trait()),
                op.rust_method(),
                method,
                format!("`{}`", op.endpoint),
            )
        })
        .collect();
    rows.sort();
    for (rust_trait, _, method, endpoint) in rows {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            rust_trait,
            cell(&method),
            cell(&endpoint)
        ));
    }
}

fn change_table(out: &mut String, changes: &[&Change]) {
    out.push_str("| change | wire | crate |\n|---|---|---|\n");
    // One change at two places (a property reached through two schemas) reads the same:
    // one row says it.
    let mut seen = BTreeSet::new();
    for change in changes {
        if !seen.insert((&change.message, change.wire, change.rust)) {
            continue;
        }
        let mark = match (change.level(), change.scope()) {
            (Level::Breaking, Scope::CrateOnly) => " (crate only)",
            (Level::Breaking, Scope::WireOnly) => " (wire only)",
            _ => "",
        };
        out.push_str(&format!(
            "| {}{mark} | {} | {} |\n",
            cell(&change.message),
            change.wire,
            change.rust
        ));
    }
    out.push('\n');
}

/// The success type and the error bodies of an operation, as Rust names under `module`.
fn responses(root: &Value, op: &Op<'_>, module: &str) -> (String, String) {
    let Some(responses) = op.value.get("responses").and_then(Value::as_object) else {
        return ("nothing".to_owned(), "none".to_owned());
    };
    let op_name = op.rust_method().to_upper_camel_case();
    let mut success = None;
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (status, response) in responses {
        let response = resolve(root, response);
        let body = body_type(response, module, &op_name);
        if status.starts_with('2') {
            // The first success status by sort order, as the generator reads it.
            success.get_or_insert(body.unwrap_or_else(|| "no body".to_owned()));
        } else if let Some(body) = body {
            errors.entry(body).or_default().push(status.clone());
        }
    }
    let errors = if errors.is_empty() {
        "none declared".to_owned()
    } else {
        errors
            .into_iter()
            .map(|(body, statuses)| format!("{body} ({})", statuses.join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    (
        success.unwrap_or_else(|| "no success response declared".to_owned()),
        errors,
    )
}

/// A response's body as a Rust type, or what it is when it is not JSON.
fn body_type(response: &Value, module: &str, op_name: &str) -> Option<String> {
    let content = response.get("content")?.as_object()?;
    let json = content
        .iter()
        .find(|(media, _)| *media == "application/json" || media.ends_with("+json"));
    match json {
        Some((_, media)) => Some(match media.get("schema") {
            Some(schema) => rust_type(schema, module, op_name),
            None => "`serde_json::Value`".to_owned(),
        }),
        None => content.keys().next().map(|media| format!("a `{media}` body")),
    }
}

/// The Rust type typify gives a schema: components by name, arrays as `Vec`, scalars as the
/// standard types, an inline object after its operation.
fn rust_type(schema: &Value, module: &str, op_name: &str) -> String {
    fn inner(schema: &Value, module: &str, op_name: &str) -> String {
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            return format!("{module}::types::{}", name.to_upper_camel_case());
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => match schema.get("items") {
                Some(items) => format!("Vec<{}>", inner(items, module, op_name)),
                None => "Vec<serde_json::Value>".to_owned(),
            },
            Some("string") => "String".to_owned(),
            Some("integer") => "i64".to_owned(),
            Some("number") => "f64".to_owned(),
            Some("boolean") => "bool".to_owned(),
            _ => format!("{module}::types::{op_name}Response"),
        }
    }
    format!("`{}`", inner(schema, module, op_name))
}

/// Follows a `$ref` to a response component.
fn resolve<'v>(root: &'v Value, value: &'v Value) -> &'v Value {
    let mut value = value;
    for _ in 0..8 {
        let Some(pointer) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            break;
        };
        match root.pointer(pointer) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

/// A table cell: no line breaks, no bare pipes.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse_and_ignore_parameter_names() {
        let a = Endpoint::parse("put /servers/{qualifiedName}").expect("parses");
        assert_eq!(a.to_string(), "PUT /servers/{qualifiedName}");
        assert_eq!(a.key(), Endpoint::parse("PUT /servers/{name}").expect("parses").key());
        assert!(Endpoint::parse("FETCH /servers").is_err());
        assert!(Endpoint::parse("GET servers").is_err());
    }

    #[test]
    fn a_moved_path_keeps_the_base_parameter_names() {
        assert_eq!(
            path_in_base_terms("/s/{qn}/deployments/{id}", "/s/{qualifiedName}/releases/{releaseId}"),
            "/s/{qn}/releases/{id}"
        );
        assert_eq!(path_in_base_terms("/a/{x}", "/b/{x}/{y}"), "/b/{x}/{y}");
    }
}
