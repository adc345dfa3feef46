//! Query parameters of `style: deepObject`. This file is copied into every generated client
//! that has one (as the module `deep_object`), and compiled in the generator's own tests.

/// A query parameter sent as `style: deepObject`: each property of the object as its own
/// pair `name[property]=value`, nested objects and arrays one level deeper each
/// (`name[a][b]=v`, `name[list][0]=v`), `null` and absent values left out.
pub struct DeepObject<'a, T: ?Sized> {
    name: &'a str,
    value: &'a T,
}

impl<'a, T: ?Sized> DeepObject<'a, T> {
    /// The parameter `name` (its wire name) with its value.
    pub fn new(name: &'a str, value: &'a T) -> Self {
        Self { name, value }
    }
}

impl<T: ?Sized + ::serde::Serialize> DeepObject<'_, T> {
    /// The query pairs, in order.
    pub fn pairs(&self) -> Result<Vec<(String, String)>, ::serde_json::Error> {
        let value = ::serde_json::to_value(self.value)?;
        let mut pairs = Vec::new();
        flatten(self.name.to_owned(), &value, &mut pairs);
        Ok(pairs)
    }
}

impl<T: ?Sized + ::serde::Serialize> ::serde::Serialize for DeepObject<'_, T> {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pairs = self.pairs().map_err(<S::Error as ::serde::ser::Error>::custom)?;
        serializer.collect_seq(pairs)
    }
}

fn flatten(key: String, value: &::serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        ::serde_json::Value::Null => {}
        ::serde_json::Value::Object(map) => {
            for (property, item) in map {
                flatten(format!("{key}[{property}]"), item, out);
            }
        }
        ::serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{key}[{i}]"), item, out);
            }
        }
        ::serde_json::Value::String(s) => out.push((key, s.clone())),
        other => out.push((key, other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::DeepObject;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    struct Relationship {
        director: Option<bool>,
        owner: Option<bool>,
        #[serde(rename = "first name")]
        first_name: Option<String>,
    }

    #[test]
    fn each_property_is_its_own_bracketed_pair() {
        let value = Some(Relationship {
            director: Some(true),
            owner: None,
            first_name: Some("Ann".into()),
        });
        let pairs = DeepObject::new("relationship", &value).pairs().expect("pairs");
        assert_eq!(
            pairs,
            [
                ("relationship[director]".to_owned(), "true".to_owned()),
                ("relationship[first name]".to_owned(), "Ann".to_owned()),
            ]
        );
        let none: Option<Relationship> = None;
        assert!(
            DeepObject::new("relationship", &none)
                .pairs()
                .expect("pairs")
                .is_empty()
        );
    }

    #[test]
    fn maps_and_nested_values_go_one_bracket_deeper() {
        let metadata = BTreeMap::from([("team", serde_json::json!({"id": 7, "tags": ["a", "b"]}))]);
        let pairs = DeepObject::new("metadata", &metadata).pairs().expect("pairs");
        assert_eq!(
            pairs,
            [
                ("metadata[team][id]".to_owned(), "7".to_owned()),
                ("metadata[team][tags][0]".to_owned(), "a".to_owned()),
                ("metadata[team][tags][1]".to_owned(), "b".to_owned()),
            ]
        );
    }
}
