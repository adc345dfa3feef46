//! Request bodies the registry's spec does not use, through the runtime: a PATCH that tells
//! `null` (clear) from absent (keep), a JSON body on DELETE, a multipart form with two image
//! files and a text part, free-form JSON both ways, and a retried form sent again in full.

use capabilities_client::RetryPolicy;
mod support;

use capabilities_client::multipart::FilePart;
use capabilities_client::prelude::*;
use capabilities_client::types::WidgetPatch;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server_answering(verb: &str, route: &str, response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    (server, client)
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn widget() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "w1", "name": "gear"}))
}

#[tokio::test]
async fn a_patch_sends_null_to_clear_and_leaves_absent_fields_out() {
    let (server, client) = server_answering("PATCH", "/widgets/w1/edit", widget()).await;
    let patch = WidgetPatch {
        name: Some("gear".to_owned()),
        homepage: Some(None),
        note: None,
    };
    client
        .patch_widget()
        .widget_id("w1")
        .body(patch)
        .send()
        .await
        .expect("patched");
    let request = only_request(&server).await;
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("json");
    assert_eq!(body, serde_json::json!({"name": "gear", "homepage": null}));
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        r#"{"homepage":null,"name":"gear"}"#
    );
}

#[test]
fn null_and_absent_read_back_as_they_were_sent() {
    let cleared: WidgetPatch = serde_json::from_str(r#"{"homepage": null}"#).expect("parse");
    assert_eq!(cleared.homepage, Some(None));
    assert_eq!(cleared.note, None);
    let set: WidgetPatch = serde_json::from_str(r#"{"note": "hi"}"#).expect("parse");
    assert_eq!(set.note, Some(Some("hi".to_owned())));
}

#[tokio::test]
async fn a_delete_carries_its_json_body() {
    let (server, client) = server_answering("DELETE", "/widgets/w1/edit", ResponseTemplate::new(204)).await;
    client
        .retire_widget()
        .widget_id("w1")
        .body(capabilities_client::types::RetireWidgetBody {
            reason: "worn out".to_owned(),
        })
        .send()
        .await
        .expect("retired");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(
        request.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("json");
    assert_eq!(body, serde_json::json!({"reason": "worn out"}));
}

/// One part of a multipart body: name, filename, content type, bytes.
type Part = (String, Option<String>, Option<String>, Vec<u8>);

fn parts(request: &Request) -> Vec<Part> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("content type");
    support::parse_multipart(content_type, &request.body)
        .into_iter()
        .map(|p| (p.name, p.filename, p.content_type, p.body))
        .collect()
}

#[tokio::test]
async fn a_form_with_two_images_sends_each_with_its_type_and_file_name() {
    let stored = ResponseTemplate::new(201).set_body_json(serde_json::json!({"stored": 2}));
    let (server, client) = server_answering("PUT", "/widgets/w1/photos", stored).await;
    let directory = tempfile::tempdir().expect("tempdir");
    let front = directory.path().join("front-view.png");
    std::fs::write(&front, b"\x89PNG front").expect("write");
    client
        .upload_photos()
        .widget_id("w1")
        .front(front.as_path())
        .back(FilePart::named("back.jpg", b"\xff\xd8 back".to_vec()))
        .caption("both sides")
        .send()
        .await
        .expect("uploaded");
    let request = only_request(&server).await;
    assert_eq!(
        parts(&request),
        [
            (
                "front".to_owned(),
                Some("front-view.png".to_owned()),
                Some("image/png".to_owned()),
                b"\x89PNG front".to_vec()
            ),
            (
                "back".to_owned(),
                Some("back.jpg".to_owned()),
                Some("image/jpeg".to_owned()),
                b"\xff\xd8 back".to_vec()
            ),
            ("caption".to_owned(), None, None, b"both sides".to_vec()),
        ]
    );
}

#[tokio::test]
async fn a_retried_form_is_sent_again_in_full() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/widgets/w1/photos"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/widgets/w1/photos"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"stored": 1})))
        .with_priority(2)
        .mount(&server)
        .await;
    let sleeper: capabilities_client::runtime::Sleeper = std::sync::Arc::new(|_| Box::pin(async {}));
    let client = Client::builder()
        .base_url(server.uri())
        .retry(RetryPolicy::default().max_attempts(3).sleeper(sleeper))
        .build()
        .expect("client");
    let directory = tempfile::tempdir().expect("tempdir");
    let front = directory.path().join("big.png");
    let content: Vec<u8> = (0..500_000_u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&front, &content).expect("write");
    client
        .upload_photos()
        .widget_id("w1")
        .front(front)
        .send()
        .await
        .expect("second attempt");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let sent = parts(request);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].3, content, "each attempt carries the whole file");
    }
}

#[tokio::test]
async fn free_form_settings_go_out_and_come_back_as_json_objects() {
    let echo = serde_json::json!({"theme": "dark", "limits": {"daily": 3}, "beta": true});
    let (server, client) = server_answering("PUT", "/settings", ResponseTemplate::new(200).set_body_json(&echo)).await;
    let settings = echo.as_object().expect("object").clone();
    let stored = client
        .replace_settings()
        .body(settings)
        .send()
        .await
        .expect("stored")
        .into_inner();
    assert_eq!(serde_json::Value::Object(stored), echo);
    let request = only_request(&server).await;
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&request.body).expect("json"),
        echo
    );
}
