//! Retries: the schedule, Retry-After, exhaustion, switching them off, and their logs.
//! No test sleeps: delays go to a recording sleeper.

mod support;

use std::time::Duration;

use smithery_registry::seed::prelude::*;
use smithery_registry::seed::{Error, RetryPolicy};
use support::fixtures;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn server_errors_are_retried_on_the_default_exponential_schedule() {
    let server = MockServer::start().await;
    support::failing_then_ok(&server, 4, ResponseTemplate::new(502)).await;
    let (policy, recorder) = support::recorded_retries();
    let client = support::client(&server.uri()).with_retry(policy);

    let health = client
        .health_check()
        .send()
        .await
        .expect("succeeds on the fifth attempt");
    assert_eq!(health.status, "ok");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 5);
    let millis: Vec<u128> = recorder.delays().iter().map(Duration::as_millis).collect();
    assert_eq!(millis, [500, 750, 1125, 1687]);
}

#[tokio::test]
async fn documented_5xx_bodies_are_retried_too() {
    let server = MockServer::start().await;
    support::failing_then_ok(
        &server,
        1,
        ResponseTemplate::new(500).set_body_json(serde_json::json!({"error": "Service unhealthy"})),
    )
    .await;
    let (policy, recorder) = support::recorded_retries();
    let client = support::client(&server.uri()).with_retry(policy);
    client.health_check().send().await.expect("second attempt succeeds");
    assert_eq!(recorder.delays(), [Duration::from_millis(500)]);
}

#[tokio::test]
async fn retry_after_sets_the_delay_on_429_and_503() {
    for status in [429, 503] {
        let server = MockServer::start().await;
        support::failing_then_ok(
            &server,
            1,
            ResponseTemplate::new(status).insert_header("retry-after", "7"),
        )
        .await;
        let (policy, recorder) = support::recorded_retries();
        let client = support::client(&server.uri()).with_retry(policy);
        client.health_check().send().await.expect("retried");
        assert_eq!(recorder.delays(), [Duration::from_secs(7)], "status {status}");
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    support::failing_then_ok(&server, 1, ResponseTemplate::new(404)).await;
    let (policy, recorder) = support::recorded_retries();
    let error = support::client(&server.uri())
        .with_retry(policy)
        .health_check()
        .send()
        .await
        .expect_err("404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(recorder.delays().is_empty());
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

#[tokio::test]
async fn retries_stop_when_the_time_budget_is_spent_and_return_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let (policy, recorder) = support::recorded_retries();
    // 500 + 750 + 1125 = 2375 ms fit in 3 s; the next delay (1687 ms) does not.
    let client = support::client(&server.uri()).with_retry(policy.max_elapsed(Duration::from_secs(3)));
    let error = client.health_check().send().await.expect_err("exhausted");
    assert!(
        matches!(error, Error::Status { status, .. } if status == 503),
        "{error:?}"
    );
    assert_eq!(recorder.delays().len(), 3);
    assert_eq!(server.received_requests().await.expect("recorded").len(), 4);
}

#[tokio::test]
async fn max_attempts_caps_the_number_of_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let (policy, _) = support::recorded_retries();
    let client = support::client(&server.uri()).with_retry(policy.max_attempts(3));
    client.health_check().send().await.expect_err("exhausted");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 3);
}

#[tokio::test]
async fn retries_can_be_switched_off_per_call() {
    let server = MockServer::start().await;
    support::failing_then_ok(&server, 1, ResponseTemplate::new(500)).await;
    let (policy, recorder) = support::recorded_retries();
    let client = support::client(&server.uri()).with_retry(policy);
    let error = client
        .with_retry(RetryPolicy::none())
        .health_check()
        .send()
        .await
        .expect_err("no retry");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(recorder.delays().is_empty());
    // The client itself still retries.
    client.health_check().send().await.expect("retried");
}

#[tokio::test]
async fn connection_errors_are_retried() {
    let (policy, recorder) = support::recorded_retries();
    let client = support::client(&support::refused_url().await).with_retry(policy.max_attempts(3));
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
    assert_eq!(recorder.delays().len(), 2);
}

#[tokio::test]
async fn the_retried_request_is_the_same_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/servers"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/servers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixtures::list_page(1, 2, 2)))
        .with_priority(2)
        .mount(&server)
        .await;
    let (policy, _) = support::recorded_retries();
    let client = support::client(&server.uri()).with_retry(policy);
    client.list().q("memory").page_size(2).send().await.expect("retried");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url, requests[1].url);
    assert_eq!(
        requests[0].headers.get("authorization"),
        requests[1].headers.get("authorization")
    );
}
