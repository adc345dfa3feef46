//! Schemas: types, formats, enums, constraints, properties, items and variants, with the
//! verdict for the Rust types typify generates from them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use generator::pointer::join;
use serde_json::{Map, Value};

use super::view::View;
use super::{Ctx, Differ, Direction, HERE, Raw, Step, Subject, prefix, show};
use crate::change::Level::{self, Breaking, NonBreaking, PotentiallyBreaking};
use crate::change::Side;
use crate::resolve::Document;

/// The schema that allows anything: what a missing `items` means.
static ANY: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));

/// Where a schema sits, which decides what its nullability does to the Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A parameter's or a body's own schema.
    Top(Subject),
    /// An object property, with whether the parent requires it on each side.
    Property { base_required: bool, head_required: bool },
    /// Array items, map values or one variant of a union.
    Inner,
}

impl Slot {
    pub fn top(ctx: Ctx) -> Self {
        Slot::Top(ctx.subject)
    }
}

/// Whether typify wraps the field in `Option`: nullable, or neither required nor defaulted.
fn is_option(required: bool, nullable: bool, has_default: bool) -> bool {
    nullable || (!required && !has_default)
}

fn nullable(value: &Value) -> bool {
    value.get("nullable").and_then(Value::as_bool).unwrap_or(false)
}

/// A schema's shape without its documentation, to recognize a renamed property or parameter.
pub(crate) fn signature(doc: &Document, schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return format!("ref:{reference}");
    }
    let (resolved, _) = doc.resolve(schema);
    strip_docs(resolved).to_string()
}

fn strip_docs(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "description" | "example" | "examples" | "title"))
                .map(|(k, v)| (k.clone(), strip_docs(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

impl<'a> Differ<'a> {
    /// Compares the schemas in one slot: their nullability (whose effect on the Rust type
    /// depends on the slot), then the schemas themselves.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn slot(
        &mut self,
        ctx: Ctx,
        slot: Slot,
        base: &'a Value,
        head: &'a Value,
        bp: &str,
        hp: &str,
        out: &mut Vec<Raw>,
    ) {
        let (base_value, base_target) = self.base.resolve(base);
        let (head_value, head_target) = self.head.resolve(head);
        let base_pointer = base_target.clone().unwrap_or_else(|| bp.to_owned());
        let head_pointer = head_target.clone().unwrap_or_else(|| hp.to_owned());

        let (bn, hn) = (nullable(base_value), nullable(head_value));
        if bn != hn {
            let rust = match slot {
                Slot::Top(Subject::Parameter) => NonBreaking,
                Slot::Top(_) | Slot::Inner => Breaking,
                Slot::Property { base_required, .. } => {
                    let has_default = base_value.get("default").is_some();
                    if is_option(base_required, bn, has_default) == is_option(base_required, hn, has_default) {
                        NonBreaking
                    } else {
                        Breaking
                    }
                }
            };
            let (suffix, wire, verb) = match (hn, ctx.dir) {
                (true, Direction::Request) => ("became-nullable", NonBreaking, "now accepts null"),
                (true, Direction::Response) => ("became-nullable", Breaking, "may now be null"),
                (false, Direction::Request) => ("became-not-nullable", Breaking, "no longer accepts null"),
                (false, Direction::Response) => ("became-not-nullable", NonBreaking, "is never null any more"),
            };
            let subject = match slot {
                Slot::Top(_) => ctx,
                _ => ctx.nested(),
            };
            // `nullable` is only written where it is true.
            let (side, at) = if hn {
                (Side::Head, &head_pointer)
            } else {
                (Side::Base, &base_pointer)
            };
            out.push(Raw::new(
                subject.id(suffix),
                wire,
                rust,
                side,
                join(at, "nullable"),
                format!("{HERE} {verb}"),
            ));
        }

        let key = match (base_target, head_target) {
            (Some(b), Some(h)) => Some((b, h, ctx.dir, ctx.subject as u8)),
            _ => None,
        };
        self.memoized(key, out, |differ, out| {
            differ.schema(ctx, base_value, head_value, base_pointer, head_pointer, out);
        });
    }

    fn schema(&mut self, ctx: Ctx, base: &'a Value, head: &'a Value, bp: String, hp: String, out: &mut Vec<Raw>) {
        if base == head && !contains_ref(base) && self.base.original_at(&bp) == self.head.original_at(&hp) {
            return;
        }
        let b = View::new(&self.base, base, bp);
        let h = View::new(&self.head, head, hp);
        let request = ctx.dir == Direction::Request;
        let what = HERE;
        let rust_scalar_changed = b.rust_scalar() != h.rust_scalar();

        // A schema that became a union (or stopped being one) loses or gains its `type`; the
        // variants say what changed, so an untyped union is not reported as `any`.
        let union_untyped =
            (b.types.is_empty() && !b.variants().is_empty()) || (h.types.is_empty() && !h.variants().is_empty());
        if b.types != h.types && !union_untyped {
            let widened = |from: &BTreeSet<String>, to: &BTreeSet<String>| {
                to.is_empty()
                    || from
                        .iter()
                        .all(|t| to.contains(t) || (t == "integer" && to.contains("number")))
                        && !from.is_empty()
            };
            let wire = if request {
                if widened(&b.types, &h.types) {
                    NonBreaking
                } else {
                    Breaking
                }
            } else if !b.types.is_empty() && widened(&h.types, &b.types) {
                NonBreaking
            } else {
                Breaking
            };
            let name = |types: &BTreeSet<String>| {
                if types.is_empty() {
                    "any".to_owned()
                } else {
                    types.iter().cloned().collect::<Vec<_>>().join(" | ")
                }
            };
            out.push(Raw::new(
                ctx.id("type-changed"),
                wire,
                Breaking,
                Side::Head,
                join(&h.pointer, "type"),
                format!("{what} changed type from {} to {}", name(&b.types), name(&h.types)),
            ));
        } else if b.types == h.types && b.format() != h.format() {
            let wire = match (b.format(), h.format()) {
                (Some(_), None) if request => NonBreaking,
                (None, Some(_)) if !request => NonBreaking,
                _ => PotentiallyBreaking,
            };
            let rust = if rust_scalar_changed { Breaking } else { NonBreaking };
            out.push(Raw::new(
                ctx.id("format-changed"),
                wire,
                rust,
                Side::Head,
                join(&h.pointer, "format"),
                format!(
                    "{what} changed format from {} to {}",
                    b.format().unwrap_or("none"),
                    h.format().unwrap_or("none")
                ),
            ));
        }

        self.enums(ctx, &b, &h, what, out);
        self.constraints(ctx, &b, &h, what, rust_scalar_changed, out);
        self.assertions(ctx, &b, &h, out);

        if b.keyword("default") != h.keyword("default") && b.keyword("default").is_some() {
            out.push(Raw::new(
                ctx.id("default-changed"),
                if request { PotentiallyBreaking } else { NonBreaking },
                NonBreaking,
                Side::Head,
                join(&h.pointer, "default"),
                format!(
                    "{what} default changed from {} to {}",
                    b.keyword("default").map(show).unwrap_or_else(|| "none".to_owned()),
                    h.keyword("default").map(show).unwrap_or_else(|| "none".to_owned())
                ),
            ));
        }

        self.properties(ctx, &b, &h, out);

        let inner = ctx.nested();
        for keyword in ["items", "additionalProperties"] {
            let (mut bi, mut hi) = (b.keyword(keyword), h.keyword(keyword));
            // An array whose `items` appear or go away changes what its elements may be; an
            // absent `items` is any value.
            if keyword == "items" && b.types.contains("array") && h.types.contains("array") {
                bi = bi.or(Some(&ANY));
                hi = hi.or(Some(&ANY));
            }
            if let (Some(bi), Some(hi)) = (bi, hi)
                && bi.is_object()
                && hi.is_object()
            {
                let bp = join(&b.pointer, keyword);
                let hp = join(&h.pointer, keyword);
                let from = out.len();
                self.slot(inner, Slot::Inner, bi, hi, &bp, &hp, out);
                let step = if keyword == "items" { Step::Items } else { Step::Values };
                prefix(out, from, step);
            }
        }
        self.variants(ctx, &b, &h, what, out);
    }

    fn enums(&mut self, ctx: Ctx, b: &View<'a>, h: &View<'a>, what: &str, out: &mut Vec<Raw>) {
        let request = ctx.dir == Direction::Request;
        let pointer = join(&h.pointer, "enum");
        match (b.enumeration(), h.enumeration()) {
            // A one-value enum is a `const` (3.1 `const` is normalized into one): every
            // message now carries a value the other side never saw or accepts.
            (Some((bv, true)), Some((hv, true))) if bv.len() == 1 && hv.len() == 1 && bv != hv => {
                let (old, new) = (bv.iter().next(), hv.iter().next());
                out.push(Raw::new(
                    ctx.id("const-changed"),
                    Breaking,
                    Breaking,
                    Side::Head,
                    &pointer,
                    format!(
                        "{what} changed its only allowed value from {} to {}",
                        old.map_or("", String::as_str),
                        new.map_or("", String::as_str)
                    ),
                ));
            }
            (Some((bv, b_closed)), Some((hv, h_closed))) => {
                let closed = b_closed || h_closed;
                let added: Vec<&String> = hv.difference(&bv).collect();
                let removed: Vec<&String> = bv.difference(&hv).collect();
                let list = |values: &[&String]| values.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ");
                if !added.is_empty() {
                    let (wire, rust) = match (request, closed) {
                        (true, true) => (NonBreaking, PotentiallyBreaking),
                        (false, true) => (PotentiallyBreaking, Breaking),
                        (_, false) => (NonBreaking, NonBreaking),
                    };
                    let tail = match (request, closed) {
                        (_, false) => "",
                        (true, true) => ": the Rust enum gains variants",
                        (false, true) => ": the Rust enum gains variants, so exhaustive matches break",
                    };
                    out.push(Raw::new(
                        ctx.id("enum-value-added"),
                        wire,
                        rust,
                        Side::Head,
                        &pointer,
                        format!("{what} gained enum values {}{tail}", list(&added)),
                    ));
                }
                if !removed.is_empty() {
                    let wire = if request { Breaking } else { NonBreaking };
                    let rust = if closed { Breaking } else { NonBreaking };
                    out.push(Raw::new(
                        ctx.id("enum-value-removed"),
                        wire,
                        rust,
                        Side::Head,
                        &pointer,
                        format!("{what} lost enum values {}", list(&removed)),
                    ));
                }
            }
            (None, Some((_, closed))) => out.push(Raw::new(
                ctx.id("became-enum"),
                if request { Breaking } else { NonBreaking },
                if closed { Breaking } else { NonBreaking },
                Side::Head,
                &pointer,
                format!("{what} became an enum: only the listed values are allowed"),
            )),
            (Some((_, closed)), None) => out.push(Raw::new(
                ctx.id("became-not-enum"),
                if request { NonBreaking } else { PotentiallyBreaking },
                if closed { Breaking } else { NonBreaking },
                Side::Head,
                &h.pointer,
                format!("{what} is no longer an enum: any value of its type is allowed"),
            )),
            (None, None) => {}
        }
    }

    fn constraints(
        &mut self,
        ctx: Ctx,
        b: &View<'a>,
        h: &View<'a>,
        what: &str,
        rust_changed: bool,
        out: &mut Vec<Raw>,
    ) {
        let rust = if rust_changed {
            Breaking
        } else if b.constrained_string() != h.constrained_string() {
            PotentiallyBreaking
        } else {
            NonBreaking
        };
        let request = ctx.dir == Direction::Request;
        let mut emit = |keyword: &str, tightened: bool, detail: String| {
            let (suffix, wire) = match (tightened, request) {
                (true, true) => ("constraint-tightened", Breaking),
                (true, false) => ("constraint-tightened", NonBreaking),
                (false, true) => ("constraint-loosened", NonBreaking),
                (false, false) => ("constraint-loosened", PotentiallyBreaking),
            };
            out.push(Raw::new(
                ctx.id(suffix),
                wire,
                rust,
                Side::Head,
                join(&h.pointer, keyword),
                format!("{what}: {keyword} {detail}"),
            ));
        };
        // A keyword only constrains values of its own type: `maxItems` on a string changes
        // nothing, whatever its value.
        let applies = |view: &View, keyword: &str| {
            let family = match keyword {
                "maxLength" | "minLength" | "pattern" => "string",
                "maxItems" | "minItems" | "uniqueItems" => "array",
                "maxProperties" | "minProperties" => "object",
                _ => "number",
            };
            view.types.is_empty()
                || view.types.contains(family)
                || (family == "number" && view.types.contains("integer"))
        };
        let number = |view: &View, key: &str| view.keyword(key).and_then(Value::as_f64).filter(|_| applies(view, key));
        for (keyword, upper) in [
            ("maximum", true),
            ("maxLength", true),
            ("maxItems", true),
            ("maxProperties", true),
            ("minimum", false),
            ("minLength", false),
            ("minItems", false),
            ("minProperties", false),
        ] {
            let (old, new) = (number(b, keyword), number(h, keyword));
            let tightened = match (old, new) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o != n => (n < o) == upper,
                _ => continue,
            };
            let text = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".to_owned());
            emit(
                keyword,
                tightened,
                format!("changed from {} to {}", text(old), text(new)),
            );
        }
        for keyword in ["exclusiveMaximum", "exclusiveMinimum", "uniqueItems"] {
            let flag =
                |view: &View| applies(view, keyword) && view.keyword(keyword).and_then(Value::as_bool).unwrap_or(false);
            if flag(b) != flag(h) {
                emit(keyword, flag(h), format!("changed from {} to {}", flag(b), flag(h)));
            }
        }
        // An empty pattern matches every string: it is no pattern at all.
        let pattern = |view: &View<'a>| {
            view.keyword("pattern")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty() && applies(view, "pattern"))
        };
        match (pattern(b), pattern(h)) {
            (None, Some(p)) => emit("pattern", true, format!("`{p}` was added")),
            (Some(p), None) => emit("pattern", false, format!("`{p}` was removed")),
            (Some(o), Some(n)) if o != n => out.push(Raw::new(
                ctx.id("pattern-changed"),
                PotentiallyBreaking,
                rust,
                Side::Head,
                join(&h.pointer, "pattern"),
                format!("{what}: pattern changed from `{o}` to `{n}`"),
            )),
            _ => {}
        }
    }

    /// The JSON Schema keywords normalization drops (3.1 only) or typify ignores (`not`),
    /// compared on the documents as written. Each only ever narrows what is valid, so one
    /// added is a new restriction and one removed lifts it; a bound moves either way; any
    /// other edit of one may narrow or widen, which only a reader can tell. The generated
    /// types enforce none of them, so the Rust API does not move.
    fn assertions(&mut self, ctx: Ctx, b: &View<'a>, h: &View<'a>, out: &mut Vec<Raw>) {
        // The node as written; a document without the dropped keywords is compared as
        // normalized (`not` survives normalization).
        let written = |doc: &Document<'a>, view: &View<'a>| match doc.original {
            Some(_) => doc.original_at(&view.pointer),
            None => view.layers.first().copied(),
        };
        let (Some(old_schema), Some(new_schema)) = (written(&self.base, b), written(&self.head, h)) else {
            return;
        };
        // Only the keywords are compared, not the whole subtrees: this runs at every level of
        // a schema that changed somewhere below.
        let request = ctx.dir == Direction::Request;
        // `true` and `{}` accept everything: as good as absent.
        let effective = |schema: &'a Value, keyword: &str| {
            schema
                .get(keyword)
                .filter(|v| !matches!(v, Value::Bool(true)) && v.as_object().is_none_or(|m| !m.is_empty()))
        };
        for keyword in ASSERTIONS {
            let (old, new) = (effective(old_schema, keyword), effective(new_schema, keyword));
            let tightened = match (old, new) {
                (None, None) => continue,
                (Some(o), Some(n)) if o == n => continue,
                (None, Some(_)) => Some(true),
                (Some(_), None) => Some(false),
                (Some(o), Some(n)) => match (*keyword, o.as_f64(), n.as_f64()) {
                    ("minContains", Some(o), Some(n)) => Some(n > o),
                    ("maxContains", Some(o), Some(n)) => Some(n < o),
                    ("dependentRequired", _, _) => dependencies_direction(o, n),
                    _ => None,
                },
            };
            let (suffix, wire, verb) = match (tightened, request) {
                (Some(true), true) => ("constraint-tightened", Breaking, "now restricts more"),
                (Some(true), false) => ("constraint-tightened", NonBreaking, "now restricts more"),
                (Some(false), true) => ("constraint-loosened", NonBreaking, "now restricts less"),
                (Some(false), false) => ("constraint-loosened", PotentiallyBreaking, "now restricts less"),
                (None, _) => ("assertion-changed", PotentiallyBreaking, "changed"),
            };
            let what = match (old, new) {
                (None, Some(_)) => "was added".to_owned(),
                (Some(_), None) => "was removed".to_owned(),
                _ => verb.to_owned(),
            };
            let side = if new.is_some() { Side::Head } else { Side::Base };
            let at = if new.is_some() { &h.pointer } else { &b.pointer };
            out.push(Raw::new(
                ctx.id(suffix),
                wire,
                NonBreaking,
                side,
                join(at, keyword),
                format!("{HERE}: `{keyword}` {what} (the generated types do not check it)"),
            ));
        }
    }

    fn properties(&mut self, ctx: Ctx, b: &View<'a>, h: &View<'a>, out: &mut Vec<Raw>) {
        // An object rewritten into a union of objects (or back): its properties are compared
        // with what the variants promise together, so a property no variant keeps, or one
        // that not every variant requires, is not hidden behind "variant added".
        let is_union = |view: &View| view.properties.is_empty() && !view.variants().is_empty();
        let (base_union, head_union);
        let (b, h) = match (is_union(b), is_union(h)) {
            (false, true) if !b.properties.is_empty() => {
                head_union = View::of_variants(&self.head, h);
                (b, head_union.as_ref().unwrap_or(h))
            }
            (true, false) if !h.properties.is_empty() => {
                base_union = View::of_variants(&self.base, b);
                (base_union.as_ref().unwrap_or(b), h)
            }
            _ => (b, h),
        };
        if b.properties.is_empty() && h.properties.is_empty() {
            return;
        }
        // Against a schema that allows anything, the type change says it all; listing every
        // property as added or removed would only repeat it.
        if (b.properties.is_empty() && b.types.is_empty()) || (h.properties.is_empty() && h.types.is_empty()) {
            return;
        }
        let inner = ctx.nested();
        let id_prefix = inner.prefix();
        let request = ctx.dir == Direction::Request;
        // Read-only properties are not sent, write-only ones not received.
        let hidden_flag = if request { "readOnly" } else { "writeOnly" };
        let visible = |doc: &Document<'a>, view: &View<'a>| -> BTreeMap<String, (&'a Value, String)> {
            view.properties
                .iter()
                .filter(|(_, (schema, _))| {
                    !doc.resolve(schema)
                        .0
                        .get(hidden_flag)
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let base_props = visible(&self.base, b);
        let head_props = visible(&self.head, h);
        let removed: Vec<&String> = base_props.keys().filter(|k| !head_props.contains_key(*k)).collect();
        let added: Vec<&String> = head_props.keys().filter(|k| !base_props.contains_key(*k)).collect();

        let mut renamed_to: Vec<&String> = Vec::new();
        for old in removed {
            let (old_schema, old_pointer) = &base_props[old];
            let old_required = b.required.contains(old);
            let old_signature = signature(&self.base, old_schema);
            let new = added.iter().find(|new| {
                !renamed_to.contains(new)
                    && h.required.contains(**new) == old_required
                    && signature(&self.head, head_props[**new].0) == old_signature
            });
            if let Some(new) = new {
                renamed_to.push(new);
                out.push(
                    Raw::new(
                        format!("{id_prefix}-renamed"),
                        Breaking,
                        Breaking,
                        Side::Head,
                        &head_props[*new].1,
                        format!("{HERE} was renamed to `{new}`"),
                    )
                    .at(Step::Property(old)),
                );
                continue;
            }
            let (id, wire, tail) = match (request, old_required) {
                (true, _) => (
                    "request-property-removed",
                    PotentiallyBreaking,
                    ": servers may reject it",
                ),
                (false, true) => ("response-property-removed", Breaking, ""),
                (false, false) => ("response-optional-property-removed", PotentiallyBreaking, ""),
            };
            out.push(
                Raw::new(
                    id,
                    wire,
                    Breaking,
                    Side::Base,
                    old_pointer,
                    format!("{HERE} was removed{tail}"),
                )
                .at(Step::Property(old)),
            );
        }
        for new in added.into_iter().filter(|n| !renamed_to.contains(n)) {
            let required = h.required.contains(new);
            let (id, wire, rust) = match (request, required) {
                (true, true) => ("request-required-property-added", Breaking, Breaking),
                (true, false) => ("request-property-added", NonBreaking, PotentiallyBreaking),
                (false, _) => ("response-property-added", NonBreaking, PotentiallyBreaking),
            };
            let kind = if required { "required" } else { "optional" };
            out.push(
                Raw::new(
                    id,
                    wire,
                    rust,
                    Side::Head,
                    &head_props[new].1,
                    format!("{kind} {HERE} was added"),
                )
                .at(Step::Property(new)),
            );
        }

        for (name, (base_schema, base_pointer)) in &base_props {
            let Some((head_schema, head_pointer)) = head_props.get(name) else {
                continue;
            };
            let (base_required, head_required) = (b.required.contains(name), h.required.contains(name));
            if base_required != head_required {
                let resolved = self.base.resolve(base_schema).0;
                let has_default = resolved.get("default").is_some();
                let was_null = nullable(resolved);
                let rust = if is_option(base_required, was_null, has_default)
                    == is_option(head_required, was_null, has_default)
                {
                    NonBreaking
                } else {
                    Breaking
                };
                let (suffix, wire) = match (head_required, request) {
                    (true, true) => ("became-required", Breaking),
                    (true, false) => ("became-required", NonBreaking),
                    (false, true) => ("became-optional", NonBreaking),
                    (false, false) => ("became-optional", Breaking),
                };
                let state = if head_required { "required" } else { "optional" };
                out.push(
                    Raw::new(
                        format!("{id_prefix}-{suffix}"),
                        wire,
                        rust,
                        Side::Head,
                        &h.required_pointer,
                        format!("{HERE} became {state}"),
                    )
                    .at(Step::Property(name)),
                );
            }
            // Variants that disagree on the property's schema: no one schema to compare with.
            if b.varying.contains(name) || h.varying.contains(name) {
                continue;
            }
            let slot = Slot::Property {
                base_required,
                head_required,
            };
            let from = out.len();
            self.slot(inner, slot, base_schema, head_schema, base_pointer, head_pointer, out);
            prefix(out, from, Step::Property(name));
        }
    }

    fn variants(&mut self, ctx: Ctx, b: &View<'a>, h: &View<'a>, what: &str, out: &mut Vec<Raw>) {
        let base_variants = b.variants();
        let head_variants = h.variants();
        if base_variants.is_empty() && head_variants.is_empty() {
            return;
        }
        let request = ctx.dir == Direction::Request;
        // A schema that becomes a union (or stops being one) changes once, as a whole: its
        // Rust type turns from a struct into an enum (or back). Its properties are compared
        // with the variants' in `properties`.
        let list = |variants: &[(String, &Value, String)]| {
            let keys: Vec<&str> = variants.iter().map(|(k, _, _)| k.as_str()).collect();
            let at = variants
                .first()
                .and_then(|(_, _, p)| p.rsplit_once('/'))
                .map_or(String::new(), |(list, _)| list.to_owned());
            (keys.join(", "), at)
        };
        if base_variants.is_empty() {
            let (keys, at) = list(&head_variants);
            out.push(Raw::new(
                ctx.id("variant-added"),
                if request { NonBreaking } else { PotentiallyBreaking },
                Breaking,
                Side::Head,
                at,
                format!(
                    "{what} became a union of {} variants ({keys}): its Rust type becomes an enum",
                    head_variants.len()
                ),
            ));
            return;
        }
        if head_variants.is_empty() {
            let (keys, at) = list(&base_variants);
            out.push(Raw::new(
                ctx.id("variant-removed"),
                if request { Breaking } else { NonBreaking },
                Breaking,
                Side::Base,
                at,
                format!("{what} is no longer a union of variants ({keys})"),
            ));
            return;
        }
        for (key, base_schema, base_pointer) in &base_variants {
            match head_variants.iter().find(|(k, _, _)| k == key) {
                Some((_, head_schema, head_pointer)) => {
                    self.slot(
                        ctx,
                        Slot::Inner,
                        base_schema,
                        head_schema,
                        base_pointer,
                        head_pointer,
                        out,
                    );
                }
                None => out.push(Raw::new(
                    ctx.id("variant-removed"),
                    if request { Breaking } else { NonBreaking },
                    Breaking,
                    Side::Base,
                    base_pointer,
                    format!("{what} lost the variant {key}"),
                )),
            }
        }
        for (key, _, head_pointer) in &head_variants {
            if !base_variants.iter().any(|(k, _, _)| k == key) {
                let (wire, rust): (Level, Level) = if request {
                    (NonBreaking, PotentiallyBreaking)
                } else {
                    (PotentiallyBreaking, Breaking)
                };
                out.push(Raw::new(
                    ctx.id("variant-added"),
                    wire,
                    rust,
                    Side::Head,
                    head_pointer,
                    format!("{what} gained the variant {key}"),
                ));
            }
        }
    }
}

/// Keywords compared by [`Differ::assertions`].
const ASSERTIONS: &[&str] = &[
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "patternProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "not",
];

/// `dependentRequired` maps a property to those it requires: more entries require more.
/// `Some(true)` when `new` only adds requirements, `Some(false)` when it only drops some.
fn dependencies_direction(old: &Value, new: &Value) -> Option<bool> {
    let pairs = |value: &Value| -> BTreeSet<(String, String)> {
        value
            .as_object()
            .map(|map| {
                map.iter()
                    .flat_map(|(key, list)| {
                        list.as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .map(move |dep| (key.clone(), dep.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old, new) = (pairs(old), pairs(new));
    if new.is_superset(&old) {
        Some(true)
    } else if old.is_superset(&new) {
        Some(false)
    } else {
        None
    }
}

fn contains_ref(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| k == "$ref" || contains_ref(v)),
        Value::Array(items) => items.iter().any(contains_ref),
        _ => false,
    }
}
