//! Git, seen from a task's supervisor: which files the task changed (status before and after)
//! and a fresh worktree for `execute --worktree`. Runs in the supervisor, never in the worker,
//! so a slow repository does not hold up the queue.

use std::collections::BTreeSet;
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository `dir` is in, found by looking for `.git` upwards: no process when it is not.
pub fn repo_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// What git reports as changed, with each file's size and mtime so that a further edit of an
/// already-dirty file counts too.
#[derive(Debug, Default, PartialEq)]
pub struct Snapshot {
    head: Option<String>,
    entries: HashMap<String, Entry>,
}

/// A file's two-letter status and (mtime seconds, mtime nanoseconds, size) when it exists.
type Entry = (String, Option<(i64, i64, u64)>);

fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        // A snapshot must not take index.lock: the user's own git commands would fail on it.
        .arg("--no-optional-locks")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// One `git status` (porcelain v2, whose `# branch.oid` header gives HEAD too): each task
/// takes two snapshots, and a git process costs milliseconds.
pub fn snapshot(root: &Path) -> Option<Snapshot> {
    let status = git(root, &["status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all"])?;
    let mut head = None;
    let mut entries = HashMap::new();
    let mut items = status.split(|b| *b == 0).filter(|i| !i.is_empty());
    while let Some(item) = items.next() {
        let line = String::from_utf8_lossy(item);
        let Some((code, path)) = entry(&line) else {
            if let Some(oid) = line.strip_prefix("# branch.oid ") {
                head = Some(oid.to_string()).filter(|o| o != "(initial)");
            }
            continue;
        };
        // A rename or copy carries its old path as the next item.
        if line.starts_with("2 ") {
            items.next();
        }
        let meta =
            std::fs::symlink_metadata(root.join(path)).ok().map(|m| (m.mtime(), m.mtime_nsec(), m.size()));
        entries.insert(path.to_string(), (code, meta));
    }
    Some(Snapshot { head, entries })
}

/// The two-letter status and the path of one porcelain v2 entry (`None` for headers).
fn entry(line: &str) -> Option<(String, &str)> {
    // Fields before the path: ordinary 8, rename or copy 9, unmerged 10.
    let fields = match line.as_bytes().first()? {
        b'1' => 8,
        b'2' => 9,
        b'u' => 10,
        b'?' => return Some(("??".to_string(), line.get(2..)?)),
        _ => return None,
    };
    let mut parts = line.splitn(fields + 1, ' ');
    let code = parts.nth(1)?.to_string();
    Some((code, parts.nth(fields - 2)?))
}

/// Files that differ between two snapshots, including those in commits made in between.
pub fn changed(root: &Path, before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let mut files = BTreeSet::new();
    for (path, entry) in &after.entries {
        if before.entries.get(path) != Some(entry) {
            files.insert(path.clone());
        }
    }
    for path in before.entries.keys() {
        if !after.entries.contains_key(path) {
            files.insert(path.clone());
        }
    }
    if let (Some(old), Some(new)) = (&before.head, &after.head)
        && old != new
    {
        let range = format!("{old}..{new}");
        if let Some(names) = git(root, &["diff", "--name-only", "-z", &range]) {
            for name in names.split(|b| *b == 0).filter(|n| !n.is_empty()) {
                files.insert(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    files.into_iter().collect()
}

/// `git worktree add -b BRANCH PATH COMMIT` for the repository of `dir`, where COMMIT is its
/// HEAD, recorded first beside the worktree (`PATH.base.json`) so `diff` and `land` know
/// where the work started and which branch it goes back to.
pub fn add_worktree(dir: &Path, path: &Path, branch: &str) -> Result<(), String> {
    let base = crate::client::worktree::Base::of_checkout(dir)
        .ok_or_else(|| format!("{} is not in a git repository with a commit", dir.display()))?;
    let file = crate::client::worktree::base_file_of(path);
    base.save(&file).map_err(|e| format!("cannot record the worktree's base in {}: {e}", file.display()))?;
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["worktree", "add", "-b", branch])
        .arg(path)
        .arg(&base.commit)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("git worktree add failed: {}", String::from_utf8_lossy(&out.stderr).trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(dir: &Path, script: &str) {
        let ok = Command::new("sh").arg("-c").arg(script).current_dir(dir).status().unwrap().success();
        assert!(ok, "{script}");
    }

    #[test]
    fn finds_edits_new_files_and_commits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        sh(
            root,
            "git init -q . && git config user.email t@t && git config user.name t && echo a > a && echo b > b && echo d > dirty && git add . && git commit -qm init && echo d2 >> dirty",
        );
        assert_eq!(repo_root(&root.join("x/y")).as_deref(), Some(root));
        let before = snapshot(root).unwrap();
        sh(root, "echo a2 >> a && echo new > new && echo d3 >> dirty && echo b2 >> b && git commit -qm b b");
        let after = snapshot(root).unwrap();
        assert_eq!(changed(root, &before, &after), vec!["a", "b", "dirty", "new"]);
        assert_ne!(before.head, after.head, "the commit shows in HEAD");
    }

    #[test]
    fn reads_renames_spaces_and_a_repository_without_commits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        sh(root, "git init -q . && echo x > 'with space'");
        let first = snapshot(root).unwrap();
        assert_eq!(first.head, None);
        assert_eq!(first.entries["with space"].0, "??");
        sh(
            root,
            "git config user.email t@t && git config user.name t && git add . && git commit -qm init && git mv 'with space' moved",
        );
        let before = snapshot(root).unwrap();
        assert_eq!(before.entries.keys().collect::<Vec<_>>(), ["moved"], "the old path is not an entry");
        assert_eq!(before.entries["moved"].0, "R.");
        sh(root, "echo y >> moved");
        let after = snapshot(root).unwrap();
        assert_eq!(changed(root, &before, &after), vec!["moved"]);
    }
}
