//! Routes every operation through a hand-written runtime module.
//!
//! progenitor's `send` makes one attempt and returns progenitor's error. A client crate that
//! ships a runtime (retries, typed errors naming the operation) gets, for each builder:
//!
//! ```text
//! async fn send_once(self) -> Result<ResponseValue<T>, Error<E>>        // progenitor's, renamed
//! pub async fn send(self) -> Result<ResponseValue<T>, RUNTIME::Error<E>> {
//!     RUNTIME::send(self.client, "operation_id", move || self.clone().send_once()).await
//! }
//! ```
//!
//! so each attempt rebuilds the request from the builder, bodies included. The runtime
//! module must provide `ClientConfig` (the client's inner state), `Error<E>`, the `send`
//! function above, and `impl ClientHooks<ClientConfig> for Client`. progenitor's
//! `Client::new` (which unwraps the reqwest builder) and `Client::new_with_client` are
//! removed: the runtime provides the constructors. Documented error statuses without a body
//! schema are returned as unexpected responses, so the runtime can keep their raw body.

use super::{builder_impls, internal, self_type_name};
use crate::error::Result;

pub fn apply(file: &mut syn::File, runtime: &str) -> Result<()> {
    let runtime: syn::Path =
        syn::parse_str(runtime).map_err(|e| internal(&format!("runtime path `{runtime}` is not a path: {e}")))?;
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
        once.sig.ident = syn::parse_quote!(send_once);
        once.vis = syn::Visibility::Inherited;
        once.attrs.retain(|a| !a.path().is_ident("doc"));
        let wrapper: syn::ImplItem = syn::parse_quote! {
            #(#docs)*
            ///
            /// Failed attempts are retried as the client's [`RetryPolicy`](crate::RetryPolicy)
            /// says, each one sending the whole request again.
            pub async fn send(self) -> Result<#success, #runtime::Error<#error_body>> {
                let client = self.client;
                #runtime::send(client, #operation_id, move || self.clone().send_once()).await
            }
        };
        implementation.items.insert(index + 1, wrapper);
    }
    remove_client_constructors(file);
    Ok(())
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
fn operation_id(send: &syn::ImplItemFn) -> Option<syn::LitStr> {
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
