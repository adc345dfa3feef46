//! `cargo xtask diff BASE HEAD`: what a spec change breaks, for HTTP clients and for the
//! generated crate. The engine is the `spec-diff` crate; this is its command line.

use std::io::IsTerminal;
use std::process::ExitCode;

use spec_diff::report::{self, Format};
use spec_diff::{Input, Level};

#[derive(Debug)]
pub struct Options {
    pub base: Input,
    pub head: Input,
    pub base_overlay: Option<Input>,
    pub head_overlay: Option<Input>,
    pub format: Format,
    pub fail_on: Option<Level>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut sides = Vec::new();
        let (mut base_overlay, mut head_overlay) = (None, None);
        let mut format = None;
        let mut fail_on = None;
        let mut verbose = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().cloned().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "--overlay" => {
                    let overlay = Input::parse(&value("--overlay")?);
                    base_overlay = Some(overlay.clone());
                    head_overlay = Some(overlay);
                }
                "--base-overlay" => base_overlay = Some(Input::parse(&value("--base-overlay")?)),
                "--head-overlay" => head_overlay = Some(Input::parse(&value("--head-overlay")?)),
                "--format" => {
                    format = Some(match value("--format")?.as_str() {
                        "text" => Format::Text {
                            color: color(),
                            verbose: false,
                        },
                        "markdown" => Format::Markdown,
                        "json" => Format::Json,
                        other => return Err(format!("unknown format `{other}`: text, markdown or json")),
                    })
                }
                "--fail-on" => {
                    let level = value("--fail-on")?;
                    fail_on = Some(match level.as_str() {
                        "any" => Level::NonBreaking,
                        other => Level::parse(other).filter(|l| *l != Level::NonBreaking).ok_or(format!(
                            "unknown level `{other}` for --fail-on: breaking, potentially-breaking or any"
                        ))?,
                    });
                }
                "--verbose" => verbose = true,
                other if other.starts_with("--") => return Err(format!("unknown option `{other}` for diff")),
                side => sides.push(Input::parse(side)),
            }
        }
        let [base, head] = <[Input; 2]>::try_from(sides)
            .map_err(|sides| format!("diff needs BASE and HEAD, got {} document(s)", sides.len()))?;
        Ok(Options {
            base,
            head,
            base_overlay,
            head_overlay,
            format: match format.unwrap_or(Format::Text {
                color: color(),
                verbose: false,
            }) {
                Format::Text { color, .. } => Format::Text { color, verbose },
                other => other,
            },
            fail_on,
        })
    }
}

/// Colour only for people: a terminal, and no `NO_COLOR` (https://no-color.org).
fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn run(options: &Options) -> ExitCode {
    let load = |spec: &Input, overlay: &Option<Input>| spec_diff::input::load_document(spec, overlay.as_ref());
    let (base, head) = match (
        load(&options.base, &options.base_overlay),
        load(&options.head, &options.head_overlay),
    ) {
        (Ok(base), Ok(head)) => (base, head),
        (Err(error), _) | (_, Err(error)) => {
            say_err!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let report = spec_diff::input::compare(&base, &head);
    say_raw!(
        "{}",
        report::render(&report, &options.base.name(), &options.head.name(), options.format)
    );
    match (options.fail_on, report.worst()) {
        (Some(threshold), Some(worst)) if worst >= threshold => {
            say_err!("error: changes at level {threshold} or above (worst: {worst})");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}
