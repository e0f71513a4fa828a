//! Where nodes of a JSON document start, found for the few pointers something is reported at.
//! serde_json keeps no positions, and a position for every node of a 14 MB document costs
//! hundreds of megabytes; so one scan of the text follows the JSON pointer of each value and
//! records only those asked for. The text has already been read by serde_json, so the scan
//! trusts its shape (RFC 8259) and only has to find where each key and value starts.

use std::fmt::Write as _;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::diag::Location;

/// Where a node starts: its key (in an object) and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) key: Option<Location>,
    pub(crate) value: Location,
}

/// The nodes at `wanted` pointers (RFC 6901, `""` for the root) of the JSON `text`; a pointer
/// that names no node is not in the result.
pub(crate) fn locate(text: &str, wanted: &FxHashSet<String>) -> FxHashMap<String, Node> {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        line_start: 0,
        counted_to: 0,
        counted_chars: 0,
        found: FxHashMap::default(),
    };
    let mut pointer = String::new();
    // Each open collection: whether it is an object, the next index of an array, and the
    // length of the pointer of the collection itself.
    let mut stack: Vec<(bool, usize, usize)> = Vec::new();
    let mut key: Option<Location> = None;
    scan.skip_space();
    if wanted.contains("") {
        scan.record("", None, wanted);
    }
    loop {
        // At the start of a value whose pointer is `pointer`.
        match scan.peek() {
            Some(b'{') => {
                scan.at += 1;
                stack.push((true, 0, pointer.len()));
                if !scan.next_key(&mut pointer, &mut key, wanted) {
                    scan.at += 1;
                    stack.pop();
                    if !scan.after_value(&mut stack, &mut pointer, &mut key, wanted) {
                        break;
                    }
                }
                continue;
            }
            Some(b'[') => {
                scan.at += 1;
                stack.push((false, 0, pointer.len()));
                scan.skip_space();
                if scan.peek() == Some(b']') {
                    scan.at += 1;
                    stack.pop();
                    if !scan.after_value(&mut stack, &mut pointer, &mut key, wanted) {
                        break;
                    }
                } else {
                    pointer.push_str("/0");
                    scan.record(&pointer, None, wanted);
                }
                continue;
            }
            Some(b'"') => {
                scan.skip_string();
            }
            Some(_) => {
                while scan.peek().is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                    scan.at += 1;
                }
            }
            None => break,
        }
        if !scan.after_value(&mut stack, &mut pointer, &mut key, wanted) {
            break;
        }
    }
    scan.found
}

struct Scan<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    line: u32,
    line_start: usize,
    /// How far into the current line characters are counted (an offset), and how many: the
    /// scan moves forward, so a column costs the characters since the last one, and a whole
    /// document on one line (minified JSON of 20 MB) is counted once, not once per node.
    counted_to: usize,
    counted_chars: usize,
    found: FxHashMap<String, Node>,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b'\n' => {
                    self.line += 1;
                    self.line_start = self.at + 1;
                    self.counted_to = self.line_start;
                    self.counted_chars = 0;
                }
                b' ' | b'\t' | b'\r' => {}
                // A byte order mark is skipped as serde_json's caller did.
                _ if self.text[self.at..].starts_with('\u{feff}') => {
                    self.at += '\u{feff}'.len_utf8();
                    continue;
                }
                _ => return,
            }
            self.at += 1;
        }
    }

    /// The location of `offset`, on the current line and at or after the last offset located.
    fn location(&mut self, offset: usize) -> Location {
        if offset >= self.counted_to {
            self.counted_chars += self.text.get(self.counted_to..offset).map_or(0, |between| between.chars().count());
            self.counted_to = offset;
            Location { line: self.line, column: (self.counted_chars + 1) as u32, offset }
        } else {
            let column = self.text.get(self.line_start..offset).map_or(1, |before| before.chars().count() + 1);
            Location { line: self.line, column: column as u32, offset }
        }
    }

    /// Records the value starting here (after spaces) at `pointer`, if wanted.
    fn record(&mut self, pointer: &str, key: Option<Location>, wanted: &FxHashSet<String>) {
        let is_wanted = wanted.contains(pointer);
        self.record_if(is_wanted, pointer, key);
    }

    /// Records the value starting here (after spaces) at `pointer` when `is_wanted`.
    fn record_if(&mut self, is_wanted: bool, pointer: &str, key: Option<Location>) {
        self.skip_space();
        if is_wanted {
            let value = self.location(self.at);
            self.found.insert(pointer.to_string(), Node { key, value });
        }
    }

    /// Skips a string starting at its opening quote; returns its raw text between the quotes.
    fn skip_string(&mut self) -> &str {
        let start = self.at + 1;
        self.at += 1;
        while let Some(byte) = self.peek() {
            match byte {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        let raw = self.text.get(start..self.at.min(self.bytes.len())).unwrap_or_default();
        self.at += 1;
        raw
    }

    /// In an object, after `{` or `,`: reads the next key and its colon, pushing the key onto
    /// `pointer` and recording the value; false at `}` (not consumed).
    fn next_key(&mut self, pointer: &mut String, key: &mut Option<Location>, wanted: &FxHashSet<String>) -> bool {
        self.skip_space();
        if self.peek() != Some(b'"') {
            return false;
        }
        // Located only when wanted: counting the columns of every key is the cost to avoid.
        let (key_line, key_line_start, key_offset) = (self.line, self.line_start, self.at);
        let raw = self.skip_string();
        pointer.push('/');
        if raw.contains('\\') {
            let name = serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string());
            crate::diag::push_pointer_segment(pointer, &name);
        } else {
            crate::diag::push_pointer_segment(pointer, raw);
        }
        self.skip_space();
        if self.peek() == Some(b':') {
            self.at += 1;
        }
        *key = None;
        let is_wanted = wanted.contains(pointer.as_str());
        if is_wanted {
            let key_location = if self.line == key_line {
                self.location(key_offset)
            } else {
                // A line break between the key and its colon: count on the key's own line.
                let column = self.text.get(key_line_start..key_offset).map_or(1, |before| before.chars().count() + 1);
                Location { line: key_line, column: column as u32, offset: key_offset }
            };
            *key = Some(key_location);
        }
        self.record_if(is_wanted, pointer, *key);
        true
    }

    /// After a value: moves to the next member or item (its pointer recorded), closing the
    /// collections that end here; false at the end of the document.
    fn after_value(
        &mut self,
        stack: &mut Vec<(bool, usize, usize)>,
        pointer: &mut String,
        key: &mut Option<Location>,
        wanted: &FxHashSet<String>,
    ) -> bool {
        loop {
            self.skip_space();
            let Some(&(object, index, parent)) = stack.last() else { return false };
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    pointer.truncate(parent);
                    if object {
                        if self.next_key(pointer, key, wanted) {
                            return true;
                        }
                        // A trailing comma serde_json would have refused: close the object.
                        continue;
                    }
                    let next = index + 1;
                    if let Some(top) = stack.last_mut() {
                        top.1 = next;
                    }
                    // Writing into a `String` cannot fail.
                    let _ = write!(pointer, "/{next}");
                    self.record(pointer, None, wanted);
                    return true;
                }
                Some(b'}' | b']') => {
                    self.at += 1;
                    stack.pop();
                    pointer.truncate(parent);
                }
                _ => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_nodes_are_located_at_their_keys_and_values() {
        let text = "{\n  \"a\": {\"b/c\": [1, {\"d\": \"x,}]\\\"\"}, []]},\n   \"é\": true, \"e\": {}\n}\n";
        let wanted: FxHashSet<String> =
            ["", "/a", "/a/b~1c/1/d", "/a/b~1c/2", "/é", "/e", "/nope"].iter().map(|s| s.to_string()).collect();
        let found = locate(text, &wanted);
        let at = |pointer: &str| found.get(pointer).map(|node| (node.value.line, node.value.column));
        assert_eq!(at(""), Some((1, 1)));
        assert_eq!(at("/a"), Some((2, 8)));
        assert_eq!(at("/a/b~1c/1/d"), Some((2, 26)));
        assert_eq!(at("/a/b~1c/2"), Some((2, 37)));
        assert_eq!(at("/é"), Some((3, 9)));
        assert_eq!(found.get("/é").and_then(|node| node.key).map(|k| (k.line, k.column)), Some((3, 4)));
        assert_eq!(at("/e"), Some((3, 20)));
        assert_eq!(at("/nope"), None);
        // Every location is the offset of its line and column.
        for node in found.values() {
            assert_eq!(crate::spec::yaml::location_at(text, node.value.offset), node.value);
        }
    }

    /// Every pointer of a value, the root's included.
    fn pointers(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match value {
            serde_json::Value::Object(object) => {
                for (key, child) in object {
                    pointers(child, format!("{at}/{}", super::super::escape(key)), out);
                }
            }
            serde_json::Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    pointers(child, format!("{at}/{index}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn keys_and_scalars_are_where_the_yaml_reader_puts_them() {
        // JSON is YAML: the event pass that locates YAML nodes agrees on every key and scalar.
        let text = "{\"openapi\": \"3.1.0\",\n \"paths\": {\"/a~b\": {\"get\": {\"tags\": [\"x\", \"y\"], \"n\": -1.5e3,\n\t\"ok\": null, \"t\": true}}},\n \"x-\\u00e9\\\"\": [[], {}, [1, [2]]],\n \"z\": \"\u{1F600}\\n\"\n}";
        let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
        let mut all = Vec::new();
        pointers(&value, String::new(), &mut all);
        let (_, positions) = crate::spec::yaml::parse(text).expect("JSON is YAML");
        let found = locate(text, &all.iter().cloned().collect());
        assert_eq!(found.len(), all.len());
        for pointer in &all {
            let node = found[pointer];
            let collection = matches!(text.as_bytes()[node.value.offset], b'{' | b'[');
            if !collection {
                assert_eq!(Some(node.value), positions.value(pointer), "{pointer}");
            }
            if let Some(key) = node.key {
                assert_eq!(Some(key), positions.key(pointer), "{pointer}");
            }
        }
    }
}
