//! `cargo xtask diff --migration-guide [--check]`: the committed guide from the seed-era API
//! to the current one, generated from the diff of the two descriptions (with their overlays)
//! and the hints file that names what the diff cannot infer.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use spec_diff::Input;
use spec_diff::migration::{self, Hints};

/// The hints file, relative to the repository root; it names both sides and the output.
pub const DEFAULT_HINTS: &str = "docs/migration-hints.yaml";

#[derive(Debug)]
pub struct Options {
    /// Compare the generated guide with the file on disk instead of writing it.
    pub check: bool,
    /// The repository the hints' paths are relative to.
    pub root: PathBuf,
    /// The hints file (relative to `root` unless absolute).
    pub hints: PathBuf,
}

impl Options {
    /// Reads the options after `diff`; `--migration-guide` itself is among them.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            check: false,
            root: crate::project_root(),
            hints: PathBuf::from(DEFAULT_HINTS),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().cloned().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "--migration-guide" => {}
                "--check" => options.check = true,
                "--root" => options.root = PathBuf::from(value("--root")?),
                "--hints" => options.hints = PathBuf::from(value("--hints")?),
                other => {
                    return Err(format!(
                        "`{other}` does not go with --migration-guide: the sides and the output are named in the hints file (--hints FILE)"
                    ));
                }
            }
        }
        Ok(options)
    }
}

pub fn run(options: &Options) -> ExitCode {
    match generate(options) {
        Ok((path, guide)) => finish(options, &path, &guide),
        Err(message) => {
            say_err!("error: {message}");
            say_err!("nothing was written");
            ExitCode::from(2)
        }
    }
}

/// The guide's text and where it goes.
fn generate(options: &Options) -> Result<(PathBuf, String), String> {
    let hints_path = options.root.join(&options.hints);
    let bytes = std::fs::read(&hints_path).map_err(|e| format!("cannot read {}: {e}", hints_path.display()))?;
    let name = options.hints.display().to_string();
    let document = generator::load::load(&name, &bytes).map_err(|e| e.to_string())?;
    let hints = Hints::parse(&document.value).map_err(|e| format!("{name}: {e}"))?;
    let file = |relative: &str| Input::File(options.root.join(relative));
    let load = |side: &migration::SideHints| {
        spec_diff::input::load_document(&file(&side.spec), side.overlay.as_deref().map(file).as_ref())
            .map_err(|e| e.to_string())
    };
    let base = load(&hints.base)?;
    let head = load(&hints.head)?;
    let guide = migration::guide(&base, &head, &hints).map_err(|e| format!("{name}: {e}"))?;
    Ok((options.root.join(&hints.output), guide))
}

fn finish(options: &Options, path: &Path, guide: &str) -> ExitCode {
    let shown = path.strip_prefix(&options.root).unwrap_or(path).display().to_string();
    let current = std::fs::read_to_string(path).ok();
    if current.as_deref() == Some(guide) {
        say!("unchanged {shown}");
        return ExitCode::SUCCESS;
    }
    if options.check {
        say_err!("error: {shown} is stale: regenerate it with `cargo xtask diff --migration-guide`");
        match current {
            None => say_err!("  (the file does not exist)"),
            Some(current) => {
                // The first line that differs is enough to see why; the command regenerates.
                let first = current
                    .lines()
                    .zip(guide.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| current.lines().count().min(guide.lines().count()));
                say_err!(
                    "  line {}: committed `{}`, generated `{}`",
                    first + 1,
                    current.lines().nth(first).unwrap_or("(end of file)"),
                    guide.lines().nth(first).unwrap_or("(end of file)")
                );
            }
        }
        return ExitCode::from(1);
    }
    if let Err(e) = write(path, guide) {
        say_err!("error: cannot write {shown}: {e}");
        return ExitCode::from(2);
    }
    say!("wrote {shown}");
    ExitCode::SUCCESS
}

/// Temporary file and rename: an interrupted run leaves the old guide, never half of one.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("md.tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}
