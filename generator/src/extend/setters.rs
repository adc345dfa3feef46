//! Builder setters a Rust user can call without ceremony, and messages that say what to do.
//!
//! progenitor's integer setters take `V: TryInto<T>`; for `NonZeroU64` no primitive
//! integer qualifies, so `.page(2)` does not compile, and a bad value is reported as
//! "conversion to `:: std :: num :: NonZeroU64` for page failed". A required argument left
//! out is "qualified_name was not initialized" (typify's body builders: "no value supplied
//! for name"). Here:
//!
//! - an integer setter (any primitive integer or `NonZero*` target) takes any integer type
//!   (`V: TryInto<base> + Display + Copy`); a value out of the target's range fails before
//!   anything is sent, with a message naming the setter and the range;
//! - a missing required argument names the setter to call.

use syn::visit_mut::VisitMut;

/// Rewrites the setters of the operation builders and the messages of every builder.
pub fn apply(file: &mut syn::File) {
    apply_to_operations(file);
    apply_to_bodies(file);
}

/// The operations' builders (outside the `types` module).
pub(crate) fn apply_to_operations(file: &mut syn::File) {
    for implementation in super::builder_impls(file) {
        for item in &mut implementation.items {
            if let syn::ImplItem::Fn(function) = item {
                widen_integer_setter(function);
                if function.sig.ident == "new" {
                    Messages.visit_block_mut(&mut function.block);
                }
            }
        }
    }
}

/// typify's body builders in the `types` module, which start from `Default`, where the
/// messages are.
pub(crate) fn apply_to_bodies(file: &mut syn::File) {
    let body_builders = super::module_items(file, "types").and_then(|types| {
        types.iter_mut().find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
    });
    for item in body_builders.into_iter().flatten() {
        if let syn::Item::Impl(implementation) = item
            && implementation
                .trait_
                .as_ref()
                .and_then(|(p, _)| p.segments.last())
                .is_some_and(|s| s.ident == "Default")
        {
            Messages.visit_item_impl_mut(implementation);
        }
    }
}

/// The primitive a target integer type is built from, and whether zero is excluded.
fn integer_target(ty: &syn::Type) -> Option<(syn::Ident, bool)> {
    let syn::Type::Path(path) = ty else { return None };
    let name = path.path.segments.last()?.ident.to_string();
    let (base, nonzero) = match name.strip_prefix("NonZero") {
        Some(rest) => (rest.to_ascii_lowercase(), true),
        None => (name, false),
    };
    let known = [
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    known
        .contains(&base.as_str())
        .then(|| (syn::Ident::new(&base, proc_macro2::Span::call_site()), nonzero))
}

/// `pub fn page<V>(mut self, value: V) -> Self where V: TryInto<NonZeroU64>` → any integer.
fn widen_integer_setter(function: &mut syn::ImplItemFn) {
    let Some(where_clause) = &function.sig.generics.where_clause else {
        return;
    };
    let (1, Some(syn::WherePredicate::Type(predicate))) =
        (where_clause.predicates.len(), where_clause.predicates.first())
    else {
        return;
    };
    let Some(syn::TypeParamBound::Trait(bound)) = predicate.bounds.first() else {
        return;
    };
    let Some(last) = bound.path.segments.last() else { return };
    if last.ident != "TryInto" || predicate.bounds.len() != 1 {
        return;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return;
    };
    let Some(syn::GenericArgument::Type(target)) = arguments.args.first() else {
        return;
    };
    let target = target.clone();
    let Some((base, nonzero)) = integer_target(&target) else {
        return;
    };
    // The body is `self.field = value.try_into()[.map(Some)].map_err(..); self`.
    let Some(syn::Stmt::Expr(syn::Expr::Assign(assign), _)) = function.block.stmts.first() else {
        return;
    };
    let syn::Expr::Field(field) = &*assign.left else { return };
    let syn::Member::Named(field_name) = &field.member else {
        return;
    };
    let optional = {
        let mut finder = FindMapSome(false);
        syn::visit::Visit::visit_expr(&mut finder, &assign.right);
        finder.0
    };
    let setter = function.sig.ident.to_string();
    let converted: syn::Expr = if nonzero {
        syn::parse_quote! {
            ::std::convert::TryInto::<#base>::try_into(value).ok().and_then(#target::new)
        }
    } else {
        syn::parse_quote! { ::std::convert::TryInto::<#base>::try_into(value).ok() }
    };
    let low = if nonzero {
        quote::quote!(1)
    } else {
        quote::quote!(#base::MIN)
    };
    let message = format!("`{setter}` takes a whole number from {{}} to {{}}, not {{}}");
    let wrap = if optional {
        quote::quote!(.map(Some))
    } else {
        quote::quote!()
    };
    let bounded = predicate.bounded_ty.clone();
    function.sig.generics.where_clause = Some(syn::parse_quote! {
        where #bounded: ::std::convert::TryInto<#base> + ::std::fmt::Display + ::std::marker::Copy
    });
    function.block.stmts[0] = syn::parse_quote! {
        self.#field_name = #converted
            #wrap
            .ok_or_else(|| ::std::format!(#message, #low, #base::MAX, value));
    };
}

struct FindMapSome(bool);

impl<'ast> syn::visit::Visit<'ast> for FindMapSome {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "map"
            && let Some(syn::Expr::Path(p)) = call.args.first()
        {
            self.0 |= p.path.is_ident("Some");
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

/// "x was not initialized" (progenitor) and "no value supplied for x" (typify) become a
/// sentence naming the setter.
struct Messages;

impl VisitMut for Messages {
    fn visit_lit_str_mut(&mut self, literal: &mut syn::LitStr) {
        let value = literal.value();
        let name = value
            .strip_suffix(" was not initialized")
            .or_else(|| value.strip_prefix("no value supplied for "));
        if let Some(name) = name.filter(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_')) {
            let setter = name;
            *literal = syn::LitStr::new(
                &format!("`{setter}` is required: set it with `.{setter}(..)`"),
                literal.span(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    fn rewritten(code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).expect("parses");
        super::apply(&mut file);
        file.into_token_stream().to_string()
    }

    #[test]
    fn integer_setters_take_any_integer_and_name_themselves_when_out_of_range() {
        let out = rewritten(
            r#"pub mod builder {
                pub struct ListThings;
                impl ListThings {
                    pub fn new() -> Self { Self { id: Err("id was not initialized".to_string()) } }
                    pub fn page<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<::std::num::NonZeroU64>,
                    {
                        self.page = value.try_into().map(Some).map_err(|_| "conversion to `:: std :: num :: NonZeroU64` for page failed".to_string());
                        self
                    }
                    pub fn limit<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<i64>,
                    {
                        self.limit = value.try_into().map_err(|_| "conversion to `i64` for limit failed".to_string());
                        self
                    }
                    pub fn name<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<::std::string::String>,
                    {
                        self.name = value.try_into().map_err(|_| "conversion".to_string());
                        self
                    }
                }
            }"#,
        );
        assert!(
            out.contains(
                "V : :: std :: convert :: TryInto < u64 > + :: std :: fmt :: Display + :: std :: marker :: Copy"
            ),
            "{out}"
        );
        assert!(
            out.contains("and_then (:: std :: num :: NonZeroU64 :: new) . map (Some)"),
            "{out}"
        );
        assert!(
            out.contains("\"`page` takes a whole number from {} to {}, not {}\" , 1 , u64 :: MAX"),
            "{out}"
        );
        assert!(
            out.contains("TryInto :: < i64 > :: try_into (value) . ok () . ok_or_else"),
            "required: no Some: {out}"
        );
        assert!(out.contains("i64 :: MIN , i64 :: MAX"), "{out}");
        assert!(
            out.contains("TryInto < :: std :: string :: String >"),
            "strings stay: {out}"
        );
        assert!(out.contains("\"`id` is required: set it with `.id(..)`\""), "{out}");
    }

    #[test]
    fn typify_builder_messages_name_the_setter() {
        let out = rewritten(
            r#"pub mod types { pub mod builder {
                impl ::std::default::Default for Thing {
                    fn default() -> Self { Self { type_: Err("no value supplied for type_".to_string()) } }
                }
            } }"#,
        );
        assert!(
            out.contains("\"`type_` is required: set it with `.type_(..)`\""),
            "{out}"
        );
    }
}
