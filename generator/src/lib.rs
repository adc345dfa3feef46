//! The generator: an OpenAPI document in, a formatted Rust client out.
//!
//! The pipeline runs one stage per module, data flowing one way:
//!
//! ```text
//! bytes ─ load ─▶ JSON tree ─ overlay ─▶ JSON tree ─ event_streams ─▶ JSON tree ─ normalize ─▶ OpenAPI 3.0 tree
//!       ─ validate ─▶ openapiv3::OpenAPI ─ adapt ─▶ openapiv3::OpenAPI ─ generate (progenitor) ─▶ tokens
//!       ─ extend ─▶ syntax tree ─ render (prettyplease) ─▶ source ─ write ─▶ files
//! ```
//!
//! [`generate_with`] runs generate, extend and render on two threads, one for progenitor's
//! `types` module and one for the rest (see `split`); [`extend::extend`] and
//! [`render::render`] are the same stages on one thread, with the same output.
//!
//! Every stage either hands on its result or returns an [`Error`] naming the document, the
//! JSON pointer of the offending node and the reason. Nothing is written until the source
//! is complete, and [`write`] replaces files atomically.

pub mod adapt;
pub mod degrade;
pub mod error;
pub mod event_streams;
pub mod extend;
pub mod generate;
pub mod lenient;
pub mod load;
pub mod normalize;
pub mod overlay;
pub mod pointer;
pub mod render;
mod split;
pub mod validate;
pub mod warning;
pub mod write;

pub use error::{Error, Location, Result, Stage};
pub use warning::Warning;

/// An input file: the name to report it under, and its bytes.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Source {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            bytes: bytes.into(),
        }
    }

    /// Reads `path`, naming the source `name` (so that headers do not carry machine paths).
    pub fn read(path: &std::path::Path, name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        let bytes = std::fs::read(path).map_err(|e| {
            Error::new(
                Stage::Load,
                Some(Location::new(&name, "")),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        Ok(Self { name, bytes })
    }
}

/// The generated client source and what the pipeline warned about on the way.
#[derive(Debug, Clone)]
pub struct Generated {
    pub code: String,
    pub warnings: Vec<Warning>,
    /// How many operations came out typed, degraded, or left out (see [`degrade`]).
    pub report: degrade::Report,
}

/// The document after loading, overlaying and normalizing: what progenitor will read, and
/// what tools such as a spec diff compare.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub spec: load::Document,
    pub overlay: Option<render::Provenance>,
    /// The overlay's actions, to tell which one set a node that turns out to be wrong.
    pub overlay_actions: Option<overlay::Overlay>,
    /// The normalized OpenAPI 3.0 tree.
    pub value: serde_json::Value,
    pub warnings: Vec<Warning>,
}

/// Runs load, overlay and normalize.
pub fn prepare(spec: &Source, overlay: Option<&Source>) -> Result<Prepared> {
    let document = load::load(&spec.name, &spec.bytes)?;
    let mut value = document.value.clone();
    let overlay_actions = match overlay {
        Some(source) => {
            let overlay = overlay::Overlay::parse(&load::load(&source.name, &source.bytes)?)?;
            overlay.apply(&mut value)?;
            Some(overlay)
        }
        None => None,
    };
    let overlay = overlay_actions.as_ref().map(|overlay| render::Provenance {
        name: overlay.name.clone(),
        sha256: overlay.sha256.clone(),
    });
    let mut warnings = Vec::new();
    event_streams::prepare(&document.name, &mut value, &mut warnings)?;
    normalize::normalize(&document.name, &mut value, &mut warnings)?;
    Ok(Prepared {
        spec: document,
        overlay,
        overlay_actions,
        value,
        warnings,
    })
}

pub use extend::Settings;

/// Runs the whole pipeline with default settings (a self-contained client).
pub fn generate(spec: &Source, overlay: Option<&Source>) -> Result<Generated> {
    generate_with(spec, overlay, &Settings::default())
}

/// Runs the whole pipeline and returns the client's source.
///
/// Only a document that is not OpenAPI 3.x (or does not parse) is refused, and an overlay
/// that does not apply. Any other failure names a node, and the [`degrade`] ladder gives up
/// the smallest unit around it (a default, a schema, an operation) with a warning; the
/// stages then run again on the degraded document, until it generates.
pub fn generate_with(spec: &Source, overlay: Option<&Source>, settings: &Settings) -> Result<Generated> {
    run(spec, overlay, settings, split::Threads::Two)
}

/// [`generate_with`] with generate, extend and render on the calling thread: the same
/// output, for the test that compares both ways.
#[doc(hidden)]
pub fn generate_on_one_thread(spec: &Source, overlay: Option<&Source>, settings: &Settings) -> Result<Generated> {
    run(spec, overlay, settings, split::Threads::One)
}

fn run(spec: &Source, overlay: Option<&Source>, settings: &Settings, threads: split::Threads) -> Result<Generated> {
    let prepared = prepare(spec, overlay)?;
    let name = prepared.spec.name.clone();
    let provenance = render::Provenance {
        name: prepared.spec.name.clone(),
        sha256: prepared.spec.sha256.clone(),
    };
    let header = render::header(&provenance, prepared.overlay.as_ref());
    let overlay_actions = prepared.overlay_actions;
    let mut ledger = degrade::Ledger::default();
    // The first attempt takes the prepared tree as it is, so a document that generates
    // pays for no copy. A failed attempt has changed its tree: the next ones start from a
    // fresh one with every step taken so far.
    let mut first = Some((prepared.value, prepared.warnings));
    let mut base: Option<(serde_json::Value, Vec<Warning>)> = None;
    // The document as prepared, before any step: what the report counts operations of.
    let mut pristine: Option<serde_json::Value> = None;
    loop {
        let (mut value, mut warnings) = match (first.take(), &base) {
            (Some(first), _) => first,
            (None, Some((value, warnings))) => (value.clone(), warnings.clone()),
            (None, None) => return Err(extend::internal("no document to generate")),
        };
        let failure = match stages(
            &name,
            &mut value,
            &mut warnings,
            settings,
            overlay_actions.as_ref(),
            threads,
        ) {
            Ok((body, lenient)) => {
                // The operations as the document has them, before any was left out.
                let counted = pristine.unwrap_or(value);
                let mut report = ledger.report(&counted, &lenient.changed);
                report.count_warnings(&ledger, lenient.warnings, warnings.len());
                warnings.extend(ledger.warnings().iter().cloned());
                return Ok(Generated {
                    code: header + &body,
                    warnings,
                    report,
                });
            }
            Err(error) => error,
        };
        let (mut tree, tree_warnings) = match base.take() {
            Some(base) => base,
            None => {
                let again = prepare(spec, overlay)?;
                pristine = Some(again.value.clone());
                (again.value, again.warnings)
            }
        };
        if let Some(overlaid) = overlay_actions
            .as_ref()
            .and_then(|o| set_by_overlay(o, &tree, &failure))
        {
            return Err(overlaid);
        }
        if ledger.steps_taken() > MAX_STEPS || !ledger.degrade(&name, &mut tree, &failure) {
            return Err(failure);
        }
        base = Some((tree, tree_warnings));
    }
}

/// The failure as the overlay's own, when an overlay action set the extension it names (a
/// hint such as `x-server-group`): the overlay is the user's to fix, so nothing of the
/// document gives way, and the error points at the action.
fn set_by_overlay(overlay: &overlay::Overlay, tree: &serde_json::Value, failure: &Error) -> Option<Error> {
    let at = &failure.location.as_ref()?.pointer;
    let segments: Vec<&str> = at.split('/').collect();
    let x = segments.iter().position(|s| s.starts_with("x-"))?;
    let parent = segments[..x].join("/");
    let key = pointer::unescape(segments[x]);
    let action = overlay.origin_of(tree, &parent, &key)?;
    let rest = segments[x..].join("/");
    Some(Error::at(
        Stage::Overlay,
        &overlay.name,
        format!("{action}/update/{rest}"),
        failure.reason.clone(),
    ))
}

/// How many rungs the ladder may take for one document: far more than any real document
/// needs, so that a rung that fails to make progress ends in the error rather than a loop.
const MAX_STEPS: usize = 100_000;

/// What lenient reading did on the attempt that generated.
struct Lenient {
    /// The nodes whose types it changed.
    changed: Vec<String>,
    /// How many warnings it gave.
    warnings: usize,
}

/// prepare_tree, lenient reading, validate, adapt, then generate, extend and render: the
/// formatted source without its header, and what lenient reading did.
fn stages(
    name: &str,
    value: &mut serde_json::Value,
    warnings: &mut Vec<Warning>,
    settings: &Settings,
    overlay: Option<&overlay::Overlay>,
    threads: split::Threads,
) -> Result<(String, Lenient)> {
    adapt::prepare_tree(value, warnings);
    let before = warnings.len();
    let changed = lenient::read(value, warnings);
    let lenient = Lenient {
        changed,
        warnings: warnings.len() - before,
    };
    let mut api = validate::validate(name, value)?;
    adapt::adapt(name, &mut api, warnings)?;
    let inputs = extend::Inputs {
        name,
        api: &api,
        settings,
        overlay: overlay.map(|o| (o, &*value)),
    };
    let body = match threads {
        split::Threads::Two => split::generate_extend_render(&inputs, warnings)?,
        split::Threads::One => split::on_one_thread(&inputs, warnings)?,
    };
    Ok((body, lenient))
}
