//! Sends each operation: the hooks progenitor calls around a request, and the loop that
//! retries attempts and turns failures into [`Error`]. The generated code calls into this
//! module (see the generator's `extend::runtime`).

use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;

use crate::Client;
use crate::retry::{self, Jitter, Verdict};

pub use crate::config::ClientConfig;
pub use crate::error::Error;

tokio::task_local! {
    /// The status of the response the current attempt received. progenitor's error for a
    /// body that fails to parse does not keep it, and the error should name it.
    static STATUS: Cell<Option<StatusCode>>;
}

impl ClientHooks<ClientConfig> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let config = self.inner();
        let headers = request.headers_mut();
        if let Some(authorization) = &config.authorization {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        headers.insert(USER_AGENT, config.user_agent.clone());
        // Operations without a response body get no Accept from progenitor; the reference
        // SDK sends `*/*` for them.
        headers.entry(ACCEPT).or_insert(HeaderValue::from_static("*/*"));
        if let Some(timeout) = config.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, _info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let result = self.client().execute(request).await;
        if let Ok(response) = &result {
            let _ = STATUS.try_with(|status| status.set(Some(response.status())));
        }
        result
    }
}

/// Runs `attempt` until it succeeds, fails for good, or the retry policy gives up.
pub async fn send<T, E, F, Fut>(
    client: &Client,
    operation: &'static str,
    mut attempt: F,
) -> Result<ResponseValue<T>, Error<E>>
where
    T: DeserializeOwned,
    E: DeserializeOwned,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    let policy = &client.inner().retry;
    let mut jitter = Jitter::seeded();
    // Time spent: attempts as measured, waits as scheduled (so an injected sleeper that
    // returns at once still exhausts the budget as a real one would).
    let mut spent = Duration::ZERO;
    let mut number: u32 = 0;
    loop {
        number += 1;
        let started = Instant::now();
        let (result, status) = STATUS
            .scope(Cell::new(None), async {
                let result = attempt().await;
                (result, STATUS.with(Cell::get))
            })
            .await;
        spent += started.elapsed();
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
            Err(error) => error,
        };
        let verdict = if policy.enabled {
            verdict(&error, status, policy.connection_errors)
        } else {
            Verdict::Final
        };
        if let Verdict::Retry { retry_after } = verdict {
            let delay = retry_after.unwrap_or_else(|| policy.jittered(number, jitter.next_unit()));
            let attempts_left = policy.max_attempts.is_none_or(|max| number < max);
            if attempts_left && spent + delay <= policy.max_elapsed {
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
        return Err(convert::<T, E>(operation, error, status).await);
    }
}

fn verdict<E>(error: &progenitor_client::Error<E>, status: Option<StatusCode>, connection_errors: bool) -> Verdict {
    use progenitor_client::Error as P;
    match error {
        P::ErrorResponse(value) => retry::for_status(value.status(), value.headers()),
        P::UnexpectedResponse(response) => retry::for_status(response.status(), response.headers()),
        // A 5XX whose body is not the documented error (an HTML page from a proxy, say) is
        // still a 5XX; its headers are gone, so no Retry-After.
        P::InvalidResponsePayload(..) | P::ResponseBodyError(_) => match status {
            Some(status) => retry::for_status(status, &reqwest::header::HeaderMap::new()),
            None => Verdict::Final,
        },
        P::CommunicationError(e) if connection_errors && e.is_connect() => Verdict::Retry { retry_after: None },
        _ => Verdict::Final,
    }
}

async fn convert<T: DeserializeOwned, E: DeserializeOwned>(
    operation: &'static str,
    error: progenitor_client::Error<E>,
    status: Option<StatusCode>,
) -> Error<E> {
    use progenitor_client::Error as P;
    match error {
        P::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            Error::Documented {
                operation,
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
                    status,
                    headers,
                    body,
                },
                Err(source) => transport(operation, Some(status), source),
            }
        }
        P::InvalidResponsePayload(body, source) => {
            let status = status.unwrap_or(StatusCode::OK);
            // Parse again to learn where it failed: into the success type for a success
            // status, into the error body otherwise.
            let path = if status.is_success() {
                mismatch_path::<T>(&body)
            } else {
                mismatch_path::<E>(&body)
            };
            Error::InvalidResponse {
                operation,
                status,
                body,
                path,
                source,
            }
        }
        P::CommunicationError(source) if source.is_connect() => Error::Connection { operation, source },
        P::CommunicationError(source) | P::ResponseBodyError(source) | P::InvalidUpgrade(source) => {
            transport(operation, status, source)
        }
        P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest { operation, message },
    }
}

fn transport<E>(operation: &'static str, status: Option<StatusCode>, source: reqwest::Error) -> Error<E> {
    if source.is_timeout() {
        Error::Timeout {
            operation,
            status,
            source,
        }
    } else if source.is_connect() {
        Error::Connection { operation, source }
    } else {
        Error::Transport {
            operation,
            status,
            source,
        }
    }
}

fn mismatch_path<T: DeserializeOwned>(body: &[u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => e.path().to_string(),
        Ok(_) => ".".to_owned(),
    }
}

pub mod download;
pub mod sse;
