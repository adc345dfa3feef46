//! What plain progenitor does with a document as written, for the corpus table: the peer
//! our generator is measured against, with progenitor's default settings and no reshaping.

/// The outcome when progenitor generates code (whether that code compiles is not checked).
pub const GENERATES: &str = "generates";

/// The outcome for a document that does not parse as YAML or JSON.
pub const UNREADABLE: &str = "unreadable";

/// progenitor 0.15's outcome on `document` (as parsed, not normalized): it reads only
/// OpenAPI 3.0 (a 3.1 document, or one `openapiv3` cannot read, is refused), then
/// generates, returns an error, or panics.
pub fn outcome(document: &serde_json::Value) -> &'static str {
    let version = document
        .get("openapi")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if version.starts_with("3.1") {
        return "refused (3.1)";
    }
    let Ok(api) = serde_json::from_value::<openapiv3::OpenAPI>(document.clone()) else {
        return "refused (does not read)";
    };
    let settings = progenitor::GenerationSettings::default();
    let mut progenitor = progenitor::Generator::new(&settings);
    match generator::generate::catch_quietly(|| progenitor.generate_tokens(&api).is_ok()) {
        Ok(true) => GENERATES,
        Ok(false) => "error",
        Err(_) => "panics",
    }
}
