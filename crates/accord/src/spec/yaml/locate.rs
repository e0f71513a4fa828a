//! Where a few nodes of a block-style YAML text are, read from its lines: an OpenAPI
//! document's warnings are located so instead of by the event pass, which builds the position
//! of every node (Stripe's 4 MB description has 99k nodes; building their positions was about
//! a tenth of `accord generate`'s CPU time on it; issue 22).
//!
//! Only a text the value was read from without error, without aliases, duplicate keys or a
//! second document, and in which no quoted scalar or flow collection goes on past a line
//! ([`super::limits::Scan::flow_spans_lines`]) is read so. There every `\n`-ended line is block
//! structure, the content of a block scalar or the continuation of a plain scalar, and the
//! last two are indented more than the mapping they are in (YAML 1.2 §8.1.1.1 and §7.3.3;
//! libyaml ends a block scalar or a plain scalar at a line indented no more). So a line at a
//! block mapping's indentation, between its first key and the first line indented less, holds
//! one of its keys (or, after `-`, an item of a list that is the value of the key before).
//!
//! A key is read when written plain (`name:`) or quoted on its line without a `\` escape;
//! whatever the walk cannot read for certain (an explicit or escaped key, a tag, an anchor, a
//! block scalar with an indentation indicator, an empty value, a list in a list, the inside
//! of a flow collection, a node that is not there) is [`None`], for the caller to ask the
//! event pass. What the walk does give is what the event pass gives: a collection at its key
//! (a mapping in a list, which has none, at the `:` after its first key), a scalar at its
//! first character (a block scalar's at its content) and its key apart (`tests` compares the
//! two over every node of the corpus's YAML documents and over texts made at random).

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::{array_index, unescape};
use crate::diag::Location;

/// A node's key location (for a scalar in a mapping; a collection is located at its key, so
/// it has none apart) and its value location.
pub(super) type Located = (Option<Location>, Location);

/// The lines of one text, and the keys and items of the collections read so far.
pub(super) struct Walker<'a> {
    text: &'a str,
    /// The byte offset of each line's start.
    starts: Vec<usize>,
    /// The keys of each block mapping read, by the (line, byte column) of its first key: the
    /// line of each key (written at that column). `None`: a line the walk cannot read.
    mappings: FxHashMap<(usize, usize), Option<Keys<'a>>>,
    /// The lines of the items of each block list read, by the (line, byte column) of its
    /// first `-`.
    lists: FxHashMap<(usize, usize), Vec<usize>>,
}

/// The keys of one block mapping, each with the line it is written on.
type Keys<'a> = FxHashMap<Cow<'a, str>, usize>;

/// A collection the walk is in.
#[derive(Clone, Copy)]
enum Node {
    /// A block mapping whose first key is at (line, byte column) and whose other keys are the
    /// lines below indented to that column.
    Mapping(usize, usize),
    /// A block list whose first `-` is at (line, byte column).
    List(usize, usize),
}

impl<'a> Walker<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let starts =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|index| index + 1)).collect();
        Walker { text, starts, mappings: FxHashMap::default(), lists: FxHashMap::default() }
    }

    /// Line `index` without its line break (`\r\n` or `\n`).
    fn line(&self, index: usize) -> &'a str {
        let start = self.starts[index];
        let end = self.starts.get(index + 1).map_or(self.text.len(), |next| next - 1);
        let line = &self.text[start..end];
        line.strip_suffix('\r').unwrap_or(line)
    }

    fn location(&self, line: usize, column: usize) -> Location {
        let text = self.line(line);
        Location {
            line: line as u32 + 1,
            column: text[..column].chars().count() as u32 + 1,
            offset: self.starts[line] + column,
        }
    }

    /// The indentation (leading spaces) of line `index`, or `None` for a line of blanks or a
    /// comment alone, which no structure depends on.
    fn indent(&self, index: usize) -> Option<usize> {
        let line = self.line(index);
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line[indent..].trim_start_matches([' ', '\t']);
        (!rest.is_empty() && !rest.starts_with('#')).then_some(indent)
    }

    /// The next line after `index` that is not blank or a comment, with its indentation.
    fn next_content(&self, index: usize) -> Option<(usize, usize)> {
        (index + 1..self.starts.len()).find_map(|line| Some((line, self.indent(line)?)))
    }

    /// A mapping entry written `key: value` or `key:` from byte `column` of line `index`, the
    /// key plain or quoted on one line (without `\` escapes): the key, the byte of its `:`,
    /// and the byte where the value starts (the line's end, or a comment, when the value is on
    /// the lines below).
    fn entry(&self, index: usize, column: usize) -> Option<Entry<'a>> {
        let line = self.line(index);
        let rest = line.get(column..)?;
        let bytes = rest.as_bytes();
        let (key, colon) = match bytes.first()? {
            b'\'' | b'"' => {
                let (key, length) = quoted(rest)?;
                // The `:` follows the closing quote, blanks between allowed.
                let after = &rest[length..];
                let colon = length + after.len() - after.trim_start_matches([' ', '\t']).len();
                if bytes.get(colon) != Some(&b':')
                    || bytes.get(colon + 1).is_some_and(|&next| next != b' ' && next != b'\t')
                {
                    return None;
                }
                (key, colon)
            }
            _ => {
                if !plain_start(bytes) || (column == 0 && (rest.starts_with("---") || rest.starts_with("..."))) {
                    return None;
                }
                // A plain key ends at the first `:` followed by a blank or the line's end; a
                // `#` after a blank before it starts a comment, so the line holds no key.
                let mut colon = None;
                for (at, &byte) in bytes.iter().enumerate() {
                    match byte {
                        b':' if bytes.get(at + 1).is_none_or(|&next| next == b' ' || next == b'\t') => {
                            colon = Some(at);
                            break;
                        }
                        b'#' if at > 0 && matches!(bytes[at - 1], b' ' | b'\t') => return None,
                        _ => {}
                    }
                }
                let colon = colon?;
                (Cow::Borrowed(rest[..colon].trim_end_matches([' ', '\t'])), colon)
            }
        };
        let after = column + colon + 1;
        let value = &line[after..];
        Some(Entry {
            key,
            colon: column + colon,
            value: after + value.len() - value.trim_start_matches([' ', '\t']).len(),
        })
    }

    /// The line of each key of the mapping whose first key is at (`line`, `column`).
    fn keys(&mut self, line: usize, column: usize) -> Option<&Keys<'a>> {
        if !self.mappings.contains_key(&(line, column)) {
            let keys = self.read_keys(line, column);
            self.mappings.insert((line, column), keys);
        }
        self.mappings.get(&(line, column))?.as_ref()
    }

    fn read_keys(&self, first: usize, column: usize) -> Option<Keys<'a>> {
        let mut keys = FxHashMap::default();
        keys.insert(self.entry(first, column)?.key, first);
        for index in first + 1..self.starts.len() {
            let Some(indent) = self.indent(index) else { continue };
            if indent > column {
                continue;
            }
            if indent < column {
                break;
            }
            // An item of a list at the mapping's own indentation: the value of the key before.
            if is_item(&self.line(index)[indent..]) {
                continue;
            }
            if keys.insert(self.entry(index, column)?.key, index).is_some() {
                return None;
            }
        }
        Some(keys)
    }

    /// The line of each item of the list whose first `-` is at (`line`, `column`).
    fn items(&mut self, line: usize, column: usize) -> &[usize] {
        if !self.lists.contains_key(&(line, column)) {
            let mut items = vec![line];
            for index in line + 1..self.starts.len() {
                let Some(indent) = self.indent(index) else { continue };
                if indent > column {
                    continue;
                }
                if indent < column || !is_item(&self.line(index)[indent..]) {
                    break;
                }
                items.push(index);
            }
            self.lists.insert((line, column), items);
        }
        &self.lists[&(line, column)]
    }

    /// Where the content of the block scalar whose header ends line `index` starts: the first
    /// character of its first line that is not blank, if indented more than `column` (the
    /// key's); `None` for an empty scalar.
    fn block_content(&self, index: usize, column: usize) -> Option<Location> {
        let (line, indent) = (index + 1..self.starts.len()).find_map(|line| {
            let text = self.line(line);
            let indent = text.len() - text.trim_start_matches(' ').len();
            (!text[indent..].trim_start_matches([' ', '\t']).is_empty()).then_some((line, indent))
        })?;
        (indent > column && !self.line(line)[indent..].starts_with('\t')).then(|| self.location(line, indent))
    }

    /// The root: a block mapping whose first key starts a line at column 1, after blank and
    /// comment lines and a `---` line alone.
    fn root(&self) -> Option<Node> {
        // A byte order mark is not text of the first line's key.
        if self.text.starts_with('\u{feff}') {
            return None;
        }
        let (mut first, mut indent) = (0, self.indent(0));
        if indent.is_none() {
            (first, indent) = self.next_content(0).map(|(line, indent)| (line, Some(indent)))?;
        }
        if self.line(first).trim_end_matches([' ', '\t']) == "---" {
            (first, indent) = self.next_content(first).map(|(line, indent)| (line, Some(indent)))?;
        }
        (indent == Some(0) && self.entry(first, 0).is_some()).then_some(Node::Mapping(first, 0))
    }

    /// Where the node at `pointer` (RFC 6901) is, as the event pass locates it, or `None`
    /// where the walk cannot tell for certain.
    pub(super) fn locate(&mut self, pointer: &str) -> Option<Located> {
        let mut node = self.root()?;
        if pointer.is_empty() {
            // The root mapping, located at the top of the text as the event pass locates it.
            return Some((None, Location { line: 1, column: 1, offset: 0 }));
        }
        let mut segments = pointer.strip_prefix('/')?.split('/').peekable();
        while let Some(segment) = segments.next() {
            let last = segments.peek().is_none();
            let (line, column) = match node {
                Node::Mapping(line, column) => {
                    let key = unescape(segment);
                    let line_of_key = *self.keys(line, column)?.get(key.as_ref())?;
                    (line_of_key, column)
                }
                Node::List(line, column) => {
                    let line_of_item = *self.items(line, column).get(array_index(segment)?)?;
                    let after_dash = &self.line(line_of_item)[column + 1..];
                    let content = column + 1 + after_dash.len() - after_dash.trim_start_matches([' ', '\t']).len();
                    let rest = &self.line(line_of_item)[content..];
                    if rest.is_empty() || rest.starts_with('#') || is_item(rest) {
                        return None;
                    }
                    if let Some(entry) = self.entry(line_of_item, content) {
                        // A mapping in a list has no key to be located at: the event pass
                        // locates it where its start is marked, after its first key.
                        if last {
                            return Some((None, self.location(line_of_item, entry.colon)));
                        }
                        node = Node::Mapping(line_of_item, content);
                        continue;
                    }
                    if !last || !scalar_start(rest.as_bytes()) {
                        return None;
                    }
                    return Some((None, self.location(line_of_item, content)));
                }
            };
            // The entry of `segment`, its key at (line, column).
            let key = self.location(line, column);
            let value_at = self.entry(line, column)?.value;
            let value = &self.line(line)[value_at..];
            if !value.is_empty() && !value.starts_with('#') {
                let bytes = value.as_bytes();
                return match bytes[0] {
                    // A flow collection, located at its key like any collection; the walk
                    // does not go inside one.
                    b'[' | b'{' if last => Some((None, key)),
                    // A block scalar: located where its content starts (the walk does not
                    // read an indentation indicator, which moves that start).
                    b'|' | b'>'
                        if last
                            && !value.bytes().take_while(|&byte| byte != b'#').any(|byte| byte.is_ascii_digit()) =>
                    {
                        Some((Some(key), self.block_content(line, column)?))
                    }
                    _ if last && scalar_start(bytes) => Some((Some(key), self.location(line, value_at))),
                    _ => None,
                };
            }
            // The value is on the lines below: a block mapping or list, located at its key.
            let (below, indent) = self.next_content(line)?;
            let rest = &self.line(below)[indent..];
            let child = if is_item(rest) && indent >= column {
                Node::List(below, indent)
            } else if indent > column && self.entry(below, indent).is_some() {
                Node::Mapping(below, indent)
            } else {
                return None;
            };
            if last {
                return Some((None, key));
            }
            node = child;
        }
        None
    }
}

/// A mapping entry read from a line ([`Walker::entry`]).
struct Entry<'a> {
    key: Cow<'a, str>,
    /// The byte of the line where the `:` after the key is.
    colon: usize,
    /// The byte of the line where the value starts.
    value: usize,
}

/// The text of the quoted scalar that starts `rest`, if it ends on this line, and its length
/// with the quotes: `''` is `'` in single quotes; a `\\` escape in double quotes is not read.
fn quoted(rest: &str) -> Option<(Cow<'_, str>, usize)> {
    let quote = rest.as_bytes()[0];
    let body = &rest[1..];
    if quote == b'"' {
        let end = body.find(['"', '\\'])?;
        return (body.as_bytes()[end] == b'"').then(|| (Cow::Borrowed(&body[..end]), end + 2));
    }
    let mut text = String::new();
    let mut from = 0;
    loop {
        let end = from + body[from..].find('\'')?;
        text.push_str(&body[from..end]);
        if body[end + 1..].starts_with('\'') {
            text.push('\'');
            from = end + 2;
        } else {
            return Some((Cow::Owned(text), end + 2));
        }
    }
}

/// Whether `rest` starts a block list item: `-` then a blank or the line's end.
fn is_item(rest: &str) -> bool {
    rest.strip_prefix('-').is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t']))
}

/// Whether `bytes` start a plain scalar (YAML 1.2 §7.3.3): not an indicator, but `-`, `?`
/// and `:` followed by a character that is not blank.
fn plain_start(bytes: &[u8]) -> bool {
    match bytes.first() {
        None => false,
        Some(b'-' | b'?' | b':') => bytes.get(1).is_some_and(|&next| next != b' ' && next != b'\t'),
        Some(
            b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"'
            | b'%' | b'@' | b'`',
        ) => false,
        Some(_) => true,
    }
}

/// Whether `bytes` start a scalar the walk locates: plain, or quoted (at its quote).
fn scalar_start(bytes: &[u8]) -> bool {
    plain_start(bytes) || matches!(bytes.first(), Some(b'"' | b'\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Locates every node of `text` by its lines and compares each answer with the event
    /// pass's; returns how many nodes the lines told, of how many.
    fn compare(name: &str, text: &str) -> (usize, usize) {
        let positions = super::super::events(text).positions;
        let mut pointers: Vec<&String> = positions.nodes.keys().collect();
        pointers.sort();
        let mut walker = Walker::new(text);
        let mut told = 0;
        let mut wrong = Vec::new();
        for pointer in &pointers {
            let Some(located) = walker.locate(pointer) else { continue };
            told += 1;
            let value = positions.value(pointer).expect("a node of the pass");
            let expected = (positions.key(pointer).filter(|key| *key != value), value);
            if located != expected {
                wrong.push(format!("{pointer}: lines {located:?}, events {expected:?}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "{name}: {} of {told} differ, the first: {:#?}",
            wrong.len(),
            &wrong[..wrong.len().min(5)]
        );
        (told, pointers.len())
    }

    /// Whether the walk may read `text` ([`super::super::parse_deferred`]'s conditions).
    fn readable(text: &str) -> bool {
        let scan = super::super::limits::scan(text);
        scan.too_deep.is_none() && !scan.may_have_aliases && !scan.may_be_deep && !scan.flow_spans_lines
    }

    #[test]
    fn the_lines_locate_each_node_where_the_event_pass_does_in_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
        let mut files = Vec::new();
        let mut folders = vec![root.join("shared/corpus"), root.join("main/specs")];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            for entry in entries {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|extension| extension == "yaml" || extension == "yml") {
                    files.push(path);
                }
            }
        }
        files.sort();
        let (mut read, mut told, mut total) = (0, 0, 0);
        let mut stripe = None;
        for path in &files {
            let text = std::fs::read_to_string(path).expect("UTF-8");
            if !readable(&text) {
                continue;
            }
            read += 1;
            let (file_told, file_total) = compare(&path.display().to_string(), &text);
            if path.ends_with("stripe-spec3.2023-09-12.yaml") {
                stripe = Some((file_told, file_total));
            }
            told += file_told;
            total += file_total;
        }
        // The walk is of use: it reads most documents and tells most of their nodes.
        assert!(read * 2 > files.len(), "{read} of {} files read", files.len());
        assert!(told * 100 > total * 95, "{told} of {total} nodes told");
        let (stripe_told, stripe_total) = stripe.expect("Stripe's description is read by lines");
        assert!(stripe_told * 100 > stripe_total * 99, "Stripe: {stripe_told} of {stripe_total}");
    }

    #[test]
    fn the_lines_locate_what_the_event_pass_does_in_mutated_texts() {
        // Texts made from pieces of YAML put together at random (a fixed seed): wherever the
        // value reads and the walk may read the text, each node it tells is the event pass's.
        let pieces = [
            "a:",
            " b: 1",
            "- x",
            "- y: 2",
            "  ",
            "    ",
            "c: |",
            "  text: no",
            "d: 'q''s'",
            "e: \"x: y\"",
            "f: {g: 1}",
            "h: [1, 2]",
            "# c",
            "i: one # two",
            "-j: 3",
            "k:",
            "  - l",
            "  - m: 4",
            "    n: 5",
            "o: >-",
            "   folded",
            "p: ünï",
            "\"q\": 6",
            "r: s:t",
            "---",
            "t: ~",
            "u: &x 1",
            "v: !!str 7",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let (mut compared, mut told) = (0, 0);
        for _ in 0..3000 {
            let lines = 1 + next(8);
            let text: String = (0..lines).map(|_| format!("{}\n", pieces[next(pieces.len())])).collect();
            if !readable(&text) || super::super::parse(&text).is_err() {
                continue;
            }
            compared += 1;
            told += compare(&format!("{text:?}"), &text).0;
        }
        assert!(compared > 300 && told > 300, "{compared} texts compared, {told} nodes told");
    }

    #[test]
    fn the_lines_locate_what_the_event_pass_does_in_texts_written_to_mislead() {
        let texts = [
            // A list at its key's indentation, then a key; a list of mappings; a nested list.
            "a:\n- 1\n- two\nb:\n  - x: 1\n    y: [1, 2]\n  - plain\n  - 'quoted'\n  - - nested\nc: 3\n",
            // Block scalars whose lines look like keys, a keep indicator, an explicit indent.
            "a: |\n  b: 1\n  c: 2\nb: >-\n  folded: x\n\n  more\nc: |2\n    d: 4\nd:\n  e: |+\n    f: 1\n\n  g: 7\n",
            // Comments at any indentation, blank lines, `#` inside a value, a `---` line.
            "---\n# top\na:   # after a key\n  # inside\n\n  b: 1 # c\n  c: x#y\n# between\nd: e # f\n",
            // Plain scalars over several lines, keys with `:` and `#` in them, odd keys.
            "a: one\n  two\n  three\nb:\n  first line\n  second\nurl:x: 1\nk#v: 2\n-n: 3\n?q: 4\n.dot: 5\n200: ok\n",
            // Quoted and flow values on one line, a tag, an anchor-free `&` in text, empty values.
            "a: \"x: y\"\nb: 'it''s'\nc: {d: 1}\ne: [f, g]\nh: !!str 1\ni: a & b\nj:\nk: ~\nl: ''\n",
            // Non-ASCII keys and values; CRLF line ends.
            "clé: valeur\nnaïve:\n  ключ: значение\n  emoji: \"😀 x\"\n",
            "a:\r\n  b: 1\r\n  c:\r\n  - d\r\n  - e: f\r\n",
            // Keys quoted (not read by lines), a key after a list item mapping's keys.
            "\"a\": 1\n'b':\n  c: 2\nd:\n  - e: 1\n    f: 2\n  - g: 3\nh: 4\n",
        ];
        let mut told = 0;
        for text in texts {
            assert!(readable(text), "{text:?}");
            assert!(super::super::parse(text).is_ok(), "{text:?}");
            let (text_told, _) = compare(&format!("{text:?}"), text);
            assert!(text_told > 0, "{text:?}");
            told += text_told;
        }
        assert!(told > 60, "{told}");
        // A few answers written out.
        let mut walker = Walker::new(texts[0]);
        let at = |line: u32, column: u32, offset: usize| Location { line, column, offset };
        assert_eq!(walker.locate("/a"), Some((None, at(1, 1, 0))));
        assert_eq!(walker.locate("/a/1"), Some((None, at(3, 3, 9))));
        assert_eq!(walker.locate("/b/0/x"), Some((Some(at(5, 5, 20)), at(5, 8, 23))));
        assert_eq!(walker.locate("/c"), Some((Some(at(10, 1, 75)), at(10, 4, 78))));
        // A mapping in a list, at the `:` after its first key.
        assert_eq!(walker.locate("/b/0"), Some((None, at(5, 6, 21))));
        // Where the lines cannot tell: a list in a list, inside a flow collection, a node
        // that is not there, a key with an escape.
        assert_eq!(walker.locate("/b/4"), None);
        assert_eq!(walker.locate("/b/0/y/1"), None);
        assert_eq!(walker.locate("/b/9"), None);
        assert_eq!(walker.locate("/z"), None);
        assert_eq!(Walker::new("\"a\\tb\": 1\n").locate("/a\tb"), None);
        assert_eq!(Walker::new("\u{feff}a: 1\nb: 2\n").locate("/b"), None);
        assert_eq!(Walker::new(texts[7]).locate("/b/c"), Some((Some(at(3, 3, 14)), at(3, 6, 17))));
        // Pointers as RFC 6901 escapes them.
        let text = "paths:\n  /a~b/{id}:\n    get: 1\n";
        assert_eq!(Walker::new(text).locate("/paths/~1a~0b~1{id}/get"), Some((Some(at(3, 5, 24)), at(3, 10, 29))));
    }
}
