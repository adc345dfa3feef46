//! Building a client: where it connects, how it authenticates, how long it waits.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::{ApiClient, RetryPolicy};

/// The environment variable the seed API's `Client::from_env` reads the token from (the
/// January 2026 reference SDK's).
pub const TOKEN_ENV: &str = "SMITHERY_BEARER_AUTH";

/// Per-API defaults the spec cannot state: which environment variables configure a client
/// and which retry policy it starts with. Each generated `Client` names its profile
/// ([`ApiClient::PROFILE`]); the profiles themselves are written by hand beside the runtime.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// The variable holding the API key (read by `Client::from_env` and
    /// [`ClientBuilder::from_env`]).
    pub token_env: &'static str,
    /// Variables overriding a server group's base URL: `(group, variable)`.
    pub server_env: &'static [(&'static str, &'static str)],
    /// A variable holding extra headers, one `Name: value` per line.
    pub headers_env: Option<&'static str>,
    /// The retry policy a client starts with.
    pub retry: fn() -> RetryPolicy,
    /// Whether an error response whose body does not match the declared error type is
    /// reported as `Error::Status` (status, headers, raw body) rather than
    /// `Error::InvalidResponse`.
    pub untyped_error_bodies: bool,
}

impl Profile {
    /// The profile of a client that names none: the token from [`TOKEN_ENV`], no other
    /// variables, [`RetryPolicy::default`].
    pub const DEFAULT: Profile = Profile {
        token_env: TOKEN_ENV,
        server_env: &[],
        headers_env: None,
        retry: RetryPolicy::default,
        untyped_error_bodies: false,
    };
}

/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] replaces it.
pub const DEFAULT_USER_AGENT: &str = concat!("smithery-registry-rust/", env!("CARGO_PKG_VERSION"));

/// How long one attempt may take by default, connecting included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A Smithery API key. It is never shown: `Debug` prints `BearerToken(<redacted>)`, and it
/// is sent only to the client's own host (a redirect to another host drops it).
#[derive(Clone)]
pub struct BearerToken(Arc<str>);

impl BearerToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Arc::from(token.into()))
    }

    /// The token itself, for the rare caller that must hand it on.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The `Authorization` header value, marked sensitive so that HTTP libraries that log
    /// headers leave it out.
    fn header_value(&self) -> Result<HeaderValue, BuildError> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0)).map_err(|_| BuildError::InvalidToken)?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

impl From<&str> for BearerToken {
    fn from(token: &str) -> Self {
        Self::new(token)
    }
}

impl From<String> for BearerToken {
    fn from(token: String) -> Self {
        Self::new(token)
    }
}

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// `Client::from_env` found no token in `variable` (the profile's, such as
    /// [`TOKEN_ENV`]).
    MissingToken {
        /// The environment variable that was read.
        variable: &'static str,
    },
    /// An environment variable holds a value the client cannot use (a URL that does not
    /// parse, a header line without a colon, a key with a newline). The value is not shown:
    /// it may be a secret.
    InvalidEnv {
        /// The environment variable holding the value.
        variable: &'static str,
        /// What is wrong with the value (never the value itself).
        reason: String,
    },
    /// A default header ([`ClientBuilder::default_header`], `Client::with_header`) has an
    /// invalid name or value.
    InvalidHeader {
        /// The header's name, as given.
        name: String,
        /// Why the name or the value cannot be sent.
        reason: String,
    },
    /// The token holds characters an HTTP header cannot carry (the token is not shown).
    InvalidToken,
    /// The base URL is not an absolute `http` or `https` URL.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// [`ClientBuilder::user_agent`] holds characters an HTTP header cannot carry (a
    /// newline, a control character).
    InvalidUserAgent {
        /// The user agent as given (not a secret).
        user_agent: String,
    },
    /// [`ClientBuilder::server_url`] named a server group the API does not have.
    UnknownServerGroup {
        /// The group asked for.
        group: String,
        /// The groups the API has.
        known: Vec<&'static str>,
    },
    /// reqwest could not build its client (TLS initialisation, usually).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingToken { variable } => {
                write!(f, "no API key: set {variable} or pass a token to the builder")
            }
            BuildError::InvalidEnv { variable, reason } => write!(f, "invalid {variable}: {reason}"),
            BuildError::InvalidHeader { name, reason } => write!(f, "invalid default header `{name}`: {reason}"),
            BuildError::InvalidToken => f.write_str("the API key contains characters not allowed in an HTTP header"),
            BuildError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
            BuildError::InvalidUserAgent { user_agent } => {
                write!(f, "invalid user agent {user_agent:?}: not a valid HTTP header value")
            }
            BuildError::UnknownServerGroup { group, known } => {
                write!(f, "unknown server group `{group}`; this API has {}", known.join(", "))
            }
            BuildError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// What a client carries besides its HTTP client: the base URL of each server group, the
/// token, the retry policy, the timeout and the user agent. Per-call overrides
/// (`Client::with_retry`, `Client::with_timeout`, `Client::with_server_url`) are copies with
/// one field changed.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The base URL of each server group, in the order of [`ApiClient::SERVERS`].
    pub(crate) servers: Arc<[(&'static str, String)]>,
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
    /// The largest server-sent event an event stream accepts, in bytes.
    pub(crate) max_event_bytes: usize,
    /// Headers every request carries (from the builder, the environment, or `with_header`).
    pub(crate) default_headers: HeaderMap,
    /// The profile's [`Profile::untyped_error_bodies`].
    pub(crate) untyped_error_bodies: bool,
}

impl ClientConfig {
    /// The base URL of server group number `index` (generated code passes the index of the
    /// operation's group; 0 is the document's default).
    pub fn server_url(&self, index: usize) -> &str {
        self.servers
            .get(index)
            .or(self.servers.first())
            .map_or("", |(_, url)| url.as_str())
    }

    /// The base URL of the server group named `group`.
    pub fn server_url_named(&self, group: &str) -> Option<&str> {
        self.servers
            .iter()
            .find(|(name, _)| *name == group)
            .map(|(_, url)| url.as_str())
    }

    /// A copy whose group `group` sends to `url`. A blank `url` means unset, as it does in
    /// the environment and for the official SDK: the group keeps the URL it has.
    pub fn with_server_url(&self, group: &str, url: &str) -> Result<Self, BuildError> {
        let blank = url.trim().is_empty();
        let url = if blank {
            self.server_url_named(group).unwrap_or_default().to_owned()
        } else {
            normalize_base_url(url)?
        };
        let mut servers = self.servers.to_vec();
        match servers.iter_mut().find(|(name, _)| *name == group) {
            Some(slot) => slot.1 = url,
            None => {
                return Err(BuildError::UnknownServerGroup {
                    group: group.to_owned(),
                    known: servers.iter().map(|(name, _)| *name).collect(),
                });
            }
        }
        Ok(Self {
            servers: servers.into(),
            ..self.clone()
        })
    }

    /// A copy whose attempts time out after `timeout` (`None`: never).
    pub fn with_timeout(&self, timeout: Option<Duration>) -> Self {
        Self {
            timeout,
            ..self.clone()
        }
    }

    /// A copy with another retry policy.
    pub fn with_retry(&self, retry: RetryPolicy) -> Self {
        Self { retry, ..self.clone() }
    }

    /// A copy whose requests also carry the header `name: value` (replacing a default
    /// header of that name).
    pub fn with_header(&self, name: &str, value: &str) -> Result<Self, BuildError> {
        let (name, value) = header(name, value)?;
        let mut default_headers = self.default_headers.clone();
        default_headers.insert(name, value);
        Ok(Self {
            default_headers,
            ..self.clone()
        })
    }
}

/// A header name and value, checked.
fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), BuildError> {
    let invalid = |reason: &str| BuildError::InvalidHeader {
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("not a valid header name"))?;
    let mut parsed_value =
        HeaderValue::from_str(value).map_err(|_| invalid("the value is not a valid header value"))?;
    // Custom headers often carry credentials (`X-Api-Key`); a sensitive value prints as
    // `Sensitive` in the client's `Debug` output.
    parsed_value.set_sensitive(true);
    Ok((parsed_name, parsed_value))
}

/// The headers of `SMITHERY_CUSTOM_HEADERS`-style text: one `Name: value` per line, blank
/// lines skipped, names and values trimmed.
pub fn parse_header_lines(variable: &'static str, text: &str) -> Result<Vec<(String, String)>, BuildError> {
    let mut headers = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(BuildError::InvalidEnv {
                variable,
                reason: format!("line {} has no `:` between a header name and its value", number + 1),
            });
        };
        let (name, value) = (name.trim(), value.trim());
        header(name, value).map_err(|e| BuildError::InvalidEnv {
            variable,
            reason: format!("line {}: {e}", number + 1),
        })?;
        headers.push((name.to_owned(), value.to_owned()));
    }
    Ok(headers)
}

/// An environment variable's value, trimmed; unset, blank and non-Unicode values are `None`
/// (non-Unicode only after saying so, as an error).
fn env_value(variable: &'static str) -> Result<Option<String>, BuildError> {
    match std::env::var(variable) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(BuildError::InvalidEnv {
            variable,
            reason: "the value is not valid Unicode".to_owned(),
        }),
    }
}

/// Configures a client (`C` is the generated `Client`).
///
/// ```
/// use std::time::Duration;
/// use smithery_registry::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .bearer_token("my-api-key")
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_attempts(4))
///     .build()?;
/// # Ok::<(), smithery_registry::BuildError>(())
/// ```
pub struct ClientBuilder<C> {
    client: PhantomData<fn() -> C>,
    base_url: Option<String>,
    server_urls: Vec<(String, String)>,
    token: Option<BearerToken>,
    http: Option<reqwest::Client>,
    timeout: Option<Option<Duration>>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    max_event_bytes: Option<usize>,
    default_headers: Vec<(String, String)>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("server_urls", &self.server_urls)
            .field("token", &self.token)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            client: PhantomData,
            base_url: None,
            server_urls: Vec::new(),
            token: None,
            http: None,
            timeout: None,
            retry: None,
            user_agent: None,
            max_event_bytes: None,
            default_headers: Vec::new(),
        }
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// The address of the API's default server group (the spec's document-level server,
    /// unless changed). A blank `url` means unset: the group keeps its default.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The address of the server group `group` (see the generated `SERVERS` for the groups
    /// and their defaults). Operations whose spec names that group's server go there. A
    /// blank `url` means unset, as it does in the environment: the group keeps its default
    /// (an unknown `group` is still an error).
    pub fn server_url(mut self, group: impl Into<String>, url: impl Into<String>) -> Self {
        self.server_urls.push((group.into(), url.into()));
        self
    }

    /// The API key sent as `Authorization: Bearer ...`.
    pub fn bearer_token(mut self, token: impl Into<BearerToken>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Uses this `reqwest::Client` (its proxy, TLS and pool settings) instead of a new one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How long one attempt may take (default [`DEFAULT_TIMEOUT`]); `None` waits forever.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = Some(timeout.into());
        self
    }

    /// The retry policy (default: the API's profile's, see [`Profile::retry`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Replaces the `User-Agent` (default [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The largest server-sent event an event stream accepts (default
    /// [`DEFAULT_MAX_EVENT_BYTES`](super::sse::DEFAULT_MAX_EVENT_BYTES)): a larger one ends
    /// the stream with an error instead of growing memory without bound.
    pub fn max_event_bytes(mut self, bytes: usize) -> Self {
        self.max_event_bytes = Some(bytes);
        self
    }

    /// A header every request carries (`X-Client: my-app`); a later one of the same name
    /// replaces an earlier one. The token is set with [`ClientBuilder::bearer_token`], not
    /// here.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Reads the API's environment variables (see its [`Profile`]): the token, each server
    /// group's base URL and the extra headers. Values are trimmed; an unset or blank
    /// variable changes nothing. A value the client cannot use is a
    /// [`BuildError::InvalidEnv`] naming the variable; a missing token is not an error here
    /// (`Client::from_env` requires one).
    pub fn from_env(mut self) -> Result<Self, BuildError> {
        let profile = C::PROFILE;
        if let Some(token) = env_value(profile.token_env)? {
            if token.contains(['\n', '\r']) || HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
                return Err(BuildError::InvalidEnv {
                    variable: profile.token_env,
                    reason: "the key holds characters an HTTP header cannot carry (the key is not shown)".into(),
                });
            }
            self.token = Some(BearerToken::new(token));
        }
        for (group, variable) in profile.server_env {
            if let Some(url) = env_value(variable)? {
                normalize_base_url(&url).map_err(|e| BuildError::InvalidEnv {
                    variable,
                    reason: e.to_string(),
                })?;
                self.server_urls.push(((*group).to_owned(), url));
            }
        }
        if let Some(variable) = profile.headers_env
            && let Some(text) = env_value(variable)?
        {
            self.default_headers.extend(parse_header_lines(variable, &text)?);
        }
        Ok(self)
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let mut servers: Vec<(&'static str, String)> = C::SERVERS
            .iter()
            .map(|group| (group.name, group.url.to_owned()))
            .collect();
        // Blank means unset, here as in the environment (`env_value`).
        if let (Some(url), Some(first)) = (self.base_url, servers.first_mut())
            && !url.trim().is_empty()
        {
            first.1 = url;
        }
        for (group, url) in self.server_urls {
            match servers.iter_mut().find(|(name, _)| *name == group) {
                Some(_) if url.trim().is_empty() => {}
                Some(slot) => slot.1 = url,
                None => {
                    return Err(BuildError::UnknownServerGroup {
                        group,
                        known: C::SERVERS.iter().map(|g| g.name).collect(),
                    });
                }
            }
        }
        for (_, url) in &mut servers {
            *url = normalize_base_url(url)?;
        }
        let authorization = self.token.as_ref().map(BearerToken::header_value).transpose()?;
        let user_agent = self.user_agent.unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned());
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| BuildError::InvalidUserAgent { user_agent })?;
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let (name, value) = header(name, value)?;
            default_headers.insert(name, value);
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest panics without a provider; the one installed is reported by
                // nothing here, since an earlier one is as good.
                let _ = install_tls_provider();
                reqwest::Client::builder().build().map_err(BuildError::Http)?
            }
        };
        let config = ClientConfig {
            servers: servers.into(),
            authorization,
            retry: self.retry.unwrap_or_else(C::PROFILE.retry),
            timeout: self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT)),
            user_agent,
            max_event_bytes: self.max_event_bytes.unwrap_or(super::sse::DEFAULT_MAX_EVENT_BYTES),
            default_headers,
            untyped_error_bodies: C::PROFILE.untyped_error_bodies,
        };
        Ok(C::from_parts(http, config))
    }

    /// Sets the token from the profile's variable ([`TOKEN_ENV`] unless the API's profile
    /// names another), trimmed; fails when it is unset or blank.
    pub fn bearer_token_from_env(self) -> Result<Self, BuildError> {
        let variable = C::PROFILE.token_env;
        match std::env::var(variable) {
            Ok(token) if !token.trim().is_empty() => Ok(self.bearer_token(token.trim())),
            _ => Err(BuildError::MissingToken { variable }),
        }
    }

    /// [`ClientBuilder::from_env`], then requires a token.
    pub fn from_env_with_token(self) -> Result<Self, BuildError> {
        let builder = self.from_env()?;
        match builder.token {
            Some(_) => Ok(builder),
            None => Err(BuildError::MissingToken {
                variable: C::PROFILE.token_env,
            }),
        }
    }
}

/// Installs the TLS backend's crypto provider for the whole process, if the backend needs
/// one and none is installed yet; returns whether this call installed it.
///
/// The `rustls-ring` backend (the default) is reqwest's `rustls-no-provider` one: reqwest
/// takes the process-wide rustls provider, and building any `reqwest::Client` panics when
/// there is none and no other crate of the program enabled reqwest's own `rustls` feature.
/// Building this crate's client calls this first; a program that also builds reqwest clients
/// of its own, earlier, calls it at start. A provider the program installed before is kept.
/// With the other backends this does nothing.
pub fn install_tls_provider() -> bool {
    #[cfg(feature = "rustls-ring")]
    {
        rustls::crypto::ring::default_provider().install_default().is_ok()
    }
    #[cfg(not(feature = "rustls-ring"))]
    {
        false
    }
}

/// Checks the URL and drops a trailing `/`, since operation paths start with one.
pub fn normalize_base_url(url: &str) -> Result<String, BuildError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| BuildError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(BuildError::InvalidBaseUrl {
            url: url.to_owned(),
            reason: "the scheme must be http or https".into(),
        });
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(BuildError::InvalidBaseUrl {
            url: url.to_owned(),
            reason: "a base URL has no query or fragment".into(),
        });
    }
    Ok(url.trim_end_matches('/').to_owned())
}
