//! Copied into the crate generated from `generator/tests/fixtures/gaps.yaml` as
//! `src/bin/use.rs` by `xtask/tests/gaps.rs`. Each marked line uses something the spec
//! deprecates and must draw exactly one `deprecated` warning; nothing else may warn.

use gaps::prelude::*;

fn main() {
    let client = Client::new("http://127.0.0.1:9");
    let request = client
        .list_legacy_gadgets() // deprecated operation
        .colour("teal") // deprecated parameter
        .limit(std::num::NonZeroU64::MIN);
    drop(request);
    let gadget: gaps::types::Gadget =
        serde_json::from_str(r#"{"id": "g1", "name": "Gizmo", "serial": "S-1"}"#).expect("a gadget");
    println!("{:?}", gadget.serial); // deprecated property
    println!("{}", gadget.name);
}
