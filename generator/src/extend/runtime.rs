//! Routes every operation through a hand-written runtime module.
//!
//! progenitor's `send` makes one attempt and returns progenitor's error. A client crate that
//! ships a runtime (retries, typed errors naming the operation) gets, for each builder:
//!
//! ```text
//! async fn send_once(self) -> Result<ResponseValue<T>, Error<E>>        // progenitor's, renamed
//! pub fn send(self) -> impl Future<Output = Result<ResponseValue<T>, RUNTIME::Error<E>>> {
//!     RUNTIME::send(&self.client.inner, "operation_id", RUNTIME::json_path::<T>,
//!                   move || self.clone().send_once())
//! }
//! ```
//!
//! so each attempt rebuilds the request from the builder, bodies included. Documented error
//! statuses without a body schema are returned as unexpected responses, so the runtime can
//! keep their raw body.
//!
//! The crate-level glue is generated too, so that the runtime names no type of one API and
//! one runtime can serve several generated modules: `ClientHooks` for `Client` (delegating to
//! `RUNTIME::pre` and `RUNTIME::exec`), `RUNTIME::ApiClient` for `Client` with the API's
//! server groups (`SERVERS`), and `Client`'s constructors and per-call copies (`builder`,
//! `new`, `from_env`, `with_base_url`, `with_server_url`, `with_timeout`, `with_retry`).
//! progenitor's `Client::new` (which unwraps the reqwest builder) and
//! `Client::new_with_client` are removed.
//!
//! The runtime module must provide: `ClientConfig` (with `server_url(usize)` and
//! `with_server_url`, `with_timeout`, `with_retry`, `with_header`), `ClientBuilder<C>` (with
//! `from_env_with_token`), `BearerToken`, `BuildError`, `RetryPolicy`, `ServerGroup`,
//! `Profile` (with `Profile::DEFAULT`), `ApiClient`, `Error<E>`, `ErrorBody`, and the
//! functions `send`, `pre`, `exec`, `json_response`, `json_path`, `no_path`. The client's `ApiClient::PROFILE`
//! is the path `Settings::profile` names, else `Profile::DEFAULT`.

use super::servers::Groups;
use super::{builder_impls, internal, self_type_name};
use crate::error::Result;

pub fn apply(file: &mut syn::File, runtime: &str, profile: Option<&str>, servers: &Groups) -> Result<()> {
    let runtime: syn::Path =
        syn::parse_str(runtime).map_err(|e| internal(&format!("runtime path `{runtime}` is not a path: {e}")))?;
    // The prelude brings the stream traits the runtime's streams are read with, unnamed:
    // `.try_next()` works after `use prelude::*`, and a user's own import does not clash.
    for item in &mut file.items {
        if let syn::Item::Mod(module) = item
            && module.ident == "prelude"
            && let Some((_, items)) = &mut module.content
        {
            items.push(syn::parse_quote!(pub use #runtime::{StreamExt as _, TryStreamExt as _};));
        }
    }
    for implementation in builder_impls(file) {
        let builder = self_type_name(implementation).unwrap_or_default();
        let Some(index) = implementation
            .items
            .iter()
            .position(|item| matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let syn::ImplItem::Fn(once) = &mut implementation.items[index] else {
            continue;
        };
        let docs: Vec<syn::Attribute> = once
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect();
        let syn::ReturnType::Type(_, output) = &once.sig.output else {
            return Err(internal(&format!("`send` of `{builder}` returns nothing")));
        };
        let (success, error_body) = result_parts(output).ok_or_else(|| {
            internal(&format!(
                "`send` of `{builder}` does not return `Result<ResponseValue<T>, Error<E>>`"
            ))
        })?;
        let operation_id =
            operation_id(once).ok_or_else(|| internal(&format!("`send` of `{builder}` names no operation")))?;
        syn::visit_mut::VisitMut::visit_block_mut(&mut BodilessErrorsAsStatus, &mut once.block);
        syn::visit_mut::VisitMut::visit_block_mut(&mut JsonResponses(&runtime), &mut once.block);
        once.sig.ident = syn::parse_quote!(send_once);
        once.vis = syn::Visibility::Inherited;
        once.attrs.retain(|a| !a.path().is_ident("doc"));
        let success_path = match response_type(&success) {
            Some(body) if !is_byte_stream(&body) => quote::quote!(#runtime::json_path::<#body>),
            _ => quote::quote!(#runtime::no_path),
        };
        let wrapper: syn::ImplItem = syn::parse_quote! {
            #(#docs)*
            ///
            /// Failed attempts are retried as the client's retry policy says, each one
            /// sending the whole request again.
            pub fn send(self) -> impl ::std::future::Future<Output = Result<#success, #runtime::Error<#error_body>>> {
                let config = &self.client.inner;
                #runtime::send(config, #operation_id, #success_path, move || self.clone().send_once())
            }
        };
        implementation.items.insert(index + 1, wrapper);
    }
    remove_client_constructors(file);
    let profile: syn::Expr = match profile {
        Some(path) => {
            let path: syn::Path =
                syn::parse_str(path).map_err(|e| internal(&format!("profile path `{path}` is not a path: {e}")))?;
            syn::parse_quote!(&#path)
        }
        None => syn::parse_quote!(&#runtime::Profile::DEFAULT),
    };
    file.items.extend(glue(&runtime, &profile, servers));
    Ok(())
}

/// `ResponseValue<T>` → `T`.
pub(crate) fn response_type(success: &syn::Type) -> Option<syn::Type> {
    if !super::is_named(success, "ResponseValue") {
        return None;
    }
    super::type_arguments(success).into_iter().next()
}

fn is_byte_stream(body: &syn::Type) -> bool {
    super::is_named(body, "ByteStream")
}

/// The crate-level items that connect the generated `Client` to the runtime.
fn glue(runtime: &syn::Path, profile: &syn::Expr, servers: &Groups) -> Vec<syn::Item> {
    let groups = servers.groups.iter().map(|g| {
        let (name, url) = (&g.name, &g.url);
        quote::quote!(#runtime::ServerGroup { name: #name, url: #url })
    });
    let table: String = servers
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let role = if i == 0 { " (the default)" } else { "" };
            format!("\n- `{}`{role}: `{}`", g.name, g.url)
        })
        .collect();
    let servers_doc = format!(
        "The API's base URL groups, from the spec's `servers`:{table}\n\nChange one with `ClientBuilder::server_url` or, per call, `Client::with_server_url`."
    );
    let default_url = servers.groups.first().map(|g| g.url.clone()).unwrap_or_default();
    let file: syn::File = syn::parse_quote! {
        #[doc = #servers_doc]
        pub const SERVERS: &[#runtime::ServerGroup] = &[#(#groups),*];

        /// The default server group's URL, as the spec gives it.
        pub const DEFAULT_BASE_URL: &str = #default_url;

        impl ClientHooks<#runtime::ClientConfig> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> std::result::Result<(), Error<E>> {
                #runtime::pre(&self.inner, request, info).await
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                _info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                #runtime::exec(&self.client, request).await
            }
        }

        impl #runtime::ApiClient for Client {
            const SERVERS: &'static [#runtime::ServerGroup] = SERVERS;
            const PROFILE: &'static #runtime::Profile = #profile;

            fn from_parts(client: reqwest::Client, inner: #runtime::ClientConfig) -> Self {
                Self {
                    baseurl: inner.server_url(0).to_owned(),
                    client,
                    inner,
                }
            }
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> #runtime::ClientBuilder<Self> {
                #runtime::ClientBuilder::default()
            }

            /// A client for the API's default servers, authenticating with `token`.
            pub fn new(token: impl Into<#runtime::BearerToken>) -> std::result::Result<Self, #runtime::BuildError> {
                Self::builder().bearer_token(token).build()
            }

            /// A client configured from the environment: the token (required) and whatever
            /// else the API's profile reads (base URLs, extra headers), see
            /// `ClientBuilder::from_env`.
            pub fn from_env() -> std::result::Result<Self, #runtime::BuildError> {
                Self::builder().from_env_with_token()?.build()
            }

            /// The default server group's base URL.
            pub fn base_url(&self) -> &str {
                &self.baseurl
            }

            /// The base URL of the server group `group` (see [`SERVERS`]).
            pub fn server_url(&self, group: &str) -> Option<&str> {
                self.inner.server_url_named(group)
            }

            /// A copy of this client that sends the default group's operations to `url`: for
            /// one call (`client.with_base_url(url)?.some_operation()...`), or for several.
            pub fn with_base_url(&self, url: &str) -> std::result::Result<Self, #runtime::BuildError> {
                let group = SERVERS.first().map_or("default", |g| g.name);
                self.with_server_url(group, url)
            }

            /// A copy of this client that sends the operations of server group `group` to `url`.
            pub fn with_server_url(&self, group: &str, url: &str) -> std::result::Result<Self, #runtime::BuildError> {
                let inner = self.inner.with_server_url(group, url)?;
                Ok(Self {
                    baseurl: inner.server_url(0).to_owned(),
                    client: self.client.clone(),
                    inner,
                })
            }

            /// A copy of this client whose attempts time out after `timeout` (`None`: never).
            pub fn with_timeout(&self, timeout: impl Into<Option<std::time::Duration>>) -> Self {
                Self {
                    inner: self.inner.with_timeout(timeout.into()),
                    ..self.clone()
                }
            }

            /// A copy of this client whose requests also carry the header `name: value`: for
            /// one call (`client.with_header("x-trace", "1")?.some_operation()...`), or for
            /// several.
            pub fn with_header(&self, name: &str, value: &str) -> std::result::Result<Self, #runtime::BuildError> {
                Ok(Self {
                    inner: self.inner.with_header(name, value)?,
                    ..self.clone()
                })
            }

            /// A copy of this client with another retry policy.
            pub fn with_retry(&self, policy: #runtime::RetryPolicy) -> Self {
                Self {
                    inner: self.inner.with_retry(policy),
                    ..self.clone()
                }
            }
        }
    };
    file.items
}

/// progenitor drops the body of a documented error status that has no schema
/// (`ErrorResponse(ResponseValue::empty(response))`). The runtime reports those as its generic
/// status error, which keeps the raw body: that is where the server says what went wrong.
struct BodilessErrorsAsStatus;

impl syn::visit_mut::VisitMut for BodilessErrorsAsStatus {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let body = quote::ToTokens::to_token_stream(&arm.body).to_string().replace(" ", "");
        let body = body.trim_start_matches('{').trim_end_matches('}');
        if body == "Err(Error::ErrorResponse(ResponseValue::empty(response)))" {
            *arm.body = syn::parse_quote!(Err(Error::UnexpectedResponse(response)));
        }
        syn::visit_mut::visit_arm_mut(self, arm);
    }
}

/// `ResponseValue::from_response(response)` → `RUNTIME::json_response(response)`: the same
/// result, with the response's headers moved into it rather than copied.
struct JsonResponses<'a>(&'a syn::Path);

impl syn::visit_mut::VisitMut for JsonResponses<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if let syn::Expr::Path(function) = &mut *call.func
            && function.path.segments.len() == 2
            && function.path.segments[0].ident == "ResponseValue"
            && function.path.segments[1].ident == "from_response"
        {
            let runtime = self.0;
            function.path = syn::parse_quote!(#runtime::json_response);
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

/// `Result<S, Error<E>>` → (`S`, `E`); `Error` without arguments means `Error<()>`.
fn result_parts(output: &syn::Type) -> Option<(syn::Type, syn::Type)> {
    let syn::Type::Path(path) = output else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    let mut types = arguments.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    });
    let success = types.next()?;
    let syn::Type::Path(error) = types.next()? else {
        return None;
    };
    let error = error.path.segments.last()?;
    if error.ident != "Error" {
        return None;
    }
    let body = match &error.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })?,
        syn::PathArguments::None => syn::parse_quote!(()),
        syn::PathArguments::Parenthesized(_) => return None,
    };
    Some((success, body))
}

/// The `operation_id` in progenitor's `OperationInfo { operation_id: "..." }`.
pub(crate) fn operation_id(send: &syn::ImplItemFn) -> Option<syn::LitStr> {
    struct Find(Option<syn::LitStr>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
            if node.path.is_ident("OperationInfo") {
                for field in &node.fields {
                    if let (
                        syn::Member::Named(name),
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s), ..
                        }),
                    ) = (&field.member, &field.expr)
                        && name == "operation_id"
                    {
                        self.0 = Some(s.clone());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, node);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, &send.block);
    find.0
}

fn remove_client_constructors(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Impl(implementation) = item else {
            continue;
        };
        if implementation.trait_.is_some() || self_type_name(implementation).as_deref() != Some("Client") {
            continue;
        }
        implementation.items.retain(
            |item| !matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "new" || f.sig.ident == "new_with_client"),
        );
    }
    // An `impl Client {}` left empty is noise in the generated file.
    file.items.retain(|item| {
        !matches!(item, syn::Item::Impl(i) if i.trait_.is_none() && i.items.is_empty() && self_type_name(i).as_deref() == Some("Client"))
    });
}
