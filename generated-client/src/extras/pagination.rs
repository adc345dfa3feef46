//! Every server, across pages, as a stream.

use std::num::NonZeroU64;

use futures_util::Stream;

use crate::Error;
use crate::builder::List;
use crate::types::{RegistryError, ServerSummary};

impl<'a> List<'a> {
    /// Streams the servers of every page, fetching each page only when the previous one has
    /// been consumed and holding one page in memory at a time. It stops after the page the
    /// response calls the last (`pagination.totalPages`), or at the first empty page.
    ///
    /// Filters (`q`) and `page_size` set on the builder apply to every page; the stream
    /// starts at page 1 whatever `page` says.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// use smithery_registry::prelude::*;
    ///
    /// # async fn run(client: Client) -> Result<(), smithery_registry::Error<smithery_registry::types::RegistryError>> {
    /// let mut servers = std::pin::pin!(client.list().q("is:verified").page_size(100).into_stream());
    /// while let Some(server) = servers.try_next().await? {
    ///     println!("{}", server.qualified_name);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_stream(self) -> impl Stream<Item = Result<ServerSummary, Error<RegistryError>>> + 'a {
        struct State<'a> {
            request: List<'a>,
            next_page: u64,
            current: std::vec::IntoIter<ServerSummary>,
            finished: bool,
        }
        let state = State {
            request: self,
            next_page: 1,
            current: Vec::new().into_iter(),
            finished: false,
        };
        futures_util::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(server) = state.current.next() {
                    return Some((Ok(server), state));
                }
                if state.finished {
                    return None;
                }
                let page = NonZeroU64::new(state.next_page)?;
                match state.request.clone().page(page).send().await {
                    Err(error) => {
                        state.finished = true;
                        return Some((Err(error), state));
                    }
                    Ok(response) => {
                        let response = response.into_inner();
                        let total_pages = response.pagination.total_pages;
                        state.finished = response.servers.is_empty()
                            || !total_pages.is_finite()
                            || state.next_page as f64 >= total_pages;
                        state.next_page += 1;
                        state.current = response.servers.into_iter();
                    }
                }
            }
        })
    }
}
