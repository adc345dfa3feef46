//! `cargo xtask codegen`: the registry spec in, the committed client source out; or, with
//! `--spec` and `--out`, any OpenAPI document in and a complete client crate out.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use generator::Source;
use generator::write::FileUpdate;

/// Paths relative to the repository root. They are also the names the generated header
/// shows, so the output does not depend on where the repository is checked out.
///
/// The current API (api.smithery.ai and smithery.run): the crate's main surface.
pub const SPEC: &str = "spec/smithery.yaml";
pub const OVERLAY: &str = "spec/smithery.overlay.yaml";
pub const OUTPUT: &str = "generated-client/src/generated.rs";

/// The seed-era registry API (registry.smithery.ai), kept as the module
/// `smithery_registry::seed`.
pub const SEED_SPEC: &str = "spec/registry.yaml";
pub const SEED_OVERLAY: &str = "spec/registry.overlay.yaml";
pub const SEED_OUTPUT: &str = "generated-client/src/seed/generated.rs";

/// One committed generated module: a spec and its overlay in, one source file out, inside a
/// crate that ships the runtime.
pub struct Target {
    pub spec: &'static str,
    pub overlay: &'static str,
    pub output: &'static str,
    /// The path of the generated module as Rust code outside the crate spells it
    /// (`smithery_registry`, `smithery_registry::seed`), for the compiled examples.
    pub crate_name: &'static str,
    /// The `runtime::Profile` the generated client names (environment variables, retry
    /// policy); `None` for the runtime's default.
    pub profile: Option<&'static str>,
}

/// What `cargo xtask codegen` (re)generates: the current API users depend on, the seed-era
/// registry API kept beside it, and the capabilities fixture the wire tests drive (every
/// construct the generator supports).
pub const TARGETS: &[Target] = &[
    Target {
        spec: SPEC,
        overlay: OVERLAY,
        output: OUTPUT,
        crate_name: "smithery_registry",
        profile: Some("crate::extras::profile::CURRENT"),
    },
    Target {
        spec: SEED_SPEC,
        overlay: SEED_OVERLAY,
        output: SEED_OUTPUT,
        crate_name: "smithery_registry::seed",
        profile: Some("crate::extras::profile::SEED"),
    },
    Target {
        spec: "tests/capabilities/capabilities.yaml",
        overlay: "tests/capabilities/capabilities.overlay.yaml",
        output: "tests/capabilities/src/generated.rs",
        crate_name: "capabilities_client",
        profile: None,
    },
];

/// How many diff lines `--check` prints before cutting.
const MAX_DIFF_LINES: usize = 200;

#[derive(Debug)]
pub struct Options {
    pub check: bool,
    pub root: PathBuf,
    /// Fail, writing nothing, when the pipeline warns.
    pub deny_warnings: bool,
    /// The generic entry point: this document instead of the registry's.
    pub crate_spec: Option<CrateSpec>,
    /// Print the committed targets' spec and overlay paths instead of generating.
    pub list_targets: bool,
}

/// What `--spec`, `--out`, `--overlay` and `--crate-name` ask for.
#[derive(Debug)]
pub struct CrateSpec {
    pub spec: PathBuf,
    pub overlay: Option<PathBuf>,
    pub out: PathBuf,
    pub crate_name: String,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            check: false,
            root: crate::project_root(),
            deny_warnings: false,
            crate_spec: None,
            list_targets: false,
        };
        let (mut spec, mut overlay, mut out, mut crate_name) = (None, None, None, None);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |what: &str| args.next().cloned().ok_or(format!("{arg} needs {what}"));
            match arg.as_str() {
                "--check" => options.check = true,
                "--targets" => options.list_targets = true,
                "--deny-warnings" => options.deny_warnings = true,
                "--root" => options.root = value("a directory")?.into(),
                "--spec" => spec = Some(PathBuf::from(value("a file")?)),
                "--overlay" => overlay = Some(PathBuf::from(value("a file")?)),
                "--out" => out = Some(PathBuf::from(value("a directory")?)),
                "--crate-name" => crate_name = Some(value("a name")?),
                other => return Err(format!("unknown option `{other}` for codegen")),
            }
        }
        match (spec, out) {
            (Some(spec), Some(out)) => {
                let crate_name = match crate_name {
                    Some(name) => name,
                    None => default_crate_name(&out)?,
                };
                check_crate_name(&crate_name)?;
                options.crate_spec = Some(CrateSpec {
                    spec,
                    overlay,
                    out,
                    crate_name,
                });
            }
            (None, None) if overlay.is_none() && crate_name.is_none() => {}
            (None, None) => return Err("--overlay and --crate-name need --spec and --out".into()),
            (Some(_), None) => return Err("--spec needs --out DIR, the crate to write".into()),
            (None, Some(_)) => return Err("--out needs --spec FILE, the document to generate from".into()),
        }
        Ok(options)
    }
}

/// The output directory's name, as cargo would take it for `cargo new`.
fn default_crate_name(out: &std::path::Path) -> Result<String, String> {
    out.canonicalize()
        .ok()
        .as_deref()
        .unwrap_or(out)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("cannot name a crate after `{}`; pass --crate-name", out.display()))
}

fn check_crate_name(name: &str) -> Result<(), String> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter); pass --crate-name"
        ))
    }
}

pub fn run(options: &Options) -> ExitCode {
    if options.list_targets {
        // One `SPEC OVERLAY` line per committed target: what the pull-request workflow
        // diffs against the base branch, so that no generated spec goes undiffed.
        for target in TARGETS {
            say!("{} {}", target.spec, target.overlay);
        }
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let updates = match generate(options) {
        Ok(updates) => updates,
        Err(error) => {
            say_err!("error: {error}");
            say_err!("nothing was written; {} unchanged", target_name(options));
            return ExitCode::from(2);
        }
    };
    let Output { updates, warnings } = updates;
    let elapsed = started.elapsed();
    let stale: Vec<&FileUpdate> = updates.iter().filter(|u| u.is_stale()).collect();

    if options.check {
        if stale.is_empty() {
            say!(
                "codegen --check: {} up to date ({:.2}s{})",
                target_name(options),
                elapsed.as_secs_f64(),
                warning_count(warnings)
            );
            return ExitCode::SUCCESS;
        }
        for update in &stale {
            say_err_raw!("{}", update.unified_diff(&display(options, update), MAX_DIFF_LINES));
        }
        say_err!("error: the committed generated code is stale; run `cargo xtask codegen` and commit the result");
        return ExitCode::from(1);
    }

    if let Err(error) = generator::write::write_all(&updates) {
        say_err!("error: {error}");
        return ExitCode::from(2);
    }
    for update in &updates {
        let name = display(options, update);
        if update.is_stale() {
            let (added, removed) = update.line_changes();
            let what = if update.current.is_none() { "created" } else { "updated" };
            say!("{what} {name}: +{added} -{removed} lines");
        } else {
            say!("unchanged {name}");
        }
    }
    say!(
        "codegen: {} of {} file(s) changed in {:.2}s{}",
        stale.len(),
        updates.len(),
        started.elapsed().as_secs_f64(),
        warning_count(warnings)
    );
    ExitCode::SUCCESS
}

fn target_name(options: &Options) -> String {
    match &options.crate_spec {
        Some(crate_spec) => format!("{} is", crate_spec.out.display()),
        None => {
            let outputs: Vec<&str> = TARGETS.iter().map(|t| t.output).collect();
            match outputs.as_slice() {
                [one] => format!("{one} is"),
                _ => format!("{} are", outputs.join(" and ")),
            }
        }
    }
}

fn warning_count(warnings: usize) -> String {
    match warnings {
        0 => String::new(),
        n => format!(", {n} warning(s)"),
    }
}

/// The files to write and how many warnings the pipeline printed.
struct Output {
    updates: Vec<FileUpdate>,
    warnings: usize,
}

/// Runs the whole pipeline in memory; nothing touches the disk until it has succeeded.
fn generate(options: &Options) -> generator::Result<Output> {
    let mut files = Vec::new();
    let mut warnings: Vec<(String, generator::Warning)> = Vec::new();
    let mut reports: Vec<(String, generator::degrade::Report)> = Vec::new();
    match &options.crate_spec {
        None => {
            // Every target is generated before anything is written: one bad spec leaves all
            // outputs as they were.
            for target in TARGETS {
                let spec = Source::read(&options.root.join(target.spec), target.spec)?;
                let overlay = Source::read(&options.root.join(target.overlay), target.overlay)?;
                let settings = generator::Settings {
                    runtime: Some("crate::runtime".to_owned()),
                    crate_name: Some(target.crate_name.to_owned()),
                    profile: target.profile.map(str::to_owned),
                };
                let generated = generator::generate_with(&spec, Some(&overlay), &settings)?;
                warnings.extend(generated.warnings.into_iter().map(|w| (target.spec.to_owned(), w)));
                reports.push((target.spec.to_owned(), generated.report));
                files.push((options.root.join(target.output), generated.code));
            }
        }
        Some(crate_spec) => {
            let name = crate_spec.spec.display().to_string();
            let spec = Source::read(&crate_spec.spec, name.clone())?;
            let overlay = match &crate_spec.overlay {
                Some(path) => Some(Source::read(path, path.display().to_string())?),
                None => None,
            };
            let generated = generator::generate(&spec, overlay.as_ref())?;
            files.extend(
                crate::krate::files(&crate_spec.crate_name, &name, &generated.code)
                    .into_iter()
                    .map(|(path, contents)| (crate_spec.out.join(path), contents)),
            );
            warnings.extend(generated.warnings.into_iter().map(|w| (name.clone(), w)));
            reports.push((name.clone(), generated.report));
        }
    }
    for (spec_name, warning) in &warnings {
        say_err!("warning: {spec_name}{warning}");
    }
    let count = warnings.len();
    if count > 0 {
        say_err!("{count} warning(s)");
    }
    // What degraded, so that a user sees it without reading every warning.
    for (spec_name, report) in &reports {
        say_err!("{spec_name}: {report}");
        for operation in &report.left_out {
            say_err!("  left out: {operation}");
        }
    }
    if options.deny_warnings && count > 0 {
        let spec_name = warnings.first().map(|(name, _)| name.clone()).unwrap_or_default();
        return Err(generator::Error::at(
            generator::Stage::Validate,
            &spec_name,
            "",
            format!("{count} warning(s), and --deny-warnings makes them errors"),
        ));
    }
    let updates = files
        .into_iter()
        .map(|(path, contents)| FileUpdate::new(path, contents))
        .collect::<generator::Result<_>>()?;
    Ok(Output {
        updates,
        warnings: count,
    })
}

fn display(options: &Options, update: &FileUpdate) -> String {
    let base = match &options.crate_spec {
        Some(_) => std::path::Path::new(""),
        None => options.root.as_path(),
    };
    update
        .path
        .strip_prefix(base)
        .unwrap_or(&update.path)
        .display()
        .to_string()
}
