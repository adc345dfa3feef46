//! The errors an operation can return.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Why an operation failed. `E` is the operation's documented error body (a generated type
/// such as `types::RegistryError`; `()` for operations whose errors have no body schema).
///
/// Every variant names the operation, and [`Error::status`] gives the HTTP status when a
/// response arrived. The `Display` form is one line: `OPERATION: HTTP STATUS: what happened`.
///
/// The `Debug` form shows every field but two kinds of secret a response may carry: the body
/// of a response that did not match its schema ([`Error::InvalidResponse`], often a success
/// body, such as a minted token's) is shown as its length, and the values of cookie and
/// authorization headers as `<redacted>`. The fields themselves keep everything.
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The server answered with one of the operation's documented error statuses, and its
    /// body parsed as the operation's error type.
    Documented {
        /// The operation's Rust name (`list_servers`), as in `Display`.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The response's status.
        status: StatusCode,
        /// The response's headers.
        headers: HeaderMap,
        /// The error body, parsed as the operation declares it for this status.
        body: E,
    },
    /// The server answered with a status the operation does not document (or documents
    /// without a body schema): the generic API error, with the raw body. For a client whose
    /// profile keeps untyped error bodies (the current API's), also a documented error
    /// status whose body is not the declared JSON (empty, an HTML page from a proxy); other
    /// clients report that as [`Error::InvalidResponse`].
    Status {
        /// The operation's Rust name (`list_servers`), as in `Display`.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The response's status.
        status: StatusCode,
        /// The response's headers.
        headers: HeaderMap,
        /// The response's body, unread and unparsed (it may be empty, or not JSON).
        body: bytes::Bytes,
    },
    /// No connection could be made (refused, DNS, TLS): nothing reached the server.
    Connection {
        /// The operation's Rust name (`list_servers`), as in `Display`.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The HTTP library's error.
        source: reqwest::Error,
    },
    /// The request or the response body took longer than the configured timeout (`limit`;
    /// for streamed responses the limit covers the wait for the response's headers only).
    Timeout {
        /// The operation's Rust name (`list_servers`), as in `Display`.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The response's status, when the headers arrived before the body timed out.
        status: Option<StatusCode>,
        /// The time limit that ran out, when known.
        limit: Option<std::time::Duration>,
        /// The HTTP library's error, when it was the one to time out.
        source: Option<reqwest::Error>,
    },
    /// The response did not match the schema: `path` is where in the body parsing failed
    /// (a JSON path such as `servers[3].useCount`; `.` for the whole body).
    InvalidResponse {
        /// The operation's Rust name (`list_servers`), as in `Display`.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The response's status.
        status: StatusCode,
        /// The body as received.
        body: bytes::Bytes,
        /// Where in the body parsing failed (`servers[3].useCount`; `.` for the whole body).
        path: String,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// The request was not sent: a required parameter is missing or a value is invalid.
    InvalidRequest {
        /// The operation's Rust name (`list_servers`), as in `Display`.
        operation: &'static str,
        /// What is missing or invalid.
        message: String,
    },
    /// The server asked to wait (`retry-after-ms`, `Retry-After`) longer than the retry
    /// policy's `max_server_wait`: the call failed at once instead of sleeping. `source` is
    /// the response's error as it would have been reported otherwise.
    RateLimited {
        /// The operation's Rust name (`list_servers`), as in `Display`.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The delay the server asked for.
        requested: std::time::Duration,
        /// The longest delay the policy waits.
        cap: std::time::Duration,
        /// The error the response would have been reported as.
        source: Box<Error<E>>,
    },
    /// The connection failed after it was made (reset, closed mid-body).
    Transport {
        /// The operation's Rust name (`list_servers`), as in `Display`.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The response's status, when the failure came after the headers.
        status: Option<StatusCode>,
        /// The HTTP library's error.
        source: reqwest::Error,
    },
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Documented {
                operation,
                attempts,
                status,
                headers,
                body,
            } => response_fields(f, "Documented", operation, *attempts, status, headers, body),
            Error::Status {
                operation,
                attempts,
                status,
                headers,
                body,
            } => response_fields(f, "Status", operation, *attempts, status, headers, body),
            Error::Connection {
                operation,
                attempts,
                source,
            } => f
                .debug_struct("Connection")
                .field("operation", operation)
                .field("attempts", attempts)
                .field("source", source)
                .finish(),
            Error::Timeout {
                operation,
                attempts,
                status,
                limit,
                source,
            } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("attempts", attempts)
                .field("status", status)
                .field("limit", limit)
                .field("source", source)
                .finish(),
            Error::InvalidResponse {
                operation,
                attempts,
                status,
                body,
                path,
                source,
            } => f
                .debug_struct("InvalidResponse")
                .field("operation", operation)
                .field("attempts", attempts)
                .field("status", status)
                .field("body", &format_args!("<{} bytes>", body.len()))
                .field("path", path)
                .field("source", source)
                .finish(),
            Error::InvalidRequest { operation, message } => f
                .debug_struct("InvalidRequest")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Error::RateLimited {
                operation,
                attempts,
                requested,
                cap,
                source,
            } => f
                .debug_struct("RateLimited")
                .field("operation", operation)
                .field("attempts", attempts)
                .field("requested", requested)
                .field("cap", cap)
                .field("source", source)
                .finish(),
            Error::Transport {
                operation,
                attempts,
                status,
                source,
            } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("attempts", attempts)
                .field("status", status)
                .field("source", source)
                .finish(),
        }
    }
}

/// The `Debug` form of the two variants that carry a whole error response.
fn response_fields(
    f: &mut fmt::Formatter<'_>,
    variant: &str,
    operation: &str,
    attempts: u32,
    status: &StatusCode,
    headers: &HeaderMap,
    body: &dyn fmt::Debug,
) -> fmt::Result {
    f.debug_struct(variant)
        .field("operation", &operation)
        .field("attempts", &attempts)
        .field("status", status)
        .field("headers", &RedactedHeaders(headers))
        .field("body", body)
        .finish()
}

/// A response's headers for `Debug`, with the values of those that carry credentials
/// (cookies, authorization, and any marked sensitive) replaced by `<redacted>`.
struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use reqwest::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            let secret =
                value.is_sensitive() || [&SET_COOKIE, &COOKIE, &AUTHORIZATION, &PROXY_AUTHORIZATION].contains(&name);
            if secret {
                map.entry(name, &format_args!("<redacted>"));
            } else {
                map.entry(name, value);
            }
        }
        map.finish()
    }
}

/// What kind of failure an [`Error`] is, from its HTTP status (the official SDK's error
/// classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400.
    BadRequest,
    /// 401.
    Unauthenticated,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 422.
    Unprocessable,
    /// 429, or a server-requested wait longer than the policy allows.
    RateLimited,
    /// 500 and up.
    ServerError,
    /// No connection could be made, or it broke before a response ([`Error::Connection`]):
    /// the official SDK's connection error.
    Connection,
    /// An attempt ran out of time before the response's headers ([`Error::Timeout`]): the
    /// official SDK's timeout error.
    Timeout,
    /// A success status whose body does not match the schema ([`Error::InvalidResponse`]
    /// with a 2xx status; an error status whose body does not match keeps its status' kind).
    InvalidResponse,
    /// Any other status, a request refused before sending, or another transport failure.
    Other,
}

impl ErrorKind {
    /// The kind of a response status.
    pub fn of(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::RateLimited,
            code if code >= 500 => ErrorKind::ServerError,
            _ => ErrorKind::Other,
        }
    }
}

impl<E> Error<E> {
    /// What kind of failure this is: from the response's status, or, without a usable
    /// response, connection, timeout or a body that does not match the schema.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::Connection { .. } => ErrorKind::Connection,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::InvalidResponse { status, .. } if status.is_success() => ErrorKind::InvalidResponse,
            Error::Documented { status, .. } | Error::Status { status, .. } | Error::InvalidResponse { status, .. } => {
                ErrorKind::of(*status)
            }
            _ => ErrorKind::Other,
        }
    }

    /// For [`Error::InvalidResponse`], the body around where it stopped matching the schema:
    /// up to 40 characters either side of the position the parser reports, on one line, so
    /// that a log line can show what arrived without dumping the whole body. `None` for
    /// other errors or when the parser gives no position.
    ///
    /// Not part of `Display`: a response body can carry a secret (a created token), so
    /// showing it is the caller's choice.
    pub fn snippet(&self) -> Option<String> {
        let Error::InvalidResponse { body, source, .. } = self else {
            return None;
        };
        let line = body.split(|b| *b == b'\n').nth(source.line().checked_sub(1)?)?;
        let at = source.column().saturating_sub(1).min(line.len());
        let start = at.saturating_sub(40);
        let end = (at + 40).min(line.len());
        Some(String::from_utf8_lossy(&line[start..end]).trim().to_owned())
    }

    /// How many times the request was sent (0 when it was refused before sending).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Documented { attempts, .. }
            | Error::Status { attempts, .. }
            | Error::Connection { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::InvalidResponse { attempts, .. }
            | Error::RateLimited { attempts, .. }
            | Error::Transport { attempts, .. } => *attempts,
            Error::InvalidRequest { .. } => 0,
        }
    }

    /// The same error, saying it came after `count` attempts.
    pub(crate) fn after_attempts(mut self, count: u32) -> Self {
        match &mut self {
            Error::Documented { attempts, .. }
            | Error::Status { attempts, .. }
            | Error::Connection { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::InvalidResponse { attempts, .. }
            | Error::RateLimited { attempts, .. }
            | Error::Transport { attempts, .. } => *attempts = count,
            Error::InvalidRequest { .. } => {}
        }
        self
    }

    /// The operation that failed (its Rust method name, such as `get_by_qualified_name`).
    pub fn operation(&self) -> &'static str {
        match self {
            Error::RateLimited { operation, .. } => operation,
            Error::Documented { operation, .. }
            | Error::Status { operation, .. }
            | Error::Connection { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::InvalidResponse { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::Transport { operation, .. } => operation,
        }
    }

    /// The HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Documented { status, .. } | Error::Status { status, .. } | Error::InvalidResponse { status, .. } => {
                Some(*status)
            }
            Error::Timeout { status, .. } | Error::Transport { status, .. } => *status,
            Error::RateLimited { source, .. } => source.status(),
            Error::Connection { .. } | Error::InvalidRequest { .. } => None,
        }
    }

    /// The response headers, when a response arrived and was kept.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Documented { headers, .. } | Error::Status { headers, .. } => Some(headers),
            Error::RateLimited { source, .. } => source.headers(),
            _ => None,
        }
    }

    /// The documented error body, for [`Error::Documented`].
    pub fn body(&self) -> Option<&E> {
        match self {
            Error::Documented { body, .. } => Some(body),
            Error::RateLimited { source, .. } => source.body(),
            _ => None,
        }
    }

    /// The raw response body, when the error kept it.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Status { body, .. } | Error::InvalidResponse { body, .. } => Some(body),
            Error::RateLimited { source, .. } => source.raw_body(),
            _ => None,
        }
    }
}

/// A documented error body that carries a human-readable message. The generator implements
/// it for every error body the spec declares, from the body's schema.
pub trait ErrorBody {
    /// The server's message (the body's `error` field).
    fn message(&self) -> Option<&str>;
}

impl ErrorBody for () {
    fn message(&self) -> Option<&str> {
        None
    }
}

/// Bodies are shown up to this many characters in `Display`: enough to read a message,
/// not a whole HTML error page.
const BODY_PREVIEW: usize = 200;

impl<E: ErrorBody> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_failure(f)?;
        match self.attempts() {
            0 | 1 => Ok(()),
            n => write!(f, " (after {n} attempts)"),
        }
    }
}

impl<E: ErrorBody> Error<E> {
    /// The one-line message without the attempt count.
    fn fmt_failure(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::RateLimited {
                requested, cap, source, ..
            } => {
                source.fmt_failure(f)?;
                write!(
                    f,
                    ": the server asked to wait {requested:?}, longer than the {cap:?} the retry policy allows"
                )
            }
            Error::Documented {
                operation,
                status,
                body,
                ..
            } => {
                write!(f, "{operation}: HTTP {status}")?;
                match body.message() {
                    Some(message) => write!(f, ": {message}"),
                    None => Ok(()),
                }
            }
            Error::Status {
                operation,
                status,
                body,
                ..
            } => {
                write!(f, "{operation}: HTTP {status}")?;
                let text = String::from_utf8_lossy(body);
                let text = text.trim();
                if !text.is_empty() {
                    let preview: String = text.chars().take(BODY_PREVIEW).collect();
                    let more = if text.chars().count() > BODY_PREVIEW { "..." } else { "" };
                    write!(f, ": {}{more}", preview.replace(['\n', '\r'], " "))?;
                }
                Ok(())
            }
            Error::Connection { operation, source, .. } => {
                write!(f, "{operation}: no HTTP status, connection failed: {}", chain(source))
            }
            Error::Timeout {
                operation,
                status,
                limit,
                ..
            } => {
                match status {
                    Some(status) => write!(f, "{operation}: HTTP {status}: timed out reading the response")?,
                    None => write!(f, "{operation}: no HTTP status, timed out")?,
                }
                match limit {
                    Some(limit) => write!(f, " after {limit:?}"),
                    None => Ok(()),
                }
            }
            Error::InvalidResponse {
                operation,
                status,
                path,
                source,
                ..
            } => write!(
                f,
                "{operation}: HTTP {status}: the response does not match the schema at `{path}`: {source}"
            ),
            Error::InvalidRequest { operation, message } => {
                write!(f, "{operation}: no HTTP status, request not sent: {message}")
            }
            Error::Transport {
                operation,
                status,
                source,
                ..
            } => match status {
                Some(status) => write!(f, "{operation}: HTTP {status}: connection failed: {}", chain(source)),
                None => write!(f, "{operation}: no HTTP status, connection failed: {}", chain(source)),
            },
        }
    }
}

impl<E: ErrorBody + fmt::Debug + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection { source, .. } | Error::Transport { source, .. } => Some(source),
            Error::Timeout { source, .. } => source.as_ref().map(|s| s as &(dyn std::error::Error + 'static)),
            Error::InvalidResponse { source, .. } => Some(source),
            Error::RateLimited { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// reqwest's own message is generic ("error sending request"); the cause says what broke.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
