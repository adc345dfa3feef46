//! The current API's streamed responses on the wire: the release event stream (typed
//! events, where it ends) and the two archive downloads (`Accept`, the bytes saved to a
//! file).

mod support;

use futures_util::StreamExt;
use smithery_registry::Client;
use smithery_registry::prelude::*;
use smithery_registry::types::ReleaseEventData;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(api: &MockServer) -> Client {
    support::current_client(&api.uri(), &api.uri())
}

/// A release's stream as the service sends it: `init` with the buffered log, a comment
/// (keep-alive), a `log` line, a `status` change and `complete`.
const RELEASE_STREAM: &str = concat!(
    "event: init\n",
    "data: {\"logs\":[{\"level\":\"start\",\"message\":\"uploading\",\"stage\":\"deploy\",\"timestamp\":\"2026-07-01T00:00:00Z\"}]}\n",
    "\n",
    ": keep-alive\n",
    "\n",
    "event: log\n",
    "data: {\"level\":\"info\",\"message\":\"scanning tools\",\"stage\":\"scan\",\"timestamp\":\"2026-07-01T00:00:01Z\"}\n",
    "\n",
    "event: complete\n",
    "data: {\"status\":\"SUCCESS\"}\n",
    "\n",
);

#[tokio::test]
async fn the_release_stream_yields_typed_events_and_ends_after_complete() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/servers/acme%2Fweather/releases/r-1/stream"))
        .and(header("accept", "text/event-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(RELEASE_STREAM, "text/event-stream"))
        .expect(1)
        .mount(&api)
        .await;
    let c = client(&api);
    let mut events = c
        .stream_release()
        .qualified_name("acme/weather")
        .id("r-1")
        .send()
        .await
        .expect("the stream opens")
        .into_inner();

    let init = events.next().await.expect("init").expect("decodes");
    assert_eq!(init.event, "init");
    let ReleaseEventData::InitEventData(buffered) = init.data else {
        panic!("init carries the buffered log: {:?}", init.data);
    };
    assert_eq!(buffered.logs.len(), 1);
    assert_eq!(buffered.logs[0].message, "uploading");

    let log = events.next().await.expect("log").expect("decodes");
    assert_eq!(log.event, "log");
    let ReleaseEventData::LogEventData(line) = log.data else {
        panic!("a log line: {:?}", log.data);
    };
    assert_eq!(line.message.as_deref(), Some("scanning tools"));
    assert_eq!(line.stage.as_deref(), Some("scan"));

    let complete = events.next().await.expect("complete").expect("decodes");
    assert_eq!(complete.event, "complete");
    let ReleaseEventData::CompleteEventData(done) = complete.data else {
        panic!("complete carries the final status: {:?}", complete.data);
    };
    assert_eq!(done.status.as_str(), "SUCCESS");

    // The body ends after `complete`: so does the stream, for good.
    assert!(events.next().await.is_none());
    assert!(events.next().await.is_none());
}

/// `status` events carry the new status as a bare JSON string (`"WORKING"`): the event data
/// type is a `oneOf` whose string branch takes it, while the object events keep their shapes.
#[tokio::test]
async fn a_bare_status_event_decodes_as_a_status() {
    let api = MockServer::start().await;
    let body = "event: status\ndata: \"WORKING\"\n\nevent: complete\ndata: {\"status\":\"FAILURE\"}\n\n";
    Mock::given(method("GET"))
        .and(path("/servers/acme%2Fweather/releases/r-1/stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&api)
        .await;
    let c = client(&api);
    let mut events = c
        .stream_release()
        .qualified_name("acme/weather")
        .id("r-1")
        .send()
        .await
        .expect("the stream opens")
        .into_inner();
    let status = events.next().await.expect("status event").expect("decodes");
    assert_eq!(status.event, "status");
    match status.data {
        ReleaseEventData::StatusEventData(status) => assert_eq!(status.0.as_str(), "WORKING"),
        other => panic!("a bare string is the status branch: {other:?}"),
    }
    let complete = events.next().await.expect("complete").expect("decodes");
    match complete.data {
        ReleaseEventData::CompleteEventData(done) => assert_eq!(done.status.as_str(), "FAILURE"),
        other => panic!("complete carries the final status: {other:?}"),
    }
    assert!(events.next().await.is_none());
}

/// Both archive downloads ask for `application/zip` and save the body as sent.
#[tokio::test]
async fn downloads_send_accept_zip_and_save_the_bytes() {
    let api = MockServer::start().await;
    // Not valid UTF-8 and larger than one read: bytes must arrive untouched.
    let archive: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    for route in ["/servers/acme%2Fweather/download", "/skills/acme/pdf%20tools/download"] {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("accept", "application/zip"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(archive.clone(), "application/zip"))
            .expect(1)
            .mount(&api)
            .await;
    }
    let c = client(&api);
    let dir = tempfile::tempdir().expect("temp dir");

    let server = c
        .download_server()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect("downloads")
        .into_inner();
    assert_eq!(server.content_type(), Some("application/zip"));
    assert_eq!(server.content_length(), Some(archive.len() as u64));
    let to = dir.path().join("weather.mcpb");
    let written = server.save_to(&to).await.expect("saved");
    assert_eq!(written, archive.len() as u64);
    assert_eq!(std::fs::read(&to).expect("read back"), archive);

    let skill = c
        .download_skill()
        .namespace("acme")
        .slug("pdf tools")
        .send()
        .await
        .expect("downloads")
        .into_inner();
    assert_eq!(skill.content_type(), Some("application/zip"));
    let to = dir.path().join("pdf.zip");
    let written = skill.save_to(&to).await.expect("saved");
    assert_eq!(written, archive.len() as u64);
    assert_eq!(std::fs::read(&to).expect("read back"), archive);
    // Only the two files: `save_to` leaves no temporary file behind.
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 2);
}

/// A download refused by the server is an error before any file is written.
#[tokio::test]
async fn a_refused_download_writes_nothing() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": "no stdio release"})))
        .mount(&api)
        .await;
    let c = client(&api);
    let error = c
        .download_server()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect_err("404");
    assert_eq!(error.kind(), smithery_registry::ErrorKind::NotFound);
    assert_eq!(error.body().map(|b| b.error.as_str()), Some("no stdio release"));
}
