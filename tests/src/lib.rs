//! Integration tests live in `tests/`; this crate has no code of its own. Its docs are the
//! repository's README, so that `cargo test` compiles the README's Rust example: a README
//! that no longer matches the API fails the build.
#![doc = include_str!("../../README.md")]
