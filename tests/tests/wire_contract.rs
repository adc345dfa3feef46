//! Every documented operation and every documented error mapping, on the wire, against a
//! loopback mock server: the request the client sends, the documented error statuses as
//! typed errors, everything else as the generic API error, and the success bodies (with
//! every nullable field null and every optional field absent, and with all of them set).

mod contract;
mod support;

use contract::{ErrorBody, OPERATIONS, Operation, UNDOCUMENTED_SAMPLE};
use serde_json::{Value, json};
use smithery_registry::seed::Error;
use smithery_registry::seed::prelude::*;
use smithery_registry::seed::types::DeployPayload;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// What a call came back with, reduced to what the contract speaks of.
#[derive(Debug, PartialEq)]
enum Outcome {
    Success {
        status: u16,
    },
    /// A documented error with its typed body; `schema` is the Rust type's name.
    Typed {
        status: u16,
        schema: &'static str,
        message: String,
    },
    /// The generic API error, with the raw body (as text, so that a failure reads well).
    Generic {
        status: u16,
        body: String,
    },
    Other(String),
}

fn outcome<T, E: std::fmt::Debug>(
    result: Result<smithery_registry::seed::ResponseValue<T>, Error<E>>,
    typed: impl Fn(&E) -> (&'static str, String),
) -> Outcome {
    match result {
        Ok(value) => Outcome::Success {
            status: value.status().as_u16(),
        },
        Err(Error::Documented { status, body, .. }) => {
            let (schema, message) = typed(&body);
            Outcome::Typed {
                status: status.as_u16(),
                schema,
                message,
            }
        }
        Err(Error::Status { status, body, .. }) => Outcome::Generic {
            status: status.as_u16(),
            body: String::from_utf8_lossy(&body).into_owned(),
        },
        Err(other) => Outcome::Other(format!("{other:?}")),
    }
}

/// Calls `name` the way the README shows, with every parameter it has.
async fn call(client: &Client, name: &str) -> Outcome {
    macro_rules! typed {
        ($schema:literal) => {
            |body: &_| {
                (
                    $schema,
                    smithery_registry::seed::ErrorBody::message(body)
                        .unwrap_or_default()
                        .to_owned(),
                )
            }
        };
    }
    let untyped = |_: &()| ("", String::new());
    match name {
        "deploy" => outcome(
            client
                .deploy()
                .qualified_name("acme/weather")
                .payload(DeployPayload::hosted())
                .module(b"export default {}".to_vec())
                .sourcemap(b"{}".to_vec())
                .send()
                .await,
            typed!("DeploymentError"),
        ),
        "list_deployments" => outcome(
            client.list_deployments().qualified_name("acme/weather").send().await,
            typed!("DeploymentError"),
        ),
        "get_deployment_status" => outcome(
            client
                .get_deployment_status()
                .qualified_name("acme/weather")
                .id("d-1")
                .send()
                .await,
            untyped,
        ),
        "resume_deployment" => outcome(
            client
                .resume_deployment()
                .qualified_name("acme/weather")
                .id("latest")
                .send()
                .await,
            untyped,
        ),
        "get_logs" => outcome(
            client
                .get_logs()
                .qualified_name("acme/weather")
                .from(
                    "2026-01-01T00:00:00Z"
                        .parse::<chrono::DateTime<chrono::Utc>>()
                        .expect("date"),
                )
                .to("2026-01-01T01:00:00Z"
                    .parse::<chrono::DateTime<chrono::Utc>>()
                    .expect("date"))
                .limit(50)
                .send()
                .await,
            typed!("RuntimeLogsError"),
        ),
        "get_by_qualified_name" => outcome(
            client
                .get_by_qualified_name()
                .qualified_name("acme/weather")
                .send()
                .await,
            typed!("RegistryError"),
        ),
        "list" => outcome(
            client
                .list()
                .page(std::num::NonZeroU64::new(2).expect("nonzero"))
                .page_size(std::num::NonZeroU64::new(5).expect("nonzero"))
                .q("owner:mem0ai is:verified memory")
                .send()
                .await,
            typed!("RegistryError"),
        ),
        "health_check" => outcome(client.health_check().send().await, typed!("HealthError")),
        "create_token" => outcome(client.create_token().send().await, typed!("UplinkError")),
        other => panic!("the test does not know how to call `{other}`"),
    }
}

/// The request each call above must produce: path with encoded parameters, and query.
fn expected_target(name: &str) -> (&'static str, Option<&'static str>) {
    match name {
        "deploy" | "list_deployments" => ("/servers/acme%2Fweather/deployments", None),
        "get_deployment_status" => ("/servers/acme%2Fweather/deployments/d-1", None),
        "resume_deployment" => ("/servers/acme%2Fweather/deployments/latest/resume", None),
        "get_logs" => (
            "/servers/acme%2Fweather/logs",
            Some("from=2026-01-01T00%3A00%3A00Z&limit=50&to=2026-01-01T01%3A00%3A00Z"),
        ),
        "get_by_qualified_name" => ("/servers/acme%2Fweather", None),
        "list" => (
            "/servers",
            // Spaces as `%20`, as the reference SDK's percent-encoding sends them (not the
            // `+` of form encoding, which a server reading RFC 3986 would keep as `+`).
            Some("page=2&pageSize=5&q=owner%3Amem0ai%20is%3Averified%20memory"),
        ),
        "health_check" => ("/health", None),
        "create_token" => ("/uplink/token", None),
        other => panic!("no expected target for `{other}`"),
    }
}

/// Success bodies: the smallest the schema allows (nullable fields null, optional ones
/// absent) and the fullest.
fn success_bodies(name: &str) -> Vec<Option<Value>> {
    match name {
        "deploy" => vec![
            Some(json!({"deploymentId": "d-1", "status": "WORKING", "mcpUrl": "https://x/mcp"})),
            Some(
                json!({"deploymentId": "d-1", "status": "WORKING", "mcpUrl": "https://x/mcp", "warnings": ["slow start"]}),
            ),
        ],
        "list_deployments" => vec![
            Some(json!([{"id": "d-1", "status": "SUCCESS", "createdAt": "c", "updatedAt": "u"}])),
            Some(
                json!([{"id": "d-1", "status": "SUCCESS", "mcpUrl": "https://x/mcp", "createdAt": "c", "updatedAt": "u"}]),
            ),
        ],
        "get_deployment_status" => vec![
            Some(json!({"id": "d-1", "status": "PENDING", "createdAt": "c", "updatedAt": "u"})),
            Some(
                json!({"id": "d-1", "status": "FAILURE", "mcpUrl": "https://x/mcp", "createdAt": "c", "updatedAt": "u",
                "logs": [{"stage": "deploy", "level": "error", "message": "m", "timestamp": "t", "error": {"message": "boom"}},
                         {"stage": "publish", "level": "info", "message": "m", "timestamp": "t", "error": {}}]}),
            ),
        ],
        "resume_deployment" => vec![None],
        "get_logs" => vec![
            Some(json!({"invocations": [], "total": 0})),
            Some(json!({"total": 1, "invocations": [{
                "id": "i-1", "timestamp": "t", "request": {"method": "POST", "url": "https://x/mcp"},
                "response": {"status": 200, "outcome": "ok"}, "duration": {"cpuMs": 1.5, "wallMs": 20},
                "logs": [{"timestamp": "t", "level": "info", "message": "hello"}],
                "exceptions": [{"timestamp": "t", "name": "Error", "message": "m"},
                               {"timestamp": "t", "name": "Error", "message": "m", "stack": "at x"}]}]})),
        ],
        "get_by_qualified_name" => vec![
            Some(
                json!({"qualifiedName": "acme/weather", "displayName": "W", "description": "D", "iconUrl": null,
                "remote": false, "deploymentUrl": null, "connections": [], "security": null, "tools": null}),
            ),
            Some(
                json!({"qualifiedName": "acme/weather", "displayName": "W", "description": "D", "iconUrl": "https://x/i.png",
                "remote": true, "deploymentUrl": "https://x", "security": {"scanPassed": true},
                "connections": [
                    {"type": "stdio", "configSchema": {}},
                    {"type": "stdio", "bundleUrl": "https://x/b", "runtime": "node", "stdioFunction": "f", "configSchema": {"type": "object"}},
                    {"type": "http", "deploymentUrl": "https://x/mcp", "configSchema": {}}],
                "tools": [{"name": "t", "description": null, "inputSchema": {"type": "object"}},
                          {"name": "u", "description": "d", "inputSchema": {"type": "object", "properties": {"a": {"type": "string"}}}}]}),
            ),
        ],
        "list" => vec![
            Some(
                json!({"servers": [{"qualifiedName": "a", "displayName": null, "description": null, "iconUrl": null,
                "verified": false, "useCount": 0, "remote": null, "isDeployed": false, "createdAt": "c", "homepage": "h"}],
                "pagination": {"currentPage": 2, "pageSize": 5, "totalPages": 3, "totalCount": 11}}),
            ),
            Some(
                json!({"servers": [{"qualifiedName": "a", "displayName": "A", "description": "d", "iconUrl": "i",
                "verified": true, "useCount": 42, "remote": true, "isDeployed": true, "createdAt": "c", "homepage": "h"}],
                "pagination": {"currentPage": 2, "pageSize": 5, "totalPages": 3, "totalCount": 11}}),
            ),
        ],
        "health_check" => vec![Some(json!({"status": "ok", "timestamp": "2026-01-01T00:00:00Z"}))],
        "create_token" => vec![Some(json!({"authtoken": "tok_123", "domain": "ngrok.smithery.ai"}))],
        other => panic!("no success bodies for `{other}`"),
    }
}

async fn respond_once(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn only_request(requests: Vec<Request>) -> Request {
    assert_eq!(requests.len(), 1, "exactly one request per call");
    requests.into_iter().next().expect("one")
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn each_operation_sends_the_documented_request() {
    for operation in OPERATIONS {
        let body = success_bodies(operation.name).remove(0);
        let template = ResponseTemplate::new(operation.success_status);
        let server = respond_once(match body {
            Some(body) => template.set_body_json(body),
            None => template,
        })
        .await;
        let result = call(&support::client(&server.uri()), operation.name).await;
        assert_eq!(
            result,
            Outcome::Success {
                status: operation.success_status
            },
            "{}",
            operation.name
        );

        let request = only_request(server.received_requests().await.expect("recorded"));
        let name = operation.name;
        assert_eq!(request.method.as_str(), operation.method, "{name}");
        let (path, query) = expected_target(name);
        assert_eq!(request.url.path(), path, "{name}");
        assert_eq!(request.url.query(), query, "{name}");
        assert_eq!(
            header(&request, "authorization"),
            Some(format!("Bearer {}", support::TOKEN).as_str()),
            "{name}"
        );
        let accept = if operation.success_body.is_some() {
            "application/json"
        } else {
            "*/*"
        };
        assert_eq!(header(&request, "accept"), Some(accept), "{name}");
        if name == "deploy" {
            let content_type = header(&request, "content-type").expect("content type");
            let parts = support::parse_multipart(content_type, &request.body);
            let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names, ["payload", "module", "sourcemap"]);
            assert_eq!(parts[0].body, br#"{"type":"hosted"}"#);
        } else {
            assert!(request.body.is_empty(), "{name} sends no body");
            assert_eq!(header(&request, "content-type"), None, "{name}");
        }
    }
}

#[tokio::test]
async fn each_success_body_deserializes_with_nulls_absences_and_everything_set() {
    for operation in OPERATIONS {
        for (i, body) in success_bodies(operation.name).into_iter().enumerate() {
            let template = ResponseTemplate::new(operation.success_status);
            let server = respond_once(match body {
                Some(body) => template.set_body_json(body),
                None => template,
            })
            .await;
            let result = call(&support::client(&server.uri()), operation.name).await;
            assert_eq!(
                result,
                Outcome::Success {
                    status: operation.success_status
                },
                "{} body #{i}",
                operation.name
            );
        }
    }
}

#[tokio::test]
async fn each_documented_error_status_gives_the_documented_error() {
    for operation in OPERATIONS {
        for (status, body) in operation.errors {
            let message = format!("{} failed with {status}", operation.name);
            let raw = serde_json::to_vec(&json!({"error": message})).expect("json");
            let server =
                respond_once(ResponseTemplate::new(*status).set_body_raw(raw.clone(), "application/json")).await;
            let result = call(&support::client(&server.uri()), operation.name).await;
            let expected = match body {
                ErrorBody::Typed(schema) => Outcome::Typed {
                    status: *status,
                    schema,
                    message,
                },
                ErrorBody::NoBody => Outcome::Generic {
                    status: *status,
                    body: String::from_utf8_lossy(&raw).into_owned(),
                },
            };
            assert_eq!(result, expected, "{} {status}", operation.name);
        }
    }
}

#[tokio::test]
async fn other_statuses_give_the_generic_api_error_with_the_raw_body() {
    for operation in OPERATIONS {
        let documented: Vec<u16> = operation.errors.iter().map(|(s, _)| *s).collect();
        for status in UNDOCUMENTED_SAMPLE.iter().filter(|s| !documented.contains(s)) {
            let raw = format!("upstream said {status}");
            let server = respond_once(ResponseTemplate::new(*status).set_body_raw(raw.clone(), "text/plain")).await;
            let result = call(&support::client(&server.uri()), operation.name).await;
            assert_eq!(
                result,
                Outcome::Generic {
                    status: *status,
                    body: raw
                },
                "{} {status}",
                operation.name
            );
        }
    }
}

#[test]
fn the_contract_covers_every_operation_the_test_can_call() {
    let names: Vec<&str> = OPERATIONS.iter().map(|o: &Operation| o.name).collect();
    assert_eq!(names.len(), 9);
    for name in names {
        let _ = expected_target(name);
        assert!(!success_bodies(name).is_empty());
    }
}
