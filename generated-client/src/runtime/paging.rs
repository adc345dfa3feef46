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

/// Page-number paging: pages 1, 2, 3, ... until a page has no items or, when the response
/// says how many pages there are, until the last one.
pub fn page_numbers<'a, B, R, T, E, S, Fut>(
    request: B,
    send: S,
    split: fn(R) -> (Vec<T>, Option<f64>),
) -> ItemStream<'a, T, E>
where
    B: Clone + Send + 'a,
    R: 'a,
    T: Send + 'a,
    E: Send + 'a,
    S: Fn(B, u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + Send + 'a,
{
    struct State<B, T, S> {
        request: B,
        send: S,
        next_page: u64,
        current: std::vec::IntoIter<T>,
        finished: bool,
    }
    let state = State {
        request,
        send,
        next_page: 1,
        current: Vec::new().into_iter(),
        finished: false,
    };
    Box::pin(futures_util::stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.current.next() {
                return Some((Ok(item), state));
            }
            if state.finished {
                return None;
            }
            match (state.send)(state.request.clone(), state.next_page).await {
                Err(error) => {
                    state.finished = true;
                    return Some((Err(error), state));
                }
                Ok(response) => {
                    let (items, total_pages) = split(response.into_inner());
                    state.finished = items.is_empty()
                        || total_pages.is_some_and(|total| !total.is_finite() || state.next_page as f64 >= total);
                    state.next_page += 1;
                    state.current = items.into_iter();
                }
            }
        }
    }))
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
    struct State<B, T, S> {
        request: B,
        send: S,
        cursor: Option<String>,
        current: std::vec::IntoIter<T>,
        finished: bool,
    }
    let state = State {
        request,
        send,
        cursor: None,
        current: Vec::new().into_iter(),
        finished: false,
    };
    Box::pin(futures_util::stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.current.next() {
                return Some((Ok(item), state));
            }
            if state.finished {
                return None;
            }
            match (state.send)(state.request.clone(), state.cursor.take()).await {
                Err(error) => {
                    state.finished = true;
                    return Some((Err(error), state));
                }
                Ok(response) => {
                    let (items, next) = split(response.into_inner());
                    state.cursor = next.filter(|cursor| !cursor.is_empty());
                    state.finished = state.cursor.is_none();
                    state.current = items.into_iter();
                }
            }
        }
    }))
}

/// A page's items field, required or optional (absent counts as no items).
pub trait Items<T> {
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
