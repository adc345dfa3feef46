//! Binary responses (`application/octet-stream`, `application/zip`, `image/*`, ...): the body
//! as a stream, not read until asked, and a way to write it to a file atomically with
//! constant memory.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use progenitor_client::ByteStream;
use reqwest::header::CONTENT_TYPE;
use tokio::io::AsyncWriteExt;

/// Writes to the file go through a buffer of this size: each write of tokio's file runs on
/// the blocking thread pool, and network chunks (often 8 to 64 KiB) would each cost one
/// hand-off.
const WRITE_BUFFER: usize = 512 * 1024;

/// [`Download::bytes`] trusts `Content-Length` for its first allocation only up to this
/// much, so that a lying header cannot make it reserve gigabytes up front.
const MAX_PREALLOCATION: u64 = 16 << 20;

/// A binary response body, not yet read.
///
/// Read it once, in one of three ways: [`Download::into_stream`] (chunks as they arrive),
/// [`Download::save_to`] (to a file, constant memory) or [`Download::bytes`] (all in
/// memory).
pub struct Download {
    body: ByteStream,
    content_type: Option<String>,
    content_length: Option<u64>,
}

/// Why a download failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum DownloadError {
    /// The connection failed or was cut before the whole body arrived.
    Transport(reqwest::Error),
    /// The file could not be written (or the temporary file beside it created, or renamed
    /// into place). `path` is the file asked for.
    Io {
        /// The destination given to [`Download::save_to`].
        path: PathBuf,
        /// What the operating system reported.
        source: std::io::Error,
    },
    /// The body ended before the `Content-Length` the server announced.
    Truncated {
        /// The announced length, in bytes.
        expected: u64,
        /// The bytes that arrived.
        received: u64,
    },
    /// The body went on past the `Content-Length` the server announced (only a body given
    /// to [`Download::new`] can do this: HTTP/1.1 and HTTP/2 stop at the announced length).
    Overlong {
        /// The announced length, in bytes.
        expected: u64,
        /// The bytes that had arrived when reading stopped.
        received: u64,
    },
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(source) => write!(f, "download interrupted: {source}"),
            Self::Io { path, source } => write!(f, "could not write {}: {source}", path.display()),
            Self::Truncated { expected, received } => write!(
                f,
                "download truncated: {received} of the {expected} bytes announced arrived"
            ),
            Self::Overlong { expected, received } => write!(
                f,
                "download longer than announced: {received} bytes arrived, {expected} were announced"
            ),
        }
    }
}

impl std::error::Error for DownloadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(source) => Some(source),
            Self::Io { source, .. } => Some(source),
            Self::Truncated { .. } | Self::Overlong { .. } => None,
        }
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the body: it is not read, and may be large or secret.
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

impl Download {
    /// A download of `body`, described by its `Content-Type` and `Content-Length`.
    pub fn new(body: ByteStream, content_type: Option<String>, content_length: Option<u64>) -> Self {
        Self {
            body,
            content_type,
            content_length,
        }
    }

    /// The body of `response`, with its `Content-Type` and `Content-Length` headers.
    pub fn from_response(response: reqwest::Response) -> Self {
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let content_length = response.content_length();
        Self::new(
            ByteStream::new(Box::pin(response.bytes_stream())),
            content_type,
            content_length,
        )
    }

    /// The media type the server gave (`application/zip`, ...), if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The length the server announced, in bytes, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The body, chunk by chunk as it arrives. Nothing checks it against
    /// [`Download::content_length`] here (HTTP itself reports a body cut short as an error).
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, reqwest::Error>> + Send + Sync + Unpin {
        self.body.into_inner()
    }

    /// The body as progenitor's [`ByteStream`], for code that expects the type of
    /// progenitor's own streaming responses.
    pub fn into_byte_stream(self) -> ByteStream {
        self.body
    }

    /// Reads the whole body into memory. It buffers everything: for large bodies prefer
    /// [`Download::save_to`] or [`Download::into_stream`].
    pub async fn bytes(self) -> Result<Bytes, DownloadError> {
        let expected = self.content_length;
        let capacity = expected.unwrap_or(0).min(MAX_PREALLOCATION);
        let mut buffer = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
        let mut body = self.body;
        let mut received = 0_u64;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(DownloadError::Transport)?;
            received += chunk.len() as u64;
            check_not_overlong(expected, received)?;
            buffer.extend_from_slice(&chunk);
        }
        check_complete(expected, received)?;
        Ok(buffer.freeze())
    }

    /// Writes the body to `path` through a temporary file in the same directory, renamed
    /// into place only when the whole body arrived (and its length matches
    /// `Content-Length` when given) and was flushed to disk; on any failure, or when the
    /// returned future is dropped, the temporary file is removed and `path` is untouched.
    /// Memory stays constant (one write buffer) whatever the size. Returns the number of
    /// bytes written.
    ///
    /// An existing file at `path` is replaced. The temporary file is named
    /// `.NAME.PID-N.part` beside it.
    pub async fn save_to(self, path: impl AsRef<Path>) -> Result<u64, DownloadError> {
        let path = path.as_ref();
        let io = |source| DownloadError::Io {
            path: path.to_owned(),
            source,
        };
        let temp = TempFile::create(path).map_err(io)?;
        let expected = self.content_length;
        let mut body = self.body;
        let mut file = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, temp.file);
        let mut received = 0_u64;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(DownloadError::Transport)?;
            received += chunk.len() as u64;
            check_not_overlong(expected, received)?;
            file.write_all(&chunk).await.map_err(io)?;
        }
        check_complete(expected, received)?;
        file.flush().await.map_err(io)?;
        let file = file.into_inner();
        // On disk before the rename, so that after a crash `path` holds either the old
        // content or the whole new one.
        file.sync_all().await.map_err(io)?;
        drop(file);
        tokio::fs::rename(&temp.guard.path, path).await.map_err(io)?;
        temp.guard.keep();
        Ok(received)
    }
}

fn check_not_overlong(expected: Option<u64>, received: u64) -> Result<(), DownloadError> {
    match expected {
        Some(expected) if received > expected => Err(DownloadError::Overlong { expected, received }),
        _ => Ok(()),
    }
}

fn check_complete(expected: Option<u64>, received: u64) -> Result<(), DownloadError> {
    match expected {
        Some(expected) if received < expected => Err(DownloadError::Truncated { expected, received }),
        _ => Ok(()),
    }
}

/// A new file beside the destination, removed unless kept.
struct TempFile {
    file: tokio::fs::File,
    guard: RemoveOnDrop,
}

impl TempFile {
    fn create(destination: &Path) -> std::io::Result<Self> {
        /// Distinguishes the temporary files of concurrent downloads in one process.
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = destination
            .file_name()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "the destination has no file name"))?;
        let directory = match destination.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let mut attempts = 0;
        loop {
            let number = COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut temp_name = std::ffi::OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}-{number}.part", std::process::id()));
            let path = directory.join(temp_name);
            // `create_new`: never open a file someone else made under that name. Opened
            // synchronously on purpose: with tokio's open the file could be created by the
            // blocking pool while this future is dropped, before the guard exists, and be
            // left behind. Creating one file is a single quick system call.
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok(Self {
                        file: tokio::fs::File::from_std(file),
                        guard: RemoveOnDrop { path, armed: true },
                    });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && attempts < 16 => {
                    attempts += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }
}

/// Removes the temporary file when the download fails or its future is dropped.
struct RemoveOnDrop {
    path: PathBuf,
    armed: bool,
}

impl RemoveOnDrop {
    fn keep(mut self) {
        self.armed = false;
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if self.armed {
            // Drop cannot await; unlinking one file is quick. A failure leaves a `.part`
            // file behind, which is all that can be done here.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
