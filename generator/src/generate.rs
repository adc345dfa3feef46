//! Stage 5: progenitor turns the validated document into Rust tokens.
//!
//! Operations progenitor cannot express (today: `multipart/form-data` bodies) are handed to
//! it without their body and completed by [`crate::extend`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;

use crate::error::{Error, Result, Stage};
use crate::pointer;

/// The request body media type progenitor has no support for and `extend` implements.
pub const MULTIPART: &str = "multipart/form-data";

/// Runs progenitor. A panic or refusal inside it is reported as an error naming the
/// operation that caused it, because a generator pointed at third-party specs must fail
/// with a message, not a backtrace.
pub fn generate(name: &str, api: &openapiv3::OpenAPI, extend: &crate::extend::Settings) -> Result<TokenStream> {
    let mut api = api.clone();
    strip_multipart_bodies(&mut api);
    let settings = settings(extend)?;
    match run_progenitor(&api, &settings) {
        Ok(tokens) => Ok(tokens),
        Err(failure) => Err(blame(name, &api, &settings, failure)),
    }
}

/// Runs progenitor alone, for a second run on the same document that the first run's
/// error (with its blame) would report.
pub(crate) fn progenitor_only(api: &openapiv3::OpenAPI, extend: &crate::extend::Settings) -> Result<TokenStream> {
    let mut api = api.clone();
    strip_multipart_bodies(&mut api);
    let settings = settings(extend)?;
    run_progenitor(&api, &settings).map_err(|_| crate::extend::internal("progenitor failed"))
}

#[cfg(test)]
mod deep_object;

/// The `deepObject` query helper, copied into clients that need it.
const DEEP_OBJECT: &str = include_str!("generate/deep_object.rs");

/// What the adapt stage asked to change in progenitor's output.
#[derive(Default)]
struct FixUps {
    /// (placeholder, wire name) for every renamed property and parameter, and the same pair
    /// JSON-escaped, as typify's schema documentation quotes them.
    names: Vec<(String, String)>,
    escaped: Vec<(String, String)>,
    /// Stand-in enum → the struct it stands for.
    stand_ins: std::collections::BTreeMap<String, String>,
    /// An `options` or `trace` operation: reqwest has no method of that name.
    other_methods: bool,
    deep_object: bool,
}

impl FixUps {
    fn of(api: &openapiv3::OpenAPI) -> Self {
        let mut fix = FixUps::default();
        if let Some(serde_json::Value::Object(table)) = api.extensions.get(crate::adapt::WIRE_NAMES) {
            for (holder, wire) in table {
                let wire = wire.as_str().unwrap_or_default().to_owned();
                let json = |s: &str| {
                    let quoted = serde_json::to_string(s).unwrap_or_default();
                    quoted[1..quoted.len().saturating_sub(1).max(1)].to_owned()
                };
                fix.escaped.push((json(holder), json(&wire)));
                fix.deep_object |= holder.contains(crate::adapt::DEEP_PLACEHOLDER);
                fix.names.push((holder.clone(), wire));
            }
        }
        // Longest first: the placeholder with index 1 is a prefix of the one with index 12.
        fix.names.sort_by_key(|(holder, _)| std::cmp::Reverse(holder.len()));
        fix.escaped.sort_by_key(|(holder, _)| std::cmp::Reverse(holder.len()));
        for (_, item) in api.paths.paths.iter() {
            let openapiv3::ReferenceOr::Item(item) = item else {
                continue;
            };
            fix.other_methods |= item.options.is_some() || item.trace.is_some();
            for (_, operation) in item.iter() {
                for parameter in &operation.parameters {
                    if let openapiv3::ReferenceOr::Item(parameter) = parameter
                        && let openapiv3::ParameterSchemaOrContent::Schema(openapiv3::ReferenceOr::Item(schema)) =
                            &parameter.parameter_data_ref().format
                        && let Some(serde_json::Value::Object(map)) =
                            schema.schema_data.extensions.get(crate::adapt::STAND_INS)
                    {
                        for (stand_in, real) in map {
                            fix.stand_ins
                                .insert(stand_in.clone(), real.as_str().unwrap_or_default().to_owned());
                        }
                    }
                }
            }
        }
        fix
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty() && self.stand_ins.is_empty() && !self.other_methods
    }

    /// `text` with every placeholder replaced by its wire name, and every stand-in by the
    /// struct's name (error messages name the parameter's type); `None` when it has none.
    fn restore(&self, text: &str) -> Option<String> {
        let stand_in = !self.stand_ins.is_empty() && text.contains("XGeneratorStandIn");
        if !stand_in
            && !text.contains([crate::adapt::PLACEHOLDER, crate::adapt::DEEP_PLACEHOLDER])
            && !text.contains("\\u001")
        {
            return None;
        }
        let mut out = text.to_owned();
        for (holder, wire) in self.names.iter().chain(&self.escaped) {
            out = out.replace(holder.as_str(), wire);
        }
        if stand_in {
            // Longest first: `XGeneratorStandIn1` is a prefix of `XGeneratorStandIn12`.
            let mut pairs: Vec<_> = self.stand_ins.iter().collect();
            pairs.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
            for (from, to) in pairs {
                out = out.replace(from.as_str(), to);
            }
        }
        Some(out)
    }

    /// The same for string literals inside an attribute's tokens (`#[serde(rename = "..")]`),
    /// which syn leaves unparsed.
    fn restore_tokens(&self, tokens: TokenStream) -> TokenStream {
        fn any(tokens: &TokenStream) -> bool {
            tokens.clone().into_iter().any(|tree| match tree {
                proc_macro2::TokenTree::Group(group) => any(&group.stream()),
                proc_macro2::TokenTree::Literal(literal) => needs_restoring(&literal.to_string()),
                _ => false,
            })
        }
        if !any(&tokens) {
            return tokens;
        }
        tokens
            .into_iter()
            .map(|tree| match tree {
                proc_macro2::TokenTree::Group(group) => {
                    let mut fixed = proc_macro2::Group::new(group.delimiter(), self.restore_tokens(group.stream()));
                    fixed.set_span(group.span());
                    proc_macro2::TokenTree::Group(fixed)
                }
                proc_macro2::TokenTree::Literal(literal) => {
                    let restored = syn::parse2::<syn::LitStr>(proc_macro2::TokenTree::Literal(literal.clone()).into())
                        .ok()
                        .and_then(|lit| self.restore(&lit.value()));
                    match restored {
                        Some(text) => {
                            let mut fixed = proc_macro2::Literal::string(&text);
                            fixed.set_span(literal.span());
                            proc_macro2::TokenTree::Literal(fixed)
                        }
                        None => proc_macro2::TokenTree::Literal(literal),
                    }
                }
                other => other,
            })
            .collect()
    }
}

/// Applies what the adapt stage asked for to progenitor's output, once the extend stage has
/// parsed it (parsing it a second time would cost large documents a tenth of their time):
/// wire names restored in place of placeholders, stand-in enums replaced by their structs,
/// `options`/`trace` sent through `request`, and the `deepObject` helper added. Documents
/// that need none of it (the registry's among them) are not visited. `part` says which part
/// of the output `file` holds: the helper goes with the rest.
pub(crate) fn fix_up(
    name: &str,
    api: &openapiv3::OpenAPI,
    file: &mut syn::File,
    part: crate::extend::Part,
) -> Result<()> {
    use syn::visit_mut::VisitMut;
    let fix = FixUps::of(api);
    if fix.is_empty() {
        return Ok(());
    }
    if !fix.stand_ins.is_empty() {
        for item in &mut file.items {
            if let syn::Item::Mod(module) = item
                && module.ident == "types"
                && let Some((_, items)) = &mut module.content
            {
                items.retain(|item| !fix.is_stand_in_item(item));
            }
        }
    }
    FixVisitor { fix: &fix }.visit_file_mut(file);
    if fix.deep_object && part.has_rest() {
        let helper: syn::File = syn::parse_str(DEEP_OBJECT).map_err(|e| {
            Error::at(
                Stage::Generate,
                name,
                "",
                format!("internal error: the deepObject helper does not parse: {e}"),
            )
        })?;
        let items = helper
            .items
            .into_iter()
            .filter(|item| !matches!(item, syn::Item::Mod(_)));
        file.items.push(syn::parse_quote! {
            /// Query parameters of `style: deepObject`, sent as `name[key]=value`.
            pub mod deep_object {
                #(#items)*
            }
        });
    }
    Ok(())
}

impl FixUps {
    fn is_stand_in_item(&self, item: &syn::Item) -> bool {
        let named = |ident: &syn::Ident| self.stand_ins.contains_key(&ident.to_string());
        match item {
            syn::Item::Enum(e) => named(&e.ident),
            syn::Item::Impl(i) => {
                matches!(&*i.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| named(&s.ident)))
            }
            _ => false,
        }
    }
}

/// Whether a literal, as written in Rust, may hold a placeholder (escaped as `\u{1f}` or
/// `\u{1e}`, or JSON-escaped as `\\u001f` in documentation) or a stand-in's name.
fn needs_restoring(written: &str) -> bool {
    written.contains("\\u{1") || written.contains("u001") || written.contains("XGeneratorStandIn")
}

/// Restores placeholders and stand-in names in the documentation the extend stage wrote
/// from the adapted document after [`fix_up`] ran (its sentences quote parameter and type
/// names). Only doc comments that hold one are rewritten.
pub(crate) fn restore_docs(api: &openapiv3::OpenAPI, file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Docs<'a> {
        fix: &'a FixUps,
    }
    impl syn::visit_mut::VisitMut for Docs<'_> {
        fn visit_attribute_mut(&mut self, attribute: &mut syn::Attribute) {
            if let syn::Meta::NameValue(pair) = &mut attribute.meta
                && pair.path.is_ident("doc")
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(lit),
                    ..
                }) = &mut pair.value
                && let Some(restored) = self.fix.restore(&lit.value())
            {
                *lit = syn::LitStr::new(&restored, lit.span());
            }
        }
    }
    let fix = FixUps::of(api);
    if fix.names.is_empty() && fix.stand_ins.is_empty() {
        return;
    }
    Docs { fix: &fix }.visit_file_mut(file);
}

struct FixVisitor<'a> {
    fix: &'a FixUps,
}

impl syn::visit_mut::VisitMut for FixVisitor<'_> {
    fn visit_attribute_mut(&mut self, attribute: &mut syn::Attribute) {
        if let syn::Meta::List(list) = &mut attribute.meta {
            list.tokens = self.fix.restore_tokens(std::mem::take(&mut list.tokens));
        }
        syn::visit_mut::visit_attribute_mut(self, attribute);
    }

    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        // The literal as written is cheaper to search than its unescaped value, and almost
        // every literal (documentation, mostly) has nothing to restore.
        if !needs_restoring(&lit.token().to_string()) {
            return;
        }
        if let Some(restored) = self.fix.restore(&lit.value()) {
            *lit = syn::LitStr::new(&restored, lit.span());
        }
    }

    fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
        if !self.fix.stand_ins.is_empty()
            && let Some(real) = self.fix.stand_ins.get(&segment.ident.to_string())
        {
            segment.ident = syn::Ident::new(real, segment.ident.span());
        }
        syn::visit_mut::visit_path_segment_mut(self, segment);
    }

    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        // `progenitor_client::QueryParam::new("name\u{1e}..", &value)` for a deepObject.
        if let syn::Expr::Path(function) = &*call.func
            && function.path.segments.iter().any(|s| s.ident == "QueryParam")
            && let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(first),
                ..
            })) = call.args.first()
            && first.value().contains(crate::adapt::DEEP_PLACEHOLDER)
        {
            call.func = syn::parse_quote!(super::deep_object::DeepObject::new);
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        // `client.client.options(url)`: reqwest names only the common methods.
        if self.fix.other_methods
            && (call.method == "options" || call.method == "trace")
            && matches!(&*call.receiver, syn::Expr::Field(f) if matches!(&f.member, syn::Member::Named(m) if m == "client"))
            && call.args.len() == 1
        {
            let method = syn::Ident::new(&call.method.to_string().to_uppercase(), call.method.span());
            call.method = syn::Ident::new("request", call.method.span());
            call.args.insert(0, syn::parse_quote!(reqwest::Method::#method));
        }
        syn::visit_mut::visit_expr_method_call_mut(self, call);
    }
}

/// Why progenitor gave up: it returned an error, or it panicked.
#[derive(Debug)]
enum Failure {
    Refused(String),
    Panicked(String),
}

fn settings(extend: &crate::extend::Settings) -> Result<progenitor::GenerationSettings> {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Separate)
        .with_derive("PartialEq");
    if let Some(runtime) = &extend.runtime {
        // The runtime keeps the client's configuration as progenitor's "inner" value and
        // must implement the hooks (auth, timeouts); see `extend::runtime`.
        let runtime: syn::Path = syn::parse_str(runtime).map_err(|e| {
            Error::new(
                Stage::Generate,
                None,
                format!("runtime path `{runtime}` is not a Rust path: {e}"),
            )
        })?;
        settings
            .with_inner_type(quote::quote!(#runtime::ClientConfig))
            .with_hooks(progenitor::HooksMode::Expected);
    }
    Ok(settings)
}

fn run_progenitor(
    api: &openapiv3::OpenAPI,
    settings: &progenitor::GenerationSettings,
) -> std::result::Result<TokenStream, Failure> {
    let mut generator = progenitor::Generator::new(settings);
    match catch_quietly(|| generator.generate_tokens(api)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(Failure::Refused(e.to_string())),
        Err(message) => Err(Failure::Panicked(message)),
    }
}

/// Finds every operation progenitor fails on, or, when it fails with no operation at all,
/// every component schema: the first becomes the error's location, the others its
/// [`Error::also`], so that the degradation ladder gives them all up in one step. Only
/// failing runs pay for the search (see [`culprits`]).
fn blame(name: &str, api: &openapiv3::OpenAPI, settings: &progenitor::GenerationSettings, failure: Failure) -> Error {
    let operations: Vec<(String, String)> = api
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| item.iter().map(move |(method, _)| (path.clone(), method.to_owned())))
        .collect();
    let found: Vec<(String, String, Failure)> = match run_progenitor(&first_operations(api, &[]), settings).err() {
        Some(alone) => {
            let schemas = blame_schemas(api, settings);
            if schemas.is_empty() {
                vec![(
                    "/components/schemas".to_owned(),
                    "the component schemas".to_owned(),
                    alone,
                )]
            } else {
                schemas
                    .into_iter()
                    .map(|(schema, failure)| {
                        (
                            pointer::join("/components/schemas", &schema),
                            format!("the schema `{schema}`"),
                            failure,
                        )
                    })
                    .collect()
            }
        }
        None => {
            let mut fails = |ops: &[(String, String)]| run_progenitor(&first_operations(api, ops), settings).err();
            culprits(&operations, failure, &mut fails)
                .into_iter()
                .map(|((path, method), failure)| {
                    let id = api
                        .paths
                        .paths
                        .get(&path)
                        .and_then(|item| item.as_item())
                        .and_then(|item| item.iter().find(|(m, _)| *m == method))
                        .and_then(|(_, op)| op.operation_id.clone())
                        .unwrap_or_default();
                    (
                        pointer::join(&pointer::join("/paths", &path), &method),
                        format!("operation `{id}`"),
                        failure,
                    )
                })
                .collect()
        }
    };
    let reason = |what: &str, failure: Failure| match failure {
        Failure::Refused(why) => format!("progenitor cannot generate {what}: {why}"),
        Failure::Panicked(why) => format!("progenitor panicked while generating {what}: {why}"),
    };
    let mut found = found.into_iter();
    let Some((at, what, failure)) = found.next() else {
        return Error::at(
            Stage::Generate,
            name,
            "",
            "progenitor failed, and on no part of the document alone",
        );
    };
    let mut error = Error::at(Stage::Generate, name, at, reason(&what, failure));
    error.also = Box::new(
        found
            .map(|(at, what, failure)| (crate::Location::new(name, at), reason(&what, failure)))
            .collect(),
    );
    error
}

/// The items whose presence makes `fails` fail, found by halving: a half that fails on its
/// own holds a culprit, and is halved again. Independent culprits (the usual case: one bad
/// schema or operation does not need another to fail) are all found, in about
/// `2 k log(n / k)` runs for `k` of `n`; when neither half fails alone (two items fail only
/// together), the shortest failing prefix names the one that completes the failure.
fn culprits<T: Clone>(
    items: &[T],
    failure: Failure,
    fails: &mut dyn FnMut(&[T]) -> Option<Failure>,
) -> Vec<(T, Failure)> {
    let mut found = Vec::new();
    let mut pending = vec![(items.to_vec(), failure)];
    while let Some((items, failure)) = pending.pop() {
        if let [only] = items.as_slice() {
            found.push((only.clone(), failure));
            continue;
        }
        if items.is_empty() {
            continue;
        }
        let (left, right) = items.split_at(items.len() / 2);
        let (in_left, in_right) = (fails(left), fails(right));
        if in_left.is_none() && in_right.is_none() {
            // fails(empty) is false and fails(items) true: keep that invariant while halving.
            let (mut good, mut bad) = (0, items.len());
            let mut last = failure;
            while bad - good > 1 {
                let middle = good + (bad - good) / 2;
                match fails(&items[..middle]) {
                    Some(f) => {
                        bad = middle;
                        last = f;
                    }
                    None => good = middle,
                }
            }
            found.push((items[bad - 1].clone(), last));
            continue;
        }
        // Right first onto the stack, so culprits come out in document order.
        if let Some(f) = in_right {
            pending.push((right.to_vec(), f));
        }
        if let Some(f) = in_left {
            pending.push((left.to_vec(), f));
        }
    }
    found
}

/// Finds the component schemas typify fails on, as [`blame`] finds operations: with no
/// operations, a set of schemas kept as written (the others standing in as "any value", so
/// that references to them resolve) fails when it holds one.
fn blame_schemas(api: &openapiv3::OpenAPI, settings: &progenitor::GenerationSettings) -> Vec<(String, Failure)> {
    let mut bare = first_operations(api, &[]);
    let Some(components) = bare.components.as_ref() else {
        return Vec::new();
    };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    let original = components.schemas.clone();
    let any = openapiv3::ReferenceOr::Item(openapiv3::Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    });
    let mut fails = |kept: &[String]| {
        if let Some(components) = bare.components.as_mut() {
            for name in &names {
                let schema = if kept.contains(name) {
                    original.get(name).cloned().unwrap_or_else(|| any.clone())
                } else {
                    any.clone()
                };
                components.schemas.insert(name.clone(), schema);
            }
        }
        run_progenitor(&bare, settings).err()
    };
    if fails(&[]).is_some() {
        return Vec::new();
    }
    let Some(failure) = fails(&names) else {
        return Vec::new();
    };
    culprits(&names, failure, &mut fails)
}

/// `api` with only the given operations (and every component).
fn first_operations(api: &openapiv3::OpenAPI, keep: &[(String, String)]) -> openapiv3::OpenAPI {
    let mut api = api.clone();
    for (path, item) in api.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        let slots = crate::validate::operation_slots(item);
        for (method, slot) in slots {
            if !keep.iter().any(|(p, m)| p == path && m == method) {
                *slot = None;
            }
        }
    }
    api
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into its message. While it runs, the panic hook stays silent
/// on this thread: the panic is reported as an error, and a backtrace on stderr beside it
/// would read as a crash. Other threads' panics are printed as before.
pub fn catch_quietly<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)")
            .to_owned()
    })
}

/// Removes multipart request bodies so that progenitor generates the rest of the operation.
pub fn strip_multipart_bodies(api: &mut openapiv3::OpenAPI) {
    for (_, item) in api.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for operation in crate::validate::operation_slots(item)
            .into_iter()
            .filter_map(|(_, slot)| slot.as_mut())
        {
            let is_multipart = matches!(
                &operation.request_body,
                Some(openapiv3::ReferenceOr::Item(body)) if body.content.contains_key(MULTIPART)
            );
            if is_multipart {
                operation.request_body = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve renames of one Rust name: the placeholders with indexes 1 and 10 share a prefix,
    /// and each must still come back as its own wire name.
    #[test]
    fn placeholders_sharing_a_prefix_restore_to_their_own_wire_names() {
        let mut schemas = serde_json::Map::new();
        for i in 0..12 {
            schemas.insert(
                format!("Model{i}"),
                serde_json::json!({"type": "object", "properties": {"isGlobal": {"type": "boolean"}, "is_global": {"type": "string"}}}),
            );
        }
        let spec = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas}
        });
        let source = crate::Source::new("s.json", serde_json::to_vec(&spec).expect("json"));
        let code = crate::generate(&source, None).expect("generates").code;
        assert_eq!(code.matches("rename = \"isGlobal\"").count(), 12, "{code}");
        assert!(!code.contains("\\u{1") && !code.contains("\\u001"), "{code}");
    }

    /// typify panics on an object with a `format` (normalize drops it first, so the test
    /// hands progenitor the raw document): the error names that schema, found by bisection.
    #[test]
    fn a_schema_typify_fails_on_is_named_exactly() {
        let api: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "Alpha": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Bravo"}}},
                "Bravo": {"type": "string"},
                "Charlie": {"type": "object", "format": "uri-map"},
                "Delta": {"type": "object", "properties": {"c": {"$ref": "#/components/schemas/Charlie"}}}
            }}
        }))
        .expect("document");
        let err = generate("s.yaml", &api, &crate::Settings::default()).expect_err("typify panics");
        assert!(
            err.to_string().starts_with(
                "s.yaml#/components/schemas/Charlie: progenitor panicked while generating the schema `Charlie`"
            ),
            "{err}"
        );
    }
}
