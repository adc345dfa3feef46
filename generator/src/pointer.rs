//! JSON pointers (RFC 6901): how every error names its place in a document.

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends `token` to `base`.
pub fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slashes_and_tildes_in_path_templates() {
        assert_eq!(
            join("/paths", "/servers/{qualifiedName}"),
            "/paths/~1servers~1{qualifiedName}"
        );
        assert_eq!(escape("a~b/c"), "a~0b~1c");
        assert_eq!(unescape(&escape("a~1/b~0")), "a~1/b~0");
    }
}
