//! Files an earlier run wrote that this run no longer produces (issue 21: "`accord
//! generate` does not delete files it no longer writes"; the one-page docs files were left
//! behind when the book split into chapters). They are found through the output folder's
//! manifest, the list of what the last run wrote with the hash of each, and removed in the
//! same transaction as the run's writes ([`super::transaction`]), so a failed run removes
//! nothing.
//!
//! Only a file that is still what accord wrote is removed: listed in the previous manifest,
//! reached through real folders inside the output folder (never a link), and with the bytes
//! the manifest recorded. A file the user wrote is in no
//! manifest and is never looked at; a listed file edited since (even one that keeps its
//! header) is kept, and reported.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::inspect::{Existing, Ownership, inspect};
use super::manifest::{MANIFEST, sha256_hex};
use crate::emit::GeneratedFile;

/// What the previous manifest lists that this run does not write.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Stale {
    /// Still accord's: removed by the run (or, for a check, a difference).
    pub removable: Vec<PathBuf>,
    /// Edited since accord wrote it, or a link now: kept.
    pub kept: Vec<PathBuf>,
}

/// The files `recorded` (the previous manifest) lists under `output` that `files` no longer
/// holds, sorted by path. Paths the manifest should not hold (outside the folder, accord's
/// own names) and paths that cannot be looked at safely (a link or a file on the way) are
/// left alone: a damaged manifest removes fewer files, never more.
pub(super) fn find(output: &Path, files: &[GeneratedFile], recorded: &BTreeMap<PathBuf, String>) -> Stale {
    let written: BTreeSet<&Path> = files.iter().map(|file| file.path.as_path()).collect();
    let mut stale = Stale::default();
    for (relative, hash) in recorded {
        if written.contains(relative.as_path()) || relative == Path::new(MANIFEST) || super::checked(relative).is_err()
        {
            continue;
        }
        // Through real folders only; the file itself a file, not a link.
        match inspect(output, relative, &[], recorded) {
            Ok(Existing::Missing) | Err(_) => continue,
            Ok(Existing::Differs(Ownership::Link(_))) => {
                stale.kept.push(relative.clone());
                continue;
            }
            Ok(_) => {}
        }
        // The bytes accord wrote, exactly: an edited file is kept, even with its header.
        match std::fs::read(output.join(relative)) {
            Ok(bytes) if sha256_hex(&bytes) == *hash => stale.removable.push(relative.clone()),
            Ok(_) => stale.kept.push(relative.clone()),
            Err(_) => {}
        }
    }
    stale
}
