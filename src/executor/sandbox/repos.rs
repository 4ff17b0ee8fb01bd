//! Other repositories under the home folder, which a sandboxed task does not see: the launcher
//! finds them at each start (repositories come and go), outside the wall. A bounded walk:
//! hidden folders (`~/.cargo`'s git checkouts, `~/.cache`) and dependency or build folders are
//! not entered, a repository is not entered either (what it holds goes with it), and the walk
//! stops at `MAX_DEPTH` levels and `MAX_FOLDERS` folders.

use std::path::{Path, PathBuf};

/// Levels below the home folder looked at: `~/src/org/project` is three.
pub const MAX_DEPTH: usize = 4;
/// Folders read at most per home folder, so a huge home costs a bounded start.
pub const MAX_FOLDERS: usize = 20_000;

/// Folders never entered: what they hold is installed or built, not someone's work.
const SKIPPED: &[&str] = &["node_modules", "target", "venv", "__pycache__", "snap"];

/// The repositories under `home` to hide: those that neither hold nor lie inside one of
/// `keep` (the task's folder, and the folders the config lists as readable).
pub fn others(home: &Path, keep: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut level = vec![home.to_path_buf()];
    let mut read = 0;
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for dir in level {
            read += 1;
            if read > MAX_FOLDERS {
                return found;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                // Not a symlink: a link to a repository is hidden where it points, if found.
                if name.starts_with('.') || SKIPPED.contains(&name.as_ref()) {
                    continue;
                }
                if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                    continue;
                }
                let path = entry.path();
                let is_repo = path.join(".git").exists();
                if keep.iter().any(|k| path.starts_with(k)) {
                    continue;
                }
                // It holds the task's folder: look inside, unless it is the task's repository.
                if keep.iter().any(|k| k.starts_with(&path)) {
                    if !is_repo {
                        next.push(path);
                    }
                    continue;
                }
                if is_repo {
                    found.push(path);
                } else {
                    next.push(path);
                }
            }
        }
        level = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(at: &Path) {
        std::fs::create_dir_all(at.join(".git")).expect("mkdir");
    }

    #[test]
    fn finds_the_other_repositories_and_keeps_the_task_own() {
        let home = tempfile::tempdir().expect("home");
        let h = home.path();
        for r in
            ["src/mine", "src/other", "src/org/deep", "work", ".cargo/git/checkouts/x", "a/node_modules/y"]
        {
            repo(&h.join(r));
        }
        repo(&h.join("src/mine/vendor/inner"));
        std::fs::create_dir_all(h.join("src/mine/sub")).expect("mkdir");
        repo(&h.join("b/c/d/e/too-deep"));
        repo(&h.join("shared"));
        let keep = [h.join("src/mine/sub"), h.join("shared")];
        let mut found = others(h, &keep);
        found.sort();
        assert_eq!(found, [h.join("src/org/deep"), h.join("src/other"), h.join("work")]);
    }

    #[test]
    fn a_task_in_home_itself_hides_no_repository() {
        let home = tempfile::tempdir().expect("home");
        repo(&home.path().join("src/a"));
        assert!(others(home.path(), &[home.path().to_path_buf()]).is_empty());
    }
}
