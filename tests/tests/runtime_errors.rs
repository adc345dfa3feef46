//! Each way a call can fail comes back as its own `Error` case, naming the operation and
//! (when a response arrived) the status.

mod support;

use std::time::Duration;

use smithery_registry::seed::Error;
use smithery_registry::seed::prelude::*;
use support::fixtures;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(status: u16, template: impl FnOnce(ResponseTemplate) -> ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/servers/acme%2Fweather"))
        .respond_with(template(ResponseTemplate::new(status)))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_documented_error_status_gives_the_typed_body() {
    let server = serve(404, |t| {
        t.set_body_json(serde_json::json!({"error": "Server not found"}))
    })
    .await;
    let error = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("404");
    let Error::Documented {
        operation,
        status,
        body,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (*operation, status.as_u16(), body.error.as_str()),
        ("get_by_qualified_name", 404, "Server not found")
    );
    assert_eq!(
        error.to_string(),
        "get_by_qualified_name: HTTP 404 Not Found: Server not found"
    );
}

#[tokio::test]
async fn an_undocumented_status_gives_the_generic_error_with_status_headers_and_raw_body() {
    let server = serve(418, |t| {
        t.insert_header("x-request-id", "r-1")
            .set_body_string("short and stout")
    })
    .await;
    let error = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("418");
    let Error::Status {
        status, headers, body, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 418);
    assert_eq!(headers.get("x-request-id").map(|v| v.as_bytes()), Some(&b"r-1"[..]));
    assert_eq!(&body[..], b"short and stout");
    assert_eq!(
        error.to_string(),
        "get_by_qualified_name: HTTP 418 I'm a teapot: short and stout"
    );
}

#[tokio::test]
async fn malformed_json_is_an_invalid_response_with_the_raw_body() {
    let server = serve(200, |t| t.set_body_raw("{\"qualifiedName\": ", "application/json")).await;
    let error = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("bad");
    let Error::InvalidResponse { status, body, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(&body[..], b"{\"qualifiedName\": ");
    assert!(
        error
            .to_string()
            .starts_with("get_by_qualified_name: HTTP 200 OK: the response does not match the schema")
    );
}

#[tokio::test]
async fn a_schema_mismatch_says_where_in_the_body() {
    let mut body = fixtures::server();
    body["connections"][1]["configSchema"] = serde_json::json!(null);
    body["tools"] =
        serde_json::json!([{"name": "t", "description": null, "inputSchema": {"type": "object"}}, {"name": 7}]);
    let server = serve(200, |t| t.set_body_json(body)).await;
    let error = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("bad");
    let Error::InvalidResponse { path, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(path, "tools[1].name");
}

#[tokio::test]
async fn a_wrong_content_type_with_a_non_json_body_is_an_invalid_response() {
    let server = serve(200, |t| t.set_body_raw("<html>maintenance</html>", "text/html")).await;
    let error = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("html");
    assert!(
        matches!(&error, Error::InvalidResponse { body, .. } if &body[..] == b"<html>maintenance</html>"),
        "{error:?}"
    );
    assert_eq!(error.kind(), smithery_registry::seed::ErrorKind::InvalidResponse);
}

#[tokio::test]
async fn json_under_another_content_type_is_accepted() {
    // Servers mislabel JSON often enough; the schema, not the header, decides.
    let server = serve(200, |t| t.set_body_raw(fixtures::server().to_string(), "text/plain")).await;
    let server_info = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect("parses");
    assert_eq!(server_info.qualified_name, "acme/weather");
}

#[tokio::test]
async fn an_empty_body_is_an_invalid_response() {
    let server = serve(200, |t| t).await;
    let error = support::client(&server.uri())
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("empty");
    assert!(
        matches!(&error, Error::InvalidResponse { body, .. } if body.is_empty()),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_multi_megabyte_body_is_read_whole() {
    let total = 20_000;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/servers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixtures::list_page(1, total, total)))
        .mount(&server)
        .await;
    let page = support::client(&server.uri()).list().send().await.expect("large page");
    assert_eq!(page.servers.len(), total);
    assert_eq!(
        page.servers[total - 1].qualified_name,
        format!("acme/server-{}", total - 1)
    );
    let size = server
        .received_requests()
        .await
        .map(|_| fixtures::list_page(1, total, total).to_string().len());
    assert!(
        size.is_some_and(|s| s > 4_000_000),
        "{size:?} bytes is not multi-megabyte"
    );
}

#[tokio::test]
async fn a_slow_server_times_out_per_client_and_per_call() {
    let server = serve(200, |t| {
        t.set_body_json(fixtures::server()).set_delay(Duration::from_secs(5))
    })
    .await;
    let client = support::client(&server.uri());
    let started = std::time::Instant::now();
    let error = client
        .with_timeout(Duration::from_millis(200))
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("timeout");
    assert!(
        matches!(
            error,
            Error::Timeout {
                operation: "get_by_qualified_name",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(
        error.to_string(),
        "get_by_qualified_name: no HTTP status, timed out after 200ms"
    );

    let client = smithery_registry::seed::Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry(smithery_registry::seed::RetryPolicy::none())
        .build()
        .expect("client");
    let error = client
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("timeout");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    let client = support::client(&support::refused_url().await);
    let error = client.health_check().send().await.expect_err("refused");
    assert!(
        matches!(
            error,
            Error::Connection {
                operation: "health_check",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.status().is_none());
    assert!(
        error
            .to_string()
            .starts_with("health_check: no HTTP status, connection failed: "),
        "{error}"
    );
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_a_transport_error_with_the_status() {
    let base = support::raw_server(|| {
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{\"status\": \"ok\", "
            .to_vec()
    })
    .await;
    let error = support::client(&base).health_check().send().await.expect_err("dropped");
    assert!(
        matches!(error, Error::Transport { status: Some(s), .. } if s == 200),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("health_check: HTTP 200 OK: connection failed"),
        "{error}"
    );
}

#[tokio::test]
async fn statuses_without_a_body_schema_are_generic_errors_with_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/servers/acme%2Fweather/deployments/d-1"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no such deployment"))
        .mount(&server)
        .await;
    let error = support::client(&server.uri())
        .get_deployment_status()
        .qualified_name("acme/weather")
        .id("d-1")
        .send()
        .await
        .expect_err("404");
    assert!(
        matches!(&error, Error::Status { status, body, .. } if *status == 404 && &body[..] == b"no such deployment"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_missing_required_parameter_is_refused_before_sending() {
    let server = MockServer::start().await;
    let error = support::client(&server.uri())
        .get_by_qualified_name()
        .send()
        .await
        .expect_err("missing");
    assert!(
        matches!(
            error,
            Error::InvalidRequest {
                operation: "get_by_qualified_name",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "get_by_qualified_name: no HTTP status, request not sent: `qualified_name` is required: set it with `.qualified_name(..)`"
    );
    assert!(server.received_requests().await.expect("recorded").is_empty());
}
