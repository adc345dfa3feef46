//! A schema as typify sees it: `allOf` members merged, keywords looked up through them, and
//! an approximation of the Rust type it becomes.

use std::collections::{BTreeMap, BTreeSet};

use generator::pointer::join;
use serde_json::Value;

use super::show;
use crate::resolve::Document;

/// How deep `allOf` merging goes; deeper nesting is left unmerged rather than risking loops.
const MAX_ALL_OF_DEPTH: usize = 8;

/// A schema with its `allOf` members merged in: what typify turns into one type.
pub(crate) struct View<'a> {
    pub pointer: String,
    /// The schema itself and its `allOf` members, for keyword look-ups.
    pub layers: Vec<&'a Value>,
    pub types: BTreeSet<String>,
    pub properties: BTreeMap<String, (&'a Value, String)>,
    pub required: BTreeSet<String>,
    /// Properties whose schema differs between the variants a union view was merged from.
    pub varying: BTreeSet<String>,
    /// Where requiredness is written: the schema's `required`, or for a union view the list
    /// of variants (each has its own).
    pub required_pointer: String,
}

impl<'a> View<'a> {
    pub fn new(doc: &Document<'a>, value: &'a Value, pointer: String) -> Self {
        let mut view = View {
            pointer: pointer.clone(),
            layers: Vec::new(),
            types: BTreeSet::new(),
            properties: BTreeMap::new(),
            required: BTreeSet::new(),
            varying: BTreeSet::new(),
            required_pointer: join(&pointer, "required"),
        };
        view.merge(doc, value, pointer, 0);
        if view.types.is_empty() {
            if !view.properties.is_empty() {
                view.types.insert("object".to_owned());
            } else if view.keyword("items").is_some() {
                view.types.insert("array".to_owned());
            }
        }
        view
    }

    fn merge(&mut self, doc: &Document<'a>, value: &'a Value, pointer: String, depth: usize) {
        self.layers.push(value);
        match value.get("type") {
            Some(Value::String(t)) => {
                self.types.insert(t.clone());
            }
            Some(Value::Array(ts)) => {
                self.types.extend(
                    ts.iter()
                        .filter_map(Value::as_str)
                        .filter(|t| *t != "null")
                        .map(str::to_owned),
                );
            }
            _ => {}
        }
        if let Some(props) = value.get("properties").and_then(Value::as_object) {
            let props_pointer = join(&pointer, "properties");
            for (name, schema) in props {
                self.properties
                    .entry(name.clone())
                    .or_insert_with(|| (schema, join(&props_pointer, name)));
            }
        }
        if let Some(required) = value.get("required").and_then(Value::as_array) {
            self.required
                .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if depth >= MAX_ALL_OF_DEPTH {
            return;
        }
        if let Some(members) = value.get("allOf").and_then(Value::as_array) {
            for (i, member) in members.iter().enumerate() {
                let (resolved, target) = doc.resolve(member);
                let member_pointer = target.unwrap_or_else(|| join(&join(&pointer, "allOf"), &i.to_string()));
                self.merge(doc, resolved, member_pointer, depth + 1);
            }
        }
    }

    /// What a union of objects promises as one object: every property some variant has,
    /// required when every variant requires it. `None` unless every variant is an object.
    pub fn of_variants(doc: &Document<'a>, union: &View<'a>) -> Option<Self> {
        let list_pointer = union
            .variants()
            .first()
            .and_then(|(_, _, at)| at.rsplit_once('/').map(|(list, _)| list.to_owned()))
            .unwrap_or_else(|| union.pointer.clone());
        let mut merged = View {
            required_pointer: list_pointer,
            pointer: union.pointer.clone(),
            layers: Vec::new(),
            types: BTreeSet::from(["object".to_owned()]),
            properties: BTreeMap::new(),
            required: BTreeSet::new(),
            varying: BTreeSet::new(),
        };
        let mut first = true;
        for (_, member, pointer) in union.variants() {
            let (resolved, target) = doc.resolve(member);
            let variant = View::new(doc, resolved, target.unwrap_or(pointer));
            let object = variant.types.iter().all(|t| t == "object") && !variant.properties.is_empty();
            if !object {
                return None;
            }
            for (name, (schema, at)) in &variant.properties {
                match merged.properties.get(name) {
                    Some((seen, _)) if super::schema::signature(doc, seen) != super::schema::signature(doc, schema) => {
                        merged.varying.insert(name.clone());
                    }
                    Some(_) => {}
                    None => {
                        merged.properties.insert(name.clone(), (schema, at.clone()));
                    }
                }
            }
            if first {
                merged.required = variant.required.clone();
                first = false;
            } else {
                merged.required.retain(|name| variant.required.contains(name));
            }
        }
        (!first).then_some(merged)
    }

    /// The first layer that has `key`, with the pointer to report it at.
    pub fn keyword(&self, key: &str) -> Option<&'a Value> {
        self.layers.iter().find_map(|layer| layer.get(key))
    }

    pub fn format(&self) -> Option<&'a str> {
        self.keyword("format").and_then(Value::as_str)
    }

    fn single_type(&self) -> Option<&str> {
        match self.types.len() {
            1 => self.types.iter().next().map(String::as_str),
            _ => None,
        }
    }

    /// The enum's values and whether the set is closed (typify generates a Rust enum) or open
    /// (`x-extensible-enum`: a plain string that clients must expect new values in).
    pub fn enumeration(&self) -> Option<(BTreeSet<String>, bool)> {
        let (values, closed) = match self.keyword("enum") {
            Some(values) => (values, true),
            None => (self.keyword("x-extensible-enum")?, false),
        };
        let values = values.as_array()?.iter().map(show).collect();
        Some((values, closed))
    }

    /// An approximation of the Rust type typify picks for a scalar: formats and integer
    /// bounds choose among `String`, `chrono` types, `Uuid`, and integer widths.
    pub fn rust_scalar(&self) -> String {
        let Some(kind) = self.single_type() else {
            return format!("{:?}", self.types);
        };
        let format = self.format().unwrap_or("");
        match kind {
            "string" => match format {
                "date-time" => "chrono::DateTime<chrono::Utc>",
                "date" => "chrono::NaiveDate",
                "uuid" => "uuid::Uuid",
                "ip" => "std::net::IpAddr",
                "ipv4" => "std::net::Ipv4Addr",
                "ipv6" => "std::net::Ipv6Addr",
                _ => "String",
            }
            .to_owned(),
            "integer" => match format {
                "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" => {
                    format.replace("uint", "u").replace("int", "i")
                }
                _ => match self.keyword("minimum").and_then(Value::as_f64) {
                    Some(min) if min >= 1.0 => "std::num::NonZeroU64".to_owned(),
                    Some(min) if min >= 0.0 => "u64".to_owned(),
                    _ => "i64".to_owned(),
                },
            },
            "number" if format == "float" => "f32".to_owned(),
            "number" => "f64".to_owned(),
            other => other.to_owned(),
        }
    }

    /// Strings with length or pattern limits may become validating newtypes in typify.
    pub fn constrained_string(&self) -> bool {
        self.single_type() == Some("string")
            && ["pattern", "minLength", "maxLength"]
                .iter()
                .any(|k| self.keyword(k).is_some())
    }

    pub fn variants(&self) -> Vec<(String, &'a Value, String)> {
        let mut out = Vec::new();
        for keyword in ["oneOf", "anyOf"] {
            let Some(members) = self
                .layers
                .first()
                .and_then(|v| v.get(keyword))
                .and_then(Value::as_array)
            else {
                continue;
            };
            let list_pointer = join(&self.pointer, keyword);
            for (i, member) in members.iter().enumerate() {
                let key = match member.get("$ref").and_then(Value::as_str) {
                    Some(reference) => reference.to_owned(),
                    None => format!("{keyword}[{i}]"),
                };
                out.push((key, member, join(&list_pointer, &i.to_string())));
            }
        }
        out
    }
}
