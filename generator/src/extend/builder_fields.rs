//! Edits to a progenitor builder that several extensions make in the same way: a field of
//! their own starts in `new`, is taken out of `self` in `send`, is checked or turned into
//! something right after, and goes onto the request before `.build()`.

use syn::visit_mut::VisitMut;

/// Adds `fields` to the `Self { .. }` literal of a builder's `new`.
pub(crate) fn init(block: &mut syn::Block, fields: Vec<syn::FieldValue>) {
    struct Init(Vec<syn::FieldValue>);
    impl VisitMut for Init {
        fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
            if node.path.is_ident("Self") {
                node.fields.extend(std::mem::take(&mut self.0));
                return;
            }
            syn::visit_mut::visit_expr_struct_mut(self, node);
        }
    }
    Init(fields).visit_block_mut(block);
}

/// Adds `names` to the first `let Self { .. } = self;` of a builder's `send`; `false` when
/// it has none.
pub(crate) fn take(block: &mut syn::Block, names: &[syn::Ident]) -> bool {
    struct Take<'a> {
        names: &'a [syn::Ident],
        done: bool,
    }
    impl VisitMut for Take<'_> {
        fn visit_pat_struct_mut(&mut self, node: &mut syn::PatStruct) {
            if node.path.is_ident("Self") && !self.done {
                let names = self.names;
                let pattern: syn::Pat = syn::parse_quote!(Self { #(#names),* });
                if let syn::Pat::Struct(pattern) = pattern {
                    node.fields.extend(pattern.fields);
                }
                self.done = true;
            }
        }
    }
    let mut take = Take { names, done: false };
    take.visit_block_mut(block);
    take.done
}

/// Inserts `statements` right after `let Self { .. } = self;`; `false` when `send` has none.
pub(crate) fn after_take(block: &mut syn::Block, statements: Vec<syn::Stmt>) -> bool {
    let Some(position) = block.stmts.iter().position(|stmt| {
        matches!(stmt, syn::Stmt::Local(local) if matches!(&local.pat, syn::Pat::Struct(s) if s.path.is_ident("Self")))
    }) else {
        return false;
    };
    block.stmts.splice(position + 1..position + 1, statements);
    true
}

/// Replaces the receiver `r` of the first `r.build()` in `send` with `chain(r)`; `false`
/// when there is none.
pub(crate) fn before_build(block: &mut syn::Block, chain: impl Fn(&syn::Expr) -> syn::Expr) -> bool {
    struct Build<F> {
        chain: F,
        done: bool,
    }
    impl<F: Fn(&syn::Expr) -> syn::Expr> VisitMut for Build<F> {
        fn visit_expr_method_call_mut(&mut self, node: &mut syn::ExprMethodCall) {
            if node.method == "build" && node.args.is_empty() && !self.done {
                *node.receiver = (self.chain)(&node.receiver);
                self.done = true;
                return;
            }
            syn::visit_mut::visit_expr_method_call_mut(self, node);
        }
    }
    let mut build = Build { chain, done: false };
    build.visit_block_mut(block);
    build.done
}
