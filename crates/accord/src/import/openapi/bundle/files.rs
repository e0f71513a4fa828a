//! The files of a description: the root document, and every file a `$ref` names, each read and
//! parsed once, confined to the root document's folder tree and bounded in number and size.
//! The one place of the importer that touches the file system.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value;

use super::super::{read, read_root};
use super::json;
use crate::diag::{Diagnostic, Location, codes};
use crate::import::{ImportError, SourceFile};
use crate::spec::yaml::DeferredPositions;

/// The most files one description may consist of.
pub(crate) const MAX_FILES: usize = 10_000;
/// The most bytes of text, all files together, one description may consist of (256 MiB).
pub(crate) const MAX_TREE_BYTES: u64 = 256 * 1024 * 1024;

/// Index of a file in [`Files`]; the root document is [`ROOT`].
pub(crate) type FileId = usize;
/// The root document.
pub(crate) const ROOT: FileId = 0;

/// One file read.
pub(crate) struct File {
    /// Its path relative to the root document's folder (`paths/pets.yaml`); the root document's
    /// own name; empty for a document given as text.
    pub(crate) name: PathBuf,
    /// Its canonical path; `None` for a document given as text.
    path: Option<PathBuf>,
    pub(crate) text: Arc<str>,
    /// Its value: JSON or YAML parsed, or the text itself for another kind of file (Markdown).
    pub(crate) value: Rc<Value>,
    /// The position of every node of a YAML file (a root document's built only if its lines
    /// do not tell the nodes asked, see [`read_root`]); `None` for JSON (located on demand,
    /// see [`File::locations`]) and for other text.
    positions: Option<DeferredPositions>,
    /// Whether serde_json read it.
    json: bool,
}

impl File {
    fn new(
        name: PathBuf,
        path: Option<PathBuf>,
        text: &str,
        value: Value,
        positions: Option<DeferredPositions>,
    ) -> File {
        File::with_shared(name, path, Arc::from(text), value, positions)
    }

    /// [`File::new`] with the text already shared.
    fn with_shared(
        name: PathBuf,
        path: Option<PathBuf>,
        text: Arc<str>,
        value: Value,
        positions: Option<DeferredPositions>,
    ) -> File {
        let json = positions.is_none() && !value.is_string();
        File { name, path, text, value: Rc::new(value), positions, json }
    }

    /// Where the nodes at `pointers` (or their nearest located ancestors) start, by index
    /// ([`Locator::locations`]).
    pub(crate) fn locations(&self, pointers: &[&str]) -> Vec<Option<Location>> {
        self.locator().locations(pointers)
    }

    /// What locates this file's nodes, without its value (which is not `Sync`): warnings are
    /// located on another thread while the import's spec is checked ([`super::super::import_files`]).
    pub(crate) fn locator(&self) -> Locator<'_> {
        Locator { text: &self.text, positions: self.positions.as_ref(), json: self.json }
    }

    /// Where the mapping key of the node at `pointer` starts (else its value, or its nearest
    /// located ancestor), for a problem with the key itself.
    pub(crate) fn key_location(&self, pointer: &str) -> Option<Location> {
        self.locator().nodes(&[pointer]).pop().flatten().map(|(key, value)| key.unwrap_or(value))
    }

    /// The file as a diagnostic's source.
    pub(crate) fn source(&self) -> SourceFile {
        SourceFile { path: self.name.clone(), text: self.text.clone() }
    }
}

/// What locates the nodes of one [`File`]: its text, and its positions for YAML.
#[derive(Clone, Copy)]
pub(crate) struct Locator<'a> {
    text: &'a str,
    positions: Option<&'a DeferredPositions>,
    json: bool,
}

impl Locator<'_> {
    /// Where the nodes at `pointers` (or their nearest located ancestors) start, by index. A
    /// YAML file's positions are at hand; a JSON file's are found by one scan of its text
    /// ([`json::locate`]), for these pointers and their ancestors only.
    pub(crate) fn locations(&self, pointers: &[&str]) -> Vec<Option<Location>> {
        self.nodes(pointers).into_iter().map(|node| node.map(|(_, value)| value)).collect()
    }

    /// (key, value) locations of the nodes at `pointers`, each falling back to its nearest
    /// located ancestor (whose key is then not given).
    fn nodes(&self, pointers: &[&str]) -> Vec<Option<(Option<Location>, Location)>> {
        if let Some(positions) = self.positions {
            return positions.nodes(self.text, pointers);
        }
        if !self.json {
            return vec![None; pointers.len()];
        }
        let ancestors = |pointer: &'_ str| {
            let mut all = vec![pointer.to_string()];
            let mut rest = pointer;
            while let Some((parent, _)) = rest.rsplit_once('/') {
                all.push(parent.to_string());
                rest = parent;
            }
            all
        };
        let wanted: rustc_hash::FxHashSet<String> = pointers.iter().flat_map(|pointer| ancestors(pointer)).collect();
        let found = json::locate(self.text, &wanted);
        pointers
            .iter()
            .map(|pointer| {
                let mut first = true;
                ancestors(pointer).iter().find_map(|at| {
                    // A collection is located at its key, as YAML's positions locate it.
                    let node = found.get(at).map(|node| {
                        let collection = matches!(self.text.as_bytes().get(node.value.offset), Some(b'{' | b'['));
                        let value = if collection { node.key.unwrap_or(node.value) } else { node.value };
                        (node.key.filter(|_| first), value)
                    });
                    first = false;
                    node
                })
            })
            .collect()
    }
}

/// Every file of one description.
pub(crate) struct Files {
    /// The root document's folder, canonical; `None` for a document given as text.
    folder: Option<PathBuf>,
    files: Vec<File>,
    by_path: HashMap<PathBuf, FileId>,
    /// Files that did not parse: reported once, where first named.
    failed: HashSet<PathBuf>,
    bytes: u64,
    /// [`MAX_FILES`], lowered by tests.
    max_files: usize,
}

/// Why a `$ref`'s file is not there to read.
pub(crate) struct Refusal {
    pub(crate) code: &'static crate::diag::Code,
    pub(crate) message: String,
    pub(crate) help: String,
    /// The file does not exist (inside the root folder): the bundler warns and drops what
    /// refers to it, as the importer does for a `$ref` into the document that does not resolve.
    pub(crate) missing: bool,
}

/// The root document's length (bytes) from which its shared copy is made beside its reading
/// ([`Files::open_read`]): below it a second thread costs more than the copy.
const SHARED_COPY_BESIDE_BYTES: usize = 1 << 20;

impl Files {
    /// A document given as text: it has no folder, so a `$ref` to a file is refused.
    pub(crate) fn text(text: &str) -> Result<Files, ImportError> {
        let (value, positions) = read_root(text)?;
        let root = File::new(PathBuf::new(), None, text, value, positions);
        Ok(Files {
            folder: None,
            files: vec![root],
            by_path: HashMap::new(),
            failed: HashSet::new(),
            bytes: text.len() as u64,
            max_files: MAX_FILES,
        })
    }

    /// The root document at `path`, read unless the caller has read it already (`text`, the
    /// file's content: `accord generate api.yaml` reads a YAML file to tell a description from
    /// a spec, and it is not read a second time); errors name it as `path` names it.
    pub(crate) fn open_read(path: &Path, text: Option<String>) -> Result<Files, ImportError> {
        let shown = path.file_name().map(PathBuf::from).unwrap_or_else(|| path.to_path_buf());
        let fail = |message: String| ImportError::new(vec![Diagnostic::new(codes::io::READ, message)]);
        let canonical = path.canonicalize().map_err(|error| fail(format!("cannot read the file: {error}")))?;
        let folder = canonical.parent().map(Path::to_path_buf).unwrap_or_default();
        let text = match text {
            Some(text) => text,
            None => crate::project::read_source(path).map_err(|failure| {
                // A file that is not UTF-8 is shown as far as it reads.
                let source = SourceFile { path: shown.clone(), text: Arc::from(failure.source.as_str()) };
                let files = vec![Some(source); failure.diagnostics.len()];
                ImportError { diagnostics: failure.diagnostics, files }
            })?,
        };
        // The file's shared copy is made on the other core while the text is read as a value,
        // for a large text: Stripe's 4 MB copy and its page faults were ≈ 3 ms of the one
        // core the import runs on (issue 22).
        let (read, shared) = if text.len() >= SHARED_COPY_BESIDE_BYTES {
            rayon::join(|| read_root(&text), || Arc::<str>::from(text.as_str()))
        } else {
            (read_root(&text), Arc::<str>::from(text.as_str()))
        };
        let (value, positions) = read.map_err(|error| {
            let source = SourceFile { path: shown.clone(), text: Arc::clone(&shared) };
            let files = vec![Some(source); error.diagnostics.len()];
            ImportError { diagnostics: error.diagnostics, files }
        })?;
        let bytes = text.len() as u64;
        drop(text);
        let root = File::with_shared(shown, Some(canonical.clone()), shared, value, positions);
        Ok(Files {
            folder: Some(folder),
            files: vec![root],
            by_path: HashMap::from([(canonical, ROOT)]),
            failed: HashSet::new(),
            bytes,
            max_files: MAX_FILES,
        })
    }

    pub(crate) fn get(&self, id: FileId) -> &File {
        &self.files[id]
    }

    /// Every file's [`Locator`], by [`FileId`].
    pub(crate) fn locators(&self) -> Vec<Locator<'_>> {
        self.files.iter().map(File::locator).collect()
    }

    /// Lowers the limit on files, for tests of what happens past it.
    #[cfg(test)]
    pub(crate) fn limit_files(&mut self, max_files: usize) {
        self.max_files = max_files;
    }

    /// Replaces the root document's value (a Swagger 2.0 document by its conversion); its
    /// text stays, and warnings are mapped back to it by the caller.
    pub(crate) fn set_root_value(&mut self, value: Value) {
        self.files[ROOT].value = Rc::new(value);
    }

    /// Takes every file's value out (the bundled document holds what it needs) and returns
    /// those no one else holds, for the caller to drop; texts and positions stay, to locate
    /// warnings.
    pub(crate) fn release_values(&mut self) -> Vec<Value> {
        self.files
            .iter_mut()
            .filter_map(|file| Rc::try_unwrap(std::mem::replace(&mut file.value, Rc::new(Value::Null))).ok())
            .collect()
    }

    /// Takes every YAML file's positions out (a large document's are hundreds of thousands of
    /// pointers), for the caller to drop once no warning is to be located any more.
    pub(crate) fn release_positions(&mut self) -> Vec<DeferredPositions> {
        self.files.iter_mut().filter_map(|file| file.positions.take()).collect()
    }

    /// The names of the files read (relative to the root document's folder), the root
    /// document's first.
    pub(crate) fn names(&self) -> Vec<PathBuf> {
        self.files.iter().map(|file| file.name.clone()).collect()
    }

    /// Whether the description was read from a file (so its files have names), not given as text.
    pub(crate) fn is_tree(&self) -> bool {
        self.folder.is_some()
    }

    /// The file that `relative` (percent-decoded) names from the folder of file `from`: read
    /// and parsed the first time, the same file after. Refused: a path that leaves the root
    /// document's folder (lexically, or through a symbolic link), a file that cannot be read,
    /// the limits on files and bytes. A file that reads but does not parse is an `Err` of its
    /// located diagnostics, with the file.
    pub(crate) fn load(&mut self, from: FileId, relative: &str) -> Result<FileId, Result<Refusal, ImportError>> {
        let Some(folder) = self.folder.clone() else {
            return Err(Ok(Refusal {
                code: codes::import::REF_UNREADABLE,
                message: format!("`$ref: {relative}` names a file, and a document given as text has no folder to find it in"),
                help: "import the document from its file (`accord import openapi path/to/openapi.yaml`), so that the files it refers to are found beside it".to_string(),
                missing: false,
            }));
        };
        let base = self.files[from].path.as_deref().and_then(Path::parent).unwrap_or(&folder).to_path_buf();
        let outside = || {
            Refusal {
            code: codes::import::REF_OUTSIDE,
            message: format!("`$ref: {relative}` leaves the folder of the root document"),
            help: "accord reads only the root document's folder and the folders below it; move the file there, or import from a root document higher up".to_string(),
            missing: false,
        }
        };
        // Lexically first: `..` above the root folder is refused before the file system is
        // asked anything about it.
        let Some(joined) = normalize(&base.join(relative)) else { return Err(Ok(outside())) };
        if !joined.starts_with(&folder) {
            return Err(Ok(outside()));
        }
        let shown = joined.strip_prefix(&folder).unwrap_or(&joined).to_path_buf();
        let unreadable = |error: String| Refusal {
            code: codes::import::REF_UNREADABLE,
            message: format!("cannot read `{}`, which `$ref: {relative}` names: {error}", shown.display()),
            help: "the path is relative to the folder of the file holding the `$ref`; correct it, or add the file"
                .to_string(),
            missing: false,
        };
        // A file that does not exist is a dangling reference, like a pointer that does not
        // resolve: not refused (the caller warns). Only `NotFound` (a missing file or folder);
        // a file that exists but cannot be read stays an error.
        let canonical = joined.canonicalize().map_err(|error| {
            let missing = error.kind() == std::io::ErrorKind::NotFound;
            Ok(Refusal { missing, ..unreadable(error.to_string()) })
        })?;
        // A symbolic link inside the tree may point anywhere.
        if !canonical.starts_with(&folder) {
            return Err(Ok(Refusal {
                message: format!("`$ref: {relative}` leaves the folder of the root document through a symbolic link"),
                ..outside()
            }));
        }
        if let Some(&id) = self.by_path.get(&canonical) {
            return Ok(id);
        }
        if self.failed.contains(&canonical) {
            return Err(Err(ImportError::new(Vec::new())));
        }
        if self.files.len() >= self.max_files {
            return Err(Ok(Refusal {
                code: codes::import::REF_LIMIT,
                message: format!("the description refers to more than {} files", self.max_files),
                help: "accord imports descriptions of at most this many files; bundle the description (`redocly bundle`) or split it".to_string(),
                missing: false,
            }));
        }
        let metadata = std::fs::metadata(&canonical).map_err(|error| Ok(unreadable(error.to_string())))?;
        if !metadata.is_file() {
            return Err(Ok(unreadable("it is not a file".to_string())));
        }
        if self.bytes + metadata.len() > MAX_TREE_BYTES {
            return Err(Ok(Refusal {
                code: codes::import::REF_LIMIT,
                message: format!("the description's files hold more than {} MiB", MAX_TREE_BYTES / (1024 * 1024)),
                help: "accord imports descriptions of at most this size".to_string(),
                missing: false,
            }));
        }
        let bytes = std::fs::read(&canonical).map_err(|error| Ok(unreadable(error.to_string())))?;
        self.bytes += bytes.len() as u64;
        let text = String::from_utf8(bytes).map_err(|_| Ok(unreadable("it is not UTF-8 text".to_string())))?;
        let structured = matches!(
            canonical.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
            Some("yaml" | "yml" | "json")
        );
        let id = self.files.len();
        let (value, positions) = if structured {
            match read(&text) {
                Ok(read) => read,
                Err(error) => {
                    self.failed.insert(canonical);
                    let source = SourceFile { path: shown, text: Arc::from(text.as_str()) };
                    let files = vec![Some(source); error.diagnostics.len()];
                    return Err(Err(ImportError { diagnostics: error.diagnostics, files }));
                }
            }
        } else {
            // Markdown and other text: the text is the value (Redocly's reading).
            (Value::String(text.clone()), None)
        };
        self.files.push(File::new(
            shown,
            Some(canonical.clone()),
            &text,
            value,
            positions.map(DeferredPositions::ready),
        ));
        self.by_path.insert(canonical, id);
        Ok(id)
    }
}

/// `path` with `.` and `..` resolved lexically; `None` when `..` climbs above the start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}
