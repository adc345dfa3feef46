//! Turns a streamed response into what the generated `send` returns: a [`Download`] for a
//! binary body, an [`EventStream`] for server-sent events. Nothing of the body is read here.

use progenitor_client::{ByteStream, ResponseValue};
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde::de::DeserializeOwned;

use super::ClientConfig;
use super::download::Download;
use super::sse::EventStream;

/// A binary body, with the `Content-Type` and `Content-Length` the server sent.
pub fn download(response: ResponseValue<ByteStream>) -> ResponseValue<Download> {
    let (status, headers) = (response.status(), response.headers().clone());
    let content_length = response.content_length();
    let download = Download::new(response.into_inner(), content_type(&headers), content_length);
    ResponseValue::new(download, status, headers)
}

/// Events whose data is JSON of type `T`, each at most the client's
/// [`ClientBuilder::max_event_bytes`](super::ClientBuilder::max_event_bytes).
pub fn events<T: DeserializeOwned>(
    config: &ClientConfig,
    response: ResponseValue<ByteStream>,
) -> ResponseValue<EventStream<T>> {
    let (status, headers) = (response.status(), response.headers().clone());
    ResponseValue::new(
        EventStream::new(response.into_inner(), config.max_event_bytes),
        status,
        headers,
    )
}

/// Events whose data is plain text.
pub fn text_events(config: &ClientConfig, response: ResponseValue<ByteStream>) -> ResponseValue<EventStream<String>> {
    let (status, headers) = (response.status(), response.headers().clone());
    ResponseValue::new(
        EventStream::raw(response.into_inner(), config.max_event_bytes),
        status,
        headers,
    )
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers.get(CONTENT_TYPE)?.to_str().ok().map(str::to_owned)
}
