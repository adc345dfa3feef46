//! Typed client for the [Smithery Registry](https://smithery.ai) API.
//!
//! Every operation of the registry is a method on [`Client`], grouped the way the reference
//! SDK groups them: [`ClientServersExt`] (servers and their deployments),
//! [`ClientServiceExt`] (the health check) and [`ClientUplinkExt`] (uplink tokens). Bring
//! them into scope with the [`prelude`].
//!
//! ```no_run
//! use smithery_registry::prelude::*;
//!
//! # async fn run() -> Result<(), smithery_registry::Error<smithery_registry::types::RegistryError>> {
//! let client = Client::new("https://registry.smithery.ai");
//! let page = client.list().q("owner:smithery is:verified").page_size(20).send().await?;
//! for server in &page.servers {
//!     println!("{} ({} uses)", server.qualified_name, server.use_count);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The code in `generated.rs` is produced by `cargo xtask codegen` from the registry's
//! OpenAPI document and is never edited by hand; what is written by hand lives in the other
//! modules of this crate.

#![forbid(unsafe_code)]

#[allow(clippy::all, clippy::pedantic, clippy::unwrap_used, missing_docs, rustdoc::all)]
#[rustfmt::skip]
mod generated;

pub use generated::*;
