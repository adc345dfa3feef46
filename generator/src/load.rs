//! Stage 1: bytes to a JSON tree.
//!
//! The format is chosen by content, not by file name: a document whose first significant
//! character is `{` is JSON, anything else is YAML. Registries serve `/openapi` without an
//! extension, and users save it under whatever name they like.

use serde_json::{Map, Number, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Result, Stage};

/// The syntax a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// A parsed input document, with what later stages need to name it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name errors and the generated header use (a path as the user gave it).
    pub name: String,
    pub syntax: Syntax,
    /// Lowercase hex SHA-256 of the exact bytes read.
    pub sha256: String,
    pub value: Value,
}

/// Parses `bytes` as JSON or YAML. The result is always a JSON object at the top.
pub fn load(name: &str, bytes: &[u8]) -> Result<Document> {
    // The digest (for the generated file's header) takes GitHub's 3.7 MB description about
    // 25 ms, as long as a tenth of the parse: it runs beside it.
    std::thread::scope(|scope| {
        let digest = std::thread::Builder::new().spawn_scoped(scope, || hex_sha256(bytes));
        let (syntax, value) = parse(name, bytes)?;
        let sha256 = match digest.map(|thread| thread.join()) {
            Ok(Ok(sha256)) => sha256,
            _ => hex_sha256(bytes),
        };
        Ok(Document {
            name: name.to_owned(),
            syntax,
            sha256,
            value,
        })
    })
}

/// The document's syntax and tree.
fn parse(name: &str, bytes: &[u8]) -> Result<(Syntax, Value)> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        let mut location = Location::new(name, "");
        location.line_col = Some((line, col));
        Error::new(
            Stage::Load,
            Some(location),
            format!("not UTF-8: invalid byte at offset {}", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.trim_start().chars().next();
    let (syntax, value) = match first {
        None => return Err(Error::at(Stage::Load, name, "", "the document is empty")),
        Some('{') => (Syntax::Json, parse_json(name, text)?),
        Some(_) => (Syntax::Yaml, parse_yaml(name, text)?),
    };
    if !value.is_object() {
        return Err(Error::at(
            Stage::Load,
            name,
            "",
            format!(
                "expected an OpenAPI document (a mapping at the top), found {}",
                kind_of(&value)
            ),
        ));
    }
    Ok((syntax, value))
}

fn parse_json(name: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        let mut location = Location::new(name, "");
        location.line_col = Some((e.line(), e.column()));
        Error::new(
            Stage::Load,
            Some(location),
            format!("invalid JSON: {}", strip_position(&e.to_string())),
        )
    })
}

/// The only place that knows which YAML library the project uses: `serde_yaml` is no longer
/// maintained, and swapping it must touch nothing else.
pub fn parse_yaml(name: &str, text: &str) -> Result<Value> {
    let Wide(mut yaml) = serde_yaml::from_str(text).map_err(|e| {
        let mut location = Location::new(name, "");
        location.line_col = e.location().map(|l| (l.line(), l.column()));
        Error::new(
            Stage::Load,
            Some(location),
            format!("invalid YAML: {}", strip_position(&e.to_string())),
        )
    })?;
    yaml.apply_merge()
        .map_err(|e| Error::at(Stage::Load, name, "", format!("invalid YAML merge key: {e}")))?;
    yaml_to_json(name, yaml, &mut String::new())
}

/// A YAML tree read like `serde_yaml::Value`, except that integers beyond 64 bits become
/// floats, as JSON parsers read them: `minimum: -9223372036854776000` (an `i64` bound printed
/// by a float formatter, common in generated documents) must load the same from YAML as from
/// JSON, where `serde_yaml::Value` refuses it as "invalid YAML".
struct Wide(serde_yaml::Value);

impl<'de> serde::Deserialize<'de> for Wide {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(WideVisitor).map(Wide)
    }
}

struct WideVisitor;

impl<'de> serde::de::Visitor<'de> for WideVisitor {
    type Value = serde_yaml::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(u.into()))
    }

    // The lossy conversion is the point: it is what JSON parsers do with such numbers.
    #[allow(clippy::cast_precision_loss)]
    fn visit_i128<E>(self, i: i128) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((i as f64).into()))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u128<E>(self, u: u128) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((u as f64).into()))
    }

    fn visit_f64<E>(self, f: f64) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(f.into()))
    }

    fn visit_str<E>(self, s: &str) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(s))
    }

    fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        serde::Deserialize::deserialize(d).map(|Wide(v)| v)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Wide(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_yaml::Value::Sequence(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
        let mut out = serde_yaml::Mapping::new();
        while let Some((Wide(key), Wide(value))) = map.next_entry()? {
            // The same message as serde_yaml's own, which the bad-input corpus pins.
            if out.contains_key(&key) {
                let shown = match &key {
                    serde_yaml::Value::String(s) => format!("{s:?}"),
                    other => serde_yaml::to_string(other).unwrap_or_default().trim_end().to_owned(),
                };
                return Err(serde::de::Error::custom(format!("duplicate entry with key {shown}")));
            }
            out.insert(key, value);
        }
        Ok(serde_yaml::Value::Mapping(out))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> std::result::Result<Self::Value, A::Error> {
        use serde::de::VariantAccess;
        let (tag, contents) = data.variant::<String>()?;
        let Wide(value) = contents.newtype_variant()?;
        Ok(serde_yaml::Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}

/// YAML allows what JSON does not (integer keys such as unquoted `200:`, tagged values,
/// non-finite floats). Keys become strings, as OpenAPI means them; the rest is refused with
/// its location.
fn yaml_to_json(name: &str, yaml: serde_yaml::Value, pointer: &mut String) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(Number::from_f64(f).ok_or_else(|| {
                    Error::at(
                        Stage::Load,
                        name,
                        pointer.clone(),
                        format!("number {n} has no JSON form"),
                    )
                })?)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                out.push(yaml_to_json(name, item, pointer)?);
                pointer.truncate(len);
            }
            Value::Array(out)
        }
        Y::Mapping(entries) => {
            let mut out = Map::with_capacity(entries.len());
            for (key, item) in entries {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => {
                        return Err(Error::at(
                            Stage::Load,
                            name,
                            pointer.clone(),
                            format!("mapping key must be a scalar, found {}", yaml_kind(&other)),
                        ));
                    }
                };
                let len = pointer.len();
                pointer.push_str(&crate::pointer::join("", &key));
                let value = yaml_to_json(name, item, pointer)?;
                pointer.truncate(len);
                if out.insert(key.clone(), value).is_some() {
                    return Err(Error::at(
                        Stage::Load,
                        name,
                        pointer.clone(),
                        format!("duplicate key `{key}`"),
                    ));
                }
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            return Err(Error::at(
                Stage::Load,
                name,
                pointer.clone(),
                format!("YAML tag `{}` has no meaning in OpenAPI", tagged.tag),
            ));
        }
    })
}

fn yaml_kind(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Sequence(_) => "a sequence",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
        _ => "a scalar",
    }
}

/// A short name for the JSON type of `value`, for messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parsers append " at line X column Y"; the location already says it.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_are_told_apart_by_content_not_name() {
        let json = load("spec.yaml", br#"{"openapi": "3.1.0"}"#).expect("json");
        assert_eq!(json.syntax, Syntax::Json);
        let yaml = load("spec.json", b"openapi: 3.1.0\n").expect("yaml");
        assert_eq!(yaml.syntax, Syntax::Yaml);
        assert_eq!(json.value, yaml.value);
    }

    #[test]
    fn integer_yaml_keys_become_strings() {
        let doc = load("s", b"responses:\n  200:\n    description: ok\n").expect("yaml");
        assert_eq!(doc.value["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn yaml_merge_keys_are_applied() {
        let doc = load("s", b"a: &x {k: 1}\nb:\n  <<: *x\n  j: 2\n").expect("yaml");
        assert_eq!(doc.value["b"]["k"], 1);
    }

    #[test]
    fn errors_carry_line_and_column() {
        let err = load("bad.json", b"{\n  \"a\": ,\n}").expect_err("invalid");
        assert_eq!(err.location.as_ref().and_then(|l| l.line_col), Some((2, 8)));
        assert!(err.to_string().starts_with("bad.json:2:8: invalid JSON"), "{err}");

        let err = load("bad.yaml", b"a: [1, 2\nb: 3\n").expect_err("invalid");
        assert!(err.to_string().starts_with("bad.yaml:"), "{err}");
        assert!(err.reason.contains("invalid YAML"), "{err}");
    }

    #[test]
    fn refuses_empty_non_utf8_and_non_mapping_documents() {
        assert_eq!(load("e", b"  \n").expect_err("empty").reason, "the document is empty");
        let err = load("b", b"openapi: \xff\n").expect_err("bytes");
        assert_eq!(err.to_string(), "b:1:10: not UTF-8: invalid byte at offset 9");
        let err = load("l", b"- a\n- b\n").expect_err("list");
        assert!(err.reason.contains("found an array"), "{err}");
    }

    #[test]
    fn integers_beyond_64_bits_load_from_yaml_as_from_json() {
        let yaml = load(
            "s",
            b"minimum: -9223372036854776000\nmaximum: 9223372036854776000\nbig: 18446744073709551616\n",
        )
        .expect("yaml");
        let json = load(
            "s",
            br#"{"minimum": -9223372036854776000, "maximum": 9223372036854776000, "big": 18446744073709551616}"#,
        )
        .expect("json");
        assert_eq!(yaml.value, json.value);
        assert_eq!(yaml.value["minimum"].as_f64(), Some(-9.223_372_036_854_776e18));
    }

    #[test]
    fn yaml_tags_survive_to_be_refused_with_their_place() {
        let err = load("t", b"a:\n  b: !include other.yaml\n").expect_err("tag");
        assert_eq!(err.to_string(), "t#/a/b: YAML tag `!include` has no meaning in OpenAPI");
    }

    #[test]
    fn duplicate_yaml_keys_are_refused() {
        let err = load("d", b"a: 1\na: 2\n").expect_err("dup");
        assert!(err.reason.contains("duplicate"), "{err}");
    }

    #[test]
    fn hash_is_of_the_exact_bytes() {
        let doc = load("s", b"{}").expect("json");
        assert_eq!(
            doc.sha256,
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }
}
