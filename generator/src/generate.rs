//! Stage 5: progenitor turns the validated document into Rust tokens.
//!
//! Operations progenitor cannot express (today: `multipart/form-data` bodies) are handed to
//! it without their body and completed by [`crate::extend`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;

use crate::error::{Error, Result, Stage};

/// The request body media type progenitor has no support for and `extend` implements.
pub const MULTIPART: &str = "multipart/form-data";

/// Runs progenitor. A panic inside it is caught and reported as an internal error, because a
/// generator pointed at third-party specs must fail with a message, not a backtrace.
pub fn generate(name: &str, api: &openapiv3::OpenAPI, extend: &crate::extend::Settings) -> Result<TokenStream> {
    let mut api = api.clone();
    strip_multipart_bodies(&mut api);
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
    let mut generator = progenitor::Generator::new(&settings);
    match catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&api))) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(Error::at(
            Stage::Generate,
            name,
            "",
            format!("progenitor refused the document: {e}"),
        )),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            Err(Error::at(
                Stage::Generate,
                name,
                "",
                format!(
                    "internal error: progenitor panicked: {message}. Please report this with the spec that caused it."
                ),
            ))
        }
    }
}

/// Removes multipart request bodies so that progenitor generates the rest of the operation.
fn strip_multipart_bodies(api: &mut openapiv3::OpenAPI) {
    for (_, item) in api.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
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
