//! Landing a run's changed files whole or not at all.
//!
//! 1. Stage: every changed file is written under a staging folder of this run,
//!    `OUT/.accord/staging-<pid>-<n>/new/I`, named by its index `I` among the changes (one
//!    flat folder: no copy of the output's folders to make and remove). A failure here (disk
//!    full) has not touched the output folder.
//! 2. Swap: file by file, in path order, the staged file is renamed over its target. A
//!    rename within one file system is atomic, so a reader sees the old file or the new one,
//!    never a part. Before that, the old file gets a second name in the staging folder
//!    (`old/I`, a hard link, or a rename where links are not supported), and every step
//!    goes into a journal: a folder made, a file added, a file replaced.
//!    Then the files an earlier run wrote and this one does not ([`super::stale`]) are
//!    renamed into `old/rI`, and the folders that leaves empty removed, each a step of
//!    the journal too.
//! 3. On a failure during the swap, the journal is undone backwards: added files removed,
//!    replaced files renamed back from `old/`, made folders removed. The output folder is
//!    then as it was; if undoing fails too, the error names what is left.
//!
//! The staging folder is inside the output folder so that every rename stays on its file
//! system. Files whose bytes did not change are not part of a transaction, so their
//! modification times stay (cargo rebuilds on them).
//!
//! Nothing is synced to the disk (no `fsync`), as cargo and rustc do not sync what they
//! build: generated files are derived from the spec, which accord never writes, and the next
//! run writes them again. A sync per file waits for the disk's cache to flush, everything
//! else in flight included: Petstore's 28 cost about a millisecond of its 17 on an idle disk,
//! and 98 ms together while a cargo build wrote its target folder (as when accord runs in a
//! build script; `perf trace`, issue 22). What a power loss can leave is a file the rename made visible before its
//! bytes reached the disk: an empty one, which [`super::inspect::ownership`] takes as
//! accord's when the manifest lists it, so the next run replaces it without `--force`.

use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::WriteError;
use super::lock::ACCORD_DIR;

/// One file to write.
#[derive(Debug)]
pub(super) struct Change<'a> {
    /// Path relative to the output folder.
    pub relative: &'a Path,
    /// The new bytes.
    pub contents: &'a [u8],
    /// Whether something is at the path now (it is replaced, and restored on failure).
    pub exists: bool,
}

/// One done step of the swap, as undone on failure.
#[derive(Debug)]
enum Step {
    /// A folder made inside the output folder.
    CreatedDir(PathBuf),
    /// A file put where there was none.
    Added(PathBuf),
    /// A file replaced; the old one is at `backup`.
    Replaced { target: PathBuf, backup: PathBuf },
    /// A stale file removed; it is at `backup`.
    Removed { target: PathBuf, backup: PathBuf },
    /// A folder a removal left empty, removed.
    RemovedDir(PathBuf),
}

/// Bytes a run must write before a second thread writes staged files too: a write is a copy
/// into the page cache, which one thread does at a few GB/s, so a small run (Petstore's
/// 23 files, 90 KB) only pays for starting the threads.
const PARALLEL_WRITE_MIN_BYTES: usize = 4 << 20;

/// Writes `changes` into `output` as one transaction (see the module's documentation).
///
/// Errors: the first I/O error, in path order, with the output folder as it was; or
/// [`WriteError::RollbackFailed`] when it could not be put back.
pub(super) fn apply(output: &Path, changes: &[Change<'_>], removals: &[PathBuf]) -> Result<(), WriteError> {
    let staging = create_staging(&output.join(ACCORD_DIR))?;
    let result = stage(output, &staging, changes).and_then(|()| swap(output, &staging, changes, removals));
    // What is left in it is the new files of a failed run, or the old files of a done one.
    let _ = fs::remove_dir_all(&staging);
    result
}

/// Removes staging folders of earlier runs that were killed before they cleaned up. Only
/// called while holding the output folder's lock, so none of them belongs to a live run.
pub(super) fn remove_stale_staging(output: &Path) {
    let Ok(entries) = fs::read_dir(output.join(ACCORD_DIR)) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with("staging-") {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// A new, empty staging folder with a name no other run or thread uses: the process id and
/// a counter, made with `create_dir`, which fails rather than reuse a folder.
fn create_staging(accord: &Path) -> Result<PathBuf, WriteError> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = accord.join(format!("staging-{}-{n}", std::process::id()));
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(WriteError::Io(dir, error)),
        }
    }
}

/// Writes every new file as `staging/new/INDEX`. A large run's files are written in pieces of
/// at most [`STAGE_PIECE_BYTES`] on every thread, each at its offset (`pwrite`), so that one
/// large file is not one thread's alone: Stripe's `models.rs` (12 MB of 25) was written by one
/// thread while the other waited, about a tenth of `accord generate`'s wall time on this VM,
/// where copying into the page cache runs at a few hundred MB/s (issue 22).
fn stage(output: &Path, staging: &Path, changes: &[Change<'_>]) -> Result<(), WriteError> {
    let new = staging.join("new");
    fs::create_dir(&new).map_err(|error| WriteError::Io(new.clone(), error))?;
    let bytes: usize = changes.iter().map(|change| change.contents.len()).sum();
    let threads = if bytes < PARALLEL_WRITE_MIN_BYTES || cfg!(not(any(unix, windows))) {
        1
    } else {
        crate::parallel::available_threads()
    };
    let failed = |change: &Change<'_>| {
        let path = output.join(change.relative);
        move |error| WriteError::Io(path, error)
    };
    // Every file made first, in order, so that the first failure is the first change's.
    let mut made = Vec::with_capacity(changes.len());
    for (index, change) in changes.iter().enumerate() {
        fault(output, Stage::Write, change.relative).map_err(failed(change))?;
        made.push(fs::File::create_new(new.join(index.to_string())).map_err(failed(change))?);
    }
    let pieces: Vec<(usize, usize)> = if threads == 1 {
        (0..changes.len()).map(|index| (index, 0)).collect()
    } else {
        let mut pieces: Vec<(usize, usize)> = changes
            .iter()
            .enumerate()
            .flat_map(|(index, change)| {
                (0..change.contents.len().div_ceil(STAGE_PIECE_BYTES).max(1)).map(move |piece| (index, piece))
            })
            .collect();
        // Every file's first piece, then every file's second, …: the threads, taking pieces
        // in turn, write different files while there are several left. Writes into one file
        // take its inode's lock in turn (Linux's buffered writes), so two threads on pieces of
        // one file spun on it: GitHub's `accord generate`, its files written one after the
        // other, had 16–27 samples spinning (`rwsem_spin_on_owner`) beside 27–32 copying into
        // the page cache, none after (perf at 8 kHz, three runs each; issue 22).
        pieces.sort_unstable_by_key(|&(index, piece)| (piece, index));
        pieces
    };
    let written = crate::parallel::map_in_order(pieces.len(), threads, |at| {
        let (index, piece) = pieces[at];
        let contents = changes[index].contents;
        if threads == 1 {
            return (&made[index]).write_all(contents).map_err(failed(&changes[index]));
        }
        let start = piece * STAGE_PIECE_BYTES;
        let end = contents.len().min(start + STAGE_PIECE_BYTES);
        write_piece(&made[index], &contents[start..end], start as u64).map_err(failed(&changes[index]))
    });
    // The first failure in the changes' order.
    match pieces
        .iter()
        .zip(written)
        .filter_map(|(&(index, _), result)| result.err().map(|error| (index, error)))
        .min_by_key(|(index, _)| *index)
    {
        Some((_, error)) => Err(error),
        None => Ok(()),
    }
}

/// Bytes of one piece of a staged file that [`stage`] writes apart.
const STAGE_PIECE_BYTES: usize = 1 << 20;

/// Writes `bytes` at `offset` of `file`.
#[cfg(unix)]
fn write_piece(file: &fs::File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

/// Where a file cannot be written at an offset, [`stage`] writes each file whole.
#[cfg(not(any(unix, windows)))]
fn write_piece(_file: &fs::File, _bytes: &[u8], _offset: u64) -> std::io::Result<()> {
    Err(std::io::Error::from(ErrorKind::Unsupported))
}

/// Writes `bytes` at `offset` of `file` (`seek_write` writes at most what it can at once).
#[cfg(windows)]
fn write_piece(file: &fs::File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let written = std::os::windows::fs::FileExt::seek_write(file, bytes, offset)?;
        if written == 0 {
            return Err(std::io::Error::from(ErrorKind::WriteZero));
        }
        bytes = &bytes[written..];
        offset += written as u64;
    }
    Ok(())
}

/// Renames every staged file into place, undoing everything on the first failure.
fn swap(output: &Path, staging: &Path, changes: &[Change<'_>], removals: &[PathBuf]) -> Result<(), WriteError> {
    let mut journal = Vec::new();
    if changes.iter().any(|change| change.exists) || !removals.is_empty() {
        let old = staging.join("old");
        fs::create_dir(&old).map_err(|error| WriteError::Io(old.clone(), error))?;
    }
    for index in 0..changes.len() + removals.len() {
        let step = match changes.get(index) {
            Some(change) => swap_one(output, staging, index, change, &mut journal),
            None => remove_one(output, staging, index - changes.len(), &removals[index - changes.len()], &mut journal),
        };
        if let Err(error) = step {
            let left = undo(journal);
            return Err(if left.is_empty() {
                error
            } else {
                WriteError::RollbackFailed { cause: Box::new(error), left }
            });
        }
    }
    Ok(())
}

/// Renames `staging/new/INDEX` to `change.relative`, the file there first linked (or moved)
/// to `staging/old/INDEX`.
fn swap_one(
    output: &Path,
    staging: &Path,
    index: usize,
    change: &Change<'_>,
    journal: &mut Vec<Step>,
) -> Result<(), WriteError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| WriteError::Io(path, error)
    };
    // Folders on the way that are not there yet (those that are were checked to be real
    // folders, not links, before anything was written).
    let mut dir = output.to_path_buf();
    for component in change.relative.parent().into_iter().flat_map(Path::components) {
        dir.push(component);
        match fs::create_dir(&dir) {
            Ok(()) => journal.push(Step::CreatedDir(dir.clone())),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => {}
            Err(error) => return Err(WriteError::Io(dir, error)),
        }
    }
    let target = output.join(change.relative);
    let staged = staging.join("new").join(index.to_string());
    fault(output, Stage::Swap, change.relative).map_err(io(&target))?;
    if change.exists {
        let backup = staging.join("old").join(index.to_string());
        // A second name keeps the target in place until the rename replaces it.
        if fs::hard_link(&target, &backup).is_err() {
            fs::rename(&target, &backup).map_err(io(&target))?;
        }
        journal.push(Step::Replaced { target: target.clone(), backup });
        fs::rename(&staged, &target).map_err(io(&target))
    } else {
        fs::rename(&staged, &target).map_err(io(&target))?;
        journal.push(Step::Added(target));
        Ok(())
    }
}

/// Moves the stale file `relative` to `staging/old/rINDEX`, then removes the folders on its
/// way that this leaves empty (never the output folder itself).
fn remove_one(
    output: &Path,
    staging: &Path,
    index: usize,
    relative: &Path,
    journal: &mut Vec<Step>,
) -> Result<(), WriteError> {
    let target = output.join(relative);
    let backup = staging.join("old").join(format!("r{index}"));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| WriteError::Io(path, error)
    };
    fault(output, Stage::Remove, relative).map_err(io(&target))?;
    fs::rename(&target, &backup).map_err(io(&target))?;
    journal.push(Step::Removed { target: target.clone(), backup });
    let mut folder = target.parent();
    while let Some(dir) = folder.filter(|dir| *dir != output && dir.starts_with(output)) {
        // Fails on a folder that still holds something: then the ones above do too.
        if fs::remove_dir(dir).is_err() {
            break;
        }
        journal.push(Step::RemovedDir(dir.to_path_buf()));
        folder = dir.parent();
    }
    Ok(())
}

/// Undoes the journal backwards; returns what could not be undone.
fn undo(journal: Vec<Step>) -> Vec<(PathBuf, std::io::Error)> {
    let mut left = Vec::new();
    for step in journal.into_iter().rev() {
        let (path, result) = match step {
            Step::Added(target) => {
                let result = fs::remove_file(&target);
                (target, result)
            }
            Step::Replaced { target, backup } | Step::Removed { target, backup } => {
                let result = fs::rename(&backup, &target);
                (target, result)
            }
            Step::RemovedDir(dir) => {
                let result = fs::create_dir(&dir);
                (dir, result)
            }
            Step::CreatedDir(dir) => {
                let result = fs::remove_dir(&dir);
                (dir, result)
            }
        };
        if let Err(error) = result {
            left.push((path, error));
        }
    }
    left
}

/// A step at which a test can make writing fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// Writing the staged file.
    Write,
    /// Renaming it into place.
    Swap,
    /// Removing a stale file.
    Remove,
}

#[cfg(not(test))]
fn fault(_output: &Path, _stage: Stage, _relative: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
fn fault(output: &Path, stage: Stage, relative: &Path) -> std::io::Result<()> {
    faults::hit(output, stage, relative)
}

/// Failures injected by tests: writing `relative` under `output` fails at `stage`, as a full
/// disk or a vanished folder would (keyed by output folder, so tests running at once do not
/// see each other's).
#[cfg(test)]
pub(super) mod faults {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    use super::Stage;

    static FAULTS: Mutex<Vec<(PathBuf, Stage, PathBuf)>> = Mutex::new(Vec::new());

    /// Makes writing `output/relative` fail at `stage` until [`clear`].
    pub(in crate::write) fn inject(output: &Path, stage: Stage, relative: &str) {
        FAULTS.lock().expect("faults").push((output.to_path_buf(), stage, PathBuf::from(relative)));
    }

    /// Removes the faults of `output`.
    pub(in crate::write) fn clear(output: &Path) {
        FAULTS.lock().expect("faults").retain(|(folder, _, _)| folder != output);
    }

    pub(super) fn hit(output: &Path, stage: Stage, relative: &Path) -> std::io::Result<()> {
        let faults = FAULTS.lock().expect("faults");
        if faults.iter().any(|(folder, at, path)| folder == output && *at == stage && path == relative) {
            return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "injected failure (a test)"));
        }
        Ok(())
    }
}
