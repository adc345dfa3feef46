//! The registry's documented contract, written from the reference SDK's documentation (its
//! "Servers" page, with one error table per operation) and the API notes for the other two
//! operations. It is deliberately independent of `spec/registry.yaml` and of the generated
//! code: the tests check both against it, so it must never be derived from either.

#![allow(dead_code)]

/// What happens to a documented error status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorBody {
    /// The body has this schema, and the SDK raises the error type of the same name.
    Typed(&'static str),
    /// Documented, but without a body schema: the generic API error.
    NoBody,
}

/// One operation as the documentation describes it.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The SDK group (OpenAPI tag after the overlay).
    pub group: &'static str,
    /// The Rust method name (the SDK's name in snake_case).
    pub name: &'static str,
    /// The registry's own operationId.
    pub upstream_id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub success_status: u16,
    /// The success body's schema; `None` for no body, `Some("[X]")` for an array of `X`.
    pub success_body: Option<&'static str>,
    /// Documented error statuses.
    pub errors: &'static [(u16, ErrorBody)],
}

use ErrorBody::{NoBody, Typed};

/// Every other 4XX and 5XX of every operation is the generic API error (`errors.APIError`,
/// "4XX, 5XX" in each table).
pub const OPERATIONS: &[Operation] = &[
    Operation {
        group: "servers",
        name: "deploy",
        upstream_id: "putServersByQualifiedNameDeployments",
        method: "PUT",
        path: "/servers/{qualifiedName}/deployments",
        success_status: 202,
        success_body: Some("DeployResponse"),
        errors: &[(400, Typed("DeploymentError"))],
    },
    Operation {
        group: "servers",
        name: "list_deployments",
        upstream_id: "getServersByQualifiedNameDeployments",
        method: "GET",
        path: "/servers/{qualifiedName}/deployments",
        success_status: 200,
        success_body: Some("[DeploymentList]"),
        errors: &[(403, Typed("DeploymentError")), (404, Typed("DeploymentError"))],
    },
    Operation {
        group: "servers",
        name: "get_deployment_status",
        upstream_id: "getServersByQualifiedNameDeploymentsById",
        method: "GET",
        path: "/servers/{qualifiedName}/deployments/{id}",
        success_status: 200,
        success_body: Some("DeploymentInfo"),
        errors: &[(403, NoBody), (404, NoBody)],
    },
    Operation {
        group: "servers",
        name: "resume_deployment",
        upstream_id: "postServersByQualifiedNameDeploymentsByIdResume",
        method: "POST",
        path: "/servers/{qualifiedName}/deployments/{id}/resume",
        success_status: 202,
        success_body: None,
        errors: &[(400, NoBody), (403, NoBody), (404, NoBody)],
    },
    Operation {
        group: "servers",
        name: "get_logs",
        upstream_id: "getServersByQualifiedNameLogs",
        method: "GET",
        path: "/servers/{qualifiedName}/logs",
        success_status: 200,
        success_body: Some("RuntimeLogsResponse"),
        errors: &[
            (403, Typed("RuntimeLogsError")),
            (404, Typed("RuntimeLogsError")),
            (500, Typed("RuntimeLogsError")),
        ],
    },
    Operation {
        group: "servers",
        name: "get_by_qualified_name",
        upstream_id: "getServersByQualifiedName",
        method: "GET",
        path: "/servers/{qualifiedName}",
        success_status: 200,
        success_body: Some("Server"),
        errors: &[(404, Typed("RegistryError"))],
    },
    Operation {
        group: "servers",
        name: "list",
        upstream_id: "getServers",
        method: "GET",
        path: "/servers",
        success_status: 200,
        success_body: Some("ServersListResponse"),
        errors: &[
            (400, Typed("RegistryError")),
            (401, Typed("RegistryError")),
            (422, Typed("RegistryError")),
        ],
    },
    Operation {
        group: "service",
        name: "health_check",
        upstream_id: "getHealth",
        method: "GET",
        path: "/health",
        success_status: 200,
        success_body: Some("Health"),
        errors: &[(500, Typed("HealthError"))],
    },
    Operation {
        group: "uplink",
        name: "create_token",
        upstream_id: "postUplinkToken",
        method: "POST",
        path: "/uplink/token",
        success_status: 200,
        success_body: Some("UplinkTokenResponse"),
        errors: &[(401, Typed("UplinkError")), (500, Typed("UplinkError"))],
    },
];

/// Undocumented statuses every operation is checked with (where the operation does not
/// document them): each must come back as the generic API error.
pub const UNDOCUMENTED_SAMPLE: &[u16] = &[401, 403, 409, 429, 500, 502, 503];

pub fn operation(name: &str) -> &'static Operation {
    OPERATIONS
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no operation `{name}` in the contract"))
}
