//! Writing generated files: only inside the output folder, only files whose bytes changed,
//! each through a temporary file renamed into place (atomic on one file system). `--check`
//! compares instead of writing.

use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::emit::GeneratedFile;

/// What writing did (or, for a check, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written (or stale, for a check), relative to the output folder.
    pub changed: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: Vec<PathBuf>,
}

/// Why writing failed.
#[derive(Debug)]
pub enum WriteError {
    /// A generated path would leave the output folder (absolute or with `..`).
    OutsideOutput(PathBuf),
    /// An I/O error on a path.
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::OutsideOutput(path) => {
                write!(f, "refusing to write `{}` outside the output folder", path.display())
            }
            WriteError::Io(path, error) => write!(f, "cannot write `{}`: {error}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {}

fn checked(output: &Path, relative: &Path) -> Result<PathBuf, WriteError> {
    let safe = relative.components().all(|c| matches!(c, Component::Normal(_)));
    if !safe || relative.as_os_str().is_empty() {
        return Err(WriteError::OutsideOutput(relative.to_path_buf()));
    }
    Ok(output.join(relative))
}

/// Writes files under `output`, skipping those whose bytes are already there. With
/// `check_only`, nothing is written and `changed` lists the stale or missing files.
///
/// Errors: a path outside `output`, or an I/O error (the first in file order; other files
/// written meanwhile stay).
pub fn write_files(output: &Path, files: &[GeneratedFile], check_only: bool) -> Result<WriteReport, WriteError> {
    let mut report = WriteReport::default();
    // Validate every path before touching the disk.
    let targets: Vec<PathBuf> = files.iter().map(|f| checked(output, &f.path)).collect::<Result<_, _>>()?;
    let mut stale = Vec::new();
    for (file, target) in files.iter().zip(&targets) {
        let current = fs::read(target).ok();
        if current.as_deref() == Some(file.contents.as_bytes()) {
            report.unchanged.push(file.path.clone());
            continue;
        }
        report.changed.push(file.path.clone());
        if !check_only {
            stale.push((file, target.as_path()));
        }
    }
    // Writing is mostly waiting for the disk to sync each file, so a few threads write at
    // once; the waits overlap.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut errors = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some((file, target)) = stale.get(index) else { return errors };
            if let Err(error) = write_file(output, file, target) {
                errors.push((index, error));
            }
        }
    };
    let threads = stale.len().min(WRITE_THREADS);
    let mut errors = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut errors = work();
        for helper in helpers {
            errors.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        errors
    });
    errors.sort_by_key(|(index, _)| *index);
    match errors.into_iter().next() {
        Some((_, error)) => Err(error),
        None => Ok(report),
    }
}

/// Threads writing files at once.
const WRITE_THREADS: usize = 8;

/// Writes one file through a synced temporary file renamed into place.
fn write_file(output: &Path, file: &GeneratedFile, target: &Path) -> Result<(), WriteError> {
    let parent = target.parent().unwrap_or(output);
    fs::create_dir_all(parent).map_err(|e| WriteError::Io(parent.to_path_buf(), e))?;
    let file_name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = parent.join(format!(".{file_name}.accord-tmp"));
    let result = (|| {
        let mut handle = fs::File::create(&temporary)?;
        handle.write_all(file.contents.as_bytes())?;
        handle.sync_all()?;
        fs::rename(&temporary, target)
    })();
    if let Err(error) = result {
        let _ = fs::remove_file(&temporary);
        return Err(WriteError::Io(target.to_path_buf(), error));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: PathBuf::from(path), contents: contents.to_string() }
    }

    #[test]
    fn writes_only_changed_files_and_checks_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![file("a/lib.rs", "one"), file("b.md", "two")];
        let first = write_files(dir.path(), &files, false).unwrap();
        assert_eq!(first.changed.len(), 2);
        let second = write_files(dir.path(), &files, false).unwrap();
        assert_eq!(second.unchanged.len(), 2);
        let stale = vec![file("a/lib.rs", "changed"), file("b.md", "two")];
        let check = write_files(dir.path(), &stale, true).unwrap();
        assert_eq!(check.changed, vec![PathBuf::from("a/lib.rs")]);
        assert_eq!(fs::read_to_string(dir.path().join("a/lib.rs")).unwrap(), "one");
    }

    #[test]
    fn refuses_paths_outside_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        for path in ["../escape.rs", "/etc/passwd", ""] {
            let result = write_files(dir.path(), &[file(path, "x")], false);
            assert!(matches!(result, Err(WriteError::OutsideOutput(_))), "{path}");
        }
    }
}
