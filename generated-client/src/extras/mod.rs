//! Hand-written additions for behaviour the spec cannot state: each client's profile
//! (environment variables, retry policy), waiting for a release to finish (current API),
//! and typed deploy payload constructors and waiting for a deployment (seed API).

#[cfg(feature = "seed")]
pub mod deploy;
mod payload;
pub mod profile;
pub mod release;
