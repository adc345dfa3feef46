//! Copied into the crate generated from `generator/tests/fixtures/gaps.yaml` as
//! `tests/wire.rs` by `xtask/tests/gaps.rs`: the self-contained client against a loopback
//! server that records each request and answers with a canned body.

#![allow(clippy::unwrap_used)]

use gaps::prelude::*;
use gaps::types;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as received: request line, headers (names lowercased) and body.
#[derive(Debug)]
struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Serves one request per answer, in order, on its own connection; returns the base URL and
/// a handle yielding what was received.
async fn serve(answers: Vec<(u16, Value)>) -> (String, tokio::task::JoinHandle<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let mut received = Vec::new();
        for (status, body) in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            received.push(read_request(&mut socket).await);
            let body = body.to_string();
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
        }
        received
    });
    (base, handle)
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Received {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at;
        }
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed inside the headers");
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).unwrap();
    let mut rest = buffer[head_end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap().split(' ');
    let method = request_line.next().unwrap().to_owned();
    let path = request_line.next().unwrap().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let body = if let Some(length) = get("content-length") {
        let length: usize = length.parse().unwrap();
        while rest.len() < length {
            let mut chunk = [0u8; 65536];
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed inside the body");
            rest.extend_from_slice(&chunk[..n]);
        }
        rest.truncate(length);
        rest
    } else if get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        // Read until the terminating zero-length chunk, then decode.
        while find(&rest, b"\r\n0\r\n\r\n").is_none() && !rest.starts_with(b"0\r\n\r\n") {
            let mut chunk = [0u8; 65536];
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed inside a chunked body");
            rest.extend_from_slice(&chunk[..n]);
        }
        dechunk(&rest)
    } else {
        Vec::new()
    };
    Received {
        method,
        path,
        headers,
        body,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        let start = line_end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

fn gadget() -> Value {
    json!({"id": "g1", "name": "Gizmo"})
}

#[tokio::test]
async fn a_patch_sends_null_to_clear_and_leaves_absent_fields_out() {
    let (base, server) = serve(vec![(200, gadget()), (200, gadget())]).await;
    let client = Client::new(&base);
    client
        .patch_gadget()
        .gadget_id("g1")
        .body(
            types::GadgetPatch::builder()
                .homepage(Some(None))
                .name(Some("Gizmo 2".to_owned()))
                .dimensions(Some(Some(types::Dimensions {
                    width: 40,
                    depth: Some(None),
                })))
                .warranty(Some(types::GadgetPatchWarranty { until: Some(None) }))
                .notes(Some("kept".to_owned())),
        )
        .send()
        .await
        .unwrap();
    client
        .patch_gadget()
        .gadget_id("g1")
        .body_map(|patch| {
            patch
                .homepage(Some(Some("https://gizmo.example".to_owned())))
                .notes(None::<String>)
        })
        .send()
        .await
        .unwrap();
    let received = server.await.unwrap();
    assert_eq!(received[0].method, "PATCH");
    assert_eq!(received[0].path, "/gadgets/g1");
    assert_eq!(
        received[0].json(),
        json!({
            "homepage": null,
            "name": "Gizmo 2",
            "dimensions": {"width": 40, "depth": null},
            "warranty": {"until": null},
            "notes": "kept"
        })
    );
    // Absent fields stay absent; a required nullable field is always sent.
    assert_eq!(
        received[1].json(),
        json!({"homepage": "https://gizmo.example", "notes": null})
    );
}

#[test]
fn null_and_absence_survive_a_round_trip() {
    let cleared: types::GadgetPatch = serde_json::from_value(json!({"homepage": null, "notes": null})).unwrap();
    assert_eq!(cleared.homepage, Some(None));
    assert_eq!(cleared.dimensions, None);
    assert_eq!(
        serde_json::to_value(&cleared).unwrap(),
        json!({"homepage": null, "notes": null})
    );
    let set: types::GadgetPatch = serde_json::from_value(json!({"homepage": "h", "notes": "n"})).unwrap();
    assert_eq!(set.homepage, Some(Some("h".to_owned())));
    assert_eq!(
        serde_json::to_value(&set).unwrap(),
        json!({"homepage": "h", "notes": "n"})
    );
}

#[tokio::test]
async fn a_delete_carries_its_json_body() {
    let (base, server) = serve(vec![(200, gadget())]).await;
    let client = Client::new(&base);
    let scrapped = client
        .scrap_gadget()
        .gadget_id("g1")
        .body(
            types::ScrapGadgetBody::builder()
                .reason("obsolete")
                .recycle(Some(true))
                .successor(Some(None)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(scrapped.name, "Gizmo");
    let received = server.await.unwrap();
    assert_eq!(received[0].method, "DELETE");
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert_eq!(
        received[0].json(),
        json!({"reason": "obsolete", "recycle": true, "successor": null})
    );
}

#[tokio::test]
async fn file_parts_carry_their_file_names_and_declared_content_types() {
    let dir = std::env::temp_dir().join(format!("gaps-wire-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let front = dir.join("front-view.png");
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n"
        .iter()
        .copied()
        .chain((0..100_000u32).map(|i| (i % 251) as u8))
        .collect();
    std::fs::write(&front, &png).unwrap();

    let (base, server) = serve(vec![(201, json!({"stored": 2})), (201, json!({"stored": 1}))]).await;
    let client = Client::new(&base);
    let stored = client
        .upload_gadget_photos()
        .gadget_id("g1")
        .front(front.as_path())
        .thumbnail(gaps::multipart::FilePart::named("thumb.jpg", &b"\xff\xd8\xff"[..]))
        .caption("Front and thumbnail")
        .layout(json!({"columns": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.stored, 2);
    // Bytes without a name of their own are named after their part.
    client
        .upload_gadget_photos()
        .gadget_id("g1")
        .front(b"\x89PNG".to_vec())
        .send()
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let received = server.await.unwrap();
    assert_eq!(received[0].method, "POST");
    assert!(
        received[0]
            .header("content-type")
            .is_some_and(|t| t.starts_with("multipart/form-data; boundary=")),
        "{:?}",
        received[0].headers
    );
    let body = &received[0].body;
    let front_head = b"content-disposition: form-data; name=\"front\"; filename=\"front-view.png\"\r\ncontent-type: image/png\r\n\r\n";
    let at = find(&body.to_ascii_lowercase(), &front_head.to_ascii_lowercase())
        .unwrap_or_else(|| panic!("no front part in {}", String::from_utf8_lossy(body)));
    let start = at + front_head.len();
    assert_eq!(&body[start..start + png.len()], &png[..], "the file is sent in full");
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    for expected in [
        "name=\"thumbnail\"; filename=\"thumb.jpg\"\r\ncontent-type: image/jpeg\r\n\r\n\u{fffd}\u{fffd}\u{fffd}\r\n",
        "name=\"caption\"\r\n\r\nfront and thumbnail\r\n",
        "name=\"layout\"\r\ncontent-type: application/json\r\n\r\n{\"columns\":2}\r\n",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    let second = String::from_utf8_lossy(&received[1].body).to_ascii_lowercase();
    assert!(
        second.contains("name=\"front\"; filename=\"front\"\r\ncontent-type: image/png\r\n"),
        "{second}"
    );
    assert!(!second.contains("name=\"thumbnail\""), "{second}");
}

#[tokio::test]
async fn free_form_objects_go_out_and_come_back_as_json() {
    let stored = json!({"theme": "dark", "limits": {"bench": 3}, "tags": ["a", null]});
    let (base, server) = serve(vec![(200, stored.clone()), (200, stored.clone())]).await;
    let client = Client::new(&base);
    let Value::Object(settings) = stored.clone() else {
        unreachable!()
    };
    let echoed: Value = client
        .replace_settings()
        .body(settings.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(echoed, stored);
    let read: serde_json::Map<String, Value> = client.read_settings().send().await.unwrap().into_inner();
    assert_eq!(read, settings);
    let received = server.await.unwrap();
    assert_eq!(received[0].method, "PUT");
    assert_eq!(received[0].json(), stored);
    assert_eq!(received[1].method, "GET");
}
