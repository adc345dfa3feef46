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
