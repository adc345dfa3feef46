//! Binary responses on the wire: `Download` against loopback servers, a 200 MB body saved
//! with bounded memory (measured in a child process), and the failures that must leave the
//! destination as it was. Every download goes through a generated operation
//! (`download_archive` of the capabilities fixture), as a user's would.

mod loopback;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use bytes::Bytes;
use capabilities_client::runtime::download::{Download, DownloadError};
use futures_util::{StreamExt, TryStreamExt, stream};
use loopback::serve_once;
use progenitor_client::ByteStream;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// The body bytes repeat with this period: a prime, so that a chunk lost, doubled or
/// reordered anywhere shifts everything after it and the comparison fails.
const PERIOD: usize = 1_000_003;
const BIG: u64 = 200_000_000;
const CHILD_URL: &str = "DOWNLOAD_TEST_CHILD_URL";
const CHILD_PATH: &str = "DOWNLOAD_TEST_CHILD_PATH";

fn pattern() -> Vec<u8> {
    (0..PERIOD as u64)
        .map(|p| (p.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
        .collect()
}

/// Serves `length` bytes of the pattern, announcing `announced` as Content-Length, then
/// closes the connection.
async fn send_pattern(mut socket: TcpStream, content_type: &str, announced: u64, length: u64) -> std::io::Result<()> {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {announced}\r\n\r\n");
    socket.write_all(head.as_bytes()).await?;
    let pattern = pattern();
    let mut sent = 0_u64;
    while sent < length {
        let at = (sent % PERIOD as u64) as usize;
        let take = (PERIOD - at).min(64 * 1024).min((length - sent) as usize);
        socket.write_all(&pattern[at..at + take]).await?;
        sent += take as u64;
    }
    socket.flush().await?;
    Ok(())
}

/// Whether the file holds exactly `length` bytes of the pattern.
fn holds_pattern(path: &Path, length: u64) -> Result<(), String> {
    use std::io::Read;
    let pattern = pattern();
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut buffer = vec![0_u8; 1 << 20];
    let mut offset = 0_u64;
    loop {
        let read = file.read(&mut buffer).map_err(|e| e.to_string())?;
        if read == 0 {
            break;
        }
        let mut data = &buffer[..read];
        while !data.is_empty() {
            let at = (offset % PERIOD as u64) as usize;
            let take = (PERIOD - at).min(data.len());
            if data[..take] != pattern[at..at + take] {
                return Err(format!("content differs in the {take} bytes from offset {offset}"));
            }
            data = &data[take..];
            offset += take as u64;
        }
    }
    if offset == length {
        Ok(())
    } else {
        Err(format!("{offset} bytes, expected {length}"))
    }
}

fn entries(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

async fn download(url: &str) -> Download {
    // The loopback server answers any path; the operation adds its own to the base URL.
    let base = url.trim_end_matches("/stream");
    let client = capabilities_client::Client::builder()
        .base_url(base)
        .retry(capabilities_client::RetryPolicy::none())
        .build()
        .expect("client");
    let response = capabilities_client::ClientFilesExt::download_archive(&client)
        .name("set")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    response.into_inner()
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mb_body_is_saved_whole_with_bounded_memory() {
    let directory = tempfile::tempdir().expect("tempdir");
    let target = directory.path().join("archive.bin");
    let (url, server) =
        serve_once(|socket| async move { send_pattern(socket, "application/octet-stream", BIG, BIG).await }).await;

    // The client runs in a child process (this test binary, running only the test below),
    // so that its peak memory is the download's, not the server's or other tests'.
    let exe = std::env::current_exe().expect("current exe");
    let child_target = target.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(exe)
            .args([
                "--exact",
                "child_saves_the_body",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_URL, &url)
            .env(CHILD_PATH, &child_target)
            .output()
    })
    .await
    .expect("join")
    .expect("run child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    server.await.expect("server").expect("server sent the body");

    let report = stdout
        .lines()
        // The harness may have printed the test's name on the same line first.
        .find_map(|line| line.split_once("CHILD_REPORT ").map(|(_, report)| report))
        .unwrap_or_else(|| panic!("no report line from the child: {stdout}"));
    let numbers: Vec<u64> = report.split_whitespace().map(|n| n.parse().expect("number")).collect();
    let (written, before, after) = (numbers[0], numbers[1], numbers[2]);
    assert_eq!(written, BIG);
    let growth_mib = after.saturating_sub(before) as f64 / 1024.0;
    println!("200 MB download: peak RSS {before} KiB before, {after} KiB after (+{growth_mib:.1} MiB)");
    assert!(
        growth_mib < 32.0,
        "peak memory grew by {growth_mib:.1} MiB for a 200 MB download"
    );

    assert_eq!(std::fs::metadata(&target).expect("target").len(), BIG);
    holds_pattern(&target, BIG).expect("the file is the body");
    assert_eq!(entries(directory.path()), ["archive.bin"], "no temporary file left");
}

/// Run by the test above in a child process; does nothing useful on its own.
#[tokio::test]
#[ignore = "the client side of a_200_mb_body_is_saved_whole_with_bounded_memory, run in a child process"]
async fn child_saves_the_body() {
    let url = std::env::var(CHILD_URL).expect("run by a_200_mb_body_is_saved_whole_with_bounded_memory");
    let path = PathBuf::from(std::env::var_os(CHILD_PATH).expect("target path"));
    let before = vm_hwm_kib();
    let body = download(&url).await;
    assert_eq!(body.content_length(), Some(BIG));
    let written = body.save_to(&path).await.expect("saved");
    let after = vm_hwm_kib();
    println!("CHILD_REPORT {written} {before} {after}");
}

#[tokio::test]
async fn content_type_and_length_are_exposed_and_the_body_reads_whole() {
    let (url, server) =
        serve_once(|socket| async move { send_pattern(socket, "application/zip", 300_000, 300_000).await }).await;
    let body = download(&url).await;
    assert_eq!(body.content_type(), Some("application/zip"));
    assert_eq!(body.content_length(), Some(300_000));
    let debug = format!("{body:?}");
    assert_eq!(
        debug,
        "Download { content_type: Some(\"application/zip\"), content_length: Some(300000), .. }"
    );
    let bytes = body.bytes().await.expect("body");
    assert_eq!(&bytes[..], &pattern()[..300_000]);
    server.await.expect("server").expect("sent");
}

#[tokio::test]
async fn the_stream_gives_the_chunks_as_they_arrive() {
    let (url, server) =
        serve_once(|socket| async move { send_pattern(socket, "image/png", 2_500_000, 2_500_000).await }).await;
    let chunks: Vec<Bytes> = download(&url).await.into_stream().try_collect().await.expect("body");
    assert!(chunks.len() > 1, "one chunk: the body was buffered");
    let total: usize = chunks.iter().map(Bytes::len).sum();
    assert_eq!(total, 2_500_000);
    server.await.expect("server").expect("sent");
}

#[tokio::test]
async fn saving_over_an_existing_file_replaces_it() {
    let directory = tempfile::tempdir().expect("tempdir");
    let target = directory.path().join("out.bin");
    std::fs::write(&target, b"previous content, longer than nothing").expect("write");
    let (url, server) =
        serve_once(|socket| async move { send_pattern(socket, "application/octet-stream", 5000, 5000).await }).await;
    assert_eq!(download(&url).await.save_to(&target).await.expect("saved"), 5000);
    holds_pattern(&target, 5000).expect("replaced");
    assert_eq!(entries(directory.path()), ["out.bin"]);
    server.await.expect("server").expect("sent");
}

#[tokio::test]
async fn a_connection_closed_before_content_length_leaves_the_target_untouched() {
    let directory = tempfile::tempdir().expect("tempdir");
    let target = directory.path().join("out.bin");
    std::fs::write(&target, b"previous content").expect("write");
    // 1,000,000 bytes announced, 300,000 sent, then the connection closes.
    let (url, server) =
        serve_once(|socket| async move { send_pattern(socket, "application/octet-stream", 1_000_000, 300_000).await })
            .await;
    let error = download(&url).await.save_to(&target).await.expect_err("truncated");
    assert!(
        matches!(
            error,
            DownloadError::Transport(_)
                | DownloadError::Truncated {
                    expected: 1_000_000,
                    ..
                }
        ),
        "{error:?}"
    );
    assert_eq!(std::fs::read(&target).expect("target"), b"previous content");
    assert_eq!(entries(directory.path()), ["out.bin"], "no temporary file left");
    server.await.expect("server").expect("sent");
}

fn body_of(parts: &[&'static [u8]]) -> ByteStream {
    let parts: Vec<Result<Bytes, reqwest::Error>> = parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
    ByteStream::new(Box::pin(stream::iter(parts)))
}

#[tokio::test]
async fn a_body_shorter_or_longer_than_announced_is_refused_by_every_reader() {
    let directory = tempfile::tempdir().expect("tempdir");
    let target = directory.path().join("short.bin");
    let short = || Download::new(body_of(&[b"abc", b"def"]), None, Some(10));
    let long = || Download::new(body_of(&[b"abc", b"def"]), None, Some(4));

    let error = short().save_to(&target).await.expect_err("short");
    assert!(
        matches!(
            error,
            DownloadError::Truncated {
                expected: 10,
                received: 6
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "download truncated: 6 of the 10 bytes announced arrived"
    );
    assert!(matches!(short().bytes().await, Err(DownloadError::Truncated { .. })));
    assert!(matches!(
        long().save_to(&target).await,
        Err(DownloadError::Overlong {
            expected: 4,
            received: 6
        })
    ));
    assert!(matches!(long().bytes().await, Err(DownloadError::Overlong { .. })));
    assert!(
        entries(directory.path()).is_empty(),
        "nothing written: {:?}",
        entries(directory.path())
    );

    // Without a Content-Length, whatever arrives is the body.
    let unannounced = Download::new(body_of(&[b"abc", b"def"]), None, None);
    assert_eq!(unannounced.save_to(&target).await.expect("saved"), 6);
    assert_eq!(std::fs::read(&target).expect("read"), b"abcdef");
}

#[tokio::test]
async fn an_unwritable_destination_is_an_io_error_naming_the_path() {
    let directory = tempfile::tempdir().expect("tempdir");
    // A "directory" that is a regular file: refused even for root.
    let blocker = directory.path().join("not-a-directory");
    std::fs::write(&blocker, b"").expect("write");
    let target = blocker.join("out.bin");
    let error = Download::new(body_of(&[b"abc"]), None, Some(3))
        .save_to(&target)
        .await
        .expect_err("cannot write there");
    match &error {
        DownloadError::Io { path, .. } => assert_eq!(path, &target),
        other => panic!("expected Io, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("could not write {}: ", target.display())),
        "{message}"
    );

    // A read-only directory, where permissions apply (not to root, who may write anyway).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let read_only = directory.path().join("read-only");
        std::fs::create_dir(&read_only).expect("mkdir");
        std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        if std::fs::write(read_only.join("probe"), b"").is_ok() {
            println!("note: running as a user who may write to read-only directories; that case is not checked");
        } else {
            let target = read_only.join("out.bin");
            let error = Download::new(body_of(&[b"abc"]), None, Some(3))
                .save_to(&target)
                .await
                .expect_err("read-only");
            assert!(
                matches!(&error, DownloadError::Io { path, .. } if path == &target),
                "{error:?}"
            );
            assert!(entries(&read_only).is_empty());
        }
        std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
    }
}

#[tokio::test]
async fn a_download_dropped_midway_removes_its_temporary_file() {
    let directory = tempfile::tempdir().expect("tempdir");
    let target = directory.path().join("out.bin");
    // Some bytes, then nothing more, ever.
    let body = stream::iter(vec![Ok::<_, reqwest::Error>(Bytes::from_static(b"partial"))]).chain(stream::pending());
    let download = Download::new(ByteStream::new(Box::pin(body)), None, Some(100));
    let task = tokio::spawn(download.save_to(target.clone()));
    // Wait until the temporary file exists, so that the drop has something to clean up.
    let mut seen = Vec::new();
    for _ in 0..200 {
        seen = entries(directory.path());
        if !seen.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with(".out.bin.") && seen[0].ends_with(".part"),
        "temporary name: {seen:?}"
    );
    task.abort();
    assert!(task.await.expect_err("aborted").is_cancelled());
    assert!(
        entries(directory.path()).is_empty(),
        "left: {:?}",
        entries(directory.path())
    );
}
