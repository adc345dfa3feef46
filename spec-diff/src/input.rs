//! Reading one side of the comparison: a file, or a file at a git revision.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::{Error, Location, Source, Stage};
use serde_json::Value;

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    /// `REV:PATH`, read with `git show` in the current directory's repository.
    Git {
        rev: String,
        path: String,
    },
}

impl Input {
    /// A path that exists is a file; otherwise `REV:PATH` is a git revision and a path.
    pub fn parse(arg: &str) -> Self {
        let path = Path::new(arg);
        if path.exists() {
            return Input::File(path.to_owned());
        }
        match arg.split_once(':') {
            Some((rev, file)) if !rev.is_empty() && !file.is_empty() && !is_drive_letter(rev) => Input::Git {
                rev: rev.to_owned(),
                path: file.to_owned(),
            },
            _ => Input::File(path.to_owned()),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Git { rev, path } => format!("{rev}:{path}"),
        }
    }

    pub fn read(&self) -> generator::Result<Source> {
        match self {
            Input::File(path) => Source::read(path, self.name()),
            Input::Git { rev, path } => {
                let fail = |reason: String| Error::new(Stage::Load, Some(Location::new(&self.name(), "")), reason);
                let output = Command::new("git")
                    .args(["show", &format!("{rev}:{path}")])
                    .output()
                    .map_err(|e| fail(format!("cannot run git: {e}")))?;
                if !output.status.success() {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    return Err(fail(format!("`git show {rev}:{path}` failed: {}", stderr.trim())));
                }
                Ok(Source::new(self.name(), output.stdout))
            }
        }
    }
}

fn is_drive_letter(rev: &str) -> bool {
    rev.len() == 1 && rev.chars().all(|c| c.is_ascii_alphabetic())
}

/// Loads a document (and applies an overlay to it) into the normalized OpenAPI 3.0 tree the
/// generator reads.
pub fn load(spec: &Input, overlay: Option<&Input>) -> generator::Result<Value> {
    Ok(load_document(spec, overlay)?.normalized)
}

/// One side of the comparison with everything the report needs.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The name reports use: the path or `REV:PATH` as given.
    pub name: String,
    /// The document as written, with the overlay applied: what 3.1 keywords and webhooks are
    /// compared on, since normalization drops them. `None` when the document has neither
    /// (most do): the normalized tree then says the same, and copying a large document
    /// would cost as much as comparing it.
    pub original: Option<Value>,
    /// The OpenAPI 3.0 tree the generator reads.
    pub normalized: Value,
    /// The source text, for line numbers.
    pub text: String,
}

/// Reads and loads one side: the same stages as `generator::prepare`, keeping the tree
/// from before normalization and the text.
pub fn load_document(spec: &Input, overlay: Option<&Input>) -> generator::Result<Loaded> {
    let source = spec.read()?;
    let overlay = overlay.map(Input::read).transpose()?;
    from_source(&source, overlay.as_ref())
}

/// [`load_document`] for a source already in memory.
pub fn from_source(source: &Source, overlay: Option<&Source>) -> generator::Result<Loaded> {
    let document = generator::load::load(&source.name, &source.bytes)?;
    let mut original = document.value;
    if let Some(overlay) = overlay {
        let overlay = generator::overlay::Overlay::parse(&generator::load::load(&overlay.name, &overlay.bytes)?)?;
        overlay.apply(&mut original)?;
    }
    // Copied only when it says more than the normalized tree will.
    let (original, mut normalized) = if uses_dropped_keywords(&original) {
        (Some(original.clone()), original)
    } else {
        (None, original)
    };
    // Normalization warnings are the generator's business; the diff reports what changed.
    generator::normalize::normalize(&source.name, &mut normalized, &mut Vec::new())?;
    Ok(Loaded {
        name: source.name.clone(),
        original,
        normalized,
        text: String::from_utf8_lossy(&source.bytes).into_owned(),
    })
}

/// Whether normalization drops something the diff compares: top-level `webhooks`, or a 3.1
/// schema keyword anywhere (a property of that name only costs a copy).
fn uses_dropped_keywords(document: &Value) -> bool {
    const DROPPED: &[&str] = &[
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
    ];
    fn walk(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(k, v)| DROPPED.contains(&k.as_str()) || walk(v)),
            Value::Array(items) => items.iter().any(walk),
            _ => false,
        }
    }
    document.get("webhooks").is_some() || walk(document)
}

/// Compares two loaded documents: the normalized trees, the 3.1 keywords and webhooks on
/// the originals, and each change's line and column in its source.
pub fn compare(base: &Loaded, head: &Loaded) -> crate::Report {
    // A side without the dropped keywords is its own original; when neither has them the
    // comparison of the normalized trees is the whole story.
    let originals = (base.original.is_some() || head.original.is_some()).then(|| {
        (
            base.original.as_ref().unwrap_or(&base.normalized),
            head.original.as_ref().unwrap_or(&head.normalized),
        )
    });
    let mut report = crate::diff_originals(&base.normalized, &head.normalized, originals);
    let base_index = crate::locate::Locator::new(&base.text);
    let head_index = crate::locate::Locator::new(&head.text);
    for change in &mut report.changes {
        let locator = match change.side {
            crate::Side::Base => &base_index,
            crate::Side::Head => &head_index,
        };
        change.location = locator.locate(&change.pointer);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_paths_are_files_and_the_rest_revisions() {
        let here = env!("CARGO_MANIFEST_DIR");
        assert_eq!(Input::parse(here), Input::File(PathBuf::from(here)));
        assert_eq!(
            Input::parse("origin/main:spec/registry.yaml"),
            Input::Git {
                rev: "origin/main".to_owned(),
                path: "spec/registry.yaml".to_owned()
            }
        );
        assert_eq!(
            Input::parse("C:missing.yaml"),
            Input::File(PathBuf::from("C:missing.yaml"))
        );
        assert_eq!(Input::parse("missing.yaml"), Input::File(PathBuf::from("missing.yaml")));
    }
}
