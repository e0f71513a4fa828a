//! Reading a keyword of a JSON object (an OpenAPI document the importer converts, a spec's
//! value whose nodes `spec::yaml` looks up). serde_json keeps an object's
//! entries in document order in an `IndexMap` keyed by SipHash, and `get` hashes the key on
//! every call; a schema, parameter or response object has a handful of entries and the
//! importer asks each for a dozen keywords or more (`Importer::finish` alone asks about 30),
//! most of them absent. Up to [`LINEAR_ENTRIES`] entries the entries are compared in order
//! instead, which finds the same entry (keys are unique) without hashing. On Stripe's
//! description the samples in `IndexMap` lookups and SipHash fell from 3.7 % to 2.3 % of
//! `accord generate`'s (perf, 8 kHz), most of them in the importer, which runs on one
//! thread: wall 574 → 568 ms, GitHub's 334 → 329 ms (medians of 9 alternating runs,
//! non-LTO release build, 2 cores; issue 22).

use serde_json::{Map, Value};

/// Objects with at most this many entries are searched in order; larger ones by hash.
const LINEAR_ENTRIES: usize = 12;

/// The value of one keyword of a JSON object, as `Map::get` / `Value::get` give it.
pub(crate) trait Field {
    /// The value at `key`: `None` when the object has no such entry, or (for a [`Value`]) the
    /// value is not an object.
    fn field(&self, key: &str) -> Option<&Value>;

    /// Whether the object has an entry `key`.
    fn has_field(&self, key: &str) -> bool {
        self.field(key).is_some()
    }
}

impl Field for Map<String, Value> {
    fn field(&self, key: &str) -> Option<&Value> {
        if self.len() <= LINEAR_ENTRIES {
            self.iter().find_map(|(name, value)| (name == key).then_some(value))
        } else {
            self.get(key)
        }
    }
}

impl Field for Value {
    fn field(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|object| object.field(key))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Small and large objects, present and absent keys, and values that are not objects:
    /// the same answers as serde_json's own lookups.
    #[test]
    fn answers_as_serde_json_does() {
        let large: Map<String, Value> = (0..40).map(|index| (format!("k{index}"), json!(index))).collect();
        let values = [
            json!({}),
            json!({"type": "string", "format": "date-time", "description": "When."}),
            Value::Object(large),
            json!([1, 2]),
            json!("type"),
            json!(null),
        ];
        for value in &values {
            for key in ["type", "format", "description", "k0", "k39", "k40", "", "typ", "types"] {
                assert_eq!(value.field(key), value.get(key), "{key} in {value}");
                assert_eq!(value.has_field(key), value.get(key).is_some());
                if let Some(object) = value.as_object() {
                    assert_eq!(object.field(key), object.get(key), "{key} in {value}");
                }
            }
        }
        assert_eq!(values[2].field("k17"), Some(&json!(17)));
        assert_eq!(values[1].field("format"), Some(&json!("date-time")));
    }
}
