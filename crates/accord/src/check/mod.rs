//! Semantic rules the JSON Schema cannot state: references resolve, names are unique and
//! usable, path parameters are declared and used, error codes exist, durations and rate
//! limits parse, scenarios name real endpoints and codes, webhook events have payloads.
//! Every rule adds a located diagnostic and checking goes on, so one run shows everything.
//!
//! This module holds the driver, the top-level rules and the helpers every area uses
//! (durations, rates, URLs); one submodule per area of the spec holds the rest: `models`,
//! `auth` (with environments), `endpoints`, `errors` (with retry, timeouts and rate limits),
//! `webhooks`, `scenarios`; and `spec_name` (the spec's name as a path).

use std::fmt::Write as _;

use crate::diag::{Code, Diagnostic, codes, join_pointer};
use crate::spec::*;
use crate::units::{parse_duration, parse_rate};

mod auth;
mod auth_flows;
mod endpoints;
mod errors;
pub mod groups;
mod models;
mod operational;
pub mod params;
pub mod routing;
mod scenarios;
mod servers;
pub mod spec_name;
mod streaming;
mod webhooks;

pub(crate) use auth::credential_place;
pub use endpoints::{is_media_type, pagination_problem, path_parameters};

/// Primitive type names a `type` may use besides model names.
pub const PRIMITIVES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "any"];

/// Runs every semantic rule on a parsed spec.
pub fn check(spec: &Spec, positions: &Positions) -> Vec<Diagnostic> {
    // The prose rule reads every string of the spec (half of `check` on an imported GitHub or
    // Stripe): for a large spec it runs on a second thread, its diagnostics still last.
    if spec.models.len() + spec.endpoints.len() < PARALLEL_MIN_ENTRIES {
        let mut checker = Checker { spec, positions, diagnostics: Vec::new() };
        checker.structure();
        checker.prose();
        return checker.diagnostics;
    }
    let (mut diagnostics, prose) = rayon::join(
        || {
            let mut checker = Checker { spec, positions, diagnostics: Vec::new() };
            checker.structure();
            checker.diagnostics
        },
        || {
            let mut checker = Checker { spec, positions, diagnostics: Vec::new() };
            checker.prose();
            checker.diagnostics
        },
    );
    diagnostics.extend(prose);
    diagnostics
}

/// The fewest models and endpoints for which [`check`] runs the prose rule on a thread of its
/// own: below it the thread costs more than it saves.
const PARALLEL_MIN_ENTRIES: usize = 256;

impl Checker<'_> {
    /// Every rule but the prose rule, in the order their diagnostics are reported.
    fn structure(&mut self) {
        self.top_level();
        self.spec_name();
        self.environments();
        self.servers();
        self.auth();
        self.models();
        self.errors();
        self.retry();
        self.timeouts();
        self.rate_limits();
        self.endpoints();
        self.groups();
        self.operational();
        self.streaming();
        self.webhooks();
        self.scenarios();
    }
}

struct Checker<'a> {
    spec: &'a Spec,
    positions: &'a Positions,
    diagnostics: Vec<Diagnostic>,
}

fn is_snake_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The repairs of every prose string under `value` (see `Checker::prose`), with its pointer.
/// Called on a whole spec, every key of it: the keys are matched with `match` rather than
/// searched in lists, and the path is kept as borrowed segments, written out as a pointer only
/// for a string that needs a repair (writing every node's pointer was most of the rule on
/// Stripe's imported spec; issue 22).
fn prose_repairs<'a>(
    value: &'a serde_json::Value,
    path: &mut Vec<Segment<'a>>,
    found: &mut Vec<(String, crate::markdown::Repair)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                // Values, not prose: examples, defaults, bodies and constants hold data.
                if matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "body" | "request" | "expect" | "const" | "enum" | "value"
                ) {
                    continue;
                }
                path.push(Segment::Key(key));
                match child {
                    serde_json::Value::String(text)
                        if matches!(key.as_str(), "description" | "summary" | "resolution" | "setup") =>
                    {
                        let repairs = crate::markdown::repair(text).1;
                        if !repairs.is_empty() {
                            let pointer = pointer_of(path);
                            found.extend(repairs.into_iter().map(|repair| (pointer.clone(), repair)));
                        }
                    }
                    _ => prose_repairs(child, path, found),
                }
                path.pop();
            }
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Segment::Index(index));
                prose_repairs(item, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// One step of a path into a JSON value: an object's key or an array's index.
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of `path` (RFC 6901: `~` and `/` in a key escaped).
fn pointer_of(path: &[Segment<'_>]) -> String {
    let mut pointer = String::new();
    for segment in path {
        pointer.push('/');
        match segment {
            Segment::Key(key) => crate::diag::push_pointer_segment(&mut pointer, key),
            // Writing into a `String` cannot fail.
            Segment::Index(index) => {
                let _ = write!(pointer, "{index}");
            }
        }
    }
    pointer
}

fn is_json_pointer(text: &str) -> bool {
    text.starts_with('/')
}

/// The `help:` of `spec::bad_pointer` for `text`: the pointer it most likely means, a
/// leading `/` added and dots of a dotted path made segments (`data.id` → `/data/id`).
pub(crate) fn pointer_help(text: &str) -> String {
    let segments = text.trim().trim_start_matches(['$', '.', '#']).replace('.', "/");
    format!("write `/{segments}`: a JSON pointer (RFC 6901) starts with `/`, one segment per level (`/data/0/id`)")
}

impl Checker<'_> {
    /// Adds a diagnostic of `code` located at the value at `pointer`; set its label or help
    /// on what this returns.
    fn report(&mut self, code: &'static Code, pointer: &str, message: String) -> &mut Diagnostic {
        let location = self.positions.value(pointer);
        self.diagnostics.push(Diagnostic { location, ..Diagnostic::new(code, message).at(pointer) });
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Adds a diagnostic of `code` located at the key of the node at `pointer` (for problems
    /// with a name rather than with what it names).
    fn report_at_key(&mut self, code: &'static Code, pointer: &str, message: String) -> &mut Diagnostic {
        let location = self.positions.key(pointer);
        self.diagnostics.push(Diagnostic { location, ..Diagnostic::new(code, message).at(pointer) });
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn duration(&mut self, text: &str, pointer: &str) {
        if let Err(message) = parse_duration(text) {
            self.report(codes::spec::BAD_DURATION, pointer, message).label = Some("not a duration".into());
        }
    }

    fn rate(&mut self, limit: &RateLimit, pointer: &str) {
        let (text, pointer) = match limit {
            RateLimit::Short(text) => (text.as_str(), pointer.to_string()),
            RateLimit::Full(def) => (def.limit.as_str(), format!("{pointer}/limit")),
        };
        if let Err(message) = parse_rate(text) {
            self.report(codes::spec::BAD_RATE_LIMIT, &pointer, message).label = Some("not a rate limit".into());
        }
    }

    fn url(&mut self, text: &str, pointer: &str) {
        match url::Url::parse(text) {
            Ok(url) if url.scheme() == "http" || url.scheme() == "https" => {}
            Ok(url) => {
                self.report(
                    codes::spec::BAD_URL,
                    pointer,
                    format!("`{text}` uses scheme `{}`; expected `http` or `https`", url.scheme()),
                );
            }
            Err(error) => {
                self.report(codes::spec::BAD_URL, pointer, format!("`{text}` is not an absolute URL ({error})")).help =
                    Some("write the full URL, e.g. `https://api.example.com`".into());
            }
        }
    }

    /// Prose whose Markdown generation repairs (`crate::markdown::repair`): a code block left
    /// open, a link whose target holds whitespace. Generation never fails on prose; this says
    /// where it changed it. Every `description`, `summary`, `resolution` and `setup` string is
    /// read, wherever it is, except inside values (examples, defaults, scenario bodies).
    fn prose(&mut self) {
        let mut found = Vec::new();
        // An import's spec is checked from its value: that value, not a serialised copy of
        // the spec read from it (the same JSON; a tenth of `check` on GitHub's import).
        if let Some(value) = self.positions.unlocated_value() {
            prose_repairs(value, &mut Vec::new(), &mut found);
        } else {
            let Ok(value) = serde_json::to_value(self.spec) else { return };
            prose_repairs(&value, &mut Vec::new(), &mut found);
        }
        for (pointer, repair) in found {
            self.report(codes::spec::MARKDOWN_REPAIRED, &pointer, repair.to_string()).help = Some(
                "fix the Markdown in the spec; the generated docs and doc comments print the repaired text".into(),
            );
        }
    }

    fn top_level(&mut self) {
        if self.spec.accord != 1 {
            self.report(
                codes::spec::UNSUPPORTED_VERSION,
                "/accord",
                format!("spec language version `{}` is not supported", self.spec.accord),
            )
            .help = Some("this accord reads `accord: 1`".into());
        }
        if !is_snake_name(&self.spec.name) {
            self.report(codes::spec::BAD_NAME, "/name", format!("`{}` is not a snake_case name", self.spec.name))
                .help = Some("use lowercase letters, digits and `_`, starting with a letter (e.g. `orders`)".into());
        }
        for (title, diagram) in &self.spec.sequences {
            if diagram.trim().is_empty() {
                let pointer = join_pointer("/sequences", title);
                self.report(codes::spec::EMPTY_SEQUENCE, &pointer, format!("sequence `{title}` is empty"));
            }
        }
    }
}

#[cfg(test)]
mod parallel_tests {
    use super::*;

    /// A spec large enough for the prose rule's own thread reports what one thread reports,
    /// in the same order: structural problems first, then the prose repairs.
    #[test]
    fn a_large_spec_is_checked_as_on_one_thread() {
        let mut yaml = String::from(
            "accord: 1\nname: big\nendpoints:\n  get_a:\n    method: GET\n    path: /a\n    description: \"```\\nunclosed\"\n    responses:\n      \"200\": {body: Nowhere}\nmodels:\n",
        );
        for index in 0..PARALLEL_MIN_ENTRIES {
            yaml.push_str(&format!(
                "  M{index}:\n    description: \"see [docs](a b) {index}\"\n    properties:\n      id: {{type: string}}\n      other: {{type: Missing{index}}}\n"
            ));
        }
        let loaded = crate::spec::load(&yaml);
        let spec = loaded.spec.unwrap_or_else(|| panic!("parses: {:?}", loaded.diagnostics));
        let threaded = check(&spec, &loaded.positions);
        let mut one = Checker { spec: &spec, positions: &loaded.positions, diagnostics: Vec::new() };
        one.structure();
        one.prose();
        let shown = |diagnostics: &[Diagnostic]| -> Vec<String> {
            diagnostics.iter().map(|d| format!("{} {} {}", d.code.name(), d.pointer, d.message)).collect()
        };
        assert_eq!(shown(&threaded), shown(&one.diagnostics));
        let codes: std::collections::BTreeSet<&str> = threaded.iter().map(|d| d.code.name()).collect();
        assert!(codes.contains(codes::spec::MARKDOWN_REPAIRED.name()), "{codes:?}");
        assert!(codes.len() > 1, "structural problems too: {codes:?}");
        let first_prose = threaded.iter().position(|d| d.code == codes::spec::MARKDOWN_REPAIRED).expect("a repair");
        assert!(threaded[first_prose..].iter().all(|d| d.code == codes::spec::MARKDOWN_REPAIRED), "prose last");
    }
}
