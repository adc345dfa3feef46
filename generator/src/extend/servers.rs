//! Base URL groups: the document's `servers`, and those a path item or an operation names
//! instead (OpenAPI lets both override the document's list).
//!
//! progenitor gives a client one base URL. Here every distinct server becomes a *group* with a
//! name and a default URL; the runtime keeps one URL per group (settable on the builder and
//! per call), and each operation whose spec names another server than the document's is
//! rewritten to read its group's URL instead of the client's base URL.
//!
//! Naming, in order: the server's `x-server-group` extension (an overlay can set it), else the
//! URL's host with every character other than a letter or digit turned into `_`
//! (`https://smithery.run` → `smithery_run`). The document's first server is group 0, the
//! default; the others follow in the order their paths appear. Only the first server of a
//! list is used: the others are alternatives the caller can choose by setting the group's URL.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, Server};
use proc_macro2::{TokenStream, TokenTree};

use super::{builder_impls, internal};
use crate::error::{Error, Result, Stage};
use crate::pointer;
use crate::warning::Warning;

/// The extension naming a server's group.
pub const GROUP_EXTENSION: &str = "x-server-group";

/// One base URL group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    /// The URL with server variables replaced by their defaults.
    pub url: String,
}

/// Every group, and which operations (by operationId) use a group other than the default.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    pub groups: Vec<Group>,
    pub operations: BTreeMap<String, usize>,
}

impl Groups {
    /// Reads the groups from `api`. A server whose URL cannot be made absolute, or two
    /// servers claiming one group name with different URLs, are errors naming the server.
    pub fn read(name: &str, api: &OpenAPI) -> Result<Self> {
        let mut groups = Groups::default();
        match api.servers.first() {
            Some(server) => {
                let group = group(name, server, "/servers/0", false)?;
                groups.groups.push(group);
            }
            None => groups.groups.push(Group {
                name: "default".to_owned(),
                url: String::new(),
            }),
        }
        // Every server that fails is reported at once, so that each can be given up in one
        // step (see `crate::degrade`).
        let mut errors = Vec::new();
        for (path, item) in &api.paths.paths {
            let ReferenceOr::Item(item) = item else { continue };
            let item_at = pointer::join("/paths", path);
            let shared = match item.servers.first() {
                Some(server) => match groups.add(name, server, &format!("{item_at}/servers/0")) {
                    Ok(index) => Some(index),
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                },
                None => None,
            };
            for (method, operation) in item.iter() {
                let at = pointer::join(&item_at, method);
                let own = match operation.servers.first() {
                    Some(server) => match groups.add(name, server, &format!("{at}/servers/0")) {
                        Ok(index) => Some(index),
                        Err(e) => {
                            errors.push(e);
                            continue;
                        }
                    },
                    None => None,
                };
                if let (Some(index), Some(id)) = (own.or(shared), &operation.operation_id)
                    && index != 0
                {
                    // Keyed as progenitor names the operation in its output.
                    groups
                        .operations
                        .insert(heck::ToSnakeCase::to_snake_case(id.as_str()), index);
                }
            }
        }
        match Error::merge(errors) {
            Some(error) => Err(error),
            None => Ok(groups),
        }
    }

    /// The index of `server`'s group, adding the group when it is new. A group named after
    /// its host that another URL of the host already holds (`https://api.box.com/2.0` beside
    /// `https://api.box.com`) is named after its path too (`api_box_com_2_0`), else
    /// numbered (`api_box_com_2`); a name set by `x-server-group` is never changed.
    fn add(&mut self, name: &str, server: &Server, at: &str) -> Result<usize> {
        let mut group = group(name, server, at, true)?;
        if let Some(index) = self.groups.iter().position(|g| g.url == group.url) {
            return Ok(index);
        }
        let taken = |groups: &[Group], candidate: &str| groups.iter().any(|g| g.name == candidate);
        if let Some(index) = self.groups.iter().position(|g| g.name == group.name) {
            if server.extensions.contains_key(GROUP_EXTENSION) {
                return Err(Error::at(
                    Stage::Validate,
                    name,
                    format!("{at}/url"),
                    format!(
                        "server group `{}` is already `{}`; `{}` needs another `{GROUP_EXTENSION}`",
                        group.name, self.groups[index].url, group.url
                    ),
                ));
            }
            let with_path = format!("{}_{}", group.name, snake(path_of(&group.url)));
            group.name = if !path_of(&group.url).is_empty() && !taken(&self.groups, &with_path) {
                with_path
            } else {
                (2..)
                    .map(|n| format!("{}_{n}", group.name))
                    .find(|candidate| !taken(&self.groups, candidate))
                    .unwrap_or_default()
            };
        }
        self.groups.push(group);
        Ok(self.groups.len() - 1)
    }
}

/// The path of an absolute URL, without its leading `/` (`2.0` for `https://api.box.com/2.0`).
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split_once('/').map_or("", |(_, path)| path.trim_matches('/'))
}

/// Every run of characters other than ASCII letters and digits as one `_`, lowercased.
fn snake(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

/// The group `server` belongs to. Path- and operation-level servers must give an absolute
/// `http(s)` URL: a relative one would be relative to a base the client does not know.
fn group(name: &str, server: &Server, at: &str, absolute: bool) -> Result<Group> {
    let error = |suffix: &str, reason: String| Error::at(Stage::Validate, name, format!("{at}{suffix}"), reason);
    let mut url = server.url.clone();
    while let Some(start) = url.find('{') {
        let end = url[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| error("/url", format!("server URL `{}` has an unclosed `{{`", server.url)))?;
        let variable = url[start + 1..end].to_owned();
        let value = server
            .variables
            .as_ref()
            .and_then(|v| v.get(&variable))
            .map(|v| v.default.clone())
            .ok_or_else(|| {
                error(
                    "/url",
                    format!("server variable `{variable}` is used in the URL but not declared in `variables`"),
                )
            })?;
        url.replace_range(start..=end, &value);
    }
    let host = match url.split_once("://") {
        Some(("http" | "https", rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or(host);
            (!host.is_empty()).then(|| host.to_owned())
        }
        _ => None,
    };
    if absolute && host.is_none() {
        return Err(error(
            "/url",
            format!("server URL `{url}` is not an absolute http or https URL, so no client can reach it"),
        ));
    }
    let name_from_host = || {
        host.as_deref().map(|host| {
            let name: String = host
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            name.trim_matches('_').to_owned()
        })
    };
    let group_name = match server.extensions.get(GROUP_EXTENSION) {
        Some(serde_json::Value::String(n)) if valid_name(n) => n.clone(),
        Some(other) => {
            return Err(error(
                &format!("/{GROUP_EXTENSION}"),
                format!("`{GROUP_EXTENSION}` must be a snake_case name such as `connect`, not {other}"),
            ));
        }
        None => name_from_host()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".to_owned()),
    };
    Ok(Group {
        name: group_name,
        url: url.trim_end_matches('/').to_owned(),
    })
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
}

/// Sends each operation of a non-default group to its group's URL: `client.baseurl` in its
/// `send` becomes `client.inner.server_url(N)` (the runtime's per-group URL). Without a
/// runtime there is nowhere to keep more than one URL: those operations keep the client's
/// base URL, and a warning says so.
pub fn apply(groups: &Groups, file: &mut syn::File, with_runtime: bool, warnings: &mut Vec<Warning>) -> Result<()> {
    if groups.operations.is_empty() {
        return Ok(());
    }
    if !with_runtime {
        for (id, index) in &groups.operations {
            warnings.push(Warning {
                pointer: String::new(),
                message: format!(
                    "operation `{id}` names the server `{}`, but a client without the runtime has one base URL: it is sent to the client's",
                    groups.groups[*index].url
                ),
            });
        }
        return Ok(());
    }
    let mut rewritten = 0;
    for implementation in builder_impls(file) {
        for item in &mut implementation.items {
            let syn::ImplItem::Fn(function) = item else { continue };
            if function.sig.ident != "send" {
                continue;
            }
            let Some(id) = super::runtime::operation_id(function) else {
                continue;
            };
            let Some(&index) = groups
                .operations
                .get(&heck::ToSnakeCase::to_snake_case(id.value().as_str()))
            else {
                continue;
            };
            let mut visitor = BaseUrl { index, replaced: 0 };
            syn::visit_mut::VisitMut::visit_block_mut(&mut visitor, &mut function.block);
            if visitor.replaced == 0 {
                return Err(internal(&format!(
                    "`send` of `{}` does not read `client.baseurl`",
                    id.value()
                )));
            }
            rewritten += 1;
        }
    }
    if rewritten != groups.operations.len() {
        return Err(internal(
            "not every operation of a server group was found in progenitor's output",
        ));
    }
    Ok(())
}

/// Replaces `client.baseurl` inside the `format!` that builds the URL.
struct BaseUrl {
    index: usize,
    replaced: usize,
}

impl syn::visit_mut::VisitMut for BaseUrl {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        let tokens = std::mem::take(&mut mac.tokens);
        mac.tokens = self.rewrite(tokens);
    }
}

impl BaseUrl {
    fn rewrite(&mut self, tokens: TokenStream) -> TokenStream {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            let is_base_url = matches!(
                (&tokens[i], tokens.get(i + 1), tokens.get(i + 2)),
                (TokenTree::Ident(c), Some(TokenTree::Punct(dot)), Some(TokenTree::Ident(b)))
                    if c == "client" && dot.as_char() == '.' && b == "baseurl"
            );
            if is_base_url {
                let index = self.index;
                out.extend(quote::quote!(client.inner.server_url(#index)));
                self.replaced += 1;
                i += 3;
                continue;
            }
            match &tokens[i] {
                TokenTree::Group(group) => {
                    let mut inner = proc_macro2::Group::new(group.delimiter(), self.rewrite(group.stream()));
                    inner.set_span(group.span());
                    out.push(TokenTree::Group(inner));
                }
                other => out.push(other.clone()),
            }
            i += 1;
        }
        out.into_iter().collect()
    }
}
