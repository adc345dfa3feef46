//! `cargo xtask codegen`: the registry spec in, the committed client source out.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use generator::Source;
use generator::write::FileUpdate;

/// Paths relative to the repository root. They are also the names the generated header
/// shows, so the output does not depend on where the repository is checked out.
pub const SPEC: &str = "spec/registry.yaml";
pub const OVERLAY: &str = "spec/registry.overlay.yaml";
pub const OUTPUT: &str = "generated-client/src/generated.rs";

/// How many diff lines `--check` prints before cutting.
const MAX_DIFF_LINES: usize = 200;

#[derive(Debug)]
pub struct Options {
    pub check: bool,
    pub root: PathBuf,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            check: false,
            root: crate::project_root(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => options.check = true,
                "--root" => options.root = args.next().ok_or("--root needs a directory")?.into(),
                other => return Err(format!("unknown option `{other}` for codegen")),
            }
        }
        Ok(options)
    }
}

pub fn run(options: &Options) -> ExitCode {
    let started = Instant::now();
    let updates = match generate(options) {
        Ok(updates) => updates,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("nothing was written; {OUTPUT} is unchanged");
            return ExitCode::from(2);
        }
    };
    let elapsed = started.elapsed();
    let stale: Vec<&FileUpdate> = updates.iter().filter(|u| u.is_stale()).collect();

    if options.check {
        if stale.is_empty() {
            println!(
                "codegen --check: {OUTPUT} is up to date ({:.2}s)",
                elapsed.as_secs_f64()
            );
            return ExitCode::SUCCESS;
        }
        for update in &stale {
            eprint!("{}", update.unified_diff(&display(options, update), MAX_DIFF_LINES));
        }
        eprintln!("error: the committed generated code is stale; run `cargo xtask codegen` and commit the result");
        return ExitCode::from(1);
    }

    if let Err(error) = generator::write::write_all(&updates) {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    for update in &updates {
        let name = display(options, update);
        if update.is_stale() {
            let (added, removed) = update.line_changes();
            let what = if update.current.is_none() { "created" } else { "updated" };
            println!("{what} {name}: +{added} -{removed} lines");
        } else {
            println!("unchanged {name}");
        }
    }
    println!(
        "codegen: {} of {} file(s) changed in {:.2}s",
        stale.len(),
        updates.len(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// Runs the whole pipeline in memory; nothing touches the disk until it has succeeded.
fn generate(options: &Options) -> generator::Result<Vec<FileUpdate>> {
    let spec = Source::read(&options.root.join(SPEC), SPEC)?;
    let overlay = Source::read(&options.root.join(OVERLAY), OVERLAY)?;
    let generated = generator::generate_with(&spec, Some(&overlay), &generator::Settings::registry_client())?;
    for warning in &generated.warnings {
        eprintln!("warning: {SPEC}{warning}");
    }
    if !generated.warnings.is_empty() {
        eprintln!("{} warning(s)", generated.warnings.len());
    }
    Ok(vec![FileUpdate::new(options.root.join(OUTPUT), generated.code)?])
}

fn display(options: &Options, update: &FileUpdate) -> String {
    update
        .path
        .strip_prefix(&options.root)
        .unwrap_or(&update.path)
        .display()
        .to_string()
}
