//! The JSON value serde_yaml builds, read as JSON reads the same text.
//!
//! serde_json's own `Value` visitor refuses an integer outside the 64-bit range ("JSON
//! number out of range"): YAML hands it `-9223372036854776000` or `18446744073709552000`
//! (valid YAML 1.2 integers, common in OpenAPI bounds written from an `i64`'s or `u64`'s
//! limit by a float printer) as an `i128`/`u128`, and the whole document failed. serde_json
//! reading the same number in JSON text makes it the nearest `f64` (its parser does so for
//! any integer beyond `u64`/`i64` unless `arbitrary_precision` is on). [`JsonValue`] does
//! the same for YAML, so a document imports alike in either syntax; every other value is
//! built as serde_json's visitor builds it (a non-finite float such as `.inf` becomes
//! `null`, map keys are read as strings).
//!
//! `JsonValue<true>` also refuses a key written twice in one mapping, which a JSON object
//! would silently keep only the last of: for a text whose positions (where duplicates are
//! otherwise found) are not built at once (`parse_deferred`).

use std::fmt;

use serde::Deserializer;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value deserialised from YAML, integers beyond 64 bits as the nearest `f64`; with
/// `UNIQUE`, a mapping that repeats a key is an error.
pub(super) struct JsonValue<const UNIQUE: bool = false>(pub(super) Value);

impl<'de, const UNIQUE: bool> serde::Deserialize<'de> for JsonValue<UNIQUE> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor::<UNIQUE>).map(JsonValue)
    }
}

struct JsonVisitor<const UNIQUE: bool>;

/// A float as JSON keeps it: `null` for what JSON cannot write (NaN, infinities).
fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

impl<'de, const UNIQUE: bool> Visitor<'de> for JsonVisitor<UNIQUE> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(match i64::try_from(value) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => match u64::try_from(value) {
                Ok(small) => Value::Number(small.into()),
                Err(_) => float(value as f64),
            },
        })
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(match u64::try_from(value) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => float(value as f64),
        })
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(JsonVisitor::<UNIQUE>)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(JsonValue::<UNIQUE>(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(KeyString(key)) = map.next_key()? {
            let JsonValue::<UNIQUE>(value) = map.next_value()?;
            if object.insert(key, value).is_some() && UNIQUE {
                return Err(serde::de::Error::custom("a key written twice in one mapping"));
            }
        }
        Ok(Value::Object(object))
    }
}

/// A mapping key, which JSON wants a string: a YAML scalar key is read as its text.
struct KeyString(String);

impl<'de> serde::Deserialize<'de> for KeyString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor).map(KeyString)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string key")
    }

    fn visit_str<E>(self, value: &str) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_string<E>(self, value: String) -> Result<String, E> {
        Ok(value)
    }
}
