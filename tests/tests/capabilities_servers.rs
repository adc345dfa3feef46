//! Server groups: each operation goes to its own group's host, every group's URL can be set on
//! the builder and per call, and the defaults come from the spec (variables filled in).

use capabilities_client::prelude::*;
use capabilities_client::runtime::BuildError;
use capabilities_client::{DEFAULT_BASE_URL, RetryPolicy, SERVERS};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn relay(id: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "region": "eu"})
}

async fn two_hosts() -> (MockServer, MockServer) {
    let api = MockServer::start().await;
    let relay_host = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": "ok"})))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/relays/r1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(relay("r1")))
        .mount(&relay_host)
        .await;
    Mock::given(method("GET"))
        .and(path("/relays"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"relays": [relay("r1")]})))
        .mount(&relay_host)
        .await;
    (api, relay_host)
}

fn client(api: &str, relay: &str) -> Client {
    Client::builder()
        .base_url(api)
        .server_url("relay", relay)
        .bearer_token("t")
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

async fn paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect()
}

#[test]
fn defaults_come_from_the_spec_with_variables_filled_in() {
    assert_eq!(DEFAULT_BASE_URL, "https://eu.fixture.example/v1");
    let names: Vec<(&str, &str)> = SERVERS.iter().map(|g| (g.name, g.url)).collect();
    assert_eq!(
        names,
        [
            ("api", "https://eu.fixture.example/v1"),
            ("relay", "https://relay.fixture.example")
        ]
    );
    let client = Client::new("t").expect("builds");
    assert_eq!(client.base_url(), "https://eu.fixture.example/v1");
    assert_eq!(client.server_url("api"), Some("https://eu.fixture.example/v1"));
    assert_eq!(client.server_url("relay"), Some("https://relay.fixture.example"));
    assert_eq!(client.server_url("nope"), None);
}

#[tokio::test]
async fn each_operation_reaches_its_own_host() {
    let (api, relay_host) = two_hosts().await;
    let client = client(&api.uri(), &relay_host.uri());

    client.check_health().send().await.expect("health on the api host");
    let one = client
        .get_relay()
        .relay_id("r1")
        .send()
        .await
        .expect("relay on the relay host");
    assert_eq!(one.id, "r1");
    let page = client.list_relays().send().await.expect("relays on the relay host");
    assert_eq!(page.relays.len(), 1);

    assert_eq!(paths(&api).await, ["/health"]);
    assert_eq!(paths(&relay_host).await, ["/relays/r1", "/relays"]);
    // No official SDK sends progenitor's `api-version` header; neither does this client.
    for server in [&api, &relay_host] {
        for request in server.received_requests().await.unwrap_or_default() {
            assert!(!request.headers.contains_key("api-version"), "{:?}", request.headers);
        }
    }
}

#[tokio::test]
async fn a_group_can_be_moved_for_one_call() {
    let (api, relay_host) = two_hosts().await;
    let (_, elsewhere) = two_hosts().await;
    let client = client(&api.uri(), &relay_host.uri());

    let moved = client.with_server_url("relay", &elsewhere.uri()).expect("valid URL");
    moved
        .get_relay()
        .relay_id("r1")
        .send()
        .await
        .expect("sent to the other relay host");
    // The default group stays where it was, and the original client is untouched.
    moved.check_health().send().await.expect("health");
    client
        .get_relay()
        .relay_id("r1")
        .send()
        .await
        .expect("original relay host");

    assert_eq!(paths(&elsewhere).await, ["/relays/r1"]);
    assert_eq!(paths(&relay_host).await, ["/relays/r1"]);
    assert_eq!(paths(&api).await, ["/health"]);
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_keeps_it() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": "ok"})))
        .expect(1)
        .mount(&api)
        .await;
    let client = client(&format!("{}/v1/", api.uri()), "http://127.0.0.1:9");
    client.check_health().send().await.expect("prefixed path");
}

#[test]
fn an_unknown_group_or_a_bad_url_is_refused_with_what_to_fix() {
    let error = Client::builder()
        .server_url("relays", "http://127.0.0.1:1")
        .build()
        .expect_err("unknown group");
    assert!(
        matches!(&error, BuildError::UnknownServerGroup { group, known } if group == "relays" && known == &["api", "relay"])
    );
    assert_eq!(
        error.to_string(),
        "unknown server group `relays`; this API has api, relay"
    );

    let error = Client::builder()
        .server_url("relay", "ftp://relay")
        .build()
        .expect_err("bad scheme");
    assert!(error.to_string().contains("`ftp://relay`"), "{error}");

    let client = Client::new("t").expect("builds");
    assert!(client.with_server_url("relay", "not a url").is_err());
    assert!(matches!(
        client.with_server_url("nope", "http://127.0.0.1:1"),
        Err(BuildError::UnknownServerGroup { .. })
    ));
}
