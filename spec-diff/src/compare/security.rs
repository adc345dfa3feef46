//! Security requirements and schemes, and servers. progenitor leaves authentication and the
//! base URL to the caller, so none of these change the Rust API.

use std::collections::BTreeSet;

use generator::pointer::join;
use serde_json::{Map, Value};

use super::operations::{METHODS, Op};
use super::{Ctx, Differ, Direction, Raw, Subject};
use crate::change::Level::{Breaking, NonBreaking, PotentiallyBreaking};
use crate::change::Operation;
use crate::change::Side;
use crate::resolve::Document;

/// One way to authenticate: scheme names with their scopes, e.g. `oauth[read,write] + key`.
type Alternative = String;

/// The alternatives an operation accepts: its own `security`, else the document's.
fn requirements(root: &Value, op: &Value) -> (BTreeSet<Alternative>, bool) {
    let list = op.get("security").or_else(|| root.get("security"));
    let Some(list) = list.and_then(Value::as_array) else {
        return (BTreeSet::new(), false);
    };
    let mut alternatives = BTreeSet::new();
    for requirement in list {
        let Some(schemes) = requirement.as_object() else {
            continue;
        };
        let mut parts: Vec<String> = schemes
            .iter()
            .map(|(name, scopes)| {
                let mut scopes: Vec<&str> = scopes
                    .as_array()
                    .map(|s| s.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                scopes.sort_unstable();
                if scopes.is_empty() {
                    name.clone()
                } else {
                    format!("{name}[{}]", scopes.join(","))
                }
            })
            .collect();
        parts.sort();
        alternatives.insert(parts.join(" + "));
    }
    // `{}` among the alternatives, or an empty list, lets anonymous callers in.
    let anonymous = list.is_empty() || alternatives.contains("");
    (alternatives, anonymous)
}

/// `name[scope,scope] + name` → each scheme with its scopes.
fn parts(alternative: &str) -> Vec<(&str, BTreeSet<&str>)> {
    alternative
        .split(" + ")
        .map(|part| match part.split_once('[') {
            Some((name, scopes)) => (name, scopes.trim_end_matches(']').split(',').collect()),
            None => (part, BTreeSet::new()),
        })
        .collect()
}

/// Whether credentials for `held` meet `wanted`: every scheme `wanted` names is in `held`,
/// with no scope `held` lacks.
fn satisfies(held: &str, wanted: &str) -> bool {
    let held = parts(held);
    parts(wanted).iter().all(|(name, scopes)| {
        held.iter()
            .any(|(have, have_scopes)| have == name && scopes.is_subset(have_scopes))
    })
}

fn schemes(root: &Value) -> Option<&Map<String, Value>> {
    root.get("components")?.get("securitySchemes")?.as_object()
}

impl<'a> Differ<'a> {
    pub(crate) fn operation_security(&mut self, base: &Op<'a>, head: &Op<'a>, out: &mut Vec<Raw>) {
        let (b, b_anonymous) = requirements(self.base.root, base.value);
        let (h, h_anonymous) = requirements(self.head.root, head.value);
        let b_open = b.is_empty() || b_anonymous;
        let h_open = h.is_empty() || h_anonymous;
        let pointer = if head.value.get("security").is_some() {
            join(&head.pointer, "security")
        } else {
            "/security".to_owned()
        };
        for added in h.difference(&b).filter(|a| !a.is_empty()) {
            // A new way to authenticate is harmless unless callers needed none before.
            let wire = if b_open && !h_open { Breaking } else { NonBreaking };
            out.push(Raw::new(
                "operation-security-added",
                wire,
                NonBreaking,
                Side::Head,
                &pointer,
                format!("the security requirement `{added}` was added"),
            ));
        }
        for removed in b.difference(&h).filter(|a| !a.is_empty()) {
            // Credentials that met the old requirement still work when some remaining one
            // asks for a subset of them: the same schemes with fewer scopes.
            let still_met = h.iter().find(|kept| !kept.is_empty() && satisfies(removed, kept));
            let (wire, tail) = match still_met {
                _ if h_open => (NonBreaking, ": anonymous access is allowed".to_owned()),
                Some(kept) => (
                    NonBreaking,
                    format!(": credentials that met it still meet `{kept}`, which asks for less"),
                ),
                None => (Breaking, String::new()),
            };
            out.push(Raw::new(
                "operation-security-removed",
                wire,
                NonBreaking,
                Side::Base,
                &pointer,
                format!("the security requirement `{removed}` was removed{tail}"),
            ));
        }
        if b_anonymous && !h_anonymous && !h.is_empty() && h.iter().all(|a| b.contains(a)) {
            out.push(Raw::new(
                "operation-security-added",
                Breaking,
                NonBreaking,
                Side::Head,
                &pointer,
                "anonymous access was removed: the operation now requires authentication",
            ));
        }
    }

    /// Changes that belong to the whole document rather than to an operation.
    pub(crate) fn document_wide(&mut self) -> Vec<Raw> {
        let mut out = Vec::new();
        let empty = Map::new();
        let base_schemes = schemes(self.base.root).unwrap_or(&empty);
        let head_schemes = schemes(self.head.root).unwrap_or(&empty);
        let at = |name: &str| join("/components/securitySchemes", name);
        for (name, base_scheme) in base_schemes {
            let base_scheme = self.base.resolve(base_scheme).0;
            match head_schemes.get(name).map(|s| self.head.resolve(s).0) {
                None => out.push(Raw::new(
                    "security-scheme-removed",
                    PotentiallyBreaking,
                    NonBreaking,
                    Side::Base,
                    at(name),
                    format!("the security scheme `{name}` was removed"),
                )),
                Some(head_scheme) => {
                    let fields = [
                        "type",
                        "scheme",
                        "in",
                        "name",
                        "bearerFormat",
                        "openIdConnectUrl",
                        "flows",
                    ];
                    let changed: Vec<&str> = fields
                        .into_iter()
                        .filter(|f| base_scheme.get(f) != head_scheme.get(f))
                        .collect();
                    if !changed.is_empty() {
                        out.push(Raw::new(
                            "security-scheme-changed",
                            Breaking,
                            NonBreaking,
                            Side::Head,
                            at(name),
                            format!("the security scheme `{name}` changed its {}", changed.join(", ")),
                        ));
                    }
                }
            }
        }
        for name in head_schemes.keys() {
            if !base_schemes.contains_key(name) {
                out.push(Raw::new(
                    "security-scheme-added",
                    NonBreaking,
                    NonBreaking,
                    Side::Head,
                    at(name),
                    format!("the security scheme `{name}` was added"),
                ));
            }
        }

        let urls = |root: &Value| -> BTreeSet<String> {
            root.get("servers")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .filter_map(|s| s.get("url").and_then(Value::as_str))
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (base_urls, head_urls) = (urls(self.base.root), urls(self.head.root));
        for url in base_urls.difference(&head_urls) {
            out.push(Raw::new(
                "server-removed",
                PotentiallyBreaking,
                NonBreaking,
                Side::Base,
                "/servers",
                format!("the server `{url}` was removed: clients configured with it must move"),
            ));
        }
        for url in head_urls.difference(&base_urls) {
            out.push(Raw::new(
                "server-added",
                NonBreaking,
                NonBreaking,
                Side::Head,
                "/servers",
                format!("the server `{url}` was added"),
            ));
        }
        out
    }
}

impl Differ<'_> {
    /// Webhooks are requests the API makes to its subscribers; normalization drops them (the
    /// generated client has no part in them), so they are compared on the documents as
    /// written. A subscriber built for one that goes away stops receiving it; a new one
    /// reaches no one who has not subscribed. In a webhook both sides keep, the payload is
    /// compared as a response (the subscriber receives it), with ids prefixed `webhook-`;
    /// the generated crate has no part in webhooks, so the crate verdict is non-breaking.
    pub(crate) fn webhooks(&mut self) -> Vec<(Raw, Option<Operation>)> {
        let mut out = Vec::new();
        let (Some(base), Some(head)) = (self.base.original, self.head.original) else {
            return out;
        };
        let empty = Map::new();
        let base_hooks = base.get("webhooks").and_then(Value::as_object).unwrap_or(&empty);
        let head_hooks = head.get("webhooks").and_then(Value::as_object).unwrap_or(&empty);
        for name in base_hooks.keys().filter(|name| !head_hooks.contains_key(*name)) {
            let raw = Raw::new(
                "webhook-removed",
                Breaking,
                NonBreaking,
                Side::Base,
                join("/webhooks", name),
                format!("the webhook `{name}` was removed: its subscribers no longer receive it"),
            );
            out.push((raw, None));
        }
        for name in head_hooks.keys().filter(|name| !base_hooks.contains_key(*name)) {
            let raw = Raw::new(
                "webhook-added",
                NonBreaking,
                NonBreaking,
                Side::Head,
                join("/webhooks", name),
                format!("the webhook `{name}` was added"),
            );
            out.push((raw, None));
        }
        // The payloads, on the documents as written: references point into them.
        let mut payloads = Differ::new(Document::new(base), Document::new(head));
        for (name, base_hook) in base_hooks {
            let Some(head_hook) = head_hooks.get(name) else {
                continue;
            };
            if base_hook == head_hook {
                continue;
            }
            let hook_pointer = join("/webhooks", name);
            for method in METHODS {
                let (Some(b), Some(h)) = (base_hook.get(method), head_hook.get(method)) else {
                    continue;
                };
                let (Some(b_body), Some(h_body)) = (b.get("requestBody"), h.get("requestBody")) else {
                    continue;
                };
                let (b_body, h_body) = (payloads.base.resolve(b_body).0, payloads.head.resolve(h_body).0);
                let body_pointer = join(&join(&hook_pointer, method), "requestBody");
                let ctx = Ctx {
                    dir: Direction::Response,
                    subject: Subject::Body,
                };
                let mut found = Vec::new();
                payloads.content(ctx, b_body, h_body, &body_pointer, &body_pointer, &mut found);
                let operation = Operation {
                    method: method.to_uppercase(),
                    path: format!("webhook {name}"),
                    rust_method: None,
                };
                for mut raw in found {
                    raw.id = format!("webhook-{}", raw.id);
                    raw.rust = NonBreaking;
                    raw.place = raw.place.map(|place| {
                        place
                            .replace("response property", "payload property")
                            .replace("the response body", "the payload")
                    });
                    raw.message = raw.message.replace("the response media type", "the payload media type");
                    out.push((raw, Some(operation.clone())));
                }
            }
        }
        out
    }
}
