//! Item streams generated from `x-pagination` hints: page numbers stopping on the total or on
//! an empty page, and cursors stopping when none comes back. Each test asserts the requests.

mod support;

use capabilities_client::prelude::*;
use capabilities_client::{Error, RetryPolicy};
use futures_util::{StreamExt, TryStreamExt};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(api: &str, relay: &str) -> Client {
    Client::builder()
        .base_url(api)
        .server_url("relay", relay)
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn widgets(page: usize, per_page: usize) -> Vec<serde_json::Value> {
    (0..per_page)
        .map(|i| {
            let n = (page - 1) * per_page + i;
            serde_json::json!({"id": format!("w{n}"), "name": format!("widget {n}")})
        })
        .collect()
}

async fn queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r: &Request| format!("{}?{}", r.url.path(), r.url.query().unwrap_or("")))
        .collect()
}

#[tokio::test]
async fn page_numbers_stop_after_the_last_page_the_response_announces() {
    let api = MockServer::start().await;
    for page in 1..=3 {
        Mock::given(method("GET"))
            .and(path("/widgets"))
            .and(support::page_is(page))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "widgets": widgets(page, 2),
                "pagination": {"currentPage": page, "totalPages": 3},
            })))
            .mount(&api)
            .await;
    }
    let client = client(&api.uri(), "http://127.0.0.1:9");
    let ids: Vec<String> = client
        .list_widgets()
        .page_size(2)
        .q("blue")
        .into_stream()
        .map_ok(|w| w.id)
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(ids, ["w0", "w1", "w2", "w3", "w4", "w5"]);
    // Filters repeat on every page; nothing is asked past page 3.
    assert_eq!(
        queries(&api).await,
        [
            "/widgets?pageSize=2&q=blue",
            "/widgets?page=2&pageSize=2&q=blue",
            "/widgets?page=3&pageSize=2&q=blue",
        ]
    );
}

#[tokio::test]
async fn without_a_total_the_stream_ends_at_the_first_empty_page() {
    let api = MockServer::start().await;
    for page in 1..=3 {
        let items = if page < 3 { widgets(page, 3) } else { Vec::new() };
        Mock::given(method("GET"))
            .and(path("/gadgets"))
            .and(support::page_is(page))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"gadgets": items})))
            .mount(&api)
            .await;
    }
    let client = client(&api.uri(), "http://127.0.0.1:9");
    let count = client
        .list_gadgets()
        .into_stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("pages")
        .len();
    assert_eq!(count, 6);
    assert_eq!(queries(&api).await, ["/gadgets?", "/gadgets?page=2", "/gadgets?page=3"]);
}

#[tokio::test]
async fn pages_are_requested_only_when_the_previous_one_is_used_up() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/gadgets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"gadgets": widgets(1, 2)})))
        .mount(&api)
        .await;
    let client = client(&api.uri(), "http://127.0.0.1:9");
    let mut stream = client.list_gadgets().into_stream();
    stream.next().await.expect("one").expect("ok");
    stream.next().await.expect("two").expect("ok");
    assert_eq!(
        queries(&api).await.len(),
        1,
        "the second page is not fetched before it is needed"
    );
    stream.next().await.expect("three").expect("ok");
    assert_eq!(queries(&api).await.len(), 2);
}

#[tokio::test]
async fn cursors_are_followed_on_the_relay_host_until_none_comes_back() {
    let relay_host = MockServer::start().await;
    let page = |ids: &[&str], next: serde_json::Value| {
        let relays: Vec<_> = ids
            .iter()
            .map(|id| serde_json::json!({"id": id, "region": "eu"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"relays": relays, "nextCursor": next}))
    };
    Mock::given(method("GET"))
        .and(path("/relays"))
        .and(query_param("cursor", "c2"))
        .respond_with(page(&["r3"], serde_json::json!("c3")))
        .mount(&relay_host)
        .await;
    Mock::given(method("GET"))
        .and(path("/relays"))
        .and(query_param("cursor", "c3"))
        .respond_with(page(&["r4", "r5"], serde_json::Value::Null))
        .mount(&relay_host)
        .await;
    Mock::given(method("GET"))
        .and(path("/relays"))
        .respond_with(page(&["r1", "r2"], serde_json::json!("c2")))
        .with_priority(10)
        .mount(&relay_host)
        .await;
    let client = client("http://127.0.0.1:9", &relay_host.uri());
    let ids: Vec<String> = client
        .list_relays()
        .limit(2)
        .into_stream()
        .map_ok(|r| r.id)
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);
    assert_eq!(
        queries(&relay_host).await,
        [
            "/relays?limit=2",
            "/relays?cursor=c2&limit=2",
            "/relays?cursor=c3&limit=2"
        ]
    );
}

#[tokio::test]
async fn an_empty_next_cursor_also_ends_the_stream() {
    let relay_host = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/relays"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"relays": [{"id": "r1", "region": "eu"}], "nextCursor": ""})),
        )
        .mount(&relay_host)
        .await;
    let client = client("http://127.0.0.1:9", &relay_host.uri());
    let all: Vec<_> = client
        .list_relays()
        .into_stream()
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(all.len(), 1);
    assert_eq!(queries(&relay_host).await.len(), 1);
}

#[tokio::test]
async fn an_error_is_yielded_after_the_items_before_it_and_ends_the_stream() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .and(support::page_is(1))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "widgets": widgets(1, 2),
            "pagination": {"currentPage": 1, "totalPages": 5},
        })))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .and(support::page_is(2))
        .respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({"error": "slow down"})))
        .mount(&api)
        .await;
    let client = client(&api.uri(), "http://127.0.0.1:9");
    let results: Vec<_> = client.list_widgets().into_stream().collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    match &results[2] {
        Err(Error::Documented { status, body, .. }) => {
            assert_eq!(status.as_u16(), 429);
            assert_eq!(body.error, "slow down");
        }
        other => panic!("expected the documented error, got {other:?}"),
    }
    assert_eq!(queries(&api).await.len(), 2);
}
