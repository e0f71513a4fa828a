//! The kinds and named references in a value's `Serialize` form, found while serialising it
//! to nothing. The IR's type expressions serialise as `{"kind": "named", "of": "Order"}`,
//! `{"kind": "date_time"}`, …, so walking the serialised form finds every type expression
//! wherever the IR holds one, including in a place added to the IR later. Walking a
//! `serde_json::Value` made of the IR did the same at the cost of a copy of it: on GitHub's
//! description that copy was about a twentieth of `accord generate` (issue 22).

use std::cell::{Cell, RefCell};

use serde::ser::{self, Serialize, Serializer};

/// One object of the JSON form with a string `kind`: the field of the walked value it is in
/// (`top`: a struct field or an enum variant's name; `None` for the value itself, and under a
/// map at the top, which the IR does not have), its `kind`, and its `of` when that is a
/// string (a named type's name).
pub(crate) struct Found<'a> {
    pub top: Option<&'static str>,
    pub kind: &'a str,
    pub of: Option<&'a str>,
}

/// Calls `found` for every object of `value`'s JSON form that has a string `kind`, in no
/// particular order. What `serde_json::to_value(value)` would give, walked: a struct is an
/// object of its fields, a map an object of its entries, `Some(x)` and a newtype are `x`,
/// a unit variant is its name as a string, a newtype variant `{"variant": x}`.
pub(crate) fn visit<T: Serialize + ?Sized>(value: &T, found: &mut dyn FnMut(Found<'_>)) {
    let found = RefCell::new(found);
    let _ = value.serialize(Walker { found: &found, top: None, depth: 0, capture: None });
}

/// The names of the named types `value` refers to, added to `names`.
pub(crate) fn named<T: Serialize + ?Sized>(value: &T, names: &mut std::collections::BTreeSet<String>) {
    visit(value, &mut |found| {
        if found.kind == "named"
            && let Some(of) = found.of
        {
            names.insert(of.to_string());
        }
    });
}

type Callback<'f> = RefCell<&'f mut dyn FnMut(Found<'_>)>;

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the value does not serialise")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

/// Serialises to nothing, reporting objects with a `kind`; with `capture`, a string value
/// (a `kind` or an `of`) is kept there.
#[derive(Clone, Copy)]
struct Walker<'a, 'f> {
    found: &'a Callback<'f>,
    top: Option<&'static str>,
    depth: usize,
    capture: Option<&'a RefCell<Option<String>>>,
}

impl<'a, 'f> Walker<'a, 'f> {
    /// The walker of a member of this value: nothing captured, one level down.
    fn member(self, top: Option<&'static str>) -> Walker<'a, 'f> {
        Walker { top, depth: self.depth + 1, capture: None, ..self }
    }

    fn keep(self, text: &str) {
        if let Some(slot) = self.capture {
            *slot.borrow_mut() = Some(text.to_string());
        }
    }

    fn object(self) -> Object<'a, 'f> {
        Object { walker: self, kind: None, of: None, key: RefCell::new(None), named_key: Cell::new(false) }
    }
}

/// One object being walked: its `kind` and `of` so far, and a map key waiting for its value.
struct Object<'a, 'f> {
    walker: Walker<'a, 'f>,
    kind: Option<String>,
    of: Option<String>,
    key: RefCell<Option<String>>,
    /// Whether the waiting map key was a string (JSON keeps only those).
    named_key: Cell<bool>,
}

impl Object<'_, '_> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, top: Option<&'static str>, value: &T) -> Result<(), Stop> {
        // The member's top: the walked value's own field, or the one it is already in.
        let top = if self.walker.depth == 0 { top } else { self.walker.top };
        let mut member = self.walker.member(top);
        let slot = RefCell::new(None);
        let wanted = key == "kind" || key == "of";
        if wanted {
            member.capture = Some(&slot);
        }
        value.serialize(member)?;
        if wanted && let Some(text) = slot.into_inner() {
            if key == "kind" {
                self.kind = Some(text);
            } else {
                self.of = Some(text);
            }
        }
        Ok(())
    }

    fn finish(self) {
        if let Some(kind) = &self.kind {
            let mut found = self.walker.found.borrow_mut();
            (*found)(Found { top: self.walker.top, kind, of: self.of.as_deref() });
        }
    }
}

impl ser::SerializeStruct for Object<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Stop> {
        self.entry(key, Some(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeStructVariant for Object<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Stop> {
        self.entry(key, Some(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        let slot = RefCell::new(None);
        key.serialize(Walker { capture: Some(&slot), ..self.walker.member(None) })?;
        let text = slot.into_inner();
        self.named_key.set(text.is_some());
        *self.key.borrow_mut() = text;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = self.key.borrow_mut().take().unwrap_or_default();
        if self.named_key.get() {
            self.entry(&key, None, value)
        } else {
            value.serialize(self.walker.member(if self.walker.depth == 0 { None } else { self.walker.top }))
        }
    }
    fn end(self) -> Result<(), Stop> {
        self.finish();
        Ok(())
    }
}

/// A sequence, tuple or tuple variant: each element walked, nothing captured.
struct Elements<'a, 'f> {
    walker: Walker<'a, 'f>,
}

impl Elements<'_, '_> {
    fn element<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Stop> {
        let top = if self.walker.depth == 0 { None } else { self.walker.top };
        value.serialize(self.walker.member(top))
    }
}

impl ser::SerializeSeq for Elements<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTuple for Elements<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Elements<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Elements<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl<'a, 'f> Serializer for Walker<'a, 'f> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Elements<'a, 'f>;
    type SerializeTuple = Elements<'a, 'f>;
    type SerializeTupleStruct = Elements<'a, 'f>;
    type SerializeTupleVariant = Elements<'a, 'f>;
    type SerializeMap = Object<'a, 'f>;
    type SerializeStruct = Object<'a, 'f>;
    type SerializeStructVariant = Object<'a, 'f>;

    fn serialize_bool(self, _: bool) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_char(self, value: char) -> Result<(), Stop> {
        self.keep(value.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, value: &str) -> Result<(), Stop> {
        self.keep(value);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Stop> {
        self.keep(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        // `{"variant": value}`: an object of one entry.
        let mut object = Walker { capture: None, ..self }.object();
        object.entry(variant, Some(variant), value)?;
        object.finish();
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Elements<'a, 'f>, Stop> {
        Ok(Elements { walker: Walker { capture: None, ..self } })
    }
    fn serialize_tuple(self, _: usize) -> Result<Elements<'a, 'f>, Stop> {
        Ok(Elements { walker: Walker { capture: None, ..self } })
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Elements<'a, 'f>, Stop> {
        Ok(Elements { walker: Walker { capture: None, ..self } })
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Elements<'a, 'f>, Stop> {
        // `{"variant": [elements]}`: the elements are one level further down.
        let top = if self.depth == 0 { Some(variant) } else { self.top };
        Ok(Elements { walker: Walker { capture: None, ..self }.member(top) })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a, 'f>, Stop> {
        Ok(Walker { capture: None, ..self }.object())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a, 'f>, Stop> {
        Ok(Walker { capture: None, ..self }.object())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Object<'a, 'f>, Stop> {
        // `{"variant": {fields}}`: the fields' object is one level further down.
        let top = if self.depth == 0 { Some(variant) } else { self.top };
        Ok(Walker { capture: None, ..self }.member(top).object())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use serde_json::Value;

    use super::*;

    /// What [`visit`] replaces: the value tree, walked, with each object's top-level field.
    fn tree(
        value: &Value,
        top: Option<&str>,
        depth: usize,
        out: &mut BTreeSet<(Option<String>, String, Option<String>)>,
    ) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(kind)) = map.get("kind") {
                    let of = map.get("of").and_then(Value::as_str).map(str::to_string);
                    out.insert((top.map(str::to_string), kind.clone(), of));
                }
                for (key, member) in map {
                    let top = if depth == 0 { Some(key.as_str()) } else { top };
                    tree(member, top, depth + 1, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    tree(item, if depth == 0 { None } else { top }, depth + 1, out);
                }
            }
            _ => {}
        }
    }

    fn walked<T: Serialize>(value: &T) -> BTreeSet<(Option<String>, String, Option<String>)> {
        let mut out = BTreeSet::new();
        visit(value, &mut |found| {
            out.insert((found.top.map(str::to_string), found.kind.to_string(), found.of.map(str::to_string)));
        });
        out
    }

    #[test]
    fn the_walk_finds_what_the_value_tree_holds_on_every_part_of_every_spec() {
        let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let mut parts = 0;
        for path in crate::project::spec_files(&specs).expect("the specs folder") {
            let source = std::fs::read_to_string(&path).expect("a spec");
            let ir = crate::project::compile_spec(&path, &source).expect("the spec compiles").ir;
            let mut check = |name: &str, value: Value, found: BTreeSet<(Option<String>, String, Option<String>)>| {
                let mut expected = BTreeSet::new();
                tree(&value, None, 0, &mut expected);
                assert_eq!(found, expected, "{name} in {}", path.display());
                parts += 1;
            };
            for def in &ir.types {
                check(&def.name, serde_json::to_value(&def.kind).expect("JSON"), walked(&def.kind));
            }
            for operation in &ir.operations {
                check(&operation.name, serde_json::to_value(operation).expect("JSON"), walked(operation));
            }
            check("shell", serde_json::to_value(ir.shell()).expect("JSON"), walked(&ir.shell()));
        }
        assert!(parts > 100, "{parts} parts");
    }

    #[test]
    fn enums_and_options_walk_as_their_json() {
        #[derive(serde::Serialize)]
        enum Shape {
            Unit,
            Newtype(Inner),
            Tuple(Inner, Inner),
            Struct { kind: String, of: Option<String> },
        }
        #[derive(serde::Serialize)]
        struct Inner {
            kind: &'static str,
            of: Option<&'static str>,
        }
        #[derive(serde::Serialize)]
        struct Outer {
            shapes: Vec<Shape>,
            map: std::collections::BTreeMap<String, Inner>,
            kind: char,
        }
        let value = Outer {
            shapes: vec![
                Shape::Unit,
                Shape::Newtype(Inner { kind: "named", of: Some("A") }),
                Shape::Tuple(Inner { kind: "array", of: None }, Inner { kind: "named", of: Some("B") }),
                Shape::Struct { kind: "named".into(), of: Some("C".into()) },
            ],
            map: [("kind".to_string(), Inner { kind: "map", of: Some("D") })].into_iter().collect(),
            kind: 'x',
        };
        assert_eq!(walked(&value), {
            let mut expected = BTreeSet::new();
            tree(&serde_json::to_value(&value).expect("JSON"), None, 0, &mut expected);
            expected
        });
        let mut names = BTreeSet::new();
        named(&value, &mut names);
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["A", "B", "C"]);
    }
}
