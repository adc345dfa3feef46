//! Streamed responses through the generated operations: `Accept` is the declared media type,
//! event streams come out typed (named, multi-line, with keep-alives skipped), a plain-text
//! stream gives strings, a download keeps its type and length and saves to a file, and the
//! per-attempt timeout stops at the headers rather than cutting a long body.

use std::time::Duration;

use capabilities_client::prelude::*;
use capabilities_client::runtime::sse::StreamError;
use capabilities_client::{Error, RetryPolicy};
use futures_util::{StreamExt, TryStreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Accepts one connection, returns its request head to the test, then lets `respond` write
/// the response.
async fn serve<F, Fut>(respond: F) -> (Client, JoinHandle<String>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        socket.set_nodelay(true).expect("nodelay");
        let mut head = Vec::new();
        let mut buffer = [0_u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = socket.read(&mut buffer).await.expect("read");
            assert!(read > 0, "closed before the request ended");
            head.extend_from_slice(&buffer[..read]);
        }
        respond(socket).await;
        String::from_utf8_lossy(&head).to_ascii_lowercase()
    });
    let client = Client::builder()
        .base_url(base)
        .bearer_token("t")
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(1))
        .build()
        .expect("client");
    (client, task)
}

fn chunk(data: &str) -> Vec<u8> {
    let mut framed = format!("{:x}\r\n", data.len()).into_bytes();
    framed.extend_from_slice(data.as_bytes());
    framed.extend_from_slice(b"\r\n");
    framed
}

const SSE_HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

#[tokio::test]
async fn build_events_arrive_typed_and_named_with_keep_alives_skipped() {
    let (client, head) = serve(|mut socket| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.expect("head");
        for piece in [
            ": keep-alive\n\n",
            "event: progress\nid: 1\ndata: {\"percent\": 40}\n\n",
            "event: log\ndata: {\"line\":\n",
            "data:  \"compiling\"}\n\n",
            ": ping\r\n\r\n",
            "event: done\r\ndata: {\"outcome\": \"success\"}\r\n\r\n",
        ] {
            socket.write_all(&chunk(piece)).await.expect("event");
            socket.flush().await.expect("flush");
        }
        socket.write_all(b"0\r\n\r\n").await.expect("end");
    })
    .await;
    let response = client.stream_build().build_id("b1").send().await.expect("stream opens");
    assert_eq!(response.status(), 200);
    let events: Vec<_> = response.into_inner().try_collect().await.expect("every event decodes");
    /// Name, percent, line, outcome.
    type Summary = (String, Option<i64>, Option<String>, Option<String>);
    let summary: Vec<Summary> = events
        .iter()
        .map(|e| {
            (
                e.event.clone(),
                e.data.percent,
                e.data.line.clone(),
                e.data.outcome.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("progress".to_owned(), Some(40), None, None),
            ("log".to_owned(), None, Some("compiling".to_owned()), None),
            ("done".to_owned(), None, None, Some("success".to_owned())),
        ]
    );
    assert_eq!(events[0].id.as_deref(), Some("1"));
    let head = head.await.expect("server");
    assert!(
        head.starts_with("get /v1/builds/b1/events ") || head.starts_with("get /builds/b1/events "),
        "{head}"
    );
    assert!(head.contains("\r\naccept: text/event-stream\r\n"), "{head}");
}

#[tokio::test]
async fn a_console_stream_gives_its_lines_as_text() {
    let (client, head) = serve(|mut socket| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.expect("head");
        socket
            .write_all(&chunk("data: first line\n\ndata: second\ndata: third\n\n"))
            .await
            .expect("events");
        socket.write_all(b"0\r\n\r\n").await.expect("end");
    })
    .await;
    let lines: Vec<String> = client
        .stream_console()
        .build_id("b1")
        .send()
        .await
        .expect("stream opens")
        .into_inner()
        .map_ok(|e| e.data)
        .try_collect()
        .await
        .expect("text events");
    assert_eq!(lines, ["first line", "second\nthird"]);
    assert!(head.await.expect("server").contains("accept: text/event-stream"));
}

#[tokio::test]
async fn an_event_over_the_bound_ends_the_stream_with_an_error() {
    let listener_client = |max: usize, base: String| {
        Client::builder()
            .base_url(base)
            .retry(RetryPolicy::none())
            .max_event_bytes(max)
            .build()
            .expect("client")
    };
    let (client, _head) = serve(|mut socket| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.expect("head");
        socket
            .write_all(&chunk("data: {\"percent\": 1}\n\n"))
            .await
            .expect("small");
        let big = format!("data: {{\"line\": \"{}\"}}\n\n", "x".repeat(10_000));
        // The client stops reading after the bound, so writes may fail: that is fine.
        let _ = socket.write_all(&chunk(&big)).await;
        let _ = socket.write_all(b"0\r\n\r\n").await;
    })
    .await;
    let client = listener_client(4096, client.base_url().to_owned());
    let results: Vec<_> = client
        .stream_build()
        .build_id("b")
        .send()
        .await
        .expect("opens")
        .into_inner()
        .collect()
        .await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().expect("small event").data.percent, Some(1));
    assert!(
        matches!(results[1], Err(StreamError::EventTooLarge { limit: 4096 })),
        "{:?}",
        results[1]
    );
}

#[tokio::test]
async fn a_download_keeps_its_type_and_length_and_saves_to_a_file() {
    let body: Vec<u8> = (0..300_000_u32).map(|i| (i % 251) as u8).collect();
    let served = body.clone();
    let (client, head) = serve(move |mut socket| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\n\r\n",
            served.len()
        );
        socket.write_all(head.as_bytes()).await.expect("head");
        for part in served.chunks(7_000) {
            socket.write_all(part).await.expect("body");
        }
    })
    .await;
    let download = client
        .download_archive()
        .name("set")
        .send()
        .await
        .expect("download")
        .into_inner();
    assert_eq!(download.content_type(), Some("application/zip"));
    assert_eq!(download.content_length(), Some(body.len() as u64));
    let directory = tempfile::tempdir().expect("tempdir");
    let path = directory.path().join("set.zip");
    let written = download.save_to(&path).await.expect("saved");
    assert_eq!(written, body.len() as u64);
    assert_eq!(std::fs::read(&path).expect("read"), body);
    let head = head.await.expect("server");
    assert!(head.contains("\r\naccept: application/zip\r\n"), "{head}");
}

#[tokio::test]
async fn an_image_is_requested_with_its_media_type() {
    let (client, head) = serve(|mut socket| async move {
        let png = b"\x89PNG\r\n\x1a\n";
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\r\n",
            png.len()
        );
        socket.write_all(head.as_bytes()).await.expect("head");
        socket.write_all(png).await.expect("body");
    })
    .await;
    let image = client
        .get_preview()
        .name("set")
        .send()
        .await
        .expect("image")
        .into_inner();
    assert_eq!(image.content_type(), Some("image/png"));
    assert_eq!(&image.bytes().await.expect("bytes")[..4], b"\x89PNG");
    assert!(head.await.expect("server").contains("\r\naccept: image/png\r\n"));
}

#[tokio::test]
async fn the_timeout_stops_at_the_headers_not_at_the_end_of_a_long_stream() {
    // The client's timeout is 1 s; the stream lasts about 1.5 s after its headers.
    let (client, _head) = serve(|mut socket| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.expect("head");
        for i in 0..6 {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let event = format!("data: {{\"percent\": {i}}}\n\n");
            socket.write_all(&chunk(&event)).await.expect("event");
        }
        socket.write_all(b"0\r\n\r\n").await.expect("end");
    })
    .await;
    let events: Vec<_> = client
        .stream_build()
        .build_id("slow")
        .send()
        .await
        .expect("opens")
        .into_inner()
        .try_collect()
        .await
        .expect("the whole stream, past the timeout");
    assert_eq!(events.len(), 6);
}

#[tokio::test]
async fn headers_that_never_come_time_out_with_the_limit_named() {
    let (client, _head) = serve(|socket| async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop(socket);
    })
    .await;
    let Err(error) = client.stream_build().build_id("stuck").send().await else {
        panic!("no headers within the limit must fail");
    };
    assert!(
        matches!(error, Error::Timeout { limit: Some(limit), .. } if limit == Duration::from_secs(1)),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "stream_build: no HTTP status, timed out after 1s");
}
