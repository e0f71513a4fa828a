//! The only module that touches YAML: parses a spec file into a JSON value (serde_yaml, from
//! its maintained continuation `yaml_serde`) and builds the map from every node's JSON
//! pointer to its `line:col` (yaml-rust2's marked event parser), which serde_yaml's `Value`
//! does not keep.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diag::{Diagnostic, Location, escape_segment};

/// Positions of the nodes of one YAML document, keyed by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    values: HashMap<String, Location>,
    keys: HashMap<String, Location>,
    /// Keys that appear twice in one mapping: (pointer, location of the second).
    duplicates: Vec<(String, Location)>,
}

impl Positions {
    /// Where the value at `pointer` starts; falls back to the nearest located ancestor.
    pub fn value(&self, pointer: &str) -> Option<Location> {
        let mut pointer = pointer;
        loop {
            if let Some(location) = self.values.get(pointer) {
                return Some(*location);
            }
            let (parent, _) = pointer.rsplit_once('/')?;
            pointer = parent;
        }
    }

    /// Where the mapping key of the node at `pointer` starts (for "unknown key" errors);
    /// falls back to the value.
    pub fn key(&self, pointer: &str) -> Option<Location> {
        self.keys.get(pointer).copied().or_else(|| self.value(pointer))
    }
}

/// Parses YAML text into a JSON value plus node positions. Syntax errors and values JSON
/// cannot hold (non-string keys that are not scalars, `.nan`) come back as one located
/// diagnostic.
pub fn parse(source: &str) -> Result<(serde_json::Value, Positions), Vec<Diagnostic>> {
    let value: serde_json::Value = match serde_yaml::from_str(source) {
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
                ..Diagnostic::error("yaml::syntax", format!("invalid YAML: {message}")).label("here").help(help)
            }]);
        }
    };
    let positions = positions(source);
    // A JSON object keeps only the last of two equal keys, so duplicates are found on the
    // event stream instead; silently dropping one would lose what the user wrote.
    if !positions.duplicates.is_empty() {
        return Err(positions
            .duplicates
            .iter()
            .map(|(pointer, location)| {
                let key = pointer.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
                let first = positions
                    .keys
                    .get(pointer)
                    .map(|l| format!("first defined on line {}", l.line))
                    .unwrap_or_default();
                Diagnostic {
                    location: Some(*location),
                    ..Diagnostic::error("yaml::duplicate_key", format!("duplicate key `{key}`"))
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
    Mapping { pointer: String, pending_key: Option<String>, seen: std::collections::HashSet<String> },
    Sequence { pointer: String, next_index: usize },
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

    /// The pointer the next node gets, or `None` when the next scalar is a mapping key.
    fn next_pointer(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Sequence { pointer, next_index }) => {
                let child = format!("{pointer}/{next_index}");
                *next_index += 1;
                Some(child)
            }
            Some(Frame::Mapping { pointer, pending_key, .. }) => {
                pending_key.take().map(|key| format!("{pointer}/{}", escape_segment(&key)))
            }
        }
    }

    /// A block collection's start mark lies after its first key, so a mapping or list is
    /// located at its own key in the parent (or the top of the file for the root).
    fn collection_start(&mut self, mark: Marker) -> String {
        let Some(pointer) = self.next_pointer() else { return String::new() };
        let location = if pointer.is_empty() {
            Location { line: 1, column: 1, offset: 0 }
        } else {
            self.positions.keys.get(&pointer).copied().unwrap_or_else(|| self.location(mark))
        };
        self.positions.values.entry(pointer.clone()).or_insert(location);
        pointer
    }

    fn node_start(&mut self, mark: Marker) -> Option<String> {
        let pointer = self.next_pointer()?;
        let location = self.location(mark);
        self.positions.values.entry(pointer.clone()).or_insert(location);
        Some(pointer)
    }
}

impl MarkedEventReceiver for PositionBuilder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                let awaiting_key = matches!(self.stack.last(), Some(Frame::Mapping { pending_key: None, .. }));
                if awaiting_key {
                    let location = self.location(mark);
                    if let Some(Frame::Mapping { pointer, pending_key, seen }) = self.stack.last_mut() {
                        let child = format!("{pointer}/{}", escape_segment(&text));
                        if !seen.insert(text.clone()) {
                            self.positions.duplicates.push((child, location));
                        } else {
                            self.positions.keys.entry(child).or_insert(location);
                        }
                        *pending_key = Some(text);
                    }
                } else {
                    self.node_start(mark);
                }
            }
            Event::Alias(_) => {
                self.node_start(mark);
            }
            Event::MappingStart(..) => {
                let pointer = self.collection_start(mark);
                self.stack.push(Frame::Mapping { pointer, pending_key: None, seen: Default::default() });
            }
            Event::SequenceStart(..) => {
                let pointer = self.collection_start(mark);
                self.stack.push(Frame::Sequence { pointer, next_index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
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
        assert_eq!(errors[0].code, "yaml::syntax");
        assert!(errors[0].location.is_some());
        let duplicates = parse("a: 1\nb: 2\na: 3\n").expect_err("duplicate");
        assert_eq!(duplicates[0].code, "yaml::duplicate_key");
        assert_eq!(duplicates[0].location.map(|l| l.line), Some(3));
    }

    #[test]
    fn integer_keys_become_strings() {
        let (value, _) = parse("responses:\n  201: Order\n").expect("valid");
        assert_eq!(value["responses"]["201"], "Order");
    }
}
