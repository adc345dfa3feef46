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
pub mod error;
pub mod event_streams;
pub mod extend;
pub mod generate;
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
pub fn generate_with(spec: &Source, overlay: Option<&Source>, settings: &Settings) -> Result<Generated> {
    let prepared = prepare(spec, overlay)?;
    let name = prepared.spec.name.as_str();
    let mut warnings = prepared.warnings;
    let mut value = prepared.value;
    let overlay_actions = prepared.overlay_actions;
    adapt::prepare_tree(&mut value, &mut warnings);
    let mut api = validate::validate(name, &value)?;
    adapt::adapt(name, &mut api, &mut warnings)?;
    let inputs = extend::Inputs {
        name,
        api: &api,
        settings,
        overlay: overlay_actions.as_ref().map(|o| (o, &value)),
    };
    let body = split::generate_extend_render(&inputs, &mut warnings)?;
    let provenance = render::Provenance {
        name: prepared.spec.name.clone(),
        sha256: prepared.spec.sha256.clone(),
    };
    let code = render::header(&provenance, prepared.overlay.as_ref()) + &body;
    Ok(Generated { code, warnings })
}
