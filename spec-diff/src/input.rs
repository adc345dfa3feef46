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
    let source = spec.read()?;
    let overlay = overlay.map(Input::read).transpose()?;
    Ok(generator::prepare(&source, overlay.as_ref())?.value)
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
