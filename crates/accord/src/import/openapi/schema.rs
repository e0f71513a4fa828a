//! OpenAPI schemas → accord types: a component schema becomes a model, any other schema a
//! type ([`TypeRef`]: a model or primitive name, or an inline [`Schema`]). `allOf` is merged,
//! `oneOf`/`anyOf` become `one_of`, `readOnly`/`writeOnly` mark object properties, and every
//! keyword accord has no place for is reported where it is.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::{Importer, MAX_DEPTH, MAX_SCHEMA_CONVERSIONS, escape};
use crate::json_fields::Field;
use crate::spec::{AdditionalProperties, Discriminator, EnumLiteral, Required, Schema, TypeRef};

/// A schema of type `name` and nothing else (`{type: Pet}`).
pub(super) fn typed(name: impl Into<String>) -> Schema {
    Schema { type_name: Some(name.into()), ..Schema::default() }
}

/// A converted type as a schema object: a name becomes `{type: NAME}`.
pub(super) fn into_schema(converted: TypeRef) -> Schema {
    match converted {
        TypeRef::Name(name) => typed(name),
        TypeRef::Inline(schema) => *schema,
    }
}

/// The type `any`: what a schema accord cannot express becomes.
pub(super) fn any() -> TypeRef {
    TypeRef::Name("any".into())
}

/// Whether a pointer names a component schema itself (`/components/schemas/Pet`).
fn is_component_pointer(pointer: &str) -> bool {
    pointer.strip_prefix("/components/schemas/").is_some_and(|name| !name.contains('/'))
}

/// The values of an enumeration (nulls left out) as the spec's literals of `type_name`, or
/// why they cannot be: strings for `string` (numbers and booleans as their JSON text),
/// whole numbers that fit an `i64` for `integer`, numbers for `number`, booleans for
/// `boolean`.
fn enum_literals(values: &[&Value], type_name: &str) -> Result<Vec<EnumLiteral>, String> {
    let literal = |value: &Value| -> Option<EnumLiteral> {
        match (type_name, value) {
            ("string", Value::String(text)) => Some(EnumLiteral::String(text.clone())),
            ("string", Value::Number(_) | Value::Bool(_)) => Some(EnumLiteral::String(value.to_string())),
            ("integer" | "number", Value::Number(number)) => match number.as_i64() {
                Some(whole) => Some(EnumLiteral::Integer(whole)),
                None => {
                    let float = number.as_f64()?;
                    let whole = float.fract() == 0.0 && float >= i64::MIN as f64 && float < i64::MAX as f64;
                    match (whole, type_name) {
                        (true, _) => Some(EnumLiteral::Integer(float as i64)),
                        (false, "number") => Some(EnumLiteral::Number(float)),
                        (false, _) => None,
                    }
                }
            },
            ("boolean", Value::Bool(flag)) => Some(EnumLiteral::Boolean(*flag)),
            _ => None,
        }
    };
    let mut literals = Vec::with_capacity(values.len());
    for value in values {
        match literal(value) {
            Some(found) => literals.push(found),
            None if ["string", "integer", "number", "boolean"].contains(&type_name) => {
                return Err(format!("of `type: {type_name}` holding `{value}`"));
            }
            None => {
                return Err(format!("on a value of type `{}`", if type_name.is_empty() { "any" } else { type_name }));
            }
        }
    }
    Ok(literals)
}

/// Whether a bound read as `bound` is within what an `i64` or a `u64` holds: an exact
/// integer is, a float from `-2^63` up to, not including, `2^64` (`u64::MAX as f64` is
/// `2^64`).
fn fits_64_bits(value: &Value, bound: f64) -> bool {
    value.is_i64() || value.is_u64() || (i64::MIN as f64..u64::MAX as f64).contains(&bound)
}

/// A keyword, the JSON type its value must have (in words), and the test for it.
type ExpectedKeyword = (&'static str, &'static str, fn(&Value) -> bool);

/// A length or count constraint (`minLength`, `maxItems`, …) as the whole number it must be.
fn whole_number(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < u64::MAX as f64).map(|n| n as u64))
}

/// A schema built from other places of the document, by the pointer of the place converted:
/// an `allOf` merge (its parts' properties copied in), a `$ref` with structural siblings
/// (merged the same way), or the target of a `$ref` into a schema's inside
/// (`#/components/schemas/A/properties/b`). Converting such a place again each time it is
/// reached copies the other places again; where they refer back (two schemas whose
/// properties merge each other, or inner `$ref`s that loop), each copy holds more copies,
/// and the work doubles with every level (two schemas of two such properties each took
/// more than 2 GiB in 8 s). So each place is converted once: a use from inside its own
/// conversion gets a model name it is then hoisted under (a loop becomes a recursive model,
/// which the Rust output boxes), and a second use of a converted object, enum or union gets
/// the model it is then hoisted as, instead of a copy.
pub(super) enum Expansion {
    /// Being converted; `hoisted` once a use from inside asked for a name.
    InProgress { hoisted: Option<String> },
    /// Converted.
    Done(TypeRef),
}

/// Keywords that only annotate a schema: an `allOf` part made of these alone, or these
/// written beside a `$ref`, leave a reference a reference (AWS's descriptions write
/// `allOf: [{$ref: …}, {description: …}]` for every property).
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "externalDocs",
    "xml",
    "$comment",
];

/// Keywords only for the reader, which a reference outside an object property drops (its
/// model carries the documentation there).
const PROSE: &[&str] = &["description", "title", "summary", "$comment", "externalDocs"];

/// Keywords beside a `$ref` that add structure: the `$ref` is then merged with them as
/// `allOf` would be (JSON Schema 2020-12 and so OpenAPI 3.1 apply both; 3.0 documents
/// converted from Swagger 2.0 write them meaning the same).
const STRUCTURAL: &[&str] = &["properties", "required", "additionalProperties", "allOf"];

/// Whether a schema object only annotates (every key an annotation or an `x-` extension).
fn annotation_only(object: &Map<String, Value>) -> bool {
    object.keys().all(|key| ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-"))
}

/// The one part of an `allOf` that says what the value is, when every other part only
/// annotates it: its index.
pub(super) fn sole_part(parts: &[Value]) -> Option<usize> {
    if parts.len() == 1 {
        return Some(0);
    }
    let mut typed_parts = parts.iter().enumerate().filter(|(_, part)| !part.as_object().is_some_and(annotation_only));
    match (typed_parts.next(), typed_parts.next()) {
        (Some((index, _)), None) => Some(index),
        _ => None,
    }
}

/// Whether an inline schema becomes a named type of its own (an object with properties, an
/// enum, a union), and so is worth one model rather than a copy per use.
fn needs_name(schema: &Schema) -> bool {
    let string_enum = schema.enum_values.first().is_some_and(|value| value.as_str().is_some());
    !schema.properties.is_empty() || string_enum || !schema.one_of.is_empty()
}

/// Pointer segments that are schema keywords or containers rather than names.
const NOT_NAMES: &[&str] = &[
    "components",
    "schemas",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "additionalProperties",
    "schema",
    "content",
    "paths",
    "parameters",
    "responses",
    "requestBody",
    "requestBodies",
    "definitions",
];

impl<'a> Importer<'a> {
    /// A component schema as a model (a schema object, never a bare name unless it aliases).
    pub(super) fn model(&mut self, schema: &'a Value, pointer: &str) -> Schema {
        into_schema(self.schema(schema, pointer, 0))
    }

    /// The schema converted at `key` (see [`Expansion`]): converted by `convert` the first
    /// time, a model name from inside that conversion, the result (or the model it is then
    /// hoisted as) afterwards.
    fn expansion(&mut self, key: &str, convert: impl FnOnce(&mut Self) -> TypeRef) -> TypeRef {
        enum Seen {
            Fresh,
            Reentered(Option<String>),
            Shared(Schema),
            Copied(TypeRef),
        }
        let seen = match self.expansions.get(key) {
            None => Seen::Fresh,
            Some(Expansion::InProgress { hoisted }) => Seen::Reentered(hoisted.clone()),
            Some(Expansion::Done(TypeRef::Inline(schema))) if needs_name(schema) => Seen::Shared((**schema).clone()),
            Some(Expansion::Done(done)) => Seen::Copied(done.clone()),
        };
        match seen {
            Seen::Copied(done) => done,
            Seen::Reentered(Some(name)) => TypeRef::Name(name),
            Seen::Reentered(None) => {
                let name = self.fresh_model_name(&self.hoisted_base(key));
                // Reserved now (so the name stays unique), filled in when the conversion ends.
                self.models.insert(name.clone(), typed("any"));
                self.expansions.insert(key.to_string(), Expansion::InProgress { hoisted: Some(name.clone()) });
                TypeRef::Name(name)
            }
            Seen::Shared(schema) => {
                let name = self.fresh_model_name(&self.hoisted_base(key));
                let reference = self.hoist(name, schema);
                self.expansions.insert(key.to_string(), Expansion::Done(reference.clone()));
                reference
            }
            Seen::Fresh => {
                self.expansions.insert(key.to_string(), Expansion::InProgress { hoisted: None });
                let converted = convert(self);
                let result = match self.expansions.remove(key) {
                    Some(Expansion::InProgress { hoisted: Some(name) }) => {
                        let schema = match converted {
                            // Nothing but itself (`$ref`s that only lead back here).
                            TypeRef::Name(same) if same == name => {
                                self.warn(key, "a `$ref` loop that never reaches a schema; typed as `any`");
                                typed("any")
                            }
                            other => into_schema(other),
                        };
                        self.hoist(name, schema)
                    }
                    _ => converted,
                };
                self.expansions.insert(key.to_string(), Expansion::Done(result.clone()));
                result
            }
        }
    }

    /// `schema` as the model `name` (replacing a reservation), and the reference to it. Being
    /// `null` is the use's, not the model's (a model has no `nullable` of its own for the
    /// fields that name it): a nullable schema gives a model without it and a nullable
    /// reference.
    fn hoist(&mut self, name: String, mut schema: Schema) -> TypeRef {
        let nullable = std::mem::take(&mut schema.nullable);
        self.models.insert(name.clone(), schema);
        if nullable { TypeRef::Inline(Box::new(Schema { nullable: true, ..typed(name) })) } else { TypeRef::Name(name) }
    }

    /// A model name for the schema at `pointer`: its component's model name and the last
    /// names on the way (`/components/schemas/Node/properties/left` → `NodeLeft`).
    fn hoisted_base(&self, pointer: &str) -> String {
        let segments: Vec<String> =
            pointer.split('/').skip(1).map(|segment| segment.replace("~1", "/").replace("~0", "~")).collect();
        let mut words: Vec<String> = Vec::new();
        let mut rest = segments.as_slice();
        if let [components, schemas, component, tail @ ..] = segments.as_slice()
            && components == "components"
            && schemas == "schemas"
        {
            words.push(self.model_names.get(component.as_str()).cloned().unwrap_or_else(|| component.clone()));
            rest = tail;
        }
        let names: Vec<&String> = rest
            .iter()
            .filter(|s| !NOT_NAMES.contains(&s.as_str()) && s.parse::<usize>().is_err() && !s.contains('/'))
            .collect();
        words.extend(names.iter().rev().take(2).rev().map(|s| s.to_string()));
        if words.is_empty() {
            words.push("Schema".into());
        }
        words.join("_")
    }

    /// An OpenAPI schema as an accord type: a name (model or primitive) or an inline schema.
    pub(super) fn schema(&mut self, schema: &'a Value, pointer: &str, depth: usize) -> TypeRef {
        self.schema_conversions += 1;
        if self.schema_conversions > MAX_SCHEMA_CONVERSIONS {
            if self.schema_conversions == MAX_SCHEMA_CONVERSIONS + 1 {
                self.warn(
                    pointer,
                    format!("more than {MAX_SCHEMA_CONVERSIONS} schemas converted: this one and every later one are typed as `any`"),
                );
            }
            return any();
        }
        if depth > MAX_DEPTH {
            self.warn(pointer, "schema nested too deeply; typed as `any`");
            return any();
        }
        let object = match schema {
            Value::Bool(_) => return any(),
            Value::Object(object) => object,
            _ => {
                self.warn(pointer, "not a schema; typed as `any`");
                return any();
            }
        };
        if let Some(reference) = object.field("$ref").and_then(Value::as_str) {
            if object.keys().any(|key| STRUCTURAL.contains(&key.as_str())) {
                // The reference and the siblings merged, as `allOf: [{$ref}, {siblings}]`.
                let nullable = object.field("nullable").and_then(Value::as_bool).unwrap_or(false);
                return self.expansion(pointer, |this| {
                    let mut sources = vec![(schema, pointer.to_string())];
                    for (index, part) in
                        object.field("allOf").and_then(Value::as_array).into_iter().flatten().enumerate()
                    {
                        sources.push((part, format!("{pointer}/allOf/{index}")));
                    }
                    this.all_of(sources, object, nullable, pointer, depth)
                });
            }
            let target = match reference.strip_prefix("#/components/schemas/") {
                Some(component) => {
                    self.model_names.get(&component.replace("~1", "/").replace("~0", "~")).cloned().map(TypeRef::Name)
                }
                None => None,
            };
            let target = match target {
                Some(model) => model,
                None => match self.resolve(reference) {
                    Some(target) => {
                        let at = reference.trim_start_matches('#').to_string();
                        self.expansion(&at, |this| this.schema(target, &at, depth + 1))
                    }
                    None => {
                        self.warn(pointer, format!("`$ref: {reference}` does not resolve; typed as `any`"));
                        return any();
                    }
                },
            };
            // 3.1 allows keywords beside `$ref`.
            let nullable = object.field("nullable").and_then(Value::as_bool).unwrap_or(false);
            return self.annotated(target, object, nullable, pointer);
        }
        let mut nullable = object.field("nullable").and_then(Value::as_bool).unwrap_or(false);
        // Type, possibly a 3.1 list with "null".
        let mut types: Vec<String> = match object.field("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        };
        if types.iter().any(|t| t == "null") {
            nullable = true;
            types.retain(|t| t != "null");
        }
        if types.len() > 1 {
            self.warn(pointer, format!("a value of several types ({}) is typed as `any`", types.join(", ")));
            return self.finish(typed("any"), object, nullable, pointer);
        }
        if let Some(parts) = object.field("allOf").and_then(Value::as_array) {
            // One part that says what the value is, any others only annotating it: that
            // part (a reference stays a reference), annotated.
            let beside = object.contains_key("properties") || object.contains_key("additionalProperties");
            if let Some(index) = sole_part(parts).filter(|_| !beside) {
                let inner = self.schema(&parts[index], &format!("{pointer}/allOf/{index}"), depth + 1);
                let mut annotations: Map<String, Value> =
                    object.iter().filter(|(key, _)| *key != "allOf").map(|(k, v)| (k.clone(), v.clone())).collect();
                for (_, part) in parts.iter().enumerate().filter(|(i, _)| *i != index) {
                    for (key, value) in part.as_object().into_iter().flatten() {
                        annotations.entry(key.clone()).or_insert_with(|| value.clone());
                    }
                }
                let nullable = nullable || annotations.field("nullable").and_then(Value::as_bool).unwrap_or(false);
                return self.annotated(inner, &annotations, nullable, pointer);
            }
            let sources = parts.iter().enumerate().map(|(i, p)| (p, format!("{pointer}/allOf/{i}"))).collect();
            return self.expansion(pointer, |this| this.all_of(sources, object, nullable, pointer, depth));
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(variants) = object.field(keyword).and_then(Value::as_array) {
                return self.one_of(keyword, variants, object, nullable, pointer, depth);
            }
        }
        let type_name = types.first().cloned().or_else(|| {
            if object.contains_key("properties") || object.contains_key("additionalProperties") {
                Some("object".into())
            } else if object.contains_key("items") {
                Some("array".into())
            } else {
                // An enumeration without a type is of its values' type, when they share one.
                let values: Vec<&Value> = match (object.field("enum"), object.field("const")) {
                    (Some(Value::Array(values)), _) => values.iter().filter(|v| !v.is_null()).collect(),
                    (None, Some(constant)) if !constant.is_null() => vec![constant],
                    _ => Vec::new(),
                };
                let kind = |value: &Value| match value {
                    Value::String(_) => Some("string"),
                    Value::Bool(_) => Some("boolean"),
                    Value::Number(number) if number.is_i64() || number.is_u64() => Some("integer"),
                    Value::Number(_) => Some("number"),
                    _ => None,
                };
                let kinds: BTreeSet<Option<&str>> = values.iter().map(|value| kind(value)).collect();
                match kinds.into_iter().collect::<Vec<_>>().as_slice() {
                    [Some(only)] => Some(only.to_string()),
                    [Some("integer"), Some("number")] => Some("number".into()),
                    _ => None,
                }
            }
        });
        let mut out = Schema::default();
        match type_name.as_deref() {
            Some("object") => {
                out.type_name = Some("object".into());
                let mut properties = IndexMap::new();
                if let Some(props) = object.field("properties").and_then(Value::as_object) {
                    for (key, property) in props {
                        let at = format!("{pointer}/properties/{}", escape(key));
                        properties.insert(key.clone(), self.property(property, &at, depth + 1));
                    }
                }
                let listed = object.field("required").and_then(Value::as_array);
                let required: Vec<String> = listed
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .filter(|key| properties.contains_key(*key))
                    .map(str::to_string)
                    .collect();
                if let Some(listed) = listed
                    && listed.len() != required.len()
                {
                    self.warn(&format!("{pointer}/required"), "required properties that are not declared are dropped");
                }
                if !required.is_empty() {
                    out.required = Some(Required::Properties(required));
                }
                out.additional_properties = match object.field("additionalProperties") {
                    Some(Value::Bool(true)) => Some(AdditionalProperties::Any(true)),
                    Some(Value::Object(inner)) if inner.is_empty() => Some(AdditionalProperties::Any(true)),
                    Some(value @ Value::Object(_)) => {
                        let at = format!("{pointer}/additionalProperties");
                        Some(AdditionalProperties::Typed(self.schema(value, &at, depth + 1)))
                    }
                    // A free-form object.
                    _ => properties.is_empty().then_some(AdditionalProperties::Any(true)),
                };
                out.properties = properties;
            }
            Some("array") => {
                out.type_name = Some("array".into());
                out.items = Some(match object.field("items") {
                    Some(items) => self.schema(items, &format!("{pointer}/items"), depth + 1),
                    None => any(),
                });
            }
            Some(primitive @ ("string" | "integer" | "number" | "boolean")) => {
                out.type_name = Some(primitive.into());
            }
            Some(other) => {
                self.warn(pointer, format!("type `{other}` is not a JSON Schema type; typed as `any`"));
                out.type_name = Some("any".into());
            }
            None => {
                out.type_name = Some("any".into());
            }
        }
        // Enumerations (and `const`, a one-value enumeration): strings make a Rust enum,
        // integers, numbers and booleans keep their type with the values listed.
        let enum_values = object
            .field("enum")
            .and_then(Value::as_array)
            .cloned()
            .or_else(|| object.field("const").map(|c| vec![c.clone()]));
        if let Some(values) = enum_values {
            if values.iter().any(Value::is_null) {
                nullable = true;
            }
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if !values.is_empty() {
                let type_name = out.type_name.clone().unwrap_or_default();
                match enum_literals(&values, &type_name) {
                    Ok(literals) => {
                        if type_name == "string" && values.iter().any(|v| !v.is_string()) {
                            self.warn(
                                pointer,
                                "an enumeration of `type: string` written with numbers or booleans: kept as their text",
                            );
                        }
                        let mut unique: Vec<EnumLiteral> = Vec::new();
                        for literal in literals {
                            if !unique.contains(&literal) {
                                unique.push(literal);
                            }
                        }
                        out.enum_values = unique;
                    }
                    Err(reason) => {
                        self.warn(pointer, format!("an enumeration {reason} is kept as its type without the values"))
                    }
                }
            }
        }
        self.finish(out, object, nullable, pointer)
    }

    /// Description, format, constraints, default, example, deprecated and nullable onto a
    /// converted schema; a schema left with its type alone becomes that name.
    fn finish(&mut self, mut out: Schema, object: &Map<String, Value>, nullable: bool, pointer: &str) -> TypeRef {
        let type_name = out.type_name.clone().unwrap_or_default();
        if let Some(description) = object.field("description").and_then(Value::as_str) {
            out.description = Some(description.trim().to_string());
        }
        if let Some(format) = object.field("format").and_then(Value::as_str) {
            out.format = Some(format.to_string());
        } else if type_name == "string"
            && (object.field("contentEncoding").and_then(Value::as_str) == Some("binary")
                || object.field("contentMediaType").and_then(Value::as_str) == Some("application/octet-stream"))
        {
            // OpenAPI 3.1 spells raw bytes with JSON Schema's content keywords (3.0 used
            // `format: binary`); §4.3.3 "Working with Binary Data" of the 3.1 specification.
            out.format = Some("binary".into());
        }
        if nullable {
            out.nullable = true;
        }
        self.constraints(&mut out, &type_name, object, pointer);
        self.mistyped_keywords(object, pointer);
        for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
            match object.field(keyword) {
                Some(Value::Number(bound)) if self.v31 => {
                    if keyword == "exclusiveMinimum" {
                        out.minimum = bound.as_f64();
                    } else {
                        out.maximum = bound.as_f64();
                    }
                    self.warn(pointer, format!("`{keyword}: {bound}` kept as an inclusive bound"));
                }
                Some(Value::Bool(true)) => self.warn(pointer, format!("`{keyword}` kept as an inclusive bound")),
                _ => {}
            }
        }
        match object.field("uniqueItems") {
            Some(Value::Bool(true)) if type_name == "array" => out.unique_items = true,
            Some(Value::Bool(true)) => self.tally(super::tallies::Tally::UniqueItemsNotArray, pointer),
            _ => {}
        }
        for keyword in ["multipleOf", "not", "patternProperties", "minProperties", "maxProperties"] {
            if object.has_field(keyword) {
                self.warn(pointer, format!("`{keyword}` has no accord equivalent; dropped"));
            }
        }
        // Object properties carry `read_only`/`write_only` (see `property`); a component
        // schema's own is taken over by the properties that refer to it (see
        // `unused_component_access`). Anywhere else accord has no place for it.
        // The keywords first: most schemas have neither, and the pointer is then not hashed.
        let access = ["readOnly", "writeOnly"].iter().any(|keyword| object.field(keyword) == Some(&Value::Bool(true)));
        if access && !self.property_pointers.contains(pointer) && !is_component_pointer(pointer) {
            for keyword in ["readOnly", "writeOnly"] {
                if object.field(keyword) == Some(&Value::Bool(true)) {
                    self.warn(
                        pointer,
                        format!("`{keyword}` outside an object property has no accord equivalent (accord marks properties); dropped"),
                    );
                }
            }
        }
        if let Some(default) = object.field("default") {
            out.default = Some(default.clone());
        }
        let example = object
            .field("example")
            .cloned()
            .or_else(|| object.field("examples").and_then(Value::as_array).and_then(|e| e.first().cloned()));
        if let Some(example) = example {
            out.example = Some(example);
        }
        if object.field("deprecated") == Some(&Value::Bool(true)) {
            out.deprecated = true;
        }
        // A plain `{type: any}` or `{type: Pet}` reads better as the name.
        match out.type_name.as_deref() {
            Some(name) if name != "object" && name != "array" && out == typed(name) => TypeRef::Name(name.to_string()),
            _ => TypeRef::Inline(Box::new(out)),
        }
    }

    /// The length, pattern, range and size constraints that apply to the schema's type. A
    /// value the spec cannot hold (a length that is not a whole number, a bound or pattern
    /// of the wrong type, an integer bound no 64-bit integer holds) is reported and dropped,
    /// and so are a minimum and maximum that no value meets together (`check` refuses them).
    fn constraints(&mut self, out: &mut Schema, type_name: &str, object: &Map<String, Value>, pointer: &str) {
        let applies = |keyword: &str, types: &[&str]| object.field(keyword).filter(|_| types.contains(&type_name));
        for (keyword, slot) in [("minLength", &mut out.min_length), ("maxLength", &mut out.max_length)] {
            if let Some(value) = applies(keyword, &["string"]) {
                *slot = whole_number(value);
                if slot.is_none() {
                    self.warn(pointer, format!("`{keyword}: {value}` is not a whole number; dropped"));
                }
            }
        }
        if let Some(value) = applies("pattern", &["string"]) {
            match value.as_str() {
                Some(pattern) => match regex_syntax::Parser::new().parse(pattern) {
                    Ok(_) => out.pattern = Some(pattern.to_string()),
                    Err(error) => {
                        // accord checks patterns with the `regex` crate's syntax (no
                        // look-around, no back-references); ECMA-262 patterns beyond it are
                        // dropped.
                        let reason = error.to_string().lines().last().unwrap_or_default().to_string();
                        self.warn(pointer, format!("`pattern` {pattern:?} is not supported ({reason}); dropped"));
                    }
                },
                None => self.warn(pointer, format!("`pattern: {value}` is not a string; dropped")),
            }
        }
        for (keyword, slot) in [("minimum", &mut out.minimum), ("maximum", &mut out.maximum)] {
            if let Some(value) = applies(keyword, &["integer", "number"]) {
                *slot = value.as_f64();
                match *slot {
                    None => self.warn(pointer, format!("`{keyword}: {value}` is not a number; dropped")),
                    // The generated integers are 64-bit: a bound beyond every `i64` and `u64`
                    // (a document's `2^64`, written as `18446744073709552000`) bounds nothing
                    // a client can send or read.
                    Some(bound) if type_name == "integer" && !fits_64_bits(value, bound) => {
                        *slot = None;
                        self.warn(
                            pointer,
                            format!("`{keyword}: {value}` is beyond every 64-bit integer, which the generated client uses; dropped"),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
        for (keyword, slot) in [("minItems", &mut out.min_items), ("maxItems", &mut out.max_items)] {
            if let Some(value) = applies(keyword, &["array"]) {
                *slot = whole_number(value);
                if slot.is_none() {
                    self.warn(pointer, format!("`{keyword}: {value}` is not a whole number; dropped"));
                }
            }
        }
        // A range no value meets: `check` refuses it (`spec::empty_range`), and the document
        // says nothing a client can use, so neither end is kept.
        let empty = [
            ("minLength", "maxLength", out.min_length.zip(out.max_length).is_some_and(|(min, max)| min > max)),
            ("minimum", "maximum", out.minimum.zip(out.maximum).is_some_and(|(min, max)| min > max)),
            ("minItems", "maxItems", out.min_items.zip(out.max_items).is_some_and(|(min, max)| min > max)),
        ];
        for (low, high, is_empty) in empty {
            if is_empty {
                let (min, max) = (&object[low], &object[high]);
                self.warn(
                    pointer,
                    format!("`{low}: {min}` is greater than `{high}: {max}`, which no value meets; both dropped"),
                );
                match low {
                    "minLength" => (out.min_length, out.max_length) = (None, None),
                    "minimum" => (out.minimum, out.maximum) = (None, None),
                    _ => (out.min_items, out.max_items) = (None, None),
                }
            }
        }
    }

    /// Keywords whose value has the wrong JSON type (`format: 3`, `nullable: "yes"`,
    /// `required: true` on a schema): reported, since they are dropped.
    fn mistyped_keywords(&mut self, object: &Map<String, Value>, pointer: &str) {
        const EXPECTED: &[ExpectedKeyword] = &[
            ("description", "a string", Value::is_string),
            ("format", "a string", Value::is_string),
            ("nullable", "a boolean", Value::is_boolean),
            ("deprecated", "a boolean", Value::is_boolean),
            ("readOnly", "a boolean", Value::is_boolean),
            ("writeOnly", "a boolean", Value::is_boolean),
            ("uniqueItems", "a boolean", Value::is_boolean),
            ("required", "a list of property names", Value::is_array),
            ("enum", "a list of values", Value::is_array),
        ];
        for (keyword, expected, is_expected) in EXPECTED {
            if let Some(value) = object.field(keyword)
                && !is_expected(value)
            {
                self.warn(pointer, format!("`{keyword}: {value}` is not {expected}; dropped"));
            }
        }
    }

    /// A referenced type with the keywords written beside the reference (beside a `$ref`, or
    /// in the annotation-only parts of an `allOf`): a property or a model keeps its
    /// description and the like, `nullable`, defaults and constraints make an inline schema
    /// anywhere; prose alone elsewhere (a body, an item) leaves the name (the model documents
    /// itself).
    fn annotated(&mut self, target: TypeRef, object: &Map<String, Value>, nullable: bool, pointer: &str) -> TypeRef {
        // Whether the place keeps its prose, asked only of a key that is prose.
        let mut documented = None;
        let mut is_documented = || {
            *documented.get_or_insert_with(|| self.property_pointers.contains(pointer) || is_component_pointer(pointer))
        };
        let interesting = object
            .keys()
            .any(|key| key != "$ref" && !key.starts_with("x-") && (!PROSE.contains(&key.as_str()) || is_documented()));
        if !interesting && !nullable {
            return target;
        }
        self.finish(into_schema(target), object, nullable, pointer)
    }

    /// An object property's schema, with OpenAPI `readOnly`/`writeOnly` as accord's
    /// `read_only`/`write_only`: written on the property itself (also beside a 3.1 `$ref`, or
    /// around a 3.0 `allOf: [$ref]`), else on the component schema it refers to.
    fn property(&mut self, property: &'a Value, pointer: &str, depth: usize) -> TypeRef {
        self.property_pointers.insert(pointer.to_string());
        let converted = self.schema(property, pointer, depth);
        let (read_only, write_only) = self.access(property);
        match (read_only, write_only) {
            (false, false) => converted,
            (true, true) => {
                self.warn(pointer, "`readOnly` and `writeOnly` together contradict each other; neither is kept");
                converted
            }
            _ => {
                let mut schema = into_schema(converted);
                schema.read_only = read_only;
                schema.write_only = write_only;
                TypeRef::Inline(Box::new(schema))
            }
        }
    }

    /// A property's `(readOnly, writeOnly)`: its own keywords first, else those of the
    /// component schema it refers to (directly or as the one part of an `allOf`); such a
    /// component is remembered as taken over.
    fn access(&mut self, property: &'a Value) -> (bool, bool) {
        let flag = |schema: &Value, keyword: &str| schema.field(keyword).and_then(Value::as_bool);
        // Written on the property, or on an inline part of its `allOf` (`allOf: [$ref, {readOnly: true}]`).
        let own = |keyword: &str| {
            flag(property, keyword).or_else(|| {
                let parts = property.field("allOf").and_then(Value::as_array)?;
                parts.iter().filter(|part| part.field("$ref").is_none()).find_map(|part| flag(part, keyword))
            })
        };
        let reference = property.field("$ref").or_else(|| {
            let parts = property.field("allOf").and_then(Value::as_array)?;
            parts[sole_part(parts)?].field("$ref")
        });
        let component = reference
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .filter(|name| !name.contains('/'))
            .map(|name| name.replace("~1", "/").replace("~0", "~"));
        let target = component.as_ref().and_then(|name| self.document.pointer("/components/schemas")?.get(name));
        let mut from_component = false;
        let mut resolve = |keyword: &str| match (own(keyword), target.and_then(|t| flag(t, keyword))) {
            (Some(own), _) => own,
            (None, Some(inherited)) => {
                from_component |= inherited;
                inherited
            }
            (None, None) => false,
        };
        let access = (resolve("readOnly"), resolve("writeOnly"));
        if from_component && let Some(component) = component {
            self.access_components_used.insert(component);
        }
        access
    }

    /// Component schemas marked `readOnly`/`writeOnly` as a whole that no property referred
    /// to: accord marks properties, so there is nothing to carry it.
    pub(super) fn unused_component_access(&mut self) {
        let Some(schemas) = self.document.pointer("/components/schemas").and_then(Value::as_object) else { return };
        for (name, schema) in schemas {
            if self.access_components_used.contains(name) {
                continue;
            }
            for keyword in ["readOnly", "writeOnly"] {
                if schema.field(keyword) == Some(&Value::Bool(true)) {
                    self.warn(
                        &format!("/components/schemas/{}", escape(name)),
                        format!("`{keyword}` on a whole schema that no object property refers to: accord marks properties (`read_only`/`write_only`), so it is dropped"),
                    );
                }
            }
        }
    }

    /// The merge of `sources` (the parts of an `allOf`, or a `$ref` with structural siblings)
    /// and the properties written beside them into one object.
    fn all_of(
        &mut self,
        mut sources: Vec<(&'a Value, String)>,
        object: &'a Map<String, Value>,
        nullable: bool,
        pointer: &str,
        depth: usize,
    ) -> TypeRef {
        let mut properties = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional: Option<AdditionalProperties> = None;
        let mut index = 0;
        while index < sources.len() {
            let (part, at) = sources[index].clone();
            index += 1;
            if index > 64 {
                break;
            }
            let Some((part, at)) = self.deref(part, &at) else { continue };
            if let Some(nested) = part.field("allOf").and_then(Value::as_array) {
                for (i, p) in nested.iter().enumerate() {
                    sources.push((p, format!("{at}/allOf/{i}")));
                }
            }
            if part.field("oneOf").is_some() || part.field("anyOf").is_some() {
                self.warn(&at, "a `oneOf`/`anyOf` inside `allOf` is not merged; its properties are left out");
            }
            if let Some(props) = part.field("properties").and_then(Value::as_object) {
                for (key, property) in props {
                    let property_at = format!("{at}/properties/{}", escape(key));
                    let converted = self.property(property, &property_at, depth + 1);
                    properties.insert(key.clone(), converted);
                }
            }
            for key in part.field("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
            {
                if !required.iter().any(|k| k == key) {
                    required.push(key.to_string());
                }
            }
            match part.field("additionalProperties") {
                Some(Value::Bool(true)) => additional = Some(AdditionalProperties::Any(true)),
                Some(value @ Value::Object(_)) => {
                    let at = format!("{at}/additionalProperties");
                    additional = Some(AdditionalProperties::Typed(self.schema(value, &at, depth + 1)));
                }
                _ => {}
            }
        }
        // Properties written beside `allOf` count as one more part.
        if let Some(props) = object.field("properties").and_then(Value::as_object) {
            for (key, property) in props {
                let property_at = format!("{pointer}/properties/{}", escape(key));
                let converted = self.property(property, &property_at, depth + 1);
                properties.insert(key.clone(), converted);
            }
        }
        for key in object.field("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !required.iter().any(|k| k == key) {
                required.push(key.to_string());
            }
        }
        required.retain(|k| properties.contains_key(k));
        let out = Schema {
            type_name: Some("object".into()),
            required: (!required.is_empty()).then_some(Required::Properties(required)),
            additional_properties: additional
                .or_else(|| properties.is_empty().then_some(AdditionalProperties::Any(true))),
            properties,
            ..Schema::default()
        };
        self.finish(out, object, nullable, pointer)
    }

    fn one_of(
        &mut self,
        keyword: &str,
        variants: &'a [Value],
        object: &'a Map<String, Value>,
        mut nullable: bool,
        pointer: &str,
        depth: usize,
    ) -> TypeRef {
        let mut converted = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            let at = format!("{pointer}/{keyword}/{index}");
            let is_null = variant.field("type").and_then(Value::as_str) == Some("null")
                || variant.field("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0].is_null());
            if is_null {
                nullable = true;
                continue;
            }
            converted.push((self.schema(variant, &at, depth + 1), at));
        }
        // Object properties written beside oneOf are kept by making the object the type.
        if object.contains_key("properties") {
            self.warn(
                pointer,
                format!("properties beside `{keyword}` are not merged into its variants; the variants are kept"),
            );
        }
        let mut dedup: Vec<(TypeRef, String)> = Vec::new();
        for (value, at) in converted {
            if !dedup.iter().any(|(v, _)| v == &value) {
                dedup.push((value, at));
            }
        }
        if dedup.is_empty() {
            return self.finish(typed("any"), object, nullable, pointer);
        }
        if dedup.len() == 1 {
            let (only, _) = dedup.remove(0);
            return self.finish(into_schema(only), object, nullable, pointer);
        }
        let discriminator = object.field("discriminator");
        let mut variants_out = Vec::new();
        for (value, at) in dedup {
            // A discriminated union's variants must be models: hoist inline ones.
            if discriminator.is_some() && !matches!(&value, TypeRef::Name(name) if self.is_model(name)) {
                let name = self.fresh_model_name(&format!("{}Variant", at.rsplit('/').nth(2).unwrap_or("Union")));
                self.models.insert(name.clone(), into_schema(value));
                variants_out.push(TypeRef::Name(name));
            } else {
                variants_out.push(value);
            }
        }
        let discriminator = match discriminator {
            Some(discriminator) => {
                let property = discriminator.field("propertyName").and_then(Value::as_str).unwrap_or("type");
                let mut mapping = IndexMap::new();
                for (tag, target) in discriminator.field("mapping").and_then(Value::as_object).into_iter().flatten() {
                    let model = target
                        .as_str()
                        .and_then(|t| t.strip_prefix("#/components/schemas/"))
                        .and_then(|c| self.model_names.get(c).cloned())
                        .or_else(|| target.as_str().and_then(|t| self.model_names.get(t).cloned()));
                    match model {
                        Some(model) if variants_out.contains(&TypeRef::Name(model.clone())) => {
                            mapping.insert(tag.clone(), model);
                        }
                        _ => self.warn(
                            &format!("{pointer}/discriminator/mapping/{}", escape(tag)),
                            format!("mapping to `{target}`, which is not one of the variants; dropped"),
                        ),
                    }
                }
                Some(Discriminator { property: property.to_string(), mapping })
            }
            None => None,
        };
        // Without a discriminator accord decodes the first variant that fits, which is what
        // `anyOf` allows.
        let out = Schema { one_of: variants_out, discriminator, ..Schema::default() };
        self.finish(out, object, nullable, pointer)
    }
}
