//! The migration guide on a made-up pair (`fixtures/migration`): one operation of each fate,
//! the moved one's changes reported against its successor, and hints that do not match the
//! documents refused.

use spec_diff::input::{Loaded, from_source};
use spec_diff::migration::{GuideError, Hints, guide};

const OLD: &str = include_str!("fixtures/migration/old.yaml");
const NEW: &str = include_str!("fixtures/migration/new.yaml");
const HINTS: &str = include_str!("fixtures/migration/hints.yaml");

fn load(name: &str, text: &str) -> Loaded {
    let source = generator::Source {
        name: name.to_owned(),
        bytes: text.as_bytes().to_vec(),
    };
    from_source(&source, None).expect("the fixture loads")
}

fn hints(text: &str) -> Hints {
    let document = generator::load::load("hints.yaml", text.as_bytes()).expect("hints load");
    Hints::parse(&document.value).expect("hints parse")
}

fn write(old: &str, new: &str, hints_text: &str) -> Result<String, GuideError> {
    guide(&load("old.yaml", old), &load("new.yaml", new), &hints(hints_text))
}

/// The section of the guide whose heading contains `needle`, up to the next heading.
fn section<'g>(guide: &'g str, needle: &str) -> &'g str {
    let found: Vec<&str> = guide
        .split("\n### ")
        .skip(1)
        .filter(|s| s.lines().next().is_some_and(|h| h.contains(needle)))
        .collect();
    assert_eq!(found.len(), 1, "one heading with {needle}:\n{guide}");
    found[0].split("\n## ").next().unwrap_or(found[0])
}

#[test]
fn every_old_operation_is_named_once_with_its_fate() {
    let guide = write(OLD, NEW, HINTS).expect("guide");
    for (old, fate, new) in [
        ("ping", "renamed", Some("check_health")),
        ("get_order", "unchanged", Some("get_order")),
        ("checkout", "moved", Some("check_out_cart")),
        ("make_coupon", "removed", None),
    ] {
        let name = format!("`shop::v1::Client::{old}`");
        assert_eq!(guide.matches(&name).count(), 1, "{name} once:\n{guide}");
        let heading = section(&guide, &name).lines().next().unwrap_or_default();
        assert!(heading.ends_with(&format!("({fate})")), "{heading}");
        match new {
            Some(new) => assert!(heading.contains(&format!("→ `shop::Client::{new}`")), "{heading}"),
            None => assert!(!heading.contains('→'), "{heading}"),
        }
    }
    assert!(
        guide.contains(
            "Of the 4 operations of `shop::v1`: 1 renamed (same endpoint, new Rust name), 1 moved to \
             another endpoint, 1 removed, 1 unchanged. `shop` adds 1 operations with no predecessor."
        ),
        "{guide}"
    );
}

#[test]
fn a_moved_operation_is_compared_with_its_successor() {
    let guide = write(OLD, NEW, HINTS).expect("guide");
    let moved = section(&guide, "`shop::v1::Client::checkout`");
    assert!(
        moved.contains("- Endpoint: `POST /baskets/{basketId}/checkout` → `POST /carts/{cartId}/checkout`."),
        "{moved}"
    );
    assert!(
        moved.contains("- Trait: `shop::v1::ClientOrdersExt` → `shop::ClientCartsExt`."),
        "{moved}"
    );
    assert!(moved.contains("- Baskets are carts now."), "{moved}");
    // The query parameter's change is found only because the two were paired.
    assert!(moved.contains("query parameter `express`"), "{moved}");
    assert!(moved.contains("response property `total`"), "{moved}");
    assert!(!guide.contains("was removed: POST /baskets"), "{guide}");
    assert!(
        !guide.contains("the operation POST /carts/{cartId}/checkout was added"),
        "{guide}"
    );
    // The path-item parameter travelled with the operation: it is paired with the new one
    // (a renamed setter), not reported as removed.
    assert!(
        moved.contains("path parameter `basketId` was renamed to `cartId`"),
        "{moved}"
    );
    assert_eq!(moved.matches("path parameter").count(), 1, "{moved}");
}

#[test]
fn types_error_bodies_and_the_host_come_from_the_documents() {
    let guide = write(OLD, NEW, HINTS).expect("guide");
    let kept = section(&guide, "`shop::v1::Client::get_order`");
    assert!(
        kept.contains("- Endpoint: `GET /orders/{orderId}` → `GET /orders/{id}`, the same on the wire."),
        "{kept}"
    );
    assert!(
        kept.contains("- Returns: `shop::v1::types::Order` → `shop::types::Order`."),
        "{kept}"
    );
    assert!(
        kept.contains("- Error bodies: `shop::v1::types::Missing` (404) → none declared."),
        "{kept}"
    );
    let whole = guide
        .split("## The whole API")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap_or_default();
    assert!(whole.contains("https://api.shop.example"), "{whole}");
    assert!(whole.contains("- The token comes from `SHOP_TOKEN`."), "{whole}");
}

#[test]
fn a_removed_operation_says_why_and_warns_of_its_namesake() {
    let guide = write(OLD, NEW, HINTS).expect("guide");
    let removed = section(&guide, "`shop::v1::Client::make_coupon`");
    assert!(
        removed.contains("- Endpoint: `POST /coupons`, with no successor."),
        "{removed}"
    );
    assert!(
        removed.contains("- Coupons are handed out by the shop's staff now."),
        "{removed}"
    );
    assert!(
        removed.contains("`shop::Client::make_coupon` is not its successor: it calls `POST /promotions`"),
        "{removed}"
    );
    let added = guide.split("## New in `shop`").nth(1).unwrap_or_default();
    assert!(
        added.contains("| `ClientCartsExt` | `make_coupon` (deprecated) | `POST /promotions` |"),
        "{added}"
    );
}

#[test]
fn the_guide_does_not_depend_on_the_order_of_the_documents() {
    let guide = write(OLD, NEW, HINTS).expect("guide");
    // The same old document with its paths in reverse order.
    let (head, paths) = OLD.split_once("paths:\n").expect("paths");
    let (paths, components) = paths.split_once("components:\n").expect("components");
    let mut items: Vec<String> = Vec::new();
    for line in paths.lines() {
        if line.starts_with("  /") || items.is_empty() {
            items.push(String::new());
        }
        if let Some(last) = items.last_mut() {
            last.push_str(line);
            last.push('\n');
        }
    }
    items.reverse();
    let reordered = format!("{head}paths:\n{}components:\n{components}", items.concat());
    assert_ne!(reordered, OLD);
    assert_eq!(write(&reordered, NEW, HINTS).expect("guide"), guide);
}

#[test]
fn hints_that_do_not_match_the_documents_are_refused() {
    let cases = [
        (
            HINTS.replace(
                "from: POST /baskets/{basketId}/checkout",
                "from: POST /baskets/{id}/pay",
            ),
            GuideError::UnknownEndpoint {
                side: "base",
                endpoint: "POST /baskets/{id}/pay".to_owned(),
            },
        ),
        (
            HINTS.replace("to: POST /carts/{cartId}/checkout", "to: PUT /carts/{cartId}/checkout"),
            GuideError::UnknownEndpoint {
                side: "head",
                endpoint: "PUT /carts/{cartId}/checkout".to_owned(),
            },
        ),
        (
            HINTS.replace("POST /coupons:", "GET /ping:"),
            GuideError::NotRemoved {
                endpoint: "GET /ping".to_owned(),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_ne!(text, HINTS, "the edit applies");
        let error = write(OLD, NEW, &text).expect_err("refused");
        assert_eq!(error, expected);
    }
    let document = generator::load::load("hints.yaml", b"base: {}\nmoves: []\n").expect("yaml");
    let error = Hints::parse(&document.value).expect_err("unknown key");
    assert_eq!(error.to_string(), "hints: unknown key `moves`");
}
