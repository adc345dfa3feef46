//! Each generated client's defaults that no OpenAPI document states: which environment
//! variables configure it and how it retries.

use crate::runtime::RetryPolicy;
use crate::runtime::config::Profile;

/// The current API, configured as the official TypeScript SDK (`@smithery/api`) is: the key
/// from `SMITHERY_API_KEY`, the `api` and `connect` base URLs from `SMITHERY_BASE_URL` and
/// `SMITHERY_CONNECT_BASE_URL`, extra headers from `SMITHERY_CUSTOM_HEADERS` (one
/// `Name: value` per line), that SDK's retry rules ([`RetryPolicy::current_sdk`]), and error
/// bodies kept raw when they are not the declared error JSON.
pub const CURRENT: Profile = Profile {
    token_env: "SMITHERY_API_KEY",
    server_env: &[("api", "SMITHERY_BASE_URL"), ("connect", "SMITHERY_CONNECT_BASE_URL")],
    headers_env: Some("SMITHERY_CUSTOM_HEADERS"),
    retry: RetryPolicy::current_sdk,
    // The SDK reads any error body as JSON or text; an HTML page from a proxy is an API
    // error with that body, not a schema mismatch.
    untyped_error_bodies: true,
};

/// The seed-era registry API, configured as its January 2026 reference SDK was: the token
/// from `SMITHERY_BEARER_AUTH` and [`RetryPolicy::default`].
#[cfg(feature = "seed")]
pub const SEED: Profile = Profile {
    token_env: crate::runtime::config::TOKEN_ENV,
    server_env: &[],
    headers_env: None,
    retry: RetryPolicy::default,
    untyped_error_bodies: false,
};
