//! The current API's retry rules (the official SDK's, with a cap on server-requested waits)
//! and the error kinds. No test sleeps: delays go to a recording sleeper.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use smithery_registry::prelude::*;
use smithery_registry::{Client, Error, ErrorKind, RetryPolicy, Sleeper};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Duration>>>);

impl Recorder {
    fn sleeper(&self) -> Sleeper {
        let delays = self.0.clone();
        Arc::new(move |delay| {
            delays.lock().expect("lock").push(delay);
            Box::pin(async {})
        })
    }

    fn delays(&self) -> Vec<Duration> {
        self.0.lock().expect("lock").clone()
    }
}

fn healthy() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": "ok", "timestamp": "t"}))
}

/// A client of the current API for `uri` with its default policy, but an exact schedule
/// (no jitter) and a recording sleeper.
fn current(uri: &str) -> (Client, Recorder) {
    let recorder = Recorder::default();
    let client = Client::builder()
        .base_url(uri)
        .bearer_token("key")
        .build()
        .expect("builds");
    let policy = RetryPolicy::current_sdk().jitter(0.0).sleeper(recorder.sleeper());
    (client.with_retry(policy), recorder)
}

/// `GET /health` answers `failure` `failures` times, then 200.
async fn failing_then_ok(failures: u64, failure: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(failure)
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(healthy())
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.expect("recorded").len()
}

#[tokio::test]
async fn the_default_policy_of_the_current_client_is_the_current_sdks() {
    // Built without `.retry(..)`: the profile's policy (at most 2 retries).
    let server = failing_then_ok(10, ResponseTemplate::new(503)).await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("key")
        .build()
        .expect("builds");
    // The real sleeper waits 0.5 s and 1 s (less jitter); the call still fails after 3.
    let error = client.check_health().send().await.expect_err("503 three times");
    assert_eq!(error.attempts(), 3);
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn retried_statuses_get_at_most_two_retries_on_the_doubling_schedule() {
    for status in [408, 409, 429, 500, 502, 503, 504, 599] {
        let server = failing_then_ok(10, ResponseTemplate::new(status)).await;
        let (client, recorder) = current(&server.uri());
        let error = client.check_health().send().await.expect_err("fails every time");
        assert_eq!(requests(&server).await, 3, "{status}");
        assert_eq!(
            recorder.delays(),
            [Duration::from_millis(500), Duration::from_millis(1000)],
            "{status}"
        );
        assert_eq!(error.attempts(), 3, "{status}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(error.to_string().ends_with("(after 3 attempts)"), "{error}");
    }
    let server = failing_then_ok(2, ResponseTemplate::new(500)).await;
    let (client, recorder) = current(&server.uri());
    client.check_health().send().await.expect("third attempt succeeds");
    assert_eq!(recorder.delays().len(), 2);
}

#[tokio::test]
async fn more_retries_follow_the_schedule_up_to_eight_seconds() {
    let server = failing_then_ok(10, ResponseTemplate::new(500)).await;
    let (client, recorder) = current(&server.uri());
    let policy = RetryPolicy::current_sdk()
        .jitter(0.0)
        .max_retries(6)
        .sleeper(recorder.sleeper());
    client.with_retry(policy).check_health().send().await.expect_err("500");
    let millis: Vec<u128> = recorder.delays().iter().map(Duration::as_millis).collect();
    assert_eq!(millis, [500, 1000, 2000, 4000, 8000, 8000]);
}

#[tokio::test]
async fn other_statuses_are_final_and_x_should_retry_overrides() {
    for status in [400, 401, 403, 404, 410, 422] {
        let server = failing_then_ok(1, ResponseTemplate::new(status)).await;
        let (client, recorder) = current(&server.uri());
        let error = client.check_health().send().await.expect_err("final");
        assert_eq!(requests(&server).await, 1, "{status}");
        assert!(recorder.delays().is_empty());
        assert_eq!(error.attempts(), 1);
        assert!(!error.to_string().contains("attempts"), "{error}");
    }
    let server = failing_then_ok(1, ResponseTemplate::new(400).insert_header("x-should-retry", "true")).await;
    let (client, _) = current(&server.uri());
    client
        .check_health()
        .send()
        .await
        .expect("a 400 the server says to retry");
    assert_eq!(requests(&server).await, 2);

    let server = failing_then_ok(1, ResponseTemplate::new(503).insert_header("x-should-retry", "false")).await;
    let (client, recorder) = current(&server.uri());
    let error = client.check_health().send().await.expect_err("not retried");
    assert_eq!(requests(&server).await, 1);
    assert!(recorder.delays().is_empty());
    assert_eq!(error.kind(), ErrorKind::ServerError);
}

#[tokio::test]
async fn the_server_sets_the_delay_with_retry_after_ms_or_retry_after() {
    let cases = [
        (
            vec![("retry-after-ms", "250"), ("retry-after", "9")],
            Duration::from_millis(250),
        ),
        (vec![("retry-after", "2")], Duration::from_secs(2)),
        (vec![("retry-after", "0.5")], Duration::from_millis(500)),
    ];
    for (headers, expected) in cases {
        let mut failure = ResponseTemplate::new(409);
        for (name, value) in &headers {
            failure = failure.insert_header(*name, *value);
        }
        let server = failing_then_ok(1, failure).await;
        let (client, recorder) = current(&server.uri());
        client.check_health().send().await.expect("retried");
        assert_eq!(recorder.delays(), [expected], "{headers:?}");
    }
    // An HTTP date about 30 s ahead.
    let date = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
    let date = date.replace("+0000", "GMT");
    let server = failing_then_ok(
        1,
        ResponseTemplate::new(429).insert_header("retry-after", date.as_str()),
    )
    .await;
    let (client, recorder) = current(&server.uri());
    client.check_health().send().await.expect("retried");
    let delay = recorder.delays()[0];
    assert!(
        delay > Duration::from_secs(25) && delay <= Duration::from_secs(30),
        "{delay:?}"
    );
}

#[tokio::test]
async fn a_wait_longer_than_the_cap_fails_at_once_with_the_requested_delay() {
    let server = failing_then_ok(1, ResponseTemplate::new(429).insert_header("retry-after", "120")).await;
    let (client, recorder) = current(&server.uri());
    let error = client.check_health().send().await.expect_err("not slept");
    assert_eq!(requests(&server).await, 1);
    assert!(recorder.delays().is_empty(), "nothing slept");
    match &error {
        Error::RateLimited { requested, cap, .. } => {
            assert_eq!(*requested, Duration::from_secs(120));
            assert_eq!(*cap, Duration::from_secs(60));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.attempts(), 1);
    assert!(error.to_string().contains("asked to wait 120s"), "{error}");

    // A larger cap waits.
    let server = failing_then_ok(1, ResponseTemplate::new(503).insert_header("retry-after-ms", "120000")).await;
    let (client, recorder) = current(&server.uri());
    let policy = RetryPolicy::current_sdk()
        .max_server_wait(Duration::from_secs(300))
        .sleeper(recorder.sleeper());
    client.with_retry(policy).check_health().send().await.expect("waited");
    assert_eq!(recorder.delays(), [Duration::from_secs(120)]);
}

#[tokio::test]
async fn failed_connections_and_timeouts_are_retried() {
    // Nothing listens on a port just released.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let uri = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let (client, recorder) = current(&uri);
    let error = client.check_health().send().await.expect_err("refused");
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(recorder.delays().len(), 2);
    assert_eq!(error.kind(), ErrorKind::Connection);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(healthy().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let (client, recorder) = current(&server.uri());
    let error = client
        .with_timeout(Duration::from_millis(100))
        .check_health()
        .send()
        .await
        .expect_err("times out");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.attempts(), 3);
    assert_eq!(recorder.delays().len(), 2);
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn every_status_maps_to_its_kind_and_keeps_the_body() {
    let table = [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Unauthenticated),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
        (422, ErrorKind::Unprocessable),
        (429, ErrorKind::RateLimited),
        (500, ErrorKind::ServerError),
        (503, ErrorKind::ServerError),
        (418, ErrorKind::Other),
    ];
    for (status, kind) in table {
        let server = failing_then_ok(
            1,
            ResponseTemplate::new(status).set_body_json(serde_json::json!({"error": format!("no {status}")})),
        )
        .await;
        let (client, _) = current(&server.uri());
        let error = client
            .with_retry(RetryPolicy::none())
            .check_health()
            .send()
            .await
            .expect_err("error status");
        assert_eq!(error.kind(), kind, "{status}");
        assert!(error.to_string().contains(&format!("no {status}")), "{status}: {error}");
    }
}

#[tokio::test]
async fn an_error_body_that_is_not_the_declared_json_is_kept_raw() {
    let server = failing_then_ok(
        1,
        ResponseTemplate::new(502)
            .insert_header("x-request-id", "r-9")
            .set_body_raw("<html>Bad gateway</html>", "text/html"),
    )
    .await;
    let (client, _) = current(&server.uri());
    let error = client
        .with_retry(RetryPolicy::none())
        .check_health()
        .send()
        .await
        .expect_err("502");
    match &error {
        Error::Status { body, .. } => assert_eq!(&body[..], b"<html>Bad gateway</html>"),
        other => panic!("expected the raw status error, got {other:?}"),
    }
    assert_eq!(error.kind(), ErrorKind::ServerError);
    assert_eq!(
        error
            .headers()
            .and_then(|h| h.get("x-request-id"))
            .map(|v| v.as_bytes()),
        Some(&b"r-9"[..])
    );
    assert_eq!(error.raw_body(), Some(&b"<html>Bad gateway</html>"[..]));
    assert!(error.to_string().contains("Bad gateway"), "{error}");
}
