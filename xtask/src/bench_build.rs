//! `cargo xtask bench-build`: what depending on `smithery-registry` costs in build time.
//!
//! Two minimal programs make the same call (fetch one server, print it): one through the
//! crate, one by hand with reqwest (its default features), serde_json and tokio. Each is
//! built from clean (`cargo build --release`, a fresh target directory per build) several
//! times, alternating, so that a change in the machine's load hits both sides alike. The
//! dependency lists are the workspace's `Cargo.lock`, so both sides build the exact versions
//! the project tests with, and `--offline` works from the local registry cache.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Options {
    /// Clean builds per program.
    pub runs: usize,
    /// Also build the crate with reqwest's own TLS default (`rustls`, aws-lc-rs).
    pub aws_lc: bool,
    /// Pass `--offline` to cargo.
    pub offline: bool,
    /// Where the scratch projects go (kept afterwards for inspection).
    pub dir: Option<PathBuf>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            runs: 3,
            aws_lc: false,
            offline: false,
            dir: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--runs" => {
                    let value = args.next().ok_or("--runs needs a value")?;
                    options.runs = value
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or(format!("--runs takes a positive number, not `{value}`"))?;
                }
                "--aws-lc" => options.aws_lc = true,
                "--offline" => options.offline = true,
                "--dir" => options.dir = Some(PathBuf::from(args.next().ok_or("--dir needs a value")?)),
                other => return Err(format!("unknown option `{other}` for bench-build")),
            }
        }
        Ok(options)
    }
}

/// One program to build.
struct Program {
    /// The column's name in the report.
    label: &'static str,
    /// The crate's directory under the scratch root.
    name: &'static str,
    dependencies: String,
    main: &'static str,
}

const WITH_CRATE_MAIN: &str = r#"use smithery_registry::prelude::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let server = client
        .get_server()
        .qualified_name("smithery/hello-world")
        .send()
        .await?;
    println!("{server:?}");
    Ok(())
}
"#;

const BY_HAND_MAIN: &str = r#"#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("SMITHERY_API_KEY")?;
    let server: serde_json::Value = reqwest::Client::new()
        .get("https://api.smithery.ai/servers/smithery%2Fhello-world")
        .bearer_auth(key.trim())
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{server:?}");
    Ok(())
}
"#;

fn programs(root: &Path, aws_lc: bool) -> Vec<Program> {
    let krate = root.join("generated-client");
    let tokio = r#"tokio = { version = "1", features = ["rt", "macros"] }"#;
    let mut programs = vec![
        Program {
            label: "smithery-registry (default features)",
            name: "with-crate",
            dependencies: format!(
                "smithery-registry = {{ path = {:?} }}\n{tokio}\n",
                krate.display().to_string()
            ),
            main: WITH_CRATE_MAIN,
        },
        Program {
            label: "reqwest + serde_json + tokio",
            name: "by-hand",
            dependencies: format!(
                "reqwest = {{ version = \"0.13\", features = [\"json\"] }}\nserde_json = \"1\"\n{tokio}\n"
            ),
            main: BY_HAND_MAIN,
        },
    ];
    if aws_lc {
        programs.push(Program {
            label: "smithery-registry (`rustls`, aws-lc-rs)",
            name: "with-crate-aws-lc",
            dependencies: format!(
                "smithery-registry = {{ path = {:?}, default-features = false, features = [\"seed\", \"rustls\"] }}\n{tokio}\n",
                krate.display().to_string()
            ),
            main: WITH_CRATE_MAIN,
        });
    }
    programs
}

pub fn run(options: &Options) -> ExitCode {
    match bench(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            say_err!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn bench(options: &Options) -> Result<(), String> {
    let root = crate::project_root();
    let scratch = match &options.dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join("smithery-bench-build"),
    };
    let programs = programs(&root, options.aws_lc);
    let lock = std::fs::read(root.join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    for program in &programs {
        let dir = scratch.join(program.name);
        let io = |e: std::io::Error| format!("cannot write {}: {e}", dir.display());
        std::fs::create_dir_all(dir.join("src")).map_err(io)?;
        // An empty [workspace]: the scratch project is its own workspace wherever it lands.
        let manifest = format!(
            "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n[workspace]\n",
            program.name, program.dependencies
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
        std::fs::write(dir.join("src/main.rs"), program.main).map_err(io)?;
        // The workspace's versions; cargo drops the entries this program does not use.
        std::fs::write(dir.join("Cargo.lock"), &lock).map_err(io)?;
    }

    // First, so that a project that does not resolve fails before minutes of building.
    let dependencies: Vec<usize> = programs
        .iter()
        .map(|p| dependency_count(&scratch.join(p.name), options.offline))
        .collect::<Result<_, _>>()?;

    say!(
        "clean release builds, {} run(s) each, alternating; scratch projects in {}",
        options.runs,
        scratch.display()
    );
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); programs.len()];
    let mut compiled: Vec<usize> = vec![0; programs.len()];
    for run in 1..=options.runs {
        for (i, program) in programs.iter().enumerate() {
            let dir = scratch.join(program.name);
            let target = scratch.join(format!("target-{}", program.name));
            let _ = std::fs::remove_dir_all(&target);
            let mut command = Command::new(cargo());
            command
                .args(["build", "--release", "--quiet"])
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", &target)
                // The timings are the build's own: no incremental state, no wrapper cache.
                .env_remove("RUSTC_WRAPPER")
                .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
                .stdout(Stdio::null())
                .stderr(Stdio::inherit());
            if options.offline {
                command.arg("--offline");
            }
            let start = Instant::now();
            let status = command.status().map_err(|e| format!("cannot run cargo: {e}"))?;
            let elapsed = start.elapsed();
            if !status.success() {
                return Err(format!("building {} failed ({status})", program.name));
            }
            compiled[i] = count_units(&target);
            // A release tree is a gigabyte or so: keep one at a time on a shared disk.
            let _ = std::fs::remove_dir_all(&target);
            say!("run {run}: {:<40} {:>7.1} s", program.label, elapsed.as_secs_f64());
            times[i].push(elapsed);
        }
    }

    let medians: Vec<f64> = times.iter().map(|t| median(t)).collect();
    say!("");
    say!(
        "| program | clean release build, median of {} | runs | packages (`cargo tree`) | build units |",
        options.runs
    );
    say!("|---|---|---|---|---|");
    for (i, program) in programs.iter().enumerate() {
        let runs: Vec<String> = times[i].iter().map(|t| format!("{:.1}", t.as_secs_f64())).collect();
        say!(
            "| {} | {:.1} s | {} | {} | {} |",
            program.label,
            medians[i],
            runs.join(", "),
            dependencies[i],
            compiled[i]
        );
    }
    say!("");
    for (i, program) in programs.iter().enumerate().skip(1) {
        say!(
            "ratio {} / {}: {:.2}x",
            programs[0].label,
            program.label,
            medians[0] / medians[i]
        );
    }
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn median(times: &[Duration]) -> f64 {
    let mut seconds: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    seconds.sort_by(f64::total_cmp);
    let n = seconds.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        seconds[n / 2]
    } else {
        (seconds[n / 2 - 1] + seconds[n / 2]) / 2.0
    }
}

/// Unique packages the program builds: normal and build dependencies, itself excluded.
fn dependency_count(dir: &Path, offline: bool) -> Result<usize, String> {
    let mut command = Command::new(cargo());
    command
        .args(["tree", "--edges", "normal,build", "--prefix", "none", "--format", "{p}"])
        .current_dir(dir);
    if offline {
        command.arg("--offline");
    }
    let output = command.output().map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree failed in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    // A package is its name and version (two versions of one crate are two builds);
    // `(*)` marks a repeat, `(proc-macro)` and paths follow.
    let unique: std::collections::BTreeSet<(&str, &str)> = text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.next()?))
        })
        .collect();
    // The program itself is the first line.
    Ok(unique.len().saturating_sub(1))
}

/// Compilation units of the build: one `.fingerprint` directory per crate compiled (build
/// scripts count as their own unit, as cargo reports them).
fn count_units(target: &Path) -> usize {
    std::fs::read_dir(target.join("release/.fingerprint"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}
