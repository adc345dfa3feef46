//! Spec diffing: what a change to an OpenAPI description breaks, for HTTP clients and for
//! the Rust crate this project generates from it.
//!
//! ```text
//! input ─ load (file or git revision, YAML or JSON, 3.0 or 3.1, overlay) ─▶ OpenAPI 3.0 tree
//!       ─ compare (operations, parameters, bodies, responses, schemas, security) ─▶ Report
//!       ─ report (text, markdown, json)
//! ```
//!
//! Both sides go through the generator's own loading, overlay and normalization, so the diff
//! sees what the generator sees. The change catalogue, the levels and the JSON schema are in
//! the crate's README.

pub mod change;
mod compare;
pub mod input;
pub mod locate;
pub mod migration;
pub mod report;
pub mod resolve;

pub use change::{Change, Level, Operation, Position, Report, Scope, Semver, Side};
pub use compare::{diff, diff_originals};
pub use input::{Input, load};
