//! The minijinja environment: templates embedded from `templates/` (overridable by file
//! name from a directory), strict undefined variables, and the filters templates share.
//!
//! Filters every template (embedded or a user's) can call:
//! - `anchor`: the id mdBook (and GitHub) give a heading with this text;
//! - `cell`: text made safe for one Markdown table cell;
//! - `json`: a value as pretty JSON;
//! - `constraints`: an IR `Constraints` value in words (`length 1..=50, pattern `…``);
//! - `prose`: spec text made safe as Markdown (raw `<…>` escaped, bare URLs made links);
//! - `sentence`: the first sentence of a text (one-line purposes);
//! - `duration`: milliseconds as `300 ms`, `30 s`, `2 min`;
//! - `type_name`: an IR type expression in words, named types linked to their model;
//! - `sentences`: spec text as one table cell ending as a sentence does;
//! - `field_notes(constraints, ty, default, deprecated)`: a field's description with its
//!   constraints, default and deprecation, as one table cell.
//!
//! Shared macros live in `macros.j2` (`{% import "macros.j2" as m %}`). The last three
//! filters are its `type_name`, `sentences` and `field_notes` macros written in Rust: the
//! docs page calls them once per field and parameter, and a macro call was most of their
//! cost (issue 22). The macros remain, each calling its filter, for templates of one's own.

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior, Value};

/// Embedded templates, by file name.
const EMBEDDED: &[(&str, &str)] = &[
    ("client_cargo.toml.j2", include_str!("../../../../templates/client_cargo.toml.j2")),
    ("client_readme.md.j2", include_str!("../../../../templates/client_readme.md.j2")),
    ("models_cargo.toml.j2", include_str!("../../../../templates/models_cargo.toml.j2")),
    ("book.toml.j2", include_str!("../../../../templates/book.toml.j2")),
    ("mermaid-init.js.j2", include_str!("../../../../templates/mermaid-init.js.j2")),
    ("tables.css.j2", include_str!("../../../../templates/tables.css.j2")),
    ("tables.js.j2", include_str!("../../../../templates/tables.js.j2")),
    ("index.md.j2", include_str!("../../../../templates/index.md.j2")),
    ("spec.md.j2", include_str!("../../../../templates/spec.md.j2")),
    ("summary.md.j2", include_str!("../../../../templates/summary.md.j2")),
    ("macros.j2", include_str!("../../../../templates/macros.j2")),
    ("operational.md.j2", include_str!("../../../../templates/operational.md.j2")),
    ("checklist.md.j2", include_str!("../../../../templates/checklist.md.j2")),
    ("auth_flows.j2", include_str!("../../../../templates/auth_flows.j2")),
];

/// A ready template environment.
pub struct Templates {
    env: Environment<'static>,
    overrides: Vec<PathBuf>,
}

impl Templates {
    /// Loads the embedded templates. With `overrides`, every `*.j2` file of that folder is
    /// loaded too: one named like an embedded template replaces it, any other can be
    /// imported or included by the templates that are.
    ///
    /// Errors: `overrides` is not a readable folder, or a template cannot be read or does
    /// not parse (the message names the file and line).
    pub fn new(overrides: Option<&Path>) -> Result<Self, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| format!("template syntax: {e}"))?;
        env.set_syntax(syntax);
        env.add_filter("anchor", anchor);
        env.add_filter("cell", cell);
        env.add_filter("code", code);
        env.add_filter("json", json);
        env.add_filter("constraints", constraints);
        env.add_filter("prose", prose);
        env.add_filter("sentence", sentence);
        env.add_filter("duration", duration);
        env.add_filter("type_name", type_name);
        env.add_filter("sentences", sentences);
        env.add_filter("field_notes", field_notes);
        env.add_filter("param_notes", param_notes);
        env.add_filter("field_rows", field_rows);
        env.add_filter("param_rows", param_rows);
        env.add_filter("error_rows", error_rows);
        env.add_filter("used_by_sentence", used_by_sentence);
        // `raise("…")` fails the render: the `else` of a chain over an enum's variants
        // (auth schemes), so a variant a template does not know is an error, not a silent gap.
        env.add_function("raise", |message: String| -> Result<String, minijinja::Error> {
            Err(minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, message))
        });
        // Embedded templates are compiled when first rendered or imported, so a run compiles
        // only those it uses (all fourteen up front were an eighth of generating Petstore,
        // which uses eleven, issue 22). An override added below is found before the
        // loader is asked.
        env.set_loader(|name| Ok(EMBEDDED.iter().find(|(embedded, _)| *embedded == name).map(|(_, text)| *text)));
        let mut paths = Vec::new();
        if let Some(dir) = overrides {
            // A missing folder is an error rather than "no overrides": a typo in
            // `--templates` must not silently give the embedded output.
            let entries = std::fs::read_dir(dir)
                .map_err(|e| format!("cannot read the templates folder `{}`: {e}", dir.display()))?;
            for entry in entries {
                let path =
                    entry.map_err(|e| format!("cannot read the templates folder `{}`: {e}", dir.display()))?.path();
                if path.extension().is_some_and(|e| e == "j2") && path.is_file() {
                    paths.push(path);
                }
            }
            paths.sort();
            for path in &paths {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read template `{}`: {e}", path.display()))?;
                env.add_template_owned(name, text).map_err(|e| located(&e, &path.display().to_string()))?;
            }
        }
        Ok(Templates { env, overrides: paths })
    }

    /// The override files that were read, sorted (a build script reruns when one changes).
    pub fn override_files(&self) -> &[PathBuf] {
        &self.overrides
    }

    /// Renders a template with a context.
    ///
    /// Errors: the template name and line where rendering failed (which may be a template
    /// it imported), and what went wrong.
    pub fn render(&self, name: &str, context: Value) -> Result<String, String> {
        let template = self.env.get_template(name).map_err(|e| format!("template `{name}`: {e}"))?;
        let mut text = template.render(context).map_err(|e| located(&e, name))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

/// `template `macros.j2` line 7: undefined value: …`, naming the template the error is in
/// (not the one rendering, when a macro failed).
fn located(error: &minijinja::Error, rendering: &str) -> String {
    let name = error.name().unwrap_or(rendering);
    let what = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    let mut message = match error.line() {
        Some(line) => format!("template `{name}` line {line}: {what}"),
        None => format!("template `{name}`: {what}"),
    };
    if name != rendering {
        message.push_str(&format!(" (while rendering `{rendering}`)"));
    }
    message
}

/// The id mdBook gives a heading (`mdbook-html` `id_from_content`): trimmed, lowercase,
/// letters, digits, `-` and `_` kept, whitespace to `-`, everything else dropped. GitHub's
/// is the same for the ASCII text accord writes, so links work in both.
pub fn anchor(text: String) -> String {
    // ASCII text (nearly every heading and name): lowercased and filtered in one pass, by the
    // same rules as below restricted to ASCII.
    if text.is_ascii() {
        let mut out = String::with_capacity(text.len());
        for byte in text.trim().bytes() {
            match byte {
                b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => out.push(byte as char),
                b'A'..=b'Z' => out.push(byte.to_ascii_lowercase() as char),
                _ if (byte as char).is_whitespace() => out.push('-'),
                _ => {}
            }
        }
        return out;
    }
    unicode_anchor(&text)
}

/// [`anchor`]'s rule on any text: trimmed, lowercased, letters, digits, `-` and `_` kept,
/// whitespace made `-`, the rest dropped.
fn unicode_anchor(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// A Markdown code span holding `value` as written (`{{ header.name | code }}` →
/// `` `X-Key` ``): the fence is one backtick longer than the longest run of backticks in
/// the text, and a space pads a text that starts or ends with a backtick (CommonMark 6.1), so
/// a name such as ``a`[l](#x)` `` shows as it is instead of closing the span and becoming a
/// link. Names, headers and paths are not prose: nothing in them is Markdown.
pub fn code(value: Value) -> String {
    let shown;
    let text = match value.as_str() {
        Some(text) => text,
        None => {
            shown = value.to_string();
            &shown
        }
    };
    let mut longest = 0;
    let mut run = 0;
    for byte in text.bytes() {
        run = if byte == b'`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    // Written without `format!`: a page of a large spec has tens of thousands of spans.
    let mut out = String::with_capacity(text.len() + 2 * (longest + 1 + pad.len()));
    (0..=longest).for_each(|_| out.push('`'));
    out.push_str(pad);
    out.push_str(text);
    out.push_str(pad);
    (0..=longest).for_each(|_| out.push('`'));
    out
}

/// Whether `text` is a table cell already: no `|`, no whitespace but single spaces between
/// words. ASCII text is checked in one pass over its bytes (the cells of Stripe's tables were
/// scanned five times each; issue 22).
fn is_tidy_cell(text: &str) -> bool {
    if text.starts_with(' ') || text.ends_with(' ') {
        return false;
    }
    if !text.is_ascii() {
        return !text.contains('|') && !text.contains("  ") && !text.contains(|c: char| c.is_whitespace() && c != ' ');
    }
    let mut previous_space = false;
    for byte in text.bytes() {
        match byte {
            b'|' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => return false,
            b' ' if previous_space => return false,
            _ => {}
        }
        previous_space = byte == b' ';
    }
    true
}

/// Makes text safe inside a Markdown table cell: one line (runs of whitespace become one
/// space), pipes escaped.
fn cell(text: String) -> String {
    // Most cells are already one tidy line: returned as they came, without a copy.
    if is_tidy_cell(&text) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for (index, part) in word.split('|').enumerate() {
            if index > 0 {
                out.push_str("\\|");
            }
            out.push_str(part);
        }
    }
    out
}

/// A type expression of the IR (`{"kind": "named", "of": "Order"}`, `{"kind": "array", "of":
/// …}`) in the docs' words: a named type linked to its model's heading (`` [`Order`](#order) ``),
/// `…[]` for an array, `map&lt;string, …&gt;` for a map, the format after the type for a
/// formatted string or number (`string (date-time)`), `file` for binary, else the kind.
///
/// Errors: a value without a `kind` (an undefined value, as the macro gave), or nesting past
/// 64 levels.
fn type_name(ty: Value) -> Result<String, minijinja::Error> {
    let mut out = String::new();
    write_type_name(&ty, &mut out, 0)?;
    Ok(out)
}

fn write_type_name(ty: &Value, out: &mut String, depth: usize) -> Result<(), minijinja::Error> {
    use minijinja::{Error, ErrorKind};
    if depth > 64 {
        return Err(Error::new(ErrorKind::InvalidOperation, "type_name: a type nested more than 64 levels"));
    }
    let attribute = |name: &str| -> Result<Value, Error> {
        let value = ty.get_attr(name)?;
        if value.is_undefined() {
            return Err(Error::new(ErrorKind::UndefinedError, format!("type_name: the type has no `{name}`")));
        }
        Ok(value)
    };
    let kind = attribute("kind")?;
    match kind.as_str().unwrap_or_default() {
        "named" => {
            let of = attribute("of")?;
            let target = of.to_string();
            out.push('[');
            out.push_str(&code(of));
            out.push_str("](#");
            out.push_str(&anchor(target));
            out.push(')');
        }
        "array" => {
            write_type_name(&attribute("of")?, out, depth + 1)?;
            out.push_str("[]");
        }
        "map" => {
            out.push_str("map&lt;string, ");
            write_type_name(&attribute("of")?, out, depth + 1)?;
            out.push_str("&gt;");
        }
        "date_time" => out.push_str("string (date-time)"),
        "integer32" => out.push_str("integer (int32)"),
        "decimal" => out.push_str("number (decimal)"),
        format @ ("uri" | "uuid") => {
            out.push_str("string (");
            out.push_str(format);
            out.push(')');
        }
        "binary" => out.push_str("file"),
        _ => out.push_str(&kind.to_string()),
    }
    Ok(())
}

/// Spec text (or none) as one table cell, ending as a sentence does: `prose`, then `cell`,
/// then a full stop unless the text is empty or already ends with `.`, `!`, `?` or `:`.
fn sentences(text: Value) -> String {
    let text = match (text.is_true(), text.as_str()) {
        (false, _) => String::new(),
        (true, Some(text)) => text.to_string(),
        (true, None) => text.to_string(),
    };
    let mut text = cell(prose(text));
    if text.chars().next_back().is_some_and(|last| !".!?:".contains(last)) {
        text.push('.');
    }
    text
}

/// A field's (or parameter's) notes as one table cell: its description as [`sentences`], then
/// `Constraints: …` (the `constraints` filter, without a format the type already names:
/// date-time, decimal, uri, uuid, int32), `Default: `…`` and `**Deprecated.**`, each
/// present only when it applies, separated by spaces.
fn field_notes(
    description: Value,
    constraints_value: Value,
    ty: Value,
    default: Option<Value>,
    deprecated: Option<Value>,
) -> Result<String, minijinja::Error> {
    let text = sentences(description);
    let kind = ty.get_attr("kind")?;
    let format_named = matches!(kind.as_str(), Some("date_time" | "decimal" | "uri" | "uuid" | "integer32"));
    let limits = constraints(constraints_value, Some(format_named));
    let default = default.filter(|value| !value.is_none());
    let mut out = text;
    if !limits.is_empty() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str("Constraints: ");
        out.push_str(&cell(limits.clone()));
        out.push('.');
    }
    if let Some(default) = &default {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str("Default: ");
        out.push_str(&code(Value::from(cell(json(default.clone())))));
        out.push('.');
    }
    if deprecated.is_some_and(|value| value.is_true()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str("**Deprecated.**");
    }
    Ok(out)
}

/// Attribute `name` of a template value, an error where it has none (as reading it in a
/// template is, whose undefined values are strict).
fn attribute(value: &Value, name: &str) -> Result<Value, minijinja::Error> {
    let found = value.get_attr(name)?;
    if found.is_undefined() {
        return Err(minijinja::Error::new(minijinja::ErrorKind::UndefinedError, format!("no attribute `{name}`")));
    }
    Ok(found)
}

/// A parameter's notes in the docs' parameter table (`{{ p | param_notes }}`, the
/// `param_notes` macro of `macros.j2`): [`field_notes`], then, where the style is not the
/// place's default, the style (OpenAPI 3.1 §4.8.12.4) and what it writes
/// (`` Style `form`, exploded: `tag=a&tag=b`. ``).
///
/// Errors: a value without a parameter's attributes, or a style that has no branch here
/// (every style of `accord_contract::wire::ParamStyle` has one).
fn param_notes(p: Value) -> Result<String, minijinja::Error> {
    let mut out = field_notes(
        attribute(&p, "description")?,
        attribute(&p, "constraints")?,
        attribute(&p, "ty")?,
        Some(attribute(&p, "default")?),
        None,
    )?;
    if attribute(&p, "default_style")?.is_true() {
        return Ok(out);
    }
    if !out.is_empty() {
        out.push(' ');
    }
    let style = attribute(&p, "style")?;
    let explode = attribute(&p, "explode")?.is_true();
    out.push_str("Style ");
    out.push_str(&code(style.clone()));
    out.push_str(if explode { ", exploded:" } else { ":" });
    let n = attribute(&p, "wire_name")?.to_string();
    let written = match style.as_str().unwrap_or_default() {
        "form" if explode => format!("{n}=a&{n}=b"),
        "form" => format!("{n}=a,b"),
        "space_delimited" => format!("{n}=a%20b"),
        "pipe_delimited" => cell(format!("{n}=a|b")),
        "deep_object" => format!("{n}[key]=value"),
        "simple" if explode => "key=value,key2=value2".to_string(),
        "simple" => "a,b".to_string(),
        "label" => ".a.b".to_string(),
        "matrix" if explode => format!(";{n}=a;{n}=b"),
        "matrix" => format!(";{n}=a,b"),
        other => {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("unknown parameter style {other}"),
            ));
        }
    };
    out.push(' ');
    out.push_str(&code(Value::from(written)));
    out.push('.');
    Ok(out)
}

/// The rows of a model's field table (`{{ t.kind.fields | field_rows }}`), one line each
/// without the last line break: `| name | type | required | notes |`, the type followed by
/// `or null` for a nullable field, the required column saying `in responses (read-only)` or
/// `in requests (write-only)` for such fields, the notes [`field_notes`]. One call per model
/// instead of a template loop per field (and [`param_rows`] per endpoint and place): with
/// both, Stripe's `accord generate` went from 576 to 564 ms and GitHub's from 325 to 319 ms
/// (medians of 11 alternating runs, non-LTO release build, 2 cores; issue 22).
fn field_rows(fields: Value) -> Result<String, minijinja::Error> {
    rows(fields, |field, out| {
        name_cell(&field, out)?;
        let ty = attribute(&field, "ty")?;
        write_type_name(&ty, out, 0)?;
        if attribute(&field, "nullable")?.is_true() {
            out.push_str(" or null");
        }
        out.push_str(" | ");
        let required = attribute(&field, "required")?.is_true();
        if attribute(&field, "read_only")?.is_true() {
            out.push_str(if required { "in responses (read-only)" } else { "no (read-only)" });
        } else if attribute(&field, "write_only")?.is_true() {
            out.push_str(if required { "in requests (write-only)" } else { "no (write-only)" });
        } else {
            out.push_str(if required { "yes" } else { "no" });
        }
        out.push_str(" | ");
        out.push_str(&field_notes(
            attribute(&field, "description")?,
            attribute(&field, "constraints")?,
            ty,
            Some(attribute(&field, "default")?),
            Some(attribute(&field, "deprecated")?),
        )?);
        out.push_str(" |");
        Ok(())
    })
}

/// Where a model is used, as its docs say it (`{{ used_by[t.name] | used_by_sentence }}`):
/// `Used by ` the endpoints, the models, the webhook events (`the webhook event(s) …`) and the
/// error responses (`[every error response](#error-codes)`) that carry it, each a link, the
/// names of a group joined by `, ` and the groups by `; `, ending with `.`; empty when it is
/// used nowhere. One call per model instead of a template loop per link: Stripe's models
/// chapter has 8,430 such links.
fn used_by_sentence(uses: Value) -> Result<String, minijinja::Error> {
    let names =
        |group: &str| -> Result<Vec<Value>, minijinja::Error> { Ok(attribute(&uses, group)?.try_iter()?.collect()) };
    let (endpoints, models, events) = (names("endpoints")?, names("models")?, names("events")?);
    let error_body = attribute(&uses, "error_body")?.is_true();
    if endpoints.is_empty() && models.is_empty() && events.is_empty() && !error_body {
        return Ok(String::new());
    }
    // `[`name`](#name)`, as `m.endpoint_link` writes an endpoint's.
    let link = |name: &Value, target: Option<&str>, out: &mut String| {
        out.push('[');
        out.push_str(&code(name.clone()));
        out.push_str("](#");
        match target {
            Some(target) => out.push_str(target),
            None => out.push_str(&anchor(name.to_string())),
        }
        out.push(')');
    };
    let joined = |names: &[Value], target: Option<&str>, out: &mut String| {
        for (index, name) in names.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            link(name, target, out);
        }
    };
    let mut groups: Vec<String> = Vec::new();
    if !endpoints.is_empty() {
        let mut out = String::new();
        joined(&endpoints, None, &mut out);
        groups.push(out);
    }
    if !models.is_empty() {
        let mut out = String::new();
        joined(&models, None, &mut out);
        groups.push(out);
    }
    if !events.is_empty() {
        let mut out = String::from(if events.len() == 1 { "the webhook event " } else { "the webhook events " });
        joined(&events, Some("webhook-events"), &mut out);
        groups.push(out);
    }
    if error_body {
        groups.push("[every error response](#error-codes)".to_string());
    }
    Ok(format!("Used by {}.", groups.join("; ")))
}

/// One table row per item of `items`, each written by `row`, joined by line breaks (none
/// after the last).
fn rows(
    items: Value,
    mut row: impl FnMut(Value, &mut String) -> Result<(), minijinja::Error>,
) -> Result<String, minijinja::Error> {
    let mut out = String::new();
    for (index, item) in items.try_iter()?.enumerate() {
        if index > 0 {
            out.push('\n');
        }
        row(item, &mut out)?;
    }
    Ok(out)
}

/// A row's first cell, the item's `wire_name` as code: `` | `name` | ``.
fn name_cell(item: &Value, out: &mut String) -> Result<(), minijinja::Error> {
    out.push_str("| ");
    out.push_str(&code(attribute(item, "wire_name")?));
    out.push_str(" | ");
    Ok(())
}

/// The rows of an endpoint's parameter table for the parameters of one place (`path`,
/// `query`, `header`: `{{ op.query | param_rows("query") }}`), one line each without the last
/// line break: `| name | place | type | required | notes |`, a path parameter always
/// required, the notes [`param_notes`].
fn param_rows(params: Value, place: String) -> Result<String, minijinja::Error> {
    rows(params, |p, out| {
        name_cell(&p, out)?;
        out.push_str(&place);
        out.push_str(" | ");
        write_type_name(&attribute(&p, "ty")?, out, 0)?;
        out.push_str(" | ");
        let required = place == "path" || attribute(&p, "required")?.is_true();
        out.push_str(if required { "yes" } else { "no" });
        out.push_str(" | ");
        out.push_str(&param_notes(p)?);
        out.push_str(" |");
        Ok(())
    })
}

/// What the client does when an error code comes back, by its declared retry strategy (the
/// `retry_text` macro of `macros.j2`).
fn retry_text(strategy: &Value) -> Result<&'static str, minijinja::Error> {
    Ok(match strategy.as_str() {
        Some("never") => "not retried",
        Some("backoff") => "retried with exponential backoff",
        Some("after_header") => "retried after the `Retry-After` delay",
        Some("refresh_auth") => "retried once after refreshing credentials",
        _ => {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("macros.j2: no text for the retry strategy `{strategy}`"),
            ));
        }
    })
}

/// The rows of an endpoint's error table (`{{ op.errors | error_rows(codes_by_name, safe,
/// ir.retry.max_attempts, op.http_method) }}`), one line each without the last line break:
/// `| [`CODE`](#error-code) | statuses | what the client does |`, the statuses as the
/// `error_statuses` macro writes them (with the body test of a code matched by its body),
/// what the client does by the code's retry strategy, the retry policy and whether the
/// request is safe to repeat (`safe`: its method is idempotent or it has an idempotency key).
///
/// Errors: a name `codes_by_name` does not have, or a retry strategy or body test without a
/// text.
fn error_rows(
    names: Value,
    codes_by_name: Value,
    safe: Value,
    max_attempts: Value,
    method: Value,
) -> Result<String, minijinja::Error> {
    let one_attempt = max_attempts.as_i64().is_some_and(|attempts| attempts <= 1);
    rows(names, |name, out| {
        let code = codes_by_name.get_item(&name)?;
        if code.is_undefined() {
            return Err(minijinja::Error::new(minijinja::ErrorKind::UndefinedError, format!("no error code `{name}`")));
        }
        out.push_str("| [");
        out.push_str(&self::code(name.clone()));
        out.push_str("](#");
        out.push_str(&anchor(format!("error {name}")));
        out.push_str(") | ");
        let statuses = attribute(&code, "statuses")?;
        for (at, status) in statuses.try_iter()?.enumerate() {
            if at > 0 {
                out.push_str(", ");
            }
            out.push_str(&status.to_string());
        }
        let body_match = attribute(&code, "body_match")?;
        if body_match.is_true() {
            out.push_str(", when ");
            out.push_str(&self::code(attribute(&body_match, "pointer")?));
            out.push(' ');
            let test = attribute(&body_match, "test")?;
            let equals = test.get_attr("equals").ok().filter(|value| !value.is_undefined());
            if test.as_str() == Some("present") {
                out.push_str("is present");
            } else if let Some(equals) = equals {
                out.push_str("is ");
                out.push_str(&self::code(equals));
            } else {
                return Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("macros.j2: no text for the body test `{test}`"),
                ));
            }
        }
        out.push_str(" | ");
        let retry = attribute(&code, "retry")?;
        if matches!(retry.as_str(), Some("never" | "refresh_auth")) {
            out.push_str(retry_text(&retry)?);
        } else if one_attempt {
            out.push_str("not retried (the retry policy allows one attempt)");
        } else if safe.is_true() || statuses.try_iter()?.any(|status| status == Value::from(429)) {
            out.push_str(retry_text(&retry)?);
        } else {
            out.push_str("not retried: without an idempotency key, a ");
            out.push_str(&method.to_string());
            out.push_str(" may have acted");
        }
        out.push_str(" |");
        Ok(())
    })
}

/// Pretty JSON of a value.
fn json(value: Value) -> String {
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// A number as people write it: `1`, not `1.0`. `None` for anything but a finite number
/// (JSON has no others).
fn number(value: &Value) -> Option<String> {
    if !value.is_number() {
        return None;
    }
    let number = f64::try_from(value.clone()).ok().filter(|n| n.is_finite())?;
    if number.fract() == 0.0 && number.abs() < 1e15 {
        Some(format!("{}", number as i64))
    } else {
        Some(number.to_string())
    }
}

/// An IR `Constraints` value in words: `format `ISO 3166-1 alpha-2``, `at most 50
/// characters`, `1 to 999`, `at least 1 item`, `pattern `^…$``, `unique items (a set)`,
/// `one of `1`, `2``. Empty when there are none.
/// With `skip_format` true, the format is left out (the type already names it:
/// `string (date-time)`).
fn constraints(value: Value, skip_format: Option<bool>) -> String {
    // Read in place: most fields have no constraints, and converting every value to JSON
    // first was most of this filter's cost.
    if value.kind() != minijinja::value::ValueKind::Map {
        return String::new();
    }
    let get = |name: &str| value.get_attr(name).ok().filter(|v| !v.is_undefined() && !v.is_none());
    let field = |name: &str| get(name).as_ref().and_then(number);
    let mut parts = Vec::new();
    if let Some(format) = get("format").as_ref().and_then(|v| v.as_str().map(str::to_string))
        && !skip_format.unwrap_or(false)
    {
        parts.push(format!("format `{format}`"));
    }
    let plural = |count: &str, unit: &str| {
        if unit.is_empty() {
            count.to_string()
        } else if count == "1" {
            format!("{count} {unit}")
        } else {
            format!("{count} {unit}s")
        }
    };
    let mut range = |min: Option<String>, max: Option<String>, unit: &str| match (min, max) {
        (Some(min), Some(max)) if min == max => parts.push(format!("exactly {}", plural(&max, unit))),
        (Some(min), Some(max)) => parts.push(format!("{min} to {}", plural(&max, unit))),
        (Some(min), None) => parts.push(format!("at least {}", plural(&min, unit))),
        (None, Some(max)) => parts.push(format!("at most {}", plural(&max, unit))),
        (None, None) => {}
    };
    range(field("min_length"), field("max_length"), "character");
    range(field("minimum"), field("maximum"), "");
    range(field("min_items"), field("max_items"), "item");
    if let Some(pattern) = get("pattern").as_ref().and_then(|v| v.as_str()) {
        parts.push(format!("pattern `{pattern}`"));
    }
    if get("unique_items").is_some_and(|unique| unique.is_true()) {
        parts.push("unique items (a set)".into());
    }
    if let Some(values) = get("allowed_values").filter(|values| values.len().is_some_and(|n| n > 0))
        && let Ok(values) = values.try_iter()
    {
        // As JSON writes them: `true`, not the template language's `True`; `1`, not `1.0`.
        let shown: Vec<String> = values
            .map(|value| match value.kind() {
                minijinja::value::ValueKind::Bool => format!("`{}`", value.is_true()),
                _ => format!("`{}`", number(&value).unwrap_or_else(|| value.to_string())),
            })
            .collect();
        parts.push(format!("one of {}", shown.join(", ")));
    }
    parts.join(", ")
}

/// Spec text (Markdown written by the spec's author, often copied from a provider's docs)
/// made safe to print: outside code spans and fenced blocks, `<` becomes `&lt;` (so
/// `Bearer <token>` shows rather than vanishing as an unknown HTML tag) and a bare
/// `http(s)://` URL becomes an autolink `<…>` (mdBook links only those).
///
/// Someone else's Markdown never breaks the page: it is [`crate::markdown::repair`]ed first (a
/// code block left open is closed, a link whose target holds whitespace keeps its text), and
/// code blocks are told by CommonMark's rule, so ```` ```name``` ```` is a code span.
pub fn prose(text: String) -> String {
    let text = match crate::markdown::repair(&text) {
        (std::borrow::Cow::Borrowed(_), _) => text,
        (std::borrow::Cow::Owned(repaired), _) => repaired,
    };
    // Nothing to escape or link (no code span, `<`, e-mail address, URL or fragment link):
    // the text as it came, without a copy.
    if !text.contains(['`', '<', '@']) && !text.contains("http") && !text.contains("](#") {
        return text;
    }
    let text = drop_fragment_links(&text);
    let mut out = String::with_capacity(text.len() + 16);
    let mut fence: Option<String> = None;
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        if let Some(open) = &fence {
            if crate::markdown::closes_fence(line, open) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if let Some(open) = crate::markdown::opening_fence(line) {
            fence = Some(open.to_string());
            out.push_str(line);
            continue;
        }
        prose_line(line, &mut out);
    }
    out
}

/// Links to a section of the author's own documentation (`[text](#section)`, the text
/// possibly over several lines) keep their text and lose the link: the section is not on
/// accord's page. Links inside code spans are left alone.
fn drop_fragment_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(position) = rest.find("](#") {
        let (before, after) = rest.split_at(position);
        let target_end = after[3..].find(')');
        let open = before.rfind('[').filter(|&open| !before[open + 1..].contains(']'));
        let in_code = |open: usize| {
            let line_start = before[..open].rfind('\n').map_or(0, |i| i + 1);
            before[line_start..open].matches('`').count() % 2 == 1
        };
        match (open, target_end) {
            (Some(open), Some(end)) if !after[3..3 + end].contains(char::is_whitespace) && !in_code(open) => {
                out.push_str(&before[..open]);
                out.push_str(&before[open + 1..]);
                rest = &after[3 + end + 1..];
            }
            _ => {
                out.push_str(before);
                out.push_str("](#");
                rest = &after[3..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn prose_line(line: &str, out: &mut String) {
    prose_line_in(line, out, true);
}

/// [`prose_line`], the text between the characters a rule starts at copied in runs when
/// `in_runs` (else a character at a time, as the tests compare).
fn prose_line_in(line: &str, out: &mut String, in_runs: bool) {
    // Without an `@` no e-mail address starts anywhere, and every other rule starts at one of
    // these characters: the text between them is copied as it is, in runs (a character at a
    // time it was most of the docs' prose filter on Stripe's descriptions; issue 22).
    let runs = in_runs && !line.contains('@');
    let mut rest = line;
    while !rest.is_empty() {
        if runs {
            let plain = rest.find([']', '`', '<', 'h']).unwrap_or(rest.len());
            if plain > 0 {
                out.push_str(&rest[..plain]);
                rest = &rest[plain..];
                continue;
            }
        }
        // What is left of a link to a section after `drop_fragment_links` is not one it could
        // read (`[a [b] c](#x)`, a stray `](#x)`): escaped (`]\(#`, CommonMark 2.4), so it
        // shows as written and the page's link check, which is for accord's own links, passes.
        if rest.starts_with("](#") {
            out.push_str("]\\(#");
            rest = &rest[3..];
            continue;
        }
        // A code span: a run of backticks up to the same run; printed as it is.
        if rest.starts_with('`') {
            let ticks = rest.len() - rest.trim_start_matches('`').len();
            let fence = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(fence) {
                let span = ticks + end + ticks;
                out.push_str(&rest[..span]);
                rest = &rest[span..];
                continue;
            }
            out.push_str(fence);
            rest = &rest[ticks..];
            continue;
        }
        // An autolink the author wrote: kept.
        if (rest.starts_with("<http://") || rest.starts_with("<https://"))
            && let Some(end) = rest.find('>')
            && !rest[..end].contains(char::is_whitespace)
        {
            out.push_str(&rest[..=end]);
            rest = &rest[end + 1..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end =
                rest.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '"')).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
            // Already a link target (`[text](url)`): left alone.
            if out.ends_with("](") || url.len() <= "https://".len() {
                out.push_str(url);
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            rest = &rest[url.len()..];
            continue;
        }
        // A bare e-mail address at the start of a word: an autolink too.
        let at_word_start = out.chars().last().is_none_or(|c| c.is_whitespace() || c == '(');
        if at_word_start && let Some(length) = email_length(rest) {
            out.push('<');
            out.push_str(&rest[..length]);
            out.push('>');
            rest = &rest[length..];
            continue;
        }
        let next = rest.chars().next().unwrap_or_default();
        if next == '<' {
            out.push_str("&lt;");
        } else {
            out.push(next);
        }
        rest = &rest[next.len_utf8()..];
    }
}

/// The length of the e-mail address `text` starts with (`name@host.tld`), if it does.
fn email_length(text: &str) -> Option<usize> {
    let local = text.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')))?;
    if local == 0 || !text[local..].starts_with('@') {
        return None;
    }
    let host_start = local + 1;
    let host = text[host_start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-')))
        .unwrap_or(text.len() - host_start);
    let domain = text[host_start..host_start + host].trim_end_matches('.');
    let tld = domain.rsplit('.').next().unwrap_or_default();
    (domain.contains('.') && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        .then_some(host_start + domain.len())
}

/// The first sentence of a text, on one line: up to the first `. ` that is outside
/// parentheses and code spans and followed by a capital letter (so `(e.g. WhatsApp)` and
/// `e.g. the next` do not end it), and never past the first paragraph.
fn sentence(text: String) -> String {
    let paragraph = text.trim().split("\n\n").next().unwrap_or_default();
    let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    let (mut depth, mut code) = (0_i32, false);
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (index, &(at, c)) in chars.iter().enumerate() {
        match c {
            '`' => code = !code,
            '(' if !code => depth += 1,
            ')' if !code => depth -= 1,
            '.' if !code && depth <= 0 => {
                let next = chars.get(index + 1).map(|&(_, c)| c);
                let after = chars.get(index + 2).map(|&(_, c)| c);
                if next == Some(' ') && after.is_some_and(char::is_uppercase) {
                    return line[..=at].to_string();
                }
            }
            _ => {}
        }
    }
    line
}

/// Milliseconds in the largest unit that divides them: `250 ms`, `30 s`, `5 min`, `2 h`.
fn duration(milliseconds: u64) -> String {
    match milliseconds {
        0 => "0 s".to_string(),
        ms if ms % 3_600_000 == 0 => format!("{} h", ms / 3_600_000),
        ms if ms % 60_000 == 0 => format!("{} min", ms / 60_000),
        ms if ms % 1000 == 0 => format!("{} s", ms / 1000),
        ms => format!("{ms} ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_with(dir: &Path, name: &str, context: Value) -> Result<String, String> {
        Templates::new(Some(dir))?.render(name, context)
    }

    /// The template text the row filters replaced (`spec.md.j2`'s loops and `macros.j2`'s
    /// `param_notes` before issue 22), rendered with the same filters otherwise.
    const LOOPS: &str = r#"{% macro param_notes(p) -%}
{%- set notes = p.description | field_notes(p.constraints, p.ty, p.default) -%}
{{ notes }}
{%- if not p.default_style %}{% if notes %} {% endif %}Style {{ p.style | code }}{{ ", exploded" if p.explode else "" }}:
{%- set n = p.wire_name -%}
{%- if p.style == "form" %} {{ (n ~ "=a&" ~ n ~ "=b" if p.explode else n ~ "=a,b") | code }}
{%- elif p.style == "space_delimited" %} {{ (n ~ "=a%20b") | code }}
{%- elif p.style == "pipe_delimited" %} {{ (n ~ "=a|b") | cell | code }}
{%- elif p.style == "deep_object" %} {{ (n ~ "[key]=value") | code }}
{%- elif p.style == "simple" %} {{ ("key=value,key2=value2" if p.explode else "a,b") | code }}
{%- elif p.style == "label" %} {{ ".a.b" | code }}
{%- elif p.style == "matrix" %} {{ (";" ~ n ~ "=a;" ~ n ~ "=b" if p.explode else ";" ~ n ~ "=a,b") | code }}
{%- else %}{{ raise("unknown parameter style " ~ p.style) }}
{%- endif %}.
{%- endif %}
{%- endmacro %}
{% for p in params %}
| {{ p.wire_name | code }} | query | {{ p.ty | type_name }} | {{ "yes" if p.required else "no" }} | {{ param_notes(p) }} |
{% endfor %}
{% for f in fields %}
| {{ f.wire_name | code }} | {{ f.ty | type_name }}{% if f.nullable %} or null{% endif %} | {% if f.read_only %}{{ "in responses" if f.required else "no" }} (read-only){% elif f.write_only %}{{ "in requests" if f.required else "no" }} (write-only){% else %}{{ "yes" if f.required else "no" }}{% endif %} | {{ f.description | field_notes(f.constraints, f.ty, f.default, f.deprecated) }} |
{% endfor %}
"#;

    /// The same with the row filters.
    const FILTERS: &str = "{% if params %}\n{{ params | param_rows(\"query\") }}\n{% endif %}\n{% if fields %}\n{{ fields | field_rows }}\n{% endif %}\n";

    #[test]
    fn the_row_filters_write_what_the_template_loops_wrote() {
        let no_constraints = serde_json::json!({"min_length": null, "max_length": null, "pattern": null, "minimum": null,
            "maximum": null, "min_items": null, "max_items": null, "unique_items": false, "allowed_values": [], "format": null});
        let limited = serde_json::json!({"min_length": 1, "max_length": 64, "pattern": "^[a-z|]+$", "minimum": null,
            "maximum": null, "min_items": null, "max_items": null, "unique_items": false, "allowed_values": [], "format": "uuid"});
        let types = [
            serde_json::json!({"kind": "string"}),
            serde_json::json!({"kind": "array", "of": {"kind": "named", "of": "Pet`s"}}),
            serde_json::json!({"kind": "uuid"}),
        ];
        let mut params = Vec::new();
        let styles = ["form", "space_delimited", "pipe_delimited", "deep_object", "simple", "label", "matrix"];
        for (index, style) in styles.iter().enumerate() {
            for explode in [false, true] {
                for default_style in [false, true] {
                    for described in [false, true] {
                        params.push(serde_json::json!({
                            "wire_name": format!("p{index}|{explode}"), "style": style, "explode": explode,
                            "default_style": default_style, "required": explode == described,
                            "description": if described { Some("The `tag`s  to match |  any.") } else { None },
                            "ty": types[index % types.len()],
                            "constraints": if default_style { &limited } else { &no_constraints },
                            "default": if described && !explode { serde_json::json!(["a", 1]) } else { serde_json::Value::Null },
                        }));
                    }
                }
            }
        }
        let mut fields = Vec::new();
        for (index, ty) in types.iter().enumerate() {
            for bits in 0..32u8 {
                let bit = |n: u8| bits & (1 << n) != 0;
                fields.push(serde_json::json!({
                    "wire_name": format!("f{index}_{bits}"), "ty": ty, "nullable": bit(0), "required": bit(1),
                    "read_only": bit(2), "write_only": bit(3) && !bit(2), "deprecated": bit(4),
                    "description": if bit(0) { Some("Who\nmade it.") } else { None },
                    "constraints": if bit(1) { &limited } else { &no_constraints },
                    "default": if bit(3) { serde_json::json!("x") } else { serde_json::Value::Null },
                }));
            }
        }
        let mut env = Templates::new(None).unwrap().env;
        env.add_template("loops", LOOPS).unwrap();
        env.add_template("filters", FILTERS).unwrap();
        let context = minijinja::context! { params => Value::from(minijinja::value::Serde(&params)), fields => Value::from(minijinja::value::Serde(&fields)) };
        let loops = env.get_template("loops").unwrap().render(&context).unwrap();
        let filters = env.get_template("filters").unwrap().render(&context).unwrap();
        assert_eq!(filters, loops);
        assert_eq!(loops.lines().count(), params.len() + fields.len());
        for written in [
            "`p2\\|false=a\\|b`",
            "`;p6|true=a;p6|true=b`",
            "`p3|false[key]=value`",
            "(write-only)",
            "in responses (read-only)",
            "or null",
            "**Deprecated.**",
        ] {
            assert!(loops.contains(written), "{written}");
        }
        // An unknown style fails the render, as the macro's `raise` did.
        let mut bad = params[0].clone();
        bad["style"] = serde_json::json!("sideways");
        assert!(param_notes(Value::from(minijinja::value::Serde(&bad))).is_err());
    }

    #[test]
    fn the_error_row_filter_writes_what_the_template_loop_wrote() {
        // The loop of `spec.md.j2` before issue 22, with the macros of `macros.j2`.
        const LOOP: &str = r#"{% import "macros.j2" as m %}
{% for name in errors %}
{% set code = codes_by_name[name] %}
| {{ m.error_link(name) }} | {{ m.error_statuses(code) }} | {% if code.retry in ["never", "refresh_auth"] %}{{ m.retry_text(code.retry) }}{% elif max_attempts <= 1 %}not retried (the retry policy allows one attempt){% elif safe or 429 in code.statuses %}{{ m.retry_text(code.retry) }}{% else %}not retried: without an idempotency key, a {{ method }} may have acted{% endif %} |
{% endfor %}
"#;
        const FILTER: &str = "{{ errors | error_rows(codes_by_name, safe, max_attempts, method) }}\n";
        let mut codes = serde_json::Map::new();
        let mut names = Vec::new();
        let body_matches = [
            serde_json::Value::Null,
            serde_json::json!({"pointer": "/ok", "test": "present"}),
            serde_json::json!({"pointer": "/error/type", "test": {"equals": "card_error"}}),
            serde_json::json!({"pointer": "/ok", "test": {"equals": false}}),
        ];
        for (index, retry) in ["never", "backoff", "after_header", "refresh_auth"].iter().enumerate() {
            for (at, statuses) in
                [serde_json::json!([404]), serde_json::json!([429, "5XX"]), serde_json::json!(["default"])]
                    .iter()
                    .enumerate()
            {
                let name = format!("CODE_{index}_{at}`x");
                codes.insert(name.clone(), serde_json::json!({
                    "statuses": statuses, "retry": retry, "body_match": body_matches[(index + at) % body_matches.len()],
                }));
                names.push(name);
            }
        }
        let mut env = Templates::new(None).unwrap().env;
        env.add_template("loop", LOOP).unwrap();
        env.add_template("filter", FILTER).unwrap();
        for (safe, max_attempts, method) in [
            (serde_json::json!(false), 3, "POST"),
            (serde_json::json!("Idempotency-Key"), 3, "POST"),
            (serde_json::json!(true), 1, "GET"),
        ] {
            let context = minijinja::context! {
                errors => Value::from(minijinja::value::Serde(&names)),
                codes_by_name => Value::from(minijinja::value::Serde(&codes)),
                safe => Value::from(minijinja::value::Serde(&safe)),
                max_attempts => max_attempts,
                method => method,
            };
            let looped = env.get_template("loop").unwrap().render(&context).unwrap();
            let filtered = env.get_template("filter").unwrap().render(&context).unwrap();
            assert_eq!(filtered, looped, "{safe} {max_attempts} {method}");
            assert_eq!(looped.lines().filter(|line| line.starts_with('|')).count(), names.len());
        }
        // A name without a code, or a strategy without a text, fails as the loop did.
        let context = |names: &[&str], codes: &serde_json::Map<String, serde_json::Value>| {
            minijinja::context! {
                errors => Value::from(minijinja::value::Serde(names)),
                codes_by_name => Value::from(minijinja::value::Serde(codes)),
                safe => false, max_attempts => 3, method => "POST",
            }
        };
        assert!(env.get_template("filter").unwrap().render(context(&["MISSING"], &codes)).is_err());
        let mut odd = codes.clone();
        odd.insert("ODD".into(), serde_json::json!({"statuses": [429], "retry": "sometimes", "body_match": null}));
        assert!(env.get_template("filter").unwrap().render(context(&["ODD"], &odd)).is_err());
        assert!(env.get_template("loop").unwrap().render(context(&["ODD"], &odd)).is_err());
    }

    #[test]
    fn every_embedded_template_compiles() {
        // They are compiled when first used: this finds a syntax error without a spec that
        // uses the template.
        let templates = Templates::new(None).unwrap();
        for (name, _) in EMBEDDED {
            if let Err(error) = templates.env.get_template(name) {
                panic!("embedded template `{name}`: {error}");
            }
        }
    }

    #[test]
    fn an_override_replaces_the_embedded_template_of_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("summary.md.j2"),
            "# My summary\n\n{% for s in specs %}- {{ s.title }}\n{% endfor %}",
        )
        .unwrap();
        let context = minijinja::context! { specs => vec![minijinja::context! { title => "Orders API" }] };
        let text = render_with(dir.path(), "summary.md.j2", context).unwrap();
        assert_eq!(text, "# My summary\n\n- Orders API\n");
        let templates = Templates::new(Some(dir.path())).unwrap();
        assert_eq!(templates.override_files(), &[dir.path().join("summary.md.j2")]);
    }

    #[test]
    fn a_user_template_can_import_the_shared_macros_and_call_the_filters() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.md.j2"),
            "{% import \"macros.j2\" as m %}{% from \"mine.j2\" import shout %}\
             {{ m.type_name(ty) }} | {{ \"Order Status!\" | anchor }} | {{ \"a|b\n c\" | cell }} | \
             {{ limits | constraints }} | {{ 90000 | duration }} | {{ shout(\"hi\") }}",
        )
        .unwrap();
        // A template of the user's own, imported by the override.
        std::fs::write(dir.path().join("mine.j2"), "{% macro shout(x) %}{{ x | upper }}{% endmacro %}").unwrap();
        let context = minijinja::context! {
            ty => minijinja::context! { kind => "array", of => minijinja::context! { kind => "named", of => "OrderItem" } },
            limits => minijinja::context! { minimum => 1.0, maximum => 999.0, max_length => 50 },
        };
        let text = render_with(dir.path(), "index.md.j2", context).unwrap();
        assert_eq!(
            text,
            "[`OrderItem`](#orderitem)[] | order-status | a\\|b c | at most 50 characters, 1 to 999 | 90 s | HI\n"
        );
    }

    #[test]
    fn an_undefined_variable_fails_with_the_template_name_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("summary.md.j2"),
            "# Summary\n\n{{ specs | length }}\n{{ no_such_thing.title }}\n",
        )
        .unwrap();
        let error =
            render_with(dir.path(), "summary.md.j2", minijinja::context! { specs => Vec::<Value>::new() }).unwrap_err();
        assert!(error.starts_with("template `summary.md.j2` line 4: undefined value"), "{error}");

        // In a macro the user's template called: the macro's template and line are named.
        std::fs::write(
            dir.path().join("macros.j2"),
            "{% macro type_name(ty) %}\n{{ ty.no_such_field.x }}\n{% endmacro %}",
        )
        .unwrap();
        std::fs::write(dir.path().join("summary.md.j2"), "{% import \"macros.j2\" as m %}\n{{ m.type_name(t) }}\n")
            .unwrap();
        let error =
            render_with(dir.path(), "summary.md.j2", minijinja::context! { t => minijinja::context! {} }).unwrap_err();
        assert!(error.starts_with("template `macros.j2` line 2: undefined value"), "{error}");
        assert!(error.ends_with("(while rendering `summary.md.j2`)"), "{error}");
    }

    #[test]
    fn a_missing_templates_folder_or_a_broken_override_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let error = Templates::new(Some(&missing)).err().expect("an error");
        assert!(error.contains("cannot read the templates folder"), "{error}");
        std::fs::write(dir.path().join("spec.md.j2"), "line one\n{% if %}\n").unwrap();
        let error = Templates::new(Some(dir.path())).err().expect("an error");
        assert!(error.contains("spec.md.j2") && error.contains("line 2"), "{error}");
    }

    #[test]
    fn tidy_cells_are_found_as_the_searches_found_them() {
        let searched = |text: &str| {
            !text.contains('|')
                && !text.starts_with(' ')
                && !text.ends_with(' ')
                && !text.contains("  ")
                && !text.contains(|c: char| c.is_whitespace() && c != ' ')
        };
        let pieces = ["", "a", " ", "  ", "|", "\t", "\n", "\r", "\x0b", "\x0c", "\u{a0}", "é", "b c"];
        for [a, b, c] in crate::test_util::triples(&pieces) {
            let text = format!("{a}{b}{c}");
            assert_eq!(is_tidy_cell(&text), searched(&text), "{text:?}");
        }
    }

    #[test]
    fn ascii_anchors_follow_the_unicode_rule() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for text in [every_ascii.as_str(), " \x0b\x0cA b\tC_d-E.f ", "\r\nX Y\n", "", "   "] {
            assert_eq!(anchor(text.to_string()), unicode_anchor(text), "{text:?}");
        }
        for byte in 0u8..128 {
            let text = format!("a{}B", char::from(byte));
            assert_eq!(anchor(text.clone()), unicode_anchor(&text), "{text:?}");
        }
        assert_eq!(code(Value::from(12)), "`12`");
        assert_eq!(code(Value::from("a``b`")), "``` a``b` ```");
    }

    #[test]
    fn anchors_match_mdbook_heading_ids() {
        assert_eq!(anchor("create_order".into()), "create_order");
        assert_eq!(anchor("OrderPage".into()), "orderpage");
        assert_eq!(anchor("Error codes".into()), "error-codes");
        assert_eq!(anchor(" `POST` /api/v1/orders ".into()), "post-apiv1orders");
    }

    #[test]
    fn prose_drops_links_to_sections_of_someone_elses_docs() {
        assert_eq!(
            prose("See [Parameter fields](#parameter-fields) and [docs](https://e.com/x#y).".into()),
            "See Parameter fields and [docs](https://e.com/x#y)."
        );
        assert_eq!(prose("`[code](#kept)`".into()), "`[code](#kept)`");
        assert_eq!(prose("the [scheduled\nquery](#scheduled_queries)).".into()), "the scheduled\nquery).");
        // Someone else's prose never fails the page's link check: what is not dropped is escaped.
        let odd = prose("[a [b] c](#x), ](#y), [t](#a b) and [u](#v \"title\")".into());
        assert_eq!(odd, "[a [b] c]\\(#x), ]\\(#y), t and [u]\\(#v \"title\")");
        assert_eq!(crate::emit::docs::check_fragments(&format!("# T\n\n{odd}\n")), Ok(()));
        // ```` ```name``` ```` is a code span, and an open fence is closed before the page goes on.
        assert_eq!(prose("```name``` [s](#x)".into()), "```name``` s");
        assert_eq!(prose("```\nopen".into()), "```\nopen\n```");
    }

    #[test]
    fn prose_lines_copied_in_runs_are_the_lines_copied_a_character_at_a_time() {
        let pieces = [
            "",
            "a",
            "h",
            "ht",
            "http://x.io/a.",
            "https://",
            "<https://a.b/c>",
            "<http://a b>",
            "<",
            "<b>",
            "]",
            "](#",
            "](#x)",
            "`",
            "``",
            "`a<b`",
            "``a`b``",
            " ",
            "(",
            "hi@example.com",
            "@",
            "x@y",
            "é",
            "mail me: a@b.co",
        ];
        for [a, b, c] in crate::test_util::triples(&pieces) {
            let line = format!("{a}{b} {c}{a}");
            let (mut fast, mut slow) = (String::new(), String::new());
            prose_line_in(&line, &mut fast, true);
            prose_line_in(&line, &mut slow, false);
            assert_eq!(fast, slow, "{line:?}");
        }
    }

    #[test]
    fn prose_escapes_raw_html_and_links_bare_urls_outside_code() {
        assert_eq!(prose("Bearer <api_key> or `Bearer <token>`".into()), "Bearer &lt;api_key> or `Bearer <token>`");
        assert_eq!(
            prose("See https://example.com/docs. Or [this](https://example.com/x), <https://e.com>.".into()),
            "See <https://example.com/docs>. Or [this](https://example.com/x), <https://e.com>."
        );
        assert_eq!(prose("```\n<b>\n```\n<i>".into()), "```\n<b>\n```\n&lt;i>");
        assert_eq!(
            prose("Mail support@example.com. Not a@b or `x@y.com`".into()),
            "Mail <support@example.com>. Not a@b or `x@y.com`"
        );
    }

    #[test]
    fn sentences_and_durations_read_as_people_write_them() {
        assert_eq!(sentence("Creates orders. Tracks them.\nMore.".into()), "Creates orders.");
        assert_eq!(sentence("One line\nwrapped\n\nSecond paragraph.".into()), "One line wrapped");
        assert_eq!(
            sentence("Send an SMS or channel (e.g. WhatsApp) message, e.g. this one. Then more.".into()),
            "Send an SMS or channel (e.g. WhatsApp) message, e.g. this one."
        );
        assert_eq!(duration(300_000), "5 min");
        assert_eq!(duration(1500), "1500 ms");
        assert_eq!(duration(7_200_000), "2 h");
    }

    #[test]
    fn the_used_by_filter_writes_what_the_template_lines_wrote() {
        // The lines of `spec.md.j2` before issue 22's `used_by_sentence`.
        const LINES: &str = r#"{% import "macros.j2" as m %}
{% for uses in all %}
{% if uses.endpoints or uses.models or uses.events or uses.error_body %}
Used by {% for name in uses.endpoints %}{{ m.endpoint_link(name) }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- if uses.endpoints and (uses.models or uses.events or uses.error_body) %}; {% endif %}
{%- if uses.models %}{% for name in uses.models %}[{{ name | code }}](#{{ name | anchor }}){% if not loop.last %}, {% endif %}{% endfor %}{% endif %}
{%- if uses.models and (uses.events or uses.error_body) %}; {% endif %}
{%- if uses.events %}the webhook event{{ "" if uses.events | length == 1 else "s" }} {% for e in uses.events %}[{{ e | code }}](#webhook-events){% if not loop.last %}, {% endif %}{% endfor %}{% endif %}
{%- if uses.events and uses.error_body %}; {% endif %}
{%- if uses.error_body %}[every error response](#error-codes){% endif %}.
{% endif %}
{% endfor %}
"#;
        const FILTER: &str = r#"{% for uses in all %}
{% if uses.endpoints or uses.models or uses.events or uses.error_body %}
{{ uses | used_by_sentence }}
{% endif %}
{% endfor %}
"#;
        // Every combination of the four groups empty or not, with one, two and three names,
        // names with backticks and characters the anchor drops.
        let names: [&[&str]; 4] = [&[], &["list_pets"], &["Pet", "`odd` name"], &["a.b", "C-D", "e_f"]];
        let mut all = Vec::new();
        for bits in 0..(4 * 4 * 4 * 2) {
            all.push(serde_json::json!({
                "endpoints": names[bits % 4],
                "models": names[(bits / 4) % 4],
                "events": names[(bits / 16) % 4],
                "error_body": bits / 64 == 1,
            }));
        }
        let mut env = Templates::new(None).unwrap().env;
        env.add_template("lines", LINES).unwrap();
        env.add_template("filter", FILTER).unwrap();
        let context = minijinja::context! { all => Value::from(minijinja::value::Serde(&all)) };
        let lines = env.get_template("lines").unwrap().render(&context).unwrap();
        let filtered = env.get_template("filter").unwrap().render(&context).unwrap();
        assert_eq!(filtered, lines);
        assert_eq!(lines.lines().count(), all.len() - 1, "every combination but the empty one");
        for written in
            ["the webhook events [", "the webhook event [", "; [every error response](#error-codes).", "](#odd-name)"]
        {
            assert!(lines.contains(written), "{written}");
        }
    }
}
