//! Typed JSON from request text: [`decode_form`] turns a form body or a query string into
//! nested JSON of strings, and [`coerce`] converts those strings (and header values) to the
//! JSON types a contract schema asks for, so the JSON Schema validator judges values rather
//! than their spelling.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

use accord_contract::wire::ParamStyle;

/// Most bracket segments a form key may have (`a[b][c]` has two); a key with more is kept
/// whole as a plain name, so a hostile body cannot build deep nesting.
const MAX_SEGMENTS: usize = 32;

/// Deepest recursion of [`coerce`], counting every step into a subschema (`$ref`, branches,
/// properties, items), so recursive `$defs` terminate.
const MAX_DEPTH: usize = 64;

/// Most schema visits one [`coerce`] call makes. Unions whose branches refer back to the union
/// can branch exponentially within [`MAX_DEPTH`]; past this budget values are left as they are.
const MAX_STEPS: usize = 250_000;

/// Decodes a form body or a query string (without the leading `?`) into nested JSON whose
/// leaves are all strings, in the bracket notation that Stripe documents for its API
/// ("Form-encoded request bodies", docs.stripe.com/api) and that `accord_runtime::form`
/// writes:
///
/// - `a=1` -> `{"a":"1"}`; `a[b]=1` -> `{"a":{"b":"1"}}`; `a[0][b]=1` -> `{"a":[{"b":"1"}]}`.
/// - Keys that are exactly the indices `0..n` (any order, no leading zeros) make an array in
///   index order: `a[1]=y&a[0]=x` -> `{"a":["x","y"]}`; other numeric keys stay object keys
///   (`a[1]=y` -> `{"a":{"1":"y"}}`). Top-level names always stay object keys.
/// - `a[]=x&a[]=y` -> `{"a":["x","y"]}`. As in Rack (Rails), `[]` followed by a key adds to the
///   last object of the list while that key is new there:
///   `a[][p]=1&a[][q]=2&a[][p]=3` -> `{"a":[{"p":"1","q":"2"},{"p":"3"}]}`.
/// - A name repeated without brackets, the way the runtime writes array query parameters
///   (OpenAPI `style: form, explode: true`): `a=x&a=y` -> `{"a":["x","y"]}`.
/// - A name given in two shapes keeps every value, as a list: `a=1&a[b]=2` ->
///   `{"a":["1",{"b":"2"}]}` (the validator then reports it).
/// - A key that is not `name[seg]…` (`a[b`, `a[b]c`, `[x]`), or that has more than 32
///   segments, is a plain name: `a[b=1` -> `{"a[b":"1"}`.
///
/// Names and values are percent-decoded, with `+` as a space, by the WHATWG URL Standard's
/// `application/x-www-form-urlencoded` parser (url.spec.whatwg.org/#urlencoded-parsing, via
/// `form_urlencoded`): brackets sent as `%5B`/`%5D` nest, invalid UTF-8 becomes U+FFFD, a pair
/// without `=` has the value `""`, and empty pairs (`&&`) are skipped.
pub fn decode_form(text: &[u8]) -> Map<String, Value> {
    let mut root = Keyed::default();
    for (key, value) in form_urlencoded::parse(text) {
        let (name, path) = split_key(&key).unwrap_or((&key, Vec::new()));
        root.insert(name, &path, value.into_owned());
    }
    root.entries.into_iter().map(|(name, node)| (name, node.into_value())).collect()
}

/// Converts the text leaves of `value` to the JSON types `schema` asks for, recursively, and
/// returns everything else as it was. `schema` is a JSON Schema (draft 2020-12) as accord's
/// contracts write them; `defs` holds the named schemas that `"$ref": "#/$defs/NAME"` points
/// to (`~1` and `~0` unescaped per RFC 6901).
///
/// - A string where the schema's `type` allows `"string"` stays a string. Otherwise it becomes
///   an integer for `"integer"` (`"42"` -> `42`; JSON number syntax, so `"1.0"` -> `1.0`, which
///   JSON Schema counts as an integer, while `"1.5"`, `" 42"`, `"+1"` and `"0x10"` stay text),
///   a number for `"number"` (`"1.5"` -> `1.5`, `"-2e3"` -> `-2000.0`), a boolean for
///   `"boolean"` (exactly `"true"` or `"false"`, as the runtime writes them), or a one-item
///   array for `"array"` (`"x"` -> `["x"]`, the item then coerced): a query parameter repeated
///   once looks like a lone value. With several types they are tried in that order.
/// - A string under a schema without `type` becomes the `enum` or `const` member (a number or
///   boolean) that it spells, if any (`"2"` -> `2` for `{"enum":[1,2]}`).
/// - Objects are coerced property by property (`properties`, then `additionalProperties` for
///   the other keys unless `patternProperties` is present, which needs a regex engine this
///   module does not have); arrays item by item (`prefixItems`, then `items`).
/// - An array where only an object is allowed becomes an object keyed by index: the form key
///   `metadata[0]=a` decodes as an array, but the object `{"0":"a"}` is what a client meant.
/// - `$ref` is applied first, then `allOf` branch by branch, then the schema's own keywords
///   (2020-12 allows constraint keywords beside a `$ref`), then `anyOf`/`oneOf`.
/// - `anyOf`/`oneOf`: `{"type":"null"}` branches are skipped (form text is never null). Each
///   other branch in order coerces a copy; the first whose result fits the branch wins, where
///   fitting means its `type`, `enum`, `const`, `required`, `additionalProperties: false`, and
///   recursively its properties and items (not `format`, `pattern` or bounds). If none fits,
///   the first whose result has the branch's top-level type wins (so one bad property in an
///   optional object does not undo the rest); failing that, the value is left as it was.
///
/// Text that does not parse is left as it is, so the validator reports it at its path. Never
/// panics; recursion stops at depth 64 and after a fixed budget of steps, leaving the rest of
/// the value as it is.
pub fn coerce(value: Value, schema: &Value, defs: &Map<String, Value>) -> Value {
    Coercer { defs, steps_left: MAX_STEPS }.coerce(value, schema, 0)
}

/// One bracket segment of a form key.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Segment<'a> {
    /// `[name]` or `[0]`.
    Key(&'a str),
    /// `[]`.
    Append,
}

/// Splits `a[b][]` into `a` and its segments; `None` when the key is not of that shape (it is
/// then a plain name).
fn split_key(key: &str) -> Option<(&str, Vec<Segment<'_>>)> {
    let open = key.find('[')?;
    let name = &key[..open];
    if name.is_empty() {
        return None;
    }
    let mut rest = &key[open..];
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        let segment = &inner[..close];
        segments.push(if segment.is_empty() { Segment::Append } else { Segment::Key(segment) });
        if segments.len() > MAX_SEGMENTS {
            return None;
        }
        rest = &inner[close + 1..];
    }
    Some((name, segments))
}

/// A decoded form value before numeric keys are turned into arrays.
#[derive(Debug)]
enum Node {
    Text(String),
    List(Vec<Node>),
    Keyed(Keyed),
}

/// Object entries in the order they first appeared, with an index so lookups stay cheap on
/// bodies with many keys.
#[derive(Debug, Default)]
struct Keyed {
    entries: Vec<(String, Node)>,
    positions: HashMap<String, usize>,
}

impl Keyed {
    fn insert(&mut self, key: &str, path: &[Segment<'_>], text: String) {
        if let Some(&position) = self.positions.get(key) {
            self.entries[position].1.insert(path, text);
        } else {
            self.positions.insert(key.to_string(), self.entries.len());
            self.entries.push((key.to_string(), Node::build(path, text)));
        }
    }

    fn contains(&self, key: &str) -> bool {
        self.positions.contains_key(key)
    }

    /// An array when the keys are exactly `0..n`, else an object.
    fn into_value(self) -> Value {
        let count = self.entries.len();
        let mut slots: Vec<Option<Node>> = Vec::new();
        slots.resize_with(count, || None);
        let mut is_list = true;
        for (key, _) in &self.entries {
            match canonical_index(key) {
                Some(index) if index < count => {}
                _ => {
                    is_list = false;
                    break;
                }
            }
        }
        if is_list {
            // Keys are distinct and all below `count`, so every slot is filled exactly once.
            for (key, node) in self.entries {
                if let Some(index) = canonical_index(&key) {
                    slots[index] = Some(node);
                }
            }
            Value::Array(slots.into_iter().flatten().map(Node::into_value).collect())
        } else {
            Value::Object(self.entries.into_iter().map(|(key, node)| (key, node.into_value())).collect())
        }
    }
}

/// `Some(n)` when `key` is `n` written in decimal without sign or leading zeros.
fn canonical_index(key: &str) -> Option<usize> {
    let index: usize = key.parse().ok()?;
    (index.to_string() == key).then_some(index)
}

impl Node {
    /// The node that `path` and `text` describe on their own.
    fn build(path: &[Segment<'_>], text: String) -> Node {
        match path.split_first() {
            None => Node::Text(text),
            Some((Segment::Key(key), rest)) => {
                let mut keyed = Keyed::default();
                keyed.insert(key, rest, text);
                Node::Keyed(keyed)
            }
            Some((Segment::Append, rest)) => Node::List(vec![Node::build(rest, text)]),
        }
    }

    fn insert(&mut self, path: &[Segment<'_>], text: String) {
        match (&mut *self, path.first()) {
            (Node::Keyed(keyed), Some(Segment::Key(key))) => keyed.insert(key, &path[1..], text),
            (Node::List(items), _) => Node::insert_into_list(items, path, text),
            // A second value in another shape: keep both, as a list.
            _ => {
                let previous = std::mem::replace(self, Node::List(Vec::new()));
                if let Node::List(items) = self {
                    items.push(previous);
                    Node::insert_into_list(items, path, text);
                }
            }
        }
    }

    fn insert_into_list(items: &mut Vec<Node>, path: &[Segment<'_>], text: String) {
        match path.split_first() {
            None => items.push(Node::Text(text)),
            Some((Segment::Append, rest)) => {
                // Rack: `a[][p]=1&a[][q]=2` fills one object until a key repeats.
                if let (Some(Segment::Key(key)), Some(Node::Keyed(last))) = (rest.first(), items.last_mut())
                    && !last.contains(key)
                {
                    last.insert(key, &rest[1..], text);
                } else {
                    items.push(Node::build(rest, text));
                }
            }
            Some((Segment::Key(_), _)) => match items.last_mut() {
                Some(last @ Node::Keyed(_)) => last.insert(path, text),
                _ => items.push(Node::build(path, text)),
            },
        }
    }

    fn into_value(self) -> Value {
        match self {
            Node::Text(text) => Value::String(text),
            Node::List(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Keyed(keyed) => keyed.into_value(),
        }
    }
}

/// The JSON types a schema's `type` keyword allows.
#[derive(Debug, Default, Clone, Copy)]
struct Types {
    string: bool,
    integer: bool,
    number: bool,
    boolean: bool,
    array: bool,
    object: bool,
    null: bool,
}

impl Types {
    /// `None` when the schema has no usable `type` keyword (any type is allowed).
    fn of(schema: &Map<String, Value>) -> Option<Types> {
        let mut types = Types::default();
        let mut add = |name: &str| match name {
            "string" => types.string = true,
            "integer" => types.integer = true,
            "number" => types.number = true,
            "boolean" => types.boolean = true,
            "array" => types.array = true,
            "object" => types.object = true,
            "null" => types.null = true,
            _ => {}
        };
        match schema.get("type")? {
            Value::String(name) => add(name),
            Value::Array(names) => names.iter().filter_map(Value::as_str).for_each(add),
            _ => return None,
        }
        Some(types)
    }

    fn admits(self, value: &Value) -> bool {
        match value {
            Value::Null => self.null,
            Value::Bool(_) => self.boolean,
            Value::Number(number) => self.number || (self.integer && is_integral(number)),
            Value::String(_) => self.string,
            Value::Array(_) => self.array,
            Value::Object(_) => self.object,
        }
    }
}

/// Whether JSON Schema counts `number` as an integer (`1.0` is one).
fn is_integral(number: &Number) -> bool {
    number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|x| x.is_finite() && x.fract() == 0.0)
}

/// `text` read with JSON number syntax, exactly (no surrounding whitespace, no `+`, no
/// leading zeros, finite).
fn parse_number(text: &str) -> Option<Value> {
    if text.is_empty() || text.trim() != text {
        return None;
    }
    serde_json::from_str::<Number>(text).ok().map(Value::Number)
}

fn parse_integer(text: &str) -> Option<Value> {
    parse_number(text).filter(|value| value.as_number().is_some_and(is_integral))
}

/// A reader of one JSON type from text.
type Parse = fn(&str) -> Option<Value>;

fn parse_boolean(text: &str) -> Option<Value> {
    match text {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// The number or boolean member of `enum`/`const` that `text` spells, as the runtime writes
/// scalars.
fn enum_member(text: &str, schema: &Map<String, Value>) -> Option<Value> {
    let members = match (schema.get("enum"), schema.get("const")) {
        (Some(Value::Array(members)), _) => members.as_slice(),
        (_, Some(member)) => std::slice::from_ref(member),
        _ => return None,
    };
    if members.iter().any(|member| member.as_str() == Some(text)) {
        return None;
    }
    members
        .iter()
        .find(|member| match member {
            Value::Number(number) => number.to_string() == text,
            Value::Bool(flag) => text == if *flag { "true" } else { "false" },
            _ => false,
        })
        .cloned()
}

/// A branch that only admits `null`, which form text never is.
fn is_null_schema(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(name)) => name == "null",
        Some(Value::Array(names)) => names.iter().all(|name| name == "null"),
        _ => false,
    }
}

/// Walks a value and a schema together, with the step budget of one [`coerce`] call.
struct Coercer<'a> {
    defs: &'a Map<String, Value>,
    steps_left: usize,
}

impl<'a> Coercer<'a> {
    /// Takes one step; `false` when the depth or the budget is spent.
    fn step(&mut self, depth: usize) -> bool {
        if depth >= MAX_DEPTH || self.steps_left == 0 {
            return false;
        }
        self.steps_left -= 1;
        true
    }

    /// The schema that `"$ref": "#/$defs/NAME"` names, if `defs` has it.
    fn resolve(&self, schema: &Map<String, Value>) -> Option<&'a Value> {
        let reference = schema.get("$ref")?.as_str()?;
        let name = reference.strip_prefix("#/$defs/")?;
        if name.contains('/') {
            return None;
        }
        self.defs.get(&name.replace("~1", "/").replace("~0", "~"))
    }

    fn coerce(&mut self, value: Value, schema: &Value, depth: usize) -> Value {
        if !self.step(depth) {
            return value;
        }
        let Some(schema) = schema.as_object() else { return value };
        let mut value = value;
        if let Some(target) = self.resolve(schema) {
            value = self.coerce(value, target, depth + 1);
        }
        if let Some(Value::Array(branches)) = schema.get("allOf") {
            for branch in branches {
                value = self.coerce(value, branch, depth + 1);
            }
        }
        value = self.coerce_own(value, schema, depth);
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = schema.get(keyword) {
                value = self.coerce_union(value, branches, depth);
            }
        }
        value
    }

    /// Applies the schema's own `type`, `enum`/`const`, `properties` and `items`.
    fn coerce_own(&mut self, value: Value, schema: &Map<String, Value>, depth: usize) -> Value {
        let types = Types::of(schema);
        match value {
            Value::String(text) => match types {
                None => enum_member(&text, schema).unwrap_or(Value::String(text)),
                Some(types) => self.coerce_text(text, types, schema, depth),
            },
            Value::Array(items) => match types {
                Some(types) if types.object && !types.array => {
                    let object = items.into_iter().enumerate().map(|(index, item)| (index.to_string(), item)).collect();
                    Value::Object(self.coerce_properties(object, schema, depth))
                }
                Some(types) if !types.array => Value::Array(items),
                _ => Value::Array(self.coerce_items(items, schema, depth)),
            },
            Value::Object(object) => match types {
                Some(types) if !types.object => Value::Object(object),
                _ => Value::Object(self.coerce_properties(object, schema, depth)),
            },
            other => other,
        }
    }

    fn coerce_text(&mut self, text: String, types: Types, schema: &Map<String, Value>, depth: usize) -> Value {
        if types.string {
            return Value::String(text);
        }
        let parsers: [(bool, Parse); 3] =
            [(types.integer, parse_integer), (types.number, parse_number), (types.boolean, parse_boolean)];
        if let Some(parsed) = parsers.iter().filter(|(allowed, _)| *allowed).find_map(|(_, parse)| parse(&text)) {
            return parsed;
        }
        if types.array {
            return Value::Array(self.coerce_items(vec![Value::String(text)], schema, depth));
        }
        Value::String(text)
    }

    /// The schema for each position: `prefixItems` (or a draft-7 `items` array) first, then
    /// `items` (or `additionalItems`).
    fn item_schemas(schema: &Map<String, Value>) -> (&[Value], Option<&Value>) {
        match (schema.get("prefixItems"), schema.get("items")) {
            (_, Some(Value::Array(prefix))) => (prefix.as_slice(), schema.get("additionalItems")),
            (Some(Value::Array(prefix)), rest) => (prefix.as_slice(), rest),
            (_, rest) => (&[], rest),
        }
    }

    fn coerce_items(&mut self, items: Vec<Value>, schema: &Map<String, Value>, depth: usize) -> Vec<Value> {
        let (prefix, rest) = Coercer::item_schemas(schema);
        items
            .into_iter()
            .enumerate()
            .map(|(index, item)| match prefix.get(index).or(rest) {
                Some(item_schema) => self.coerce(item, item_schema, depth + 1),
                None => item,
            })
            .collect()
    }

    fn coerce_properties(
        &mut self,
        object: Map<String, Value>,
        schema: &Map<String, Value>,
        depth: usize,
    ) -> Map<String, Value> {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = if schema.contains_key("patternProperties") {
            None
        } else {
            schema.get("additionalProperties").filter(|additional| additional.is_object())
        };
        object
            .into_iter()
            .map(|(key, value)| {
                let value = match properties.and_then(|properties| properties.get(&key)).or(additional) {
                    Some(property_schema) => self.coerce(value, property_schema, depth + 1),
                    None => value,
                };
                (key, value)
            })
            .collect()
    }

    fn coerce_union(&mut self, value: Value, branches: &[Value], depth: usize) -> Value {
        let mut candidates = Vec::new();
        for branch in branches.iter().filter(|branch| !is_null_schema(branch)) {
            let candidate = self.coerce(value.clone(), branch, depth + 1);
            if self.fits(&candidate, branch, depth + 1, true) {
                return candidate;
            }
            candidates.push((branch, candidate));
        }
        for (branch, candidate) in candidates {
            if self.fits(&candidate, branch, depth + 1, false) {
                return candidate;
            }
        }
        value
    }

    /// Whether `value` has the shape `schema` describes: its `type` (through `$ref`, `allOf`,
    /// `anyOf`, `oneOf`), and when `deep` also `enum`, `const`, `required`, closed objects,
    /// properties and items. Past the depth or the budget it answers `true`: it cannot tell.
    fn fits(&mut self, value: &Value, schema: &Value, depth: usize, deep: bool) -> bool {
        if !self.step(depth) {
            return true;
        }
        let Some(schema) = schema.as_object() else { return schema != &Value::Bool(false) };
        if let Some(target) = self.resolve(schema)
            && !self.fits(value, target, depth + 1, deep)
        {
            return false;
        }
        if Types::of(schema).is_some_and(|types| !types.admits(value)) {
            return false;
        }
        if deep && !self.fits_deep(value, schema, depth) {
            return false;
        }
        if let Some(Value::Array(branches)) = schema.get("allOf")
            && !branches.iter().all(|branch| self.fits(value, branch, depth + 1, deep))
        {
            return false;
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = schema.get(keyword)
                && !branches.iter().any(|branch| self.fits(value, branch, depth + 1, deep))
            {
                return false;
            }
        }
        true
    }

    fn fits_deep(&mut self, value: &Value, schema: &Map<String, Value>, depth: usize) -> bool {
        if let Some(Value::Array(members)) = schema.get("enum")
            && !members.contains(value)
        {
            return false;
        }
        if schema.get("const").is_some_and(|member| member != value) {
            return false;
        }
        match value {
            Value::Object(object) => {
                if let Some(Value::Array(required)) = schema.get("required")
                    && !required.iter().filter_map(Value::as_str).all(|key| object.contains_key(key))
                {
                    return false;
                }
                let properties = schema.get("properties").and_then(Value::as_object);
                let additional =
                    if schema.contains_key("patternProperties") { None } else { schema.get("additionalProperties") };
                object.iter().all(|(key, property)| {
                    match properties.and_then(|properties| properties.get(key)).or(additional) {
                        Some(property_schema) => self.fits(property, property_schema, depth + 1, true),
                        None => true,
                    }
                })
            }
            Value::Array(items) => {
                let (prefix, rest) = Coercer::item_schemas(schema);
                items.iter().enumerate().all(|(index, item)| match prefix.get(index).or(rest) {
                    Some(item_schema) => self.fits(item, item_schema, depth + 1, true),
                    None => true,
                })
            }
            _ => true,
        }
    }
}

/// What a styled parameter's schema asks for, after `$ref`s and nullable unions.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Wanted {
    List,
    Object,
    Scalar,
}

/// Whether `schema` takes a list, an object or a scalar: its `type` (the first of a list of
/// types that is not `"null"`), `items` or `properties`, through `$ref` and the first
/// non-null branch of `anyOf`/`oneOf`, at most 16 steps deep.
fn wanted(schema: &Value, defs: &Map<String, Value>) -> Wanted {
    let mut current = schema;
    for _ in 0..16 {
        let Some(object) = current.as_object() else { return Wanted::Scalar };
        if let Some(target) = object.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
            match defs.get(&target.replace("~1", "/").replace("~0", "~")) {
                Some(next) => {
                    current = next;
                    continue;
                }
                None => return Wanted::Scalar,
            }
        }
        let types: Vec<&str> = match object.get("type") {
            Some(Value::String(name)) => vec![name.as_str()],
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"array") || object.contains_key("items") {
            return Wanted::List;
        }
        if types.contains(&"object") || object.contains_key("properties") {
            return Wanted::Object;
        }
        if !types.is_empty() {
            return Wanted::Scalar;
        }
        let branch = ["anyOf", "oneOf", "allOf"].iter().find_map(|key| {
            object.get(*key).and_then(Value::as_array).and_then(|branches| branches.iter().find(|b| !is_null_schema(b)))
        });
        match branch {
            Some(next) => current = next,
            None => return Wanted::Scalar,
        }
    }
    Wanted::Scalar
}

/// Percent-decodes one piece of a query or path value (`+` stays a `+`: the runtime writes a
/// space as `%20`; RFC 3986 gives `+` no meaning).
fn decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Splits `text` on `separator`, or, when it holds none, on `encoded` (the separator
/// percent-encoded, as clients that encode every reserved character send it).
fn split_on<'t>(text: &'t str, separator: &str, encoded: &[&str]) -> Vec<&'t str> {
    if text.contains(separator) {
        return text.split(separator).collect();
    }
    for encoded in encoded {
        let upper = encoded.to_ascii_uppercase();
        let lower = encoded.to_ascii_lowercase();
        for variant in [upper.as_str(), lower.as_str()] {
            if text.contains(variant) {
                return text.split(variant).collect();
            }
        }
    }
    vec![text]
}

/// The value that `parts` (already split, still encoded) make for a schema that wants
/// `wanted`: a list of strings, an object from `key,value,…` (or from `key=value` parts when
/// `pairs_assigned`), or the one string they join back to.
fn assemble(parts: &[&str], wanted: Wanted, pairs_assigned: bool, joiner: &str) -> Value {
    match wanted {
        Wanted::List => {
            Value::Array(parts.iter().filter(|p| !p.is_empty()).map(|p| Value::String(decoded(p))).collect())
        }
        Wanted::Object if pairs_assigned => Value::Object(
            parts
                .iter()
                .filter(|p| !p.is_empty())
                .map(|part| match part.split_once('=') {
                    Some((key, value)) => (decoded(key), Value::String(decoded(value))),
                    None => (decoded(part), Value::String(String::new())),
                })
                .collect(),
        ),
        Wanted::Object => Value::Object(
            parts
                .chunks(2)
                .map(|pair| (decoded(pair[0]), Value::String(pair.get(1).map(|v| decoded(v)).unwrap_or_default())))
                .collect(),
        ),
        Wanted::Scalar => Value::String(decoded(&parts.join(joiner))),
    }
}

/// The raw (still percent-encoded) values of query parameter `name` in `query`, in order.
fn raw_query_values<'q>(query: &'q str, name: &str) -> Vec<&'q str> {
    query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decoded(key) == name).then_some(value)
        })
        .collect()
}

/// Query parameter `name` read back from the query string (`query`, without `?`) in
/// `style` (OpenAPI 3.1 §4.8.12.4, as `accord_runtime::style` writes it), as JSON of strings
/// for [`coerce`]; `None` when absent. `form` with `explode` and `deep_object` read the
/// decoded form (`decoded`, from [`decode_form`]); an object under `form` with `explode` is
/// made of the query's other names (`R=100&G=200`), the declared properties when the schema
/// lists them, else every name not in `others` (the operation's other parameters). The
/// delimited styles split the raw value on their separator before percent-decoding, so an
/// encoded separator (`%2C`) inside a value stays in it; a value without the separator is
/// split on its encoded form instead (a client that encodes every reserved character).
pub fn query_param(
    query: &str,
    decoded_form: &Map<String, Value>,
    name: &str,
    schema: &Value,
    defs: &Map<String, Value>,
    (style, explode): (ParamStyle, bool),
    others: &[&str],
) -> Option<Value> {
    let wanted = wanted(schema, defs);
    let separator: (&str, &[&str]) = match (style, explode) {
        (ParamStyle::Form, false) => (",", &["%2C"]),
        (ParamStyle::SpaceDelimited, false) => ("%20", &["+", " "]),
        (ParamStyle::PipeDelimited, false) => ("|", &["%7C"]),
        (ParamStyle::Form | ParamStyle::Simple | ParamStyle::Label | ParamStyle::Matrix, _)
            if wanted == Wanted::Object =>
        {
            let properties = resolved(schema, defs).and_then(|s| s.get("properties")).and_then(Value::as_object);
            let object: Map<String, Value> = decoded_form
                .iter()
                .filter(|(key, _)| match properties {
                    Some(properties) => properties.contains_key(*key),
                    None => *key != name && !others.contains(&key.as_str()),
                })
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            return (!object.is_empty()).then_some(Value::Object(object));
        }
        _ => return decoded_form.get(name).cloned(),
    };
    let raw = raw_query_values(query, name);
    let last = raw.last()?;
    let parts = split_on(last, separator.0, separator.1);
    Some(assemble(&parts, wanted, false, separator.0))
}

/// The object schema `schema` refers to (one `$ref` followed).
fn resolved<'s>(schema: &'s Value, defs: &'s Map<String, Value>) -> Option<&'s Value> {
    match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(target) => defs.get(&target.replace("~1", "/").replace("~0", "~")),
        None => Some(schema),
    }
}

/// Path parameter `name` read back from its raw (still percent-encoded) text in `style`
/// (`simple` `a,b`, `label` `.a.b`, `matrix` `;name=a,b` or `;name=a;name=b`), as JSON of
/// strings for [`coerce`]. Text that does not have the style's prefix is taken as it is, so
/// the validator reports the value.
pub fn path_param(
    raw: &str,
    name: &str,
    schema: &Value,
    defs: &Map<String, Value>,
    (style, explode): (ParamStyle, bool),
) -> Value {
    let wanted = wanted(schema, defs);
    match style {
        ParamStyle::Label => {
            let text = raw.strip_prefix('.').unwrap_or(raw);
            assemble(&split_on(text, ".", &[]), wanted, explode, ".")
        }
        ParamStyle::Matrix => {
            let text = raw.strip_prefix(';').unwrap_or(raw);
            let assigned = format!("{name}=");
            if explode && wanted == Wanted::List {
                let parts: Vec<&str> =
                    text.split(';').map(|p| p.strip_prefix(assigned.as_str()).unwrap_or(p)).collect();
                assemble(&parts, wanted, false, ",")
            } else if explode && wanted == Wanted::Object {
                assemble(&text.split(';').collect::<Vec<_>>(), wanted, true, ";")
            } else {
                let text = text.strip_prefix(assigned.as_str()).unwrap_or(if text == name { "" } else { text });
                assemble(&split_on(text, ",", &["%2C"]), wanted, false, ",")
            }
        }
        ParamStyle::Simple
        | ParamStyle::Form
        | ParamStyle::SpaceDelimited
        | ParamStyle::PipeDelimited
        | ParamStyle::DeepObject => assemble(&split_on(raw, ",", &["%2C"]), wanted, explode, ","),
    }
}

/// A header parameter read back from its value in the `simple` style (`a,b`; objects as
/// `k,v,…` or, with `explode`, `k=v,…`), as JSON of strings for [`coerce`]. Header values
/// are not percent-decoded; spaces around the commas are dropped (RFC 9110 §5.6.1 lists).
pub fn header_param(text: &str, schema: &Value, defs: &Map<String, Value>, explode: bool) -> Value {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    match wanted(schema, defs) {
        Wanted::List => Value::Array(parts.iter().map(|p| Value::String(p.to_string())).collect()),
        Wanted::Object if explode => Value::Object(
            parts
                .iter()
                .map(|part| {
                    let (key, value) = part.split_once('=').unwrap_or((part, ""));
                    (key.trim().to_string(), Value::String(value.trim().to_string()))
                })
                .collect(),
        ),
        Wanted::Object => Value::Object(
            parts
                .chunks(2)
                .map(|pair| (pair[0].to_string(), Value::String(pair.get(1).unwrap_or(&"").to_string())))
                .collect(),
        ),
        Wanted::Scalar => Value::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check_form(input: &str, expected: Value) {
        assert_eq!(Value::Object(decode_form(input.as_bytes())), expected, "decoding {input:?}");
    }

    fn check(value: Value, schema: Value, expected: Value) {
        check_with(value, schema, &Map::new(), expected);
    }

    fn check_with(value: Value, schema: Value, defs: &Map<String, Value>, expected: Value) {
        let shown = value.to_string();
        assert_eq!(coerce(value, &schema, defs), expected, "coercing {shown} with {schema}");
    }

    fn defs(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(defs) => defs,
            _ => Map::new(),
        }
    }

    // decode_form

    #[test]
    fn form_plain_pairs() {
        check_form("", json!({}));
        check_form("a=1&b=two", json!({"a": "1", "b": "two"}));
        check_form("a=&b", json!({"a": "", "b": ""}));
        check_form("&&a=1&&", json!({"a": "1"}));
        check_form("0=x&1=y", json!({"0": "x", "1": "y"}));
    }

    #[test]
    fn form_nested_objects() {
        check_form("a[b]=1", json!({"a": {"b": "1"}}));
        check_form("a[b]=1&a[c]=2&d=3", json!({"a": {"b": "1", "c": "2"}, "d": "3"}));
        check_form("a[b][c][d]=deep", json!({"a": {"b": {"c": {"d": "deep"}}}}));
        check_form("metadata[order_id]=6735&metadata[note]=x", json!({"metadata": {"order_id": "6735", "note": "x"}}));
    }

    #[test]
    fn form_indexed_arrays() {
        check_form("a[0]=x&a[1]=y", json!({"a": ["x", "y"]}));
        check_form("a[1]=y&a[0]=x&a[2]=z", json!({"a": ["x", "y", "z"]}));
        check_form("a[0][b]=1", json!({"a": [{"b": "1"}]}));
        check_form(
            "items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2",
            json!({"items": [{"price": "p1", "quantity": "2"}, {"price": "p2"}]}),
        );
        check_form("a[0][0]=x&a[0][1]=y&a[1][0]=z", json!({"a": [["x", "y"], ["z"]]}));
    }

    #[test]
    fn form_numeric_keys_that_are_not_0_to_n_stay_keys() {
        check_form("a[1]=y", json!({"a": {"1": "y"}}));
        check_form("a[0]=x&a[2]=z", json!({"a": {"0": "x", "2": "z"}}));
        check_form("a[00]=x", json!({"a": {"00": "x"}}));
        check_form("a[0]=x&a[01]=y", json!({"a": {"0": "x", "01": "y"}}));
        check_form("a[-0]=x", json!({"a": {"-0": "x"}}));
        check_form("a[0]=x&a[b]=y", json!({"a": {"0": "x", "b": "y"}}));
        check_form("a[99999999999999999999]=x", json!({"a": {"99999999999999999999": "x"}}));
    }

    #[test]
    fn form_empty_brackets_append() {
        check_form("a[]=x", json!({"a": ["x"]}));
        check_form("expand[]=customer&expand[]=invoice", json!({"expand": ["customer", "invoice"]}));
        check_form("a[][p]=1&a[][q]=2&a[][p]=3", json!({"a": [{"p": "1", "q": "2"}, {"p": "3"}]}));
        check_form("a[][]=x&a[][]=y", json!({"a": [["x"], ["y"]]}));
    }

    #[test]
    fn form_repeated_keys_make_lists() {
        check_form("a=x&a=y", json!({"a": ["x", "y"]}));
        check_form("a=x&a=y&a=z", json!({"a": ["x", "y", "z"]}));
        check_form("a[b]=1&a[b]=2", json!({"a": {"b": ["1", "2"]}}));
        check_form("a[0]=x&a[0]=y", json!({"a": [["x", "y"]]}));
        check_form("a=x&a[]=y", json!({"a": ["x", "y"]}));
        check_form("labels=bug&labels=ui&state=open", json!({"labels": ["bug", "ui"], "state": "open"}));
    }

    #[test]
    fn form_conflicting_shapes_keep_every_value() {
        check_form("a=1&a[b]=2", json!({"a": ["1", {"b": "2"}]}));
        check_form("a=1&a[b]=2&a[c]=3", json!({"a": ["1", {"b": "2", "c": "3"}]}));
        check_form("a[b]=2&a=1", json!({"a": [{"b": "2"}, "1"]}));
        check_form("a[b]=1&a[b][c]=2", json!({"a": {"b": ["1", {"c": "2"}]}}));
    }

    #[test]
    fn form_percent_encoding_and_plus() {
        check_form("metadata%5Border_id%5D=6735", json!({"metadata": {"order_id": "6735"}}));
        check_form("q=hello+world", json!({"q": "hello world"}));
        check_form("To=%2B15551234567", json!({"To": "+15551234567"}));
        check_form("a=1%262%3D3", json!({"a": "1&2=3"}));
        check_form("a%3Db=c", json!({"a=b": "c"}));
        check_form("name=J%C3%BCrgen", json!({"name": "Jürgen"}));
        check_form("bad=%FF", json!({"bad": "\u{FFFD}"}));
        check_form("lone=%", json!({"lone": "%"}));
        check_form("a[b+c]=1", json!({"a": {"b c": "1"}}));
    }

    #[test]
    fn form_reads_what_the_runtime_writes() {
        check_form(
            "email=jenny%40example.com&metadata%5Border_id%5D=6735&preferred_locales%5B0%5D=en&preferred_locales%5B1%5D=fr&balance=100",
            json!({
                "email": "jenny@example.com",
                "metadata": {"order_id": "6735"},
                "preferred_locales": ["en", "fr"],
                "balance": "100"
            }),
        );
        check_form(
            "To=%2B15558675310&From=%2B15017122661&Body=Hi+there&MediaUrl=https%3A%2F%2Fx.test%2Fa.png&MediaUrl=https%3A%2F%2Fx.test%2Fb.png",
            json!({
                "To": "+15558675310",
                "From": "+15017122661",
                "Body": "Hi there",
                "MediaUrl": ["https://x.test/a.png", "https://x.test/b.png"]
            }),
        );
    }

    #[test]
    fn form_malformed_keys_are_plain_names() {
        check_form("a[b=1", json!({"a[b": "1"}));
        check_form("a[b]c=1", json!({"a[b]c": "1"}));
        check_form("[x]=1", json!({"[x]": "1"}));
        check_form("a]=1", json!({"a]": "1"}));
        check_form("a[b][=1", json!({"a[b][": "1"}));
        check_form("a[b[c]=1", json!({"a": {"b[c": "1"}}));
    }

    #[test]
    fn form_nesting_is_bounded() {
        let deep_enough = format!("a{}=x", "[k]".repeat(MAX_SEGMENTS));
        let decoded = decode_form(deep_enough.as_bytes());
        assert!(decoded["a"].is_object());
        let too_deep = format!("a{}=x", "[k]".repeat(MAX_SEGMENTS + 1));
        let decoded = decode_form(too_deep.as_bytes());
        assert_eq!(decoded.get(too_deep.trim_end_matches("=x")), Some(&json!("x")));
        // Many keys at one level stay cheap and ordered by index.
        let wide: Vec<String> = (0..5000).rev().map(|index| format!("a[{index}]={index}")).collect();
        let decoded = decode_form(wide.join("&").as_bytes());
        let items = decoded["a"].as_array().map(Vec::len);
        assert_eq!(items, Some(5000));
        assert_eq!(decoded["a"][4999], json!("4999"));
    }

    // coerce: scalars

    #[test]
    fn integers() {
        let integer = json!({"type": "integer"});
        check(json!("42"), integer.clone(), json!(42));
        check(json!("-7"), integer.clone(), json!(-7));
        check(json!("0"), integer.clone(), json!(0));
        check(json!("18446744073709551615"), integer.clone(), json!(18446744073709551615u64));
        check(json!("1.0"), integer.clone(), json!(1.0));
        check(json!("1e3"), integer.clone(), json!(1000.0));
        for text in ["1.5", "", " 42", "42 ", "+1", "01", "0x10", "abc", "NaN", "1e400", "4 2"] {
            check(json!(text), integer.clone(), json!(text));
        }
        check(json!("42"), json!({"type": "integer", "minimum": 100, "format": "int64"}), json!(42));
    }

    #[test]
    fn numbers() {
        let number = json!({"type": "number"});
        check(json!("1.5"), number.clone(), json!(1.5));
        check(json!("-2e3"), number.clone(), json!(-2000.0));
        check(json!("42"), number.clone(), json!(42));
        for text in ["", "1.", ".5", "Infinity", "NaN", "1,5", "1e400"] {
            check(json!(text), number.clone(), json!(text));
        }
    }

    #[test]
    fn booleans() {
        let boolean = json!({"type": "boolean"});
        check(json!("true"), boolean.clone(), json!(true));
        check(json!("false"), boolean.clone(), json!(false));
        for text in ["True", "FALSE", "1", "0", "yes", ""] {
            check(json!(text), boolean.clone(), json!(text));
        }
    }

    #[test]
    fn strings_and_any_stay_text() {
        check(json!("42"), json!({"type": "string"}), json!("42"));
        check(json!("true"), json!({"type": "string", "format": "date-time"}), json!("true"));
        check(json!("42"), json!({"type": "string", "enum": ["42", "x"]}), json!("42"));
        check(json!("42"), json!({}), json!("42"));
        check(json!("42"), json!(true), json!("42"));
        check(json!("42"), json!(false), json!("42"));
        check(json!("42"), json!({"type": ["integer", "string"]}), json!("42"));
        check(json!("42"), json!({"type": "unknown"}), json!("42"));
    }

    #[test]
    fn type_lists() {
        check(json!("42"), json!({"type": ["integer", "null"]}), json!(42));
        check(json!("true"), json!({"type": ["integer", "boolean"]}), json!(true));
        check(json!("null"), json!({"type": ["integer", "null"]}), json!("null"));
        check(json!("x"), json!({"type": ["array", "boolean"], "items": {"type": "string"}}), json!(["x"]));
    }

    #[test]
    fn enums_without_type() {
        check(json!("2"), json!({"enum": [1, 2]}), json!(2));
        check(json!("true"), json!({"const": true}), json!(true));
        check(json!("3"), json!({"enum": [1, 2]}), json!("3"));
        check(json!("1"), json!({"enum": ["1", 1]}), json!("1"));
    }

    #[test]
    fn typed_values_are_left_alone() {
        check(json!(42), json!({"type": "string"}), json!(42));
        check(json!(true), json!({"type": "integer"}), json!(true));
        check(json!(null), json!({"type": "integer"}), json!(null));
        check(json!({"a": "1"}), json!({"type": "integer"}), json!({"a": "1"}));
        check(json!(["1", "2"]), json!({"type": "integer"}), json!(["1", "2"]));
    }

    // coerce: arrays and objects

    #[test]
    fn arrays() {
        let integers = json!({"type": "array", "items": {"type": "integer"}});
        check(json!(["1", "2", "x"]), integers.clone(), json!([1, 2, "x"]));
        check(json!("7"), integers.clone(), json!([7]));
        check(json!("x"), json!({"type": "array"}), json!(["x"]));
        check(json!([]), integers, json!([]));
        check(
            json!(["1", "true", "2"]),
            json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}], "items": {"type": "number"}}),
            json!([1, true, 2]),
        );
        check(
            json!(["1", "2"]),
            json!({"type": "array", "items": [{"type": "integer"}], "additionalItems": {"type": "boolean"}}),
            json!([1, "2"]),
        );
    }

    #[test]
    fn objects() {
        let schema = json!({
            "type": "object",
            "properties": {"amount": {"type": "integer"}, "confirm": {"type": "boolean"}, "currency": {"type": "string"}},
            "required": ["amount"]
        });
        check(
            json!({"amount": "2000", "confirm": "true", "currency": "usd", "other": "5"}),
            schema,
            json!({"amount": 2000, "confirm": true, "currency": "usd", "other": "5"}),
        );
        check(
            json!({"a": "1", "b": "x"}),
            json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            json!({"a": 1, "b": "x"}),
        );
        check(
            json!({"id": "1", "n": "2"}),
            json!({"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": {"type": "integer"}}),
            json!({"id": "1", "n": 2}),
        );
        check(
            json!({"n": "2"}),
            json!({"type": "object", "patternProperties": {"^x": {}}, "additionalProperties": {"type": "integer"}}),
            json!({"n": "2"}),
        );
        check(json!("x"), json!({"type": "object"}), json!("x"));
        check(json!({"n": "2"}), json!({"properties": {"n": {"type": "integer"}}}), json!({"n": 2}));
    }

    #[test]
    fn index_keyed_arrays_become_objects_where_objects_are_expected() {
        let metadata = json!({"type": "object", "additionalProperties": {"type": "string"}});
        let decoded = Value::Object(decode_form(b"metadata[0]=a&metadata[1]=b"));
        check(decoded["metadata"].clone(), metadata.clone(), json!({"0": "a", "1": "b"}));
        check(json!(["1"]), json!({"type": "object", "properties": {"0": {"type": "integer"}}}), json!({"0": 1}));
        check(json!(["a"]), json!({"type": ["object", "array"]}), json!(["a"]));
    }

    // coerce: references and unions

    #[test]
    fn refs_resolve_in_defs() {
        let defs = defs(json!({
            "Order": {"type": "object", "properties": {"quantity": {"type": "integer"}, "note": {"$ref": "#/$defs/Note"}}},
            "Note": {"type": "string"},
            "Count": {"type": "integer"},
            "a/b~c": {"type": "boolean"}
        }));
        check_with(
            json!({"quantity": "3", "note": "4"}),
            json!({"$ref": "#/$defs/Order"}),
            &defs,
            json!({"quantity": 3, "note": "4"}),
        );
        check_with(json!("5"), json!({"$ref": "#/$defs/Count", "minimum": 10}), &defs, json!(5));
        check_with(json!("true"), json!({"$ref": "#/$defs/a~1b~0c"}), &defs, json!(true));
        check_with(json!("5"), json!({"$ref": "#/$defs/Missing"}), &defs, json!("5"));
        check_with(json!("5"), json!({"$ref": "#/definitions/Count"}), &defs, json!("5"));
        check_with(json!("5"), json!({"$ref": "https://example.com/Count"}), &defs, json!("5"));
        check_with(
            json!(["1", "2"]),
            json!({"type": "array", "items": {"$ref": "#/$defs/Count"}}),
            &defs,
            json!([1, 2]),
        );
    }

    #[test]
    fn all_of_applies_every_branch() {
        check(
            json!({"a": "1", "b": "true"}),
            json!({"allOf": [
                {"type": "object", "properties": {"a": {"type": "integer"}}},
                {"type": "object", "properties": {"b": {"type": "boolean"}}}
            ]}),
            json!({"a": 1, "b": true}),
        );
    }

    #[test]
    fn nullable_fields() {
        let defs = defs(json!({"Address": {"type": "object", "properties": {"zip": {"type": "integer"}}}}));
        check(json!("42"), json!({"anyOf": [{"type": "integer"}, {"type": "null"}]}), json!(42));
        check(json!("abc"), json!({"anyOf": [{"type": "integer"}, {"type": "null"}]}), json!("abc"));
        check(json!("null"), json!({"anyOf": [{"type": "integer"}, {"type": "null"}]}), json!("null"));
        check(json!("x"), json!({"anyOf": [{"type": "null"}, {"type": "string"}]}), json!("x"));
        check(
            json!("a"),
            json!({"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]}),
            json!(["a"]),
        );
        check_with(
            json!({"zip": "12345"}),
            json!({"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]}),
            &defs,
            json!({"zip": 12345}),
        );
        check(json!(null), json!({"anyOf": [{"type": "integer"}, {"type": "null"}]}), json!(null));
    }

    #[test]
    fn unions_pick_the_first_branch_that_fits() {
        // Stripe `off_session`: anyOf [boolean, string enum].
        let off_session = json!({"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["one_off", "recurring"]}]});
        check(json!("true"), off_session.clone(), json!(true));
        check(json!("one_off"), off_session.clone(), json!("one_off"));
        check(json!("never"), off_session, json!("never"));

        let auto_or_count = json!({"oneOf": [{"type": "string", "enum": ["auto"]}, {"type": "integer"}]});
        check(json!("auto"), auto_or_count.clone(), json!("auto"));
        check(json!("5"), auto_or_count, json!(5));

        check(json!("5"), json!({"anyOf": [{"type": "integer"}, {"type": "string"}]}), json!(5));
        check(json!("x"), json!({"anyOf": [{"type": "integer"}, {"type": "string"}]}), json!("x"));
        check(json!("x"), json!({"anyOf": [{"type": "string"}, {"type": "array"}]}), json!("x"));
        check(json!("5"), json!({"anyOf": [{}, {"type": "integer"}]}), json!("5"));
    }

    #[test]
    fn unions_of_objects_are_told_apart_by_their_shape() {
        let defs = defs(json!({
            "Card": {
                "type": "object",
                "properties": {"kind": {"type": "string", "enum": ["card"]}, "exp_month": {"type": "integer"}},
                "required": ["kind"]
            },
            "Bank": {
                "type": "object",
                "properties": {"kind": {"type": "string", "enum": ["bank"]}, "exp_month": {"type": "string"}},
                "required": ["kind"]
            },
            "Closed": {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "additionalProperties": false
            },
            "Open": {"type": "object", "properties": {"a": {"type": "boolean"}, "b": {"type": "integer"}}}
        }));
        let method = json!({"anyOf": [{"$ref": "#/$defs/Card"}, {"$ref": "#/$defs/Bank"}]});
        check_with(
            json!({"kind": "card", "exp_month": "12"}),
            method.clone(),
            &defs,
            json!({"kind": "card", "exp_month": 12}),
        );
        check_with(
            json!({"kind": "bank", "exp_month": "12"}),
            method.clone(),
            &defs,
            json!({"kind": "bank", "exp_month": "12"}),
        );
        // Fits neither: the first branch of the right type still coerces what it can.
        check_with(json!({"exp_month": "12"}), method, &defs, json!({"exp_month": 12}));

        let either = json!({"anyOf": [{"$ref": "#/$defs/Closed"}, {"$ref": "#/$defs/Open"}]});
        check_with(json!({"a": "1"}), either.clone(), &defs, json!({"a": 1}));
        check_with(json!({"a": "true", "b": "2"}), either, &defs, json!({"a": true, "b": 2}));
    }

    #[test]
    fn a_bad_property_does_not_undo_the_rest() {
        let schema = json!({"anyOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]},
            {"type": "null"}
        ]});
        check(json!({"a": "1", "b": "x"}), schema, json!({"a": 1, "b": "x"}));
    }

    // coerce: termination

    #[test]
    fn recursive_defs_terminate() {
        let defs = defs(json!({
            "Loop": {"$ref": "#/$defs/Loop"},
            "Fork": {"anyOf": [{"$ref": "#/$defs/Fork"}, {"$ref": "#/$defs/Fork"}, {"$ref": "#/$defs/Fork"}]},
            "Deep": {"allOf": [{"$ref": "#/$defs/Deep"}, {"$ref": "#/$defs/Deep"}]}
        }));
        check_with(json!("1"), json!({"$ref": "#/$defs/Loop"}), &defs, json!("1"));
        check_with(json!("1"), json!({"$ref": "#/$defs/Fork"}), &defs, json!("1"));
        check_with(json!({"a": ["1"]}), json!({"$ref": "#/$defs/Deep"}), &defs, json!({"a": ["1"]}));
    }

    #[test]
    fn recursive_trees_coerce_down_to_the_depth_bound() {
        let defs = defs(json!({
            "Node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "child": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}
                }
            }
        }));
        let schema = json!({"$ref": "#/$defs/Node"});
        check_with(
            json!({"value": "1", "child": {"value": "2", "child": {"value": "3"}}}),
            schema.clone(),
            &defs,
            json!({"value": 1, "child": {"value": 2, "child": {"value": 3}}}),
        );

        // Far deeper than the bound: no overflow, the top is coerced, the bottom is left.
        let mut value = json!({"value": "0"});
        for _ in 0..200 {
            value = json!({"value": "1", "child": value});
        }
        let coerced = coerce(value, &schema, &defs);
        assert_eq!(coerced["value"], json!(1));
        let mut bottom = &coerced;
        while let Some(child) = bottom.get("child") {
            bottom = child;
        }
        assert_eq!(bottom["value"], json!("0"));
    }

    #[test]
    fn large_bodies_fit_in_the_step_budget() {
        let properties: Map<String, Value> = (0..10)
            .map(|index| (format!("p{index}"), json!({"anyOf": [{"type": "integer"}, {"type": "null"}]})))
            .collect();
        let defs = defs(json!({"Line": {"type": "object", "properties": properties}}));
        let schema = json!({"type": "array", "items": {"anyOf": [{"$ref": "#/$defs/Line"}, {"type": "null"}]}});
        let body: Vec<String> =
            (0..2000).flat_map(|line| (0..10).map(move |index| format!("lines[{line}][p{index}]={line}"))).collect();
        let decoded = Value::Object(decode_form(body.join("&").as_bytes()));
        let coerced = coerce(decoded["lines"].clone(), &schema, &defs);
        assert_eq!(coerced[0]["p0"], json!(0));
        assert_eq!(coerced[1999]["p9"], json!(1999));
    }

    // decode_form and coerce together

    #[test]
    fn stripe_payment_intent_body() {
        let defs = defs(json!({
            "CreatePaymentIntentParams": {
                "type": "object",
                "required": ["amount", "currency"],
                "properties": {
                    "amount": {"type": "integer"},
                    "confirm": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
                    "currency": {"type": "string"},
                    "metadata": {"anyOf": [
                        {"type": "object", "additionalProperties": {"type": "string"}},
                        {"type": "null"}
                    ]},
                    "payment_method_types": {"anyOf": [
                        {"type": "array", "items": {"type": "string"}},
                        {"type": "null"}
                    ]},
                    "automatic_payment_methods": {"anyOf": [
                        {"$ref": "#/$defs/AutomaticPaymentMethodsParams"},
                        {"type": "null"}
                    ]},
                    "off_session": {"anyOf": [
                        {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["one_off", "recurring"]}]},
                        {"type": "null"}
                    ]}
                }
            },
            "AutomaticPaymentMethodsParams": {
                "type": "object",
                "required": ["enabled"],
                "properties": {"enabled": {"type": "boolean"}}
            }
        }));
        let body = "amount=2000&currency=usd&confirm=false&metadata%5Border_id%5D=6735&metadata%5Bcount%5D=3\
                    &payment_method_types%5B0%5D=card&automatic_payment_methods%5Benabled%5D=true&off_session=one_off";
        let decoded = Value::Object(decode_form(body.as_bytes()));
        check_with(
            decoded,
            json!({"$ref": "#/$defs/CreatePaymentIntentParams"}),
            &defs,
            json!({
                "amount": 2000,
                "currency": "usd",
                "confirm": false,
                "metadata": {"order_id": "6735", "count": "3"},
                "payment_method_types": ["card"],
                "automatic_payment_methods": {"enabled": true},
                "off_session": "one_off"
            }),
        );
    }

    #[test]
    fn query_string_with_one_and_many_values() {
        let schema = json!({
            "type": "object",
            "properties": {
                "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                "labels": {"type": "array", "items": {"type": "string"}},
                "ids": {"type": "array", "items": {"type": "integer"}}
            }
        });
        let one = Value::Object(decode_form(b"limit=10&labels=bug&ids=7"));
        check(one, schema.clone(), json!({"limit": 10, "labels": ["bug"], "ids": [7]}));
        let many = Value::Object(decode_form(b"limit=ten&labels=bug&labels=ui&ids=7&ids=8"));
        check(many, schema.clone(), json!({"limit": "ten", "labels": ["bug", "ui"], "ids": [7, 8]}));
        let repeated_scalar = Value::Object(decode_form(b"limit=1&limit=2"));
        check(repeated_scalar, schema, json!({"limit": ["1", "2"]}));
    }

    /// Each row of OpenAPI's "Style Examples" table (query rows), as the runtime writes it,
    /// read back to the value it was written from.
    #[test]
    fn query_styles_read_back_the_openapi_examples() {
        let defs = Map::new();
        let array = json!({"type": "array", "items": {"type": "string"}});
        let object = json!({"type": "object", "properties": {"R": {"type": "integer"}, "G": {"type": "integer"}, "B": {"type": "integer"}}});
        let colors = json!(["blue", "black", "brown"]);
        let rgb = json!({"R": 100, "G": 200, "B": 150});
        let rows = [
            ("color=blue,black,brown", &array, (ParamStyle::Form, false), &colors),
            ("color=blue&color=black&color=brown", &array, (ParamStyle::Form, true), &colors),
            ("color=blue%20black%20brown", &array, (ParamStyle::SpaceDelimited, false), &colors),
            ("color=blue|black|brown", &array, (ParamStyle::PipeDelimited, false), &colors),
            ("color=R,100,G,200,B,150", &object, (ParamStyle::Form, false), &rgb),
            ("R=100&G=200&B=150", &object, (ParamStyle::Form, true), &rgb),
            ("color=R%20100%20G%20200%20B%20150", &object, (ParamStyle::SpaceDelimited, false), &rgb),
            ("color=R|100|G|200|B|150", &object, (ParamStyle::PipeDelimited, false), &rgb),
            ("color[R]=100&color[G]=200&color[B]=150", &object, (ParamStyle::DeepObject, true), &rgb),
        ];
        for (query, schema, style, expected) in rows {
            let form = decode_form(query.as_bytes());
            let read = query_param(query, &form, "color", schema, &defs, style, &[]).expect("present");
            assert_eq!(&coerce(read, schema, &defs), expected, "{query} as {style:?}");
        }
        assert_eq!(
            query_param("other=1", &decode_form(b"other=1"), "color", &array, &defs, (ParamStyle::Form, false), &[]),
            None
        );
    }

    #[test]
    fn separators_inside_values_stay_in_them() {
        let defs = Map::new();
        let array = json!({"type": "array", "items": {"type": "string"}});
        let query = "tags=a,b%2Cc&pipes=x|y%7Cz";
        let form = decode_form(query.as_bytes());
        let tags = query_param(query, &form, "tags", &array, &defs, (ParamStyle::Form, false), &[]);
        assert_eq!(tags, Some(json!(["a", "b,c"])));
        let pipes = query_param(query, &form, "pipes", &array, &defs, (ParamStyle::PipeDelimited, false), &[]);
        assert_eq!(pipes, Some(json!(["x", "y|z"])));
        // A client that encodes the separator too: split on its encoded form.
        let query = "pipes=x%7Cy";
        let form = decode_form(query.as_bytes());
        let pipes = query_param(query, &form, "pipes", &array, &defs, (ParamStyle::PipeDelimited, false), &[]);
        assert_eq!(pipes, Some(json!(["x", "y"])));
    }

    #[test]
    fn an_exploded_form_object_takes_its_properties_or_the_names_no_parameter_has() {
        let defs = Map::from_iter([(
            "Point".to_string(),
            json!({"type": "object", "properties": {"x": {"type": "integer"}}}),
        )]);
        let point = json!({"$ref": "#/$defs/Point"});
        let query = "x=1&limit=5";
        let form = decode_form(query.as_bytes());
        let read = query_param(query, &form, "point", &point, &defs, (ParamStyle::Form, true), &["point", "limit"]);
        assert_eq!(read.map(|v| coerce(v, &point, &defs)), Some(json!({"x": 1})));
        let map = json!({"type": "object", "additionalProperties": {"type": "string"}});
        let read = query_param(query, &form, "labels", &map, &defs, (ParamStyle::Form, true), &["labels", "limit"]);
        assert_eq!(read, Some(json!({"x": "1"})));
    }

    /// The path rows of the same table.
    #[test]
    fn path_styles_read_back_the_openapi_examples() {
        let defs = Map::new();
        let array = json!({"type": "array", "items": {"type": "string"}});
        let object = json!({"type": "object", "properties": {"R": {"type": "integer"}, "G": {"type": "integer"}, "B": {"type": "integer"}}});
        let string = json!({"type": "string"});
        let colors = json!(["blue", "black", "brown"]);
        let rgb = json!({"R": 100, "G": 200, "B": 150});
        let blue = json!("blue");
        let rows = [
            (";color=blue", &string, (ParamStyle::Matrix, false), &blue),
            (";color=blue,black,brown", &array, (ParamStyle::Matrix, false), &colors),
            (";color=blue;color=black;color=brown", &array, (ParamStyle::Matrix, true), &colors),
            (";color=R,100,G,200,B,150", &object, (ParamStyle::Matrix, false), &rgb),
            (";R=100;G=200;B=150", &object, (ParamStyle::Matrix, true), &rgb),
            (".blue", &string, (ParamStyle::Label, false), &blue),
            (".blue.black.brown", &array, (ParamStyle::Label, false), &colors),
            (".R.100.G.200.B.150", &object, (ParamStyle::Label, false), &rgb),
            (".R=100.G=200.B=150", &object, (ParamStyle::Label, true), &rgb),
            ("blue", &string, (ParamStyle::Simple, false), &blue),
            ("blue,black,brown", &array, (ParamStyle::Simple, false), &colors),
            ("R,100,G,200,B,150", &object, (ParamStyle::Simple, false), &rgb),
            ("R=100,G=200,B=150", &object, (ParamStyle::Simple, true), &rgb),
        ];
        for (raw, schema, style, expected) in rows {
            let read = path_param(raw, "color", schema, &defs, style);
            assert_eq!(&coerce(read, schema, &defs), expected, "{raw} as {style:?}");
        }
        // Percent-decoded after splitting: `a%2Fb` is one segment's text `a/b`.
        assert_eq!(path_param("a%2Fb", "id", &string, &defs, (ParamStyle::Simple, false)), json!("a/b"));
    }

    #[test]
    fn header_values_read_back_in_the_simple_style() {
        let defs = Map::new();
        let array = json!({"type": "array", "items": {"type": "string"}});
        let object = json!({"type": "object"});
        assert_eq!(header_param("blue, black,brown", &array, &defs, false), json!(["blue", "black", "brown"]));
        assert_eq!(header_param("R,100,G,200", &object, &defs, false), json!({"R": "100", "G": "200"}));
        assert_eq!(header_param("R=100,G=200", &object, &defs, true), json!({"R": "100", "G": "200"}));
        assert_eq!(header_param("a, b", &json!({"type": "string"}), &defs, false), json!("a, b"));
    }
}
