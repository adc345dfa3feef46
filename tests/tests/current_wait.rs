//! `Client::wait_for_release` against a loopback server that writes its answers by hand,
//! so that the release's event stream can end, be cut mid-body or stall: following the
//! stream to success or failure, falling back to polling when the stream drops or is
//! refused, and the timeout.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use smithery_registry::{Client, ErrorKind, ReleaseState, ReleaseWaitError, ReleaseWaitOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const STREAM_PATH: &str = "/servers/acme%2Fweather/releases/r-1/stream";
const RELEASE_PATH: &str = "/servers/acme%2Fweather/releases/r-1";

/// How the server answers one request.
enum Reply {
    /// A complete response: status and JSON body.
    Json(u16, Value),
    /// A `text/event-stream` body sent as these chunks, then ended as `end` says.
    Events(Vec<&'static str>, End),
}

enum End {
    /// The body ends properly.
    Finish,
    /// The connection is cut mid-body (no last chunk).
    Cut,
    /// Nothing more is sent, and the connection stays open.
    Stall,
}

/// The paths requested, in order.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn paths(&self) -> Vec<String> {
        self.0.lock().expect("lock").clone()
    }
}

/// Serves every connection with `route(path, how many times this path was asked before)`;
/// each response closes its connection.
async fn serve(route: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let log = Log::default();
    let seen = log.clone();
    let route = Arc::new(route);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (route, seen) = (route.clone(), seen.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0_u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let path = text.split(' ').nth(1).unwrap_or("").to_owned();
                let before = {
                    let mut paths = seen.0.lock().expect("lock");
                    let before = paths.iter().filter(|p| **p == path).count();
                    paths.push(path.clone());
                    before
                };
                match route(&path, before) {
                    Reply::Json(status, body) => {
                        let body = body.to_string();
                        let response = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = socket.write_all(response.as_bytes()).await;
                    }
                    Reply::Events(chunks, end) => {
                        let _ = socket
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                            .await;
                        for data in chunks {
                            let _ = socket
                                .write_all(format!("{:x}\r\n{data}\r\n", data.len()).as_bytes())
                                .await;
                            let _ = socket.flush().await;
                        }
                        match end {
                            End::Finish => {
                                let _ = socket.write_all(b"0\r\n\r\n").await;
                            }
                            End::Cut => {}
                            End::Stall => tokio::time::sleep(Duration::from_secs(3600)).await,
                        }
                    }
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{address}"), log)
}

fn client(base: &str) -> Client {
    support::current_client(base, base)
}

/// A release in `status`, with `logs`.
fn release(status: &str, logs: Value) -> Value {
    json!({
        "id": "r-1", "createdAt": "2026-07-01T00:00:00Z", "status": status, "type": "hosted_shttp",
        "updatedAt": "2026-07-01T00:01:00Z", "mcpUrl": "https://weather.run.tools", "logs": logs
    })
}

fn fast() -> ReleaseWaitOptions {
    ReleaseWaitOptions::default()
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(20))
}

const INIT: &str = "event: init\ndata: {\"logs\":[]}\n\n";
const WORKING: &str = "event: status\ndata: \"WORKING\"\n\n";
const LOG: &str =
    "event: log\ndata: {\"level\":\"info\",\"message\":\"built\",\"stage\":\"deploy\",\"timestamp\":\"t\"}\n\n";

async fn wait(base: &str, options: ReleaseWaitOptions) -> Result<smithery_registry::types::Release, ReleaseWaitError> {
    client(base).wait_for_release("acme/weather", "r-1", options).await
}

#[tokio::test]
async fn follows_the_stream_to_success() {
    let (base, log) = serve(|path, _| match path {
        STREAM_PATH => Reply::Events(
            vec![
                INIT,
                WORKING,
                LOG,
                ": ping\n\n",
                "event: complete\ndata: {\"status\":\"SUCCESS\"}\n\n",
            ],
            End::Finish,
        ),
        _ => Reply::Json(200, release("SUCCESS", json!([]))),
    })
    .await;
    let done = wait(&base, fast()).await.expect("published");
    assert_eq!(done.state(), ReleaseState::Success);
    assert_eq!(done.mcp_url.as_deref(), Some("https://weather.run.tools"));
    // `WORKING` is not final: only `complete` makes it fetch the release, once.
    assert_eq!(log.paths(), [STREAM_PATH, RELEASE_PATH]);
}

#[tokio::test]
async fn a_final_status_event_ends_the_wait_with_the_failure_the_server_gave() {
    // The stream stays open after the status: the wait must not need the end of it.
    let (base, log) = serve(|path, _| match path {
        STREAM_PATH => Reply::Events(
            vec![INIT, WORKING, "event: status\ndata: \"FAILURE_SCAN\"\n\n"],
            End::Stall,
        ),
        _ => Reply::Json(
            200,
            release(
                "FAILURE_SCAN",
                json!([
                    {"level": "start", "message": "scanning", "stage": "scan", "timestamp": "t1"},
                    {"level": "failure", "message": "scan failed", "stage": "scan", "timestamp": "t2",
                     "error": {"message": "tool `exec` can run shell commands"}}
                ]),
            ),
        ),
    })
    .await;
    let error = wait(&base, fast()).await.expect_err("the scan failed");
    match &error {
        ReleaseWaitError::Failed { release, message } => {
            assert_eq!(release.state(), ReleaseState::FailureScan);
            assert_eq!(message.as_deref(), Some("tool `exec` can run shell commands"));
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "release r-1 ended as FAILURE_SCAN: tool `exec` can run shell commands"
    );
    assert_eq!(log.paths(), [STREAM_PATH, RELEASE_PATH]);
}

#[tokio::test]
async fn a_stream_cut_mid_way_falls_back_to_polling_until_success() {
    let (base, log) = serve(|path, before| match path {
        STREAM_PATH => Reply::Events(vec![INIT, WORKING, LOG], End::Cut),
        _ if before < 2 => Reply::Json(200, release("WORKING", json!([]))),
        _ => Reply::Json(200, release("SUCCESS", json!([]))),
    })
    .await;
    let done = wait(&base, fast()).await.expect("published");
    assert_eq!(done.state(), ReleaseState::Success);
    assert_eq!(log.paths(), [STREAM_PATH, RELEASE_PATH, RELEASE_PATH, RELEASE_PATH]);
}

#[tokio::test]
async fn a_stream_that_ends_without_complete_falls_back_to_polling() {
    let (base, log) = serve(|path, before| match path {
        STREAM_PATH => Reply::Events(vec![INIT], End::Finish),
        _ if before < 1 => Reply::Json(200, release("QUEUED", json!([]))),
        _ => Reply::Json(200, release("CANCELLED", json!([]))),
    })
    .await;
    let error = wait(&base, fast()).await.expect_err("cancelled");
    assert!(
        matches!(&error, ReleaseWaitError::Failed { release, message: None } if release.state() == ReleaseState::Cancelled),
        "{error:?}"
    );
    assert_eq!(log.paths(), [STREAM_PATH, RELEASE_PATH, RELEASE_PATH]);
}

#[tokio::test]
async fn a_refused_stream_falls_back_to_polling() {
    for status in [404, 500, 503] {
        let (base, log) = serve(move |path, before| match path {
            STREAM_PATH => Reply::Json(status, json!({"error": "no stream here"})),
            _ if before < 1 => Reply::Json(200, release("WORKING", json!([]))),
            _ => Reply::Json(200, release("SUCCESS", json!([]))),
        })
        .await;
        let done = wait(&base, fast()).await.expect("published");
        assert_eq!(done.state(), ReleaseState::Success, "{status}");
        assert_eq!(log.paths(), [STREAM_PATH, RELEASE_PATH, RELEASE_PATH], "{status}");
    }
}

#[tokio::test]
async fn a_complete_event_before_the_release_shows_it_keeps_polling() {
    let (base, log) = serve(|path, before| match path {
        STREAM_PATH => Reply::Events(vec!["event: complete\ndata: {\"status\":\"SUCCESS\"}\n\n"], End::Finish),
        _ if before < 1 => Reply::Json(200, release("WORKING", json!([]))),
        _ => Reply::Json(200, release("SUCCESS", json!([]))),
    })
    .await;
    wait(&base, fast()).await.expect("published");
    assert_eq!(log.paths(), [STREAM_PATH, RELEASE_PATH, RELEASE_PATH]);
}

#[tokio::test]
async fn the_timeout_stops_a_stalled_stream() {
    let (base, log) = serve(|path, _| match path {
        STREAM_PATH => Reply::Events(vec![INIT, WORKING], End::Stall),
        _ => Reply::Json(200, release("SUCCESS", json!([]))),
    })
    .await;
    let started = Instant::now();
    let options = fast().timeout(Duration::from_millis(300));
    let error = wait(&base, options).await.expect_err("times out");
    let elapsed = started.elapsed();
    match &error {
        ReleaseWaitError::TimedOut {
            timeout,
            waited,
            last_status,
        } => {
            assert_eq!(*timeout, Duration::from_millis(300));
            assert!(*waited >= Duration::from_millis(300), "{waited:?}");
            assert_eq!(last_status.as_ref().map(|s| s.as_str()), Some("WORKING"));
        }
        other => panic!("expected TimedOut, got {other:?}"),
    }
    assert!(
        elapsed < Duration::from_secs(5),
        "stopped at the deadline, not later: {elapsed:?}"
    );
    assert!(error.to_string().contains("timeout of 0.3s"), "{error}");
    assert!(error.to_string().contains("last status WORKING"), "{error}");
    assert_eq!(log.paths(), [STREAM_PATH]);
}

#[tokio::test]
async fn the_timeout_stops_polling() {
    let (base, log) = serve(|path, _| match path {
        STREAM_PATH => Reply::Json(404, json!({"error": "gone"})),
        _ => Reply::Json(200, release("WORKING", json!([]))),
    })
    .await;
    let options = ReleaseWaitOptions::default()
        .poll_interval(Duration::from_millis(40))
        .timeout(Duration::from_millis(200));
    let error = wait(&base, options).await.expect_err("times out");
    assert!(
        matches!(&error, ReleaseWaitError::TimedOut { last_status: Some(s), .. } if s.as_str() == "WORKING"),
        "{error:?}"
    );
    let polls = log.paths().iter().filter(|p| *p == RELEASE_PATH).count();
    assert!(
        (2..=6).contains(&polls),
        "about one poll every 40 ms for 200 ms: {polls}"
    );
}

#[tokio::test]
async fn a_failing_release_request_is_the_error() {
    let (base, _log) = serve(|path, _| match path {
        STREAM_PATH => Reply::Json(500, json!({"error": "stream down"})),
        _ => Reply::Json(401, json!({"error": "key revoked"})),
    })
    .await;
    let error = wait(&base, fast()).await.expect_err("unauthenticated");
    match &error {
        ReleaseWaitError::Request(inner) => {
            assert_eq!(inner.kind(), ErrorKind::Unauthenticated);
            assert_eq!(inner.body().map(|b| b.error.as_str()), Some("key revoked"));
        }
        other => panic!("expected Request, got {other:?}"),
    }
    assert!(error.to_string().contains("key revoked"), "{error}");
}

#[tokio::test]
async fn a_connection_failure_is_the_error() {
    // Nothing listens: the stream cannot open, and neither can the poll.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let error = wait(&base, fast()).await.expect_err("no server");
    assert!(
        matches!(&error, ReleaseWaitError::Request(inner) if matches!(**inner, smithery_registry::Error::Connection { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_release_waiting_for_authorisation_is_reported_as_such() {
    let (base, _log) = serve(|path, _| match path {
        STREAM_PATH => Reply::Events(vec!["event: status\ndata: \"AUTH_REQUIRED\"\n\n"], End::Stall),
        _ => Reply::Json(200, release("AUTH_REQUIRED", json!([]))),
    })
    .await;
    let error = wait(&base, fast()).await.expect_err("paused");
    assert!(matches!(&error, ReleaseWaitError::AuthRequired { .. }), "{error:?}");
    assert!(error.to_string().contains("resume_release"), "{error}");
}

#[test]
fn release_states_read_every_documented_status_and_keep_unknown_ones() {
    for (text, terminal) in [
        ("QUEUED", false),
        ("WORKING", false),
        ("SUCCESS", true),
        ("AUTH_REQUIRED", true),
        ("FAILURE", true),
        ("FAILURE_SCAN", true),
        ("AUTH_TIMEOUT", true),
        ("CANCELLED", true),
        ("INTERNAL_ERROR", true),
        ("ROLLING_BACK", false),
    ] {
        let state = ReleaseState::parse(text);
        assert_eq!(state.is_terminal(), terminal, "{text}");
        assert_eq!(state.to_string(), text);
    }
    assert_eq!(
        ReleaseState::parse("ROLLING_BACK"),
        ReleaseState::Other("ROLLING_BACK".to_owned())
    );
}
