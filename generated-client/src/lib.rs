//! Typed client for the [Smithery](https://smithery.ai) API: the registry, hosting and
//! Connect endpoints the official TypeScript SDK (`@smithery/api`) calls, on two hosts.
//!
//! Every operation is a method on [`Client`], grouped by resource in extension traits
//! ([`ClientServersExt`], [`ClientReleasesExt`], [`ClientConnectionsExt`], ...). Bring them
//! into scope with the [`prelude`].
//!
//! ```no_run
//! use smithery_registry::prelude::*;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let health = client.check_health().send().await?;
//! println!("{health:?}");
//! # Ok(())
//! # }
//! ```
//!
//! Operations go to one of two server groups ([`SERVERS`]): `api`
//! (`https://api.smithery.ai`) for the registry and hosting, `connect`
//! (`https://smithery.run`) for Connect; change either with
//! [`ClientBuilder::server_url`] or per call with [`Client::with_server_url`].
//!
//! The API as the registry documented it early in 2026 (registry.smithery.ai, nine
//! operations, its own retry policy) stays available as the module [`seed`] (cargo feature
//! `seed`, on by default).
//!
//! The code in `generated.rs` (and `seed/generated.rs`) is produced by `cargo xtask codegen`
//! from the OpenAPI documents in `spec/` and is never edited by hand; the other modules are
//! written by hand.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, clippy::unwrap_used)]
mod generated;

mod extras;
pub mod runtime;
#[cfg(feature = "seed")]
pub mod seed;

pub use generated::*;
pub use runtime::config::{
    BearerToken, BuildError, ClientBuilder, ClientConfig, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, TOKEN_ENV,
};
pub use runtime::{Error, ErrorBody, ErrorKind, Profile, RetryPolicy, ServerGroup, Sleeper};
