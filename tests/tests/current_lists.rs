//! The current API's item streams on the wire: for the four lists paged by page number and
//! the connections list paged by cursor, the exact requests `into_stream()` sends, page by
//! page, and where it stops.
//!
//! The official SDK's rule for page numbers (the 2026-07 fact sheet, "Pagination"): a page
//! has a successor exactly when its item array is non-empty; `pagination.totalPages` and
//! the other counts are never read, so walking ends with one request that returns an empty
//! page. For cursors: follow `nextCursor` until it is null.

mod support;

use serde_json::{Value, json};
// The prelude alone brings the stream traits (`try_next`, `try_collect`): no `futures-util`
// import, as a user's code would read.
use smithery_registry::prelude::*;
use smithery_registry::{Client, ErrorKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(api: &MockServer, connect: &MockServer) -> Client {
    support::current_client(&api.uri(), &connect.uri())
}

/// The `page` query value of a request (1 when absent, as the SDK counts).
fn page_of(request: &Request) -> u64 {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1)
}

/// Answers page `n` of `route` with `sizes[n - 1]` items built by `item`, under `key`, and an empty
/// page past the end. Every page claims `totalPages: 1`: the walk must not read it.
fn pages(route: &str, key: &'static str, sizes: &'static [usize], item: fn(u64, usize) -> Value) -> Mock {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(move |request: &Request| {
            let page = page_of(request);
            let count = sizes.get(page as usize - 1).copied().unwrap_or(0);
            let items: Vec<Value> = (0..count).map(|i| item(page, i)).collect();
            ResponseTemplate::new(200).set_body_json(json!({
                key: items,
                "pagination": {"currentPage": page, "pageSize": 2, "totalPages": 1, "totalCount": 3}
            }))
        })
}

/// The query strings the server received, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect()
}

fn server_item(page: u64, i: usize) -> Value {
    json!({
        "id": format!("s{page}-{i}"), "bySmithery": false, "createdAt": "2026-07-01T00:00:00Z",
        "description": "d", "displayName": "D", "homepage": "https://example.com",
        "iconUrl": null, "isDeployed": true, "namespace": "acme", "owner": null,
        "qualifiedName": format!("acme/s{page}-{i}"), "remote": true, "score": null,
        "slug": format!("s{page}-{i}"), "useCount": 1, "verified": true
    })
}

fn release_item(page: u64, i: usize) -> Value {
    json!({
        "id": format!("r{page}-{i}"), "createdAt": "2026-07-01T00:00:00Z", "status": "SUCCESS",
        "type": "hosted_shttp", "updatedAt": "2026-07-01T00:00:00Z"
    })
}

fn skill_item(page: u64, i: usize) -> Value {
    json!({
        "id": format!("k{page}-{i}"), "createdAt": "2026-07-01T00:00:00Z", "description": "d",
        "displayName": "D", "listed": true, "namespace": "acme", "prompt": null,
        "qualityScore": 0.5, "slug": format!("k{page}-{i}"), "verified": false
    })
}

fn namespace_item(page: u64, i: usize) -> Value {
    json!({"name": format!("n{page}-{i}")})
}

#[tokio::test]
async fn list_servers_walks_pages_until_an_empty_one_ignoring_total_pages() {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    pages("/servers", "servers", &[2, 1], server_item).mount(&api).await;
    let c = client(&api, &connect);
    let items: Vec<_> = c
        .list_servers()
        .q("weather")
        .page_size(2)
        .into_stream()
        .try_collect()
        .await
        .expect("three items");
    let ids: Vec<&str> = items.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s1-0", "s1-1", "s2-0"]);
    // Page 1 says `totalPages: 1`, yet page 2 is asked for (it has an item), then page 3
    // (empty), which ends the walk: the SDK's rule. The other arguments ride along.
    assert_eq!(
        queries(&api).await,
        [
            "pageSize=2&q=weather",
            "page=2&pageSize=2&q=weather",
            "page=3&pageSize=2&q=weather"
        ]
    );
    assert!(connect.received_requests().await.expect("recorded").is_empty());
}

#[tokio::test]
async fn list_releases_walks_pages_until_an_empty_one() {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    pages("/servers/acme%2Fweather/releases", "releases", &[2, 2, 1], release_item)
        .mount(&api)
        .await;
    let c = client(&api, &connect);
    let items: Vec<_> = c
        .list_releases()
        .qualified_name("acme/weather")
        .page_size(2)
        .into_stream()
        .try_collect()
        .await
        .expect("five items");
    let ids: Vec<&str> = items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r1-0", "r1-1", "r2-0", "r2-1", "r3-0"]);
    assert_eq!(
        queries(&api).await,
        [
            "pageSize=2",
            "page=2&pageSize=2",
            "page=3&pageSize=2",
            "page=4&pageSize=2"
        ]
    );
}

#[tokio::test]
async fn list_skills_walks_pages_until_an_empty_one() {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    pages("/skills", "skills", &[1], skill_item).mount(&api).await;
    let c = client(&api, &connect);
    let items: Vec<_> = c
        .list_skills()
        .namespace("acme")
        .page_size(1)
        .into_stream()
        .try_collect()
        .await
        .expect("one item");
    let ids: Vec<&str> = items.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["k1-0"]);
    assert_eq!(
        queries(&api).await,
        ["namespace=acme&pageSize=1", "namespace=acme&page=2&pageSize=1"]
    );
}

#[tokio::test]
async fn list_namespaces_walks_pages_until_an_empty_one() {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    pages("/namespaces", "namespaces", &[2, 2], namespace_item)
        .mount(&api)
        .await;
    let c = client(&api, &connect);
    let items: Vec<_> = c
        .list_namespaces()
        .q("ac")
        .page_size(2)
        .into_stream()
        .try_collect()
        .await
        .expect("four items");
    let names: Vec<&str> = items.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["n1-0", "n1-1", "n2-0", "n2-1"]);
    assert_eq!(
        queries(&api).await,
        ["pageSize=2&q=ac", "page=2&pageSize=2&q=ac", "page=3&pageSize=2&q=ac"]
    );
}

#[tokio::test]
async fn an_empty_first_page_is_the_only_request() {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    pages("/servers", "servers", &[], server_item).mount(&api).await;
    let c = client(&api, &connect);
    let items: Vec<_> = c.list_servers().into_stream().try_collect().await.expect("no items");
    assert!(items.is_empty());
    assert_eq!(queries(&api).await, [""]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_after_the_items_before_it() {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .and(path("/skills"))
        .respond_with(|request: &Request| match page_of(request) {
            1 => ResponseTemplate::new(200).set_body_json(json!({
                "skills": [skill_item(1, 0)], "pagination": {}
            })),
            _ => ResponseTemplate::new(503).set_body_json(json!({"error": "maintenance"})),
        })
        .mount(&api)
        .await;
    let c = client(&api, &connect);
    let mut stream = c.list_skills().into_stream();
    let first = stream.try_next().await.expect("page 1").expect("an item");
    assert_eq!(first.id, "k1-0");
    let error = stream.try_next().await.expect_err("page 2 fails");
    assert_eq!(error.kind(), ErrorKind::ServerError);
    assert_eq!(error.body().map(|b| b.error.as_str()), Some("maintenance"));
    assert!(
        stream.try_next().await.expect("ended").is_none(),
        "nothing after the error"
    );
    assert_eq!(queries(&api).await, ["", "page=2"]);
}

fn connection(id: &str) -> Value {
    json!({"connectionId": id, "mcpUrl": "https://mcp.example.com", "metadata": null, "name": id})
}

#[tokio::test]
async fn list_connections_follows_next_cursor_until_null_on_the_connect_host() {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .and(path("/acme"))
        .respond_with(|request: &Request| {
            let cursor = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "cursor")
                .map(|(_, v)| v.into_owned());
            let body = match cursor.as_deref() {
                None => json!({"connections": [connection("c1"), connection("c2")], "nextCursor": "after c2"}),
                Some("after c2") => json!({"connections": [connection("c3")], "nextCursor": "after c3"}),
                Some("after c3") => json!({"connections": [], "nextCursor": null}),
                Some(other) => panic!("unexpected cursor {other}"),
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&connect)
        .await;
    let c = client(&api, &connect);
    let items: Vec<_> = c
        .list_connections()
        .namespace("acme")
        .limit(std::num::NonZeroU64::new(2).expect("nonzero"))
        .into_stream()
        .try_collect()
        .await
        .expect("three connections");
    let ids: Vec<&str> = items.iter().map(|c| c.connection_id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
    // The first request has no cursor; each next one carries the previous `nextCursor`
    // (encoded); an empty page with a cursor is still followed: only a null cursor stops.
    assert_eq!(
        queries(&connect).await,
        ["limit=2", "cursor=after%20c2&limit=2", "cursor=after%20c3&limit=2"]
    );
    assert!(api.received_requests().await.expect("recorded").is_empty());
}

#[tokio::test]
async fn list_connections_stops_when_next_cursor_is_empty() {
    // The sheet gives null as the end; an empty cursor could not be sent back either.
    for last in [json!({"connections": [connection("c1")], "nextCursor": ""})] {
        let (api, connect) = (MockServer::start().await, MockServer::start().await);
        Mock::given(method("GET"))
            .and(path("/acme"))
            .respond_with(ResponseTemplate::new(200).set_body_json(last.clone()))
            .mount(&connect)
            .await;
        let c = client(&api, &connect);
        let items: Vec<_> = c
            .list_connections()
            .namespace("acme")
            .into_stream()
            .try_collect()
            .await
            .expect("one connection");
        assert_eq!(items.len(), 1, "{last}");
        assert_eq!(queries(&connect).await, [""], "{last}");
    }
}

/// As the official SDK: the first request goes as the caller built it, and the walk goes on
/// from the caller's page, not from page 1.
#[tokio::test]
async fn a_stream_starts_at_the_callers_page() {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    pages("/servers", "servers", &[2, 2, 1], server_item).mount(&api).await;
    let c = client(&api, &connect);
    let items: Vec<_> = c
        .list_servers()
        .page(2)
        .into_stream()
        .try_collect()
        .await
        .expect("pages 2 and 3");
    let ids: Vec<&str> = items.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s2-0", "s2-1", "s3-0"]);
    assert_eq!(queries(&api).await, ["page=2", "page=3", "page=4"]);
}
