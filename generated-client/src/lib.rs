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
//! Beyond one call per endpoint: the paged lists have `into_stream()` (every item, one page
//! in memory), binary answers are a [`runtime::download::Download`] to save to a file, the
//! release event stream is a typed [`runtime::sse::EventStream`], and
//! [`Client::wait_for_release`] waits for a release to finish.
//!
//! The API as the registry documented it early in 2026 (registry.smithery.ai, nine
//! operations, its own retry policy) stays available as the module [`seed`] (cargo feature
//! `seed`, on by default).
//!
//! # TLS backend
//!
//! Cargo features choose how HTTPS is done, with the choices reqwest 0.13 offers; the
//! default is `rustls-ring`. To use another, turn the defaults off and name one:
//! `smithery-registry = { version = "0.1", default-features = false, features = ["seed", "native-tls"] }`.
//!
//! | feature | TLS | what the build needs |
//! |---|---|---|
//! | `rustls-ring` (default) | rustls with the ring crypto provider | a C compiler (`cc`) for ring's small core |
//! | `rustls` | rustls with aws-lc-rs, reqwest's own default | a C compiler (CMake or NASM on some targets); builds the whole AWS-LC C library |
//! | `rustls-no-provider` | rustls with the provider your program installs | nothing; install a provider before building a client |
//! | `native-tls`, `native-tls-no-alpn` | the platform's: SChannel, Security.framework, OpenSSL | OpenSSL headers and `pkg-config` on Linux |
//! | `native-tls-vendored`, `native-tls-vendored-no-alpn` | OpenSSL built from source, linked statically | a C compiler, `perl` and `make` |
//!
//! Why `rustls-ring`: it is the build that asks least of the system (a C compiler for ring's
//! small core; no OpenSSL to find, no CMake or NASM), the same on every target ring supports,
//! and it compiles far less C than aws-lc-rs. The repository's README has the clean build
//! times of both against reqwest used by hand (on two cores the crate's own code, not the TLS
//! library, is the longest part of the build). The catch is
//! reqwest's: with this backend, reqwest takes the process-wide rustls crypto provider, and
//! building any `reqwest::Client` panics while none is installed (unless some crate of the
//! program enables reqwest's own `rustls` feature, whose aws-lc-rs is then the fallback).
//! This crate's client installs ring when it builds its HTTP client, unless the program
//! installed a provider before. A program that builds reqwest clients of its own earlier
//! (one for [`ClientBuilder::http_client`], say) calls [`install_tls_provider`] at start.
//! With no backend at all only `http://` URLs work.
//!
//! ```
//! // Builds the HTTPS client (nothing is sent). With `rustls-no-provider` and no provider
//! // installed, reqwest would panic here; the default backend installs ring first.
//! let client = smithery_registry::Client::builder().bearer_token("my-key").build()?;
//! # let _ = client;
//! # Ok::<(), smithery_registry::BuildError>(())
//! ```
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

/// The date-time crate of the generated types (`chrono::DateTime<chrono::Utc>` for
/// `date-time` fields and parameters), re-exported so callers build those values with the
/// version the crate was compiled against: `smithery_registry::chrono::Utc::now()`.
pub use chrono;
pub use extras::release::{ReleaseState, ReleaseWaitError, ReleaseWaitOptions};
pub use generated::*;
pub use runtime::config::{
    BearerToken, BuildError, ClientBuilder, ClientConfig, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, install_tls_provider,
};

/// The environment variable [`Client::from_env`] reads the API key from:
/// `SMITHERY_API_KEY`, as the official SDK does. (The seed-era client's is
/// `smithery_registry::seed::TOKEN_ENV`, `SMITHERY_BEARER_AUTH`.)
pub const TOKEN_ENV: &str = extras::profile::CURRENT.token_env;
pub use runtime::{Error, ErrorBody, ErrorKind, Profile, RetryPolicy, ServerGroup, Sleeper};
