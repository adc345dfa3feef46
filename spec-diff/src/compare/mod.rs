//! The comparison: walks both documents operation by operation and records every change
//! with its two verdicts.
//!
//! Schemas are compared per use, so a change inside a shared component is attributed to
//! every operation that reaches it; the result of comparing one pair of components is
//! memoized, which keeps a document with thousands of references linear in its size.

mod operations;
mod parameters;
mod schema;
mod security;
mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use crate::change::{Change, Level, Operation, Report, Side};
use crate::resolve::Document;

/// A change before it is attached to the operations it affects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Raw {
    pub id: String,
    pub wire: Level,
    pub rust: Level,
    pub side: Side,
    pub pointer: String,
    pub message: String,
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
        }
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

    pub fn noun(self) -> &'static str {
        match self.dir {
            Direction::Request => "request",
            Direction::Response => "response",
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

/// Compares two normalized OpenAPI 3.0 trees.
pub fn diff(base: &Value, head: &Value) -> Report {
    let mut differ = Differ {
        base: Document::new(base),
        head: Document::new(head),
        memo: HashMap::new(),
        in_progress: HashSet::new(),
        cycles: Vec::new(),
    };
    let mut grouped: BTreeMap<Raw, BTreeSet<Operation>> = BTreeMap::new();
    if base != head {
        for (raw, operation) in differ.operations() {
            let entry = grouped.entry(raw).or_default();
            if let Some(operation) = operation {
                entry.insert(operation);
            }
        }
        for raw in differ.document_wide() {
            grouped.entry(raw).or_default();
        }
    }
    let mut changes: Vec<Change> = grouped
        .into_iter()
        .map(|(raw, operations)| Change {
            id: raw.id,
            wire: raw.wire,
            rust: raw.rust,
            operations,
            side: raw.side,
            pointer: raw.pointer,
            message: raw.message,
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

impl Differ<'_> {
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
