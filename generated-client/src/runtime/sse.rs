//! Server-sent events (`text/event-stream` responses) as a typed [`Stream`] of [`Event`]s.
//!
//! # Why `sse-stream` parses the bytes
//!
//! The line protocol is parsed by the [`sse-stream`](https://docs.rs/sse-stream) crate, not by
//! hand. It was chosen over `eventsource-stream` (the other common choice) because:
//! - it is maintained: 0.3.0 was released in September 2026 with a changelog that follows the
//!   WHATWG parsing rules closely, whereas `eventsource-stream` has had no release since
//!   0.2.3 and still depends on nom 7;
//! - it handles every line end the specification allows (`\n`, `\r\n`, and a lone `\r`,
//!   including a `\r` at the end of one chunk and its `\n` at the start of the next), a
//!   leading byte order mark, comments, multi-line `data` (joined with `\n`), `id` (a value
//!   with NUL ignored) and `retry` (digits only);
//! - it works on `bytes::Buf` chunks without first copying them into a `String`, and does
//!   not keep the text of comment lines at all, so keep-alives cost nothing;
//! - it is small, with no dependency this crate does not already pull in through reqwest
//!   besides `simdutf8`.
//!
//! Neither crate bounds the size of one event: `sse-stream` appends a data line to its
//! buffer for as long as bytes arrive. The bound is therefore enforced here, on the bytes
//! fed to the parser: [`EventStream`] scans each chunk for the empty lines that end event
//! blocks and stops with [`StreamError::EventTooLarge`] as soon as one block (field names,
//! values, line ends and comments inside it) would exceed the limit, before those bytes reach
//! the parser. The parser therefore never holds more than the limit, whatever the server
//! sends. The scan looks only for line-end bytes (with `memchr`), so it costs little next
//! to the parsing itself.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use progenitor_client::ByteStream;
use serde::de::DeserializeOwned;
use sse_stream::SseByteStream;

/// The default bound on the size of one event, in bytes (1 MiB): the raw bytes of its
/// block, from its first field to the empty line that ends it.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 1 << 20;

/// How much of an event's data [`StreamError::InvalidData`] keeps, in characters.
const SNIPPET_CHARS: usize = 200;

/// One server-sent event. `event` is the event name (`"message"` when the server names
/// none).
///
/// `id` and `retry` are the values this event's own block carried (`None` when it had no
/// such line); [`EventStream::last_event_id`] and [`EventStream::retry`] keep the latest
/// values seen so far, as a reconnecting client needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event name: the `event` field, or `"message"` when absent or empty.
    pub event: String,
    /// The `id` field of this event, if it had one.
    pub id: Option<String>,
    /// The `retry` field of this event (the reconnection delay the server asks for).
    pub retry: Option<Duration>,
    /// The `data` lines joined with `\n`, decoded as the declared type.
    pub data: T,
}

/// Why a stream ended early, or why one event could not be decoded.
///
/// [`StreamError::InvalidData`] concerns one event only: the stream goes on with the next
/// one. Every other variant is the last item of the stream.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed or was cut mid-stream.
    Transport(reqwest::Error),
    /// One event exceeded the bound (`limit` bytes); the stream stops, the process does
    /// not.
    EventTooLarge {
        /// The bound in force, in bytes.
        limit: usize,
    },
    /// An event's data is not the declared JSON.
    InvalidData {
        /// The event's name.
        event: String,
        /// Where in the data the mismatch is (`.` for the whole value,
        /// `items[2].id` for a nested field).
        path: String,
        /// The start of the data (at most 200 characters).
        snippet: String,
        /// What serde_json reported.
        source: serde_json::Error,
    },
    /// The bytes are not an event stream the parser accepts (a field value that is not
    /// UTF-8, for instance).
    Malformed(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(source) => write!(f, "event stream interrupted: {source}"),
            Self::EventTooLarge { limit } => {
                write!(
                    f,
                    "an event exceeded the bound of {limit} bytes; the stream was stopped"
                )
            }
            Self::InvalidData {
                event,
                path,
                snippet,
                source,
            } => write!(
                f,
                "event `{event}`: data does not match the declared type at `{path}`: {source} (data: {snippet:?})"
            ),
            Self::Malformed(source) => write!(f, "malformed event stream: {source}"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(source) => Some(source),
            Self::InvalidData { source, .. } => Some(source),
            Self::Malformed(source) => Some(source.as_ref()),
            Self::EventTooLarge { .. } => None,
        }
    }
}

/// Turns an event's data into `T`: JSON for [`EventStream::new`], the text itself for
/// [`EventStream::raw`]. A plain function pointer keeps the stream `Send` and `Unpin`
/// whatever `T` is.
type Decode<T> = fn(&str, String) -> Result<T, StreamError>;

/// A typed stream of events decoded from a response body.
///
/// Yields `Result<Event<T>, StreamError>`. Events whose block has no `data` line (only
/// `event`, `id` or `retry`) are not dispatched, as the SSE specification says; their `id`
/// and `retry` still update [`EventStream::last_event_id`] and [`EventStream::retry`].
/// Comments (keep-alives such as `: ping`) are skipped.
///
/// Memory: the stream holds at most one event block being parsed, never more than the
/// `max_event_bytes` given at construction, plus the chunk the connection delivered.
///
/// ```no_run
/// # async fn run(response: reqwest::Response) -> Result<(), Box<dyn std::error::Error>> {
/// use futures_util::TryStreamExt;
/// use smithery_registry::runtime::sse::{DEFAULT_MAX_EVENT_BYTES, EventStream};
///
/// #[derive(serde::Deserialize)]
/// struct Progress { percent: u8 }
///
/// let mut events = EventStream::<Progress>::from_response(response, DEFAULT_MAX_EVENT_BYTES);
/// while let Some(event) = events.try_next().await? {
///     println!("{}: {}%", event.event, event.data.percent);
/// }
/// # Ok(())
/// # }
/// ```
pub struct EventStream<T> {
    parser: SseByteStream<Bounded>,
    decode: Decode<T>,
    last_event_id: Option<String>,
    retry: Option<Duration>,
    max_event_bytes: usize,
    finished: bool,
}

impl<T: DeserializeOwned> EventStream<T> {
    /// Events whose `data` is JSON of type `T`, read from `body`; an event block larger
    /// than `max_event_bytes` ends the stream with [`StreamError::EventTooLarge`].
    ///
    /// With `T = String` the data must be a JSON string (`"text"`); for plain text use
    /// [`EventStream::raw`].
    pub fn new(body: ByteStream, max_event_bytes: usize) -> Self {
        Self::with_decoder(body, max_event_bytes, decode_json::<T>)
    }

    /// [`EventStream::new`] over the body of `response`.
    pub fn from_response(response: reqwest::Response, max_event_bytes: usize) -> Self {
        Self::new(body_of(response), max_event_bytes)
    }
}

impl EventStream<String> {
    /// Events whose `data` is kept as the text the server sent, without JSON decoding:
    /// for event streams whose schema declares no type, or declares plain text.
    pub fn raw(body: ByteStream, max_event_bytes: usize) -> Self {
        Self::with_decoder(body, max_event_bytes, |_, data| Ok(data))
    }

    /// [`EventStream::raw`] over the body of `response`.
    pub fn raw_from_response(response: reqwest::Response, max_event_bytes: usize) -> Self {
        Self::raw(body_of(response), max_event_bytes)
    }
}

impl<T> EventStream<T> {
    fn with_decoder(body: ByteStream, max_event_bytes: usize, decode: Decode<T>) -> Self {
        Self {
            parser: SseByteStream::new(Bounded::new(body, max_event_bytes)),
            decode,
            last_event_id: None,
            retry: None,
            max_event_bytes,
            finished: false,
        }
    }

    /// The latest non-empty `id` the server sent, to send back as `Last-Event-ID` when
    /// reconnecting. An empty `id` field clears it, as the specification says.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The latest reconnection delay the server asked for with `retry`.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// The bound on one event's size this stream enforces, in bytes.
    pub fn max_event_bytes(&self) -> usize {
        self.max_event_bytes
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body and any partly parsed event stay out of it.
        f.debug_struct("EventStream")
            .field("max_event_bytes", &self.max_event_bytes)
            .field("last_event_id", &self.last_event_id)
            .field("retry", &self.retry)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        loop {
            let block = match ready!(Pin::new(&mut this.parser).poll_next(cx)) {
                Some(Ok(block)) => block,
                Some(Err(error)) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(stream_error(error))));
                }
                None => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
            };
            if let Some(id) = &block.id {
                // Reusing the buffer: a fresh allocation per event showed in the benchmark.
                match &mut this.last_event_id {
                    _ if id.is_empty() => this.last_event_id = None,
                    Some(last) => {
                        last.clear();
                        last.push_str(id);
                    }
                    None => this.last_event_id = Some(id.clone()),
                }
            }
            let retry = block.retry.map(Duration::from_millis);
            if retry.is_some() {
                this.retry = retry;
            }
            let Some(data) = block.data else {
                // A block without data is not an event (only its id and retry count).
                continue;
            };
            let event = match block.event {
                Some(name) if !name.is_empty() => name,
                _ => "message".to_owned(),
            };
            return Poll::Ready(Some(match (this.decode)(&event, data) {
                Ok(data) => Ok(Event {
                    event,
                    id: block.id,
                    retry,
                    data,
                }),
                Err(error) => Err(error),
            }));
        }
    }
}

/// The response body as the byte stream progenitor's own streaming responses use.
fn body_of(response: reqwest::Response) -> ByteStream {
    ByteStream::new(Box::pin(response.bytes_stream()))
}

fn decode_json<T: DeserializeOwned>(event: &str, data: String) -> Result<T, StreamError> {
    // The plain deserializer first: tracking the path on every event would slow down the
    // common case, and only a failure needs it.
    match serde_json::from_str(&data) {
        Ok(value) => Ok(value),
        Err(source) => {
            let mut deserializer = serde_json::Deserializer::from_str(&data);
            let path = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Err(error) => error.path().to_string(),
                Ok(_) => ".".to_owned(),
            };
            Err(StreamError::InvalidData {
                event: event.to_owned(),
                path,
                snippet: data.chars().take(SNIPPET_CHARS).collect(),
                source,
            })
        }
    }
}

fn stream_error(error: sse_stream::Error) -> StreamError {
    match error {
        sse_stream::Error::Body(source) => match source.downcast::<BodyFailure>() {
            Ok(failure) => match *failure {
                BodyFailure::Transport(source) => StreamError::Transport(source),
                BodyFailure::TooLarge { limit } => StreamError::EventTooLarge { limit },
            },
            Err(other) => StreamError::Malformed(other),
        },
        other => StreamError::Malformed(Box::new(other)),
    }
}

/// What ends the byte stream the parser reads: the connection's error, or the bound.
#[derive(Debug)]
enum BodyFailure {
    Transport(reqwest::Error),
    TooLarge { limit: usize },
}

impl fmt::Display for BodyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(source) => source.fmt(f),
            Self::TooLarge { limit } => write!(f, "event larger than {limit} bytes"),
        }
    }
}

impl std::error::Error for BodyFailure {}

/// The response body, cut short where an event block would exceed the bound.
///
/// It tracks where the stream stands with respect to line ends, so that it recognizes an
/// empty line (the end of an event block) across chunk boundaries: `\r\n` is one line end,
/// and a lone `\r` or `\n` is one too.
struct Bounded {
    body: ByteStream,
    limit: usize,
    /// Bytes since the last empty line, that is, of the block being parsed.
    in_block: usize,
    /// The last byte seen ended a line, so a line end now makes an empty line.
    at_line_start: bool,
    /// The last byte seen was `\r`, so a `\n` now belongs to the same line end.
    after_cr: bool,
    /// The bound was crossed in a chunk whose complete events went to the parser first.
    failed: Option<BodyFailure>,
    done: bool,
}

impl Bounded {
    fn new(body: ByteStream, limit: usize) -> Self {
        Self {
            body,
            limit,
            in_block: 0,
            at_line_start: true,
            after_cr: false,
            failed: None,
            done: false,
        }
    }

    /// Scans `chunk`; returns `Err(n)` when the block that starts at `chunk[n]` (or in an
    /// earlier chunk, with `n = 0`) exceeds the bound.
    fn scan(&mut self, chunk: &[u8]) -> Result<(), usize> {
        if self.in_block + chunk.len() <= self.limit {
            self.skip(chunk);
            Ok(())
        } else {
            self.scan_forward(chunk)
        }
    }

    /// [`Bounded::scan`] for a chunk that cannot take the block over the bound: only where
    /// the last block in it starts matters, and a search from the end finds it, usually
    /// within the last event, instead of visiting every line end. (Visiting them all cost
    /// about 10% of the parsing time in the benchmark.)
    fn skip(&mut self, chunk: &[u8]) {
        let Some(&last) = chunk.last() else {
            return;
        };
        let mut block_start = None;
        for at in memchr::memrchr2_iter(b'\n', b'\r', chunk) {
            // Whether the byte before ended a line, and was `\r`.
            let (after_line_end, after_cr) = match at.checked_sub(1) {
                Some(before) => (matches!(chunk[before], b'\n' | b'\r'), chunk[before] == b'\r'),
                None => (self.at_line_start, self.after_cr),
            };
            let continues_crlf = after_cr && chunk[at] == b'\n';
            if after_line_end && !continues_crlf {
                block_start = Some(at + 1);
                break;
            }
        }
        self.in_block = match block_start {
            Some(start) => chunk.len() - start,
            None => self.in_block + chunk.len(),
        };
        self.at_line_start = matches!(last, b'\n' | b'\r');
        self.after_cr = last == b'\r';
    }

    /// [`Bounded::scan`] visiting every line end, to find the block that crosses the bound.
    fn scan_forward(&mut self, chunk: &[u8]) -> Result<(), usize> {
        let mut block_start = 0;
        let mut next = 0;
        for at in memchr::memchr2_iter(b'\n', b'\r', chunk) {
            if at > next {
                self.at_line_start = false;
                self.after_cr = false;
            }
            next = at + 1;
            let byte = chunk[at];
            if byte == b'\n' && self.after_cr {
                self.after_cr = false;
                continue;
            }
            if self.at_line_start {
                // An empty line: the block ends here.
                if self.in_block + (next - block_start) > self.limit {
                    return Err(block_start);
                }
                self.in_block = 0;
                block_start = next;
            }
            self.at_line_start = true;
            self.after_cr = byte == b'\r';
        }
        if chunk.len() > next {
            self.at_line_start = false;
            self.after_cr = false;
        }
        self.in_block += chunk.len() - block_start;
        if self.in_block > self.limit {
            return Err(block_start);
        }
        Ok(())
    }
}

impl Stream for Bounded {
    type Item = Result<Bytes, BodyFailure>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(failure) = this.failed.take() {
            this.done = true;
            return Poll::Ready(Some(Err(failure)));
        }
        if this.done {
            return Poll::Ready(None);
        }
        match ready!(this.body.as_mut().poll_next(cx)) {
            Some(Ok(chunk)) => match this.scan(&chunk) {
                Ok(()) => Poll::Ready(Some(Ok(chunk))),
                Err(complete) => {
                    let failure = BodyFailure::TooLarge { limit: this.limit };
                    if complete == 0 {
                        this.done = true;
                        Poll::Ready(Some(Err(failure)))
                    } else {
                        // The events before the oversized one are whole: deliver them.
                        this.failed = Some(failure);
                        Poll::Ready(Some(Ok(chunk.slice(..complete))))
                    }
                }
            },
            Some(Err(source)) => {
                this.done = true;
                Poll::Ready(Some(Err(BodyFailure::Transport(source))))
            }
            None => {
                this.done = true;
                Poll::Ready(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(limit: usize, chunks: &[&[u8]]) -> Result<(), (usize, usize)> {
        let body = ByteStream::new(Box::pin(futures_util::stream::empty()));
        let mut bounded = Bounded::new(body, limit);
        for (index, chunk) in chunks.iter().enumerate() {
            bounded.scan(chunk).map_err(|at| (index, at))?;
        }
        Ok(())
    }

    #[test]
    fn blocks_at_the_limit_pass_and_one_byte_more_fails() {
        // "data: abc\n\n" is 11 bytes.
        assert_eq!(scan_all(11, &[b"data: abc\n\ndata: abc\n\n"]), Ok(()));
        assert_eq!(scan_all(10, &[b"data: abc\n\n"]), Err((0, 0)));
        assert_eq!(scan_all(11, &[b"data: abc\n\ndata: abcd\n\n"]), Err((0, 11)));
    }

    #[test]
    fn every_line_end_style_ends_a_block_even_across_chunks() {
        for text in [
            &b"data: 1234\r\n\r\n"[..],
            b"data: 1234\r\r",
            b"data: 1234\n\r\n",
            b"data: 1234\r\n\n",
        ] {
            let mut twice = text.to_vec();
            twice.extend_from_slice(text);
            assert_eq!(scan_all(text.len(), &[&twice]), Ok(()), "{text:?}");
            // Split at every position: the same verdict.
            for cut in 0..twice.len() {
                let (a, b) = twice.split_at(cut);
                assert_eq!(scan_all(text.len(), &[a, b]), Ok(()), "{text:?} cut at {cut}");
            }
        }
        // A single CRLF is one line end, not an empty line.
        assert_eq!(scan_all(8, &[b"data: 1\r", b"\ndata: 2\r\n\r\n"]), Err((1, 0)));
    }

    #[test]
    fn the_search_from_the_end_agrees_with_the_full_scan() {
        let texts: [&[u8]; 6] = [
            b"event: a\ndata: 1\n\ndata: 2\r\n\r\n: c\r\rdata: 3\n\r\ndata: 4",
            b"\r\n\r\n\n\r\r\n\ndata: x\r",
            b"data: 1\r\ndata: 2\r\n",
            b"\n",
            b"data: no line end at all",
            b"data: a\r\n\ndata: b\n\r",
        ];
        for text in texts {
            for cut in 0..=text.len() {
                for second_cut in cut..=text.len() {
                    let pieces = [&text[..cut], &text[cut..second_cut], &text[second_cut..]];
                    let body = || ByteStream::new(Box::pin(futures_util::stream::empty()));
                    let (mut fast, mut full) = (Bounded::new(body(), usize::MAX / 2), Bounded::new(body(), 0));
                    full.limit = usize::MAX / 2;
                    for piece in pieces {
                        fast.skip(piece);
                        full.scan_forward(piece).expect("no bound");
                        let state = |b: &Bounded| (b.in_block, b.at_line_start, b.after_cr);
                        assert_eq!(state(&fast), state(&full), "{text:?} cut at {cut} and {second_cut}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_block_growing_over_chunks_fails_in_the_chunk_that_crosses() {
        let line = [b'x'; 100];
        let mut chunks: Vec<&[u8]> = vec![b"data: "];
        chunks.extend(std::iter::repeat_n(&line[..], 10));
        assert_eq!(scan_all(1000, &chunks), Err((10, 0)));
        assert_eq!(scan_all(1006, &chunks), Ok(()));
    }
}
