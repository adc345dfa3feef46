//! Path parameters that cannot change the request's path.
//!
//! progenitor percent-encodes path parameters, so `/`, `?` and `#` inside a value travel as
//! `%2F`, `%3F` and `%23`. What encoding cannot neutralize is a whole segment of `.` or `..`
//! (URL parsers resolve those, and `%2E%2E` too) or an empty one: `qualifiedName = ".."`
//! would turn `/servers/../deployments` into `/deployments`. Such values are refused before
//! anything is sent.

use heck::ToPascalCase;
use openapiv3::ReferenceOr;

use super::{builder_impls, internal, self_type_name};
use crate::error::Result;

/// Inserts the check into the `send` of every operation with path parameters.
pub fn apply(api: &openapiv3::OpenAPI, file: &mut syn::File) -> Result<()> {
    // Builder name → its path parameters; a map, since large documents have thousands.
    let mut checked: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for (_, item) in api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let mut names: Vec<String> = item
                .parameters
                .iter()
                .chain(operation.parameters.iter())
                .filter_map(|p| crate::validate::parameter(api, p))
                .filter(|p| matches!(p, openapiv3::Parameter::Path { .. }))
                .map(|p| p.parameter_data_ref().name.clone())
                .collect();
            names.sort();
            names.dedup();
            if let (Some(id), false) = (&operation.operation_id, names.is_empty()) {
                checked.insert(id.to_pascal_case(), names);
            }
        }
    }
    if checked.is_empty() {
        return Ok(());
    }
    for implementation in builder_impls(file) {
        let Some(builder) = self_type_name(implementation) else {
            continue;
        };
        let Some(names) = checked.get(&builder) else {
            continue;
        };
        let send = implementation
            .items
            .iter_mut()
            .find_map(|item| match item {
                syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
                _ => None,
            })
            .ok_or_else(|| internal(&format!("builder `{builder}` has no `send`")))?;
        let position = send
            .block
            .stmts
            .iter()
            .position(
                |stmt| matches!(stmt, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(i) if i.ident == "url")),
            )
            .ok_or_else(|| internal(&format!("`send` of `{builder}` builds no `url`")))?;
        let checks: Vec<syn::Stmt> = names
            .iter()
            .map(|name| {
                let ident = super::multipart::field_ident(name);
                syn::parse_quote! {
                    super::check_path_segment(#name, &#ident.to_string()).map_err(Error::InvalidRequest)?;
                }
            })
            .collect();
        send.block.stmts.splice(position..position, checks);
    }
    file.items.push(syn::parse_quote! {
        /// Refuses a path parameter value that would change the request's path: an empty
        /// segment, `.` or `..`. Everything else is percent-encoded and stays one segment.
        fn check_path_segment(name: &str, value: &str) -> ::std::result::Result<(), ::std::string::String> {
            match value {
                "" => Err(format!("path parameter `{}` must not be empty", name)),
                "." | ".." => Err(format!("path parameter `{}` must not be `{}`: it would change the request path", name, value)),
                _ => Ok(()),
            }
        }
    });
    Ok(())
}
