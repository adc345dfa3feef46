//! The three output formats. All are deterministic: the report's order is fixed by the
//! comparison, and nothing here iterates a hash map.

use serde_json::{Value, json};

use crate::change::{Change, Level, Report};

/// Version of the JSON output's shape; bumped only when a field changes meaning or goes away.
pub const JSON_SCHEMA_VERSION: u64 = 1;

/// How many operations the text and markdown formats list per change before summarizing.
const LISTED_OPERATIONS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text { color: bool },
    Markdown,
    Json,
}

pub fn render(report: &Report, base: &str, head: &str, format: Format) -> String {
    match format {
        Format::Text { color } => text(report, base, head, color),
        Format::Markdown => markdown(report, base, head),
        Format::Json => json(report, base, head),
    }
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

fn operations(change: &Change, separator: &str) -> String {
    let mut listed: Vec<String> = change
        .operations
        .iter()
        .take(LISTED_OPERATIONS)
        .map(ToString::to_string)
        .collect();
    if change.operations.len() > LISTED_OPERATIONS {
        listed.push(format!("and {} more", change.operations.len() - LISTED_OPERATIONS));
    }
    listed.join(separator)
}

pub fn text(report: &Report, base: &str, head: &str, color: bool) -> String {
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
    let mut out = format!("comparing {base} (base) with {head} (head)\n\n");
    for change in &report.changes {
        let level = change.level();
        out.push_str(&format!(
            "{} {}\n",
            paint(level, &level.as_str().to_uppercase()),
            change.id
        ));
        if !change.operations.is_empty() {
            out.push_str(&format!("  in: {}\n", operations(change, "\n      ")));
        }
        let document = match change.side {
            crate::Side::Base => base,
            crate::Side::Head => head,
        };
        out.push_str(&format!("  at: {document}#{}\n", change.pointer));
        out.push_str(&format!("  {}\n", change.message));
        out.push_str(&format!("  wire: {}, crate: {}\n\n", change.wire, change.rust));
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
    out.push_str(&format!("{}{worst}; {}.\n\n", summary(report), semver_sentence(report)));
    if report.changes.is_empty() {
        return out;
    }
    out.push_str("| level | change | operations | location | wire | crate | description |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for change in &report.changes {
        out.push_str(&format!(
            "| {} | `{}` | {} | `{}` ({}) | {} | {} | {} |\n",
            change.level(),
            change.id,
            cell(&operations(change, "<br>")),
            cell(&change.pointer),
            change.side.as_str(),
            change.wire,
            change.rust,
            cell(&change.message)
        ));
    }
    out
}

pub fn json(report: &Report, base: &str, head: &str) -> String {
    let changes: Vec<Value> = report
        .changes
        .iter()
        .map(|change| {
            let operations: Vec<Value> = change
                .operations
                .iter()
                .map(|op| json!({"method": op.method, "path": op.path, "rust_method": op.rust_method}))
                .collect();
            json!({
                "id": change.id,
                "level": change.level().as_str(),
                "wire": change.wire.as_str(),
                "crate": change.rust.as_str(),
                "operations": operations,
                "side": change.side.as_str(),
                "pointer": change.pointer,
                "message": change.message,
            })
        })
        .collect();
    let value = json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "base": base,
        "head": head,
        "changes": changes,
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
    use crate::change::{Change, Side};

    fn report() -> Report {
        Report {
            changes: vec![Change {
                id: "operation-removed".to_owned(),
                wire: Level::Breaking,
                rust: Level::Breaking,
                operations: Default::default(),
                side: Side::Base,
                pointer: "/paths/~1a/get".to_owned(),
                message: "the operation GET /a was removed".to_owned(),
            }],
        }
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(text(&report(), "a", "b", true).contains("\x1b[1;31mBREAKING\x1b[0m"));
        assert!(!text(&report(), "a", "b", false).contains('\x1b'));
    }

    #[test]
    fn removed_things_point_into_the_base_document() {
        assert!(text(&report(), "old.yaml", "new.yaml", false).contains("at: old.yaml#/paths/~1a/get"));
        assert!(markdown(&report(), "old.yaml", "new.yaml").contains("| `/paths/~1a/get` (base) |"));
    }
}
