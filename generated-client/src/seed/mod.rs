//! The Smithery Registry API as its reference SDK documented it in January 2026: nine
//! operations on `https://registry.smithery.ai`, per-operation typed errors, and that SDK's
//! retry policy. Kept unchanged for code written against it; new code should use the
//! crate's root, the current API.
//!
//! Every operation of the registry is a method on [`Client`], grouped the way the reference
//! SDK groups them: [`ClientServersExt`] (servers and their deployments),
//! [`ClientServiceExt`] (the health check) and [`ClientUplinkExt`] (uplink tokens). Bring
//! them into scope with the [`prelude`].
//!
//! ```no_run
//! use smithery_registry::seed::prelude::*;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // SMITHERY_BEARER_AUTH
//! let page = client.list().q("owner:smithery is:verified").page_size(20).send().await?;
//! for server in &page.servers {
//!     println!("{} ({} uses)", server.qualified_name, server.use_count);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Around every call the client:
//! - authenticates with the bearer token, which never appears in `Debug` output, errors or
//!   logs, and is dropped on a redirect to another host;
//! - retries 5XX and 429 responses and failed connections with exponential backoff and
//!   jitter, honouring `Retry-After` ([`RetryPolicy`]; per call with [`Client::with_retry`]);
//! - applies a timeout per attempt ([`ClientBuilder::timeout`], [`Client::with_timeout`]);
//! - percent-encodes path parameters (`acme/weather` travels as `acme%2Fweather`) and refuses
//!   values that would change the path (`..`, empty);
//! - returns an [`Error`] that names the operation and the status, with the operation's
//!   typed error body for its documented error statuses;
//! - logs each attempt with [`tracing`](https://docs.rs/tracing) (operation, attempt,
//!   status, delay).
//!
//! Responses with fields or enum values this version does not know still deserialize:
//! string enums have an `Unknown(String)` variant and `oneOf` types an `Unknown(Value)` one.

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, clippy::unwrap_used)]
mod generated;

pub use crate::extras::deploy::{DeploymentStatus, WaitError, WaitOptions};
pub use crate::runtime::config::{
    BearerToken, BuildError, ClientBuilder, ClientConfig, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, TOKEN_ENV,
};
pub use crate::runtime::{Error, ErrorBody, ErrorKind, RetryPolicy, ServerGroup, Sleeper};
pub use generated::*;
