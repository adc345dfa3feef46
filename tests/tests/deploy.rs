//! `deploy` uploads: the multipart parts as the server receives them, from bytes or from a
//! file, sent in full again on a retry; and waiting for the deployment to finish.

mod support;

use std::time::Duration;

use smithery_registry::seed::prelude::*;
use smithery_registry::seed::types::{DeployPayload, ExternalDeployPayload, ExternalDeployPayloadType};
use smithery_registry::seed::{DeploymentStatus, WaitError, WaitOptions};
use support::{ReceivedPart, fixtures};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn accepted() -> ResponseTemplate {
    ResponseTemplate::new(202).set_body_json(serde_json::json!({
        "deploymentId": "d-1", "status": "WORKING", "mcpUrl": "https://server.smithery.ai/acme/weather/mcp"
    }))
}

async fn deploy_server(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/servers/acme%2Fweather/deployments"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn parts(request: &Request) -> Vec<ReceivedPart> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    support::parse_multipart(content_type, &request.body)
}

#[tokio::test]
async fn a_hosted_deploy_sends_payload_module_and_sourcemap_parts() {
    let server = deploy_server(accepted()).await;
    let response = support::client(&server.uri())
        .deploy()
        .qualified_name("acme/weather")
        .payload(DeployPayload::hosted())
        .module(b"export default { fetch() {} }".to_vec())
        .sourcemap(&b"{\"version\":3}"[..])
        .send()
        .await
        .expect("accepted");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.deployment_id, "d-1");

    let requests = server.received_requests().await.expect("recorded");
    let received = parts(&requests[0]);
    let names: Vec<&str> = received.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["payload", "module", "sourcemap"]);
    assert_eq!(received[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&received[0].body).expect("json"),
        serde_json::json!({"type": "hosted"})
    );
    assert_eq!(received[1].content_type.as_deref(), Some("application/javascript"));
    assert_eq!(received[1].filename.as_deref(), Some("module"));
    assert_eq!(received[1].body, b"export default { fetch() {} }");
    assert_eq!(received[2].body, b"{\"version\":3}");
}

#[tokio::test]
async fn an_external_deploy_sends_only_the_payload() {
    let server = deploy_server(accepted()).await;
    let payload = DeployPayload::ExternalDeployPayload(ExternalDeployPayload {
        type_: ExternalDeployPayloadType::External,
        upstream_url: "https://mcp.example.com/mcp".into(),
        config_schema: Some(serde_json::json!({"type": "object"})),
    });
    support::client(&server.uri())
        .deploy()
        .qualified_name("acme/weather")
        .payload(payload)
        .send()
        .await
        .expect("ok");
    let received = parts(&server.received_requests().await.expect("recorded")[0]);
    assert_eq!(received.len(), 1);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&received[0].body).expect("json"),
        serde_json::json!({"type": "external", "upstreamUrl": "https://mcp.example.com/mcp", "configSchema": {"type": "object"}})
    );
    let stdio = serde_json::to_value(DeployPayload::stdio()).expect("serializes");
    assert_eq!(stdio, serde_json::json!({"type": "stdio"}));
}

#[tokio::test]
async fn the_payload_is_required() {
    let server = deploy_server(accepted()).await;
    let error = support::client(&server.uri())
        .deploy()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("no payload");
    assert!(
        error
            .to_string()
            .contains("`payload` is required: set it with `.payload(..)`"),
        "{error}"
    );
    assert!(server.received_requests().await.expect("recorded").is_empty());
}

#[tokio::test]
async fn a_module_from_a_file_is_streamed_and_resent_in_full_on_retry() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/servers/acme%2Fweather/deployments"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/servers/acme%2Fweather/deployments"))
        .respond_with(accepted())
        .with_priority(2)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let module = dir.path().join("index.js");
    let contents: Vec<u8> = (0..3_000_000u32).map(|i| b"abcdefghij"[(i % 10) as usize]).collect();
    std::fs::write(&module, &contents).expect("write");

    let (policy, recorder) = support::recorded_retries();
    support::client(&server.uri())
        .with_retry(policy)
        .deploy()
        .qualified_name("acme/weather")
        .payload(DeployPayload::hosted())
        .module(module.as_path())
        .send()
        .await
        .expect("second attempt accepted");
    assert_eq!(recorder.delays().len(), 1);
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let received = parts(request);
        assert_eq!(received.len(), 2);
        assert_eq!(received[1].name, "module");
        // A file keeps its own name; bytes are named after the part (see the test above).
        assert_eq!(received[1].filename.as_deref(), Some("index.js"));
        assert!(received[1].body == contents, "every attempt carries the whole file");
    }
}

#[tokio::test]
async fn a_missing_file_is_refused_before_sending() {
    let server = deploy_server(accepted()).await;
    let error = support::client(&server.uri())
        .deploy()
        .qualified_name("acme/weather")
        .payload(DeployPayload::hosted())
        .module(std::path::Path::new("/nonexistent/index.js"))
        .send()
        .await
        .expect_err("missing file");
    assert!(error.to_string().contains("module: /nonexistent/index.js"), "{error}");
    assert!(server.received_requests().await.expect("recorded").is_empty());
}

async fn status_sequence(statuses: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    for (i, status) in statuses.iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .and(path("/servers/acme%2Fweather/deployments/d-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(fixtures::deployment_info(status)))
            .with_priority(u8::try_from(i + 1).expect("few statuses"));
        let mock = if i + 1 < statuses.len() {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(&server).await;
    }
    server
}

fn quick() -> WaitOptions {
    WaitOptions {
        poll_interval: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn waiting_polls_through_unknown_statuses_until_a_terminal_one() {
    for terminal in [
        "SUCCESS",
        "AUTH_REQUIRED",
        "FAILURE",
        "FAILURE_SCAN",
        "INTERNAL_ERROR",
        "CANCELLED",
    ] {
        let server = status_sequence(&["PENDING", "WORKING", "QUEUED_FOR_REVIEW", terminal]).await;
        let info = support::client(&server.uri())
            .wait_for_deployment("acme/weather", "d-1", quick())
            .await
            .expect(terminal);
        assert_eq!(info.status, terminal);
        assert!(info.deployment_status().is_terminal());
        assert_eq!(
            server.received_requests().await.expect("recorded").len(),
            4,
            "{terminal}"
        );
    }
    assert_eq!(
        DeploymentStatus::parse("QUEUED_FOR_REVIEW"),
        DeploymentStatus::Other("QUEUED_FOR_REVIEW".into())
    );
    assert!(!DeploymentStatus::parse("QUEUED_FOR_REVIEW").is_terminal());
}

#[tokio::test]
async fn waiting_gives_up_after_the_timeout_with_the_last_status() {
    let server = status_sequence(&["WORKING"]).await;
    let options = WaitOptions {
        poll_interval: Duration::from_millis(20),
        timeout: Duration::from_millis(100),
    };
    let error = support::client(&server.uri())
        .wait_for_deployment("acme/weather", "d-1", options)
        .await
        .expect_err("timeout");
    assert!(
        matches!(
            &error,
            WaitError::TimedOut {
                last_status: DeploymentStatus::Working,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("get_deployment_status: deployment still WORKING after waiting"),
        "{error}"
    );
}

#[tokio::test]
async fn waiting_reports_a_failed_status_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let error = support::client(&server.uri())
        .wait_for_deployment("acme/weather", "d-1", quick())
        .await
        .expect_err("404");
    assert!(
        matches!(&error, WaitError::Request(e) if e.status().map(|s| s.as_u16()) == Some(404)),
        "{error:?}"
    );
}
