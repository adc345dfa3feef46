//! Paths and queries encoded as the official SDKs encode them.
//!
//! progenitor's `encode_path` escapes only what would break the URL's structure, so `[`,
//! `]`, `|`, `^` and `\` in a path value travel raw; servers and proxies differ on those
//! (some reject them, some decode them differently). reqwest's query serializer writes a
//! space as `+` (form encoding) where the official SDKs send `%20`; a server reading the
//! query as RFC 3986 would see a literal `+`. Here:
//!
//! - a path value is percent-encoded except letters, digits and `-._~!$&'()*+,;=:@` (the
//!   characters RFC 3986 allows in a segment), so `a b?c#d[e]|f` travels as
//!   `a%20b%3Fc%23d%5Be%5D%7Cf`, as the SDKs send it;
//! - a space in a query value travels as `%20`. reqwest's serializer encodes a literal `+`
//!   as `%2B`, so every `+` it writes is a space and can be rewritten without ambiguity.

use syn::visit::Visit;

/// Replaces progenitor's `encode_path` with the SDKs' rule and sends query spaces as `%20`.
pub fn apply(file: &mut syn::File) {
    let mut replaced = false;
    for item in &mut file.items {
        if let syn::Item::Use(import) = item
            && drop_name(&mut import.tree, "encode_path")
        {
            replaced = true;
        }
    }
    if replaced {
        file.items.push(syn::parse_quote! {
            /// Percent-encodes a path parameter value into one segment, as the official SDKs
            /// do: everything but letters, digits and `-._~!$&'()*+,;=:@` is escaped.
            fn encode_path(value: &str) -> ::std::string::String {
                // One lookup per byte: this runs for every path value of every call.
                const KEEP: [bool; 256] = {
                    let mut keep = [false; 256];
                    let mut byte = 0;
                    while byte < 256 {
                        let b = byte as u8;
                        keep[byte] = b.is_ascii_alphanumeric()
                            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@');
                        byte += 1;
                    }
                    keep
                };
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                let mut encoded = ::std::string::String::with_capacity(value.len() + 8);
                // Runs of kept bytes are copied whole. They are ASCII, so each run starts and
                // ends on a character boundary.
                let mut run = 0;
                for (at, byte) in value.bytes().enumerate() {
                    if KEEP[usize::from(byte)] {
                        continue;
                    }
                    encoded.push_str(value.get(run..at).unwrap_or_default());
                    encoded.push('%');
                    encoded.push(char::from(HEX[usize::from(byte >> 4)]));
                    encoded.push(char::from(HEX[usize::from(byte & 0xF)]));
                    run = at + 1;
                }
                encoded.push_str(value.get(run..).unwrap_or_default());
                encoded
            }
        });
    }
    let mut spaced = false;
    for implementation in super::builder_impls(file) {
        for item in &mut implementation.items {
            let syn::ImplItem::Fn(function) = item else { continue };
            spaced |= space_queries(&mut function.block);
        }
    }
    if spaced {
        file.items.push(syn::parse_quote! {
            /// Sends spaces in the query as `%20`, as the official SDKs do, rather than the
            /// `+` of form encoding. The serializer writes a literal `+` as `%2B`, so each
            /// `+` left in the query is a space.
            fn encode_query_spaces(request: &mut ::reqwest::Request) {
                let url = request.url_mut();
                if let ::std::option::Option::Some(query) = url.query().filter(|q| q.contains('+')) {
                    let query = query.replace('+', "%20");
                    url.set_query(::std::option::Option::Some(&query));
                }
            }
        });
    }
}

/// Inserts `super::encode_query_spaces(&mut request)` after each `let mut request = ...;`
/// that sets a query. Whether one was inserted.
fn space_queries(block: &mut syn::Block) -> bool {
    let mut at = Vec::new();
    for (index, stmt) in block.stmts.iter().enumerate() {
        let syn::Stmt::Local(local) = stmt else { continue };
        let syn::Pat::Ident(pattern) = &local.pat else { continue };
        if pattern.ident != "request" || pattern.mutability.is_none() {
            continue;
        }
        let Some(init) = &local.init else { continue };
        let mut finder = FindQuery(false);
        finder.visit_expr(&init.expr);
        if finder.0 {
            at.push(index + 1);
        }
    }
    for index in at.iter().rev() {
        block
            .stmts
            .insert(*index, syn::parse_quote! { super::encode_query_spaces(&mut request); });
    }
    !at.is_empty()
}

struct FindQuery(bool);

impl<'ast> Visit<'ast> for FindQuery {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.0 |= call.method == "query";
        syn::visit::visit_expr_method_call(self, call);
    }
}

/// Removes `name` from a `use` tree's group; whether it was there.
fn drop_name(tree: &mut syn::UseTree, name: &str) -> bool {
    match tree {
        syn::UseTree::Path(path) => drop_name(&mut path.tree, name),
        syn::UseTree::Group(group) => {
            let before = group.items.len();
            group.items = std::mem::take(&mut group.items)
                .into_iter()
                .filter(|item| !matches!(item, syn::UseTree::Name(n) if n.ident == name))
                .collect();
            group.items.len() != before
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    #[test]
    fn progenitors_encoder_is_replaced_and_query_spaces_are_rewritten() {
        let mut file: syn::File = syn::parse_str(
            r#"
            use progenitor_client::{encode_path, ClientHooks};
            pub mod builder {
                use super::{encode_path, Error};
                pub struct ListThings;
                impl ListThings {
                    pub async fn send(self) {
                        let url = format!("{}/things/{}", client.baseurl, encode_path(&id.to_string()));
                        let mut request = client.client.get(url).query(&q).build()?;
                        client.pre(&mut request, &info).await?;
                    }
                    pub async fn other(self) {
                        let mut request = client.client.get(url).build()?;
                    }
                }
            }
            "#,
        )
        .expect("parses");
        super::apply(&mut file);
        let out = file.into_token_stream().to_string();
        assert!(out.contains("use progenitor_client :: { ClientHooks }"), "{out}");
        assert!(out.contains("fn encode_path (value : & str)"), "{out}");
        assert!(
            out.contains(". build () ? ; super :: encode_query_spaces (& mut request) ; client . pre"),
            "{out}"
        );
        assert_eq!(
            out.matches("super :: encode_query_spaces").count(),
            1,
            "only where a query is set: {out}"
        );
    }
}
