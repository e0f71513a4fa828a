//! The mutation engine: byte-level edits (flips, interesting bytes, splices, dictionary
//! tokens, line edits) and structural edits of parsed JSON values (replace, delete, rename,
//! graft a subtree of another seed, wrap in nesting), all driven by one seeded
//! [`fastrand::Rng`], so an input is a pure function of the seed.

use fastrand::Rng;
use serde_json::{Map, Number, Value};

/// Bytes that matter to YAML, JSON, form encoding and header parsing.
const INTERESTING_BYTES: &[u8] = b"\0\x01\x7f\xff\xfe\t\n\r :-[]{}\"'&*!|>#%,?@`=+.~\\/{}";

/// Numbers at the edges of what parsers and converters handle.
const INTERESTING_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1e309",
    "-1e309",
    "1.0e-400",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "4294967296",
    "1.5",
    "NaN",
    ".inf",
    "-.inf",
    "0x10",
    "0o17",
    "1_000",
    "99999999999999999999999999999",
];

/// Text that stresses names, file paths and rendering.
const INTERESTING_TEXT: &[&str] = &[
    "",
    " ",
    "\u{feff}",
    "\u{202e}rtl",
    "😀",
    "é",
    "\u{0}",
    "../../etc/passwd",
    "/",
    "a/b",
    "C:\\x",
    "docs",
    "index",
    "src",
    "self",
    "Self",
    "crate",
    "super",
    "type",
    "r#type",
    "_",
    "__",
    "foo__bar",
    "foo_bar",
    "1abc",
    "CON",
    "null",
    "~",
    "{id}",
    "{{",
    "}}",
    "{% raw %}",
    "{{ ir }}",
    "*/",
    "/*",
    "\"",
    "\\",
    "`",
    "<script>",
    "[link](#x)",
    "%00",
    "%ZZ",
];

/// A seeded source of random choices with the helpers the targets share.
pub struct Dice {
    /// The generator; every choice comes from it.
    pub rng: Rng,
    /// Index of the input being made.
    pub index: u64,
}

impl Dice {
    /// A generator for input `index` of a run with `seed`: inputs do not depend on each
    /// other, so any one of them can be made again from the seed and its index alone.
    pub fn for_input(seed: u64, index: u64) -> Dice {
        // SplitMix64 of (seed, index): well-spread seeds for neighbouring indices.
        let mut z = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0xD1B5_4A32_D192_ED03);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Dice { rng: Rng::with_seed(z ^ (z >> 31)), index }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(0..100) < percent
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(0..items.len())]
    }

    /// A count skewed towards small values: 1 to `max`.
    pub fn small(&mut self, max: usize) -> usize {
        let max = max.max(1);
        let a = self.rng.usize(1..=max);
        let b = self.rng.usize(1..=max);
        a.min(b)
    }

    /// Random text: interesting words, dictionary words, or random characters.
    pub fn text(&mut self, dictionary: &[&str]) -> String {
        match self.rng.u32(0..6) {
            0 => (*self.pick(INTERESTING_TEXT)).to_string(),
            1 | 2 if !dictionary.is_empty() => (*self.pick(dictionary)).to_string(),
            3 => {
                let length = self.small(40);
                (0..length).map(|_| self.rng.alphanumeric()).collect()
            }
            4 => {
                let length = self.small(12);
                (0..length).map(|_| self.rng.char(..)).collect()
            }
            _ => {
                let length = if self.chance(5) { 300 + self.rng.usize(0..10_000) } else { self.small(30) };
                (0..length).map(|_| self.rng.lowercase()).collect()
            }
        }
    }

    /// A random JSON scalar or small container.
    pub fn value(&mut self, dictionary: &[&str], depth: usize) -> Value {
        match self.rng.u32(0..10) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.bool()),
            2 => Value::Number(Number::from(self.rng.i64(..))),
            3 => Number::from_f64(self.rng.f64() * 1e6).map_or(Value::Null, Value::Number),
            4 => {
                let number: &str = self.pick::<&str>(INTERESTING_NUMBERS);
                serde_json::from_str::<Value>(number).unwrap_or(Value::Null)
            }
            5 if depth < 4 => {
                let length = self.small(4);
                Value::Array((0..length).map(|_| self.value(dictionary, depth + 1)).collect())
            }
            6 if depth < 4 => {
                let length = self.small(4);
                let mut map = Map::new();
                for _ in 0..length {
                    let key = self.text(dictionary);
                    let value = self.value(dictionary, depth + 1);
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            _ => Value::String(self.text(dictionary)),
        }
    }
}

/// Applies 1 to `max_edits` byte-level edits to `data`. `others` are the other seeds, for
/// splices; `dictionary` the target's keywords; `nesting_cap` the deepest run of brackets or
/// dashes an edit may insert.
pub fn mutate_bytes(
    dice: &mut Dice,
    data: &mut Vec<u8>,
    dictionary: &[&str],
    others: &[&[u8]],
    max_edits: usize,
    nesting_cap: usize,
) {
    let edits = dice.small(max_edits);
    for _ in 0..edits {
        let length = data.len();
        let at = if length == 0 { 0 } else { dice.rng.usize(0..=length) };
        match dice.rng.u32(0..16) {
            0 if length > 0 => {
                let at = at.min(length - 1);
                data[at] ^= 1 << dice.rng.u32(0..8);
            }
            1 if length > 0 => {
                let at = at.min(length - 1);
                data[at] = *dice.pick(INTERESTING_BYTES);
            }
            2 => data.insert(at, *dice.pick(INTERESTING_BYTES)),
            3 | 4 if !dictionary.is_empty() => {
                let token = *dice.pick(dictionary);
                let token = match dice.rng.u32(0..4) {
                    0 => format!("{token}: "),
                    1 => format!("\n{token}: "),
                    2 => format!("{token}\n"),
                    _ => token.to_string(),
                };
                data.splice(at..at, token.bytes());
            }
            5 if length > 0 => {
                let end = (at + dice.small(64)).min(length);
                data.drain(at.min(end)..end);
            }
            6 if length > 0 => {
                let start = at.min(length - 1);
                let end = (start + dice.small(256)).min(length);
                let chunk = data[start..end].to_vec();
                let to = dice.rng.usize(0..=data.len());
                data.splice(to..to, chunk);
            }
            7 if !others.is_empty() => {
                let other = *dice.pick(others);
                if !other.is_empty() {
                    let start = dice.rng.usize(0..other.len());
                    let end = (start + dice.small(512)).min(other.len());
                    data.splice(at..at, other[start..end].iter().copied());
                }
            }
            8 => {
                // A whole line of another seed, or this one, at a line start.
                let source: &[u8] = if !others.is_empty() && dice.rng.bool() {
                    let other: &[u8] = dice.pick::<&[u8]>(others);
                    other
                } else {
                    data
                };
                let lines: Vec<&[u8]> = source.split(|b| *b == b'\n').collect();
                let line = dice.pick(&lines).to_vec();
                let at = line_start(data, at);
                let mut inserted = line;
                inserted.push(b'\n');
                data.splice(at..at, inserted);
            }
            9 => {
                // Indentation of one line changed.
                let start = line_start(data, at);
                if dice.rng.bool() {
                    let spaces = dice.small(4);
                    data.splice(start..start, std::iter::repeat_n(b' ', spaces));
                } else {
                    let spaces = data[start..].iter().take_while(|b| **b == b' ').count().min(dice.small(4));
                    data.drain(start..start + spaces);
                }
            }
            10 => {
                let number = *dice.pick(INTERESTING_NUMBERS);
                data.splice(at..at, number.bytes());
            }
            11 if length > 0 => data.truncate(at),
            12 => {
                let depth = dice.rng.usize(1..=nesting_cap.max(1));
                let (open, close): (&[u8], &[u8]) = match dice.rng.u32(0..3) {
                    0 => (b"[", b"]"),
                    1 => (b"{a: ", b"}"),
                    _ => (b"- ", b""),
                };
                let mut nested = open.repeat(depth);
                nested.extend(close.repeat(depth));
                data.splice(at..at, nested);
            }
            13 => {
                let text = dice.text(dictionary);
                data.splice(at..at, text.into_bytes());
            }
            14 if length > 0 => {
                // Swap two lines.
                let text = std::mem::take(data);
                let mut lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
                let a = dice.rng.usize(0..lines.len());
                let b = dice.rng.usize(0..lines.len());
                lines.swap(a, b);
                *data = lines.join(&b'\n');
            }
            _ => {
                let bytes = [dice.rng.u8(..), dice.rng.u8(..)];
                data.splice(at..at, bytes.iter().copied().take(dice.small(2)));
            }
        }
    }
}

fn line_start(data: &[u8], at: usize) -> usize {
    data[..at.min(data.len())].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1)
}

/// Applies 1 to `max_edits` structural edits to `value`: a random walk picks a node, which is
/// replaced, deleted, renamed, wrapped in nesting, or replaced by a subtree of a donor.
pub fn mutate_value(
    dice: &mut Dice,
    value: &mut Value,
    dictionary: &[&str],
    donors: &[&Value],
    max_edits: usize,
    nesting_cap: usize,
) {
    let edits = dice.small(max_edits);
    for _ in 0..edits {
        if nodes_up_to(value, MAX_NODES) >= MAX_NODES {
            break;
        }
        let operation = dice.rng.u32(0..9);
        let graft = if donors.is_empty() {
            None
        } else {
            let donor = dice_pick_value(dice, donors);
            Some(random_node(dice, donor).clone())
        };
        let node = random_node_mut(dice, value);
        match operation {
            0 => *node = dice.value(dictionary, 0),
            1 => {
                if let Some(graft) = graft {
                    *node = graft;
                }
            }
            2 => match node {
                Value::Object(map) if !map.is_empty() => {
                    let index = dice.rng.usize(0..map.len());
                    let key = map.keys().nth(index).cloned().unwrap_or_default();
                    map.shift_remove(&key);
                }
                Value::Array(items) if !items.is_empty() => {
                    let index = dice.rng.usize(0..items.len());
                    items.remove(index);
                }
                _ => *node = Value::Null,
            },
            3 => match node {
                Value::Object(map) => {
                    let key = dice.text(dictionary);
                    let child = graft.unwrap_or_else(|| dice.value(dictionary, 0));
                    map.insert(key, child);
                }
                Value::Array(items) => {
                    let child = graft.unwrap_or_else(|| dice.value(dictionary, 0));
                    let at = dice.rng.usize(0..=items.len());
                    items.insert(at, child);
                }
                _ => *node = dice.value(dictionary, 0),
            },
            4 => {
                if let Value::Object(map) = node
                    && !map.is_empty()
                {
                    // Rename a key, keeping its place.
                    let index = dice.rng.usize(0..map.len());
                    let new_key = dice.text(dictionary);
                    let renamed: Map<String, Value> = std::mem::take(map)
                        .into_iter()
                        .enumerate()
                        .map(|(i, (key, child))| (if i == index { new_key.clone() } else { key }, child))
                        .collect();
                    *map = renamed;
                }
            }
            5 => {
                let depth = dice.small(nesting_cap.clamp(1, VALUE_NESTING_CAP));
                let mut wrapped = std::mem::take(node);
                for _ in 0..depth {
                    wrapped = if dice.rng.bool() {
                        Value::Array(vec![wrapped])
                    } else {
                        let mut map = Map::new();
                        map.insert((*dice.pick(dictionary)).to_string(), wrapped);
                        Value::Object(map)
                    };
                }
                *node = wrapped;
            }
            6 => {
                // The same shape, another scalar type.
                *node = match node {
                    Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Bool(true)),
                    Value::Number(number) => Value::String(number.to_string()),
                    Value::Bool(flag) => Value::String(flag.to_string()),
                    Value::Null => Value::String(String::new()),
                    Value::Array(items) => items.first().cloned().unwrap_or(Value::Null),
                    Value::Object(map) => Value::Array(map.values().cloned().collect()),
                };
            }
            7 => {
                // Duplicate a child many times (wide rather than deep), within the budget:
                // copies of copies would otherwise grow without bound (5 GB was seen).
                if let Value::Array(items) = node
                    && let Some(first) = items.first().cloned()
                {
                    let each = nodes_up_to(&first, MAX_NODES).max(1);
                    let copies = dice.small(200).min(MAX_NODES / each);
                    items.extend(std::iter::repeat_n(first, copies));
                }
            }
            _ => {
                if let Value::String(text) = node {
                    let token = dice.text(dictionary);
                    let at = floor_char_boundary(text, dice.rng.usize(0..=text.len()));
                    text.insert_str(at, &token);
                } else {
                    *node = Value::String(dice.text(dictionary));
                }
            }
        }
    }
}

/// Most JSON nodes a mutated value may grow to before edits stop.
const MAX_NODES: usize = 200_000;

/// The number of nodes of `value`, counting stops at `cap`.
fn nodes_up_to(value: &Value, cap: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        count += 1;
        if count >= cap {
            return cap;
        }
        match value {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    count
}

fn dice_pick_value<'v>(dice: &mut Dice, donors: &[&'v Value]) -> &'v Value {
    donors[dice.rng.usize(0..donors.len())]
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A node reached by a random walk from the root (each step stops with 30% chance).
pub fn random_node<'v>(dice: &mut Dice, mut value: &'v Value) -> &'v Value {
    loop {
        if dice.chance(30) {
            return value;
        }
        let next = match value {
            Value::Object(map) if !map.is_empty() => map.values().nth(dice.rng.usize(0..map.len())),
            Value::Array(items) if !items.is_empty() => items.get(dice.rng.usize(0..items.len())),
            _ => None,
        };
        match next {
            Some(next) => value = next,
            None => return value,
        }
    }
}

/// As [`random_node`], mutable.
pub fn random_node_mut<'v>(dice: &mut Dice, value: &'v mut Value) -> &'v mut Value {
    let mut path = Vec::new();
    {
        let mut current: &Value = value;
        loop {
            if dice.chance(30) {
                break;
            }
            let next = match current {
                Value::Object(map) if !map.is_empty() => {
                    let index = dice.rng.usize(0..map.len());
                    path.push(index);
                    map.values().nth(index)
                }
                Value::Array(items) if !items.is_empty() => {
                    let index = dice.rng.usize(0..items.len());
                    path.push(index);
                    items.get(index)
                }
                _ => None,
            };
            match next {
                Some(next) => current = next,
                None => break,
            }
        }
    }
    let mut current = value;
    for index in path {
        current = match current {
            Value::Object(map) => map.values_mut().nth(index).expect("walked before"),
            Value::Array(items) => &mut items[index],
            _ => unreachable!("the walk only descends into containers"),
        };
    }
    current
}

/// Deepest wrapping of a parsed value: the runner's own serde_json values are printed and
/// dropped recursively, so a value 100,000 deep would overflow the runner's stack before any
/// input ran. Deeper nesting still comes from the byte-level mutation, as text.
pub const VALUE_NESTING_CAP: usize = 300;
