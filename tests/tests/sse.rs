//! Server-sent events on the wire: `EventStream` against loopback servers that stream
//! every shape of event the specification allows, split and cut the way networks do.

mod loopback;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};
use loopback::{LAST_CHUNK, SSE_HEAD, chunk, serve_once};
use progenitor_client::ByteStream;
use serde::Deserialize;
use smithery_registry::runtime::sse::{DEFAULT_MAX_EVENT_BYTES, Event, EventStream, StreamError};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Progress {
    step: u32,
    note: String,
}

fn progress(step: u32, note: &str) -> Progress {
    Progress {
        step,
        note: note.to_owned(),
    }
}

async fn get(url: &str) -> reqwest::Response {
    let response = reqwest::Client::new()
        .get(url)
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    response
}

/// Writes the event-stream head, then each piece as its own chunk (and TCP write), then
/// ends the body properly.
async fn stream_pieces(mut socket: TcpStream, pieces: Vec<Vec<u8>>) {
    socket.write_all(SSE_HEAD).await.expect("head");
    for piece in pieces {
        socket.write_all(&chunk(&piece)).await.expect("piece");
        socket.flush().await.expect("flush");
    }
    socket.write_all(LAST_CHUNK).await.expect("end");
    socket.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn events_of_every_shape_arrive_typed_and_in_order() {
    // A byte order mark, a comment, a named multi-line event with an id, a keep-alive, an
    // unnamed event with CRLF line ends, one with bare CR line ends and a retry, a block
    // with no data (not an event, but its id counts), then one more event.
    let pieces: Vec<Vec<u8>> = vec![
        "\u{feff}: the stream starts with a comment\n".into(),
        b"event: progress\nid: 1\ndata: {\"step\": 1,\ndata:  \"note\": \"first\"}\n\n".to_vec(),
        b": keep-alive\n\n".to_vec(),
        b"data: {\"step\": 2, \"note\": \"unnamed\"}\r\n\r\n".to_vec(),
        b"event: progress\rretry: 1500\rdata:{\"step\":3,\"note\":\"bare CR\"}\r\r".to_vec(),
        b"event: only-metadata\nid: 7\n\n".to_vec(),
        b":\n\nevent: progress\ndata: {\"step\": 4, \"note\": \"last\"}\n\n".to_vec(),
    ];
    let (url, server) = serve_once(move |socket| stream_pieces(socket, pieces)).await;
    let mut events = EventStream::<Progress>::from_response(get(&url).await, DEFAULT_MAX_EVENT_BYTES);

    let mut received = Vec::new();
    while let Some(event) = events.try_next().await.expect("no stream error") {
        received.push(event);
    }
    assert_eq!(
        received,
        vec![
            Event {
                event: "progress".into(),
                id: Some("1".into()),
                retry: None,
                data: progress(1, "first"),
            },
            Event {
                event: "message".into(),
                id: None,
                retry: None,
                data: progress(2, "unnamed"),
            },
            Event {
                event: "progress".into(),
                id: None,
                retry: Some(Duration::from_millis(1500)),
                data: progress(3, "bare CR"),
            },
            Event {
                event: "progress".into(),
                id: None,
                retry: None,
                data: progress(4, "last"),
            },
        ]
    );
    // The data-less block's id is the one to resume from; the retry persists.
    assert_eq!(events.last_event_id(), Some("7"));
    assert_eq!(events.retry(), Some(Duration::from_millis(1500)));
    assert!(events.next().await.is_none(), "the stream stays ended");
    server.await.expect("server");
}

#[tokio::test]
async fn raw_text_events_keep_the_text_and_join_lines_with_lf() {
    let pieces: Vec<Vec<u8>> = vec![
        b"data: line one\ndata: line two\ndata:\ndata:no space\ndata:  two spaces\n\n".to_vec(),
        b"event: log\ndata: not {json}\n\n".to_vec(),
        // An event the body ends in the middle of, cleanly: discarded, as the
        // specification says.
        b"data: never finished".to_vec(),
    ];
    let (url, server) = serve_once(move |socket| stream_pieces(socket, pieces)).await;
    let events: Vec<Event<String>> = EventStream::raw_from_response(get(&url).await, DEFAULT_MAX_EVENT_BYTES)
        .try_collect()
        .await
        .expect("no stream error");
    let texts: Vec<(&str, &str)> = events.iter().map(|e| (e.event.as_str(), e.data.as_str())).collect();
    assert_eq!(
        texts,
        [
            ("message", "line one\nline two\n\nno space\n two spaces"),
            ("log", "not {json}")
        ]
    );
    server.await.expect("server");
}

#[tokio::test]
async fn an_event_split_across_many_tiny_tcp_writes_is_reassembled() {
    let text = b"event: progress\r\nid: 42\r\ndata: {\"step\": 9,\r\ndata: \"note\": \"byte by byte\"}\r\n\r\n";
    let (url, server) = serve_once(move |mut socket: TcpStream| async move {
        socket.write_all(SSE_HEAD).await.expect("head");
        for byte in text {
            socket.write_all(&chunk(&[*byte])).await.expect("byte");
            socket.flush().await.expect("flush");
            // Long enough for each byte to leave in its own segment.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        socket.write_all(LAST_CHUNK).await.expect("end");
    })
    .await;

    let response = get(&url).await;
    let chunks = Arc::new(AtomicUsize::new(0));
    let counter = chunks.clone();
    let body = response.bytes_stream().inspect(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let events: Vec<Event<Progress>> = EventStream::new(ByteStream::new(Box::pin(body)), DEFAULT_MAX_EVENT_BYTES)
        .try_collect()
        .await
        .expect("no stream error");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event, "progress");
    assert_eq!(events[0].id.as_deref(), Some("42"));
    assert_eq!(events[0].data, progress(9, "byte by byte"));
    let chunks = chunks.load(Ordering::Relaxed);
    assert!(
        chunks > text.len() / 2,
        "the client saw the event in {chunks} chunks: the writes were merged, the test proves nothing"
    );
    server.await.expect("server");
}

#[tokio::test]
async fn data_that_is_not_the_declared_json_names_the_event_and_the_path_and_the_stream_goes_on() {
    let pieces: Vec<Vec<u8>> = vec![
        b"event: progress\ndata: {\"step\": \"three\", \"note\": \"wrong type\"}\n\n".to_vec(),
        b"event: progress\ndata: {not json at all\n\n".to_vec(),
        b"event: progress\ndata: {\"step\": 4, \"note\": \"fine again\"}\n\n".to_vec(),
    ];
    let (url, server) = serve_once(move |socket| stream_pieces(socket, pieces)).await;
    let items: Vec<Result<Event<Progress>, StreamError>> =
        EventStream::from_response(get(&url).await, DEFAULT_MAX_EVENT_BYTES)
            .collect()
            .await;
    assert_eq!(items.len(), 3, "{items:?}");

    match &items[0] {
        Err(StreamError::InvalidData {
            event, path, snippet, ..
        }) => {
            assert_eq!(event, "progress");
            assert_eq!(path, "step");
            assert_eq!(snippet, "{\"step\": \"three\", \"note\": \"wrong type\"}");
        }
        other => panic!("expected InvalidData, got {other:?}"),
    }
    let message = items[0].as_ref().expect_err("error").to_string();
    assert!(!message.contains('\n'), "one line: {message}");
    assert!(
        message.contains("`progress`") && message.contains("`step`") && message.contains("invalid type"),
        "{message}"
    );
    assert!(
        matches!(&items[1], Err(StreamError::InvalidData { .. })),
        "{:?}",
        items[1]
    );
    assert_eq!(items[2].as_ref().expect("third event").data, progress(4, "fine again"));
    server.await.expect("server");
}

#[tokio::test]
async fn a_long_invalid_event_is_quoted_in_at_most_200_characters() {
    let long = format!("data: [{}]\n\n", "\"é\",".repeat(400) + "1");
    let (url, server) = serve_once(move |socket| stream_pieces(socket, vec![long.into_bytes()])).await;
    let mut events = EventStream::<Progress>::from_response(get(&url).await, DEFAULT_MAX_EVENT_BYTES);
    match events.next().await {
        Some(Err(StreamError::InvalidData { snippet, path, .. })) => {
            assert_eq!(snippet.chars().count(), 200);
            assert!(snippet.starts_with("[\"é\","));
            // serde reads a struct from an array too: the first element is the mismatch.
            assert_eq!(path, "[0]");
        }
        other => panic!("expected InvalidData, got {other:?}"),
    }
    server.await.expect("server");
}

#[tokio::test]
async fn an_event_over_the_bound_stops_the_stream_while_the_server_is_still_sending() {
    const LIMIT: usize = 64 * 1024;
    // The server would send up to 256 MiB of one event; the client must give up long
    // before, and its dropping the connection must end the server's writing.
    const CAP: usize = 256 << 20;
    let sent = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    let (sent_by_server, finished_by_server) = (sent.clone(), finished.clone());
    let (url, server) = serve_once(move |mut socket: TcpStream| async move {
        socket.write_all(SSE_HEAD).await.expect("head");
        socket
            .write_all(&chunk(b"data: {\"step\": 1, \"note\": \"small\"}\n\ndata: \""))
            .await
            .expect("first");
        let piece = chunk(&[b'x'; 16 * 1024]);
        let mut result = Ok(());
        while sent_by_server.load(Ordering::Relaxed) < CAP {
            result = socket.write_all(&piece).await;
            if result.is_err() {
                break;
            }
            sent_by_server.fetch_add(16 * 1024, Ordering::Relaxed);
        }
        finished_by_server.store(true, Ordering::Relaxed);
        result
    })
    .await;

    let mut events = EventStream::<Progress>::from_response(get(&url).await, LIMIT);
    let first = events.next().await.expect("an item").expect("the small event");
    assert_eq!(first.data, progress(1, "small"));
    match events.next().await {
        Some(Err(StreamError::EventTooLarge { limit })) => assert_eq!(limit, LIMIT),
        other => panic!("expected EventTooLarge, got {other:?}"),
    }
    let at_error = sent.load(Ordering::Relaxed);
    assert!(
        !finished.load(Ordering::Relaxed),
        "the error came only after the server had finished"
    );
    assert!(
        at_error < CAP / 4,
        "the server had sent {at_error} bytes before the client gave up"
    );
    assert!(events.next().await.is_none(), "the stream ends after the error");
    let message = StreamError::EventTooLarge { limit: LIMIT }.to_string();
    assert!(message.contains("65536 bytes"), "{message}");

    // Dropping the stream closes the connection: the server's next writes fail.
    drop(events);
    let written = tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("the server stopped writing")
        .expect("server task");
    assert!(written.is_err(), "the server wrote all {CAP} bytes");
}

#[tokio::test]
async fn the_bound_holds_on_the_bytes_read_not_only_on_what_is_kept() {
    // An endless event from memory: the stream reads at most the bound plus the chunk that
    // crossed it, then stops, so nothing can have buffered more.
    const CHUNK: usize = 4096;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let body = stream::once(async { Ok(Bytes::from_static(b": hello\n\nevent: big\ndata: ")) }).chain(
        stream::repeat_with(move || {
            counter.fetch_add(CHUNK, Ordering::Relaxed);
            Ok(Bytes::from_static(&[b'y'; CHUNK]))
        })
        .take(1 << 18), // 1 GiB, never reached
    );
    let mut events = EventStream::<String>::raw(ByteStream::new(Box::pin(body)), DEFAULT_MAX_EVENT_BYTES);
    match events.next().await {
        Some(Err(StreamError::EventTooLarge { limit })) => assert_eq!(limit, DEFAULT_MAX_EVENT_BYTES),
        other => panic!("expected EventTooLarge, got {other:?}"),
    }
    let pulled = pulled.load(Ordering::Relaxed);
    assert!(
        pulled <= DEFAULT_MAX_EVENT_BYTES + CHUNK,
        "read {pulled} bytes of one event, bound {DEFAULT_MAX_EVENT_BYTES}"
    );
    assert!(
        pulled >= DEFAULT_MAX_EVENT_BYTES - 2 * CHUNK,
        "stopped early, after {pulled} bytes"
    );
}

#[tokio::test]
async fn keep_alives_and_many_small_events_never_add_up_to_the_bound() {
    // 10,000 keep-alives and 10,000 events of 20 bytes each: far more than the 1 KiB bound
    // in total, but no single block comes near it.
    let mut text = Vec::new();
    for i in 0..10_000 {
        text.extend_from_slice(b": keep-alive\r\n\r\n");
        text.extend_from_slice(format!("data: {i:>12}\r\n\r\n").as_bytes());
    }
    let chunks: Vec<Result<Bytes, reqwest::Error>> = text.chunks(1000).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    let events: Vec<Event<String>> = EventStream::raw(ByteStream::new(Box::pin(stream::iter(chunks))), 1024)
        .try_collect()
        .await
        .expect("no event is over the bound");
    assert_eq!(events.len(), 10_000);
    assert_eq!(events[9_999].data.trim(), "9999");
}

#[tokio::test]
async fn a_connection_cut_mid_event_is_a_transport_error_after_the_complete_events() {
    let (url, server) = serve_once(move |mut socket: TcpStream| async move {
        socket.write_all(SSE_HEAD).await.expect("head");
        socket
            .write_all(&chunk(b"event: progress\ndata: {\"step\": 1, \"note\": \"whole\"}\n\n"))
            .await
            .expect("first");
        socket
            .write_all(&chunk(b"event: progress\ndata: {\"step\": 2, \"no"))
            .await
            .expect("half");
        socket.flush().await.expect("flush");
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Dropping the socket without the last chunk: the body is cut short.
    })
    .await;
    let mut events = EventStream::<Progress>::from_response(get(&url).await, DEFAULT_MAX_EVENT_BYTES);
    assert_eq!(
        events.next().await.expect("item").expect("first event").data,
        progress(1, "whole")
    );
    match events.next().await {
        Some(Err(error @ StreamError::Transport(_))) => {
            let message = error.to_string();
            assert!(message.starts_with("event stream interrupted: "), "{message}");
            assert!(std::error::Error::source(&error).is_some());
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(events.next().await.is_none());
    server.await.expect("server");
}

#[test]
fn streams_can_move_between_tasks_and_debug_shows_no_body() {
    fn send_and_unpin<S: Send + Unpin>(_: &S) {}
    let body = stream::iter(vec![Ok::<_, reqwest::Error>(Bytes::from_static(b"data: secret\n\n"))]);
    let events = EventStream::<Progress>::new(ByteStream::new(Box::pin(body)), 4096);
    send_and_unpin(&events);
    let debug = format!("{events:?}");
    assert!(
        debug.contains("max_event_bytes: 4096") && !debug.contains("secret"),
        "{debug}"
    );
}

#[tokio::test]
async fn data_that_is_not_utf8_ends_the_stream_as_malformed() {
    let body = stream::iter(vec![
        Ok::<_, reqwest::Error>(Bytes::from_static(b"data: fine\n\n")),
        Ok(Bytes::from_static(
            b"data: \xff\xfe not text\n\ndata: never reached\n\n",
        )),
    ]);
    let items: Vec<Result<Event<String>, StreamError>> =
        EventStream::raw(ByteStream::new(Box::pin(body)), DEFAULT_MAX_EVENT_BYTES)
            .collect()
            .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().expect("first").data, "fine");
    match &items[1] {
        Err(error @ StreamError::Malformed(_)) => {
            assert!(error.to_string().starts_with("malformed event stream: "), "{error}")
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[tokio::test]
async fn the_last_event_id_follows_the_latest_id_and_an_empty_one_clears_it() {
    let body = stream::iter(vec![Ok::<_, reqwest::Error>(Bytes::from_static(
        b"id: 5\ndata: a\n\nid: 6\ndata: b\n\ndata: c\n\nid\ndata: d\n\n",
    ))]);
    let mut events = EventStream::raw(ByteStream::new(Box::pin(body)), DEFAULT_MAX_EVENT_BYTES);
    let mut seen = Vec::new();
    while let Some(event) = events.try_next().await.expect("event") {
        seen.push((event.data, event.id, events.last_event_id().map(str::to_owned)));
    }
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        seen,
        [
            ("a".to_owned(), some("5"), some("5")),
            ("b".to_owned(), some("6"), some("6")),
            ("c".to_owned(), None, some("6")),
            ("d".to_owned(), some(""), None),
        ]
    );
}
