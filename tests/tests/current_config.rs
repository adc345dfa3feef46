//! The current API's client configuration, as the official SDK's: the key, base URLs and
//! extra headers from the environment (trimmed, blank means unset, bad values named),
//! default headers per client and per call, and the `User-Agent`.

use std::process::Command;

use smithery_registry::prelude::*;
use smithery_registry::{BuildError, Client, DEFAULT_USER_AGENT, SERVERS, TOKEN_ENV};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn healthy() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": "ok", "timestamp": "t"}))
}

/// The root's `TOKEN_ENV` is the variable the root client reads, not the seed-era one.
#[test]
fn the_root_token_variable_is_the_current_apis() {
    assert_eq!(TOKEN_ENV, "SMITHERY_API_KEY");
    assert_eq!(smithery_registry::seed::TOKEN_ENV, "SMITHERY_BEARER_AUTH");
}

#[test]
fn defaults_are_the_two_production_hosts() {
    let groups: Vec<(&str, &str)> = SERVERS.iter().map(|g| (g.name, g.url)).collect();
    assert_eq!(
        groups,
        [("api", "https://api.smithery.ai"), ("connect", "https://smithery.run")]
    );
    let client = Client::new("k").expect("builds");
    assert_eq!(client.base_url(), "https://api.smithery.ai");
    assert_eq!(client.server_url("connect"), Some("https://smithery.run"));
    assert!(
        DEFAULT_USER_AGENT.starts_with("smithery-registry-rust/"),
        "{DEFAULT_USER_AGENT}"
    );
}

/// Runs `env_child` in a child process with `vars` set (and every other variable of the
/// profile removed): `std::env::set_var` is `unsafe` in edition 2024.
fn run_child(case: &str, vars: &[(&str, &str)], server: Option<&str>) {
    let exe = std::env::current_exe().expect("test binary");
    let mut command = Command::new(exe);
    command.args(["--exact", "env_child", "--nocapture", "--include-ignored"]);
    for name in [
        "SMITHERY_API_KEY",
        "SMITHERY_BASE_URL",
        "SMITHERY_CONNECT_BASE_URL",
        "SMITHERY_CUSTOM_HEADERS",
    ] {
        command.env_remove(name);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    command.env("ENV_CASE", case);
    if let Some(server) = server {
        command.env("ENV_SERVER", server);
    }
    let output = command.output().expect("child runs");
    assert!(
        output.status.success(),
        "case {case}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn from_env_reads_the_key_both_base_urls_and_custom_headers_trimmed() {
    let api = MockServer::start().await;
    let connect = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .and(header("authorization", "Bearer key-123"))
        .and(header("x-one", "1"))
        .and(header("x-two", "two words"))
        .respond_with(healthy())
        .expect(1)
        .mount(&api)
        .await;
    let (api_uri, connect_uri) = (api.uri(), connect.uri());
    tokio::task::spawn_blocking(move || {
        run_child(
            "full",
            &[
                ("SMITHERY_API_KEY", "  key-123 \n"),
                ("SMITHERY_BASE_URL", &format!(" {api_uri}/ ")),
                ("SMITHERY_CONNECT_BASE_URL", &connect_uri),
                ("SMITHERY_CUSTOM_HEADERS", "X-One: 1\n\n  X-Two:  two words  \n"),
            ],
            Some(&connect_uri),
        )
    })
    .await
    .expect("child joined");
}

#[test]
fn blank_values_mean_unset() {
    run_child(
        "blank",
        &[
            ("SMITHERY_API_KEY", "k"),
            ("SMITHERY_BASE_URL", "   "),
            ("SMITHERY_CONNECT_BASE_URL", ""),
            ("SMITHERY_CUSTOM_HEADERS", " \n "),
        ],
        None,
    );
    run_child("missing-key", &[("SMITHERY_API_KEY", "  ")], None);
}

/// A blank base URL given in code is unset too, as the official SDK reads it: on the
/// builder the group keeps its default, per call the client's URL; an unknown group is
/// still an error.
#[test]
fn a_blank_base_url_in_code_means_unset() {
    let client = Client::builder()
        .bearer_token("k")
        .base_url("  ")
        .server_url("connect", "")
        .build()
        .expect("blank is unset");
    assert_eq!(client.base_url(), "https://api.smithery.ai");
    assert_eq!(client.server_url("connect"), Some("https://smithery.run"));
    let moved = client
        .with_server_url("connect", "http://127.0.0.1:9")
        .expect("a real URL");
    let kept = moved.with_server_url("connect", " ").expect("blank per call");
    assert_eq!(kept.server_url("connect"), Some("http://127.0.0.1:9"));
    assert_eq!(kept.base_url(), "https://api.smithery.ai");
    let error = Client::builder()
        .bearer_token("k")
        .server_url("nowhere", "")
        .build()
        .expect_err("unknown group");
    assert!(matches!(error, BuildError::UnknownServerGroup { .. }), "{error:?}");
    assert!(matches!(
        client.with_server_url("nowhere", ""),
        Err(BuildError::UnknownServerGroup { .. })
    ));
}

#[test]
fn bad_values_are_build_errors_naming_the_variable() {
    run_child(
        "bad:SMITHERY_BASE_URL",
        &[("SMITHERY_API_KEY", "k"), ("SMITHERY_BASE_URL", "api.smithery.ai")],
        None,
    );
    run_child(
        "bad:SMITHERY_CONNECT_BASE_URL",
        &[("SMITHERY_API_KEY", "k"), ("SMITHERY_CONNECT_BASE_URL", "not a url")],
        None,
    );
    run_child(
        "bad:SMITHERY_CUSTOM_HEADERS",
        &[
            ("SMITHERY_API_KEY", "k"),
            ("SMITHERY_CUSTOM_HEADERS", "X-Ok: 1\nNoColonHere"),
        ],
        None,
    );
    run_child(
        "bad:SMITHERY_API_KEY",
        &[("SMITHERY_API_KEY", "sec-part1\nsec-part2")],
        None,
    );
}

#[tokio::test]
#[ignore = "run by the tests above in a child process"]
async fn env_child() {
    let case = std::env::var("ENV_CASE").expect("ENV_CASE");
    let result = Client::from_env();
    match case.as_str() {
        "full" => {
            let client = result.expect("builds");
            let connect = std::env::var("ENV_SERVER").expect("ENV_SERVER");
            assert_eq!(client.server_url("connect"), Some(connect.as_str()));
            client
                .check_health()
                .send()
                .await
                .expect("sent to SMITHERY_BASE_URL with the headers");
        }
        "blank" => {
            let client = result.expect("builds");
            assert_eq!(client.base_url(), "https://api.smithery.ai");
            assert_eq!(client.server_url("connect"), Some("https://smithery.run"));
        }
        "missing-key" => {
            let error = result.expect_err("no key");
            assert!(matches!(
                error,
                BuildError::MissingToken {
                    variable: "SMITHERY_API_KEY"
                }
            ));
            assert_eq!(
                error.to_string(),
                "no API key: set SMITHERY_API_KEY or pass a token to the builder"
            );
        }
        bad => {
            let expected = bad.strip_prefix("bad:").expect("a bad case");
            let error = result.expect_err(bad);
            match &error {
                BuildError::InvalidEnv { variable, .. } => assert_eq!(*variable, expected),
                other => panic!("{bad}: {other:?}"),
            }
            let shown = format!("{error} {error:?}");
            assert!(shown.contains(expected), "{shown}");
            assert!(!shown.contains("sec-part"), "the key must not be shown: {shown}");
        }
    }
}

#[tokio::test]
async fn default_headers_per_client_and_per_call_and_the_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(healthy())
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("key")
        .default_header("X-App", "demo")
        .default_header("Authorization", "Bearer not-this-one")
        .build()
        .expect("builds");
    client.check_health().send().await.expect("ok");
    client
        .with_header("X-Call", "once")
        .expect("valid header")
        .with_header("X-App", "replaced")
        .expect("valid header")
        .check_health()
        .send()
        .await
        .expect("ok");
    client.check_health().send().await.expect("ok");

    let requests = server.received_requests().await.expect("recorded");
    let get = |i: usize, name: &str| {
        requests[i]
            .headers
            .get(name)
            .map(|v| v.to_str().expect("ascii").to_owned())
    };
    assert_eq!(requests.len(), 3);
    assert_eq!(get(0, "x-app").as_deref(), Some("demo"));
    assert_eq!(get(0, "x-call"), None);
    assert_eq!(get(0, "authorization").as_deref(), Some("Bearer key"), "the token wins");
    assert_eq!(get(0, "user-agent").as_deref(), Some(DEFAULT_USER_AGENT));
    assert_eq!(get(1, "x-call").as_deref(), Some("once"));
    assert_eq!(get(1, "x-app").as_deref(), Some("replaced"));
    assert_eq!(get(2, "x-call"), None, "a per-call header stays on its copy");
    assert_eq!(get(2, "x-app").as_deref(), Some("demo"));

    let debug = format!("{client:?}");
    assert!(!debug.contains("demo"), "header values stay out of Debug: {debug}");

    let error = Client::builder()
        .default_header("Bad Name", "v")
        .build()
        .expect_err("invalid name");
    assert!(matches!(error, BuildError::InvalidHeader { .. }), "{error:?}");
    assert!(client.with_header("X-Ok", "line\nbreak").is_err());
}

/// A user agent a header cannot carry is named as such, not blamed on the base URL.
#[test]
fn an_invalid_user_agent_is_its_own_build_error() {
    let error = Client::builder()
        .bearer_token("k")
        .user_agent("my-app/1\nX-Injected: yes")
        .build()
        .expect_err("a newline cannot travel in a header");
    match &error {
        BuildError::InvalidUserAgent { user_agent } => assert_eq!(user_agent, "my-app/1\nX-Injected: yes"),
        other => panic!("expected InvalidUserAgent, got {other:?}"),
    }
    assert!(error.to_string().starts_with("invalid user agent"), "{error}");
}
