//! What the client logs through `tracing`: each attempt, and never the token.
//!
//! Alone in its test binary: `tracing` caches per call site whether anyone listens, and a
//! test running beside this one on another thread must not race that cache.

mod support;

use smithery_registry::seed::prelude::*;

use wiremock::{MockServer, ResponseTemplate};

#[tokio::test]
async fn each_attempt_is_logged_with_operation_attempt_status_and_delay() {
    let server = MockServer::start().await;
    support::failing_then_ok(&server, 2, ResponseTemplate::new(503)).await;
    let (policy, _) = support::recorded_retries();
    let client = support::client(&server.uri()).with_retry(policy);
    let (result, logs) = support::capture_logs(client.health_check().send()).await;
    result.expect("succeeds");
    let retries: Vec<&str> = logs.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{logs}");
    assert!(
        retries[0].contains("operation=\"health_check\"") || retries[0].contains("operation=health_check"),
        "{logs}"
    );
    assert!(
        retries[0].contains("attempt=1") && retries[0].contains("status=503") && retries[0].contains("delay_ms=500"),
        "{logs}"
    );
    assert!(
        retries[1].contains("attempt=2") && retries[1].contains("delay_ms=750"),
        "{logs}"
    );
    assert!(
        logs.contains("attempt=3") && logs.contains("request succeeded"),
        "{logs}"
    );
    assert!(!logs.contains(support::TOKEN), "the token must never be logged");
}
