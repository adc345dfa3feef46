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
            let mut finder = FindHeaderMapWrite(false);
            for stmt in &block.stmts {
                syn::visit::Visit::visit_stmt(&mut finder, stmt);
            }
            let appends = finder.0;
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

/// Finds `header_map.append(..)` or `header_map.insert(..)`.
struct FindHeaderMapWrite(bool);

impl<'ast> syn::visit::Visit<'ast> for FindHeaderMapWrite {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.0 |= (call.method == "append" || call.method == "insert")
            && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("header_map"));
        syn::visit::visit_expr_method_call(self, call);
    }
}

fn is_api_version_append(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    call.method == "append"
        && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("header_map"))
        && call
            .args
            .first()
            .is_some_and(|name| name.to_token_stream().to_string().contains("\"api-version\""))
}
