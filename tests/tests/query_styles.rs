//! How generated clients put object query parameters on the wire, checked on real requests
//! (built, not sent): exploded `form` through progenitor's `QueryParam`, and `deepObject`
//! through the helper the generator copies into clients that need it (compiled here from the
//! very file the generator embeds).

#[path = "../../generator/src/generate/deep_object.rs"]
mod deep_object;

use deep_object::DeepObject;

/// The shape typify gives an object with optional properties.
#[derive(serde::Serialize)]
struct Filter {
    #[serde(skip_serializing_if = "Option::is_none")]
    min_weight: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shape: Option<String>,
}

fn query_of(add: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> String {
    let request = add(reqwest::Client::new().get("http://127.0.0.1/pebbles"))
        .build()
        .expect("request builds");
    request.url().query().unwrap_or_default().to_owned()
}

#[test]
fn an_exploded_form_object_sends_one_pair_per_property() {
    let filter = Some(Filter {
        min_weight: Some(3),
        shape: Some("round".into()),
    });
    let query = query_of(|r| r.query(&progenitor_client::QueryParam::new("filter", &filter)));
    assert_eq!(query, "min_weight=3&shape=round");
    let unset = Some(Filter {
        min_weight: None,
        shape: Some("flat stone".into()),
    });
    let query = query_of(|r| r.query(&progenitor_client::QueryParam::new("filter", &unset)));
    assert_eq!(query, "shape=flat+stone");
    let absent: Option<Filter> = None;
    assert_eq!(
        query_of(|r| r.query(&progenitor_client::QueryParam::new("filter", &absent))),
        ""
    );
}

#[test]
fn a_deep_object_sends_name_and_key_in_brackets() {
    let flags = Some(Filter {
        min_weight: Some(3),
        shape: Some("round".into()),
    });
    let query = query_of(|r| r.query(&DeepObject::new("flags", &flags)));
    assert_eq!(query, "flags%5Bmin_weight%5D=3&flags%5Bshape%5D=round");

    let labels = std::collections::BTreeMap::from([("team", "core"), ("tier", "gold")]);
    let query = query_of(|r| r.query(&DeepObject::new("labels", &labels)).query(&[("page", "2")]));
    assert_eq!(query, "labels%5Bteam%5D=core&labels%5Btier%5D=gold&page=2");

    let absent: Option<Filter> = None;
    assert_eq!(query_of(|r| r.query(&DeepObject::new("flags", &absent))), "");
}
