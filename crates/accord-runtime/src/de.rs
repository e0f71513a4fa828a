//! Decoding helpers that generated models call from their hand-written `Deserialize` impls.
//!
//! serde's derive expands to a field enum, its visitor, a map visitor and a sequence visitor
//! per struct: on APIs with a thousand models (GitHub, Stripe) that is most of what the
//! compiler type-checks (measured: the GitHub client's `cargo check` went from 37 s to 21 s
//! of CPU with these helpers instead of the derive). A generated struct reads its JSON object
//! once with [`object_of`] and takes each field out of it with [`required`], [`optional`] or
//! [`present`]: one generic call per field, with the same JSON semantics as the derive
//! (unknown keys ignored, missing optional fields default, `null` kept apart from absent where
//! the field says so), and errors that name the field.
//!
//! Unknown keys are skipped, never read: serde_json skips a value (`IgnoredAny`) with a loop
//! and no recursion, so a provider's extra field nested deeper than serde_json's recursion
//! limit (128) costs neither the call nor the stack, while the declared fields keep the limit.

use std::fmt;

use serde::de::{DeserializeOwned, Error, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A JSON object, by key.
pub type Object = serde_json::Map<String, Value>;

/// Reads the value being decoded as a JSON object, every key kept. Generated models call
/// [`object_of`], which skips the keys they do not declare; this stays for code generated
/// before it.
///
/// Errors: the value is not an object.
pub fn object<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
    Object::deserialize(deserializer)
}

/// Reads the value being decoded as a JSON object, keeping only the keys in `fields` (a
/// model's declared wire names) and skipping every other value unread (see the module
/// documentation: no recursion, no depth limit). A key sent twice keeps its last value, as
/// [`object`] does.
///
/// Errors: the value is not an object, or a declared field's value is not JSON serde_json
/// reads (nested deeper than its recursion limit).
pub fn object_of<'de, D: Deserializer<'de>>(
    deserializer: D,
    fields: &'static [&'static str],
) -> Result<Object, D::Error> {
    deserializer.deserialize_map(DeclaredFields(fields))
}

/// The map visitor of [`object_of`]: one for every model, never generic over the model.
struct DeclaredFields(&'static [&'static str]);

impl<'de> Visitor<'de> for DeclaredFields {
    type Value = Object;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
        let mut object = Object::new();
        while let Some(key) = map.next_key::<String>()? {
            if self.0.contains(&key.as_str()) {
                let value = map.next_value::<Value>()?;
                object.insert(key, value);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(object)
    }
}

fn field<T: DeserializeOwned, E: Error>(key: &str, value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(|e| E::custom(format_args!("field `{key}`: {e}")))
}

/// Takes a field that must be present.
///
/// Errors: the field is missing (`missing field`), or its value does not decode as `T`.
pub fn required<T: DeserializeOwned, E: Error>(object: &mut Object, key: &'static str) -> Result<T, E> {
    match object.remove(key) {
        Some(value) => field(key, value),
        None => Err(E::missing_field(key)),
    }
}

/// Takes a field that may be missing (`T::default()` then, `None` for an `Option`).
///
/// Errors: its value does not decode as `T`.
pub fn optional<T: DeserializeOwned + Default, E: Error>(object: &mut Object, key: &'static str) -> Result<T, E> {
    match object.remove(key) {
        Some(value) => field(key, value),
        None => Ok(T::default()),
    }
}

/// Takes a field that may be missing or `null`, keeping the two apart: `None` when missing,
/// `Some(None)` when `null`, `Some(Some(v))` for a value (see [`crate::types::double_option`]).
///
/// Errors: its value does not decode as `T`.
pub fn present<T: DeserializeOwned, E: Error>(object: &mut Object, key: &'static str) -> Result<Option<Option<T>>, E> {
    match object.remove(key) {
        Some(value) => field(key, value).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Pet {
        id: i64,
        tag: Option<String>,
        note: Option<Option<String>>,
    }

    impl<'de> Deserialize<'de> for Pet {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut object = object_of(deserializer, &["id", "tag", "note"])?;
            Ok(Pet {
                id: required(&mut object, "id")?,
                tag: optional(&mut object, "tag")?,
                note: present(&mut object, "note")?,
            })
        }
    }

    #[test]
    fn fields_decode_like_the_derive() {
        let pet: Pet = serde_json::from_value(json!({"id": 7, "extra": [1]})).unwrap();
        assert_eq!(pet, Pet { id: 7, tag: None, note: None });
        let pet: Pet = serde_json::from_str(r#"{"id": 7, "tag": "dog", "note": null}"#).unwrap();
        assert_eq!(pet, Pet { id: 7, tag: Some("dog".into()), note: Some(None) });
        let pet: Pet = serde_json::from_str(r#"{"id": 7, "tag": null, "note": "x"}"#).unwrap();
        assert_eq!(pet, Pet { id: 7, tag: None, note: Some(Some("x".into())) });
    }

    /// serde_json refuses JSON nested deeper than 128 levels when it reads it; an undeclared
    /// field is skipped unread, so its depth does not matter (issue 20, item 12).
    #[test]
    fn undeclared_fields_nested_past_the_recursion_limit_are_skipped() {
        let depth = 100_000;
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!(r#"{{"extra": {deep}, "id": 7, "more": {{"a": {deep}}}}}"#);
        let pet: Pet = serde_json::from_str(&body).expect("undeclared deep fields are skipped");
        assert_eq!(pet, Pet { id: 7, tag: None, note: None });
        // A declared field keeps serde_json's limit: that depth is refused, not overflowed.
        let declared = format!(r#"{{"id": 7, "note": {deep}}}"#);
        let error = serde_json::from_str::<Pet>(&declared).unwrap_err().to_string();
        assert!(error.contains("recursion limit exceeded"), "{error}");
        // `object`, which keeps every key, is the one the limit stops.
        let error = serde_json::from_str::<Object>(&body).unwrap_err().to_string();
        assert!(error.contains("recursion limit exceeded"), "{error}");
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let pet: Pet = serde_json::from_str(r#"{"id": 7, "id": 8}"#).unwrap();
        assert_eq!(pet.id, 8);
    }

    #[test]
    fn errors_name_the_field() {
        let missing = serde_json::from_str::<Pet>(r#"{"tag": "dog"}"#).unwrap_err().to_string();
        assert!(missing.contains("missing field `id`"), "{missing}");
        let wrong = serde_json::from_str::<Pet>(r#"{"id": "seven"}"#).unwrap_err().to_string();
        assert!(wrong.contains("field `id`: invalid type: string \"seven\", expected i64"), "{wrong}");
        let not_object = serde_json::from_str::<Pet>("[1]").unwrap_err().to_string();
        assert!(not_object.contains("expected a map"), "{not_object}");
    }
}
