//! Diagnostics: located problems in a spec, collected (never thrown) by every front-end
//! stage and rendered with a source snippet by codespan-reporting. Every diagnostic carries a
//! code from the registry in [`codes`], which also explains it (`accord explain CODE`).

pub mod codes;

use std::fmt;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

pub use codes::Code;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The spec still compiles; the author should look.
    Warning,
    /// The spec cannot be compiled; nothing is written.
    Error,
}

impl Severity {
    /// `error` or `warning`, as rendered diagnostics spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A position in a spec file: 1-based line and column, and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// 0-based byte offset into the file.
    pub offset: usize,
}

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Stable code from the registry, e.g. [`codes::spec::UNKNOWN_REF`].
    pub code: &'static Code,
    /// Warning or error: the code's severity.
    pub severity: Severity,
    /// Lowercase message without a trailing period; keys in backticks.
    pub message: String,
    /// JSON pointer of the offending node (`/endpoints/create_order/path`), empty for the root.
    pub pointer: String,
    /// Where the node starts, when known.
    pub location: Option<Location>,
    /// Short text shown under the source snippet.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of a registered code, with the code's severity, and a message; locate it
    /// with [`Diagnostic::at`].
    pub fn new(code: &'static Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            pointer: String::new(),
            location: None,
            label: None,
            help: None,
        }
    }

    /// Sets the JSON pointer of the offending node.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    /// Sets the label shown under the snippet.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help line when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Whether this diagnostic stops compilation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One line for terminals that show one line per message (cargo's `cargo:warning`):
    /// `file:line:col: error[code]: message (at `key.path`; help: …)`.
    pub fn one_line(&self, file_name: &str) -> String {
        let notes = self.notes();
        let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join("; ")) };
        format!("{}{notes}", self.headline(file_name)).replace('\n', " ")
    }

    /// `file:line:col: severity[code]: message`, the first line of every rendering.
    fn headline(&self, file_name: &str) -> String {
        let position = match self.location {
            Some(location) => format!("{file_name}:{}:{}", location.line, location.column),
            None => file_name.to_string(),
        };
        format!("{position}: {}[{}]: {}", self.severity.as_str(), self.code, self.message)
    }

    /// The key path and the help, as notes.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.pointer.is_empty() {
            notes.push(format!("at `{}`", pointer_to_path(&self.pointer)));
        }
        if let Some(help) = &self.help {
            notes.push(format!("help: {help}"));
        }
        notes
    }

    /// Renders `file:line:col: error[code]: message` followed by a source snippet, the JSON
    /// pointer and the help line, without colours (the CLI and snapshots use this).
    pub fn render(&self, file_name: &str, source: &str) -> String {
        let mut report = match self.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_code(self.code.name())
        .with_message(&self.message);
        if let Some(location) = self.location {
            let start = location.offset.min(source.len());
            let end = token_end(source, start);
            report = report
                .with_labels(vec![Label::primary((), start..end).with_message(self.label.clone().unwrap_or_default())]);
        }
        report = report.with_notes(self.notes());
        let file = SimpleFile::new(file_name, source);
        let config = term::Config::default();
        let snippet = term::emit_into_string(&config, &file, &report)
            .unwrap_or_else(|_| format!("{}: {}\n", self.code, self.message));
        // codespan repeats `severity[code]: message` as its first line; ours leads with the
        // position instead, so that editors and grep find `file:line:col`.
        let snippet = snippet.split_once('\n').map_or("", |(_, rest)| rest);
        format!("{}\n{snippet}", self.headline(file_name))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = self.location {
            write!(f, "{}:{}: ", location.line, location.column)?;
        }
        write!(f, "[{}] {}", self.code, self.message)
    }
}

/// The end of the token starting at `start`: up to the end of the line, a `:` (mapping key)
/// or a flow-collection delimiter, so that labels underline one key or scalar.
fn token_end(source: &str, start: usize) -> usize {
    let rest = &source[start..];
    let mut end = start;
    let mut quote: Option<char> = None;
    for (index, character) in rest.char_indices() {
        match (quote, character) {
            (_, '\n') | (_, '\r') => break,
            (None, '"') | (None, '\'') if index == 0 => quote = Some(character),
            (Some(open), c) if c == open && index > 0 => {
                end = start + index + c.len_utf8();
                break;
            }
            (None, ':') | (None, ',') | (None, '}') | (None, ']') | (None, '#') if index > 0 => break,
            _ => {}
        }
        end = start + index + character.len_utf8();
    }
    let trimmed = source[start..end].trim_end();
    if trimmed.is_empty() { (start + 1).min(source.len()) } else { start + trimmed.len() }
}

/// Turns a JSON pointer into the dotted key path users see: `/endpoints/a~1b/errors/0` →
/// `endpoints."a/b".errors[0]`.
pub fn pointer_to_path(pointer: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(pointer.len() + 8);
    for segment in pointer.split('/').skip(1) {
        // Unescaped only when it holds a `~` (most segments do not: no copy).
        let segment: std::borrow::Cow<'_, str> =
            if segment.contains('~') { segment.replace("~1", "/").replace("~0", "~").into() } else { segment.into() };
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) && !out.is_empty() {
            out.push('[');
            out.push_str(&segment);
            out.push(']');
            continue;
        }
        if !out.is_empty() {
            out.push('.');
        }
        let plain = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if plain {
            out.push_str(&segment);
        } else {
            // Writing into a `String` cannot fail.
            let _ = write!(out, "{segment:?}");
        }
    }
    if out.is_empty() { "(root)".to_string() } else { out }
}

/// Escapes one JSON pointer segment (RFC 6901 §3).
pub fn escape_segment(segment: &str) -> String {
    let mut escaped = String::with_capacity(segment.len());
    push_pointer_segment(&mut escaped, segment);
    escaped
}

/// Appends `segment` to `pointer` escaped (RFC 6901 §3: `~` as `~0`, `/` as `~1`), without the
/// `/` before it.
pub fn push_pointer_segment(pointer: &mut String, segment: &str) {
    if !segment.contains(['~', '/']) {
        pointer.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Appends a segment to a JSON pointer.
pub fn join_pointer(pointer: &str, segment: &str) -> String {
    let mut joined = String::with_capacity(pointer.len() + 1 + segment.len());
    joined.push_str(pointer);
    joined.push('/');
    push_pointer_segment(&mut joined, segment);
    joined
}

/// "did you mean `…`?" with the closest candidate to `name`, if close enough to be a likely
/// typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(name, candidates).map(|candidate| format!("did you mean `{candidate}`?"))
}

/// The closest candidate to `name` by edit distance (ignoring case), if close enough to be a
/// likely typo: at most a third of the name's characters differ.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(&lower, &candidate.to_lowercase());
        let threshold = (name.chars().count().max(3) / 3).max(1);
        if distance <= threshold && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_segments_are_escaped_as_rfc_6901_says() {
        assert_eq!(escape_segment("plain_key"), "plain_key");
        assert_eq!(escape_segment("/repos/{owner}~x"), "~1repos~1{owner}~0x");
        assert_eq!(join_pointer("/paths", "/pets/{id}"), "/paths/~1pets~1{id}");
        assert_eq!(join_pointer("", "a~1"), "/a~01");
        let mut pointer = String::from("/models");
        push_pointer_segment(&mut pointer, "Order");
        assert_eq!(pointer, "/modelsOrder", "no separator is added");
    }

    #[test]
    fn pointer_paths_read_like_keys() {
        assert_eq!(pointer_to_path("/endpoints/create_order/errors/2"), "endpoints.create_order.errors[2]");
        assert_eq!(pointer_to_path("/webhooks/events/order.created"), "webhooks.events.\"order.created\"");
        assert_eq!(pointer_to_path(""), "(root)");
        assert_eq!(pointer_to_path("/a~1b/~0c/0/x~01/é/-"), "\"a/b\".\"~c\"[0].\"x~1\".\"é\".-");
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(did_you_mean("Ordr", ["Order", "Customer"]).as_deref(), Some("did you mean `Order`?"));
        assert_eq!(did_you_mean("Zebra", ["Order", "Customer"]), None);
    }
}
