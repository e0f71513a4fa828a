//! The output folder's lock, `OUT/.accord/lock`: one run writes a folder at a time, and a
//! `--check` reads it only between runs. An advisory lock of the operating system
//! (`std::fs::File::lock`: `flock` on Unix, `LockFileEx` on Windows), released when the run
//! ends, however it ends: a killed run leaves no stale lock behind.
//!
//! The lock file stays (deleting it would let a waiting run lock a file no one else sees);
//! `OUT/.accord/.gitignore` keeps the folder out of version control.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

use super::{WhenLocked, WriteError};

/// Accord's own folder inside the output folder: the lock and the staging folders.
pub const ACCORD_DIR: &str = ".accord";

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub(super) struct OutputLock {
    file: Option<File>,
}

/// `OUT/.accord`, made if missing; refused when it is a link or not a folder (the staging
/// folders inside it must be inside the output folder).
pub(super) fn accord_dir(output: &Path) -> Result<PathBuf, WriteError> {
    let dir = output.join(ACCORD_DIR);
    match fs::create_dir(&dir) {
        Ok(()) => fs::write(dir.join(".gitignore"), "# accord's lock and staging folders\n*\n")
            .map_err(|error| WriteError::Io(dir.join(".gitignore"), error))?,
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {}
        Err(error) => return Err(WriteError::Io(dir, error)),
    }
    let metadata = fs::symlink_metadata(&dir).map_err(|error| WriteError::Io(dir.clone(), error))?;
    if metadata.file_type().is_symlink() {
        let target = fs::read_link(&dir).unwrap_or_default();
        return Err(WriteError::Link { link: dir, target });
    }
    if !metadata.is_dir() {
        return Err(WriteError::NotAFolder { path: dir, for_file: PathBuf::from(ACCORD_DIR).join("lock") });
    }
    Ok(dir)
}

/// Takes the exclusive lock for writing `output`. When another run holds it: waits, or
/// fails with [`WriteError::Busy`] naming the process that holds it. On a file system
/// without locks, writing goes on unlocked.
pub(super) fn exclusive(output: &Path, when_locked: WhenLocked) -> Result<OutputLock, WriteError> {
    let dir = accord_dir(output)?;
    let path = dir.join("lock");
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|error| WriteError::Io(path.clone(), error))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => match when_locked {
            WhenLocked::Fail => {
                let holder = fs::read_to_string(&path).ok().and_then(|text| text.trim().parse().ok());
                return Err(WriteError::Busy { lock: path, holder });
            }
            WhenLocked::Wait => file.lock().map_err(|error| WriteError::Io(path.clone(), error))?,
        },
        Err(TryLockError::Error(error)) if error.kind() == ErrorKind::Unsupported => {
            return Ok(OutputLock { file: None });
        }
        Err(TryLockError::Error(error)) => return Err(WriteError::Io(path, error)),
    }
    // Who holds it, for the message of a run that finds it taken.
    let _ = file.set_len(0).and_then(|()| writeln!(file, "{}", std::process::id()));
    Ok(OutputLock { file: Some(file) })
}

/// Takes the lock shared, for `--check`, if a run ever made one: a check then never sees
/// a run's swap half done. Nothing is created, so a read-only output folder can be checked.
pub(super) fn shared_if_present(output: &Path) -> Result<OutputLock, WriteError> {
    let path = output.join(ACCORD_DIR).join("lock");
    let Ok(file) = File::open(&path) else { return Ok(OutputLock { file: None }) };
    match file.lock_shared() {
        Ok(()) => Ok(OutputLock { file: Some(file) }),
        Err(error) if error.kind() == ErrorKind::Unsupported => Ok(OutputLock { file: None }),
        Err(error) => Err(WriteError::Io(path, error)),
    }
}

impl OutputLock {
    /// Whether this run holds a real lock (not the unlocked fallback).
    pub(super) fn is_held(&self) -> bool {
        self.file.is_some()
    }
}
