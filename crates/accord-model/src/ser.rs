//! Encoding helpers that generated models call from their hand-written `Serialize` impls.
//!
//! A generated crate compiles no proc macro: serde's derive would bring proc-macro2, quote,
//! syn and serde_derive into every build, about 5 s of CPU and the longest chain of a cold
//! `cargo check` of a small client (issue 22). A generated struct's `Serialize` is one chain
//! of calls instead, [`StructFields`] (or [`MapFields`] for a model that keeps undeclared
//! properties): no `?` and no branch per field in the generated code, the first error kept
//! and returned by `end`.
//!
//! The output is the derive's: fields in declaration order under their wire names, an
//! optional field left out when it is `None` (`skip_serializing_if = "Option::is_none"`,
//! through `SerializeStruct::skip_field`), `null` for `Some(None)` of a nullable one, and the
//! struct's length the number of fields written (formats that write a length first, such as
//! MessagePack, need it exact).

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

/// The fields of a struct being written with `Serializer::serialize_struct`: build it with
/// [`StructFields::new`], add each field in declaration order, and finish with
/// [`StructFields::end`]. After the first error the remaining calls do nothing and `end`
/// returns that error.
pub struct StructFields<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> StructFields<S> {
    /// Starts the struct `name` with `len` fields to write (required fields plus the optional
    /// ones that are `Some`).
    pub fn new(serializer: S, name: &'static str, len: usize) -> Self {
        StructFields { state: serializer.serialize_struct(name, len) }
    }

    /// Writes a field that is always present (`null` for a `None` of a nullable one).
    pub fn field<T: ?Sized + Serialize>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(state) = &mut self.state
            && let Err(error) = state.serialize_field(key, value)
        {
            self.state = Err(error);
        }
        self
    }

    /// Writes an optional field when it is `Some`, and leaves it out (`skip_field`) when it is
    /// `None`.
    pub fn optional<T: Serialize>(mut self, key: &'static str, value: &Option<T>) -> Self {
        if let Ok(state) = &mut self.state {
            let written = match value {
                Some(value) => state.serialize_field(key, value),
                None => state.skip_field(key),
            };
            if let Err(error) = written {
                self.state = Err(error);
            }
        }
        self
    }

    /// Ends the struct.
    ///
    /// Errors: the serializer's first error, from starting the struct or from any field.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// The entries of a model that keeps undeclared properties, written as a map
/// (`Serializer::serialize_map` of unknown length, as serde's `flatten` writes it): its
/// declared fields, then [`MapFields::extra`]'s properties. Errors as [`StructFields`].
pub struct MapFields<S: Serializer> {
    state: Result<S::SerializeMap, S::Error>,
}

impl<S: Serializer> MapFields<S> {
    /// Starts the map.
    pub fn new(serializer: S) -> Self {
        MapFields { state: serializer.serialize_map(None) }
    }

    /// Writes a field that is always present.
    pub fn field<T: ?Sized + Serialize>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(state) = &mut self.state
            && let Err(error) = state.serialize_entry(key, value)
        {
            self.state = Err(error);
        }
        self
    }

    /// Writes an optional field when it is `Some`.
    pub fn optional<T: Serialize>(self, key: &'static str, value: &Option<T>) -> Self {
        match value {
            Some(value) => self.field(key, value),
            None => self,
        }
    }

    /// Writes the properties the spec does not declare, as they came, by key.
    pub fn extra(mut self, properties: &BTreeMap<String, serde_json::Value>) -> Self {
        for (key, value) in properties {
            let Ok(state) = &mut self.state else { break };
            if let Err(error) = state.serialize_entry(key, value) {
                self.state = Err(error);
            }
        }
        self
    }

    /// Ends the map.
    ///
    /// Errors: the serializer's first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    struct Pet {
        name: String,
        tag: Option<String>,
        owner: Option<Option<String>>,
        parent: Option<String>,
    }

    impl Serialize for Pet {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = 2 + usize::from(self.tag.is_some()) + usize::from(self.owner.is_some());
            StructFields::new(serializer, "Pet", len)
                .field("name", &self.name)
                .optional("tag", &self.tag)
                .optional("owner", &self.owner)
                .field("parent", &self.parent)
                .end()
        }
    }

    #[test]
    fn struct_fields_write_in_order_and_leave_out_absent_optional_ones() {
        let pet = Pet { name: "Rex".into(), tag: None, owner: Some(None), parent: None };
        assert_eq!(serde_json::to_string(&pet).unwrap(), r#"{"name":"Rex","owner":null,"parent":null}"#);
        let pet =
            Pet { name: "Rex".into(), tag: Some("a".into()), owner: Some(Some("b".into())), parent: Some("c".into()) };
        assert_eq!(
            serde_json::to_value(&pet).unwrap(),
            json!({"name": "Rex", "tag": "a", "owner": "b", "parent": "c"})
        );
    }

    /// A value that fails to serialize, to see the first error kept.
    struct Broken;

    impl Serialize for Broken {
        fn serialize<S: Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("broken on purpose"))
        }
    }

    #[test]
    fn the_first_error_is_returned_by_end() {
        struct Two;
        impl Serialize for Two {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                StructFields::new(serializer, "Two", 2).field("a", &Broken).field("b", &1).end()
            }
        }
        let error = serde_json::to_string(&Two).unwrap_err();
        assert!(error.to_string().contains("broken on purpose"), "{error}");
    }

    #[test]
    fn map_fields_write_declared_fields_then_the_extra_properties() {
        struct Open {
            id: i64,
            note: Option<String>,
            extra: BTreeMap<String, serde_json::Value>,
        }
        impl Serialize for Open {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                MapFields::new(serializer).field("id", &self.id).optional("note", &self.note).extra(&self.extra).end()
            }
        }
        let extra = BTreeMap::from([("b".to_owned(), json!([1])), ("a".to_owned(), json!(null))]);
        let open = Open { id: 7, note: None, extra };
        assert_eq!(serde_json::to_string(&open).unwrap(), r#"{"id":7,"a":null,"b":[1]}"#);
    }
}
