//! Stage 8: put generated files on disk, all or nothing, and say what changed.

use std::path::{Path, PathBuf};

use similar::{ChangeTag, TextDiff};

use crate::error::{Error, Location, Result, Stage};

/// A file the generator wants to exist with given contents, compared with what is there.
#[derive(Debug, Clone)]
pub struct FileUpdate {
    pub path: PathBuf,
    /// What the file holds now; `None` when it does not exist.
    pub current: Option<String>,
    pub generated: String,
}

impl FileUpdate {
    /// Reads the current contents of `path` to compare with `generated`.
    pub fn new(path: impl Into<PathBuf>, generated: String) -> Result<Self> {
        let path = path.into();
        let current = match std::fs::read(&path) {
            Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(write_error(&path, format!("cannot read: {e}"))),
        };
        Ok(Self {
            path,
            current,
            generated,
        })
    }

    pub fn is_stale(&self) -> bool {
        self.current.as_deref() != Some(self.generated.as_str())
    }

    /// Lines added and removed by applying this update.
    pub fn line_changes(&self) -> (usize, usize) {
        let before = self.current.as_deref().unwrap_or("");
        let diff = TextDiff::from_lines(before, &self.generated);
        diff.iter_all_changes()
            .fold((0, 0), |(added, removed), change| match change.tag() {
                ChangeTag::Insert => (added + 1, removed),
                ChangeTag::Delete => (added, removed + 1),
                ChangeTag::Equal => (added, removed),
            })
    }

    /// A unified diff from the current contents to the generated ones, at most `max_lines`
    /// long, for `--check` output.
    pub fn unified_diff(&self, display_name: &str, max_lines: usize) -> String {
        let before = self.current.as_deref().unwrap_or("");
        let diff = TextDiff::from_lines(before, &self.generated);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("a/{display_name} (committed)"),
                &format!("b/{display_name} (generated)"),
            )
            .to_string();
        let total = text.lines().count();
        if total <= max_lines {
            return text;
        }
        let mut shown: String = text.lines().take(max_lines).flat_map(|l| [l, "\n"]).collect();
        shown.push_str(&format!("... ({} more diff lines)\n", total - max_lines));
        shown
    }
}

/// Writes every stale update. Each file is written to a temporary sibling and renamed over
/// the old one, so a reader (or a crash) never sees a half-written file; all contents are
/// computed before the first write, so a failing pipeline writes nothing.
pub fn write_all(updates: &[FileUpdate]) -> Result<()> {
    for update in updates.iter().filter(|u| u.is_stale()) {
        write_atomic(&update.path, update.generated.as_bytes())?;
    }
    Ok(())
}

/// Replaces `path` with `contents` atomically.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| write_error(parent, format!("cannot create directory: {e}")))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&temporary, contents)
        .map_err(|e| write_error(&temporary, format!("cannot write: {e}")))
        .and_then(|()| {
            std::fs::rename(&temporary, path).map_err(|e| write_error(path, format!("cannot replace: {e}")))
        });
    if result.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn write_error(path: &Path, reason: String) -> Error {
    Error::new(
        Stage::Write,
        Some(Location::new(&path.display().to_string(), "")),
        reason,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_detects_staleness() {
        let update = FileUpdate {
            path: "x".into(),
            current: Some("a\nb\nc\n".into()),
            generated: "a\nB\nc\nd\n".into(),
        };
        assert!(update.is_stale());
        assert_eq!(update.line_changes(), (2, 1));
        let diff = update.unified_diff("x", 100);
        assert!(diff.contains("-b\n+B\n"), "{diff}");
        let same = FileUpdate {
            path: "x".into(),
            current: Some("a\n".into()),
            generated: "a\n".into(),
        };
        assert!(!same.is_stale());
        assert_eq!(same.line_changes(), (0, 0));
    }

    #[test]
    fn long_diffs_are_cut() {
        let update = FileUpdate {
            path: "x".into(),
            current: None,
            generated: "l\n".repeat(50),
        };
        let diff = update.unified_diff("x", 10);
        assert_eq!(diff.lines().count(), 11);
        assert!(diff.ends_with("more diff lines)\n"), "{diff}");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("generated.rs");
        write_atomic(&path, b"one").expect("write");
        write_atomic(&path, b"two").expect("rewrite");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "two");
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("parent"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["generated.rs"]);
    }
}
