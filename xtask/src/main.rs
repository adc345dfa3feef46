//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! ```text
//! cargo xtask codegen            regenerate generated-client/src/generated.rs
//! cargo xtask codegen --check    exit 1, with a diff, if the committed code is stale
//! cargo xtask codegen --spec FILE --out DIR [--crate-name NAME]
//!                                a client crate for any OpenAPI 3.0/3.1 document
//! cargo xtask diff BASE HEAD      what a spec change breaks, on the wire and in the crate
//! cargo xtask diff --migration-guide [--check]
//!                                write (or check) docs/MIGRATING-from-seed.md from the diff
//! cargo xtask corpus DIR|FILE... generate and `cargo check` a crate per document, one row each
//! cargo xtask bench-build        clean build time of the crate against reqwest by hand
//! ```
//!
//! Exit codes: 0 success, 1 stale generated code (`--check`) or a `--fail-on` hit (`diff`),
//! 2 bad input or usage.

/// `eprintln!` that cannot panic: with stderr a closed pipe, `eprintln!` panics (exit 101),
/// and the exit code must still say what happened (2 for bad input). The message is lost
/// either way; the exit code is not.
macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that cannot panic; see [`say_err`].
macro_rules! say_err_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that cannot panic, for the same reason on stdout.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that cannot panic.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// The generator extends progenitor's output on two threads (`generator::split`), and both
/// allocate small syntax-tree nodes by the million. glibc's allocator shares its arenas'
/// free lists between threads; mimalloc keeps a heap per thread, which on GitHub's
/// description made code generation about a quarter faster. `bench_codegen` times both
/// sides with the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench_build;
mod codegen;
mod corpus;
mod diff;
mod guide;
mod krate;
mod plain;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check] [--deny-warnings] [--root DIR]
      Regenerate the client from spec/registry.yaml and spec/registry.overlay.yaml.
  codegen --spec FILE --out DIR [--crate-name NAME] [--overlay FILE] [--check] [--deny-warnings]
      Generate a client crate (Cargo.toml, src/lib.rs, src/generated.rs) in DIR from any
      OpenAPI 3.0 or 3.1 document, YAML or JSON. The crate is named after DIR by default.

      --check           write nothing; exit 1 with a diff when the files on disk are stale
      --deny-warnings   treat warnings as errors (exit 2, nothing written)
      --root            the repository to work in (default: this one)
      --targets         print the committed targets, one `SPEC OVERLAY` line each, and exit

  diff [options] BASE HEAD
      Compare two OpenAPI descriptions (3.0 or 3.1, YAML or JSON) and report what the change
      breaks for HTTP clients and for the generated crate. BASE and HEAD are file paths or
      git revisions with a path (origin/main:spec/registry.yaml).
      --overlay FILE            apply this overlay to both sides (file or REV:PATH)
      --base-overlay FILE       apply this overlay to BASE only
      --head-overlay FILE       apply this overlay to HEAD only
      --format FORMAT           text (default), markdown or json
      --verbose                 text: show non-breaking changes in full, not one line each
      --fail-on LEVEL           exit 1 on a change at LEVEL or worse:
                                breaking, potentially-breaking or any

  diff --migration-guide [--check] [--hints FILE] [--root DIR]
      Write the migration guide from the seed-era API to the current one, generated from
      the diff of the two descriptions with their overlays. The sides, the Rust modules and
      the output file are named in the hints file (default docs/migration-hints.yaml), with
      the moves and removals the diff cannot infer.
      --check           write nothing; exit 1 when the committed guide is stale

  corpus [--out DIR] [--target-dir DIR] [--no-check] DIR|FILE...
      Generate a crate from each OpenAPI document (a directory's .yaml, .yml and .json
      files), `cargo check` each with one shared target directory, and print a table: does
      it compile, operations typed / degraded / left out, warnings by kind, generation time,
      and plain progenitor's outcome on the document as written. Exit 1 if any document
      does not give a crate that compiles.

  bench-build [--runs N] [--aws-lc] [--offline] [--dir DIR]
      Clean release builds of a minimal program using smithery-registry against the same
      program written with reqwest, serde_json and tokio, alternating, N runs each
      (default 3); prints each time, the medians, their ratio and the dependency counts.
      --aws-lc          also build the crate with the `rustls` (aws-lc-rs) TLS feature

exit codes: 0 success, 1 stale (--check), a --fail-on hit (diff) or a corpus document that
does not compile, 2 bad input or usage;
on 2 nothing is written
";

fn main() -> ExitCode {
    // A panic that escaped the generator's own guards is still a failure to produce output:
    // exit 2 like every other one (the panic message is already on stderr), not 101.
    std::panic::catch_unwind(command).unwrap_or_else(|_| {
        say_err!("error: internal error: the generator panicked; nothing was written. Please report this with the spec that caused it.");
        ExitCode::from(2)
    })
}

fn command() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => match codegen::Options::parse(&args[1..]) {
            Ok(options) => codegen::run(&options),
            Err(message) => usage_error(&message),
        },
        Some("diff") if args.iter().any(|a| a == "--migration-guide") => match guide::Options::parse(&args[1..]) {
            Ok(options) => guide::run(&options),
            Err(message) => usage_error(&message),
        },
        Some("diff") => match diff::Options::parse(&args[1..]) {
            Ok(options) => diff::run(&options),
            Err(message) => usage_error(&message),
        },
        Some("corpus") => match corpus::Options::parse(&args[1..]) {
            Ok(options) => corpus::run(&options),
            Err(message) => usage_error(&message),
        },
        Some("bench-build") => match bench_build::Options::parse(&args[1..]) {
            Ok(options) => bench_build::run(&options),
            Err(message) => usage_error(&message),
        },
        Some("help" | "--help" | "-h") => {
            say_raw!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command `{other}`")),
        None => usage_error("no command given"),
    }
}

fn usage_error(message: &str) -> ExitCode {
    say_err_raw!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

/// The repository root: xtask lives one level below it.
pub fn project_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}
