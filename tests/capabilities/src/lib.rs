//! The client generated from `capabilities.yaml`: a made-up API that uses every construct
//! the generator supports beyond the registry's document (two hosts, server variables, both
//! paging styles, error bodies with their message in different fields, binary downloads,
//! event streams). It is built with the same runtime as `smithery-registry`, included from
//! that crate's source, so the wire tests in `tests/tests/capabilities_*.rs` exercise exactly
//! what users of the real client get. Not published.

#![deny(missing_docs)]

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, clippy::unwrap_used)]
mod generated;

#[path = "../../../generated-client/src/runtime/mod.rs"]
pub mod runtime;

pub use generated::*;
pub use runtime::{Error, ErrorBody, RetryPolicy};
