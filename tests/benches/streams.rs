//! Streaming benchmark: `cargo bench -p tests --bench streams`.
//!
//! (a) Event-stream parsing: `EventStream<T>` against the same bytes parsed by hand with
//!     `sse-stream` and `serde_json` (the crate `EventStream` builds on, so the ratio is the
//!     cost of what it adds: the bound on an event's size, names, ids, typed errors). Both
//!     read the same in-memory chunks, so the network is out of it; each run is a child
//!     process, so its peak resident memory is its own. Runs alternate between the two
//!     sides; medians of wall-clock and CPU time (of the one thread that parses) are
//!     printed. Then the same comparison once more over loopback HTTP.
//! (b) A 1 GB download saved to a file with `Download::save_to`, from a loopback server in
//!     this process to a client in a child process: time, MB/s and the child's peak RSS.
//!
//! `STREAMS_BENCH_RUNS` (default 7) sets the runs per side of (a); `STREAMS_BENCH_DOWNLOAD_MB`
//! (default 1000) the size of (b).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use progenitor_client::ByteStream;
use serde::Deserialize;
use smithery_registry::runtime::sse::{DEFAULT_MAX_EVENT_BYTES, EventStream};
use sse_stream::SseByteStream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Events in the template that is replayed to make the stream.
const TEMPLATE_EVENTS: usize = 1000;
/// Replays of the template: about 250 bytes an event, so 60 MB in all.
const REPLAYS: usize = 240;
/// The size of the in-memory chunks, about what a socket read delivers. Events straddle
/// chunk boundaries.
const CHUNK: usize = 16 * 1024;

/// A deployment-progress event, as a registry might stream it.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // Read through `black_box` only.
struct Update {
    id: u64,
    server: String,
    status: String,
    progress: f64,
    tags: Vec<String>,
    message: String,
}

fn template() -> Vec<u8> {
    let mut text = String::new();
    for i in 0..TEMPLATE_EVENTS {
        let status = ["queued", "building", "deploying", "ready"][i % 4];
        text.push_str(&format!(
            "event: {status}\nid: {i}\ndata: {{\"id\": {i}, \"server\": \"acme/weather-{i}\", \"status\": \"{status}\", \
             \"progress\": {:.2}, \"tags\": [\"mcp\", \"weather\", \"beta\"], \"message\": \"step {i} of the deployment is done; next one starts\"}}\n\n",
            i as f64 / TEMPLATE_EVENTS as f64
        ));
        if i % 100 == 0 {
            text.push_str(": keep-alive\n\n");
        }
    }
    text.into_bytes()
}

/// The template, replayed `REPLAYS` times, in `CHUNK`-sized pieces (cheap `Bytes` slices).
fn in_memory_body() -> ByteStream {
    let template = Bytes::from(template());
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < template.len() {
        let end = (at + CHUNK).min(template.len());
        pieces.push(template.slice(at..end));
        at = end;
    }
    let body = stream::iter(0..REPLAYS).flat_map(move |_| stream::iter(pieces.clone().into_iter().map(Ok)));
    ByteStream::new(Box::pin(body))
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Parses with `EventStream<Update>`; returns the events seen.
async fn parse_ours(body: ByteStream) -> u64 {
    let mut events = EventStream::<Update>::new(body, DEFAULT_MAX_EVENT_BYTES);
    let mut count = 0;
    while let Some(event) = events.next().await {
        black_box(event.expect("event"));
        count += 1;
    }
    count
}

/// The same by hand: `sse-stream` blocks, `serde_json` for the data.
async fn parse_by_hand(body: ByteStream) -> u64 {
    let mut blocks = SseByteStream::new(body.into_inner());
    let mut count = 0;
    while let Some(block) = blocks.next().await {
        let block = block.expect("block");
        if let Some(data) = block.data {
            let update: Update = serde_json::from_str(&data).expect("update");
            black_box((block.event, block.id, update));
            count += 1;
        }
    }
    count
}

fn body_of(response: reqwest::Response) -> ByteStream {
    ByteStream::new(Box::pin(response.bytes_stream()))
}

/// Nanoseconds this thread has spent on a CPU (Linux's schedstat; 0 elsewhere). The child
/// runs everything on one thread (a current-thread runtime), and on a loaded machine this
/// varies much less than the wall-clock time, which includes waiting for a core.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// One measured run in a child process: prints `seconds bytes events peak_kib cpu_seconds`.
async fn child(mode: &str, argument: Option<&str>) {
    let bytes = (template().len() * REPLAYS) as u64;
    let cpu_before = thread_cpu_ns();
    let started = Instant::now();
    let (events, bytes) = match mode {
        "memory-ours" => (parse_ours(in_memory_body()).await, bytes),
        "memory-hand" => (parse_by_hand(in_memory_body()).await, bytes),
        "loopback-ours" | "loopback-hand" => {
            let url = argument.expect("url");
            let response = reqwest::get(url).await.expect("request");
            if mode == "loopback-ours" {
                (parse_ours(body_of(response)).await, bytes)
            } else {
                (parse_by_hand(body_of(response)).await, bytes)
            }
        }
        "download" => {
            let url = argument.expect("url");
            let path = PathBuf::from(std::env::var_os("STREAMS_BENCH_PATH").expect("path"));
            // Through a generated operation, as a user downloads: the server answers any path
            // but `/sse` with the filler.
            let base = url.trim_end_matches("/download");
            let client = capabilities_client::Client::builder()
                .base_url(base)
                .build()
                .expect("client");
            let response = capabilities_client::ClientFilesExt::download_archive(&client)
                .name("bench")
                .send()
                .await
                .expect("request");
            let written = response.into_inner().save_to(&path).await.expect("saved");
            (0, written)
        }
        other => panic!("unknown mode {other}"),
    };
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = thread_cpu_ns().saturating_sub(cpu_before) as f64 / 1e9;
    println!("{seconds} {bytes} {events} {} {cpu_seconds}", peak_rss_kib());
}

#[derive(Clone, Copy)]
struct Run {
    seconds: f64,
    bytes: u64,
    events: u64,
    peak_kib: u64,
    cpu_seconds: f64,
}

fn run_child(mode: &str, argument: Option<&str>, path: Option<&PathBuf>) -> Run {
    let mut command = Command::new(std::env::current_exe().expect("exe"));
    command.arg("child").arg(mode);
    if let Some(argument) = argument {
        command.arg(argument);
    }
    if let Some(path) = path {
        command.env("STREAMS_BENCH_PATH", path);
    }
    let output = command.output().expect("child");
    assert!(
        output.status.success(),
        "child {mode} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<f64> = text.split_whitespace().map(|f| f.parse().expect("number")).collect();
    Run {
        seconds: fields[0],
        bytes: fields[1] as u64,
        events: fields[2] as u64,
        peak_kib: fields[3] as u64,
        cpu_seconds: fields[4],
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

struct Summary {
    seconds: f64,
    cpu_seconds: f64,
    mb_per_s: f64,
    events_per_s: f64,
    peak_mib: f64,
}

fn summarize(runs: &[Run]) -> Summary {
    let seconds = median(runs.iter().map(|r| r.seconds).collect());
    let bytes = runs[0].bytes as f64;
    let events = runs[0].events as f64;
    Summary {
        seconds,
        cpu_seconds: median(runs.iter().map(|r| r.cpu_seconds).collect()),
        mb_per_s: bytes / 1e6 / seconds,
        events_per_s: events / seconds,
        peak_mib: median(runs.iter().map(|r| r.peak_kib as f64).collect()) / 1024.0,
    }
}

fn print_pair(label: &str, ours: &[Run], hand: &[Run]) {
    let (o, h) = (summarize(ours), summarize(hand));
    println!("\n{label} ({} runs per side, medians)", ours.len());
    println!(
        "| parser | time | CPU time | MB/s | events/s | peak RSS |\n|---|---|---|---|---|---|\n\
         | `EventStream<T>` | {:.3} s | {:.3} s | {:.0} | {:.0} | {:.1} MiB |\n\
         | sse-stream + serde_json by hand | {:.3} s | {:.3} s | {:.0} | {:.0} | {:.1} MiB |",
        o.seconds,
        o.cpu_seconds,
        o.mb_per_s,
        o.events_per_s,
        o.peak_mib,
        h.seconds,
        h.cpu_seconds,
        h.mb_per_s,
        h.events_per_s,
        h.peak_mib
    );
    println!(
        "ratio (EventStream / by hand): time {:.3}x, CPU time {:.3}x, peak RSS {:.3}x",
        o.seconds / h.seconds,
        o.cpu_seconds / h.cpu_seconds,
        o.peak_mib / h.peak_mib
    );
}

/// Serves `/sse` (the replayed template) and `/download` (`download_bytes` of filler), one
/// connection at a time, until the process ends.
async fn serve(listener: TcpListener, download_bytes: u64) {
    let template = template();
    let filler: Vec<u8> = (0..1_048_576_u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut head = Vec::new();
        let mut buffer = [0_u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buffer[..n]),
            }
        }
        let request = String::from_utf8_lossy(&head);
        let result = if request.starts_with("GET /sse ") {
            let length = template.len() * REPLAYS;
            let head =
                format!("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {length}\r\n\r\n");
            async {
                socket.write_all(head.as_bytes()).await?;
                for _ in 0..REPLAYS {
                    socket.write_all(&template).await?;
                }
                socket.flush().await
            }
            .await
        } else {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {download_bytes}\r\n\r\n"
            );
            async {
                socket.write_all(head.as_bytes()).await?;
                let mut left = download_bytes;
                while left > 0 {
                    let take = left.min(filler.len() as u64) as usize;
                    socket.write_all(&filler[..take]).await?;
                    left -= take as u64;
                }
                socket.flush().await
            }
            .await
        };
        if let Err(error) = result {
            eprintln!("server: {error}");
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(child(&args[2], args.get(3).map(String::as_str)));
        return;
    }

    let runs = env_number("STREAMS_BENCH_RUNS", 7) as usize;
    let download_bytes = env_number("STREAMS_BENCH_DOWNLOAD_MB", 1000) * 1_000_000;
    // The server gets its own threads, so the child's timings do not wait on it.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    runtime.spawn(serve(listener, download_bytes));

    let template_bytes = template().len();
    println!(
        "streams benchmark: {} events, {:.1} MB of event stream in {CHUNK}-byte chunks; {runs} runs per side",
        TEMPLATE_EVENTS * REPLAYS,
        (template_bytes * REPLAYS) as f64 / 1e6
    );

    // (a) In memory, alternating sides after one warm-up each.
    run_child("memory-ours", None, None);
    run_child("memory-hand", None, None);
    let (mut ours, mut hand) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.push(run_child("memory-ours", None, None));
        hand.push(run_child("memory-hand", None, None));
    }
    assert!(
        ours.iter()
            .chain(&hand)
            .all(|r| r.events == (TEMPLATE_EVENTS * REPLAYS) as u64)
    );
    print_pair("(a) event-stream parsing, in memory", &ours, &hand);

    // (a) Over loopback HTTP.
    let url = format!("{base}/sse");
    let loopback_runs = runs.div_ceil(2).max(1);
    let (mut ours, mut hand) = (Vec::new(), Vec::new());
    for _ in 0..loopback_runs {
        ours.push(run_child("loopback-ours", Some(&url), None));
        hand.push(run_child("loopback-hand", Some(&url), None));
    }
    print_pair("(a) event-stream parsing, loopback HTTP", &ours, &hand);

    // (b) The download, written next to the build's output (not a tmpfs, which would count
    // the file against memory on some systems).
    let directory = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("streams-bench");
    std::fs::create_dir_all(&directory).expect("mkdir");
    let path = directory.join("download.bin");
    let run = run_child("download", Some(&format!("{base}/download")), Some(&path));
    let size = std::fs::metadata(&path).expect("downloaded file").len();
    assert_eq!(size, download_bytes, "the file has the whole body");
    std::fs::remove_file(&path).expect("remove");
    println!(
        "\n(b) download of {:.0} MB to a file with Download::save_to (client in a child process)\n\
         | time | MB/s | peak RSS of the client |\n|---|---|---|\n| {:.2} s | {:.0} | {:.1} MiB |",
        download_bytes as f64 / 1e6,
        run.seconds,
        run.bytes as f64 / 1e6 / run.seconds,
        run.peak_kib as f64 / 1024.0
    );
    println!(
        "peak RSS goal < 32 MiB: {}",
        if run.peak_kib < 32 * 1024 { "met" } else { "NOT met" }
    );
}
