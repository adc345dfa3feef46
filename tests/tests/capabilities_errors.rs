//! Error bodies get their message from the field the schema has (`error`, `message`), or none.

use capabilities_client::prelude::*;
use capabilities_client::{Error, ErrorBody, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answering(route: &str, response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    (server, client)
}

#[tokio::test]
async fn a_message_field_named_message_is_shown() {
    let (_server, client) = answering(
        "/widgets/w9",
        ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "no widget w9", "code": "missing"})),
    )
    .await;
    let error = client.get_widget().widget_id("w9").send().await.expect_err("404");
    assert_eq!(error.body().and_then(ErrorBody::message), Some("no widget w9"));
    assert_eq!(error.to_string(), "get_widget: HTTP 404 Not Found: no widget w9");
}

#[tokio::test]
async fn a_message_field_named_error_is_shown() {
    let (_server, client) = answering(
        "/files/x/archive",
        ResponseTemplate::new(403).set_body_json(serde_json::json!({"error": "not yours"})),
    )
    .await;
    let Err(error) = client.download_archive().name("x").send().await else {
        panic!("403 must be an error");
    };
    assert_eq!(error.to_string(), "download_archive: HTTP 403 Forbidden: not yours");
}

#[tokio::test]
async fn a_body_without_a_message_field_is_typed_and_display_shows_the_status() {
    let (_server, client) = answering(
        "/gadgets",
        ResponseTemplate::new(503).set_body_json(serde_json::json!({"retryInSeconds": 30})),
    )
    .await;
    let error = client.list_gadgets().send().await.expect_err("503");
    match &error {
        Error::Documented { body, .. } => assert_eq!(body.retry_in_seconds, Some(30)),
        other => panic!("expected the typed body, got {other:?}"),
    }
    assert_eq!(error.body().and_then(ErrorBody::message), None);
    assert_eq!(error.to_string(), "list_gadgets: HTTP 503 Service Unavailable");
}
