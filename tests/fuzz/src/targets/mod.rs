//! The fuzz targets: each makes an input from a [`Dice`] (a pure function of the seed and
//! the input's index) and runs it through one part of accord.

use std::path::{Path, PathBuf};

use crate::mutate::Dice;

pub mod mock;
pub mod openapi;
pub mod selftest;
pub mod spec;
pub mod webhook;

/// What one input did, apart from panicking (the runner catches panics).
#[derive(Debug)]
pub enum Outcome {
    /// Accepted all the way through.
    Accepted,
    /// Refused with a clean error; the note, if any, is something worth counting (an error
    /// without a location, say): its first line is counted in the run's summary, and the
    /// first input of each is saved with the whole note.
    Rejected(Option<String>),
    /// A property that must hold did not: a defect, like a panic.
    Violation(String),
}

/// One fuzz target.
pub trait Target: Sync {
    /// Its name on the command line (`spec`).
    fn name(&self) -> &'static str;
    /// File extension of saved inputs.
    fn extension(&self) -> &'static str;
    /// Input `dice` describes.
    fn generate(&self, dice: &mut Dice) -> Vec<u8>;
    /// Runs one input.
    fn execute(&self, input: &[u8]) -> Outcome;
}

/// The names of every target, in the order `all` runs them.
pub const NAMES: [&str; 4] = ["spec", "openapi", "webhook", "mock"];

/// The target `name`, with its seeds loaded.
///
/// Errors: an unknown name, or seeds that cannot be read (the message says where).
pub fn load(name: &str) -> Result<Box<dyn Target>, String> {
    match name {
        "spec" => Ok(Box::new(spec::SpecTarget::load()?)),
        "openapi" => Ok(Box::new(openapi::OpenApiTarget::load()?)),
        "webhook" => Ok(Box::new(webhook::WebhookTarget::load()?)),
        "mock" => Ok(Box::new(mock::MockTarget::load()?)),
        "selftest" => Ok(Box::new(selftest::SelfTest)),
        other => Err(format!("unknown target `{other}`; the targets are {}", NAMES.join(", "))),
    }
}

/// The workspace root (`ACCORD_ROOT`, else two folders above this crate).
pub fn workspace_root() -> PathBuf {
    std::env::var_os("ACCORD_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The shared corpus (`ACCORD_CORPUS`, else `../shared/corpus` beside the workspace, where
/// `tests/import/check.sh` finds it too).
pub fn corpus_root() -> PathBuf {
    std::env::var_os("ACCORD_CORPUS").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("../shared/corpus"))
}

/// The files of `folder` whose names end with one of `extensions`, sorted.
///
/// Errors: the folder cannot be listed or a file read, so a run never starts without seeds.
pub fn read_folder(folder: &Path, extensions: &[&str]) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let entries = std::fs::read_dir(folder).map_err(|e| format!("cannot list seeds in {}: {e}", folder.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", folder.display()))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if extensions.iter().any(|extension| name.ends_with(extension)) {
            let bytes = std::fs::read(&path).map_err(|e| format!("cannot read seed {}: {e}", path.display()))?;
            files.push((path, bytes));
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("no seeds ({}) in {}", extensions.join(", "), folder.display()));
    }
    Ok(files)
}

/// The keywords of the spec language (spec types' keys, placeholders, preset names), for
/// token insertion.
pub const SPEC_KEYWORDS: &[&str] = &[
    "accord",
    "name",
    "title",
    "version",
    "description",
    "status",
    "environments",
    "base_url",
    "default",
    "auth",
    "credentials",
    "require",
    "none",
    "type",
    "bearer",
    "basic",
    "api_key",
    "oauth2",
    "client_credentials",
    "token_url",
    "scopes",
    "header",
    "in",
    "query",
    "cookie",
    "env",
    "headers",
    "models",
    "properties",
    "required",
    "items",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "allOf",
    "discriminator",
    "mapping",
    "nullable",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "readOnly",
    "writeOnly",
    "additionalProperties",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "object",
    "date-time",
    "uuid",
    "email",
    "uri",
    "binary",
    "endpoints",
    "method",
    "path",
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "HEAD",
    "params",
    "request",
    "body",
    "content_type",
    "json",
    "form",
    "multipart",
    "object_parts",
    "responses",
    "errors",
    "codes",
    "status_codes",
    "match",
    "code_field",
    "envelope",
    "retry",
    "strategy",
    "exponential",
    "fixed",
    "none",
    "max_attempts",
    "initial_delay",
    "max_delay",
    "jitter",
    "full",
    "equal",
    "timeouts",
    "connect",
    "attempt",
    "operation",
    "rate_limit",
    "rate_limits",
    "burst",
    "100/minute",
    "10/second",
    "30s",
    "5m",
    "1h",
    "pagination",
    "cursor",
    "page",
    "next_url",
    "items_path",
    "cursor_param",
    "next_cursor",
    "idempotency",
    "idempotency_key",
    "webhooks",
    "signature",
    "preset",
    "stripe",
    "github",
    "github-sha1",
    "svix",
    "shopify",
    "slack",
    "twilio",
    "standard-webhooks-v1",
    "standard-webhooks-v1a",
    "algorithm",
    "hmac-sha256",
    "hmac-sha1",
    "ed25519",
    "key",
    "encoding",
    "base64",
    "hex",
    "utf8",
    "prefix",
    "whsec_",
    "separator",
    "signed_payload",
    "{body}",
    "{timestamp}",
    "{id}",
    "{url}",
    "{form_params}",
    "{hex}",
    "{base64}",
    "timestamp",
    "tolerance",
    "id_header",
    "event_type_field",
    "event_type_header",
    "events",
    "payload",
    "delivery",
    "scenarios",
    "steps",
    "expect",
    "error",
    "example",
    "examples",
    "deprecated",
    "$ref",
    "&a",
    "*a",
    "<<",
    "!!str",
    "!!binary",
    "---",
    "...",
    "~",
    "null",
    "true",
    "false",
    "yes",
    "no",
    "|",
    ">",
    "? ",
    "- ",
    "[]",
    "{}",
    "#",
];
