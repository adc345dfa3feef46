//! `list().into_stream()` walks every page lazily and stops where it should.

mod support;

use futures_util::{StreamExt, TryStreamExt};
use smithery_registry::seed::Error;
use smithery_registry::seed::prelude::*;
use support::fixtures;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn paged_server(total: usize, size: usize) -> MockServer {
    let server = MockServer::start().await;
    for page in 1..=total.div_ceil(size).max(1) {
        Mock::given(method("GET"))
            .and(path("/servers"))
            .and(support::page_is(page))
            .respond_with(ResponseTemplate::new(200).set_body_json(fixtures::list_page(page, size, total)))
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn streams_every_server_across_many_pages_in_order() {
    let server = paged_server(1000, 10).await;
    let client = support::client(&server.uri());
    let names: Vec<String> = client
        .list()
        .page_size(10)
        .q("memory")
        .into_stream()
        .map_ok(|s| s.qualified_name)
        .try_collect()
        .await
        .expect("all");
    assert_eq!(names.len(), 1000);
    assert_eq!(names[0], "acme/server-0");
    assert_eq!(names[999], "acme/server-999");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 100, "one request per page, none past totalPages");
    assert!(requests.iter().all(|r| {
        r.url
            .query()
            .is_some_and(|q| q.contains("q=memory") && q.contains("pageSize=10"))
    }));
}

#[tokio::test]
async fn pages_are_fetched_only_when_needed() {
    let server = paged_server(100, 10).await;
    let client = support::client(&server.uri());
    let first: Vec<_> = client.list().page_size(10).into_stream().take(15).collect().await;
    assert_eq!(first.len(), 15);
    assert_eq!(
        server.received_requests().await.expect("recorded").len(),
        2,
        "15 items need two pages of 10"
    );
}

#[tokio::test]
async fn stops_at_an_empty_page_even_if_total_pages_says_more() {
    // Page 1 claims 50 pages in all; page 2 is empty.
    let mut first = fixtures::list_page(1, 2, 2);
    first["pagination"]["totalPages"] = serde_json::json!(50);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/servers"))
        .and(support::page_is(1))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .with_priority(1)
        .mount(&server)
        .await;
    let mut empty = fixtures::list_page(1, 2, 0);
    empty["pagination"]["totalPages"] = serde_json::json!(50);
    Mock::given(method("GET"))
        .and(path("/servers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty))
        .with_priority(2)
        .mount(&server)
        .await;
    let items: Vec<_> = support::client(&server.uri())
        .list()
        .page_size(2)
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_yielding_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/servers"))
        .and(support::page_is(1))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixtures::list_page(1, 2, 6)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/servers"))
        .and(support::page_is(2))
        .respond_with(ResponseTemplate::new(422).set_body_json(serde_json::json!({"error": "pageSize too large"})))
        .mount(&server)
        .await;
    let items: Vec<_> = support::client(&server.uri())
        .list()
        .page_size(2)
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    match &items[2] {
        Err(Error::Documented { status, body, .. }) => {
            assert_eq!((status.as_u16(), body.error.as_str()), (422, "pageSize too large"))
        }
        other => panic!("{other:?}"),
    }
}
