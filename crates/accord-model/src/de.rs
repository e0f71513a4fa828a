//! Decoding helpers that generated models call from their hand-written `Deserialize` impls.
//!
//! serde's derive expands to a field enum, its visitor, a map visitor and a sequence visitor
//! per struct: on APIs with a thousand models (GitHub, Stripe) that is most of what the
//! compiler type-checks. A generated struct has one map visitor instead: it reads each
//! declared field straight into its type with [`FieldValue`] (errors name the field), skips
//! every other key with [`skip_value`], and finishes with [`required_value`] or the field's
//! default; the JSON semantics are the derive's (unknown keys ignored, missing optional fields
//! default, `null` kept apart from absent where the field says so).
//!
//! Undeclared keys are skipped, never read: serde_json skips a value (`IgnoredAny`) with a
//! loop and no recursion, so a provider's extra field nested deeper than serde_json's
//! recursion limit (128), in a model or in any model inside it, costs neither the call nor
//! the stack, while the declared fields keep the limit. (Measured on the full GitHub client,
//! 691 models, `cargo check` CPU: 11–12 s when every field went through a `serde_json::Value`
//! (which is what made deep undeclared fields fail), 19–25 s with this visitor, 37 s with the
//! derive.)
//!
//! [`object`], [`object_of`], [`required`], [`optional`] and [`present`] are the helpers of
//! that `Value`-based shape, kept for code generated before; [`navigation_value`] and
//! [`at_pointer`] read a page's cursor and items without meeting the depth limit either.

use std::fmt;

use serde::de::{DeserializeOwned, DeserializeSeed, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
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

/// The seed a generated model's map visitor reads a declared field's value with: straight
/// from the deserializer into `T` (no intermediate `Value`, so an undeclared field of a nested
/// model is skipped unread too), errors naming the field.
pub struct FieldValue<T> {
    key: &'static str,
    target: std::marker::PhantomData<T>,
}

impl<T> FieldValue<T> {
    /// The seed for the field whose wire name is `key`.
    pub fn new(key: &'static str) -> Self {
        FieldValue { key, target: std::marker::PhantomData }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for FieldValue<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        let key = self.key;
        T::deserialize(deserializer).map_err(|e| D::Error::custom(format_args!("field `{key}`: {e}")))
    }
}

/// Reads the value of a declared field into its slot (`slot`, `None` until then), through
/// [`FieldValue`]: one call per field in a generated map visitor, in place of the seed, the
/// `Some` and the `?` written out in each arm (issue 22: less code per model for the compiler to
/// type-check and borrow-check).
///
/// Errors: the value does not decode as `T` (the message names the field `key`).
pub fn read_field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &'static str,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value_seed(FieldValue::new(key))?);
    Ok(())
}

/// Reads a string enum's value: `from` maps the wire text to a variant (its own `Unknown`
/// for a value the client does not know yet). One generic visitor in place of serde's derive,
/// which expands to a field enum and two visitors per enum type (issue 22, compile time); like
/// the derive's, anything but a JSON string is an error ("expected a string").
///
/// Errors: `D::Error` when the value is not a string.
pub fn string_enum<'de, D: Deserializer<'de>, T, F: FnOnce(&str) -> T>(
    deserializer: D,
    from: F,
) -> Result<T, D::Error> {
    struct Text<F>(F);

    impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for Text<F> {
        type Value = T;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a string")
        }

        fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }

    deserializer.deserialize_str(Text(from))
}

/// What a generated model's visitor says it expected when the value is not an object.
pub fn expecting_object(formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
    formatter.write_str("a map")
}

/// The value of a field that must be present, as its map visitor read it.
///
/// Errors: the field was missing (`missing field`).
pub fn required_value<T, E: Error>(value: Option<T>, key: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(key))
}

/// The error of a generated map visitor that did not see every required field: `missing`
/// holds each required field's absence and wire name, in declaration order, and the first
/// absent one is named (`missing field`), as serde's derive does.
pub fn missing_field<E: Error>(missing: &[(bool, &'static str)]) -> E {
    let key = missing.iter().find(|(absent, _)| *absent).map_or("", |(_, key)| key);
    E::missing_field(key)
}

/// Skips the value of an undeclared key unread (serde_json skips it with a loop, however deep).
///
/// Errors: the value is not JSON.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Reads the value of an undeclared key into a model's `additional_properties` (a model whose
/// spec keeps undeclared properties), as serde's `flatten` does; a key sent twice keeps its
/// last value.
///
/// Errors: the value is not JSON.
pub fn keep_value<'de, A: MapAccess<'de>>(
    map: &mut A,
    properties: &mut std::collections::BTreeMap<String, Value>,
    key: String,
) -> Result<(), A::Error> {
    let value = map.next_value::<Value>()?;
    properties.insert(key, value);
    Ok(())
}

/// Reads a union (`one_of`) with no tag to go by: the value is read once as JSON, then each
/// alternative in `variants` is tried in the spec's order and the first that decodes wins, as
/// serde's `untagged` derive does (each alternative is a non-capturing closure such as
/// `|value| de::variant(value).map(Union::Pet)`). One function for every union in place of the
/// derive's buffering visitors (issue 22).
///
/// Errors: the value is not JSON, or no alternative decodes it ("data did not match any
/// variant of untagged enum `name`", the derive's words).
pub fn untagged<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    name: &'static str,
    variants: &[fn(&Value) -> Option<T>],
) -> Result<T, D::Error> {
    let value = Value::deserialize(deserializer)?;
    variants
        .iter()
        .find_map(|variant| variant(&value))
        .ok_or_else(|| D::Error::custom(format_args!("data did not match any variant of untagged enum {name}")))
}

/// One alternative of [`untagged`]: `value` decoded as `T`, or `None` when it does not fit.
pub fn variant<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
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

/// Objects and arrays deeper than this are read as `null` by [`navigation_value`]: pointers
/// that a page's cursor or a delivery's event type use are a few levels deep.
pub const NAVIGATION_DEPTH: usize = 32;

/// A JSON document read for its pointers (a page's cursor, `has_more`, next URL): objects and
/// arrays nested deeper than `max_depth` are skipped unread and read as `null`, so no depth
/// in the document meets serde_json's recursion limit or the stack. Not for data handed on:
/// a deep value comes out as `null`. An empty (all-whitespace) body reads as `null`.
///
/// Errors: the bytes are not one JSON value.
pub fn navigation_value(bytes: &[u8], max_depth: usize) -> Result<Value, serde_json::Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = Shallow { depth: 0, max_depth }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// The seed and visitor of [`navigation_value`] at one depth.
#[derive(Clone, Copy)]
struct Shallow {
    depth: usize,
    max_depth: usize,
}

impl Shallow {
    fn deeper(self) -> Self {
        Shallow { depth: self.depth + 1, max_depth: self.max_depth }
    }
}

impl<'de> DeserializeSeed<'de> for Shallow {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Shallow {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.depth >= self.max_depth {
            // serde_json skips each element with a loop, however deep it is.
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut out = Vec::new();
        while let Some(value) = seq.next_element_seed(self.deeper())? {
            out.push(value);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth >= self.max_depth {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut out = Object::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self.deeper())?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Decodes the value at JSON pointer `pointer` (RFC 6901; `""` is the whole document) of a
/// JSON document into `T`, skipping everything else unread (so an undeclared field's depth
/// does not matter); `Ok(None)` when nothing is there. Where a key appears twice, the first is
/// taken.
///
/// Errors: the bytes are not JSON, or the value there does not decode as `T`.
pub fn at_pointer<T: DeserializeOwned>(bytes: &[u8], pointer: &str) -> Result<Option<T>, serde_json::Error> {
    let segments: Vec<String> =
        pointer.split('/').skip(1).map(|segment| segment.replace("~1", "/").replace("~0", "~")).collect();
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value =
        AtPointer::<T> { segments: &segments, target: std::marker::PhantomData }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// The seed and visitor of [`at_pointer`], `segments` still to follow.
struct AtPointer<'s, T> {
    segments: &'s [String],
    target: std::marker::PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for AtPointer<'_, T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        if self.segments.is_empty() {
            return T::deserialize(deserializer).map(Some);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for AtPointer<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_i64<E: Error>(self, _: i64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_u64<E: Error>(self, _: u64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_f64<E: Error>(self, _: f64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_str<E: Error>(self, _: &str) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        let wanted = self.segments[0].parse::<usize>().ok();
        let rest = AtPointer::<T> { segments: &self.segments[1..], target: std::marker::PhantomData };
        let mut index = 0;
        let mut found = None;
        let mut rest = Some(rest);
        loop {
            if Some(index) == wanted
                && let Some(seed) = rest.take()
            {
                match seq.next_element_seed(seed)? {
                    Some(value) => found = value,
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            index += 1;
        }
        Ok(found)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut rest = Some(AtPointer::<T> { segments: &self.segments[1..], target: std::marker::PhantomData });
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            match rest.take_if(|_| key == self.segments[0]) {
                Some(seed) => found = map.next_value_seed(seed)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A model struct's map visitor as generated (`emit/rust/models.rs`): two required fields
    /// and an optional one, `read_field` in each arm, one `match` taking the required ones.
    #[derive(Debug, PartialEq)]
    struct Pair {
        a: i64,
        b: String,
        c: Option<i64>,
    }

    impl<'de> Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Fields;

            impl<'de> Visitor<'de> for Fields {
                type Value = Pair;

                fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                    expecting_object(formatter)
                }

                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pair, A::Error> {
                    let (mut field_0, mut field_1, mut field_2) = (None, None, None);
                    while let Some(key) = map.next_key::<String>()? {
                        match key.as_str() {
                            "a" => read_field(&mut map, &mut field_0, "a"),
                            "b" => read_field(&mut map, &mut field_1, "b"),
                            "c" => read_field(&mut map, &mut field_2, "c"),
                            _ => skip_value(&mut map),
                        }?;
                    }
                    match (field_0, field_1) {
                        (Some(value_0), Some(value_1)) => Ok(Pair { a: value_0, b: value_1, c: field_2 }),
                        (field_0, field_1) => Err(missing_field(&[(field_0.is_none(), "a"), (field_1.is_none(), "b")])),
                    }
                }
            }

            deserializer.deserialize_map(Fields)
        }
    }

    #[test]
    fn a_map_visitor_reads_declared_fields_and_names_the_first_missing_one() {
        let pair: Pair = serde_json::from_str(r#"{"c": 3, "z": {"deep": [1]}, "b": "x", "a": 1}"#).expect("decodes");
        assert_eq!(pair, Pair { a: 1, b: "x".into(), c: Some(3) });
        let pair: Pair = serde_json::from_str(r#"{"a": 1, "b": "y"}"#).expect("decodes");
        assert_eq!(pair.c, None);
        let missing = |text: &str| serde_json::from_str::<Pair>(text).expect_err("a field is missing").to_string();
        assert!(missing(r#"{"c": 3}"#).contains("missing field `a`"), "{}", missing(r#"{"c": 3}"#));
        assert!(missing(r#"{"a": 1}"#).contains("missing field `b`"), "{}", missing(r#"{"a": 1}"#));
        let wrong = serde_json::from_str::<Pair>(r#"{"a": "one", "b": "x"}"#).expect_err("a is a number").to_string();
        assert!(wrong.contains("field `a`"), "{wrong}");
    }

    /// A string enum as generated: two known values and `Unknown`.
    #[derive(Debug, PartialEq)]
    enum Status {
        Open,
        Closed,
        Unknown(String),
    }

    impl<'de> Deserialize<'de> for Status {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            string_enum(deserializer, |text| match text {
                "open" => Status::Open,
                "closed" => Status::Closed,
                _ => Status::Unknown(text.to_owned()),
            })
        }
    }

    #[test]
    fn a_string_enum_reads_known_and_unknown_values_and_refuses_non_strings() {
        assert_eq!(serde_json::from_str::<Status>(r#""open""#).unwrap(), Status::Open);
        // An escaped string (serde_json hands it over owned, not borrowed).
        assert_eq!(serde_json::from_str::<Status>(r#""clo\u0073ed""#).unwrap(), Status::Closed);
        assert_eq!(serde_json::from_value::<Status>(json!("archived")).unwrap(), Status::Unknown("archived".into()));
        let error = serde_json::from_str::<Status>("3").unwrap_err().to_string();
        assert!(error.contains("expected a string"), "{error}");
    }

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
    fn navigation_values_skip_what_is_deep_and_pointers_decode_from_the_bytes() {
        let depth = 100_000;
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!(r#"{{"data": [{{"id": 7, "extra": {deep}}}, {{"id": 8}}], "meta": {{"next": "c2"}}}}"#);
        let page = navigation_value(body.as_bytes(), NAVIGATION_DEPTH).expect("reads");
        assert_eq!(page.pointer("/meta/next"), Some(&Value::from("c2")));
        assert_eq!(page.pointer("/data/1/id"), Some(&Value::from(8)));
        assert_eq!(page.pointer(&format!("/data/0/extra{}", "/0".repeat(NAVIGATION_DEPTH - 3))), Some(&Value::Null));
        assert_eq!(navigation_value(b"  ", 4).expect("empty"), Value::Null);
        assert!(navigation_value(b"[1] 2", 4).is_err());

        let items: Option<Vec<Pet>> = at_pointer(body.as_bytes(), "/data").expect("decodes");
        assert_eq!(items.expect("found").iter().map(|pet| pet.id).collect::<Vec<_>>(), [7, 8]);
        assert_eq!(at_pointer::<i64>(body.as_bytes(), "/data/1/id").expect("decodes"), Some(8));
        assert_eq!(at_pointer::<i64>(body.as_bytes(), "/data/5/id").expect("decodes"), None);
        assert_eq!(at_pointer::<String>(br#"{"a/b": {"~": "x"}}"#, "/a~1b/~0").expect("decodes"), Some("x".into()));
        assert_eq!(at_pointer::<Vec<i64>>(b"[1, 2]", "").expect("decodes"), Some(vec![1, 2]));
        assert!(at_pointer::<i64>(br#"{"data": "x"}"#, "/data").is_err());
        // What serde_json's own `Value` cannot read.
        assert!(serde_json::from_str::<Value>(&body).is_err());
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

    /// An untagged union as generated: alternatives tried in order, the first that fits wins.
    #[derive(Debug, PartialEq)]
    enum Id {
        Number(i64),
        Text(String),
        Pair(Pair),
    }

    impl<'de> Deserialize<'de> for Id {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            untagged(
                deserializer,
                "Id",
                &[
                    |value| variant(value).map(Id::Number),
                    |value| variant(value).map(Id::Text),
                    |value| variant(value).map(Id::Pair),
                ],
            )
        }
    }

    #[test]
    fn an_untagged_union_takes_the_first_alternative_that_decodes() {
        assert_eq!(serde_json::from_str::<Id>("7").unwrap(), Id::Number(7));
        assert_eq!(serde_json::from_str::<Id>(r#""seven""#).unwrap(), Id::Text("seven".into()));
        assert_eq!(
            serde_json::from_str::<Id>(r#"{"a": 1, "b": "x"}"#).unwrap(),
            Id::Pair(Pair { a: 1, b: "x".into(), c: None })
        );
        let error = serde_json::from_str::<Id>("[true]").unwrap_err().to_string();
        assert_eq!(error, "data did not match any variant of untagged enum Id");
    }

    #[test]
    fn undeclared_keys_are_kept_with_their_last_value() {
        struct Open(std::collections::BTreeMap<String, Value>);
        impl<'de> Deserialize<'de> for Open {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Keys;
                impl<'de> Visitor<'de> for Keys {
                    type Value = Open;
                    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                        expecting_object(formatter)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Open, A::Error> {
                        let mut extra = std::collections::BTreeMap::new();
                        while let Some(key) = map.next_key::<String>()? {
                            match key.as_str() {
                                "skipped" => skip_value(&mut map),
                                _ => keep_value(&mut map, &mut extra, key),
                            }?;
                        }
                        Ok(Open(extra))
                    }
                }
                deserializer.deserialize_map(Keys)
            }
        }
        let open: Open = serde_json::from_str(r#"{"x": 1, "skipped": [2], "y": {"z": null}, "x": 3}"#).unwrap();
        assert_eq!(serde_json::to_value(&open.0).unwrap(), json!({"x": 3, "y": {"z": null}}));
    }
}
