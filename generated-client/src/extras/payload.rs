//! Typed constructors for the current API's release payload, so that a release is built as
//! a Rust value (`DeployPayload::hosted()`) rather than from JSON text.

use crate::types::{
    DeployPayload, ExternalDeployPayload, ExternalDeployPayloadType, HostedDeployPayload, HostedDeployPayloadType,
    StdioDeployPayload, StdioDeployPayloadType, StdioRuntime,
};

impl DeployPayload {
    /// Run the uploaded module (sent with `.module(...)`) on Smithery's hosting, as a
    /// stateless server without an authentication adapter of its own and no further
    /// settings. For the other members, build a [`HostedDeployPayload`] and convert it with
    /// `into()`.
    pub fn hosted() -> Self {
        Self::HostedDeployPayload(HostedDeployPayload {
            type_: HostedDeployPayloadType::Hosted,
            stateful: false,
            has_auth_adapter: false,
            config_schema: Default::default(),
            secret_names: Vec::new(),
            server_card: None,
            source: None,
        })
    }

    /// Register a server that runs elsewhere, reachable at `upstream_url`.
    pub fn external(upstream_url: impl Into<String>) -> Self {
        Self::ExternalDeployPayload(ExternalDeployPayload {
            type_: ExternalDeployPayloadType::External,
            upstream_url: upstream_url.into(),
            config_schema: Default::default(),
            scan_credentials: Default::default(),
        })
    }

    /// Publish a server that users run locally with `runtime`, from the uploaded bundle
    /// (sent with `.bundle(...)`).
    pub fn stdio(runtime: StdioRuntime) -> Self {
        Self::StdioDeployPayload(StdioDeployPayload {
            type_: StdioDeployPayloadType::Stdio,
            runtime,
            config_schema: Default::default(),
            server_card: None,
        })
    }
}
