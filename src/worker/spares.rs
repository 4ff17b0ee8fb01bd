//! Spent exit records become new tasks' logs. A task costs two new files (its log, its
//! supervisor's exit record); deleting the record once read would make a busy queue free an
//! inode per task, and on ext4 without a journal every later file create then scans past the
//! recently freed ones (a third of a drain's CPU, measured). Renaming a read record into
//! `runs/spare/` and renaming it again as the next task's log frees nothing: steady work
//! allocates one inode per task and deletes none.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Spares kept at most; past that a spent record is deleted.
const MAX: usize = 256;

pub struct Spares {
    dir: PathBuf,
    files: Mutex<Vec<PathBuf>>,
    next: AtomicU64,
}

impl Spares {
    /// The spares in `runs_dir/spare`, those an earlier worker left included.
    pub fn new(runs_dir: &Path) -> Spares {
        let dir = runs_dir.join("spare");
        let files = std::fs::read_dir(&dir)
            .map(|entries| entries.flatten().map(|e| e.path()).take(MAX).collect())
            .unwrap_or_default();
        Spares { dir, files: Mutex::new(files), next: AtomicU64::new(0) }
    }

    /// `exit_file` was read and its task's end committed: keep it for a later log.
    pub fn keep(&self, exit_file: &Path) {
        let Ok(mut files) = self.files.lock() else { return };
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let spare = self.dir.join(format!("{}-{n}", std::process::id()));
        // The folder is made on the first miss only: one rename per task otherwise.
        let kept = files.len() < MAX
            && (std::fs::rename(exit_file, &spare).is_ok()
                || (crate::paths::ensure_private_dir(&self.dir).is_ok()
                    && std::fs::rename(exit_file, &spare).is_ok()));
        if kept {
            files.push(spare);
        } else {
            let _ = std::fs::remove_file(exit_file);
        }
    }

    /// Put a spare file at `path`, which must not exist: true when one was moved there, empty
    /// and private. Emptied before the move: a reader following the log (a foreground
    /// `execute`) never sees the old exit record under the log's name.
    pub fn take_as(&self, path: &Path) -> bool {
        let Ok(mut files) = self.files.lock() else { return false };
        let Some(spare) = files.pop() else { return false };
        if empty_private(&spare).is_err() {
            let _ = std::fs::remove_file(&spare);
            return false;
        }
        match rename_noreplace(&spare, path) {
            Ok(()) => true,
            // The target exists (a log of an earlier attempt): leave both as they are.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                files.push(spare);
                false
            }
            // The spare went missing, or this filesystem cannot refuse to replace: a new
            // file it is, this time.
            Err(_) => {
                let _ = std::fs::remove_file(&spare);
                false
            }
        }
    }
}

/// Truncate `file` and make it the owner's only, as a new log is.
fn empty_private(file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let f = std::fs::OpenOptions::new().write(true).open(file)?;
    f.set_len(0)?;
    f.set_permissions(std::fs::Permissions::from_mode(0o600))
}

/// rename(2) that fails rather than replace an existing `to`.
fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE).map_err(std::io::Error::from)
}
