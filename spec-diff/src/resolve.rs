//! Looking nodes up by JSON pointer and following local `$ref`s, keeping track of where each
//! node really is so changes can be reported at their place in the document.

use serde_json::Value;

/// How many `$ref`s in a row are followed before giving up: a chain this long is a cycle or
/// a mistake, and the diff reports the node as it is rather than looping.
const MAX_REF_CHAIN: usize = 32;

/// A node and the JSON pointer it lives at in its document.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub pointer: &'a str,
}

/// One side of the comparison: the normalized OpenAPI 3.0 tree, and the document as written
/// (before normalization) when the caller has it.
#[derive(Debug)]
pub struct Document<'a> {
    pub root: &'a Value,
    pub original: Option<&'a Value>,
}

impl<'a> Document<'a> {
    pub fn new(root: &'a Value) -> Self {
        Self { root, original: None }
    }

    pub fn with_original(root: &'a Value, original: Option<&'a Value>) -> Self {
        Self { root, original }
    }

    /// The node at `pointer` in the document as written, if the caller gave it and the node
    /// is still where normalization found it.
    pub fn original_at(&self, pointer: &str) -> Option<&'a Value> {
        self.original?.pointer(pointer)
    }

    /// The node at a JSON pointer (`""` for the root).
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.root.pointer(pointer)
    }

    /// Follows `value`'s `$ref` chain within the document. Returns the target and the pointer
    /// of the last `$ref` followed (the component the node comes from), or the node itself and
    /// `None` when it is not a local reference or the reference is dangling.
    pub fn resolve(&self, value: &'a Value) -> (&'a Value, Option<String>) {
        let mut current = value;
        let mut target = None;
        for _ in 0..MAX_REF_CHAIN {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(pointer) = local_pointer(reference) else {
                break;
            };
            match self.get(&pointer) {
                Some(next) => {
                    current = next;
                    target = Some(pointer);
                }
                None => break,
            }
        }
        (current, target)
    }
}

/// `#/components/schemas/A` → `/components/schemas/A`, undoing URI percent-encoding
/// (`%7B` in path templates); `None` for references to other documents.
pub fn local_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    Some(percent_decode(fragment))
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The last token of a pointer, unescaped: a component's name.
pub fn last_token(pointer: &str) -> String {
    generator::pointer::unescape(pointer.rsplit('/').next().unwrap_or(pointer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_chains_and_stops_on_cycles_and_dangling_refs() {
        let root = json!({
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"type": "string"},
                "Loop": {"$ref": "#/components/schemas/Loop"},
            }},
        });
        let doc = Document::new(&root);
        let (value, at) = doc.resolve(&root["components"]["schemas"]["A"]);
        assert_eq!(value, &json!({"type": "string"}));
        assert_eq!(at.as_deref(), Some("/components/schemas/B"));
        let (_, at) = doc.resolve(&root["components"]["schemas"]["Loop"]);
        assert_eq!(at.as_deref(), Some("/components/schemas/Loop"));
        let dangling = json!({"$ref": "#/components/schemas/Missing"});
        let (value, at) = doc.resolve(&dangling);
        assert_eq!((value, at), (&dangling, None));
    }

    #[test]
    fn decodes_percent_escapes_in_references() {
        assert_eq!(
            local_pointer("#/paths/~1a~1%7Bid%7D").as_deref(),
            Some("/paths/~1a~1{id}")
        );
        assert_eq!(local_pointer("other.yaml#/x"), None);
    }
}
