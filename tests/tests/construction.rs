//! Building clients: defaults, the token from the environment, base URLs, and per-call
//! overrides.

mod support;

use smithery_registry::seed::prelude::*;
use smithery_registry::seed::{BuildError, Client, DEFAULT_BASE_URL};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

#[test]
fn defaults_to_the_production_registry() {
    let client = Client::new("t").expect("builds");
    assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    assert_eq!(DEFAULT_BASE_URL, "https://registry.smithery.ai");
}

#[test]
fn from_env_reads_smithery_bearer_auth() {
    // `std::env::set_var` is `unsafe` in edition 2024 (another thread may be reading the
    // environment), so the test runs itself as a child process with the variable set.
    let exe = std::env::current_exe().expect("test binary");
    for (value, expect_ok) in [(Some("abc"), true), (Some("  "), false), (None, false)] {
        let mut command = std::process::Command::new(&exe);
        command.args(["--exact", "from_env_child", "--nocapture", "--include-ignored"]);
        match value {
            Some(v) => command.env("SMITHERY_BEARER_AUTH", v),
            None => command.env_remove("SMITHERY_BEARER_AUTH"),
        };
        command.env("FROM_ENV_EXPECT", if expect_ok { "ok" } else { "missing" });
        let status = command.status().expect("child runs");
        assert!(status.success(), "{value:?}");
    }
}

#[test]
#[ignore = "run by from_env_reads_smithery_bearer_auth in a child process"]
fn from_env_child() {
    let result = Client::from_env();
    match std::env::var("FROM_ENV_EXPECT").as_deref() {
        Ok("ok") => assert!(result.is_ok()),
        _ => {
            let error = result.expect_err("no token");
            assert!(matches!(error, BuildError::MissingToken { .. }));
            assert_eq!(
                error.to_string(),
                "no API key: set SMITHERY_BEARER_AUTH or pass a token to the builder"
            );
        }
    }
}

#[test]
fn invalid_base_urls_and_tokens_are_refused_without_showing_the_token() {
    for url in ["registry.smithery.ai", "ftp://x", "http://x/?a=1", "not a url"] {
        let error = Client::builder().base_url(url).build().expect_err(url);
        assert!(matches!(error, BuildError::InvalidBaseUrl { .. }), "{url}: {error:?}");
    }
    let error = Client::builder()
        .bearer_token("secret\nvalue")
        .build()
        .expect_err("newline");
    assert!(matches!(error, BuildError::InvalidToken));
    assert!(!format!("{error} {error:?}").contains("secret"));
}

#[tokio::test]
async fn the_base_url_can_change_per_call_and_keeps_a_path_prefix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/health"))
        .respond_with(support::healthy())
        .mount(&server)
        .await;
    let client = support::client("http://127.0.0.1:1");
    let other = client.with_base_url(&format!("{}/v2/", server.uri())).expect("valid");
    other.health_check().send().await.expect("sent to the override");
    assert_eq!(
        client.base_url(),
        "http://127.0.0.1:1",
        "the original client is unchanged"
    );
}

#[tokio::test]
async fn a_custom_reqwest_client_and_user_agent_are_used() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(support::healthy())
        .mount(&server)
        .await;
    let http = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::HeaderName::from_static("x-team"),
                reqwest::header::HeaderValue::from_static("ops"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .expect("reqwest");
    let client = Client::builder()
        .base_url(server.uri())
        .http_client(http)
        .user_agent("my-app/2")
        .build()
        .expect("client");
    client.health_check().send().await.expect("ok");
    let request = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(request.headers.get("x-team").map(|v| v.as_bytes()), Some(&b"ops"[..]));
    assert_eq!(
        request.headers.get("user-agent").map(|v| v.as_bytes()),
        Some(&b"my-app/2"[..])
    );
    assert!(
        request.headers.get("authorization").is_none(),
        "no token configured, none sent"
    );
}
