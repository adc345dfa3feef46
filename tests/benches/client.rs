//! Client overhead benchmark: `cargo bench -p tests --bench client`.
//!
//! 1. Per-request latency of a call through the generated client against the same request
//!    written by hand with reqwest + serde_json (same headers, same response type), on one
//!    loopback server, interleaved request by request so every side sees the same machine
//!    state: `get_server` of the current API (the crate's root) and `get_by_qualified_name`
//!    of the seed API. Reports medians, p90s and the ratios.
//! 2. Streaming 10,000 servers over 100 pages with `list().into_stream()`, and the peak
//!    resident memory of a client process doing it, against one collecting every page first.
//!    The server runs in a child process so its memory is not counted.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use smithery_registry::seed::prelude::*;
use smithery_registry::seed::{Client, RetryPolicy, types};
// The current API's extension traits have other names than the seed's: both in scope.
use smithery_registry::prelude::ClientServersExt as _;

const LATENCY_REQUESTS: usize = 3000;
const WARMUP: usize = 200;
const SERVERS: usize = 10_000;
const PAGE_SIZE: usize = 100;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match args.get(1).map(String::as_str) {
        Some("serve") => runtime.block_on(serve_forever()),
        Some("stream") => runtime.block_on(stream_child(&args[2], false)),
        Some("collect") => runtime.block_on(stream_child(&args[2], true)),
        _ => runtime.block_on(run()),
    }
}

async fn run() {
    let (base, mut server) = spawn_server();
    println!(
        "client benchmark against {base} (server in child process {})",
        server.id()
    );

    let client = Client::builder()
        .base_url(&base)
        .bearer_token("bench")
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let current = smithery_registry::Client::builder()
        .server_url("api", &base)
        .bearer_token("bench")
        .retry(smithery_registry::RetryPolicy::none())
        .build()
        .expect("current client");
    // One reqwest client (so one pooled connection) per API on each side, as the generated
    // side has one per `Client`: a connection used twice as often answers faster (about
    // 2 µs here), which would favour whichever side shared one.
    let http = reqwest::Client::new();
    let http_seed = reqwest::Client::new();
    let url = format!("{base}/servers/acme%2Fweather");
    let current_url = format!("{base}/servers/acme%2Fcurrent");
    // The four calls of each round run in a fresh random order (a fixed seed, so every run
    // sees the same orders): each call is first, second, third and last equally often, and
    // follows each of the others equally often. With the order only rotated, each
    // hand-written call followed its generated twin (the same request to the same mock)
    // three rounds in four, and the seed pair's ratio read about 2% higher for it.
    let mut shuffle = 0x2545_f491_4f6c_dd1d_u64;
    let mut samples: [Vec<Duration>; 4] = std::array::from_fn(|_| Vec::with_capacity(LATENCY_REQUESTS));
    for round in 0..WARMUP + LATENCY_REQUESTS {
        let mut order = [0, 1, 2, 3];
        for last in (1..order.len()).rev() {
            shuffle ^= shuffle << 13;
            shuffle ^= shuffle >> 7;
            shuffle ^= shuffle << 17;
            order.swap(last, (shuffle % (last as u64 + 1)) as usize);
        }
        for which in order {
            let elapsed = match which {
                0 => current_generated(&current).await,
                1 => current_by_hand(&http, &current_url).await,
                2 => seed_generated(&client).await,
                _ => seed_by_hand(&http_seed, &url).await,
            };
            if round >= WARMUP {
                samples[which].push(elapsed);
            }
        }
    }
    let [mut current_generated, mut current_by_hand, mut generated, mut by_hand] = samples;
    println!("\nper-request latency, {LATENCY_REQUESTS} requests each, interleaved:");
    report("current API, get_server", &mut current_generated, &mut current_by_hand);
    report("seed API, get_by_qualified_name", &mut generated, &mut by_hand);

    println!(
        "\nstreaming {SERVERS} servers over {} pages (client in its own process):",
        SERVERS / PAGE_SIZE
    );
    for mode in ["stream", "collect"] {
        let exe = std::env::current_exe().expect("bench binary");
        let output = Command::new(exe).args([mode, &base]).output().expect("child runs");
        print!("{}", String::from_utf8_lossy(&output.stdout));
        assert!(
            output.status.success(),
            "the {mode} child failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let _ = server.kill();
}

/// `get_server` of the current API through the generated client.
async fn current_generated(client: &smithery_registry::Client) -> Duration {
    let t = Instant::now();
    let server = client
        .get_server()
        .qualified_name("acme/current")
        .send()
        .await
        .expect("generated, current API");
    let elapsed = t.elapsed();
    assert_eq!(server.qualified_name, "acme/current");
    elapsed
}

/// `get_server` of the current API by hand (see [`by_hand`]).
async fn current_by_hand(http: &reqwest::Client, url: &str) -> Duration {
    let (elapsed, server) = by_hand::<smithery_registry::types::Server>(
        http,
        url,
        smithery_registry::DEFAULT_USER_AGENT,
        smithery_registry::DEFAULT_TIMEOUT,
    )
    .await;
    assert_eq!(server.qualified_name, "acme/current");
    elapsed
}

/// `get_by_qualified_name` of the seed API through the generated client.
async fn seed_generated(client: &Client) -> Duration {
    let t = Instant::now();
    let server = client
        .get_by_qualified_name()
        .qualified_name("acme/weather")
        .send()
        .await
        .expect("generated");
    let elapsed = t.elapsed();
    assert_eq!(server.qualified_name, "acme/weather");
    elapsed
}

/// `get_by_qualified_name` of the seed API by hand (see [`by_hand`]).
async fn seed_by_hand(http: &reqwest::Client, url: &str) -> Duration {
    let (elapsed, server) = by_hand::<types::Server>(
        http,
        url,
        smithery_registry::seed::DEFAULT_USER_AGENT,
        smithery_registry::seed::DEFAULT_TIMEOUT,
    )
    .await;
    assert_eq!(server.qualified_name, "acme/weather");
    elapsed
}

/// A `GET` of `url` written by hand with reqwest + serde_json, timed up to the parsed body:
/// the same bytes on the wire and the same timeout as the generated client, so that the
/// comparison measures the client, not the server parsing more headers.
async fn by_hand<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    user_agent: &str,
    timeout: Duration,
) -> (Duration, T) {
    let t = Instant::now();
    let response = http
        .get(url)
        .bearer_auth("bench")
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::USER_AGENT, user_agent)
        .timeout(timeout)
        .send()
        .await
        .expect("hand-written request");
    let bytes = response.bytes().await.expect("body");
    let parsed: T = serde_json::from_slice(&bytes).expect("parses");
    (t.elapsed(), parsed)
}

/// Prints medians, p90s and their ratios for one pair of samples.
fn report(what: &str, generated: &mut [Duration], by_hand: &mut [Duration]) {
    let (g50, g90) = (percentile(generated, 50), percentile(generated, 90));
    let (h50, h90) = (percentile(by_hand, 50), percentile(by_hand, 90));
    println!("  {what}:");
    println!(
        "    {:<28} median {:>8.1} µs   p90 {:>8.1} µs",
        "generated client",
        micros(g50),
        micros(g90)
    );
    println!(
        "    {:<28} median {:>8.1} µs   p90 {:>8.1} µs",
        "hand-written reqwest+serde",
        micros(h50),
        micros(h90)
    );
    println!(
        "    ratio (generated / hand-written): median {:.3}x, p90 {:.3}x",
        ratio(g50, h50),
        ratio(g90, h90)
    );
}

/// Runs in a child process: fetch all servers, report time and peak RSS.
async fn stream_child(base: &str, collect_first: bool) {
    let client = Client::builder()
        .base_url(base)
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let started = Instant::now();
    let mut count = 0usize;
    let mut verified = 0usize;
    if collect_first {
        // The non-streaming way: every page into one Vec, then iterate.
        let mut all = Vec::new();
        for page in 1..=(SERVERS / PAGE_SIZE) as u64 {
            let response = client
                .list()
                .page(std::num::NonZeroU64::new(page).expect("nonzero"))
                .page_size(std::num::NonZeroU64::new(PAGE_SIZE as u64).expect("nonzero"))
                .send()
                .await
                .expect("page");
            all.extend(response.into_inner().servers);
        }
        for server in &all {
            count += 1;
            verified += usize::from(server.verified);
        }
    } else {
        let stream = client
            .list()
            .page_size(std::num::NonZeroU64::new(PAGE_SIZE as u64).expect("nonzero"))
            .into_stream();
        let mut stream = std::pin::pin!(stream);
        while let Some(server) = stream.try_next().await.expect("page") {
            count += 1;
            verified += usize::from(server.verified);
        }
    }
    assert_eq!(count, SERVERS);
    let label = if collect_first {
        "collect all pages, then iterate"
    } else {
        "list().into_stream()"
    };
    println!(
        "  {label:<32} {count} servers ({verified} verified) in {:>7.1} ms, peak RSS {:>6.1} MiB",
        started.elapsed().as_secs_f64() * 1000.0,
        peak_rss_kib() as f64 / 1024.0
    );
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn spawn_server() -> (String, std::process::Child) {
    let exe = std::env::current_exe().expect("bench binary");
    let mut child = Command::new(exe)
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("server starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("server prints its address");
    (line.trim().to_owned(), child)
}

/// The loopback server, in its own process: wiremock (hyper underneath) with request
/// recording off, `/servers/acme%2Fweather` answering one server of the seed API,
/// `/servers/acme%2Fcurrent` one of the current API, and `/servers?page=N` page N of
/// 10,000 servers (`/servers` without `page`: page 1).
async fn serve_forever() {
    use wiremock::matchers::{method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::builder().disable_request_recording().start().await;
    Mock::given(method("GET"))
        .and(path("/servers/acme%2Fweather"))
        .respond_with(ResponseTemplate::new(200).set_body_json(server_json()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/servers/acme%2Fcurrent"))
        .respond_with(ResponseTemplate::new(200).set_body_json(current_server_json()))
        .mount(&server)
        .await;
    // A stream's first request goes as built, without `page`: the server's first page.
    Mock::given(method("GET"))
        .and(path("/servers"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_json(1)))
        .mount(&server)
        .await;
    for page in 1..=SERVERS / PAGE_SIZE {
        Mock::given(method("GET"))
            .and(path("/servers"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page_json(page)))
            .mount(&server)
            .await;
    }
    println!("{}", server.uri());
    std::future::pending::<()>().await;
}

fn server_json() -> serde_json::Value {
    serde_json::json!({
        "qualifiedName": "acme/weather", "displayName": "Weather", "description": "Forecasts",
        "iconUrl": null, "remote": true, "deploymentUrl": null,
        "connections": [{"type": "http", "deploymentUrl": "https://server.smithery.ai/acme/weather/mcp", "configSchema": {}}],
        "security": {"scanPassed": true},
        "tools": [{"name": "get_weather", "description": "Weather for a city", "inputSchema": {"type": "object", "properties": {}}}]
    })
}

/// A server as the current API's `get_server` returns it (the 2026-07 shape: prompts,
/// resources, stdio connections with a runtime), of about the same size as the seed's.
fn current_server_json() -> serde_json::Value {
    serde_json::json!({
        "qualifiedName": "acme/current", "displayName": "Weather", "description": "Forecasts",
        "iconUrl": null, "remote": true, "deploymentUrl": "https://weather.run.tools",
        "connections": [
            {"type": "http", "deploymentUrl": "https://weather.run.tools/mcp", "configSchema": {}},
            {"type": "stdio", "bundleUrl": "https://example.com/weather.mcpb", "runtime": "node", "configSchema": {}}
        ],
        "security": {"scanPassed": true},
        "tools": [{"name": "get_weather", "description": "Weather for a city", "inputSchema": {"type": "object", "properties": {}}}],
        "prompts": [{"name": "forecast", "arguments": [{"name": "city", "required": true}]}],
        "resources": null
    })
}

fn page_json(page: usize) -> serde_json::Value {
    let first = (page - 1) * PAGE_SIZE;
    let servers: Vec<serde_json::Value> = (first..first + PAGE_SIZE)
        .map(|i| {
            serde_json::json!({
                "qualifiedName": format!("acme/server-{i}"), "displayName": format!("Server {i}"),
                "description": "A server with a description of ordinary length for a registry listing.",
                "iconUrl": null, "verified": i % 3 == 0, "useCount": i, "remote": true, "isDeployed": true,
                "createdAt": "2025-01-01T00:00:00.000Z", "homepage": format!("https://smithery.ai/server/acme/server-{i}")
            })
        })
        .collect();
    serde_json::json!({"servers": servers, "pagination": {
        "currentPage": page, "pageSize": PAGE_SIZE, "totalPages": SERVERS / PAGE_SIZE, "totalCount": SERVERS}})
}

fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort_unstable();
    samples[(samples.len() * p / 100).min(samples.len() - 1)]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}
