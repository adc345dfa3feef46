//! The current API on the wire, one table per resource group: each row calls an endpoint
//! and states the method, the host (server group `api` or `connect`), the path with its
//! percent-encoded values, and the query the server must receive. Every server answers
//! 404 `{"error": ...}`, so each row also checks that the error arrives with its kind.

// Deprecated endpoints are on the wire too, and tested like the others.
#![allow(deprecated)]

mod support;

use std::future::Future;
use std::pin::Pin;

use smithery_registry::prelude::*;
use smithery_registry::{Client, ErrorKind};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A path value with every character that must not travel raw: `/`, space, `?`, `#`, and
/// `[`, `]`, `|`, which the official SDKs encode too.
const ODD: &str = "a/b c?d#e[f]|g";
/// How [`ODD`] must arrive: one path segment, encoded as the SDKs encode it.
const ODD_ENCODED: &str = "a%2Fb%20c%3Fd%23e%5Bf%5D%7Cg";

type Outcome = Option<(ErrorKind, u16)>;
type Call<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// Sends a builder and keeps what the error says (kind and status).
macro_rules! call {
    ($builder:expr) => {
        Box::pin(async move {
            $builder
                .send()
                .await
                .err()
                .map(|e| (e.kind(), e.status().map_or(0, |s| s.as_u16())))
        }) as Call<'_>
    };
}

/// One row: what the server must see.
struct Row<'a> {
    name: &'static str,
    method: &'static str,
    group: &'static str,
    path: String,
    query: Option<&'static str>,
    call: Call<'a>,
    /// The JSON body the server must receive, if any.
    body: Option<serde_json::Value>,
}

impl Row<'_> {
    fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// A request body of type `T` from JSON (the test's expectation and its input in one).
fn body<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> T {
    serde_json::from_value(value.clone()).expect("the body fits its type")
}

fn row<'a>(
    name: &'static str,
    method: &'static str,
    group: &'static str,
    path: impl Into<String>,
    query: Option<&'static str>,
    call: Call<'a>,
) -> Row<'a> {
    Row {
        name,
        method,
        group,
        path: path.into(),
        query,
        call,
        body: None,
    }
}

struct Servers {
    api: MockServer,
    connect: MockServer,
    client: Client,
}

async fn servers() -> Servers {
    let (api, connect) = (MockServer::start().await, MockServer::start().await);
    for server in [&api, &connect] {
        Mock::given(any())
            .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": "no such thing"})))
            .mount(server)
            .await;
    }
    let client = support::current_client(&api.uri(), &connect.uri());
    Servers { api, connect, client }
}

/// Runs the rows one by one, checking each request as the server received it.
async fn check(servers: &Servers, rows: Vec<Row<'_>>) -> usize {
    let count = rows.len();
    for row in rows {
        servers.api.reset().await;
        servers.connect.reset().await;
        for server in [&servers.api, &servers.connect] {
            Mock::given(any())
                .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": "no such thing"})))
                .mount(server)
                .await;
        }
        let outcome = row.call.await;
        assert_eq!(outcome, Some((ErrorKind::NotFound, 404)), "{}", row.name);
        let (mine, other) = match row.group {
            "api" => (&servers.api, &servers.connect),
            _ => (&servers.connect, &servers.api),
        };
        let received = mine.received_requests().await.expect("recorded");
        assert_eq!(received.len(), 1, "{}: one request to {}", row.name, row.group);
        assert!(
            other.received_requests().await.expect("recorded").is_empty(),
            "{}: nothing to the other host",
            row.name
        );
        let request = &received[0];
        assert_eq!(request.method.as_str(), row.method, "{}", row.name);
        assert_eq!(request.url.path(), row.path, "{}", row.name);
        assert_eq!(request.url.query(), row.query, "{}", row.name);
        if let Some(expected) = &row.body {
            assert_eq!(
                request.headers.get("content-type").map(|v| v.as_bytes()),
                Some(&b"application/json"[..]),
                "{}",
                row.name
            );
            let sent: serde_json::Value = serde_json::from_slice(&request.body).expect("a JSON body");
            assert_eq!(&sent, expected, "{}", row.name);
        }
        let accept = match row.name {
            "download_server" | "download_skill" => "application/zip",
            "get_icon" => "image/*",
            "stream_release" => "text/event-stream",
            _ => "application/json",
        };
        assert_eq!(
            request.headers.get("accept").and_then(|v| v.to_str().ok()),
            Some(accept),
            "{}: Accept as the official SDK sends it",
            row.name
        );
        assert_eq!(
            request.headers.get("authorization").map(|v| v.as_bytes()),
            Some(&b"Bearer key"[..]),
            "{}",
            row.name
        );
    }
    count
}

#[tokio::test]
async fn health_and_servers() {
    let s = servers().await;
    let c = &s.client;
    let rows = vec![
        row("check_health", "GET", "api", "/health", None, call!(c.check_health())),
        row(
            "list_servers",
            "GET",
            "api",
            "/servers",
            // A space travels as `%20` (as the SDKs send it), a literal `+` as `%2B`.
            Some("page=2&pageSize=5&q=owner%3Aacme%20weather%2Bnews"),
            call!(
                c.list_servers()
                    .q("owner:acme weather+news")
                    .page(std::num::NonZeroU64::new(2).expect("nonzero"))
                    .page_size(5)
            ),
        ),
        row(
            "get_server",
            "GET",
            "api",
            format!("/servers/{ODD_ENCODED}"),
            None,
            call!(c.get_server().qualified_name(ODD)),
        ),
        row(
            "delete_server",
            "DELETE",
            "api",
            "/servers/acme%2Fweather",
            None,
            call!(c.delete_server().qualified_name("acme/weather")),
        ),
        row(
            "download_server",
            "GET",
            "api",
            "/servers/acme%2Fweather/download",
            None,
            call!(c.download_server().qualified_name("acme/weather")),
        ),
        row(
            "list_domains",
            "GET",
            "api",
            "/servers/acme%2Fweather/domains",
            None,
            call!(c.list_domains().qualified_name("acme/weather")),
        ),
        row(
            "get_icon",
            "GET",
            "api",
            "/servers/acme%2Fweather/icon",
            None,
            call!(c.get_icon().qualified_name("acme/weather")),
        ),
        row(
            "delete_icon",
            "DELETE",
            "api",
            "/servers/acme%2Fweather/icon",
            None,
            call!(c.delete_icon().qualified_name("acme/weather")),
        ),
        row(
            "list_logs",
            "GET",
            "api",
            "/servers/acme%2Fweather/logs",
            Some("limit=10&search=boot%20failed"),
            call!(
                c.list_logs()
                    .qualified_name("acme/weather")
                    .limit(10)
                    .search("boot failed")
            ),
        ),
        row(
            "list_secrets",
            "GET",
            "api",
            "/servers/acme%2Fweather/secrets",
            None,
            call!(c.list_secrets().qualified_name("acme/weather")),
        ),
        row(
            "delete_secret",
            "DELETE",
            "api",
            format!("/servers/acme%2Fweather/secrets/{ODD_ENCODED}"),
            None,
            call!(c.delete_secret().qualified_name("acme/weather").secret_name(ODD)),
        ),
    ];
    assert_eq!(check(&s, rows).await, 11);
}

#[tokio::test]
async fn releases() {
    let s = servers().await;
    let c = &s.client;
    let rows = vec![
        row(
            "list_releases",
            "GET",
            "api",
            "/servers/acme%2Fweather/releases",
            Some("page=3"),
            call!(
                c.list_releases()
                    .qualified_name("acme/weather")
                    .page(std::num::NonZeroU64::new(3).expect("nonzero"))
            ),
        ),
        row(
            "get_release",
            "GET",
            "api",
            format!("/servers/acme%2Fweather/releases/{ODD_ENCODED}"),
            None,
            call!(c.get_release().qualified_name("acme/weather").id(ODD)),
        ),
        row(
            "resume_release",
            "POST",
            "api",
            "/servers/acme%2Fweather/releases/r-1/resume",
            None,
            call!(c.resume_release().qualified_name("acme/weather").id("r-1")),
        ),
        row(
            "stream_release",
            "GET",
            "api",
            "/servers/acme%2Fweather/releases/r-1/stream",
            None,
            call!(c.stream_release().qualified_name("acme/weather").id("r-1")),
        ),
    ];
    assert_eq!(check(&s, rows).await, 4);
}

#[tokio::test]
async fn skills_namespaces_and_api_keys() {
    let s = servers().await;
    let c = &s.client;
    let rows = vec![
        row(
            "list_skills",
            "GET",
            "api",
            "/skills",
            Some("namespace=acme&q=pdf"),
            call!(c.list_skills().namespace("acme").q("pdf")),
        ),
        row(
            "get_skill",
            "GET",
            "api",
            format!("/skills/acme/{ODD_ENCODED}"),
            None,
            call!(c.get_skill().namespace("acme").slug(ODD)),
        ),
        row(
            "delete_skill",
            "DELETE",
            "api",
            "/skills/acme/pdf",
            None,
            call!(c.delete_skill().namespace("acme").slug("pdf")),
        ),
        row(
            "download_skill",
            "GET",
            "api",
            "/skills/acme/pdf/download",
            None,
            call!(c.download_skill().namespace("acme").slug("pdf")),
        ),
        row(
            "sync_skill",
            "POST",
            "api",
            "/skills/acme/pdf/sync",
            None,
            call!(c.sync_skill().namespace("acme").slug("pdf")),
        ),
        row(
            "list_namespaces",
            "GET",
            "api",
            "/namespaces",
            Some("pageSize=7"),
            call!(c.list_namespaces().page_size(7)),
        ),
        row(
            "create_namespace",
            "POST",
            "api",
            "/namespaces",
            None,
            call!(c.create_namespace()),
        ),
        row(
            "delete_namespace",
            "DELETE",
            "api",
            format!("/namespaces/{ODD_ENCODED}"),
            None,
            call!(c.delete_namespace().name(ODD)),
        ),
        row(
            "list_api_keys",
            "GET",
            "api",
            "/organizations/org%201/api-keys",
            None,
            call!(c.list_api_keys().org_id("org 1")),
        ),
        row(
            "delete_api_key",
            "DELETE",
            "api",
            "/organizations/org-1/api-keys/k%2F2",
            None,
            call!(c.delete_api_key().org_id("org-1").key_id("k/2")),
        ),
    ];
    assert_eq!(check(&s, rows).await, 10);
}

#[tokio::test]
async fn connections_tools_and_triggers_go_to_the_connect_host() {
    let s = servers().await;
    let c = &s.client;
    let rows = vec![
        row(
            "list_connections",
            "GET",
            "connect",
            "/acme",
            Some("cursor=c%201&limit=20"),
            call!(
                c.list_connections()
                    .namespace("acme")
                    .cursor("c 1")
                    .limit(std::num::NonZeroU64::new(20).expect("nonzero"))
            ),
        ),
        row(
            "get_connection",
            "GET",
            "connect",
            format!("/acme/{ODD_ENCODED}"),
            None,
            call!(c.get_connection().namespace("acme").connection_id(ODD)),
        ),
        row(
            "delete_connection",
            "DELETE",
            "connect",
            "/acme/conn-1",
            None,
            call!(c.delete_connection().namespace("acme").connection_id("conn-1")),
        ),
        row(
            "list_tools",
            "GET",
            "connect",
            "/acme/conn-1/.tools",
            None,
            call!(c.list_tools().namespace("acme").connection_id("conn-1")),
        ),
        row(
            "get_tool",
            "GET",
            "connect",
            format!("/acme/conn-1/.tools/{ODD_ENCODED}"),
            None,
            call!(c.get_tool().namespace("acme").connection_id("conn-1").tool_path(ODD)),
        ),
        row(
            "list_triggers",
            "GET",
            "connect",
            "/acme/conn-1/.triggers",
            None,
            call!(c.list_triggers().namespace("acme").connection_id("conn-1")),
        ),
        row(
            "get_trigger",
            "GET",
            "connect",
            "/acme/conn-1/.triggers/on%20push",
            None,
            call!(
                c.get_trigger()
                    .namespace("acme")
                    .connection_id("conn-1")
                    .trigger_name("on push")
            ),
        ),
    ];
    assert_eq!(check(&s, rows).await, 7);
}

#[tokio::test]
async fn path_values_that_would_change_the_path_are_refused_before_sending() {
    let s = servers().await;
    for value in ["..", ".", ""] {
        let error = s
            .client
            .get_server()
            .qualified_name(value)
            .send()
            .await
            .expect_err("refused");
        assert_eq!(error.attempts(), 0, "{value:?}: {error}");
        assert_eq!(error.kind(), ErrorKind::Other);
    }
    assert!(s.api.received_requests().await.expect("recorded").is_empty());
}

#[tokio::test]
async fn json_bodies() {
    use serde_json::json;
    use smithery_registry::types;

    let s = servers().await;
    let c = &s.client;
    let server = &json!({"displayName": "Weather", "description": "Forecasts"});
    let update = &json!({"displayName": "Weather 2", "unlisted": true});
    let namespace = &json!({"organizationId": "org-1"});
    let key = &json!({"name": "ci"});
    let domain = &json!({"subdomain": "wx"});
    let secret = &json!({"name": "TOKEN", "value": "s3cr3t"});
    let transfer = &json!({"targetNamespace": "beta", "targetOrganizationId": "org-2"});
    let skill = &json!({"gitUrl": "https://example.com/s.git", "namespace": "acme", "slug": "pdf"});
    let skill_set = &json!({"gitUrl": "https://example.com/s.git"});
    let token = &json!({"organizationId": "org-1"});
    let connection = &json!({"mcpUrl": "https://mcp.example.com", "name": "mine"});
    let arguments = &json!({"city": "Paris", "days": 3, "nested": {"units": ["metric"]}});
    let trigger =
        &json!({"params": {"repo": "a/b"}, "delivery": {"url": "https://hook.example.com", "secret": "whsec_x"}});
    let untrigger = &json!({"params": {"repo": "a/b"}, "delivery": {"url": "https://hook.example.com"}});
    let rows = vec![
        row(
            "create_server",
            "PUT",
            "api",
            "/servers/acme%2Fweather",
            None,
            call!(
                c.create_server()
                    .qualified_name("acme/weather")
                    .body(body::<types::ServerCreateRequest>(server))
            ),
        )
        .json(server.clone()),
        row(
            "update_server",
            "PATCH",
            "api",
            "/servers/acme%2Fweather",
            None,
            call!(
                c.update_server()
                    .qualified_name("acme/weather")
                    .body(body::<types::ServerUpdateRequest>(update))
            ),
        )
        .json(update.clone()),
        row(
            "set_namespace",
            "PUT",
            "api",
            "/namespaces/acme",
            None,
            call!(
                c.set_namespace()
                    .name("acme")
                    .body(body::<types::NamespaceSetRequest>(namespace))
            ),
        )
        .json(namespace.clone()),
        row(
            "create_namespace_server",
            "PUT",
            "api",
            "/namespaces/acme/servers/wx%20one",
            None,
            call!(
                c.create_namespace_server()
                    .namespace("acme")
                    .server("wx one")
                    .body(body::<types::ServerCreateRequest>(server))
            ),
        )
        .json(server.clone()),
        row(
            "create_api_key",
            "POST",
            "api",
            "/organizations/org-1/api-keys",
            None,
            call!(
                c.create_api_key()
                    .org_id("org-1")
                    .body(body::<types::ApiKeyCreateRequest>(key))
            ),
        )
        .json(key.clone()),
        row(
            "update_domain",
            "PATCH",
            "api",
            "/servers/acme%2Fweather/domains/d%231",
            None,
            call!(
                c.update_domain()
                    .qualified_name("acme/weather")
                    .domain_id("d#1")
                    .body(body::<types::DomainUpdateRequest>(domain))
            ),
        )
        .json(domain.clone()),
        row(
            "set_secret",
            "PUT",
            "api",
            "/servers/acme%2Fweather/secrets",
            None,
            call!(
                c.set_secret()
                    .qualified_name("acme/weather")
                    .body(body::<types::SecretSetRequest>(secret))
            ),
        )
        .json(secret.clone()),
        row(
            "transfer_server",
            "POST",
            "api",
            "/servers/acme%2Fweather/transfer",
            None,
            call!(
                c.transfer_server()
                    .qualified_name("acme/weather")
                    .body(body::<types::ServerTransferRequest>(transfer))
            ),
        )
        .json(transfer.clone()),
        row(
            "create_skill",
            "POST",
            "api",
            "/skills",
            None,
            call!(c.create_skill().body(body::<types::SkillCreateRequest>(skill))),
        )
        .json(skill.clone()),
        row(
            "set_skill",
            "PUT",
            "api",
            "/skills/acme/pdf",
            None,
            call!(
                c.set_skill()
                    .namespace("acme")
                    .slug("pdf")
                    .body(body::<types::SkillSetRequest>(skill_set))
            ),
        )
        .json(skill_set.clone()),
        row(
            "create_token",
            "POST",
            "api",
            "/tokens",
            None,
            call!(c.create_token().body(body::<types::CreateTokenRequest>(token))),
        )
        .json(token.clone()),
        row(
            "create_connection",
            "POST",
            "connect",
            "/acme",
            None,
            call!(
                c.create_connection()
                    .namespace("acme")
                    .body(body::<types::ConnectionRequest>(connection))
            ),
        )
        .json(connection.clone()),
        row(
            "set_connection",
            "PUT",
            "connect",
            "/acme/conn%3F1",
            None,
            call!(
                c.set_connection()
                    .namespace("acme")
                    .connection_id("conn?1")
                    .body(body::<types::ConnectionRequest>(connection))
            ),
        )
        .json(connection.clone()),
        row(
            "call_tool",
            "POST",
            "connect",
            "/acme/conn-1/.tools/weather%2Fforecast",
            None,
            call!(
                c.call_tool()
                    .namespace("acme")
                    .connection_id("conn-1")
                    .tool_path("weather/forecast")
                    .body(body::<types::ToolArguments>(arguments))
            ),
        )
        .json(arguments.clone()),
        row(
            "subscribe_trigger",
            "POST",
            "connect",
            "/acme/conn-1/.triggers/push",
            None,
            call!(
                c.subscribe_trigger()
                    .namespace("acme")
                    .connection_id("conn-1")
                    .trigger_name("push")
                    .body(body::<types::TriggerSubscribeRequest>(trigger))
            ),
        )
        .json(trigger.clone()),
        row(
            "unsubscribe_trigger",
            "DELETE",
            "connect",
            "/acme/conn-1/.triggers/push",
            None,
            call!(
                c.unsubscribe_trigger()
                    .namespace("acme")
                    .connection_id("conn-1")
                    .trigger_name("push")
                    .body(body::<types::TriggerUnsubscribeRequest>(untrigger))
            ),
        )
        .json(untrigger.clone()),
    ];
    assert_eq!(check(&s, rows).await, 16);
}

/// The SDK clears a field of a server with an explicit `null` (`homepage: null` in
/// `servers.update`); the generated `ServerUpdateRequest` types such a field as
/// `Option<Option<String>>`, so `Some(None)` (here parsed from the JSON) sends the `null`.
#[tokio::test]
async fn an_explicit_null_clears_a_field() {
    use smithery_registry::types;
    let s = servers().await;
    let update = &serde_json::json!({"homepage": null});
    let c = &s.client;
    let rows = vec![
        row(
            "update_server",
            "PATCH",
            "api",
            "/servers/acme%2Fweather",
            None,
            call!(
                c.update_server()
                    .qualified_name("acme/weather")
                    .body(body::<types::ServerUpdateRequest>(update))
            ),
        )
        .json(update.clone()),
    ];
    check(&s, rows).await;
}

/// The three multipart endpoints: method, host, path, and the parts the server receives
/// (name, media type, contents).
#[tokio::test]
async fn multipart_uploads() {
    use smithery_registry::types;
    let s = servers().await;
    let c = &s.client;
    let payload: types::DeployPayload = body(&serde_json::json!({
        "type": "hosted", "stateful": false, "hasAuthAdapter": false
    }));
    let rows = vec![
        row(
            "deploy_release",
            "PUT",
            "api",
            "/servers/acme%2Fweather/releases",
            None,
            call!(
                c.deploy_release()
                    .qualified_name("acme/weather")
                    .payload(payload)
                    .module(b"export default {}".to_vec())
            ),
        ),
        row(
            "upload_icon",
            "PUT",
            "api",
            "/servers/acme%2Fweather/icon",
            None,
            call!(c.upload_icon().qualified_name("acme/weather").file(b"\x89PNG".to_vec())),
        ),
        row(
            "upload_skill",
            "PUT",
            "api",
            "/skills/acme/pdf/upload",
            None,
            call!(
                c.upload_skill()
                    .namespace("acme")
                    .slug("pdf")
                    .archive(b"PK\x03\x04".to_vec())
            ),
        ),
    ];
    assert_eq!(check(&s, rows).await, 3);

    // The parts of the last request of each kind, sent again to read them.
    let parts_of = |request: &wiremock::Request| {
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .expect("a content type")
            .to_owned();
        assert!(content_type.starts_with("multipart/form-data"), "{content_type}");
        support::parse_multipart(&content_type, &request.body)
    };
    s.api.reset().await;
    let payload: types::DeployPayload = body(&serde_json::json!({
        "type": "hosted", "stateful": false, "hasAuthAdapter": false
    }));
    let _ = c
        .deploy_release()
        .qualified_name("acme/weather")
        .payload(payload)
        .module(b"export default {}".to_vec())
        .send()
        .await;
    let _ = c
        .upload_skill()
        .namespace("acme")
        .slug("pdf")
        .archive(b"PK\x03\x04".to_vec())
        .send()
        .await;
    let received = s.api.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 2);
    let deploy = parts_of(&received[0]);
    let names: Vec<&str> = deploy.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["payload", "module"]);
    // As the official SDK sends them: `payload` a plain field (no type, no file name), a
    // file with the type its caller gives it, else application/octet-stream.
    assert_eq!(deploy[0].content_type, None);
    assert_eq!(deploy[0].filename, None);
    let sent: serde_json::Value = serde_json::from_slice(&deploy[0].body).expect("JSON payload");
    assert_eq!(sent["type"], "hosted");
    assert_eq!(deploy[1].content_type.as_deref(), Some("application/octet-stream"));
    assert_eq!(deploy[1].body, b"export default {}");
    let skill = parts_of(&received[1]);
    assert_eq!(skill.len(), 1);
    assert_eq!(skill[0].name, "archive");
    assert_eq!(skill[0].content_type.as_deref(), Some("application/octet-stream"));
    assert_eq!(skill[0].body, b"PK\x03\x04");

    // Every kind of release, and an icon, with the file names and types a caller gives.
    use smithery_registry::multipart::FilePart;
    s.api.reset().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let module_path = dir.path().join("index.js");
    std::fs::write(&module_path, b"export default 1").expect("write");
    let external: types::DeployPayload = body(&serde_json::json!({
        "type": "external", "upstreamUrl": "https://mcp.example.com/mcp", "hasAuthAdapter": false
    }));
    let stdio: types::DeployPayload = body(&serde_json::json!({
        "type": "stdio", "runtime": "node", "hasAuthAdapter": false
    }));
    let hosted: types::DeployPayload = body(&serde_json::json!({
        "type": "hosted", "stateful": false, "hasAuthAdapter": false
    }));
    let _ = c
        .deploy_release()
        .qualified_name("acme/weather")
        .payload(hosted)
        .module(FilePart::named("dist/sub/index.js", b"export default {}".to_vec()))
        .sourcemap(FilePart::named("index.js.map", b"{}".to_vec()).with_content_type("application/json"))
        .send()
        .await;
    let _ = c
        .deploy_release()
        .qualified_name("acme/weather")
        .payload(external)
        .module(module_path.as_path())
        .send()
        .await;
    let _ = c
        .deploy_release()
        .qualified_name("acme/weather")
        .payload(stdio)
        .bundle(FilePart::named("weather.mcpb", b"MCPB".to_vec()))
        .send()
        .await;
    let _ = c
        .upload_icon()
        .qualified_name("acme/weather")
        .file(FilePart::named("icon.png", b"\x89PNG".to_vec()).with_content_type("image/png"))
        .send()
        .await;
    let _ = c
        .upload_skill()
        .namespace("acme")
        .slug("pdf")
        .archive(FilePart::named("skills/pdf.zip", b"PK".to_vec()).with_content_type("application/zip"))
        .send()
        .await;
    let received = s.api.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 5);
    // (name, file name, content type) of each part of each request.
    type Sent = (String, Option<String>, Option<String>);
    let parts: Vec<Vec<Sent>> = received
        .iter()
        .map(|r| {
            parts_of(r)
                .into_iter()
                .map(|p| (p.name, p.filename, p.content_type))
                .collect()
        })
        .collect();
    let part = |name: &str, file: Option<&str>, kind: Option<&str>| {
        (name.to_owned(), file.map(str::to_owned), kind.map(str::to_owned))
    };
    assert_eq!(
        parts[0],
        [
            part("payload", None, None),
            part("module", Some("index.js"), Some("application/octet-stream")),
            part("sourcemap", Some("index.js.map"), Some("application/json")),
        ]
    );
    assert_eq!(
        parts[1],
        [
            part("payload", None, None),
            part("module", Some("index.js"), Some("application/octet-stream")),
        ]
    );
    assert_eq!(
        parts[2],
        [
            part("payload", None, None),
            part("bundle", Some("weather.mcpb"), Some("application/octet-stream")),
        ]
    );
    assert_eq!(parts[3], [part("file", Some("icon.png"), Some("image/png"))]);
    assert_eq!(parts[4], [part("archive", Some("pdf.zip"), Some("application/zip"))]);

    // A type that is not a MIME type fails before anything is sent, naming the part.
    s.api.reset().await;
    let error = c
        .upload_icon()
        .qualified_name("acme/weather")
        .file(FilePart::named("icon.png", b"x".to_vec()).with_content_type("not a type"))
        .send()
        .await
        .expect_err("refused");
    assert!(
        error.to_string().contains("file: `not a type` is not a MIME type"),
        "{error}"
    );
    assert!(s.api.received_requests().await.expect("recorded").is_empty());
}

/// An optional body (`set_namespace`'s) travels only when set, as the official SDK sends
/// it: no body and no `Content-Type` without one, the JSON body with one, and a body set
/// member by member through `body_map` counts as set.
#[tokio::test]
async fn an_optional_body_travels_only_when_set() {
    use smithery_registry::types;
    let s = servers().await;
    let c = &s.client;
    let _ = c.set_namespace().name("acme").send().await;
    let _ = c
        .set_namespace()
        .name("acme")
        .body(body::<types::NamespaceSetRequest>(
            &serde_json::json!({"organizationId": "org-1"}),
        ))
        .send()
        .await;
    let _ = c
        .set_namespace()
        .name("acme")
        .body_map(|b| b.organization_id(Some("org-2".to_owned())))
        .send()
        .await;
    let received = s.api.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 3);
    assert!(
        received
            .iter()
            .all(|r| r.method.as_str() == "PUT" && r.url.path() == "/namespaces/acme")
    );
    assert!(received[0].body.is_empty(), "no body");
    assert_eq!(received[0].headers.get("content-type"), None, "no content type");
    for (request, organization) in received[1..].iter().zip(["org-1", "org-2"]) {
        assert_eq!(
            request.headers.get("content-type").map(|v| v.as_bytes()),
            Some(&b"application/json"[..])
        );
        let sent: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON");
        assert_eq!(sent, serde_json::json!({"organizationId": organization}));
    }
}

/// Metadata filters of `list_connections` (the spec's `x-prefixed-query`): one
/// `metadata.KEY=VALUE` pair per call, after the declared parameters, encoded as the SDK
/// encodes query values; a key that is empty or holds `=` or `&` is refused before sending.
#[tokio::test]
async fn metadata_filters_are_prefixed_query_parameters() {
    let s = servers().await;
    let c = &s.client;
    let rows = vec![row(
        "list_connections",
        "GET",
        "connect",
        "/acme",
        Some("limit=5&metadata.userId=alice&metadata.team=core%20tools"),
        call!(
            c.list_connections()
                .namespace("acme")
                .metadata("userId", "alice")
                .limit(std::num::NonZeroU64::new(5).expect("nonzero"))
                .metadata("team", "core tools")
        ),
    )];
    assert_eq!(check(&s, rows).await, 1);

    for bad in ["", "a=b", "a&b"] {
        s.connect.reset().await;
        let error = c
            .list_connections()
            .namespace("acme")
            .metadata(bad, "x")
            .send()
            .await
            .expect_err("refused");
        assert!(error.to_string().contains("`metadata` key"), "{bad:?}: {error}");
        assert!(
            s.connect.received_requests().await.expect("recorded").is_empty(),
            "{bad:?}: nothing sent"
        );
    }
}

/// Arrays in the query travel as one comma-joined value (`explode: false`), joined and then
/// encoded, as the official SDK sends them (progenitor alone would repeat the parameter:
/// `ids=a%2Cb&ids=c+d`).
#[tokio::test]
async fn query_arrays_are_comma_joined() {
    let s = servers().await;
    let c = &s.client;
    let rows = vec![row(
        "list_servers",
        "GET",
        "api",
        "/servers",
        Some("ids=a%2Cb%2Cc%20d"),
        call!(c.list_servers().ids(vec!["a,b".to_owned(), "c d".to_owned()])),
    )];
    check(&s, rows).await;
}
