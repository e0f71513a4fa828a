//! A value's shape as JSON text in one pass: the JSON that `serde_json::to_value`, then
//! removing every object's `span`, `description` and `example` and taking the name out of
//! every `{"kind": "named", "of": NAME}`, then `to_string` gave (keys in declaration order),
//! without building the value tree.
//! [`super::dedup`] makes one per type of a spec; through the tree it was a tenth of the
//! import of GitHub's description (issue 22).
//!
//! It wraps serde_json's serializer: every struct field and map entry passes through
//! [`Shaped`], which drops the three keys and replaces a named reference's name with `""`,
//! collecting the name; nested values are wrapped again, so the rule applies at every depth.

use std::cell::RefCell;

use serde::ser::{self, Serialize, Serializer};

/// Keys left out of a shape (they do not change what Rust type a schema is).
const LEFT_OUT: [&str; 3] = ["span", "description", "example"];

/// `value`'s shape as JSON text, and the names of the types it refers to, in order.
pub(super) fn shape_json<T: Serialize + ?Sized>(value: &T) -> (String, Vec<String>) {
    let names = RefCell::new(Vec::new());
    let mut text = Vec::with_capacity(256);
    let written = Shaped { value, names: &names }.serialize(&mut serde_json::Serializer::new(&mut text));
    if written.is_err() {
        // The IR serialises without errors; should it not, the shape is `null`, as
        // `to_value(…).unwrap_or(Null)` made it.
        return ("null".into(), Vec::new());
    }
    (String::from_utf8(text).unwrap_or_default(), names.into_inner())
}

/// A value whose serialisation goes through [`ShapeSerializer`].
struct Shaped<'a, T: ?Sized> {
    value: &'a T,
    names: &'a RefCell<Vec<String>>,
}

impl<T: Serialize + ?Sized> Serialize for Shaped<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(ShapeSerializer { inner: serializer, names: self.names })
    }
}

/// The JSON text a value serialises to on its own (a key or a `kind`), or `None`.
fn text_of<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// The state of one object being written: whether its `kind` is `named`, and the key of a
/// map entry whose value has not come yet (maps give keys and values apart).
struct Object<'a, C> {
    inner: C,
    names: &'a RefCell<Vec<String>>,
    named: bool,
    /// A map key held back until its value shows whether it is `of` of a named reference.
    pending_key: Option<String>,
}

impl<'a, C> Object<'a, C> {
    fn new(inner: C, names: &'a RefCell<Vec<String>>) -> Self {
        Object { inner, names, named: false, pending_key: None }
    }

    /// What to write for the entry `key`: `None` to leave it out, `Some(None)` to write the
    /// value (wrapped), `Some(Some(name))` to write `""` in place of the name `name`.
    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Option<Option<String>> {
        if LEFT_OUT.contains(&key) {
            return None;
        }
        if key == "kind" && text_of(value).as_deref() == Some("\"named\"") {
            self.named = true;
        }
        if key == "of"
            && self.named
            && let Some(serde_json::Value::String(name)) = serde_json::to_value(value).ok()
        {
            return Some(Some(name));
        }
        Some(None)
    }
}

impl<C: ser::SerializeStruct> ser::SerializeStruct for Object<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), C::Error> {
        match self.entry(key, value) {
            None => Ok(()),
            Some(Some(name)) => {
                self.names.borrow_mut().push(name);
                self.inner.serialize_field(key, "")
            }
            Some(None) => self.inner.serialize_field(key, &Shaped { value, names: self.names }),
        }
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeStructVariant> ser::SerializeStructVariant for Object<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), C::Error> {
        match self.entry(key, value) {
            None => Ok(()),
            Some(Some(name)) => {
                self.names.borrow_mut().push(name);
                self.inner.serialize_field(key, "")
            }
            Some(None) => self.inner.serialize_field(key, &Shaped { value, names: self.names }),
        }
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeMap> ser::SerializeMap for Object<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        // JSON object keys are strings; a key that is not one is written as serde_json
        // writes it, and is never one of the special keys.
        match text_of(key).and_then(|text| serde_json::from_str::<String>(&text).ok()) {
            Some(text) => self.pending_key = Some(text),
            None => self.inner.serialize_key(&Shaped { value: key, names: self.names })?,
        }
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        let Some(key) = self.pending_key.take() else {
            return self.inner.serialize_value(&Shaped { value, names: self.names });
        };
        match self.entry(&key, value) {
            None => Ok(()),
            Some(Some(name)) => {
                self.names.borrow_mut().push(name);
                self.inner.serialize_entry(&key, "")
            }
            Some(None) => self.inner.serialize_entry(&key, &Shaped { value, names: self.names }),
        }
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

/// A sequence, tuple or variant's content: every element wrapped.
struct Elements<'a, C> {
    inner: C,
    names: &'a RefCell<Vec<String>>,
}

impl<C: ser::SerializeSeq> ser::SerializeSeq for Elements<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.inner.serialize_element(&Shaped { value, names: self.names })
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeTuple> ser::SerializeTuple for Elements<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.inner.serialize_element(&Shaped { value, names: self.names })
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeTupleStruct> ser::SerializeTupleStruct for Elements<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.inner.serialize_field(&Shaped { value, names: self.names })
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeTupleVariant> ser::SerializeTupleVariant for Elements<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.inner.serialize_field(&Shaped { value, names: self.names })
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

/// serde_json's serializer, with every compound value's members wrapped.
struct ShapeSerializer<'a, S> {
    inner: S,
    names: &'a RefCell<Vec<String>>,
}

impl<'a, S: Serializer> Serializer for ShapeSerializer<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Elements<'a, S::SerializeSeq>;
    type SerializeTuple = Elements<'a, S::SerializeTuple>;
    type SerializeTupleStruct = Elements<'a, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Elements<'a, S::SerializeTupleVariant>;
    type SerializeMap = Object<'a, S::SerializeMap>;
    type SerializeStruct = Object<'a, S::SerializeStruct>;
    type SerializeStructVariant = Object<'a, S::SerializeStructVariant>;

    fn serialize_bool(self, v: bool) -> Result<S::Ok, S::Error> {
        self.inner.serialize_bool(v)
    }
    fn serialize_i8(self, v: i8) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i8(v)
    }
    fn serialize_i16(self, v: i16) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i16(v)
    }
    fn serialize_i32(self, v: i32) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i32(v)
    }
    fn serialize_i64(self, v: i64) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i64(v)
    }
    fn serialize_i128(self, v: i128) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i128(v)
    }
    fn serialize_u8(self, v: u8) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u8(v)
    }
    fn serialize_u16(self, v: u16) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u16(v)
    }
    fn serialize_u32(self, v: u32) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u32(v)
    }
    fn serialize_u64(self, v: u64) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u64(v)
    }
    fn serialize_u128(self, v: u128) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u128(v)
    }
    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.inner.serialize_f32(v)
    }
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        self.inner.serialize_f64(v)
    }
    fn serialize_char(self, v: char) -> Result<S::Ok, S::Error> {
        self.inner.serialize_char(v)
    }
    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<S::Ok, S::Error> {
        self.inner.serialize_bytes(v)
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(&Shaped { value, names: self.names })
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(self, name: &'static str, index: u32, variant: &'static str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_struct(name, &Shaped { value, names: self.names })
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        // `{"variant": value}` (as serde_json writes it): an object with one key, which the
        // rule sees as any other.
        let mut object = Object::new(self.inner.serialize_map(Some(1))?, self.names);
        ser::SerializeMap::serialize_key(&mut object, variant)?;
        ser::SerializeMap::serialize_value(&mut object, value)?;
        ser::SerializeMap::end(object)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(Elements { inner: self.inner.serialize_seq(len)?, names: self.names })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        Ok(Elements { inner: self.inner.serialize_tuple(len)?, names: self.names })
    }
    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, S::Error> {
        Ok(Elements { inner: self.inner.serialize_tuple_struct(name, len)?, names: self.names })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Ok(Elements { inner: self.inner.serialize_tuple_variant(name, index, variant, len)?, names: self.names })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Ok(Object::new(self.inner.serialize_map(len)?, self.names))
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct, S::Error> {
        Ok(Object::new(self.inner.serialize_struct(name, len)?, self.names))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Ok(Object::new(self.inner.serialize_struct_variant(name, index, variant, len)?, self.names))
    }
}
