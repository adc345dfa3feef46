//! What a diff produces: changes, their levels and where they are.

use std::collections::BTreeSet;
use std::fmt;

/// How bad a change is for one kind of consumer. Ordered, so the worst of several is `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    NonBreaking,
    PotentiallyBreaking,
    Breaking,
}

impl Level {
    /// The name used on the command line and in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::NonBreaking => "non-breaking",
            Level::PotentiallyBreaking => "potentially-breaking",
            Level::Breaking => "breaking",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "non-breaking" => Some(Level::NonBreaking),
            "potentially-breaking" => Some(Level::PotentiallyBreaking),
            "breaking" => Some(Level::Breaking),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which document a change's pointer points into: removed things only exist in the base,
/// everything else is shown where it now is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Base,
    Head,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Base => "base",
            Side::Head => "head",
        }
    }
}

/// An operation as HTTP clients see it (method and path) and as the crate names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Operation {
    /// Upper case, as in `GET`.
    pub method: String,
    /// The path template as written in the document the operation comes from.
    pub path: String,
    /// The generated method: progenitor's snake case of the operationId. `None` when the
    /// operation has no operationId (progenitor refuses those).
    pub rust_method: Option<String>,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(name) = &self.rust_method {
            write!(f, " ({name})")?;
        }
        Ok(())
    }
}

/// One difference between the two documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Stable kebab-case identifier; the catalogue is in the crate's README.
    pub id: String,
    /// What the change does to code calling the API over HTTP.
    pub wire: Level,
    /// What the change does to code using the generated crate.
    pub rust: Level,
    /// The operations the change affects; empty for document-wide changes (servers,
    /// security schemes). A change inside a shared component lists every operation that
    /// reaches it.
    pub operations: BTreeSet<Operation>,
    /// Which document `pointer` points into.
    pub side: Side,
    /// JSON pointer (RFC 6901) to the changed node, after following `$ref`s: a change in a
    /// component points into the component.
    pub pointer: String,
    /// One sentence for people, naming the property by its path from the body or parameter.
    pub message: String,
    /// The property path within the body or parameter (`connections[].published`, `[]` for
    /// array items, `{}` for map values), as the first operation listed reaches it; `None`
    /// for changes that are not inside a schema.
    pub path: Option<String>,
    /// Line and column of `pointer` in the source document, when it is written over several
    /// lines; the nearest enclosing node that could be found when the exact one was
    /// produced by normalization or written inline (`{a: 1}`).
    pub location: Option<Position>,
}

/// A place in a source document, both counted from 1; the column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Whom a change breaks at its level: the label reviewers read first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Both verdicts are at the change's level.
    Both,
    /// Only code using the generated crate (a renamed method, `T` becoming `Option<T>`).
    CrateOnly,
    /// Only HTTP clients; the Rust API is unchanged or less affected.
    WireOnly,
}

impl Scope {
    /// The name used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Both => "wire-and-crate",
            Scope::CrateOnly => "crate-only",
            Scope::WireOnly => "wire-only",
        }
    }
}

impl Change {
    /// The worst of the two verdicts: what `--fail-on` compares against.
    pub fn level(&self) -> Level {
        self.wire.max(self.rust)
    }

    /// Which of the two verdicts reaches the level.
    pub fn scope(&self) -> Scope {
        match self.wire.cmp(&self.rust) {
            std::cmp::Ordering::Equal => Scope::Both,
            std::cmp::Ordering::Less => Scope::CrateOnly,
            std::cmp::Ordering::Greater => Scope::WireOnly,
        }
    }
}

/// The version bump the generated crate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Semver {
    /// Nothing changed.
    None,
    Patch,
    Minor,
    Major,
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// Everything the comparison found, sorted for stable output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level() == level).count()
    }

    /// The worst level among the changes, if there are any.
    pub fn worst(&self) -> Option<Level> {
        self.changes.iter().map(Change::level).max()
    }

    /// Major when any change breaks code using the crate; minor when something may break it
    /// or the crate's API grows (a new method, field, variant or builder setter); patch when
    /// only the wire contract moved (constraints, servers, security) and the Rust API is the same.
    pub fn semver(&self) -> Semver {
        let mut bump = Semver::None;
        for change in &self.changes {
            let this = match change.rust {
                Level::Breaking => Semver::Major,
                Level::PotentiallyBreaking => Semver::Minor,
                Level::NonBreaking if grows_api(&change.id) => Semver::Minor,
                Level::NonBreaking => Semver::Patch,
            };
            bump = bump.max(this);
        }
        bump
    }
}

/// Changes that add public items to the crate without breaking anything that compiles today.
fn grows_api(id: &str) -> bool {
    matches!(id, "operation-added" | "request-parameter-added" | "request-body-added")
}
