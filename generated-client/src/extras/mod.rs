//! Hand-written additions for behaviour the spec cannot state: each client's profile
//! (environment variables, retry policy), typed deploy payload constructors and waiting for a
//! deployment to finish (seed API).

#[cfg(feature = "seed")]
pub mod deploy;
mod payload;
pub mod profile;
