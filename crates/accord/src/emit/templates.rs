//! The minijinja environment: templates embedded from `templates/` (overridable by file
//! name from a directory), strict undefined variables, and the filters templates share.

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior, Value};

/// Embedded templates, by file name.
const EMBEDDED: &[(&str, &str)] = &[
    ("client_cargo.toml.j2", include_str!("../../../../templates/client_cargo.toml.j2")),
    ("client_readme.md.j2", include_str!("../../../../templates/client_readme.md.j2")),
    ("spec.md.j2", include_str!("../../../../templates/spec.md.j2")),
    ("summary.md.j2", include_str!("../../../../templates/summary.md.j2")),
    ("macros.j2", include_str!("../../../../templates/macros.j2")),
];

/// A ready template environment.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads the embedded templates, replacing any that `overrides` has a file of the same
    /// name for.
    ///
    /// Errors: an override cannot be read or does not parse.
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
        env.add_filter("json", json);
        for (name, text) in EMBEDDED {
            let text = match overrides.map(|dir| dir.join(name)).filter(|p| p.is_file()) {
                Some(path) => std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read template `{}`: {e}", path.display()))?,
                None => text.to_string(),
            };
            env.add_template_owned(name.to_string(), text).map_err(|e| format!("template `{name}`: {e}"))?;
        }
        Ok(Templates { env })
    }

    /// Renders a template with a context.
    ///
    /// Errors: the template name and line, and what went wrong.
    pub fn render(&self, name: &str, context: Value) -> Result<String, String> {
        let template = self.env.get_template(name).map_err(|e| format!("template `{name}`: {e}"))?;
        let mut text = template.render(context).map_err(|e| match e.line() {
            Some(line) => format!("template `{name}` line {line}: {e}"),
            None => format!("template `{name}`: {e}"),
        })?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

/// A GitHub-style heading anchor: lowercase, spaces to `-`, punctuation dropped.
fn anchor(text: String) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// Makes text safe inside a Markdown table cell: one line, pipes escaped.
fn cell(text: String) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// Pretty JSON of a value.
fn json(value: Value) -> String {
    serde_json::to_value(&value).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_default()
}
