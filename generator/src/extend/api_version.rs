//! progenitor adds `api-version: <info.version>` to every request. No official Smithery SDK
//! sends it, and servers generally ignore or reject unknown headers, so the generated client
//! does not send it either: the statement is removed from each operation's `send`.

use quote::ToTokens;
use syn::visit_mut::VisitMut;

use super::builder_impls;

/// Removes the `api-version` header from every operation.
pub fn apply(file: &mut syn::File) {
    for implementation in builder_impls(file) {
        for item in &mut implementation.items {
            if let syn::ImplItem::Fn(function) = item {
                RemoveApiVersion.visit_block_mut(&mut function.block);
            }
        }
    }
}

struct RemoveApiVersion;

impl VisitMut for RemoveApiVersion {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_api_version_append(stmt));
        if block.stmts.len() != before {
            // With the header gone, a map nothing else appends to (header parameters do,
            // inside `if let`s) needs no `mut`.
            let appends = block.stmts.iter().any(|stmt| {
                let text = stmt.to_token_stream().to_string().replace(' ', "");
                text.contains("header_map.append(") || text.contains("header_map.insert(")
            });
            if !appends {
                for stmt in &mut block.stmts {
                    if let syn::Stmt::Local(local) = stmt
                        && let syn::Pat::Ident(ident) = &mut local.pat
                        && ident.ident == "header_map"
                    {
                        ident.mutability = None;
                    }
                }
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

fn is_api_version_append(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    call.method == "append"
        && call.receiver.to_token_stream().to_string() == "header_map"
        && call
            .args
            .first()
            .is_some_and(|name| name.to_token_stream().to_string().contains("\"api-version\""))
}
