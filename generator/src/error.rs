//! The one error type of the pipeline: what went wrong, and where in which document.

use std::fmt;

/// A place in an input document: the document's name and a JSON pointer into it
/// (RFC 6901), plus the line and column when the parser knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The document's name as the user gave it (a path, usually).
    pub document: String,
    /// JSON pointer to the offending node; empty for the whole document.
    pub pointer: String,
    /// 1-based line and column, for syntax errors.
    pub line_col: Option<(usize, usize)>,
}

impl Location {
    pub fn new(document: &str, pointer: impl Into<String>) -> Self {
        Self {
            document: document.to_owned(),
            pointer: pointer.into(),
            line_col: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.document)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, "#{}", self.pointer)?;
        }
        Ok(())
    }
}

/// Which stage refused the input. Callers match on it to pick an exit code or a message;
/// the text is in [`Error::reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading bytes and parsing YAML or JSON.
    Load,
    /// Applying the overlay.
    Overlay,
    /// Rewriting OpenAPI 3.1 into the 3.0 form progenitor reads.
    Normalize,
    /// Checking the document before generation.
    Validate,
    /// progenitor, or our own code generation on top of it.
    Generate,
    /// Formatting the generated tokens.
    Render,
    /// Writing files.
    Write,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Load => "load",
            Stage::Overlay => "overlay",
            Stage::Normalize => "normalize",
            Stage::Validate => "validate",
            Stage::Generate => "generate",
            Stage::Render => "render",
            Stage::Write => "write",
        })
    }
}

/// An input the pipeline cannot turn into a client. Its `Display` is one line:
/// `LOCATION: REASON`, so editors and CI logs can jump to the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub stage: Stage,
    pub location: Option<Location>,
    pub reason: String,
    /// Further nodes found failing the same run, each with its reason: a search for what
    /// progenitor fails on finds them all at once, so the degradation ladder
    /// (`crate::degrade`) can give each up in one step. Boxed: errors travel in every
    /// `Result` of the pipeline, and most have none.
    pub also: Box<Vec<(Location, String)>>,
}

impl Error {
    pub fn new(stage: Stage, location: Option<Location>, reason: impl Into<String>) -> Self {
        Self {
            stage,
            location,
            reason: reason.into(),
            also: Box::default(),
        }
    }

    /// One error for several independent failures of one pass (each operation's, say): the
    /// first, with the others as [`Error::also`], so that the degradation ladder gives up
    /// every failing node in one step rather than one run of the pipeline each.
    pub fn merge(errors: Vec<Error>) -> Option<Error> {
        let mut errors = errors.into_iter();
        let mut first = errors.next()?;
        for error in errors {
            if let Some(location) = error.location {
                first.also.push((location, error.reason));
            }
            first.also.extend(*error.also);
        }
        Some(first)
    }

    pub fn at(stage: Stage, document: &str, pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(stage, Some(Location::new(document, pointer)), reason)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        // Reasons that come from libraries may span lines; a one-line error is easier to grep.
        let mut lines = self.reason.lines();
        if let Some(first) = lines.next() {
            f.write_str(first)?;
        }
        for line in lines {
            write!(f, " {}", line.trim())?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
