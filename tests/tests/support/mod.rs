//! Shared pieces of the wire tests: clients pointed at a loopback mock server, a sleeper
//! that records delays instead of waiting, a multipart reader, and raw TCP servers for the
//! failures an HTTP mock cannot produce.

#![allow(dead_code)]

pub mod fixtures;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use smithery_registry::seed::{Client, RetryPolicy, Sleeper};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "test-token-5f2c9a";

/// A client for `base_url` with retries off, so each test sees exactly one attempt unless
/// it opts in.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .bearer_token(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// A client of the current API with retries off and the token `key`: its `api` server group
/// pointed at `api`, its `connect` group at `connect`.
pub fn current_client(api: &str, connect: &str) -> smithery_registry::Client {
    smithery_registry::Client::builder()
        .server_url("api", api)
        .server_url("connect", connect)
        .bearer_token("key")
        .retry(smithery_registry::RetryPolicy::none())
        .build()
        .expect("builds")
}

/// A healthy `health_check` response.
pub fn healthy() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": "ok", "timestamp": "t"}))
}

/// `GET /health` answers `failure` `failures` times, then [`healthy`].
pub async fn failing_then_ok(server: &MockServer, failures: u64, failure: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(failure)
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(healthy())
        .with_priority(2)
        .mount(server)
        .await;
}

/// Records the delays it is asked to wait and returns at once: retry tests check the
/// schedule without sleeping.
#[derive(Clone, Default)]
pub struct RecordingSleeper(pub Arc<Mutex<Vec<Duration>>>);

impl RecordingSleeper {
    pub fn sleeper(&self) -> Sleeper {
        let delays = self.0.clone();
        Arc::new(move |delay| {
            delays.lock().expect("lock").push(delay);
            Box::pin(async {})
        })
    }

    pub fn delays(&self) -> Vec<Duration> {
        self.0.lock().expect("lock").clone()
    }
}

/// A retry policy with an exact schedule (no jitter) and a recording sleeper.
pub fn recorded_retries() -> (RetryPolicy, RecordingSleeper) {
    let recorder = RecordingSleeper::default();
    (RetryPolicy::default().jitter(0.0).sleeper(recorder.sleeper()), recorder)
}

/// One part of a multipart body as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Splits a `multipart/form-data` body (RFC 7578) into its parts.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<ReceivedPart> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .expect("multipart content type has a boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = body;
    let mut sections = Vec::new();
    while let Some(at) = find(rest, &delimiter) {
        sections.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    // The first section is the preamble; the last starts with "--" (the close delimiter).
    for section in sections.into_iter().skip(1) {
        let section = section.strip_prefix(b"\r\n").expect("part starts on a new line");
        let section = section.strip_suffix(b"\r\n").expect("part ends with CRLF");
        let split = find(section, b"\r\n\r\n").expect("part headers end");
        let headers = String::from_utf8_lossy(&section[..split]).into_owned();
        let body = section[split + 4..].to_vec();
        let mut part = ReceivedPart {
            name: String::new(),
            filename: None,
            content_type: None,
            body,
        };
        for line in headers.split("\r\n") {
            let (key, value) = line.split_once(':').expect("header line");
            match key.to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for attribute in value.split(';').skip(1) {
                        let (k, v) = attribute.trim().split_once('=').expect("attribute");
                        let v = v.trim_matches('"').to_owned();
                        match k {
                            "name" => part.name = v,
                            "filename" => part.filename = Some(v),
                            _ => {}
                        }
                    }
                }
                "content-type" => part.content_type = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        parts.push(part);
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A server on 127.0.0.1 that answers every connection with `respond` (raw bytes, written
/// as given) and then closes it. Returns its base URL; the task ends with the runtime.
pub async fn raw_server(respond: impl Fn() -> Vec<u8> + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = respond();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                // Read the request head; the tests' requests are small GETs.
                let _ = socket.read(&mut buffer).await;
                let _ = socket.write_all(&response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{address}")
}

/// A base URL on which nothing listens: connecting is refused.
pub async fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}")
}

/// Collects what `tracing` logs while `f` runs, as text.
pub async fn capture_logs<F: std::future::Future<Output = T>, T>(f: F) -> (T, String) {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let value = f.await;
    let text = String::from_utf8_lossy(&buffer.0.lock().expect("lock")).into_owned();
    (value, text)
}

/// Matches the request for page `n`: `page=n`, or for page 1 no `page` at all (an item
/// stream's first request goes as the caller built it, as the official SDK's does).
pub fn page_is(n: impl std::fmt::Display) -> impl wiremock::Match {
    let n = n.to_string();
    move |request: &wiremock::Request| {
        let page = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .map(|(_, v)| v.into_owned());
        match page {
            Some(page) => page == n,
            None => n == "1",
        }
    }
}
