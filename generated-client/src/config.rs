//! Building a [`Client`]: where it connects, how it authenticates, how long it waits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::{Client, RetryPolicy};

/// The registry's production address.
pub const DEFAULT_BASE_URL: &str = "https://registry.smithery.ai";

/// The environment variable [`Client::from_env`] reads the token from (the reference SDK's).
pub const TOKEN_ENV: &str = "SMITHERY_BEARER_AUTH";

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
    /// [`Client::from_env`] found no token in [`TOKEN_ENV`].
    MissingToken,
    /// The token holds characters an HTTP header cannot carry (the token is not shown).
    InvalidToken,
    /// The base URL is not an absolute `http` or `https` URL.
    InvalidBaseUrl { url: String, reason: String },
    /// reqwest could not build its client (TLS initialisation, usually).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingToken => write!(f, "no API key: set {TOKEN_ENV} or pass a token to the builder"),
            BuildError::InvalidToken => f.write_str("the API key contains characters not allowed in an HTTP header"),
            BuildError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
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

/// What a [`Client`] carries besides its base URL and HTTP client: the token, the retry
/// policy, the timeout and the user agent. Per-call overrides ([`Client::with_retry`],
/// [`Client::with_timeout`]) are copies with one field changed.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
}

/// Configures a [`Client`].
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
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    token: Option<BearerToken>,
    http: Option<reqwest::Client>,
    timeout: Option<Option<Duration>>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
}

impl ClientBuilder {
    /// The API's address (default [`DEFAULT_BASE_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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

    /// The retry policy (default [`RetryPolicy::default`], the reference SDK's).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Replaces the `User-Agent` (default [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let authorization = self.token.as_ref().map(BearerToken::header_value).transpose()?;
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| format!("smithery-registry-rust/{}", env!("CARGO_PKG_VERSION")));
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| BuildError::InvalidBaseUrl {
            url: base_url.clone(),
            reason: "the user agent is not a valid header value".into(),
        })?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder().build().map_err(BuildError::Http)?,
        };
        let config = ClientConfig {
            authorization,
            retry: self.retry.unwrap_or_default(),
            timeout: self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT)),
            user_agent,
        };
        Ok(Client {
            baseurl: base_url,
            client: http,
            inner: config,
        })
    }
}

/// Checks the URL and drops a trailing `/`, since operation paths start with one.
fn normalize_base_url(url: &str) -> Result<String, BuildError> {
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

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the production registry, authenticating with `token`.
    pub fn new(token: impl Into<BearerToken>) -> Result<Self, BuildError> {
        Self::builder().bearer_token(token).build()
    }

    /// A client for the production registry, with the token from [`TOKEN_ENV`].
    pub fn from_env() -> Result<Self, BuildError> {
        match std::env::var(TOKEN_ENV) {
            Ok(token) if !token.trim().is_empty() => Self::new(token),
            _ => Err(BuildError::MissingToken),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }

    /// A copy of this client that sends to another base URL: for one call
    /// (`client.with_base_url(url)?.list().send()`), or for a group of them.
    pub fn with_base_url(&self, url: &str) -> Result<Self, BuildError> {
        Ok(Self {
            baseurl: normalize_base_url(url)?,
            ..self.clone()
        })
    }

    /// A copy of this client whose attempts time out after `timeout` (`None`: never).
    pub fn with_timeout(&self, timeout: impl Into<Option<Duration>>) -> Self {
        let mut copy = self.clone();
        copy.inner.timeout = timeout.into();
        copy
    }

    /// A copy of this client with another retry policy, such as [`RetryPolicy::none`].
    pub fn with_retry(&self, policy: RetryPolicy) -> Self {
        let mut copy = self.clone();
        copy.inner.retry = policy;
        copy
    }
}
