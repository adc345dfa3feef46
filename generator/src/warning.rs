//! Things the pipeline changed or dropped on the way and the user should know about.

use std::fmt;

/// A construct the pipeline handled in a way the user may not expect, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// JSON pointer into the (overlaid) spec.
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}
