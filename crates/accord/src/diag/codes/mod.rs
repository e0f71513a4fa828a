//! The registry of diagnostic codes: every code a diagnostic can carry is declared once, with
//! its stable name, default severity, a one-line summary, a paragraph saying what is checked
//! and why it matters, and an example (as rustc's `--explain` texts and clippy's lint
//! declarations do). `accord explain CODE` prints an entry.
//!
//! A [`Diagnostic`](super::Diagnostic) is made from an entry, and only this module can make
//! an entry (the fields of [`Code`] are private), so an unregistered code does not compile.
//! Namespaces follow the stage that finds the problem: [`yaml`] (the text), [`schema`] (the
//! JSON Schema of the spec language), [`spec`] (the rules of `check` and of the driver),
//! [`io`] (reading spec files), [`import`] (documents given to `accord import`) and
//! [`internal`] (accord itself).

use std::fmt;

use super::Severity;

/// Declares the codes of one namespace module: a `pub const` per code, and `ALL`.
macro_rules! codes {
    ($(
        $constant:ident = $name:literal, $severity:ident {
            summary: $summary:literal,
            explanation: $explanation:literal,
            example: $example:expr $(,)?
        }
    )*) => {
        $(
            #[doc = concat!("`", $name, "`: ", $summary, ".")]
            pub const $constant: &$crate::diag::codes::Code = &$crate::diag::codes::Code {
                name: $name,
                severity: $crate::diag::Severity::$severity,
                summary: $summary,
                explanation: $explanation,
                example: $example,
            };
        )*

        /// The codes declared in this module, in declaration order.
        pub(in $crate::diag::codes) const ALL: &[&$crate::diag::codes::Code] = &[$($constant),*];

        /// Each code with the name of its constant, for the registry's tests.
        #[cfg(test)]
        pub(in $crate::diag::codes) const CONSTANTS: &[(&str, &$crate::diag::codes::Code)] =
            &[$((stringify!($constant), $constant)),*];
    };
}

pub mod import;
pub mod internal;
pub mod io;
pub mod schema;
pub mod spec;
pub mod yaml;

#[cfg(test)]
mod tests;

/// One registered diagnostic code. Entries are constants of the namespace modules
/// ([`spec::UNKNOWN_REF`]); codes compare and sort by name.
pub struct Code {
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
    example: Example,
}

/// How an explanation shows its code happening.
#[derive(Debug, Clone, Copy)]
pub enum Example {
    /// Spec text that gets the code and, where useful, the same text corrected. The text is
    /// part of a spec: the top-level `accord`, `name` and `endpoints` it leaves out are those
    /// of any valid spec (the registry's tests compile it so, named `specs/example.yaml`).
    Spec {
        /// The text that gets the code.
        bad: &'static str,
        /// The text corrected.
        fixed: Option<&'static str>,
    },
    /// The situation in words, for a code that spec text does not show: an empty file, a
    /// file that cannot be read, two specs, a broken accord.
    Situation(&'static str),
}

impl Example {
    /// Spec text that gets the code, and the text corrected.
    pub const fn fixed(bad: &'static str, fixed: &'static str) -> Example {
        Example::Spec { bad, fixed: Some(fixed) }
    }

    /// The situation in words.
    pub const fn situation(text: &'static str) -> Example {
        Example::Situation(text)
    }
}

/// Example texts are raw strings that open on a new line, so that their YAML can start at
/// the first column of the source; that first line break is not part of the text.
fn trim(text: &'static str) -> &'static str {
    text.strip_prefix('\n').unwrap_or(text)
}

impl Code {
    /// The stable name, `namespace::snake_case` (`spec::unknown_ref`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The severity diagnostics of this code have.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// One line, lowercase, without a trailing period: what the code is about.
    pub fn summary(&self) -> &'static str {
        self.summary
    }

    /// One paragraph: what is checked, and why it matters.
    pub fn explanation(&self) -> &'static str {
        self.explanation
    }

    /// The example, its texts without the leading line break of the source.
    pub fn example(&self) -> Example {
        match self.example {
            Example::Spec { bad, fixed } => Example::Spec { bad: trim(bad), fixed: fixed.map(trim) },
            Example::Situation(text) => Example::Situation(text),
        }
    }

    /// The text `accord explain CODE` prints: a headline, the explanation wrapped at 90
    /// columns, and the example indented.
    pub fn explain(&self) -> String {
        let mut out = format!("{}[{}]: {}\n\n", self.severity.as_str(), self.name, self.summary);
        out.push_str(&wrap(self.explanation, 90));
        match self.example() {
            Example::Spec { bad, fixed } => {
                out.push_str("\nExample:\n\n");
                out.push_str(&indent(bad));
                if let Some(fixed) = fixed {
                    out.push_str("\nFixed:\n\n");
                    out.push_str(&indent(fixed));
                }
            }
            Example::Situation(text) => {
                out.push_str("\nExample:\n\n");
                out.push_str(&wrap(text, 90));
            }
        }
        out
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Code {}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name.cmp(other.name)
    }
}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Every registered code, sorted by name.
pub fn all() -> Vec<&'static Code> {
    let mut codes: Vec<&'static Code> = [yaml::ALL, schema::ALL, io::ALL, import::ALL, internal::ALL]
        .into_iter()
        .flatten()
        .copied()
        .chain(spec::all())
        .collect();
    codes.sort();
    codes
}

/// The code named `name` (`spec::unknown_ref`).
pub fn find(name: &str) -> Option<&'static Code> {
    all().into_iter().find(|code| code.name == name)
}

/// A did-you-mean for a name that is no code: the closest name, or, when the namespace was
/// left out (`unknown_ref`), the code whose name ends with it or with something close.
pub fn suggest(name: &str) -> Option<String> {
    let codes = all();
    let closest = super::closest(name, codes.iter().map(|code| code.name)).or_else(|| {
        let short = |code: &&'static Code| code.name.split_once("::").map_or(code.name, |(_, short)| short);
        let short_name = super::closest(name, codes.iter().map(short))?;
        codes.iter().find(|code| short(code) == short_name).map(|code| code.name)
    })?;
    Some(format!("did you mean `{closest}`?"))
}

/// Wraps a paragraph at `width` columns (words are never split), ending with a line break.
fn wrap(paragraph: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_length = 0;
    for word in paragraph.split_whitespace() {
        let length = word.chars().count();
        if line_length > 0 && line_length + 1 + length > width {
            out.push('\n');
            line_length = 0;
        }
        if line_length > 0 {
            out.push(' ');
            line_length += 1;
        }
        out.push_str(word);
        line_length += length;
    }
    out.push('\n');
    out
}

/// Indents every non-empty line by four spaces, ending with a line break.
fn indent(text: &str) -> String {
    text.lines().map(|line| if line.is_empty() { "\n".to_string() } else { format!("    {line}\n") }).collect()
}
