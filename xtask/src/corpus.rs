//! `cargo xtask corpus DIR|FILE...`: how the generator does on documents it was not tuned
//! on. Each document is generated into a crate of its own, every crate is `cargo check`ed
//! with one shared target directory (dependencies compile once), and one table row per
//! document says whether it compiles, how many operations came out typed, degraded or left
//! out, the warnings by kind, the code generation time, and what plain progenitor does with
//! the same document as written. Exit 1 when a document does not give a crate that compiles.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use generator::Source;

#[derive(Debug)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    /// Where the crates are written (one directory each).
    pub out: PathBuf,
    /// The target directory every `cargo check` shares.
    pub target_dir: PathBuf,
    /// Generate only: no `cargo check`.
    pub no_check: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let root = crate::project_root();
        let mut options = Options {
            inputs: Vec::new(),
            out: root.join("target/corpus/crates"),
            target_dir: root.join("target/corpus/check"),
            no_check: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |what: &str| args.next().cloned().ok_or(format!("{arg} needs {what}"));
            match arg.as_str() {
                "--out" => options.out = value("a directory")?.into(),
                "--target-dir" => options.target_dir = value("a directory")?.into(),
                "--no-check" => options.no_check = true,
                other if other.starts_with("--") => return Err(format!("unknown option `{other}` for corpus")),
                path => options.inputs.push(PathBuf::from(path)),
            }
        }
        if options.inputs.is_empty() {
            return Err("corpus needs at least one DIR or FILE".into());
        }
        Ok(options)
    }
}

/// One document's outcome.
struct Row {
    name: String,
    version: String,
    report: Option<generator::degrade::Report>,
    generated_in: f64,
    /// `None` when not checked (generation failed, or `--no-check`).
    compiles: Option<bool>,
    checked_in: f64,
    plain: &'static str,
    error: Option<String>,
}

pub fn run(options: &Options) -> ExitCode {
    let documents = match documents(&options.inputs) {
        Ok(documents) if !documents.is_empty() => documents,
        Ok(_) => {
            say_err!("error: no .yaml, .yml or .json document in the given paths");
            return ExitCode::from(2);
        }
        Err(message) => {
            say_err!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut rows = Vec::new();
    for path in &documents {
        let row = one(options, path);
        say_err!("{}", progress(&row));
        rows.push(row);
    }
    say!("{}", table(&rows));
    let failed = rows
        .iter()
        .filter(|r| r.error.is_some() || r.compiles == Some(false))
        .count();
    say!("{}", totals(&rows));
    if failed > 0 {
        say_err!(
            "error: {failed} of {} document(s) did not give a crate that compiles",
            rows.len()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// The documents named, directories expanded to their `.yaml`, `.yml` and `.json` files,
/// sorted by name.
fn documents(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let entries = std::fs::read_dir(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json"))
                .collect();
            found.sort();
            out.extend(found);
        } else if input.is_file() {
            out.push(input.clone());
        } else {
            return Err(format!("{} is neither a file nor a directory", input.display()));
        }
    }
    Ok(out)
}

fn crate_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("corpus_{name}")
}

fn one(options: &Options, path: &Path) -> Row {
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut row = Row {
        name: name.clone(),
        version: String::new(),
        report: None,
        generated_in: 0.0,
        compiles: None,
        checked_in: 0.0,
        plain: "-",
        error: None,
    };
    let source = match Source::read(path, path.display().to_string()) {
        Ok(source) => source,
        Err(error) => {
            row.error = Some(error.to_string());
            return row;
        }
    };
    // Read once for both: the version, and plain progenitor's outcome on the document.
    match generator::load::load("document", &source.bytes) {
        Ok(document) => {
            row.version = version(&document.value);
            row.plain = crate::plain::outcome(&document.value);
        }
        Err(_) => {
            row.version = "?".to_owned();
            row.plain = crate::plain::UNREADABLE;
        }
    }
    let started = Instant::now();
    let generated = generator::generate(&source, None);
    row.generated_in = started.elapsed().as_secs_f64();
    let generated = match generated {
        Ok(generated) => generated,
        Err(error) => {
            row.error = Some(error.to_string());
            return row;
        }
    };
    let crate_name = crate_name(path);
    let dir = options.out.join(&crate_name);
    let files = crate::krate::files(&crate_name, &name, &generated.code);
    for (file, contents) in files {
        let target = dir.join(file);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, contents));
        if let Err(e) = written {
            row.error = Some(format!("cannot write {}: {e}", target.display()));
            return row;
        }
    }
    row.report = Some(generated.report);
    if options.no_check {
        return row;
    }
    let started = Instant::now();
    let check = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["check", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &options.target_dir)
        .output();
    row.checked_in = started.elapsed().as_secs_f64();
    match check {
        Ok(output) => {
            row.compiles = Some(output.status.success());
            if !output.status.success() {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let first = stderr
                    .lines()
                    .find(|l| l.starts_with("error"))
                    .unwrap_or("cargo check failed");
                row.error = Some(first.to_owned());
            }
        }
        Err(e) => row.error = Some(format!("cannot run cargo: {e}")),
    }
    row
}

/// The document's `openapi` (or `swagger`) version, `?` when it has none.
fn version(document: &serde_json::Value) -> String {
    ["openapi", "swagger"]
        .iter()
        .find_map(|key| document.get(*key).and_then(serde_json::Value::as_str))
        .unwrap_or("?")
        .to_owned()
}

fn progress(row: &Row) -> String {
    match (&row.report, &row.error) {
        (_, Some(error)) => format!("{}: FAILED: {error}", row.name),
        (Some(report), None) => format!(
            "{}: {report} in {:.2}s{}",
            row.name,
            row.generated_in,
            match row.compiles {
                Some(true) => format!(", compiles ({:.0}s)", row.checked_in),
                _ => String::new(),
            }
        ),
        (None, None) => row.name.clone(),
    }
}

fn kinds(report: &generator::degrade::Report) -> String {
    if report.warnings.is_empty() {
        return "-".to_owned();
    }
    report
        .warnings
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| document | OpenAPI | compiles | typed | degraded | left out | warnings | codegen | plain progenitor |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let compiles = match (row.compiles, &row.error) {
            (Some(true), _) => "yes",
            (None, None) => "not checked",
            _ => "**no**",
        };
        let (typed, degraded, left_out, warnings) = match &row.report {
            Some(r) => (
                r.typed.to_string(),
                r.degraded.to_string(),
                r.left_out.len().to_string(),
                kinds(r),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        out.push_str(&format!(
            "| `{}` | {} | {compiles} | {typed} | {degraded} | {left_out} | {warnings} | {:.2} s | {} |\n",
            row.name, row.version, row.generated_in, row.plain
        ));
    }
    out
}

fn totals(rows: &[Row]) -> String {
    let compiled = rows.iter().filter(|r| r.compiles == Some(true)).count();
    let (mut typed, mut degraded, mut left_out) = (0, 0, 0);
    for report in rows.iter().filter_map(|r| r.report.as_ref()) {
        typed += report.typed;
        degraded += report.degraded;
        left_out += report.left_out.len();
    }
    let all = typed + degraded + left_out;
    let share = |n: usize| if all == 0 { 0.0 } else { 100.0 * n as f64 / all as f64 };
    let plain = rows.iter().filter(|r| r.plain == crate::plain::GENERATES).count();
    format!(
        "{compiled} of {} documents compile; {all} operations: {typed} typed, {degraded} degraded ({:.1}%), \
         {left_out} left out ({:.2}%); plain progenitor generates {plain} of {}",
        rows.len(),
        share(degraded),
        share(left_out),
        rows.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_read_from_yaml_or_json() {
        let read = |text: &[u8]| version(&generator::load::load("d", text).expect("reads").value);
        assert_eq!(read(b"info: {description: 'openapi: 9'}\nopenapi: 3.1.0\n"), "3.1.0");
        assert_eq!(read(br#"{"openapi": "3.0.3", "info": {}}"#), "3.0.3");
        assert_eq!(read(b"swagger: '2.0'\n"), "2.0");
        assert_eq!(read(b"{}"), "?");
    }

    #[test]
    fn crate_names_are_valid_identifiers() {
        assert_eq!(crate_name(Path::new("a/api.github.com.json")), "corpus_api_github_com");
        assert_eq!(crate_name(Path::new("intercom-2.15.yaml")), "corpus_intercom_2_15");
    }
}
