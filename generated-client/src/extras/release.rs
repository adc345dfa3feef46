//! Releases of the current API: a typed reading of a release's status, and waiting for a
//! release to finish by following its event stream, polling when the stream fails.

use std::fmt;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use crate::runtime::sse::StreamError;
use crate::types::{ApiError, Release, ReleaseEventData, ReleaseStatus};
use crate::{Client, ClientReleasesExt, Error};

/// Where a release stands. The API sends a plain string and adds values over time: those
/// this version does not know are kept in [`ReleaseState::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReleaseState {
    /// Waiting for a builder.
    Queued,
    /// Being built, scanned or published.
    Working,
    /// Published.
    Success,
    /// Paused until the owner completes an OAuth authorisation; continue it with
    /// `resume_release`.
    AuthRequired,
    /// The pipeline failed.
    Failure,
    /// The security scan rejected the server.
    FailureScan,
    /// The OAuth authorisation was never completed.
    AuthTimeout,
    /// Cancelled before it finished.
    Cancelled,
    /// The service failed.
    InternalError,
    /// A status this version of the client does not know.
    Other(String),
}

impl ReleaseState {
    /// Reads the API's status string.
    pub fn parse(status: &str) -> Self {
        match status {
            "QUEUED" => Self::Queued,
            "WORKING" => Self::Working,
            "SUCCESS" => Self::Success,
            "AUTH_REQUIRED" => Self::AuthRequired,
            "FAILURE" => Self::Failure,
            "FAILURE_SCAN" => Self::FailureScan,
            "AUTH_TIMEOUT" => Self::AuthTimeout,
            "CANCELLED" => Self::Cancelled,
            "INTERNAL_ERROR" => Self::InternalError,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether the release will not change status on its own any more. Unknown statuses
    /// count as still in progress: waiting longer is safer than stopping early.
    pub fn is_terminal(&self) -> bool {
        self.is_failure() || matches!(self, Self::Success | Self::AuthRequired)
    }

    /// Whether this is one of the final failures.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Self::Failure | Self::FailureScan | Self::AuthTimeout | Self::Cancelled | Self::InternalError
        )
    }
}

impl fmt::Display for ReleaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Queued => "QUEUED",
            Self::Working => "WORKING",
            Self::Success => "SUCCESS",
            Self::AuthRequired => "AUTH_REQUIRED",
            Self::Failure => "FAILURE",
            Self::FailureScan => "FAILURE_SCAN",
            Self::AuthTimeout => "AUTH_TIMEOUT",
            Self::Cancelled => "CANCELLED",
            Self::InternalError => "INTERNAL_ERROR",
            Self::Other(other) => other,
        })
    }
}

impl Release {
    /// The release's status, typed.
    pub fn state(&self) -> ReleaseState {
        ReleaseState::parse(&self.status)
    }

    /// What the pipeline said about its failure: the last log line carrying an error
    /// message, else the last line of level `failure`.
    pub fn failure_message(&self) -> Option<&str> {
        let logs = self.logs.iter().rev();
        logs.clone()
            .find_map(|line| line.error.as_ref().and_then(|e| e.message.as_deref()))
            .or_else(|| {
                logs.clone()
                    .find(|line| line.level == "failure")
                    .map(|line| line.message.as_str())
            })
    }
}

/// How [`Client::wait_for_release`] waits.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseWaitOptions {
    /// Time between two requests for the release once the event stream has failed
    /// (default 2 s).
    pub poll_interval: Duration,
    /// Give up this long after the call started, stream and polling included (default
    /// 10 minutes).
    pub timeout: Duration,
}

impl Default for ReleaseWaitOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            timeout: Duration::from_secs(600),
        }
    }
}

impl ReleaseWaitOptions {
    /// These options with another poll interval.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// These options with another overall timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Why [`Client::wait_for_release`] did not return a published release.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReleaseWaitError {
    /// The release ended in one of the final failures: `FAILURE`, `FAILURE_SCAN`,
    /// `AUTH_TIMEOUT`, `CANCELLED` or `INTERNAL_ERROR`.
    Failed {
        /// The release as the server last described it, with its pipeline log.
        release: Box<Release>,
        /// What the pipeline said about the failure ([`Release::failure_message`]).
        message: Option<String>,
    },
    /// The release is paused until its owner completes an OAuth authorisation: it will not
    /// finish on its own. Resume it with `resume_release` once authorised.
    AuthRequired {
        /// The release as the server last described it.
        release: Box<Release>,
    },
    /// The timeout passed before the release reached a final status.
    TimedOut {
        /// The timeout that was set ([`ReleaseWaitOptions::timeout`]).
        timeout: Duration,
        /// How long the call waited.
        waited: Duration,
        /// The last status seen, if any arrived.
        last_status: Option<ReleaseStatus>,
    },
    /// Asking for the release failed (after the client's own retries): the error of that
    /// request, with its status, body or transport failure (boxed: it is large, and the
    /// other outcomes are common).
    Request(Box<Error<ApiError>>),
}

impl fmt::Display for ReleaseWaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed { release, message } => {
                write!(f, "release {} ended as {}", release.id, release.status)?;
                match message {
                    Some(message) => write!(f, ": {message}"),
                    None => Ok(()),
                }
            }
            Self::AuthRequired { release } => write!(
                f,
                "release {} is paused until its OAuth authorisation is completed (AUTH_REQUIRED); resume it with resume_release",
                release.id
            ),
            Self::TimedOut {
                timeout,
                waited,
                last_status,
            } => {
                write!(
                    f,
                    "the release did not finish within the timeout of {:.1}s (waited {:.1}s",
                    timeout.as_secs_f64(),
                    waited.as_secs_f64()
                )?;
                match last_status {
                    Some(status) => write!(f, ", last status {status})"),
                    None => write!(f, ", no status seen)"),
                }
            }
            Self::Request(error) => write!(f, "waiting for the release: {error}"),
        }
    }
}

impl std::error::Error for ReleaseWaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Request(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

/// How following the event stream ended.
enum Followed {
    /// The release reached a final status.
    Done(Box<Release>),
    /// The stream could not be opened, failed, or ended before a final status: poll.
    /// `fetched` says whether the release was just requested (then wait before the
    /// first poll).
    Dropped { fetched: bool },
}

/// One wait: the caller's target, the deadline, and the last status seen.
struct Wait<'a> {
    client: &'a Client,
    qualified_name: &'a str,
    id: &'a str,
    options: ReleaseWaitOptions,
    started: Instant,
    deadline: tokio::time::Instant,
    last_status: Option<ReleaseStatus>,
}

impl Client {
    /// Waits until a release reaches a final status and returns it when it is `SUCCESS`.
    ///
    /// The release's event stream (`stream_release`) is followed first: a `status` event
    /// with a final status, or the `complete` event, makes it fetch the release
    /// (`get_release`) and return. When the stream cannot be opened, fails or ends before
    /// that, it polls `get_release` every [`ReleaseWaitOptions::poll_interval`] instead.
    /// Either way it gives up at [`ReleaseWaitOptions::timeout`] after the call began.
    ///
    /// Errors: [`ReleaseWaitError::Failed`] with the release and its failure message for
    /// `FAILURE`, `FAILURE_SCAN`, `AUTH_TIMEOUT`, `CANCELLED` and `INTERNAL_ERROR`;
    /// [`ReleaseWaitError::AuthRequired`] when the release waits for an OAuth
    /// authorisation; [`ReleaseWaitError::TimedOut`] with the last status seen; and
    /// [`ReleaseWaitError::Request`] when fetching the release fails. Statuses this
    /// version does not know keep it waiting.
    ///
    /// ```no_run
    /// use std::time::Duration;
    ///
    /// use smithery_registry::prelude::*;
    /// use smithery_registry::types::DeployPayload;
    /// use smithery_registry::{ReleaseWaitError, ReleaseWaitOptions};
    ///
    /// # async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let payload: DeployPayload = serde_json::from_value(serde_json::json!({
    ///     "type": "external", "upstreamUrl": "https://mcp.example.com/mcp"
    /// }))?;
    /// let accepted = client
    ///     .deploy_release()
    ///     .qualified_name("acme/weather")
    ///     .payload(payload)
    ///     .send()
    ///     .await?;
    /// let options = ReleaseWaitOptions::default().timeout(Duration::from_secs(300));
    /// match client.wait_for_release("acme/weather", &accepted.deployment_id, options).await {
    ///     Ok(release) => println!("published at {:?}", release.mcp_url),
    ///     Err(ReleaseWaitError::Failed { release, message }) => {
    ///         eprintln!("{} failed: {}", release.id, message.as_deref().unwrap_or("no message"))
    ///     }
    ///     Err(other) => eprintln!("{other}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_release(
        &self,
        qualified_name: &str,
        id: &str,
        options: ReleaseWaitOptions,
    ) -> Result<Release, ReleaseWaitError> {
        let started = Instant::now();
        // A timeout too large to add (Duration::MAX) means no deadline: about 30 years.
        let limit = options.timeout.min(Duration::from_secs(1 << 30));
        let mut wait = Wait {
            client: self,
            qualified_name,
            id,
            options,
            started,
            deadline: tokio::time::Instant::from_std(started) + limit,
            last_status: None,
        };
        let fetched = match wait.follow_stream().await? {
            Followed::Done(release) => return finish(*release),
            Followed::Dropped { fetched } => fetched,
        };
        wait.poll(fetched).await.and_then(finish)
    }
}

/// The outcome for a release in a final status.
fn finish(release: Release) -> Result<Release, ReleaseWaitError> {
    match release.state() {
        ReleaseState::Success => Ok(release),
        ReleaseState::AuthRequired => Err(ReleaseWaitError::AuthRequired {
            release: Box::new(release),
        }),
        _ => Err(ReleaseWaitError::Failed {
            message: release.failure_message().map(str::to_owned),
            release: Box::new(release),
        }),
    }
}

impl Wait<'_> {
    fn timed_out(&self) -> ReleaseWaitError {
        ReleaseWaitError::TimedOut {
            timeout: self.options.timeout,
            waited: self.started.elapsed(),
            last_status: self.last_status.clone(),
        }
    }

    /// Fetches the release, within the deadline.
    async fn fetch(&mut self) -> Result<Release, ReleaseWaitError> {
        let request = self
            .client
            .get_release()
            .qualified_name(self.qualified_name)
            .id(self.id)
            .send();
        match tokio::time::timeout_at(self.deadline, request).await {
            Err(_) => Err(self.timed_out()),
            Ok(Err(error)) => Err(ReleaseWaitError::Request(Box::new(error))),
            Ok(Ok(release)) => {
                let release = release.into_inner();
                self.last_status = Some(release.status.clone());
                Ok(release)
            }
        }
    }

    /// Follows the event stream until it shows a final status, fails or ends.
    async fn follow_stream(&mut self) -> Result<Followed, ReleaseWaitError> {
        let open = self
            .client
            .stream_release()
            .qualified_name(self.qualified_name)
            .id(self.id)
            .send();
        let mut events = match tokio::time::timeout_at(self.deadline, open).await {
            Err(_) => return Err(self.timed_out()),
            Ok(Ok(events)) => events.into_inner(),
            Ok(Err(error)) => {
                tracing::info!(operation = "stream_release", error = %error, "release stream refused; polling instead");
                return Ok(Followed::Dropped { fetched: false });
            }
        };
        loop {
            let event = match tokio::time::timeout_at(self.deadline, events.next()).await {
                Err(_) => return Err(self.timed_out()),
                Ok(None) => {
                    tracing::info!(
                        operation = "stream_release",
                        "release stream ended early; polling instead"
                    );
                    return Ok(Followed::Dropped { fetched: false });
                }
                Ok(Some(event)) => event,
            };
            let cue = match event {
                Ok(event) => cue(&event.event, Some(&event.data)),
                // An event whose data does not decode: a `status` one still means the
                // release moved (fetch it), any other is skipped.
                Err(StreamError::InvalidData { event, .. }) => cue(&event, None),
                Err(error) => {
                    tracing::info!(operation = "stream_release", error = %error, "release stream failed; polling instead");
                    return Ok(Followed::Dropped { fetched: false });
                }
            };
            match cue {
                Cue::Nothing => {}
                Cue::Status(status) => self.last_status = Some(status),
                Cue::Fetch { complete } => {
                    let release = self.fetch().await?;
                    if release.state().is_terminal() {
                        return Ok(Followed::Done(Box::new(release)));
                    }
                    if complete {
                        // The stream is over but the release does not show it yet.
                        return Ok(Followed::Dropped { fetched: true });
                    }
                }
            }
        }
    }

    /// Polls the release until it reaches a final status or the deadline passes.
    async fn poll(&mut self, mut fetched: bool) -> Result<Release, ReleaseWaitError> {
        loop {
            if fetched {
                if tokio::time::Instant::now() + self.options.poll_interval > self.deadline {
                    return Err(self.timed_out());
                }
                tokio::time::sleep(self.options.poll_interval).await;
            }
            let release = self.fetch().await?;
            fetched = true;
            let state = release.state();
            if state.is_terminal() {
                return Ok(release);
            }
            tracing::debug!(operation = "get_release", status = %state, "release in progress; polling again");
        }
    }
}

/// What one event asks of the wait.
enum Cue {
    /// Nothing (the buffered log, a log line).
    Nothing,
    /// A status that is not final.
    Status(ReleaseStatus),
    /// Fetch the release: a final (or unreadable) status, or the end of the pipeline.
    Fetch { complete: bool },
}

/// Reads an event by its name and decoded `data` (`None` when the data did not decode).
fn cue(name: &str, data: Option<&ReleaseEventData>) -> Cue {
    match name {
        "complete" => Cue::Fetch { complete: true },
        "status" => {
            let status = match data {
                Some(ReleaseEventData::StatusEventData(status)) => Some(status.0.clone()),
                _ => None,
            };
            match status {
                Some(status) if !ReleaseState::parse(&status).is_terminal() => Cue::Status(status),
                _ => Cue::Fetch { complete: false },
            }
        }
        _ => Cue::Nothing,
    }
}
