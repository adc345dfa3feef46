//! The crate as a Rust user writes it: file setters taking a path or bytes in every common
//! form, integer setters taking any integer type (and naming themselves when a value is out
//! of range), `chrono` reached through the crate, a missing argument that names its setter,
//! and calls and streams spawned on a multi-threaded runtime. Each form is compiled here and
//! checked on the wire.

mod support;

use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use smithery_registry::prelude::*;
use smithery_registry::{Client, Error, RetryPolicy};
use support::{ReceivedPart, parse_multipart};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    server
}

fn client(uri: &str) -> Client {
    Client::builder()
        .base_url(uri)
        .bearer_token("test-token")
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn only_part(request: &wiremock::Request) -> ReceivedPart {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("multipart content type");
    let mut parts = parse_multipart(content_type, &request.body);
    assert_eq!(parts.len(), 1, "one file part");
    parts.remove(0)
}

/// `.file(..)` takes `&str`, `String`, `&Path`, `PathBuf` (read from disk, named after the
/// file), and `Vec<u8>`, `&[u8; N]` (`include_bytes!`), `&'static [u8]`, `Bytes` (sent as is).
#[tokio::test]
async fn file_setters_take_paths_and_bytes_in_every_common_form() {
    let server = server().await;
    let c = client(&server.uri());
    let dir = tempfile::tempdir().expect("temp dir");
    let icon = dir.path().join("icon.png");
    std::fs::write(&icon, b"\x89PNG from disk").expect("writes");
    let as_str: &str = icon.to_str().expect("utf-8 temp path");
    let included: &'static [u8; 4] = include_bytes!("support/icon.bin");
    let sliced: &'static [u8] = b"static slice";

    let upload = || c.upload_icon().qualified_name("acme/weather");
    let _ = upload().file(as_str).send().await;
    let _ = upload().file(as_str.to_owned()).send().await;
    let _ = upload().file(icon.as_path()).send().await;
    let _ = upload().file(PathBuf::from(&icon)).send().await;
    let _ = upload().file(b"vec bytes".to_vec()).send().await;
    let _ = upload().file(included).send().await;
    let _ = upload().file(sliced).send().await;
    let _ = upload().file(bytes::Bytes::from_static(b"shared bytes")).send().await;

    let received = server.received_requests().await.expect("recorded");
    let parts: Vec<(Option<String>, Vec<u8>)> = received
        .iter()
        .map(|r| {
            let part = only_part(r);
            (part.filename, part.body)
        })
        .collect();
    let from_disk = (Some("icon.png".to_owned()), b"\x89PNG from disk".to_vec());
    let in_memory = |bytes: &[u8]| (Some("file".to_owned()), bytes.to_vec());
    assert_eq!(
        parts,
        [
            from_disk.clone(),
            from_disk.clone(),
            from_disk.clone(),
            from_disk,
            in_memory(b"vec bytes"),
            in_memory(included),
            in_memory(sliced),
            in_memory(b"shared bytes"),
        ]
    );
    assert!(Path::new(as_str).exists());
}

/// `page` is a `NonZeroU64` on the wire's terms, yet any integer type does; `page_size` too.
#[tokio::test]
async fn integer_setters_take_any_integer_type() {
    let server = server().await;
    let c = client(&server.uri());
    let _ = c.list_servers().page(2).page_size(10).send().await;
    let _ = c.list_servers().page(3u8).page_size(20u16).send().await;
    let _ = c.list_servers().page(4usize).page_size(30i64).send().await;
    let _ = c
        .list_servers()
        .page(NonZeroU64::new(5).expect("nonzero"))
        .page_size(40u64)
        .send()
        .await;
    let queries: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "page=2&pageSize=10",
            "page=3&pageSize=20",
            "page=4&pageSize=30",
            "page=5&pageSize=40"
        ]
    );
}

fn invalid_request<E: std::fmt::Debug>(error: Error<E>) -> (&'static str, String) {
    match error {
        Error::InvalidRequest { operation, message } => (operation, message),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

/// An out-of-range value fails before anything is sent, naming the setter and the range.
#[tokio::test]
async fn an_out_of_range_integer_names_its_setter() {
    let server = server().await;
    let c = client(&server.uri());
    let error = c.list_servers().page(0).send().await.expect_err("page 0");
    let (operation, message) = invalid_request(error);
    assert_eq!(operation, "list_servers");
    assert_eq!(
        message,
        "`page` takes a whole number from 1 to 18446744073709551615, not 0"
    );
    let error = c.list_servers().page(-3i32).send().await.expect_err("negative page");
    assert_eq!(
        invalid_request(error).1,
        "`page` takes a whole number from 1 to 18446744073709551615, not -3"
    );
    let error = c
        .list_servers()
        .page_size(u64::MAX)
        .send()
        .await
        .expect_err("beyond i64");
    assert_eq!(
        invalid_request(error).1,
        "`page_size` takes a whole number from -9223372036854775808 to 9223372036854775807, not 18446744073709551615"
    );
    assert!(server.received_requests().await.expect("recorded").is_empty());
}

/// A required argument left out names the setter to call.
#[tokio::test]
async fn a_missing_argument_names_its_setter() {
    let server = server().await;
    let error = client(&server.uri())
        .get_server()
        .send()
        .await
        .expect_err("no qualified name");
    let (operation, message) = invalid_request(error);
    assert_eq!(operation, "get_server");
    assert_eq!(
        message,
        "`qualified_name` is required: set it with `.qualified_name(..)`"
    );
    assert!(server.received_requests().await.expect("recorded").is_empty());

    // The typed body builders say the same.
    let error =
        smithery_registry::types::SecretSetRequest::try_from(smithery_registry::types::SecretSetRequest::builder())
            .expect_err("no fields set");
    assert!(error.to_string().contains("is required: set it with `."), "{error}");
}

/// Date-time arguments take `chrono` values; the crate re-exports the `chrono` it uses.
#[tokio::test]
async fn date_times_come_from_the_reexported_chrono() {
    use smithery_registry::chrono::{TimeZone, Utc};

    let server = server().await;
    let from = Utc
        .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .single()
        .expect("a valid instant");
    let _ = client(&server.uri())
        .list_logs()
        .qualified_name("acme/weather")
        .from(from)
        .send()
        .await;
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(received[0].url.query(), Some("from=2026-01-02T03%3A04%3A05Z"));
}

/// A call and an item stream can be moved to another task of a multi-threaded runtime: their
/// futures are `Send` and borrow nothing but the client they were started from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_and_streams_run_in_spawned_tasks() {
    use futures_util::TryStreamExt as _;

    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/namespaces"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "namespaces": [], "pagination": {"currentPage": 1, "pageSize": 10, "totalPages": 0, "totalCount": 0}
        })))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"status": "ok", "timestamp": "2026-01-01T00:00:00Z"})),
        )
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let call = tokio::spawn({
        let c = c.clone();
        async move { c.check_health().send().await.map(|r| r.status()) }
    });
    let stream = tokio::spawn({
        let c = c.clone();
        async move { c.list_namespaces().q("ac").into_stream().try_collect::<Vec<_>>().await }
    });
    assert_eq!(call.await.expect("task").expect("answered"), reqwest::StatusCode::OK);
    assert!(stream.await.expect("task").expect("one empty page").is_empty());
}
