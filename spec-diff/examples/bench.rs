//! Diff speed, side by side with the `openapi-diff` npm package on the same inputs.
//!
//! ```text
//! cargo run --release -p spec-diff --example bench -- \
//!     [--openapi-diff PATH/node_modules/.bin/openapi-diff] [--runs 5] [--timeout 60] [--corpus ../shared/corpus]
//! ```
//!
//! Both tools run as processes on the same files (ours is this binary re-run with `--single`,
//! so process start, reading, parsing, normalizing and comparing are all counted), and the
//! medians are printed with their ratio. openapi-diff reads only OpenAPI 3.0 and Swagger, so
//! the inputs are the corpus's 3.0 pairs, and each real-world spec against a modified copy of
//! itself (one path removed, one operationId renamed, one property added) and against itself.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

struct Options {
    openapi_diff: Option<PathBuf>,
    runs: usize,
    timeout: Duration,
    corpus: PathBuf,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--single") {
        return single(&args[1..]);
    }
    let mut options = Options {
        openapi_diff: std::env::var_os("OPENAPI_DIFF").map(PathBuf::from),
        runs: 5,
        timeout: Duration::from_secs(60),
        corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it.next();
        match (arg.as_str(), value) {
            ("--openapi-diff", Some(v)) => options.openapi_diff = Some(v.into()),
            ("--runs", Some(v)) => options.runs = v.parse().unwrap_or(5).max(1),
            ("--timeout", Some(v)) => options.timeout = Duration::from_secs(v.parse().unwrap_or(60)),
            ("--corpus", Some(v)) => options.corpus = v.into(),
            _ => {
                eprintln!("usage: bench [--openapi-diff PATH] [--runs N] [--timeout SECONDS] [--corpus DIR]");
                return ExitCode::from(2);
            }
        }
    }
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// One diff, as the command line does it: read, load, normalize, compare (3.1 keywords and
/// webhooks on the originals, line numbers), and render the text report.
fn single(args: &[String]) -> ExitCode {
    let [base, head] = args else {
        return ExitCode::from(2);
    };
    let load = |path: &str| spec_diff::input::load_document(&spec_diff::Input::File(path.into()), None);
    match (load(base), load(head)) {
        (Ok(base), Ok(head)) => {
            let report = spec_diff::input::compare(&base, &head);
            let text = spec_diff::report::text(&report, &base.name, &head.name, false, false);
            println!("{} change(s), {} lines", report.changes.len(), text.lines().count());
            ExitCode::SUCCESS
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// How one measurement ended.
enum Outcome {
    /// The median of the runs.
    Finished(Duration),
    /// Killed at the timeout.
    TimedOut,
    /// The tool gave up with an error (its first line).
    Failed(String),
}

/// Runs a command to completion or until `timeout`. Exit codes 0 and 1 are answers (openapi-diff
/// exits 1 when it finds breaking changes); anything written to stderr with a failure status
/// is an error.
fn timed(command: &mut Command, timeout: Duration, stderr: &Path) -> Result<Outcome, String> {
    let log = std::fs::File::create(stderr).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let elapsed = started.elapsed();
            let errors = std::fs::read_to_string(stderr).unwrap_or_default();
            if !status.success() && (status.code() != Some(1) || !errors.trim().is_empty()) {
                let first = errors.lines().next().unwrap_or("no message");
                // Drop the error class and the directories so the table stays readable.
                let first = first.strip_prefix("OpenApiDiffErrorImpl [VError]: ").unwrap_or(first);
                let words: Vec<&str> = first
                    .split(' ')
                    .map(|word| word.rsplit('/').next().unwrap_or(word))
                    .collect();
                return Ok(Outcome::Failed(words.join(" ").chars().take(120).collect()));
            }
            return Ok(Outcome::Finished(elapsed));
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Outcome::TimedOut);
        }
        // Fine-grained: spec-diff finishes small inputs in a few milliseconds.
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median over `runs`; a run that times out or fails ends the measurement.
fn measure(
    runs: usize,
    timeout: Duration,
    stderr: &Path,
    mut command: impl FnMut() -> Command,
) -> Result<Outcome, String> {
    let mut samples = Vec::new();
    for _ in 0..runs {
        match timed(&mut command(), timeout, stderr)? {
            Outcome::Finished(elapsed) => samples.push(elapsed),
            other => return Ok(other),
        }
    }
    Ok(Outcome::Finished(median(samples)))
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn run(options: &Options) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let ours = |base: &Path, head: &Path| {
        let mut command = Command::new(&me);
        command.arg("--single").arg(base).arg(head);
        command
    };
    let theirs = |tool: &Path, base: &Path, head: &Path| {
        let mut command = Command::new(tool);
        command.arg(base).arg(head);
        command
    };
    if options.openapi_diff.is_none() {
        eprintln!(
            "openapi-diff not given: `npm install openapi-diff` in a scratch directory and pass \
             --openapi-diff DIR/node_modules/.bin/openapi-diff; measuring spec-diff alone"
        );
    }
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let stderr = scratch.path().join("stderr.txt");

    println!("| input | size | spec-diff | openapi-diff | ratio |");
    println!("|---|---|---|---|---|");

    // The 3.0 one-change pairs: per pair, the median of runs; reported as the median pair.
    let pairs = openapi_30_pairs(&options.corpus.join("oasdiff-checker"));
    if !pairs.is_empty() {
        let (mut ours_each, mut theirs_each, mut theirs_failed) = (Vec::new(), Vec::new(), 0);
        for (base, head) in &pairs {
            if let Outcome::Finished(t) = measure(options.runs, options.timeout, &stderr, || ours(base, head))? {
                ours_each.push(t);
            }
            if let Some(tool) = &options.openapi_diff {
                match measure(options.runs, options.timeout, &stderr, || theirs(tool, base, head))? {
                    Outcome::Finished(t) => theirs_each.push(t),
                    _ => theirs_failed += 1,
                }
            }
        }
        let ours_median = match ours_each.len() {
            0 => Outcome::Failed("no pair compared".to_owned()),
            _ => Outcome::Finished(median(ours_each)),
        };
        let theirs_median = options.openapi_diff.as_ref().map(|_| match theirs_each.len() {
            0 => Outcome::Failed("no pair compared".to_owned()),
            _ => Outcome::Finished(median(theirs_each)),
        });
        let label = match theirs_failed {
            0 => format!("{} oasdiff 3.0 pairs (median pair)", pairs.len()),
            n => format!(
                "{} oasdiff 3.0 pairs (median pair; openapi-diff failed on {n})",
                pairs.len()
            ),
        };
        row(&label, "small", ours_median, theirs_median, options.timeout);
    }

    for name in [
        "keeper.json",
        "buildomat.json",
        "propolis-server.json",
        "nexus.json",
        "api.github.com.json",
    ] {
        let base = options.corpus.join("real-world").join(name);
        let Ok(bytes) = std::fs::read(&base) else {
            eprintln!("skipped {}: not found", base.display());
            continue;
        };
        let size = format!("{:.0} KB", bytes.len() as f64 / 1024.0);
        let modified = scratch.path().join(format!("modified-{name}"));
        std::fs::write(&modified, modify(&bytes)?).map_err(|e| e.to_string())?;
        for (label, head) in [("modified copy", &modified), ("itself", &base)] {
            let ours_median = measure(options.runs, options.timeout, &stderr, || ours(&base, head))?;
            let theirs_median = match &options.openapi_diff {
                Some(tool) => Some(measure(options.runs, options.timeout, &stderr, || {
                    theirs(tool, &base, head)
                })?),
                None => None,
            };
            row(
                &format!("{name} vs {label}"),
                &size,
                ours_median,
                theirs_median,
                options.timeout,
            );
        }
    }
    Ok(())
}

fn row(input: &str, size: &str, ours: Outcome, theirs: Option<Outcome>, timeout: Duration) {
    let show = |outcome: &Outcome| match outcome {
        Outcome::Finished(t) => ms(*t),
        Outcome::TimedOut => format!("did not finish in {} s", timeout.as_secs()),
        Outcome::Failed(error) => format!("failed: {error}"),
    };
    let ratio = match (&ours, &theirs) {
        (Outcome::Finished(o), Some(Outcome::Finished(t))) => format!("{:.1}x", t.as_secs_f64() / o.as_secs_f64()),
        (Outcome::Finished(o), Some(Outcome::TimedOut)) => format!(">{:.0}x", timeout.as_secs_f64() / o.as_secs_f64()),
        _ => "-".to_owned(),
    };
    let theirs = theirs.as_ref().map(show).unwrap_or_else(|| "not measured".to_owned());
    println!("| {input} | {size} | {} | {theirs} | {ratio} |", show(&ours));
}

/// Pairs where both sides are OpenAPI 3.0, which is all openapi-diff reads.
fn openapi_30_pairs(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("skipped the oasdiff pairs: {} not found", dir.display());
        return Vec::new();
    };
    let is_30 = |p: &Path| std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.starts_with("openapi: 3.0")));
    let mut pairs: Vec<(PathBuf, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|base| {
            let name = base.file_name()?.to_str()?.strip_suffix("_base.yaml")?.to_owned();
            let head = dir.join(format!("{name}_revision.yaml"));
            (head.exists() && is_30(&base) && is_30(&head)).then_some((base, head))
        })
        .collect();
    pairs.sort();
    pairs
}

/// A realistic edit of a large spec: one path removed, one operationId renamed, one property
/// added to a component.
fn modify(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if let Some(paths) = value.get_mut("paths").and_then(|p| p.as_object_mut()) {
        if let Some(last) = paths.keys().next_back().cloned() {
            paths.remove(&last);
        }
        let first_op = paths
            .values_mut()
            .filter_map(|item| item.as_object_mut())
            .flat_map(|item| item.values_mut())
            .find_map(|op| op.get_mut("operationId"));
        if let Some(id) = first_op {
            *id = serde_json::Value::String("benchRenamedOperation".to_owned());
        }
    }
    let schema = value
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
        .and_then(|schemas| schemas.values_mut().find_map(|s| s.get_mut("properties")))
        .and_then(|p| p.as_object_mut());
    if let Some(properties) = schema {
        properties.insert("benchAdded".to_owned(), serde_json::json!({"type": "string"}));
    }
    serde_json::to_vec(&value).map_err(|e| e.to_string())
}
