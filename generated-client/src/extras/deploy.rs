//! Deployments: building the payload, and waiting for a deployment to finish.

use std::fmt;
use std::time::{Duration, Instant};

use crate::seed::types::{
    DeployPayload, DeploymentInfo, ExternalDeployPayload, ExternalDeployPayloadType, HostedDeployPayload,
    HostedDeployPayloadType, StdioDeployPayload, StdioDeployPayloadType,
};
use crate::seed::{Client, ClientServersExt, Error};

impl DeployPayload {
    /// Deploy the uploaded module on Smithery's hosting (send it with `.module(...)`).
    pub fn hosted() -> Self {
        Self::HostedDeployPayload(HostedDeployPayload {
            type_: HostedDeployPayloadType::Hosted,
        })
    }

    /// Register a server that runs at `upstream_url`.
    pub fn external(upstream_url: impl Into<String>) -> Self {
        Self::ExternalDeployPayload(ExternalDeployPayload {
            type_: ExternalDeployPayloadType::External,
            upstream_url: upstream_url.into(),
            config_schema: None,
        })
    }

    /// Publish a server that users run locally over standard input and output.
    pub fn stdio() -> Self {
        Self::StdioDeployPayload(StdioDeployPayload {
            type_: StdioDeployPayloadType::Stdio,
        })
    }
}

/// Where a deployment stands. The API sends a plain string and adds values over time:
/// those this version does not know are kept in [`DeploymentStatus::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DeploymentStatus {
    /// `PENDING`: accepted, not started yet.
    Pending,
    /// `WORKING`: being built, scanned or published.
    Working,
    /// `SUCCESS`: deployed.
    Success,
    /// Paused until the owner authorizes OAuth; resume it with `resume_deployment`.
    AuthRequired,
    /// `FAILURE`: the deployment failed.
    Failure,
    /// The security scan rejected the server.
    FailureScan,
    /// `INTERNAL_ERROR`: the registry failed on its side.
    InternalError,
    /// `CANCELLED`: stopped before it finished.
    Cancelled,
    /// A status this version of the client does not know.
    Other(String),
}

impl DeploymentStatus {
    /// Reads the API's status string.
    pub fn parse(status: &str) -> Self {
        match status {
            "PENDING" => Self::Pending,
            "WORKING" => Self::Working,
            "SUCCESS" => Self::Success,
            "AUTH_REQUIRED" => Self::AuthRequired,
            "FAILURE" => Self::Failure,
            "FAILURE_SCAN" => Self::FailureScan,
            "INTERNAL_ERROR" => Self::InternalError,
            "CANCELLED" => Self::Cancelled,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether the deployment will not change status on its own any more. Unknown statuses
    /// count as still in progress: waiting longer is safer than stopping early.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Success
                | Self::AuthRequired
                | Self::Failure
                | Self::FailureScan
                | Self::InternalError
                | Self::Cancelled
        )
    }
}

impl fmt::Display for DeploymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pending => "PENDING",
            Self::Working => "WORKING",
            Self::Success => "SUCCESS",
            Self::AuthRequired => "AUTH_REQUIRED",
            Self::Failure => "FAILURE",
            Self::FailureScan => "FAILURE_SCAN",
            Self::InternalError => "INTERNAL_ERROR",
            Self::Cancelled => "CANCELLED",
            Self::Other(other) => other,
        })
    }
}

impl DeploymentInfo {
    /// The deployment's status, typed.
    pub fn deployment_status(&self) -> DeploymentStatus {
        DeploymentStatus::parse(&self.status)
    }
}

/// How [`Client::wait_for_deployment`] polls.
#[derive(Debug, Clone, Copy)]
pub struct WaitOptions {
    /// Time between two status requests (default 2 s).
    pub poll_interval: Duration,
    /// Give up after this long (default 10 minutes).
    pub timeout: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            timeout: Duration::from_secs(600),
        }
    }
}

/// Why waiting for a deployment ended without a terminal status.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// A status request failed (after its own retries).
    Request(Error<()>),
    /// The deployment was still in progress when the timeout passed.
    TimedOut {
        /// The status the last request reported.
        last_status: DeploymentStatus,
        /// How long the wait lasted.
        waited: Duration,
    },
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Request(e) => write!(f, "waiting for the deployment: {e}"),
            WaitError::TimedOut { last_status, waited } => write!(
                f,
                "get_deployment_status: deployment still {last_status} after waiting {:.1}s",
                waited.as_secs_f64()
            ),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(e) => Some(e),
            WaitError::TimedOut { .. } => None,
        }
    }
}

impl Client {
    /// Polls `get_deployment_status` until the deployment reaches a terminal status
    /// (`SUCCESS`, `AUTH_REQUIRED`, `FAILURE`, `FAILURE_SCAN`, `INTERNAL_ERROR`,
    /// `CANCELLED`) and returns it; statuses it does not know keep it polling.
    ///
    /// ```no_run
    /// use smithery_registry::seed::prelude::*;
    /// use smithery_registry::seed::{DeploymentStatus, WaitOptions};
    /// use smithery_registry::seed::types::DeployPayload;
    ///
    /// # async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let accepted = client
    ///     .deploy()
    ///     .qualified_name("acme/weather")
    ///     .payload(DeployPayload::hosted())
    ///     .module(std::path::Path::new("dist/index.js"))
    ///     .send()
    ///     .await?;
    /// let done = client.wait_for_deployment("acme/weather", &accepted.deployment_id, WaitOptions::default()).await?;
    /// if done.deployment_status() != DeploymentStatus::Success {
    ///     eprintln!("deployment ended as {}", done.status);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_deployment(
        &self,
        qualified_name: &str,
        deployment_id: &str,
        options: WaitOptions,
    ) -> Result<DeploymentInfo, WaitError> {
        let started = Instant::now();
        loop {
            let info = self
                .get_deployment_status()
                .qualified_name(qualified_name)
                .id(deployment_id)
                .send()
                .await
                .map_err(WaitError::Request)?
                .into_inner();
            let status = info.deployment_status();
            if status.is_terminal() {
                return Ok(info);
            }
            let waited = started.elapsed();
            if waited + options.poll_interval > options.timeout {
                return Err(WaitError::TimedOut {
                    last_status: status,
                    waited,
                });
            }
            tracing::debug!(operation = "get_deployment_status", status = %status, "deployment in progress; polling again");
            tokio::time::sleep(options.poll_interval).await;
        }
    }
}
