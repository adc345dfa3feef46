//! Stage 5: progenitor turns the validated document into Rust tokens.
//!
//! Operations progenitor cannot express (today: `multipart/form-data` bodies) are handed to
//! it without their body and completed by [`crate::extend`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;

use crate::error::{Error, Result, Stage};
use crate::pointer;

/// The request body media type progenitor has no support for and `extend` implements.
pub const MULTIPART: &str = "multipart/form-data";

/// Runs progenitor. A panic or refusal inside it is reported as an error naming the
/// operation that caused it, because a generator pointed at third-party specs must fail
/// with a message, not a backtrace.
pub fn generate(name: &str, api: &openapiv3::OpenAPI, extend: &crate::extend::Settings) -> Result<TokenStream> {
    let mut api = api.clone();
    strip_multipart_bodies(&mut api);
    let settings = settings(extend)?;
    match run_progenitor(&api, &settings) {
        Ok(tokens) => Ok(tokens),
        Err(failure) => Err(blame(name, &api, &settings, failure)),
    }
}

/// Why progenitor gave up: it returned an error, or it panicked.
#[derive(Debug)]
enum Failure {
    Refused(String),
    Panicked(String),
}

fn settings(extend: &crate::extend::Settings) -> Result<progenitor::GenerationSettings> {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Separate)
        .with_derive("PartialEq");
    if let Some(runtime) = &extend.runtime {
        // The runtime keeps the client's configuration as progenitor's "inner" value and
        // must implement the hooks (auth, timeouts); see `extend::runtime`.
        let runtime: syn::Path = syn::parse_str(runtime).map_err(|e| {
            Error::new(
                Stage::Generate,
                None,
                format!("runtime path `{runtime}` is not a Rust path: {e}"),
            )
        })?;
        settings
            .with_inner_type(quote::quote!(#runtime::ClientConfig))
            .with_hooks(progenitor::HooksMode::Expected);
    }
    Ok(settings)
}

fn run_progenitor(
    api: &openapiv3::OpenAPI,
    settings: &progenitor::GenerationSettings,
) -> std::result::Result<TokenStream, Failure> {
    let mut generator = progenitor::Generator::new(settings);
    match catch_quietly(|| generator.generate_tokens(api)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(Failure::Refused(e.to_string())),
        Err(message) => Err(Failure::Panicked(message)),
    }
}

/// Finds the operation progenitor fails on: the shortest prefix of the operations (in the
/// order progenitor visits them) that still fails ends with it. Only failing runs pay for
/// the search, a logarithmic number of extra runs.
fn blame(name: &str, api: &openapiv3::OpenAPI, settings: &progenitor::GenerationSettings, failure: Failure) -> Error {
    let operations: Vec<(String, String)> = api
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| item.iter().map(move |(method, _)| (path.clone(), method.to_owned())))
        .collect();
    let fails = |count: usize| run_progenitor(&first_operations(api, &operations[..count]), settings).err();
    let (at, what, failure) = match fails(0) {
        Some(alone) => (
            "/components/schemas".to_owned(),
            "the component schemas".to_owned(),
            alone,
        ),
        None => {
            // fails(0) is false and fails(len) true: keep that invariant while halving.
            let (mut good, mut bad) = (0, operations.len());
            let mut last = failure;
            while bad - good > 1 {
                let middle = good + (bad - good) / 2;
                match fails(middle) {
                    Some(f) => {
                        bad = middle;
                        last = f;
                    }
                    None => good = middle,
                }
            }
            match operations.get(bad.saturating_sub(1)) {
                Some((path, method)) => {
                    let id = api
                        .paths
                        .paths
                        .get(path)
                        .and_then(|item| item.as_item())
                        .and_then(|item| item.iter().find(|(m, _)| m == method))
                        .and_then(|(_, op)| op.operation_id.clone())
                        .unwrap_or_default();
                    (
                        pointer::join(&pointer::join("/paths", path), method),
                        format!("operation `{id}`"),
                        last,
                    )
                }
                None => (String::new(), "the document".to_owned(), last),
            }
        }
    };
    let reason = match failure {
        Failure::Refused(why) => format!("progenitor cannot generate {what}: {why}"),
        Failure::Panicked(why) => format!(
            "internal error: progenitor panicked while generating {what}: {why}. Please report this with the spec that caused it."
        ),
    };
    Error::at(Stage::Generate, name, at, reason)
}

/// `api` with only the given operations (and every component).
fn first_operations(api: &openapiv3::OpenAPI, keep: &[(String, String)]) -> openapiv3::OpenAPI {
    let mut api = api.clone();
    for (path, item) in api.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        let slots = crate::validate::operation_slots(item);
        for (method, slot) in slots {
            if !keep.iter().any(|(p, m)| p == path && m == method) {
                *slot = None;
            }
        }
    }
    api
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into its message. While it runs, the panic hook stays silent
/// on this thread: the panic is reported as an error, and a backtrace on stderr beside it
/// would read as a crash. Other threads' panics are printed as before.
pub fn catch_quietly<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)")
            .to_owned()
    })
}

/// Removes multipart request bodies so that progenitor generates the rest of the operation.
pub fn strip_multipart_bodies(api: &mut openapiv3::OpenAPI) {
    for (_, item) in api.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for operation in crate::validate::operation_slots(item)
            .into_iter()
            .filter_map(|(_, slot)| slot.as_mut())
        {
            let is_multipart = matches!(
                &operation.request_body,
                Some(openapiv3::ReferenceOr::Item(body)) if body.content.contains_key(MULTIPART)
            );
            if is_multipart {
                operation.request_body = None;
            }
        }
    }
}
