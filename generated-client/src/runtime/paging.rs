//! Item streams over paged list operations. The generator emits, for each operation with an
//! `x-pagination` hint, an `into_stream()` that calls one of the two functions here with how
//! to request a page and how to split a response into items and what comes next.
//!
//! One page is resident at a time: the next page is requested only once every item of the
//! current one has been taken from the stream.

use std::future::Future;
use std::pin::Pin;

use futures_util::Stream;
use progenitor_client::ResponseValue;

use super::Error;

/// The stream an `into_stream()` returns: the items of every page, in order. After an error
/// the stream ends.
pub type ItemStream<'a, T, E> = Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send + 'a>>;

/// Page-number paging, as the official SDK walks it: the first request goes exactly as the
/// caller built it (with their page number, or none, which a server may read differently
/// from `page=1`), each next one with the following number (`start` + 1, + 2, ..., where
/// `start` is the caller's page or 1), until a page has no items or, when the response says
/// how many pages there are, until the last one. `send` gets `None` for the first request.
pub fn page_numbers<'a, B, R, T, E, S, Fut>(
    request: B,
    start: Option<u64>,
    send: S,
    split: fn(R) -> (Vec<T>, Option<f64>),
) -> ItemStream<'a, T, E>
where
    B: Clone + Send + 'a,
    R: 'a,
    T: Send + 'a,
    E: Send + 'a,
    S: Fn(B, Option<u64>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + Send + 'a,
{
    let start = start.unwrap_or(1);
    pages(request, None, send, move |response, page: &Option<u64>| {
        let page = page.unwrap_or(start);
        let (items, total_pages) = split(response);
        let last = items.is_empty() || total_pages.is_some_and(|total| !total.is_finite() || page as f64 >= total);
        (items, (!last).then_some(Some(page + 1)))
    })
}

/// The page number a builder's page field holds, if the caller set a valid one: where an
/// item stream starts counting.
pub trait StartPage {
    /// The page number, `None` when unset or invalid (the request then fails as built).
    fn start_page(&self) -> Option<u64>;
}

impl<P: Count> StartPage for Result<Option<P>, String> {
    fn start_page(&self) -> Option<u64> {
        self.as_ref().ok()?.as_ref().map(|page| page.count() as u64)
    }
}

impl<P: Count> StartPage for Result<P, String> {
    fn start_page(&self) -> Option<u64> {
        self.as_ref().ok().map(|page| page.count() as u64)
    }
}

/// Cursor paging: the first request without a cursor, each next one with the cursor the
/// previous response gave, until a response gives none (absent, `null` or empty).
pub fn cursors<'a, B, R, T, E, S, Fut>(
    request: B,
    send: S,
    split: fn(R) -> (Vec<T>, Option<String>),
) -> ItemStream<'a, T, E>
where
    B: Clone + Send + 'a,
    R: 'a,
    T: Send + 'a,
    E: Send + 'a,
    S: Fn(B, Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + Send + 'a,
{
    pages(request, None, send, move |response, _| {
        let (items, next) = split(response);
        (items, next.filter(|cursor| !cursor.is_empty()).map(Some))
    })
}

/// The walk both styles share: request the page `key` names, hand its items out one by one,
/// and ask `next` for the key of the following page (`None`: this was the last).
fn pages<'a, B, R, T, E, K, S, N, Fut>(request: B, first: K, send: S, next: N) -> ItemStream<'a, T, E>
where
    B: Clone + Send + 'a,
    R: 'a,
    T: Send + 'a,
    E: Send + 'a,
    K: Clone + Send + 'a,
    S: Fn(B, K) -> Fut + Send + 'a,
    N: Fn(R, &K) -> (Vec<T>, Option<K>) + Send + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + Send + 'a,
{
    struct State<B, T, K, S, N> {
        request: B,
        send: S,
        next: N,
        key: Option<K>,
        current: std::vec::IntoIter<T>,
    }
    let state = State {
        request,
        send,
        next,
        key: Some(first),
        current: Vec::new().into_iter(),
    };
    Box::pin(futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.current.next() {
                return Some((Ok(item), state));
            }
            let key = state.key.take()?;
            match (state.send)(state.request.clone(), key.clone()).await {
                // `key` stays `None`: an error ends the stream after it is yielded.
                Err(error) => return Some((Err(error), state)),
                Ok(response) => {
                    let (items, following) = (state.next)(response.into_inner(), &key);
                    state.key = following;
                    state.current = items.into_iter();
                }
            }
        }
    }))
}

/// A page's items field, required or optional (absent counts as no items).
pub trait Items<T> {
    /// The items, empty when the field was absent.
    fn into_items(self) -> Vec<T>;
}

impl<T> Items<T> for Vec<T> {
    fn into_items(self) -> Vec<T> {
        self
    }
}

impl<T> Items<T> for Option<Vec<T>> {
    fn into_items(self) -> Vec<T> {
        self.unwrap_or_default()
    }
}

/// A next-cursor field, required or optional.
pub trait Cursor {
    /// The cursor, `None` when the field was absent.
    fn into_cursor(self) -> Option<String>;
}

impl Cursor for String {
    fn into_cursor(self) -> Option<String> {
        Some(self)
    }
}

impl Cursor for Option<String> {
    fn into_cursor(self) -> Option<String> {
        self
    }
}

/// A page-count field, whatever number type the schema gave it.
pub trait Count {
    /// The count as a float, which holds every count a page reports.
    fn count(&self) -> f64;
}

macro_rules! counts {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn count(&self) -> f64 {
                *self as f64
            }
        }
    )*};
}

counts!(f64, f32, i64, i32, u64, u32);

impl Count for std::num::NonZeroU64 {
    fn count(&self) -> f64 {
        self.get() as f64
    }
}

impl Count for std::num::NonZeroU32 {
    fn count(&self) -> f64 {
        self.get() as f64
    }
}
