//! The token stays secret and goes only to the client's host; path parameters cannot
//! change the request's path or query.

mod support;

use smithery_registry::seed::prelude::*;
use smithery_registry::seed::{BearerToken, Error};
use support::fixtures;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_token_is_sent_as_a_bearer_header_with_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(support::healthy())
        .mount(&server)
        .await;
    support::client(&server.uri()).health_check().send().await.expect("ok");
    let request = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(
        request.headers.get("authorization").map(|v| v.as_bytes()),
        Some(format!("Bearer {}", support::TOKEN).as_bytes())
    );
    let agent = request
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(agent, smithery_registry::seed::DEFAULT_USER_AGENT);
    assert!(agent.starts_with("smithery-registry-rust/0."), "{agent}");
}

#[test]
fn the_token_never_appears_in_debug_output() {
    let client = support::client("http://127.0.0.1:1");
    let debug = format!("{client:?} {:?}", BearerToken::new(support::TOKEN));
    assert!(!debug.contains(support::TOKEN), "{debug}");
    assert!(debug.contains("BearerToken(<redacted>)"), "{debug}");
    assert!(
        debug.contains("Sensitive"),
        "the header value is marked sensitive: {debug}"
    );
}

#[tokio::test]
async fn the_token_never_appears_in_errors() {
    let server = MockServer::start().await;
    // A hostile server echoing the request's headers into its error body would be another
    // matter; here the error types themselves must not carry the token.
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let error = support::client(&server.uri())
        .health_check()
        .send()
        .await
        .expect_err("500");
    assert!(!format!("{error} {error:?}").contains(support::TOKEN));
    let error = support::client(&support::refused_url().await)
        .health_check()
        .send()
        .await
        .expect_err("refused");
    assert!(!format!("{error} {error:?}").contains(support::TOKEN));
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_token() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(support::healthy())
        .mount(&elsewhere)
        .await;
    let registry = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/health", elsewhere.uri()).as_str()),
        )
        .mount(&registry)
        .await;
    support::client(&registry.uri())
        .health_check()
        .send()
        .await
        .expect("followed");
    let forwarded = &elsewhere.received_requests().await.expect("recorded")[0];
    assert!(
        forwarded.headers.get("authorization").is_none(),
        "token leaked to {}",
        elsewhere.uri()
    );
    let original = &registry.received_requests().await.expect("recorded")[0];
    assert!(original.headers.get("authorization").is_some());
}

#[tokio::test]
async fn hostile_qualified_names_stay_one_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixtures::server()))
        .mount(&server)
        .await;
    let client = support::client(&server.uri());
    let cases = [
        ("acme/weather", "/servers/acme%2Fweather"),
        ("../admin", "/servers/..%2Fadmin"),
        ("a/b?x=1#y", "/servers/a%2Fb%3Fx=1%23y"),
        ("with space", "/servers/with%20space"),
        (
            "ünïcödé/名前",
            "/servers/%C3%BCn%C3%AFc%C3%B6d%C3%A9%2F%E5%90%8D%E5%89%8D",
        ),
        ("%2e%2e", "/servers/%252e%252e"),
    ];
    for (name, expected) in cases {
        client
            .get_by_qualified_name()
            .qualified_name(name)
            .send()
            .await
            .expect(name);
        let requests = server.received_requests().await.expect("recorded");
        let last = requests.last().expect("a request");
        assert_eq!(last.url.path(), expected, "{name}");
        assert_eq!(last.url.query(), None, "{name} must not add a query");
        assert_eq!(last.url.fragment(), None, "{name}");
    }
}

#[tokio::test]
async fn path_parameters_that_would_change_the_path_are_refused() {
    let server = MockServer::start().await;
    let client = support::client(&server.uri());
    for name in ["..", ".", ""] {
        let error = client
            .get_by_qualified_name()
            .qualified_name(name)
            .send()
            .await
            .expect_err(name);
        assert!(
            matches!(
                error,
                Error::InvalidRequest {
                    operation: "get_by_qualified_name",
                    ..
                }
            ),
            "{name}: {error:?}"
        );
    }
    let error = client
        .get_deployment_status()
        .qualified_name("acme/weather")
        .id("..")
        .send()
        .await
        .expect_err("id");
    assert!(
        error.to_string().contains("path parameter `id` must not be `..`"),
        "{error}"
    );
    assert!(
        server.received_requests().await.expect("recorded").is_empty(),
        "nothing may be sent"
    );
}

/// A response that does not match its schema keeps its body in the error, for the caller to
/// read; `Debug` (what `{:?}`, `unwrap` and most logs print) shows its length instead, since a
/// success body may be a secret the API just minted. Cookies and authorization headers of an
/// error response are redacted the same way.
#[tokio::test]
async fn response_secrets_stay_out_of_debug_output() {
    use smithery_registry::prelude::{ClientHealthExt as _, ClientTokensExt as _};
    const MINTED: &str = "sk-minted-8f1e2d";
    const COOKIE: &str = "session=c0ffee";
    let server = MockServer::start().await;
    // `expiresAt` must be a string: the token is in a body that fails to parse.
    Mock::given(method("POST"))
        .and(path("/tokens"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({ "token": MINTED, "expiresAt": 3600 })),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("set-cookie", COOKIE)
                .insert_header("x-request-id", "req-7")
                .set_body_string("unavailable"),
        )
        .mount(&server)
        .await;
    let client = support::current_client(&server.uri(), &server.uri());

    let error = client
        .create_token()
        .body(smithery_registry::types::CreateTokenRequest::builder())
        .send()
        .await
        .expect_err("the body does not match");
    let smithery_registry::Error::InvalidResponse { body, path, .. } = &error else {
        panic!("expected InvalidResponse, got {error}");
    };
    assert_eq!(path, "expiresAt");
    assert!(
        body.windows(MINTED.len()).any(|w| w == MINTED.as_bytes()),
        "the field keeps the body"
    );
    let debug = format!("{error:?}");
    assert!(!debug.contains(MINTED), "{debug}");
    assert!(debug.contains(&format!("<{} bytes>", body.len())), "{debug}");
    assert!(!error.to_string().contains(MINTED), "{error}");

    let error = client.check_health().send().await.expect_err("503");
    let debug = format!("{error:?}");
    assert!(!debug.contains("c0ffee"), "{debug}");
    assert!(debug.contains("\"set-cookie\": <redacted>"), "{debug}");
    assert!(
        debug.contains("\"x-request-id\": \"req-7\""),
        "other headers stay: {debug}"
    );
    assert!(debug.contains("unavailable"), "an error status's body stays: {debug}");
}
