//! The only module that touches YAML: parses a spec file into a JSON value (serde_yaml, from
//! its maintained continuation `yaml_serde`) and builds the map from every node's JSON
//! pointer to its `line:col` (yaml-rust2's marked event parser), which serde_yaml's `Value`
//! does not keep.

use std::collections::HashSet;

use rustc_hash::FxHashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diag::{Diagnostic, Location, codes};

/// Positions of the nodes of one YAML document, keyed by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// Every node's value location and, for a mapping entry, its key's. One map with a fast
    /// hash, since a large spec has hundreds of thousands of nodes and nothing here is
    /// attacker-chosen enough to need a DoS-resistant hash.
    nodes: FxHashMap<String, NodePosition>,
    /// Keys that appear twice in one mapping: (pointer, location of the second).
    duplicates: Vec<(String, Location)>,
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

    /// Where the mapping key of the node at `pointer` starts (for "unknown key" errors);
    /// falls back to the value.
    pub fn key(&self, pointer: &str) -> Option<Location> {
        self.key_location(pointer).or_else(|| self.value(pointer))
    }

    fn key_location(&self, pointer: &str) -> Option<Location> {
        self.nodes.get(pointer).and_then(|node| node.key)
    }
}

/// Specs at least this long are parsed by the two parsers side by side (one on a second
/// thread); below it a thread costs more than it saves.
const PARALLEL_PARSE_BYTES: usize = 64 * 1024;

/// Parses YAML text into a JSON value plus node positions. Syntax errors and values JSON
/// cannot hold (non-string keys that are not scalars, `.nan`) come back as one located
/// diagnostic.
pub fn parse(source: &str) -> Result<(serde_json::Value, Positions), Vec<Diagnostic>> {
    // serde_yaml makes the value and yaml-rust2 the positions; the two read the same text
    // independently, so a large spec has them run at the same time.
    let (parsed, positions) = if source.len() >= PARALLEL_PARSE_BYTES {
        std::thread::scope(|scope| {
            let positions = scope.spawn(|| positions(source));
            let parsed = serde_yaml::from_str::<serde_json::Value>(source);
            let positions = positions.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (parsed, Some(positions))
        })
    } else {
        (serde_yaml::from_str::<serde_json::Value>(source), None)
    };
    let value: serde_json::Value = match parsed {
        Ok(value) => value,
        Err(error) => {
            let location = error.location().map(|location| Location {
                line: location.line() as u32,
                column: location.column() as u32,
                offset: location.index(),
            });
            let mut message = error.to_string();
            // serde_yaml appends " at line L column C"; the diagnostic carries that itself.
            if let Some(index) = message.find(" at line ") {
                message.truncate(index);
            }
            let tab = location.is_some_and(|l| source.get(l.offset..).is_some_and(|rest| rest.starts_with('\t')));
            let help = if tab {
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
    let positions = positions.unwrap_or_else(|| self::positions(source));
    // A JSON object keeps only the last of two equal keys, so duplicates are found on the
    // event stream instead; silently dropping one would lose what the user wrote.
    if !positions.duplicates.is_empty() {
        return Err(positions
            .duplicates
            .iter()
            .map(|(pointer, location)| {
                let key = pointer.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
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
            .collect());
    }
    Ok((value, positions))
}

/// Serialises a JSON value as YAML text (for `accord schema --yaml` and tests).
pub fn to_string(value: &serde_json::Value) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

fn positions(source: &str) -> Positions {
    let mut builder = PositionBuilder { source, line_starts: line_starts(source), ..Default::default() };
    let mut parser = Parser::new_from_str(source);
    // A scanner error here is already reported by serde_yaml; positions stay partial.
    let _ = parser.load(&mut builder, false);
    builder.positions
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
}

enum Frame {
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
    let mut pointer = String::with_capacity(parent.len() + 1 + segment.len());
    pointer.push_str(parent);
    pointer.push('/');
    if segment.contains(['~', '/']) {
        pointer.push_str(&crate::diag::escape_segment(segment));
    } else {
        pointer.push_str(segment);
    }
    pointer
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
            Some(Frame::Sequence { pointer, next_index }) => {
                use std::fmt::Write as _;
                let mut child = String::with_capacity(pointer.len() + 4);
                child.push_str(pointer);
                let _ = write!(child, "/{next_index}");
                *next_index += 1;
                Some((child, None))
            }
            Some(Frame::Mapping { pending, .. }) => {
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
    /// its pointer and whether that pointer was already taken.
    fn collection_start(&mut self, mark: Marker) -> (String, bool) {
        let Some((pointer, key)) = self.next_pointer() else { return (String::new(), true) };
        let location = if pointer.is_empty() {
            Location { line: 1, column: 1, offset: 0 }
        } else {
            match &key {
                Some(key) if !key.duplicate => key.location,
                _ => self.positions.nodes.get(&pointer).and_then(|n| n.key).unwrap_or_else(|| self.location(mark)),
            }
        };
        let existed = self.record(pointer.clone(), key.as_ref(), location);
        (pointer, existed)
    }

    fn node_start(&mut self, mark: Marker) {
        let Some((pointer, key)) = self.next_pointer() else { return };
        let location = self.location(mark);
        self.record(pointer, key.as_ref(), location);
    }
}

impl MarkedEventReceiver for PositionBuilder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                let awaiting_key = matches!(self.stack.last(), Some(Frame::Mapping { pending: None, .. }));
                if awaiting_key {
                    let location = self.location(mark);
                    if let Some(Frame::Mapping { pointer, pending, seen }) = self.stack.last_mut() {
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
            Event::Alias(_) => {
                self.node_start(mark);
            }
            Event::MappingStart(..) => {
                let (pointer, taken) = self.collection_start(mark);
                let seen = taken.then(HashSet::new);
                self.stack.push(Frame::Mapping { pointer, pending: None, seen });
            }
            Event::SequenceStart(..) => {
                let (pointer, _) = self.collection_start(mark);
                self.stack.push(Frame::Sequence { pointer, next_index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                // A key still waiting for its value (a complex key before it shifted keys and
                // values) is located all the same.
                if let Some(Frame::Mapping { pending: Some(key), .. }) = self.stack.pop()
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
}
