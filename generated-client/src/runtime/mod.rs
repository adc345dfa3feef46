//! The runtime every operation shares: configuration, the hooks progenitor calls around a
//! request, the loop that retries attempts and turns failures into [`Error`].
//!
//! Nothing here names an operation or a type of one API: the generated code calls into this
//! module (see the generator's `extend::runtime`) and implements [`ApiClient`] for its
//! `Client`, so one runtime serves every generated module.

pub mod config;
pub mod download;
pub mod error;
pub mod paging;
pub mod retry;
pub mod sse;
pub mod streamed;

use std::cell::RefCell;
use std::future::Future;
use std::time::{Duration, Instant};

use progenitor_client::{OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;

use self::retry::{Jitter, Verdict};

pub use self::config::{BearerToken, BuildError, ClientBuilder, ClientConfig, Profile};
pub use self::error::{Error, ErrorBody, ErrorKind};
pub use self::retry::{RetryPolicy, Sleeper};
/// The stream traits an item stream, a download or an event stream is read with
/// (`.try_next()`, `.try_collect()`, `.next()`), which each generated `prelude` brings into
/// scope unnamed, so that a user needs no `futures-util` of their own.
pub use futures_util::{StreamExt, TryStreamExt};

tokio::task_local! {
    /// What the hooks note about the call in progress. One scope covers the whole call
    /// (all its attempts), so each poll of the call swaps one slot in and out.
    static CALL: RefCell<CallState>;
}

/// What the runtime learns about an attempt through progenitor's hooks, which it cannot
/// learn from progenitor's result.
struct CallState {
    /// Whether the operation streams its response (a download, an event stream): then the
    /// timeout covers the wait for the headers only, not the whole body.
    streaming: bool,
    /// The status of the response the current attempt received. progenitor's error for a
    /// body that fails to parse does not keep it, and the error should name it.
    status: Option<StatusCode>,
    /// The headers of a failed attempt's response: when its body does not parse,
    /// progenitor drops them, and the current retry rules read `x-should-retry` and the
    /// server's delay there.
    headers: reqwest::header::HeaderMap,
}

impl CallState {
    fn new(streaming: bool) -> RefCell<Self> {
        RefCell::new(Self {
            streaming,
            status: None,
            headers: reqwest::header::HeaderMap::new(),
        })
    }
}

/// One base URL group of an API: operations whose spec names other `servers` than the
/// document's are sent to their group's URL, which the caller can change per group
/// ([`ClientBuilder::server_url`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerGroup {
    /// The group's name (`x-server-group` on the spec's server, else derived from its host).
    pub name: &'static str,
    /// The URL the spec gives (server variables replaced by their defaults).
    pub url: &'static str,
}

/// What a generated `Client` gives the runtime. The generator implements it; callers never
/// need to.
pub trait ApiClient: Sized + Clone {
    /// The API's base URL groups; the first is the document's own (the default).
    const SERVERS: &'static [ServerGroup];

    /// The API's defaults the spec cannot state: its environment variables and retry
    /// policy.
    const PROFILE: &'static Profile;

    /// Assembles a client from its parts.
    fn from_parts(http: reqwest::Client, config: ClientConfig) -> Self;
}

/// Sets what every attempt carries (called from the generated `ClientHooks::pre`).
pub async fn pre<E>(
    config: &ClientConfig,
    request: &mut reqwest::Request,
    _info: &OperationInfo,
) -> Result<(), progenitor_client::Error<E>> {
    let headers = request.headers_mut();
    if let Some(authorization) = &config.authorization {
        headers.insert(AUTHORIZATION, authorization.clone());
    }
    headers.insert(USER_AGENT, config.user_agent.clone());
    // Default headers may replace the user agent, but never the token: that is set with
    // the builder's `bearer_token`, so it stays redacted.
    for (name, value) in &config.default_headers {
        if name != AUTHORIZATION {
            headers.insert(name.clone(), value.clone());
        }
    }
    // Operations without a response body get no Accept from progenitor; the reference
    // SDK sends `*/*` for them.
    headers.entry(ACCEPT).or_insert(HeaderValue::from_static("*/*"));
    let streaming = CALL.try_with(|call| call.borrow().streaming).unwrap_or(false);
    if let (Some(timeout), false) = (config.timeout, streaming) {
        *request.timeout_mut() = Some(timeout);
    }
    Ok(())
}

/// Sends one attempt (called from the generated `ClientHooks::exec`), noting its status for
/// the error report.
pub async fn exec(http: &reqwest::Client, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
    let result = http.execute(request).await;
    if let Ok(response) = &result {
        let _ = CALL.try_with(|call| {
            let mut call = call.borrow_mut();
            call.status = Some(response.status());
            if !response.status().is_success() {
                call.headers = response.headers().clone();
            }
        });
    }
    result
}

/// Reads a JSON response into a [`ResponseValue`] (called from the generated `send_once` in
/// place of progenitor's `ResponseValue::from_response`): the same result and errors, with
/// the response's headers moved into the value instead of copied.
pub async fn json_response<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response
        .bytes()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?;
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(e) => Err(progenitor_client::Error::InvalidResponsePayload(body, e)),
    }
}

/// Where in `body` parsing it as `T` fails: a JSON path such as `servers[3].useCount`, or
/// `.` for the whole body. The generated code passes `json_path::<T>` for typed responses.
pub fn json_path<T: DeserializeOwned>(body: &[u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => e.path().to_string(),
        Ok(_) => ".".to_owned(),
    }
}

/// For responses that are not parsed (byte streams, event streams): no path to report.
pub fn no_path(_body: &[u8]) -> String {
    ".".to_owned()
}

/// Runs `attempt` until it succeeds, fails for good, or the retry policy gives up.
///
/// `success_path` finds where a success body failed to parse ([`json_path`] or
/// [`no_path`]).
///
/// A plain function returning the call's future, not an `async fn`: each `async` layer
/// around a future copies it whole when it is built and pinned, and this one would add
/// nothing else.
pub fn send<T, E, F, Fut>(
    config: &ClientConfig,
    operation: &'static str,
    success_path: fn(&[u8]) -> String,
    attempt: F,
) -> impl Future<Output = Result<ResponseValue<T>, Error<E>>>
where
    E: DeserializeOwned,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    CALL.scope(
        CallState::new(false),
        send_attempts(config, operation, success_path, None, attempt),
    )
}

/// [`send`] for an operation whose response body is streamed to the caller (a download, an
/// event stream): the timeout covers each attempt until the response's headers arrive, and
/// the body may then take as long as it takes.
pub async fn send_streaming<T, E, F, Fut>(
    config: &ClientConfig,
    operation: &'static str,
    attempt: F,
) -> Result<ResponseValue<T>, Error<E>>
where
    E: DeserializeOwned,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    CALL.scope(
        CallState::new(true),
        send_attempts(config, operation, no_path, config.timeout, attempt),
    )
    .await
}

/// Why one attempt failed.
enum Failure<E> {
    Progenitor(progenitor_client::Error<E>),
    /// A streamed response's headers did not arrive within the limit.
    HeadersTimedOut(Duration),
}

/// The retry loop. `headers_limit` bounds each attempt as a whole (streamed responses,
/// whose `reqwest` timeout is off); `None` leaves the timeout to `reqwest`.
///
/// The attempt's future (the request, then the response being read: most of a call's
/// state) is created and awaited right here, with no wrapper around it: each layer that
/// wraps a future copies it whole when it is built and pinned.
async fn send_attempts<T, E, F, Fut>(
    config: &ClientConfig,
    operation: &'static str,
    success_path: fn(&[u8]) -> String,
    headers_limit: Option<Duration>,
    mut attempt: F,
) -> Result<ResponseValue<T>, Error<E>>
where
    E: DeserializeOwned,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    let policy = &config.retry;
    // Seeded at the first retry: a call that succeeds at once never reads the clock for it.
    let mut jitter: Option<Jitter> = None;
    // Time spent: attempts as measured, waits as scheduled (so an injected sleeper that
    // returns at once still exhausts the budget as a real one would).
    let mut spent = Duration::ZERO;
    let mut number: u32 = 0;
    loop {
        number += 1;
        let started = Instant::now();
        let result = match headers_limit {
            Some(limit) => match tokio::time::timeout(limit, attempt()).await {
                Ok(result) => result.map_err(Failure::Progenitor),
                Err(_) => Err(Failure::HeadersTimedOut(limit)),
            },
            None => attempt().await.map_err(Failure::Progenitor),
        };
        let (status, headers) = CALL.with(|call| {
            let mut call = call.borrow_mut();
            (call.status.take(), std::mem::take(&mut call.headers))
        });
        let error = match result {
            Ok(value) => {
                tracing::debug!(
                    operation,
                    attempt = number,
                    status = value.status().as_u16(),
                    "request succeeded"
                );
                return Ok(value);
            }
            Err(failure) => failure,
        };
        spent += started.elapsed();
        let verdict = if !policy.enabled {
            Verdict::Final
        } else {
            match &error {
                Failure::Progenitor(error) => verdict(error, status, &headers, policy),
                Failure::HeadersTimedOut(_) if policy.timeouts => Verdict::Retry { retry_after: None },
                Failure::HeadersTimedOut(_) => Verdict::Final,
            }
        };
        if let Verdict::Retry { retry_after } = verdict {
            if let (Some(requested), Some(cap)) = (retry_after, policy.max_server_wait)
                && requested > cap
            {
                tracing::warn!(
                    operation,
                    attempt = number,
                    status = status.map(|s| s.as_u16()),
                    requested_ms = requested.as_millis() as u64,
                    "the server asked to wait longer than the retry policy allows; giving up"
                );
                // Failure paths are boxed so that their futures do not enlarge every call's.
                let source = Box::pin(convert_failure(operation, success_path, error, status, headers, config)).await;
                return Err(Error::RateLimited {
                    operation,
                    attempts: number,
                    requested,
                    cap,
                    source: Box::new(source.after_attempts(number)),
                });
            }
            let delay = retry_after
                .unwrap_or_else(|| policy.jittered(number, jitter.get_or_insert_with(Jitter::seeded).next_unit()));
            let attempts_left = policy.max_attempts.is_none_or(|max| number < max);
            if attempts_left && spent.saturating_add(delay) <= policy.max_elapsed {
                tracing::info!(
                    operation,
                    attempt = number,
                    status = status.map(|s| s.as_u16()),
                    delay_ms = delay.as_millis() as u64,
                    "request failed; retrying"
                );
                (policy.sleeper)(delay).await;
                spent += delay;
                continue;
            }
            tracing::warn!(
                operation,
                attempt = number,
                status = status.map(|s| s.as_u16()),
                spent_ms = spent.as_millis() as u64,
                "request failed; retries exhausted"
            );
        } else {
            tracing::debug!(
                operation,
                attempt = number,
                status = status.map(|s| s.as_u16()),
                "request failed"
            );
        }
        let error = Box::pin(convert_failure(operation, success_path, error, status, headers, config)).await;
        return Err(error.after_attempts(number));
    }
}

async fn convert_failure<E: DeserializeOwned>(
    operation: &'static str,
    success_path: fn(&[u8]) -> String,
    failure: Failure<E>,
    status: Option<StatusCode>,
    headers: reqwest::header::HeaderMap,
    config: &ClientConfig,
) -> Error<E> {
    match failure {
        // An error status whose body is not the declared error type (empty, an HTML page
        // from a proxy): for a profile that asks for it, the status error with the raw body
        // and the headers, rather than a schema mismatch.
        Failure::Progenitor(progenitor_client::Error::InvalidResponsePayload(body, _))
            if config.untyped_error_bodies && status.is_some_and(|s| !s.is_success()) =>
        {
            Error::Status {
                operation,
                attempts: 1,
                status: status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                headers,
                body,
            }
        }
        Failure::Progenitor(error) => convert(operation, success_path, error, status, config.timeout).await,
        Failure::HeadersTimedOut(limit) => Error::Timeout {
            operation,
            attempts: 1,
            status: None,
            limit: Some(limit),
            source: None,
        },
    }
}

fn verdict<E>(
    error: &progenitor_client::Error<E>,
    status: Option<StatusCode>,
    headers: &reqwest::header::HeaderMap,
    policy: &RetryPolicy,
) -> Verdict {
    use progenitor_client::Error as P;
    let rules = policy.rules;
    match error {
        P::ErrorResponse(value) => retry::for_status_under(rules, value.status(), value.headers()),
        P::UnexpectedResponse(response) => retry::for_status_under(rules, response.status(), response.headers()),
        // A 5XX whose body is not the documented error (an HTML page from a proxy, say) is
        // still a 5XX. The seed rules never read its headers (progenitor drops them); the
        // current ones read them as noted by `exec`.
        P::InvalidResponsePayload(..) | P::ResponseBodyError(_) => match (status, rules) {
            (Some(status), retry::Rules::Seed) => retry::for_status(status, &reqwest::header::HeaderMap::new()),
            (Some(status), rules) => retry::for_status_under(rules, status, headers),
            (None, _) => Verdict::Final,
        },
        P::CommunicationError(e) if policy.connection_errors && e.is_connect() => Verdict::Retry { retry_after: None },
        P::CommunicationError(e) if policy.timeouts && e.is_timeout() => Verdict::Retry { retry_after: None },
        _ => Verdict::Final,
    }
}

async fn convert<E: DeserializeOwned>(
    operation: &'static str,
    success_path: fn(&[u8]) -> String,
    error: progenitor_client::Error<E>,
    status: Option<StatusCode>,
    limit: Option<Duration>,
) -> Error<E> {
    use progenitor_client::Error as P;
    match error {
        P::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            Error::Documented {
                operation,
                attempts: 1,
                status,
                headers,
                body: value.into_inner(),
            }
        }
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(body) => Error::Status {
                    operation,
                    attempts: 1,
                    status,
                    headers,
                    body,
                },
                Err(source) => transport(operation, Some(status), source, limit),
            }
        }
        P::InvalidResponsePayload(body, source) => {
            let status = status.unwrap_or(StatusCode::OK);
            // Parse again to learn where it failed: into the success type for a success
            // status, into the error body otherwise.
            let path = if status.is_success() {
                success_path(&body)
            } else {
                json_path::<E>(&body)
            };
            Error::InvalidResponse {
                operation,
                attempts: 1,
                status,
                body,
                path,
                source,
            }
        }
        P::CommunicationError(source) if source.is_connect() => Error::Connection {
            operation,
            attempts: 1,
            source,
        },
        P::CommunicationError(source) | P::ResponseBodyError(source) | P::InvalidUpgrade(source) => {
            transport(operation, status, source, limit)
        }
        P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest { operation, message },
    }
}

fn transport<E>(
    operation: &'static str,
    status: Option<StatusCode>,
    source: reqwest::Error,
    limit: Option<Duration>,
) -> Error<E> {
    if source.is_timeout() {
        Error::Timeout {
            operation,
            attempts: 1,
            status,
            limit,
            source: Some(source),
        }
    } else if source.is_connect() {
        Error::Connection {
            operation,
            attempts: 1,
            source,
        }
    } else {
        Error::Transport {
            operation,
            attempts: 1,
            status,
            source,
        }
    }
}
