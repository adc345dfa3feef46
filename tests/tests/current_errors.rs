//! Status to error kind for every endpoint of the current API. Each of the 51 endpoints is
//! called against loopback servers (both hosts) answering 400, 401, 403, 404, 409, 422,
//! 429, 500 and an unlisted status (418), once with the spec's error body
//! (`{"error": ...}` plus other members) and once with a body that is not JSON. For each
//! pair the test asserts `Error::kind()`, the status, and that the body is kept: typed as
//! `types::ApiError` (extra members included) when it parses, raw otherwise.
//!
//! Retries are off, so each call is one request.

// Deprecated endpoints fail like the others.
#![allow(deprecated)]

mod support;

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use serde_json::json;
use smithery_registry::prelude::*;
use smithery_registry::{Client, Error, ErrorKind, types};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

type Failure = Result<(), Error<types::ApiError>>;
type Call<'a> = Pin<Box<dyn Future<Output = Failure> + 'a>>;

/// One endpoint: its Rust method name and how to call it with every required argument.
struct Endpoint {
    name: &'static str,
    call: for<'a> fn(&'a Client) -> Call<'a>,
}

/// Sends a builder and keeps only the error.
macro_rules! endpoint {
    ($name:literal, |$c:ident| $builder:expr) => {
        Endpoint {
            name: $name,
            call: |$c| Box::pin(async move { $builder.send().await.map(|_| ()) }),
        }
    };
}

/// A request body of type `T` from JSON.
fn body<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("the body fits its type")
}

fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint!("check_health", |c| c.check_health()),
        endpoint!("create_server", |c| c
            .create_server()
            .qualified_name("acme/weather")
            .body(body::<types::ServerCreateRequest>(json!({"displayName": "W"})))),
        endpoint!("update_server", |c| c
            .update_server()
            .qualified_name("acme/weather")
            .body(body::<types::ServerUpdateRequest>(json!({"unlisted": true})))),
        endpoint!("list_servers", |c| c.list_servers().q("weather")),
        endpoint!("delete_server", |c| c.delete_server().qualified_name("acme/weather")),
        endpoint!("download_server", |c| c
            .download_server()
            .qualified_name("acme/weather")),
        endpoint!("get_server", |c| c.get_server().qualified_name("acme/weather")),
        endpoint!("transfer_server", |c| c
            .transfer_server()
            .qualified_name("acme/weather")
            .body(body::<types::ServerTransferRequest>(
                json!({"targetNamespace": "beta", "targetOrganizationId": "org-2"})
            ))),
        endpoint!("list_releases", |c| c.list_releases().qualified_name("acme/weather")),
        endpoint!("deploy_release", |c| c
            .deploy_release()
            .qualified_name("acme/weather")
            .payload(body::<types::DeployPayload>(
                json!({"type": "external", "upstreamUrl": "https://mcp.example.com"})
            ))),
        endpoint!("get_release", |c| c
            .get_release()
            .qualified_name("acme/weather")
            .id("r-1")),
        endpoint!("resume_release", |c| c
            .resume_release()
            .qualified_name("acme/weather")
            .id("latest")),
        endpoint!("stream_release", |c| c
            .stream_release()
            .qualified_name("acme/weather")
            .id("r-1")),
        endpoint!("list_logs", |c| c.list_logs().qualified_name("acme/weather")),
        endpoint!("list_secrets", |c| c.list_secrets().qualified_name("acme/weather")),
        endpoint!("delete_secret", |c| c
            .delete_secret()
            .qualified_name("acme/weather")
            .secret_name("API KEY")),
        endpoint!("set_secret", |c| c
            .set_secret()
            .qualified_name("acme/weather")
            .body(body::<types::SecretSetRequest>(json!({"name": "K", "value": "v"})))),
        endpoint!("delete_icon", |c| c.delete_icon().qualified_name("acme/weather")),
        endpoint!("get_icon", |c| c.get_icon().qualified_name("acme/weather")),
        endpoint!("upload_icon", |c| c
            .upload_icon()
            .qualified_name("acme/weather")
            .file(b"\x89PNG".to_vec())),
        endpoint!("update_domain", |c| c
            .update_domain()
            .qualified_name("acme/weather")
            .domain_id("managed")
            .body(body::<types::DomainUpdateRequest>(json!({"subdomain": "wx"})))),
        endpoint!("list_domains", |c| c.list_domains().qualified_name("acme/weather")),
        endpoint!("create_skill", |c| c.create_skill().body(body::<
            types::SkillCreateRequest,
        >(
            json!({"gitUrl": "https://github.com/a/b", "namespace": "acme", "slug": "pdf"})
        ))),
        endpoint!("list_skills", |c| c.list_skills()),
        endpoint!("delete_skill", |c| c.delete_skill().namespace("acme").slug("pdf")),
        endpoint!("download_skill", |c| c.download_skill().namespace("acme").slug("pdf")),
        endpoint!("get_skill", |c| c.get_skill().namespace("acme").slug("pdf")),
        endpoint!("set_skill", |c| c.set_skill().namespace("acme").slug("pdf").body(
            body::<types::SkillSetRequest>(json!({"gitUrl": "https://github.com/a/b"}))
        )),
        endpoint!("sync_skill", |c| c.sync_skill().namespace("acme").slug("pdf")),
        endpoint!("upload_skill", |c| c
            .upload_skill()
            .namespace("acme")
            .slug("pdf")
            .archive(b"PK\x03\x04".to_vec())),
        endpoint!("create_namespace", |c| c.create_namespace()),
        endpoint!("list_namespaces", |c| c.list_namespaces()),
        endpoint!("delete_namespace", |c| c.delete_namespace().name("acme")),
        endpoint!("set_namespace", |c| c.set_namespace().name("acme")),
        endpoint!("create_namespace_server", |c| c
            .create_namespace_server()
            .namespace("acme")
            .server("weather")
            .body(body::<types::ServerCreateRequest>(json!({})))),
        endpoint!("create_api_key", |c| c.create_api_key().org_id("org-1").body(body::<
            types::ApiKeyCreateRequest,
        >(
            json!({"name": "ci"})
        ))),
        endpoint!("list_api_keys", |c| c.list_api_keys().org_id("org-1")),
        endpoint!("delete_api_key", |c| c.delete_api_key().org_id("org-1").key_id("k-1")),
        endpoint!("create_token", |c| c
            .create_token()
            .body(body::<types::CreateTokenRequest>(json!({})))),
        endpoint!("create_connection", |c| c
            .create_connection()
            .namespace("acme")
            .body(body::<types::ConnectionRequest>(json!({"server": "acme/weather"})))),
        endpoint!("list_connections", |c| c.list_connections().namespace("acme")),
        endpoint!("delete_connection", |c| c
            .delete_connection()
            .namespace("acme")
            .connection_id("c-1")),
        endpoint!("get_connection", |c| c
            .get_connection()
            .namespace("acme")
            .connection_id("c-1")),
        endpoint!("set_connection", |c| c
            .set_connection()
            .namespace("acme")
            .connection_id("c-1")
            .body(body::<types::ConnectionRequest>(
                json!({"mcpUrl": "https://mcp.example.com"})
            ))),
        endpoint!("list_tools", |c| c.list_tools().namespace("acme").connection_id("c-1")),
        endpoint!("call_tool", |c| c
            .call_tool()
            .namespace("acme")
            .connection_id("c-1")
            .tool_path("weather/forecast")
            .body(body::<types::ToolArguments>(json!({"city": "Paris"})))),
        endpoint!("get_tool", |c| c
            .get_tool()
            .namespace("acme")
            .connection_id("c-1")
            .tool_path("weather")),
        endpoint!("list_triggers", |c| c
            .list_triggers()
            .namespace("acme")
            .connection_id("c-1")),
        endpoint!("get_trigger", |c| c
            .get_trigger()
            .namespace("acme")
            .connection_id("c-1")
            .trigger_name("push")),
        endpoint!("subscribe_trigger", |c| c
            .subscribe_trigger()
            .namespace("acme")
            .connection_id("c-1")
            .trigger_name("push")
            .body(body::<types::TriggerSubscribeRequest>(
                json!({"params": {}, "delivery": {"url": "https://hook.example.com", "secret": "whsec_x"}})
            ))),
        endpoint!("unsubscribe_trigger", |c| c
            .unsubscribe_trigger()
            .namespace("acme")
            .connection_id("c-1")
            .trigger_name("push")
            .body(body::<types::TriggerUnsubscribeRequest>(
                json!({"params": {}, "delivery": {"url": "https://hook.example.com"}})
            ))),
    ]
}

/// The statuses and the kind each must give (the official SDK's error classes).
const STATUSES: [(u16, ErrorKind); 9] = [
    (400, ErrorKind::BadRequest),
    (401, ErrorKind::Unauthenticated),
    (403, ErrorKind::PermissionDenied),
    (404, ErrorKind::NotFound),
    (409, ErrorKind::Conflict),
    (422, ErrorKind::Unprocessable),
    (429, ErrorKind::RateLimited),
    (500, ErrorKind::ServerError),
    (418, ErrorKind::Other),
];

/// Both hosts answer every request with `response`.
async fn servers_answering(response: ResponseTemplate) -> (MockServer, MockServer, Client) {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    for server in [&api, &connect] {
        Mock::given(any()).respond_with(response.clone()).mount(server).await;
    }
    let client = support::current_client(&api.uri(), &connect.uri());
    (api, connect, client)
}

/// The Rust method names `spec/SDK-METHODS.md` lists, one per endpoint.
fn documented_methods() -> BTreeSet<String> {
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/SDK-METHODS.md"))
        .expect("spec/SDK-METHODS.md is in the repository");
    table
        .lines()
        .filter(|line| line.starts_with("| `"))
        .filter_map(|line| line.trim_end_matches('|').rsplit('|').next())
        .map(|cell| cell.trim().trim_matches('`').to_owned())
        .collect()
}

#[test]
fn the_table_covers_every_endpoint_once() {
    let names: Vec<&str> = endpoints().iter().map(|e| e.name).collect();
    let unique: BTreeSet<String> = names.iter().map(|n| n.to_string()).collect();
    assert_eq!(names.len(), 51);
    assert_eq!(unique.len(), 51, "a method listed twice");
    assert_eq!(unique, documented_methods());
}

#[tokio::test]
async fn every_endpoint_maps_every_error_status_to_its_kind_and_keeps_the_typed_body() {
    let mut asserted = 0;
    for (status, kind) in STATUSES {
        let message = format!("refused with {status}");
        let (api, connect, client) = servers_answering(
            ResponseTemplate::new(status).set_body_json(json!({"error": message, "requestId": "req-7"})),
        )
        .await;
        for endpoint in endpoints() {
            let error = (endpoint.call)(&client)
                .await
                .expect_err("every status here is an error");
            let what = format!("{} / {status}", endpoint.name);
            assert_eq!(error.kind(), kind, "{what}: {error}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{what}");
            assert_eq!(error.attempts(), 1, "{what}: retries are off");
            assert_eq!(error.operation(), endpoint.name, "{what}");
            match &error {
                Error::Documented { body, .. } => {
                    assert_eq!(body.error, message, "{what}");
                    assert_eq!(body.extra.get("requestId"), Some(&json!("req-7")), "{what}");
                }
                other => panic!("{what}: expected the typed body, got {other:?}"),
            }
            assert!(error.to_string().contains(&message), "{what}: {error}");
            asserted += 1;
        }
        let sent = api.received_requests().await.expect("recorded").len()
            + connect.received_requests().await.expect("recorded").len();
        assert_eq!(sent, 51, "one request per endpoint at {status}");
    }
    assert_eq!(asserted, 51 * 9);
}

#[tokio::test]
async fn every_endpoint_keeps_an_error_body_that_is_not_json_raw() {
    let mut asserted = 0;
    for (status, kind) in STATUSES {
        let page = format!("<html>gateway says {status}</html>");
        let (_api, _connect, client) =
            servers_answering(ResponseTemplate::new(status).set_body_raw(page.clone(), "text/html")).await;
        for endpoint in endpoints() {
            let error = (endpoint.call)(&client)
                .await
                .expect_err("every status here is an error");
            let what = format!("{} / {status}", endpoint.name);
            assert_eq!(error.kind(), kind, "{what}: {error}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{what}");
            match &error {
                Error::Status { body, headers, .. } => {
                    assert_eq!(body.as_ref(), page.as_bytes(), "{what}");
                    assert_eq!(
                        headers.get("content-type").and_then(|v| v.to_str().ok()),
                        Some("text/html"),
                        "{what}"
                    );
                }
                other => panic!("{what}: expected the raw body, got {other:?}"),
            }
            asserted += 1;
        }
    }
    assert_eq!(asserted, 51 * 9);
}

/// The response's headers reach the caller: on the value of a success and on a documented
/// error (both read through the runtime's `json_response`, which moves them rather than
/// copying them).
#[tokio::test]
async fn responses_and_documented_errors_keep_their_headers() {
    let health = json!({"status": "ok", "timestamp": "2026-01-01T00:00:00Z"});
    let (_api, _connect, client) = servers_answering(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "ok-1")
            .set_body_json(health),
    )
    .await;
    let value = client.check_health().send().await.expect("200");
    assert_eq!(
        value.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"ok-1"[..])
    );
    assert_eq!(value.into_inner().status, "ok");

    let (_api, _connect, client) = servers_answering(
        ResponseTemplate::new(404)
            .insert_header("x-request-id", "err-2")
            .set_body_json(json!({"error": "no such server"})),
    )
    .await;
    let error = client
        .get_server()
        .qualified_name("acme/none")
        .send()
        .await
        .expect_err("404");
    assert!(matches!(error, Error::Documented { .. }), "{error:?}");
    assert_eq!(
        error
            .headers()
            .and_then(|h| h.get("x-request-id"))
            .map(|v| v.as_bytes()),
        Some(&b"err-2"[..])
    );
}
