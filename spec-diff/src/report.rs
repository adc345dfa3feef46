//! The three output formats. All are deterministic: the report's order is fixed by the
//! comparison, and nothing here iterates a hash map.
//!
//! Every format carries the same information: changes grouped by the operations they
//! affect, each with its id, both verdicts, whom it breaks (`crate only`, `wire only`), the
//! property path in its sentence, and where it is (document, line and column, pointer).
//! The text format shows breaking and potentially breaking changes in full and the others
//! on one line each, unless asked to be verbose.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::change::{Change, Level, Operation, Report, Scope};

/// Version of the JSON output's shape; bumped when a field changes meaning or goes away.
/// 2: `message` names the property by its path, `groups`, `path`, `location` and `scope`
/// added, and security scope removals that leave a covering requirement are non-breaking.
pub const JSON_SCHEMA_VERSION: u64 = 2;

/// How many operations a group's heading lists before summarizing.
const LISTED_OPERATIONS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `verbose` shows every change in full, non-breaking ones included.
    Text {
        color: bool,
        verbose: bool,
    },
    Markdown,
    Json,
}

pub fn render(report: &Report, base: &str, head: &str, format: Format) -> String {
    match format {
        Format::Text { color, verbose } => text(report, base, head, color, verbose),
        Format::Markdown => markdown(report, base, head),
        Format::Json => json(report, base, head),
    }
}

/// Changes that affect the same operations, in report order (worst first): what a reviewer
/// reads per operation. Operations added or removed form one group of their own (their
/// sentences name them), and document-wide changes another, last. The other groups are
/// ordered by their worst change, then by their first operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The heading: the operations, "operations added or removed" or "whole document".
    pub title: String,
    pub operations: BTreeSet<Operation>,
    /// Indices into `report.changes`.
    pub changes: Vec<usize>,
}

const ADDED_OR_REMOVED: &str = "operations added or removed";

pub fn groups(report: &Report) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (i, change) in report.changes.iter().enumerate() {
        let whole = matches!(change.id.as_str(), "operation-added" | "operation-removed");
        let found = groups.iter_mut().find(|g| {
            if whole {
                g.title == ADDED_OR_REMOVED
            } else {
                g.title != ADDED_OR_REMOVED && g.operations == change.operations
            }
        });
        match found {
            Some(group) => {
                group.changes.push(i);
                if whole {
                    group.operations.extend(change.operations.iter().cloned());
                }
            }
            None => groups.push(Group {
                title: if whole {
                    ADDED_OR_REMOVED.to_owned()
                } else {
                    heading(&change.operations)
                },
                operations: change.operations.clone(),
                changes: vec![i],
            }),
        }
    }
    let worst = |g: &Group| g.changes.iter().map(|&i| report.changes[i].level()).max();
    groups.sort_by(|a, b| {
        a.operations
            .is_empty()
            .cmp(&b.operations.is_empty())
            .then_with(|| worst(b).cmp(&worst(a)))
            .then_with(|| (a.title == ADDED_OR_REMOVED).cmp(&(b.title == ADDED_OR_REMOVED)))
            .then_with(|| a.operations.iter().next().cmp(&b.operations.iter().next()))
    });
    groups
}

fn summary(report: &Report) -> String {
    if report.changes.is_empty() {
        return "no changes".to_owned();
    }
    format!(
        "{} change(s): {} breaking, {} potentially breaking, {} non-breaking",
        report.changes.len(),
        report.count(Level::Breaking),
        report.count(Level::PotentiallyBreaking),
        report.count(Level::NonBreaking)
    )
}

fn semver_sentence(report: &Report) -> String {
    match report.semver() {
        crate::Semver::None => "the generated crate needs no new version".to_owned(),
        bump => format!("the generated crate needs a {} version bump", bump.as_str()),
    }
}

/// A group's heading: its operations, or "whole document".
fn heading(operations: &BTreeSet<Operation>) -> String {
    if operations.is_empty() {
        return "whole document".to_owned();
    }
    let mut listed: Vec<String> = operations
        .iter()
        .take(LISTED_OPERATIONS)
        .map(ToString::to_string)
        .collect();
    if operations.len() > LISTED_OPERATIONS {
        listed.push(format!("and {} more", operations.len() - LISTED_OPERATIONS));
    }
    listed.join(", ")
}

/// `breaking`, `breaking (crate only)`, `potentially-breaking (wire only)`.
fn label(change: &Change) -> String {
    let level = change.level().as_str();
    match (change.level(), change.scope()) {
        (Level::NonBreaking, _) | (_, Scope::Both) => level.to_owned(),
        (_, Scope::CrateOnly) => format!("{level} (crate only)"),
        (_, Scope::WireOnly) => format!("{level} (wire only)"),
    }
}

/// `base 12:7`, or `base` when the document has no lines to point at.
fn place(change: &Change) -> String {
    match change.location {
        Some(at) => format!("{} {at}", change.side.as_str()),
        None => change.side.as_str().to_owned(),
    }
}

/// The short form of a location for one-line entries: the line when there is one, else the
/// pointer (a document on one line has nothing else to go by).
fn short_place(change: &Change) -> String {
    match change.location {
        Some(at) => format!("{} {at}", change.side.as_str()),
        None => format!("{} #{}", change.side.as_str(), change.pointer),
    }
}

pub fn text(report: &Report, base: &str, head: &str, color: bool, verbose: bool) -> String {
    let paint = |level: Level, text: &str| {
        if !color {
            return text.to_owned();
        }
        let code = match level {
            Level::Breaking => "1;31",
            Level::PotentiallyBreaking => "1;33",
            Level::NonBreaking => "32",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    };
    let mut out = format!("comparing {base} (base) with {head} (head)\n");
    // Headings stand out by not being indented; blank lines between groups would cost a
    // screen's worth of lines on a large change.
    if !report.changes.is_empty() {
        out.push('\n');
    }
    for group in groups(report) {
        out.push_str(&format!("{}\n", group.title));
        for &i in &group.changes {
            let change = &report.changes[i];
            let label = paint(change.level(), &label(change).to_uppercase());
            if !verbose {
                out.push_str(&format!(
                    "  {label} {}: {} ({})\n",
                    change.id,
                    change.message,
                    short_place(change)
                ));
                continue;
            }
            out.push_str(&format!("  {label} {}: {}\n", change.id, change.message));
            out.push_str(&format!(
                "      at {} #{} (wire: {}, crate: {})\n",
                place(change),
                change.pointer,
                change.wire,
                change.rust
            ));
        }
    }
    if !report.changes.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!("{}\n{}\n", summary(report), semver_sentence(report)));
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(report: &Report, base: &str, head: &str) -> String {
    let mut out = format!("### OpenAPI changes: `{}` → `{}`\n\n", cell(base), cell(head));
    let worst = report.worst().map(|l| format!(" (worst: **{l}**)")).unwrap_or_default();
    out.push_str(&format!("{}{worst}; {}.\n", summary(report), semver_sentence(report)));
    for group in groups(report) {
        out.push_str(&format!("\n#### {}\n\n", cell(&group.title)));
        out.push_str("| level | change | description | location | wire | crate |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for &i in &group.changes {
            let change = &report.changes[i];
            out.push_str(&format!(
                "| {} | `{}` | {} | {} `{}` | {} | {} |\n",
                label(change),
                change.id,
                cell(&change.message),
                place(change),
                cell(&change.pointer),
                change.wire,
                change.rust,
            ));
        }
    }
    out
}

fn operation_json(op: &Operation) -> Value {
    json!({"method": op.method, "path": op.path, "rust_method": op.rust_method})
}

pub fn json(report: &Report, base: &str, head: &str) -> String {
    let changes: Vec<Value> = report
        .changes
        .iter()
        .map(|change| {
            let operations: Vec<Value> = change.operations.iter().map(operation_json).collect();
            json!({
                "id": change.id,
                "level": change.level().as_str(),
                "wire": change.wire.as_str(),
                "crate": change.rust.as_str(),
                "scope": change.scope().as_str(),
                "operations": operations,
                "side": change.side.as_str(),
                "pointer": change.pointer,
                "location": change.location.map(|at| json!({"line": at.line, "column": at.column})),
                "path": change.path,
                "message": change.message,
            })
        })
        .collect();
    let groups: Vec<Value> = groups(report)
        .iter()
        .map(|group| {
            json!({
                "title": group.title,
                "operations": group.operations.iter().map(operation_json).collect::<Vec<_>>(),
                "changes": group.changes,
            })
        })
        .collect();
    let value = json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "base": base,
        "head": head,
        "changes": changes,
        "groups": groups,
        "summary": {
            "breaking": report.count(Level::Breaking),
            "potentially_breaking": report.count(Level::PotentiallyBreaking),
            "non_breaking": report.count(Level::NonBreaking),
            "semver": report.semver().as_str(),
        },
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{Change, Position, Side};

    fn change(id: &str, wire: Level, rust: Level, method: &str) -> Change {
        Change {
            id: id.to_owned(),
            wire,
            rust,
            operations: [Operation {
                method: "GET".to_owned(),
                path: format!("/{method}"),
                rust_method: Some(method.to_owned()),
            }]
            .into(),
            side: Side::Base,
            pointer: "/paths/~1a/get".to_owned(),
            location: Some(Position { line: 7, column: 5 }),
            path: None,
            message: "the operation GET /a was removed".to_owned(),
        }
    }

    fn report() -> Report {
        Report {
            changes: vec![
                change("response-property-removed", Level::Breaking, Level::Breaking, "a"),
                change("operation-id-changed", Level::NonBreaking, Level::Breaking, "b"),
                change("operation-deprecated", Level::NonBreaking, Level::NonBreaking, "a"),
            ],
        }
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(text(&report(), "a", "b", true, false).contains("\x1b[1;31mBREAKING\x1b[0m"));
        assert!(!text(&report(), "a", "b", false, false).contains('\x1b'));
    }

    #[test]
    fn locations_name_the_side_line_and_column_not_the_file() {
        let out = text(&report(), "old.yaml", "new.yaml", false, true);
        assert!(out.contains("at base 7:5 #/paths/~1a/get"), "{out}");
        assert_eq!(out.matches("old.yaml").count(), 1, "{out}");
        assert!(markdown(&report(), "old.yaml", "new.yaml").contains("| base 7:5 `/paths/~1a/get` |"));
    }

    #[test]
    fn changes_are_grouped_by_operation_and_crate_only_breaks_say_so() {
        let out = text(&report(), "a", "b", false, false);
        let a = out.find("\nGET /a (a)\n").expect("group a");
        let b = out.find("\nGET /b (b)\n").expect("group b");
        assert!(
            out.starts_with("comparing a (base) with b (head)\n\nGET /a (a)\n"),
            "{out}"
        );
        let deprecated = out.find("operation-deprecated").expect("deprecation");
        assert!(a < deprecated && deprecated < b, "{out}");
        assert!(out.contains("BREAKING (CRATE ONLY) operation-id-changed"), "{out}");
        // One line each by default, a block with both verdicts when verbose.
        assert!(out.contains("NON-BREAKING operation-deprecated: the operation GET /a was removed (base 7:5)\n"));
        let verbose = text(&report(), "a", "b", false, true);
        assert_eq!(verbose.lines().count(), out.lines().count() + 3, "{verbose}");
        assert!(verbose.contains("at base 7:5 #/paths/~1a/get (wire: non-breaking, crate: breaking)"));
    }
}
