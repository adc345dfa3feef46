//! Responses from a newer registry still deserialize: unknown fields, enum values and
//! shapes are kept, not rejected.

mod support;

use smithery_registry::seed::prelude::*;
use smithery_registry::seed::types::{Connection, DeploymentLogEntryStage};
use support::fixtures;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(route: &str, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let mut body = fixtures::server();
    body["popularity"] = serde_json::json!({"rank": 1});
    body["connections"][0]["region"] = serde_json::json!("eu");
    let server = serve("/servers/acme%2Fweather", body).await;
    let found = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect("ok");
    assert_eq!(found.display_name, "Weather");
}

#[tokio::test]
async fn a_new_log_stage_deserializes_as_unknown_and_round_trips() {
    let mut body = fixtures::deployment_info("WORKING");
    body["logs"] = serde_json::json!([
        {"stage": "scan", "level": "info", "message": "scanning", "timestamp": "t"},
        {"stage": "sandbox", "level": "info", "message": "new stage", "timestamp": "t"}
    ]);
    let server = serve("/servers/acme%2Fweather/deployments/d-1", body).await;
    let info = support::client(&server.uri())
        .get_deployment_status()
        .qualified_name("acme/weather")
        .id("d-1")
        .send()
        .await
        .expect("ok");
    let logs = info.logs.clone();
    assert_eq!(logs[0].stage, DeploymentLogEntryStage::Scan);
    assert_eq!(logs[1].stage, DeploymentLogEntryStage::Unknown("sandbox".into()));
    assert_eq!(logs[1].stage.to_string(), "sandbox");
    assert_eq!(
        serde_json::to_value(&logs[1].stage).expect("serializes"),
        serde_json::json!("sandbox")
    );
}

#[tokio::test]
async fn a_new_connection_shape_is_kept_as_sent() {
    let mut body = fixtures::server();
    body["connections"] = serde_json::json!([{"type": "websocket", "url": "wss://example.com"}]);
    let server = serve("/servers/acme%2Fweather", body).await;
    let found = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect("ok");
    assert_eq!(
        found.connections,
        [Connection::Unknown(
            serde_json::json!({"type": "websocket", "url": "wss://example.com"})
        )]
    );
}

#[tokio::test]
async fn known_connection_shapes_are_told_apart_by_their_type() {
    let server = serve("/servers/acme%2Fweather", fixtures::server()).await;
    let found = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect("ok");
    assert!(matches!(&found.connections[0], Connection::HttpConnection(c) if c.deployment_url.ends_with("/mcp")));
    assert!(matches!(&found.connections[1], Connection::StdioConnection(_)));
}

/// The fallback is for shapes the spec does not name: a connection whose `type` is a known
/// one but that lacks that type's required fields is a broken response, not a new shape.
#[tokio::test]
async fn a_malformed_known_connection_is_an_invalid_response_with_its_path() {
    let mut body = fixtures::server();
    body["connections"][0] = serde_json::json!({"type": "http", "configSchema": {}});
    let server = serve("/servers/acme%2Fweather", body).await;
    let error = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("the http connection lacks deploymentUrl");
    let smithery_registry::seed::Error::InvalidResponse { path, source, .. } = &error else {
        panic!("expected InvalidResponse, got {error:?}");
    };
    assert_eq!(path, "connections[0]");
    assert!(source.to_string().contains("`deploymentUrl`"), "{source}");
    // A success status with a body that does not match: its own kind, as the SDK tells a
    // schema mismatch from a status.
    assert_eq!(error.kind(), smithery_registry::ErrorKind::InvalidResponse);
    assert!(error.to_string().contains("connections[0]"), "{error}");
    let snippet = error.snippet().expect("the parser gives a position");
    assert!(snippet.contains(r#"{"configSchema":{},"type":"http"}"#), "{snippet}");
    assert!(snippet.len() <= 80, "{snippet}");
}

/// The same rule on the current API's `ServerConnection`.
#[tokio::test]
async fn the_current_api_tells_a_malformed_connection_from_a_new_one() {
    use smithery_registry::ClientServersExt as _;
    use smithery_registry::types::ServerConnection;

    let server_with = |connection: serde_json::Value| {
        serde_json::json!({
            "qualifiedName": "acme/weather",
            "displayName": "Weather",
            "description": "Forecasts",
            "remote": true,
            "deploymentUrl": null,
            "iconUrl": null,
            "prompts": null,
            "resources": null,
            "security": null,
            "tools": null,
            "connections": [connection]
        })
    };
    let malformed = serve(
        "/servers/acme%2Fweather",
        server_with(serde_json::json!({"type": "http", "configSchema": {}})),
    )
    .await;
    let client = |uri: &str| {
        smithery_registry::Client::builder()
            .base_url(uri)
            .bearer_token("test-token")
            .retry(smithery_registry::RetryPolicy::none())
            .build()
            .expect("client builds")
    };
    let error = client(&malformed.uri())
        .get_server()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("the http connection lacks deploymentUrl");
    let smithery_registry::Error::InvalidResponse { path, source, .. } = &error else {
        panic!("expected InvalidResponse, got {error:?}");
    };
    assert_eq!(path, "connections[0]");
    assert!(source.to_string().contains("`deploymentUrl`"), "{source}");

    let newer = serve(
        "/servers/acme%2Fweather",
        server_with(serde_json::json!({"type": "websocket", "url": "wss://example.com"})),
    )
    .await;
    let found = client(&newer.uri())
        .get_server()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect("a new connection type is kept");
    assert_eq!(
        found.connections,
        [ServerConnection::Unknown(
            serde_json::json!({"type": "websocket", "url": "wss://example.com"})
        )]
    );
}

/// Without a shared `type`, the JSON kind decides: a kind no branch takes is a new shape,
/// a kind some branch takes must parse as that branch.
#[test]
fn untagged_choices_without_a_tag_are_routed_by_json_kind() {
    use smithery_registry::types::{ConstraintMetadata, ConstraintTtl};

    let ttl: ConstraintTtl = serde_json::from_value(serde_json::json!("1h")).expect("a string ttl");
    assert_eq!(ttl, ConstraintTtl::String("1h".into()));
    let ttl: ConstraintTtl = serde_json::from_value(serde_json::json!(3600)).expect("a number ttl");
    assert_eq!(ttl, ConstraintTtl::Number(3600.0));
    let ttl: ConstraintTtl = serde_json::from_value(serde_json::json!({"hours": 1})).expect("a new shape");
    assert_eq!(ttl, ConstraintTtl::Unknown(serde_json::json!({"hours": 1})));

    let error = serde_json::from_value::<ConstraintMetadata>(serde_json::json!([1, 2]))
        .expect_err("a list must hold metadata objects");
    assert!(
        error
            .to_string()
            .contains("matches none of the shapes `ConstraintMetadata` takes"),
        "{error}"
    );
}
