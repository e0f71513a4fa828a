//! The only module that touches YAML: parses a spec file into a JSON value (serde_yaml, from
//! its maintained continuation `yaml_serde`) and builds the map from every node's JSON
//! pointer to its `line:col` (yaml-rust2's marked event parser), which serde_yaml's `Value`
//! does not keep; or, for an OpenAPI document whose positions only locate a few warnings,
//! finds those nodes from the text's lines (`locate`, [`parse_deferred`]).
//!
//! Hostile text is refused before it can cost much: [`limits`] scans the bytes for flow
//! nesting deeper than [`MAX_DEPTH`] first, then the event pass that builds the positions
//! also refuses block nesting as deep, aliases that expand to more than
//! [`MAX_ALIAS_NODES`] nodes (a "billion laughs"), and a second document; only then (or
//! beside it, when the text holds no alias) does serde_yaml build the value. The event pass
//! is a loop, so nothing recurses over the input before its depth is known.

mod limits;
mod locate;
mod value;

use std::collections::HashSet;

use rustc_hash::FxHashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diag::{Diagnostic, Location, codes};

pub use limits::MAX_DEPTH;

/// The most nodes that aliases may bring into one document, counted as each alias's anchored
/// node with everything in it, aliases inside it expanded. Specs and OpenAPI documents that
/// use anchors share a few small blocks; a "billion laughs" text reaches this after a few
/// hundred bytes.
pub const MAX_ALIAS_NODES: u64 = 100_000;

/// Positions of the nodes of one YAML document, keyed by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// Every node's value location and, for a mapping entry, its key's. One map with a fast
    /// hash, since a large spec has hundreds of thousands of nodes and nothing here is
    /// attacker-chosen enough to need a DoS-resistant hash.
    nodes: FxHashMap<String, NodePosition>,
    /// Keys that appear twice in one mapping: (pointer, location of the second).
    duplicates: Vec<(String, Location)>,
    /// A spec that has no text ([`unlocated_positions`]): the nodes it writes are its
    /// value's, looked up when asked instead of listed (`nodes` is empty).
    unlocated: Option<std::sync::Arc<serde_json::Value>>,
}

#[derive(Debug, Clone, Copy, Default)]
struct NodePosition {
    key: Option<Location>,
    value: Option<Location>,
}

impl Positions {
    /// Where the value at `pointer` starts; falls back to the nearest located ancestor.
    pub fn value(&self, pointer: &str) -> Option<Location> {
        let mut pointer = pointer;
        loop {
            if let Some(location) = self.nodes.get(pointer).and_then(|node| node.value) {
                return Some(location);
            }
            let (parent, _) = pointer.rsplit_once('/')?;
            pointer = parent;
        }
    }

    /// The spec's own value, for positions made by [`unlocated_positions`] (an import's
    /// spec: the spec types serialised, so serialising the spec read from it gives it again).
    pub(crate) fn unlocated_value(&self) -> Option<&serde_json::Value> {
        self.unlocated.as_deref()
    }

    /// Whether the spec writes a node at exactly `pointer` ([`Positions::value`] falls back
    /// to the nearest ancestor).
    pub fn written(&self, pointer: &str) -> bool {
        match &self.unlocated {
            Some(value) => written_in(value, pointer),
            None => self.nodes.contains_key(pointer),
        }
    }

    /// [`Positions::written`] for many pointers in a row, the nodes along the last one kept
    /// ([`WrittenLookup`]): the rules after lowering ask it of every type's and field's
    /// example. On Stripe's imported spec, walking each pointer from the root was ≈ 10 ms of
    /// the serial front end (issue 22).
    pub(crate) fn written_lookup(&self) -> WrittenLookup<'_> {
        WrittenLookup { positions: self, last: String::new(), path: Vec::new() }
    }

    /// Where the mapping key of the node at `pointer` starts (for "unknown key" errors);
    /// falls back to the value.
    pub fn key(&self, pointer: &str) -> Option<Location> {
        self.key_location(pointer).or_else(|| self.value(pointer))
    }

    fn key_location(&self, pointer: &str) -> Option<Location> {
        self.nodes.get(pointer).and_then(|node| node.key)
    }
}

/// [`Positions::written`] for pointers asked in a row ([`Positions::written_lookup`]): the
/// nodes along the last pointer are kept, and a pointer is walked from the deepest of them
/// on its own path (the fields of one type share `/models/Order/fields`).
pub(crate) struct WrittenLookup<'a> {
    positions: &'a Positions,
    /// The last pointer asked.
    last: String,
    /// The nodes along `last` that exist: the length of the prefix of `last` that ends each
    /// segment, and the node there.
    path: Vec<(usize, &'a serde_json::Value)>,
}

impl<'a> WrittenLookup<'a> {
    /// Whether the spec writes a node at exactly `pointer`.
    pub(crate) fn written(&mut self, pointer: &str) -> bool {
        let Some(value) = self.positions.unlocated.as_deref() else {
            return self.positions.nodes.contains_key(pointer);
        };
        if pointer.is_empty() || !pointer.starts_with('/') {
            return written_in(value, pointer);
        }
        // The nodes kept: those whose prefix of `last` is a whole-segment prefix of `pointer`.
        let common = pointer.bytes().zip(self.last.bytes()).take_while(|(a, b)| a == b).count();
        let kept = self
            .path
            .iter()
            .take_while(|(end, _)| *end <= common && (pointer.len() == *end || pointer.as_bytes()[*end] == b'/'))
            .count();
        self.path.truncate(kept);
        let (mut at, mut node) = self.path.last().copied().unwrap_or((0, value));
        self.last.clear();
        self.last.push_str(pointer);
        while at < pointer.len() {
            // `pointer[at]` is the `/` that opens the next segment.
            let end = pointer[at + 1..].find('/').map_or(pointer.len(), |length| at + 1 + length);
            match child(node, &pointer[at + 1..end]) {
                Some(found) => node = found,
                None => return false,
            }
            self.path.push((end, node));
            at = end;
        }
        true
    }
}

/// Whether `value` has a node at `pointer` (RFC 6901), as `serde_json::Value::pointer` finds
/// it, without an allocation per segment: the rules after lowering ask this of an import's
/// spec once per type and field.
fn written_in(value: &serde_json::Value, pointer: &str) -> bool {
    node_in(value, pointer).is_some()
}

/// The node of `value` at `pointer` ([`written_in`]).
fn node_in<'a>(value: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    pointer.strip_prefix('/')?.split('/').try_fold(value, child)
}

/// The child of `node` at one pointer `segment` (escaped as RFC 6901 writes it).
fn child<'a>(node: &'a serde_json::Value, segment: &str) -> Option<&'a serde_json::Value> {
    let key = unescape(segment);
    match node {
        serde_json::Value::Object(object) => crate::json_fields::Field::field(object, key.as_ref()),
        serde_json::Value::Array(items) => items.get(array_index(&key)?),
        _ => None,
    }
}

/// A pointer segment's key (RFC 6901 §4: `~1` is `/`, `~0` is `~`), borrowed when it has no
/// escape.
fn unescape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('~') {
        std::borrow::Cow::Owned(segment.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(segment)
    }
}

/// An array index as RFC 6901 writes one (digits, no leading zero but `0` itself), as
/// `serde_json::Value::pointer` reads it.
fn array_index(segment: &str) -> Option<usize> {
    if segment.starts_with('+') || (segment.starts_with('0') && segment.len() != 1) {
        return None;
    }
    segment.parse().ok()
}

/// Specs at least this long are parsed by the two parsers side by side (one on a second
/// thread); below it a thread costs more than it saves.
const PARALLEL_PARSE_BYTES: usize = 64 * 1024;

/// Parses YAML text into a JSON value plus node positions. Syntax errors, values JSON cannot
/// hold (non-string keys that are not scalars, `.nan`), nesting deeper than [`MAX_DEPTH`],
/// aliases expanding to more than [`MAX_ALIAS_NODES`] nodes and a second document come back
/// as one located diagnostic; duplicate keys as one each.
pub fn parse(source: &str) -> Result<(serde_json::Value, Positions), Vec<Diagnostic>> {
    parse_scanned(source, limits::scan(source))
}

/// [`parse`] of a text already scanned for its limits.
fn parse_scanned(source: &str, scan: limits::Scan) -> Result<(serde_json::Value, Positions), Vec<Diagnostic>> {
    if let Some(offset) = scan.too_deep {
        return Err(vec![too_deep(location_at(source, offset))]);
    }
    // serde_yaml makes the value and yaml-rust2 the positions; the two read the same text
    // independently, so a large spec has them run at the same time. serde_yaml expands
    // aliases as it goes (and reads a document to its end before it stops at a depth), so
    // a text that may hold an alias or deep block nesting is let through the event pass first.
    let parallel = source.len() >= PARALLEL_PARSE_BYTES && !scan.may_have_aliases && !scan.may_be_deep;
    let (parsed, events) = if parallel {
        rayon::join(
            || serde_yaml::from_str::<value::JsonValue>(source).map(|value::JsonValue(value)| value),
            || events(source),
        )
    } else {
        let events = events(source);
        if let Some(refusal) = events.refusal {
            return Err(vec![refusal]);
        }
        (serde_yaml::from_str::<value::JsonValue>(source).map(|value::JsonValue(value)| value), events)
    };
    // What the event pass refuses, serde_yaml fails on less clearly or not at all.
    if let Some(refusal) = events.refusal {
        return Err(vec![refusal]);
    }
    let positions = events.positions;
    let value: serde_json::Value = match parsed {
        Ok(value) => value,
        Err(error) => {
            let mut location = error.location().map(|location| Location {
                line: location.line() as u32,
                column: location.column() as u32,
                offset: location.index(),
            });
            let mut message = error.to_string();
            // libyaml reports a character YAML does not allow at the start of the file, with a
            // position of its own in the message: locate the first such character instead.
            // libyaml gives some errors no position (a repetition limit met while expanding
            // aliases of a text it cannot otherwise read): the event pass's syntax error then.
            if location.is_none()
                && let Some((at, info)) = &events.syntax_error
            {
                location = Some(*at);
                message = info.clone();
            }
            let mut second = false;
            if location.is_none() && message.contains("more than one document") {
                location = second_document(source);
                second = location.is_some();
                if second {
                    message = "the text reads as a second YAML document from here".to_string();
                }
            }
            if message.starts_with("control characters are not allowed")
                && let Some((offset, character)) = source.char_indices().find(|&(_, c)| !printable(c))
            {
                location = Some(location_at(source, offset));
                message = format!("the character U+{:04X} is not allowed in YAML", u32::from(character));
            }
            // serde_yaml appends " at line L column C"; the diagnostic carries that itself.
            if let Some(index) = message.find(" at line ") {
                message.truncate(index);
            }
            let tab = location.is_some_and(|l| source.get(l.offset..).is_some_and(|rest| rest.starts_with('\t')));
            let help = if second {
                "a spec is one YAML mapping whose keys start at column 1; a line indented less than the first line ends the document"
            } else if message.starts_with("the character U+") {
                "remove it, or write it as an escape (`\\x00`, `\\u0007`) inside a double-quoted string"
            } else if tab {
                "YAML does not allow tab characters for indentation; indent with spaces"
            } else {
                "the spec must be one YAML mapping; check indentation and quoting"
            };
            return Err(vec![Diagnostic {
                location,
                ..Diagnostic::new(codes::yaml::SYNTAX, format!("invalid YAML: {message}")).label("here").help(help)
            }]);
        }
    };
    let positions = without_duplicates(positions)?;
    Ok((value, positions))
}

/// `positions`, or a diagnostic for each key that appears twice in one mapping. A JSON object
/// keeps only the last of two equal keys, so duplicates are found on the event stream
/// instead; silently dropping one would lose what the user wrote.
fn without_duplicates(positions: Positions) -> Result<Positions, Vec<Diagnostic>> {
    if positions.duplicates.is_empty() {
        return Ok(positions);
    }
    Err(positions
        .duplicates
        .iter()
        .map(|(pointer, location)| {
            let key = unescape(pointer.rsplit('/').next().unwrap_or_default());
            let first = positions
                .key_location(pointer)
                .map(|l| format!("first defined on line {}", l.line))
                .unwrap_or_default();
            Diagnostic {
                location: Some(*location),
                ..Diagnostic::new(codes::yaml::DUPLICATE_KEY, format!("duplicate key `{key}`"))
                    .at(pointer.clone())
                    .label(first)
                    .help("each key may appear once in a mapping; rename or merge the two entries")
            }
        })
        .collect())
}

/// Texts at least this long are read by [`parse_deferred`] in two parts at once.
const PARTS_PARSE_BYTES: usize = 1 << 20;

/// [`parse`], for a caller that needs the value at once and the positions only to locate a
/// few nodes later (an OpenAPI document, whose positions locate the import's warnings). A
/// text the scan finds without aliases, deep nesting or a quoted scalar or flow collection
/// over several lines (`limits::Scan`) has its value read alone, in two parts at once when
/// large (`value_in_parts`), refusing a repeated key or nesting deeper than [`MAX_DEPTH`]
/// as the event pass would; its positions are not built, and [`DeferredPositions::nodes`]
/// reads the lines for the nodes asked (`locate`). Any other text, or one whose value does
/// not read so, is [`parse`]d, its errors located. Stripe's 4 MB description (two warnings to
/// locate): `accord generate` 1118 → 1021 ms CPU and 669.5 → 657.3 ms wall (medians of 16
/// alternating runs, non-LTO release build, 2 cores; issue 22).
///
/// A text read in parts is cut (`cut`) on the other core while it is scanned: the two are
/// independent passes over the text, and the cut is only used once the scan has passed it
/// (Stripe's: ≈ 4 ms of the one core the import then runs on; issue 22).
pub fn parse_deferred(source: &str) -> Result<(serde_json::Value, DeferredPositions), Vec<Diagnostic>> {
    let in_parts = source.len() >= PARTS_PARSE_BYTES && crate::parallel::available_threads() >= 2;
    let (scan, cut_at) =
        if in_parts { rayon::join(|| limits::scan(source), || cut(source)) } else { (limits::scan(source), None) };
    if scan.too_deep.is_none() && !scan.may_have_aliases && !scan.may_be_deep && !scan.flow_spans_lines {
        let value = if in_parts {
            cut_at.and_then(|cut_at| value_in_parts(source, cut_at))
        } else {
            read_unique(source).filter(|value| depth(value) <= MAX_DEPTH)
        };
        if let Some(value) = value {
            return Ok((value, DeferredPositions { built: std::sync::OnceLock::new() }));
        }
    }
    parse_scanned(source, scan).map(|(value, positions)| (value, DeferredPositions::ready(positions)))
}

/// The value of `source`, `None` where serde_yaml refuses it or a mapping repeats a key.
fn read_unique(source: &str) -> Option<serde_json::Value> {
    serde_yaml::from_str::<value::JsonValue<true>>(source).ok().map(|value::JsonValue(value)| value)
}

/// The nesting of `value`: 0 for a scalar, one more per array or object around it (the depth
/// [`MAX_DEPTH`] bounds, the root mapping 1 deep).
pub(crate) fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(entries) => 1 + entries.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// A text's positions ([`parse_deferred`]): built, or, for a text read without them, built
/// only if a node asked is one its lines do not tell.
pub struct DeferredPositions {
    built: std::sync::OnceLock<Positions>,
}

impl std::fmt::Debug for DeferredPositions {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("DeferredPositions").field("built", &self.built.get().is_some()).finish()
    }
}

impl DeferredPositions {
    /// Positions already built.
    pub fn ready(positions: Positions) -> Self {
        DeferredPositions { built: std::sync::OnceLock::from(positions) }
    }

    /// The (key, value) locations of the nodes at `pointers` of `source` (the text these
    /// positions are of), each falling back to its nearest located ancestor, whose key is
    /// then not given; a key is given only where it is apart from the value (a scalar's). A
    /// text read without its positions has its lines read for these nodes
    /// (`locate::Walker`), and the event pass runs only if one of them is not found so.
    pub fn nodes(&self, source: &str, pointers: &[&str]) -> Vec<Option<(Option<Location>, Location)>> {
        let from_positions = |positions: &Positions, pointer: &str| {
            let value = positions.value(pointer)?;
            let key = positions.key(pointer).filter(|key| *key != value);
            Some((key, value))
        };
        if let Some(positions) = self.built.get() {
            return pointers.iter().map(|pointer| from_positions(positions, pointer)).collect();
        }
        let mut walker = locate::Walker::new(source);
        pointers
            .iter()
            .map(|pointer| {
                walker.locate(pointer).or_else(|| {
                    // What the event pass refuses, the value read already refused.
                    from_positions(self.built.get_or_init(|| events(source).positions), pointer)
                })
            })
            .collect()
    }
}

/// The value of `source` read in two parts at once, cut at a line that starts an entry of the
/// top-level mapping or of a block mapping that is a top-level entry's value ([`cut`]); the
/// second part, if it starts inside such a mapping, is read after that entry's key line. The
/// parts' mappings are joined in order. `None` when the text cannot be cut so, a part does not
/// read or repeats a key in one mapping ([`read_unique`]), or the parts do not join without a
/// key repeated: the caller then reads the text whole (so every error is the whole text's,
/// located in it). A mapping's entry starts at its
/// mapping's indentation, and nothing else can start there (YAML 1.2 §8.2.2: a continuation
/// line of a plain scalar or block scalar is indented more; a quoted scalar or flow
/// collection cut in its middle does not read).
fn value_in_parts(source: &str, (at, parent): (usize, Option<&str>)) -> Option<serde_json::Value> {
    let second = match parent {
        Some(key_line) => format!("{key_line}\n{}", &source[at..]),
        None => source[at..].to_string(),
    };
    // Each part's depth is measured on its thread: the parts' mappings join at the root (or
    // at `parent`, depth 2), so the joined value is as deep as the deeper part. Measured on the
    // joined value, Stripe's took ≈ 8 ms of one thread (perf) while the other freed the parse.
    let read = |part: &str| read_unique(part).filter(|value| depth(value) <= MAX_DEPTH);
    let (first, second) = rayon::join(|| read(&source[..at]), || read(&second));
    let parent = match parent {
        Some(key_line) => Some(key_line.trim_end().strip_suffix(':')?),
        None => None,
    };
    crate::parallel::join_parts(first?, second?, parent)
}

/// Where [`value_in_parts`] cuts `source`: the offset of the line nearest the middle that
/// starts an entry of the top-level mapping, or an entry (not the first) of the block mapping
/// that is a top-level key's value, with that key's line (`paths:`) for the second part.
/// `None` for a text that starts otherwise than with a plain key (a byte order mark, a
/// directive, a flow mapping, a quoted key), holds a second document, or has no such line.
fn cut(source: &str) -> Option<(usize, Option<&str>)> {
    /// A byte that can start a plain mapping key here: not an indicator (YAML 1.2 §5.3).
    fn starts_key(byte: u8) -> bool {
        !matches!(
            byte,
            b' ' | b'\t'
                | b'\r'
                | b'#'
                | b'-'
                | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
                | b'.'
        ) && byte.is_ascii()
    }
    let bytes = source.as_bytes();
    let middle = bytes.len() / 2;
    let mut best: Option<(usize, Option<&str>)> = None;
    fn consider<'a>(middle: usize, at: usize, parent: Option<&'a str>, best: &mut Option<(usize, Option<&'a str>)>) {
        if at > 0 && best.is_none_or(|(chosen, _)| chosen.abs_diff(middle) > at.abs_diff(middle)) {
            *best = Some((at, parent));
        }
    }
    // The top-level key whose value is a block mapping (its line, the mapping's indentation
    // once seen, whether an entry was seen), while inside it.
    let mut parent: Option<(&str, Option<usize>)> = None;
    let mut start = 0;
    let mut first_line = true;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |length| start + length);
        let line = &source[start..end];
        let next = end + 1;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line[indent..].trim_end_matches('\r');
        let was_first = std::mem::replace(&mut first_line, false);
        if rest.is_empty() || rest.starts_with('#') {
            start = next;
            continue;
        }
        if indent == 0 {
            if line.starts_with("---") && was_first {
                start = next;
                continue;
            }
            if line.starts_with("- ") || line == "-" {
                // A sequence entry at the top level: the value of the key before it.
                parent = None;
                start = next;
                continue;
            }
            if !starts_key(bytes[start]) {
                return None;
            }
            consider(middle, start, None, &mut best);
            // `key:` alone on its line: its value is on the lines below.
            let key_line = line.trim_end_matches('\r');
            parent = (key_line.ends_with(':') && !key_line.contains(": ") && !key_line.contains('#'))
                .then_some((key_line, None));
        } else if let Some((key_line, indentation)) = &mut parent {
            match *indentation {
                None => *indentation = Some(indent),
                Some(mapping) if indent == mapping && starts_key(bytes[start + indent]) => {
                    consider(middle, start, Some(key_line), &mut best)
                }
                Some(mapping) if indent < mapping => parent = None,
                Some(_) => {}
            }
        }
        start = next;
    }
    best
}

/// The positions of the nodes of text already read by another parser (a JSON document read
/// by serde_json: JSON is YAML), by the event pass alone; what it cannot read stays unlocated.
pub fn positions(source: &str) -> Positions {
    events(source).positions
}

/// The positions of a spec that has no text yet (the importer's, as a JSON value): every node
/// is written, none is located. [`Positions::written`] answers as for the same value printed
/// and parsed again, which is what the rules that look only at what a spec writes need. The
/// value is shared, not listed: listing Stripe's spec's nodes by pointer took 40 ms.
pub fn unlocated_positions(value: std::sync::Arc<serde_json::Value>) -> Positions {
    Positions { unlocated: Some(value), ..Positions::default() }
}

/// Serialises a JSON value as YAML text (an imported spec, `accord export openapi --yaml`,
/// tests).
///
/// A mapping with two or more large entries (an imported spec's `models` and `endpoints`) is
/// printed an entry at a time on two threads and joined in order: a block mapping's text is
/// its entries' texts one after another, each entry printed alone as a one-entry mapping,
/// since nothing an entry prints depends on its siblings (no anchors, no document markers).
pub fn to_string(value: &serde_json::Value) -> String {
    let print = |value: &serde_json::Value| serde_yaml::to_string(value).unwrap_or_default();
    let serde_json::Value::Object(entries) = value else { return print(value) };
    let large = |value: &serde_json::Value| match value {
        serde_json::Value::Object(map) => map.len() >= PARALLEL_ENTRY_ITEMS,
        serde_json::Value::Array(items) => items.len() >= PARALLEL_ENTRY_ITEMS,
        _ => false,
    };
    if entries.values().filter(|value| large(value)).count() < 2 {
        return print(value);
    }
    let alone: Vec<OneEntry<'_>> = entries.iter().map(|(key, value)| OneEntry(key, value)).collect();
    crate::parallel::map_in_order(alone.len(), 2, |index| serde_yaml::to_string(&alone[index]).unwrap_or_default())
        .concat()
}

/// A mapping of one entry, borrowed from a larger one (printed without copying the value).
struct OneEntry<'a>(&'a String, &'a serde_json::Value);

impl serde::Serialize for OneEntry<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

/// Entries (keys or items) from which a value of a top-level mapping counts as large for
/// [`to_string`]'s two threads.
const PARALLEL_ENTRY_ITEMS: usize = 64;

/// Longest text [`comment_line`] keeps, in characters.
pub const COMMENT_LINE_MAX: usize = 200;

/// `text` made fit to follow `# ` on one comment line: a comment ends at the first line break,
/// so every break YAML or an editor knows (LF, CR, NEL, LS, PS) and every other character
/// YAML does not allow or that is a control becomes a space, runs of whitespace one space;
/// longer than [`COMMENT_LINE_MAX`] characters it is cut, with `…`. (A title holding
/// `\n...\n` printed as is ended the document inside the comment: issue 20 item 13.)
pub fn comment_line(text: &str) -> String {
    let cleaned: String =
        text.chars().map(|c| if c.is_control() || !printable(c) || c.is_whitespace() { ' ' } else { c }).collect();
    let mut words = cleaned.split(' ').filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = words.char_indices().nth(COMMENT_LINE_MAX) {
        words.truncate(cut);
        words.push('…');
    }
    words
}

/// Refuses flow nesting (YAML `[`/`{` collections, JSON arrays and objects) deeper than
/// [`MAX_DEPTH`], by a scan linear in the length of `source`: for text that another parser
/// (serde_json) reads, since [`parse`] scans for itself.
pub fn check_nesting(source: &str) -> Result<(), Diagnostic> {
    match limits::scan(source).too_deep {
        Some(offset) => Err(too_deep(location_at(source, offset))),
        None => Ok(()),
    }
}

/// The `yaml::too_deep` diagnostic for the collection at `location`.
fn too_deep(location: Location) -> Diagnostic {
    Diagnostic {
        location: Some(location),
        ..Diagnostic::new(codes::yaml::TOO_DEEP, format!("collections nested more than {MAX_DEPTH} deep"))
            .label(format!("more than {MAX_DEPTH} levels deep here"))
            .help("no spec or API description needs this depth; flatten the data, or name the inner types as models")
    }
}

/// Where libyaml starts a second document that the event pass did not see (libyaml ends a
/// document on some indentation mistakes and gives no position): the first line whose prefix
/// of the text already reads as two documents, by binary search over line ends, so
/// O(n log n) and on this error path only.
fn second_document(source: &str) -> Option<Location> {
    let line_ends: Vec<usize> =
        source.match_indices('\n').map(|(index, _)| index + 1).chain(std::iter::once(source.len())).collect();
    let two_documents = |lines: usize| {
        serde_yaml::from_str::<value::JsonValue>(&source[..line_ends[lines - 1]])
            .is_err_and(|error| error.to_string().contains("more than one document"))
    };
    let (mut low, mut high) = (1, line_ends.len());
    if !two_documents(high) {
        return None;
    }
    while low < high {
        let middle = low + (high - low) / 2;
        if two_documents(middle) { high = middle } else { low = middle + 1 }
    }
    let start = if low >= 2 { line_ends[low - 2] } else { 0 };
    Some(location_at(source, start))
}

/// Whether YAML allows `c` in a document: its printable set (YAML 1.2.2 §5.1), tab, line
/// feed and carriage return.
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// The line and column (in characters) of byte `offset` of `source`.
pub(crate) fn location_at(source: &str, offset: usize) -> Location {
    let offset = offset.min(source.len());
    let before = &source.as_bytes()[..offset];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |index| index + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    Location { line: line as u32, column: column as u32, offset }
}

/// What the event pass gives: the positions, and the first limit the text broke.
struct Events {
    positions: Positions,
    refusal: Option<Diagnostic>,
    /// yaml-rust2's syntax error, if it met one: where, and what it says.
    syntax_error: Option<(Location, String)>,
}

/// Reads the events of `source` in a loop (yaml-rust2's own `Parser::load` recurses once per
/// level) into positions, stopping at the first limit broken.
fn events(source: &str) -> Events {
    let mut builder = PositionBuilder { source, line_starts: line_starts(source), ..Default::default() };
    let mut parser = Parser::new_from_str(source);
    // A scanner error ends the pass: serde_yaml reports it (this one is kept for when
    // serde_yaml's own error has no position); positions stay partial.
    let mut syntax_error = None;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(error) => {
                syntax_error = Some((builder.location(*error.marker()), error.info().to_string()));
                break;
            }
        };
        if event == Event::StreamEnd {
            break;
        }
        builder.on_event(event, mark);
        if builder.refusal.is_some() {
            break;
        }
    }
    Events { positions: builder.positions, refusal: builder.refusal, syntax_error }
}

fn line_starts(source: &str) -> Vec<usize> {
    std::iter::once(0).chain(source.match_indices('\n').map(|(index, _)| index + 1)).collect()
}

#[derive(Default)]
struct PositionBuilder<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
    positions: Positions,
    stack: Vec<Frame>,
    /// The number of nodes (with aliases expanded) of each anchored node by anchor id;
    /// `None` while the node is still open (an alias to it would contain itself).
    anchors: FxHashMap<usize, Option<u64>>,
    /// Nodes brought in by aliases so far.
    alias_nodes: u64,
    documents: usize,
    /// The first limit broken: nesting, alias expansion, a second document.
    refusal: Option<Diagnostic>,
}

/// One open collection.
struct Frame {
    kind: FrameKind,
    /// Its nodes so far (keys, values and items, aliases expanded), itself included.
    nodes: u64,
    /// Its anchor id, 0 for none.
    anchor: usize,
}

enum FrameKind {
    Mapping {
        pointer: String,
        /// The key just read, awaiting its value.
        pending: Option<PendingKey>,
        /// The keys seen so far, kept only in a mapping whose pointer was already taken (the
        /// value of a duplicate key, or inside one). Elsewhere a key is a duplicate exactly
        /// when its pointer is already in the map, which needs no set of its own.
        seen: Option<HashSet<String>>,
    },
    Sequence {
        pointer: String,
        next_index: usize,
    },
}

struct PendingKey {
    pointer: String,
    location: Location,
    /// A repeated key: the first one keeps the recorded positions.
    duplicate: bool,
}

/// The pointer of `segment` under `parent`, escaped as RFC 6901 says (`~` → `~0`, `/` → `~1`).
fn child_pointer(parent: &str, segment: &str) -> String {
    crate::diag::join_pointer(parent, segment)
}

impl PositionBuilder<'_> {
    fn location(&self, mark: Marker) -> Location {
        let line = mark.line().max(1);
        let column = mark.col() + 1;
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(self.source.len());
        // Marker columns count characters; convert to a byte offset on that line.
        let line_text = &self.source[line_start..];
        let offset = line_start + line_text.char_indices().nth(mark.col()).map_or(line_text.len(), |(index, _)| index);
        Location { line: line as u32, column: column as u32, offset }
    }

    /// The pointer the next node gets with its key's location (`None` for a list item or
    /// the root), or `None` when the next scalar is a mapping key.
    fn next_pointer(&mut self) -> Option<(String, Option<PendingKey>)> {
        match self.stack.last_mut() {
            None => Some((String::new(), None)),
            Some(Frame { kind: FrameKind::Sequence { pointer, next_index }, .. }) => {
                use std::fmt::Write as _;
                let mut child = String::with_capacity(pointer.len() + 4);
                child.push_str(pointer);
                let _ = write!(child, "/{next_index}");
                *next_index += 1;
                Some((child, None))
            }
            Some(Frame { kind: FrameKind::Mapping { pending, .. }, .. }) => {
                let mut key = pending.take()?;
                Some((std::mem::take(&mut key.pointer), Some(key)))
            }
        }
    }

    /// Records a node's value location (and its key's, the first time); the first location
    /// recorded for a pointer stays. Returns whether the pointer already had a value.
    fn record(&mut self, pointer: String, key: Option<&PendingKey>, location: Location) -> bool {
        let node = self.positions.nodes.entry(pointer).or_default();
        if let Some(key) = key
            && !key.duplicate
            && node.key.is_none()
        {
            node.key = Some(key.location);
        }
        let existed = node.value.is_some();
        if !existed {
            node.value = Some(location);
        }
        existed
    }

    /// A block collection's start mark lies after its first key, so a mapping or list is
    /// located at its own key in the parent (or the top of the file for the root). Returns
    /// its pointer, whether that pointer was already taken, and its location.
    fn collection_start(&mut self, mark: Marker) -> (String, bool, Location) {
        let Some((pointer, key)) = self.next_pointer() else { return (String::new(), true, self.location(mark)) };
        let location = if pointer.is_empty() {
            Location { line: 1, column: 1, offset: 0 }
        } else {
            match &key {
                Some(key) if !key.duplicate => key.location,
                _ => self.positions.nodes.get(&pointer).and_then(|n| n.key).unwrap_or_else(|| self.location(mark)),
            }
        };
        let existed = self.record(pointer.clone(), key.as_ref(), location);
        (pointer, existed, location)
    }

    fn node_start(&mut self, mark: Marker) {
        let Some((pointer, key)) = self.next_pointer() else { return };
        let location = self.location(mark);
        self.record(pointer, key.as_ref(), location);
    }

    /// Adds a complete node of `nodes` nodes to the collection holding it.
    fn add_nodes(&mut self, nodes: u64) {
        if let Some(frame) = self.stack.last_mut() {
            frame.nodes = frame.nodes.saturating_add(nodes);
        }
    }

    /// Pushes a collection, refusing one that would be nested deeper than [`MAX_DEPTH`].
    fn open(&mut self, kind: FrameKind, anchor: usize, location: Location) {
        if self.stack.len() >= MAX_DEPTH {
            self.refusal = Some(too_deep(location));
            return;
        }
        if anchor != 0 {
            self.anchors.insert(anchor, None);
        }
        self.stack.push(Frame { kind, nodes: 1, anchor });
    }

    /// Counts what an alias brings in, refusing an alias to a node that holds it and
    /// expansion beyond [`MAX_ALIAS_NODES`].
    fn alias(&mut self, anchor: usize, mark: Marker) {
        let location = Some(self.location(mark));
        let nodes = match self.anchors.get(&anchor) {
            Some(Some(nodes)) => *nodes,
            Some(None) => {
                self.refusal = Some(Diagnostic {
                    location,
                    ..Diagnostic::new(codes::yaml::ALIAS_EXPANSION, "an alias inside the node it refers to")
                        .label("this alias repeats a node that contains it")
                        .help(
                            "an alias may only refer to a node that is complete before it; write the data out instead",
                        )
                });
                return;
            }
            // An unknown anchor is serde_yaml's to report.
            None => 1,
        };
        self.alias_nodes = self.alias_nodes.saturating_add(nodes);
        if self.alias_nodes > MAX_ALIAS_NODES {
            self.refusal = Some(Diagnostic {
                location,
                ..Diagnostic::new(
                    codes::yaml::ALIAS_EXPANSION,
                    format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                )
                .label(format!("the aliases up to here repeat {} nodes", self.alias_nodes))
                .help("aliases that repeat aliases grow exponentially; write the shared part once as a model and refer to it by name")
            });
            return;
        }
        self.add_nodes(nodes);
    }
}

impl MarkedEventReceiver for PositionBuilder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.refusal = Some(Diagnostic {
                        location: Some(self.location(mark)),
                        ..Diagnostic::new(codes::yaml::MULTIPLE_DOCUMENTS, "a second YAML document in the file")
                            .label("the second document starts here")
                            .help("a spec is one YAML document: remove the `---` line and what follows, or move it to a file of its own")
                    });
                }
            }
            Event::Scalar(text, _, anchor, _) => {
                if anchor != 0 {
                    self.anchors.insert(anchor, Some(1));
                }
                self.add_nodes(1);
                let awaiting_key =
                    matches!(self.stack.last(), Some(Frame { kind: FrameKind::Mapping { pending: None, .. }, .. }));
                if awaiting_key {
                    let location = self.location(mark);
                    if let Some(Frame { kind: FrameKind::Mapping { pointer, pending, seen }, .. }) =
                        self.stack.last_mut()
                    {
                        let child = child_pointer(pointer, &text);
                        let duplicate = match seen {
                            Some(seen) => !seen.insert(text),
                            None => self.positions.nodes.get(&child).is_some_and(|node| node.key.is_some()),
                        };
                        if duplicate {
                            self.positions.duplicates.push((child.clone(), location));
                        }
                        *pending = Some(PendingKey { pointer: child, location, duplicate });
                    }
                } else {
                    self.node_start(mark);
                }
            }
            Event::Alias(anchor) => {
                self.node_start(mark);
                self.alias(anchor, mark);
            }
            Event::MappingStart(anchor, _) => {
                let (pointer, taken, location) = self.collection_start(mark);
                let seen = taken.then(HashSet::new);
                self.open(FrameKind::Mapping { pointer, pending: None, seen }, anchor, location);
            }
            Event::SequenceStart(anchor, _) => {
                let (pointer, _, location) = self.collection_start(mark);
                self.open(FrameKind::Sequence { pointer, next_index: 0 }, anchor, location);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.stack.pop() else { return };
                if frame.anchor != 0 {
                    self.anchors.insert(frame.anchor, Some(frame.nodes));
                }
                self.add_nodes(frame.nodes);
                // A key still waiting for its value (a complex key before it shifted keys and
                // values) is located all the same.
                if let FrameKind::Mapping { pending: Some(key), .. } = frame.kind
                    && !key.duplicate
                {
                    let node = self.positions.nodes.entry(key.pointer).or_default();
                    node.key.get_or_insert(key.location);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`value_in_parts`] at the text's own [`cut`], as [`parse_deferred`] reads it.
    fn read_in_parts(text: &str) -> Option<serde_json::Value> {
        value_in_parts(text, cut(text)?)
    }

    fn whole(text: &str) -> Option<serde_json::Value> {
        serde_yaml::from_str::<value::JsonValue>(text).ok().map(|value::JsonValue(value)| value)
    }

    #[test]
    fn a_value_read_in_two_parts_is_the_value_read_whole() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/openapi");
        let mut cut_inside = 0;
        for entry in std::fs::read_dir(&corpus).expect("the corpus") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|extension| extension != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            let (at, parent) = cut(&text).expect("a corpus document has entries to cut at");
            assert!(at > 0 && at < text.len(), "{}", path.display());
            cut_inside += usize::from(parent.is_some());
            assert_eq!(read_in_parts(&text), whole(&text), "{}", path.display());
        }
        assert!(cut_inside > 0, "some document is cut inside a top-level entry (Stripe's `paths`)");
    }

    #[test]
    fn a_text_that_does_not_cut_cleanly_is_read_whole() {
        // Each cut falls where the parts do not read or do not join as the whole: `None`, so
        // the caller reads the text whole (and reports its errors there).
        let texts = [
            // A quoted scalar and a flow mapping over the line that would be cut at.
            "a: 1\nb: \"one\ntwo: x\"\nc: 3\n",
            "a: 1\nb: {x: 1,\ny: 2}\nc: 3\n",
            // A key repeated in the two parts, at the top and inside a mapping.
            "a: 1\nb: 2\na: 3\nd: 4\n",
            "p:\n  x: 1\n  y: 2\n  x: 3\n  z: 4\n",
            // A second document; a directive; a flow mapping at the top.
            "a: 1\nb: 2\n---\nc: 3\nd: 4\n",
            "%YAML 1.2\n---\na: 1\nb: 2\n",
            "{a: 1,\nb: 2}\n",
        ];
        for text in texts {
            assert_eq!(read_in_parts(text), None, "{text:?}");
        }
        // A sequence entry at the top level and a block scalar whose lines are not entries.
        let text = "a:\n- 1\n- 2\nb: |\n  x: 1\n  y: 2\nc:\n  d: 1\n  e: 2\n  f: 3\ng: 4\n";
        assert_eq!(read_in_parts(text), whole(text));
        let (at, parent) = cut(text).expect("cut");
        assert!(!text[..at].ends_with("b: |\n  x: 1\n"), "not inside the block scalar: {at}");
        assert!(parent.is_none_or(|key_line| key_line == "c:"), "{parent:?}");
    }

    #[test]
    fn deferred_positions_refuse_what_parse_refuses() {
        // A large text (read in parts) with a key twice in one mapping: the value read in
        // parts refuses it, and the text is parsed whole, refused as `parse` refuses it.
        let mut text = String::from("openapi: 3.0.0\npaths:\n");
        for index in 0..25_000 {
            text.push_str(&format!("  /p{index}:\n    get: {{ description: \"path number {index}\" }}\n"));
        }
        // The repeat in one part (a key repeated across the parts is read whole: `parse`).
        text.push_str("  /dup:\n    get: { description: one }\n    get: { description: two }\n");
        text.push_str("info: { title: T, version: \"1\" }\n");
        assert!(text.len() >= PARTS_PARSE_BYTES);
        let expected = parse(&text).expect_err("a duplicate key");
        assert_eq!(expected[0].code.name(), "yaml::duplicate_key");
        assert_eq!(parse_deferred(&text).expect_err("refused"), expected);
        // So is a small text, read whole, and one nested deeper than the limit, whose value
        // serde_yaml reads (block and flow levels together).
        let small = "a: 1\nb:\n  c: 1\n  c: 2\n";
        assert_eq!(parse_deferred(small).expect_err("refused"), parse(small).expect_err("refused"));
        let deep = format!("a:\n  b: {}{}\n", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(limits::scan(&deep).too_deep.is_none() && whole(&deep).is_some());
        let refused = parse(&deep).expect_err("too deep");
        assert_eq!(refused[0].code.name(), "yaml::too_deep");
        assert_eq!(parse_deferred(&deep).expect_err("refused"), refused);
        // So is a large text, read in parts, whose second part holds that value: each part's
        // depth is measured where it is read.
        let mut large_deep = text.replace("    get: { description: two }\n", "");
        large_deep.push_str(&deep.replacen("a:", "z:", 1));
        assert!(
            large_deep.len() >= PARTS_PARSE_BYTES && cut(&large_deep).is_some_and(|(at, _)| at < text.len() / 2 + 100)
        );
        assert!(whole(&large_deep).is_some_and(|value| depth(&value) == MAX_DEPTH + 1));
        assert_eq!(read_in_parts(&large_deep), None);
        let refused = parse(&large_deep).expect_err("too deep");
        assert_eq!(refused[0].code.name(), "yaml::too_deep");
        assert_eq!(parse_deferred(&large_deep).expect_err("refused"), refused);
        // Without the repeat, the value and the located nodes are `parse`'s, and no position
        // is built for them (the lines tell them all).
        let text = text.replace("    get: { description: two }\n", "");
        let (value, positions) = parse(&text).expect("parses");
        let (deferred_value, deferred) = parse_deferred(&text).expect("parses");
        assert_eq!(deferred_value, value);
        let pointers = ["/paths/~1p24999", "/paths/~1p0/get", "/info", "/paths/~1dup/get", ""];
        let located = deferred.nodes(&text, &pointers);
        assert!(deferred.built.get().is_none(), "no event pass");
        for (pointer, located) in pointers.iter().zip(located) {
            assert!(positions.value(pointer).is_some(), "{pointer}");
            assert_eq!(located.map(|(_, value)| value), positions.value(pointer), "{pointer}");
        }
        // A node the lines do not tell (inside a flow mapping) has the event pass run.
        let inside = deferred.nodes(&text, &["/paths/~1p7/get/description"]);
        assert!(deferred.built.get().is_some(), "the event pass ran");
        assert_eq!(inside[0].map(|(_, value)| value), positions.value("/paths/~1p7/get/description"));
    }

    #[test]
    fn an_unlocated_node_is_written_where_serde_json_finds_one() {
        let value = serde_json::json!({
            "models": {"A/B": {"x~y": [1, {"z": null}]}, "": {"0": true}},
            "list": [[0, 1], {"": 2}]
        });
        let pointers = [
            "",
            "/",
            "/models",
            "/models/A~1B",
            "/models/A/B",
            "/models/A~1B/x~0y",
            "/models/A~1B/x~y",
            "/models/A~1B/x~0y/0",
            "/models/A~1B/x~0y/1/z",
            "/models/A~1B/x~0y/01",
            "/models/A~1B/x~0y/+1",
            "/models/A~1B/x~0y/2",
            "/models//0",
            "/models/",
            "/list/0/1",
            "/list/1/",
            "/list/-",
            "/list/0/1/x",
            "models",
            "/nothing",
            "/list/1/~2",
        ];
        let positions = unlocated_positions(std::sync::Arc::new(value.clone()));
        for pointer in pointers {
            assert_eq!(positions.written(pointer), value.pointer(pointer).is_some(), "{pointer:?}");
        }
        // Asked in a row, forwards and backwards (parents shared, then not), the lookup that
        // keeps the last parent agrees.
        let mut lookup = positions.written_lookup();
        for pointer in pointers.iter().chain(pointers.iter().rev()).chain(pointers.iter()) {
            assert_eq!(lookup.written(pointer), value.pointer(pointer).is_some(), "{pointer:?}");
        }
    }

    #[test]
    fn a_mapping_printed_an_entry_at_a_time_is_the_mapping_printed_whole() {
        let large_map: serde_json::Map<String, serde_json::Value> = (0..100)
            .map(|i| {
                let value = match i % 5 {
                    0 => serde_json::json!({"type": "string", "example": format!("a: {i}")}),
                    1 => serde_json::json!(["- x", "", "null", i, true, {"nested": {"deep": "yes"}}]),
                    2 => serde_json::json!("multi\nline\ntext\n"),
                    3 => serde_json::json!({}),
                    _ => serde_json::json!(null),
                };
                (format!("key {i}: with colon"), value)
            })
            .collect();
        let large_list: Vec<serde_json::Value> = (0..100).map(|i| serde_json::json!({"n": i, "s": "#hash"})).collect();
        let value = serde_json::json!({
            "accord": 1,
            "models": large_map,
            "title": "x: y",
            "endpoints": large_list,
            "empty": [],
            "last": {"k": "'quoted'"},
        });
        let whole = serde_yaml::to_string(&value).expect("prints");
        assert_eq!(to_string(&value), whole);
        // One large entry only: printed in one piece, the same text.
        let single = serde_json::json!({"models": value["models"].clone(), "title": "t"});
        assert_eq!(to_string(&single), serde_yaml::to_string(&single).expect("prints"));
    }

    #[test]
    fn positions_cover_block_and_flow_nodes() {
        let source = "name: orders\nendpoints:\n  get:\n    path: /x\n    errors: [A, B]\n";
        let (value, positions) = parse(source).expect("valid yaml");
        assert_eq!(value["endpoints"]["get"]["errors"][1], "B");
        let path = positions.value("/endpoints/get/path").expect("located");
        assert_eq!((path.line, path.column), (4, 11));
        assert_eq!(&source[path.offset..path.offset + 2], "/x");
        let key = positions.key("/endpoints/get/path").expect("located");
        assert_eq!((key.line, key.column), (4, 5));
        let second = positions.value("/endpoints/get/errors/1").expect("located");
        assert_eq!(&source[second.offset..second.offset + 1], "B");
        // An unknown pointer falls back to its nearest ancestor.
        assert_eq!(positions.value("/endpoints/get/nope"), positions.value("/endpoints/get"));
    }

    #[test]
    fn syntax_errors_are_located() {
        let errors = parse("name: [unclosed\n").expect_err("invalid");
        assert_eq!(errors[0].code, codes::yaml::SYNTAX);
        assert!(errors[0].location.is_some());
        let duplicates = parse("a: 1\nb: 2\na: 3\n").expect_err("duplicate");
        assert_eq!(duplicates[0].code, codes::yaml::DUPLICATE_KEY);
        assert_eq!(duplicates[0].location.map(|l| l.line), Some(3));
    }

    #[test]
    fn a_key_repeated_inside_a_repeated_key_is_reported_once_per_mapping() {
        // The second `a` is a duplicate; inside it, the first `x` is not (it repeats a key of
        // the first `a`, another mapping), the second is.
        let errors = parse("a:\n  x: 1\na:\n  x: 2\n  x: 3\n").expect_err("duplicates");
        let found: Vec<(&crate::diag::Code, Option<u32>)> =
            errors.iter().map(|e| (e.code, e.location.map(|l| l.line))).collect();
        assert_eq!(found, [(codes::yaml::DUPLICATE_KEY, Some(3)), (codes::yaml::DUPLICATE_KEY, Some(5))]);
    }

    #[test]
    fn integer_keys_become_strings() {
        let (value, _) = parse("responses:\n  201: Order\n").expect("valid");
        assert_eq!(value["responses"]["201"], "Order");
    }

    #[test]
    fn integers_beyond_64_bits_read_as_json_reads_them() {
        // Valid YAML integers that no `i64`/`u64` holds: the nearest `f64`, as serde_json
        // makes of the same text in JSON (was "JSON number out of range" for the document).
        let source = "min: -9223372036854776000\nmax: 18446744073709552000\nhuge: 1000000000000000000000000000000000000000\nsmall: -5\nbig: 18446744073709551615\n";
        let (value, positions) = parse(source).expect("valid YAML");
        let json: serde_json::Value = serde_json::from_str(
            r#"{"min": -9223372036854776000, "max": 18446744073709552000, "huge": 1000000000000000000000000000000000000000, "small": -5, "big": 18446744073709551615}"#,
        )
        .expect("valid JSON");
        assert_eq!(value, json);
        assert_eq!(value["max"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(value["big"].as_u64(), Some(u64::MAX));
        assert_eq!(value["small"].as_i64(), Some(-5));
        assert_eq!(positions.value("/max").map(|l| l.line), Some(2));
        // Located errors stay located.
        let errors = parse("a: 1\nb: [18446744073709552000\n").expect_err("unclosed");
        assert_eq!(errors[0].code, codes::yaml::SYNTAX);
        assert!(errors[0].location.is_some());
    }

    /// The code and `line:column` of the only diagnostic of `source`.
    fn refused(source: &str) -> (&'static crate::diag::Code, u32, u32) {
        let errors = parse(source).expect_err("refused");
        assert_eq!(errors.len(), 1, "{errors:?}");
        let location = errors[0].location.expect("located");
        (errors[0].code, location.line, location.column)
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused_where_it_crosses() {
        // Block lists, one level per line: level 101 is the list on line 101.
        let block: String = (0..=MAX_DEPTH).map(|level| format!("{}-\n", "  ".repeat(level))).collect();
        assert_eq!(refused(&block), (codes::yaml::TOO_DEEP, 101, 2 * MAX_DEPTH as u32 + 1));
        // Compact block lists on one line, `- - - …`: the same count.
        let compact = format!("{}x\n", "- ".repeat(MAX_DEPTH + 1));
        assert_eq!(refused(&compact), (codes::yaml::TOO_DEEP, 1, 2 * MAX_DEPTH as u32 + 1));
        // Flow lists below a block mapping of two levels: the flow `[` that opens level 101.
        let flow = format!("a:\n  b: {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(refused(&flow), (codes::yaml::TOO_DEEP, 2, 6 + MAX_DEPTH as u32 - 2));
        // Exactly the limit is read.
        let limit: String = (0..MAX_DEPTH).map(|level| format!("{}-\n", "  ".repeat(level))).collect();
        assert!(parse(&limit).is_ok());
        assert!(parse(&format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH))).is_ok());
    }

    #[test]
    fn deep_nesting_of_any_size_is_refused_without_recursing() {
        // Sizes beyond the parallel threshold too: the stack overflowed there (issue 20).
        for depth in [1_000, 50_000] {
            let compact = format!("{}x\n", "- ".repeat(depth));
            assert_eq!(refused(&compact).0, codes::yaml::TOO_DEEP);
            let flow = format!("{{a: {}1{}}}", "{a: ".repeat(depth), "}".repeat(depth));
            assert_eq!(refused(&flow), (codes::yaml::TOO_DEEP, 1, 4 * MAX_DEPTH as u32 + 1));
        }
    }

    #[test]
    fn aliases_are_counted_and_a_bomb_is_refused_at_its_alias() {
        // A few small shared blocks are fine.
        let (value, _) = parse("base: &base {a: 1, b: 2}\none: *base\ntwo: [*base, *base]\n").expect("valid");
        assert_eq!(value["two"][1]["b"], 2);
        // Levels of ten aliases each: the aliases of line 5 (11,111 nodes each) cross 100,000.
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            bomb.push_str(&format!("a{level}: &a{level} [{}]\n", vec![format!("*a{}", level - 1); 10].join(", ")));
        }
        let (code, line, _) = refused(&bomb);
        assert_eq!((code, line), (codes::yaml::ALIAS_EXPANSION, 5));
        // An alias inside the node it names.
        assert_eq!(refused("a: &a [1, *a]\n"), (codes::yaml::ALIAS_EXPANSION, 1, 11));
    }

    #[test]
    fn a_second_document_is_refused_where_it_starts() {
        assert_eq!(refused("a: 1\n---\nb: 2\n"), (codes::yaml::MULTIPLE_DOCUMENTS, 2, 1));
        assert_eq!(refused("a: 1\n...\n---\n"), (codes::yaml::MULTIPLE_DOCUMENTS, 3, 1));
        // A leading `---` (and a trailing `...`) open and close the one document.
        assert!(parse("---\na: 1\n...\n").is_ok());
    }

    #[test]
    fn printed_strings_with_document_markers_read_back_as_one_document() {
        let markers = ["---", "...", "a\n---\nb", "a\n...\nb", "--- x", "... x", "x\n--- \n...", "\n---\n", "# no"];
        for text in markers {
            let value = serde_json::json!({ text: text, "list": [text, { "k": text }], "nested": { "d": text } });
            let printed = to_string(&value);
            let (read, _) =
                parse(&printed).unwrap_or_else(|e| panic!("{text:?} printed as\n{printed}\ndoes not read back: {e:?}"));
            assert_eq!(read, value, "{printed}");
        }
    }

    #[test]
    fn a_comment_line_holds_no_line_break() {
        let title = "Pets\n...\n---\r\nb: 1\u{85}c\u{2028}d\u{2029}e\u{0}f\t g";
        let line = comment_line(title);
        assert_eq!(line, "Pets ... --- b: 1 c d e f g");
        let (value, _) = parse(&format!("# from {line}\na: 1\n")).expect("one document");
        assert_eq!(value, serde_json::json!({ "a": 1 }));
        let long = comment_line(&"x".repeat(COMMENT_LINE_MAX + 5));
        assert_eq!(long.chars().count(), COMMENT_LINE_MAX + 1);
        assert!(long.ends_with('…'));
    }
}
