//! The comparison: walks both documents operation by operation and records every change
//! with its two verdicts.
//!
//! Schemas are compared per use, so a change inside a shared component is attributed to
//! every operation that reaches it; the result of comparing one pair of components is
//! memoized, which keeps a document with thousands of references linear in its size.

pub(crate) mod operations;
mod parameters;
mod schema;
mod security;
mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use crate::change::{Change, Level, Operation, Report, Side};
use crate::resolve::Document;

/// Stands in a message for the place of the change ("response property `a.b`", "query
/// parameter `limit`"), which is only known once the comparison climbs back to the
/// parameter or body the schema belongs to. A shared component is compared once and its
/// changes replayed for every use, so the place is filled in per use, not per comparison.
pub(crate) const HERE: &str = "\u{1}";

/// A change before it is attached to the operations it affects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Raw {
    pub id: String,
    pub wire: Level,
    pub rust: Level,
    pub side: Side,
    pub pointer: String,
    /// The sentence, with [`HERE`] where the place goes.
    pub message: String,
    /// The property path from the schema being compared down to the change
    /// (`connections[].published`), built as the comparison returns upwards.
    pub path: String,
    /// What [`HERE`] becomes, set where the owning parameter or body is known.
    pub place: Option<String>,
}

/// One step of a property path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'s> {
    Property(&'s str),
    Items,
    Values,
}

impl Step<'_> {
    /// `step` in front of `path`: `a` + `b.c` is `a.b.c`, `a` + `[].c` is `a[].c`.
    pub fn before(self, path: &str) -> String {
        let head = match self {
            Step::Property(name) => name,
            Step::Items => "[]",
            Step::Values => "{}",
        };
        if path.is_empty() || path.starts_with('[') || path.starts_with('{') {
            format!("{head}{path}")
        } else {
            format!("{head}.{path}")
        }
    }
}

/// Puts `step` in front of the path of every change from `from` on: the changes a nested
/// comparison just returned.
pub(crate) fn prefix(out: &mut [Raw], from: usize, step: Step) {
    for raw in out.iter_mut().skip(from) {
        raw.path = step.before(&raw.path);
    }
}

/// What a compared schema belongs to, for the place in messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'s> {
    Body(Direction),
    Parameter { location: &'s str, name: &'s str },
}

/// Fills in the place of every change from `from` on, now that the owner is known.
pub(crate) fn place(out: &mut [Raw], from: usize, owner: Owner) {
    for raw in out.iter_mut().skip(from) {
        if raw.place.is_some() {
            continue;
        }
        let path = &raw.path;
        raw.place = Some(match owner {
            Owner::Body(dir) => {
                let noun = match dir {
                    Direction::Request => "request",
                    Direction::Response => "response",
                };
                if path.is_empty() {
                    format!("the {noun} body")
                } else {
                    format!("{noun} property `{path}`")
                }
            }
            Owner::Parameter { location, name } => {
                let sep = if path.is_empty() || path.starts_with('[') || path.starts_with('{') {
                    ""
                } else {
                    "."
                };
                format!("{location} parameter `{name}{sep}{path}`")
            }
        });
    }
}

impl Raw {
    pub fn new(
        id: impl Into<String>,
        wire: Level,
        rust: Level,
        side: Side,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            wire,
            rust,
            side,
            pointer: pointer.into(),
            message: message.into(),
            path: String::new(),
            place: None,
        }
    }

    /// The same change, one step further down from the schema being compared.
    pub fn at(mut self, step: Step) -> Self {
        self.path = step.before(&self.path);
        self
    }

    /// The sentence with its place filled in.
    pub fn sentence(&self) -> String {
        self.message
            .replace(HERE, self.place.as_deref().unwrap_or("the schema"))
    }

    /// What identifies a change across the operations that reach it: everything but the
    /// place, which differs from one use of a shared component to the next.
    fn key(&self) -> (String, Level, Level, Side, String, String) {
        (
            self.id.clone(),
            self.wire,
            self.rust,
            self.side,
            self.pointer.clone(),
            self.message.clone(),
        )
    }
}

/// Which way data flows through a schema: what is safe to change differs (a request may
/// accept more, a response may promise less).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Direction {
    Request,
    Response,
}

/// What a schema is the schema of; it picks the change id's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Subject {
    Parameter,
    Body,
    Property,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Ctx {
    pub dir: Direction,
    pub subject: Subject,
}

impl Ctx {
    /// The id prefix: `request-parameter`, `request-body`, `response-property`, ...
    pub fn prefix(self) -> &'static str {
        match (self.dir, self.subject) {
            (Direction::Request, Subject::Parameter) => "request-parameter",
            (Direction::Request, Subject::Body) => "request-body",
            (Direction::Request, Subject::Property) => "request-property",
            // Responses have no parameters; headers are not compared.
            (Direction::Response, Subject::Parameter | Subject::Property) => "response-property",
            (Direction::Response, Subject::Body) => "response-body",
        }
    }

    pub fn id(self, suffix: &str) -> String {
        format!("{}-{suffix}", self.prefix())
    }

    /// Where the schema's contents sit: anything inside a body is a property of it.
    pub fn nested(self) -> Self {
        match self.subject {
            Subject::Body => Ctx {
                subject: Subject::Property,
                ..self
            },
            _ => self,
        }
    }
}

type MemoKey = (String, String, Direction, u8);

pub(crate) struct Differ<'a> {
    pub base: Document<'a>,
    pub head: Document<'a>,
    memo: HashMap<MemoKey, Rc<Vec<Raw>>>,
    in_progress: HashSet<MemoKey>,
    /// Pairs met again while still being compared, not yet resolved.
    cycles: Vec<MemoKey>,
}

/// Compares two normalized OpenAPI 3.0 trees. What normalization dropped (3.1 keywords,
/// webhooks) is not seen: [`diff_originals`] compares that too.
pub fn diff(base: &Value, head: &Value) -> Report {
    diff_originals(base, head, None)
}

/// Compares two normalized trees, and with `originals` (the same documents before
/// normalization) also the 3.1 schema keywords and webhooks normalization drops.
pub fn diff_originals(base: &Value, head: &Value, originals: Option<(&Value, &Value)>) -> Report {
    let mut differ = Differ::new(
        Document::with_original(base, originals.map(|o| o.0)),
        Document::with_original(head, originals.map(|o| o.1)),
    );
    let differs = base != head || originals.is_some_and(|(b, h)| b != h);
    // One change per key, with every operation that reaches it; its sentence names the place
    // as the first of those operations reaches it.
    let mut grouped: BTreeMap<_, (Raw, BTreeSet<Operation>)> = BTreeMap::new();
    if differs {
        for (raw, operation) in differ.operations() {
            let entry = grouped
                .entry(raw.key())
                .or_insert_with(|| (raw.clone(), BTreeSet::new()));
            if let Some(operation) = operation {
                if entry.1.iter().next().is_none_or(|first| operation < *first) {
                    entry.0 = raw;
                }
                entry.1.insert(operation);
            }
        }
        for (raw, operation) in differ.webhooks() {
            let entry = grouped
                .entry(raw.key())
                .or_insert_with(|| (raw.clone(), BTreeSet::new()));
            entry.1.extend(operation);
        }
        for raw in differ.document_wide() {
            grouped.entry(raw.key()).or_insert_with(|| (raw, BTreeSet::new()));
        }
    }
    let mut changes: Vec<Change> = grouped
        .into_values()
        .map(|(raw, operations)| Change {
            message: raw.sentence(),
            path: (!raw.path.is_empty()).then(|| raw.path.clone()),
            id: raw.id,
            wire: raw.wire,
            rust: raw.rust,
            operations,
            side: raw.side,
            pointer: raw.pointer,
            location: None,
        })
        .collect();
    // Worst first, then by the first operation, so related changes sit together.
    changes.sort_by(|a, b| {
        b.level()
            .cmp(&a.level())
            .then_with(|| a.operations.iter().next().cmp(&b.operations.iter().next()))
            .then_with(|| a.pointer.cmp(&b.pointer))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.message.cmp(&b.message))
    });
    Report { changes }
}

impl<'a> Differ<'a> {
    pub(crate) fn new(base: Document<'a>, head: Document<'a>) -> Self {
        Differ {
            base,
            head,
            memo: HashMap::new(),
            in_progress: HashSet::new(),
            cycles: Vec::new(),
        }
    }

    /// Runs `compare` once per pair of referenced components (and direction and subject),
    /// replaying the result for later uses. A pair met again while it is being compared is
    /// a recursive schema: its changes are already being collected further up.
    pub(crate) fn memoized(
        &mut self,
        key: Option<MemoKey>,
        out: &mut Vec<Raw>,
        compare: impl FnOnce(&mut Self, &mut Vec<Raw>),
    ) {
        let Some(key) = key else {
            compare(self, out);
            return;
        };
        if let Some(found) = self.memo.get(&key) {
            out.extend(found.iter().cloned());
            return;
        }
        if !self.in_progress.insert(key.clone()) {
            self.cycles.push(key);
            return;
        }
        let cycles_before = self.cycles.len();
        let mut collected = Vec::new();
        compare(self, &mut collected);
        self.in_progress.remove(&key);
        out.extend(collected.iter().cloned());
        // A result that looped back to a pair still being compared further up lacks that
        // pair's changes: replaying it for another operation would under-report, so only
        // complete results are kept.
        let mut complete = true;
        let mut i = cycles_before;
        while i < self.cycles.len() {
            if self.cycles[i] == key {
                self.cycles.swap_remove(i);
            } else {
                complete = false;
                i += 1;
            }
        }
        if complete {
            self.memo.insert(key, Rc::new(collected));
        }
    }
}

/// Canonical text of a JSON value, for sets of enum values and messages.
pub(crate) fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}
