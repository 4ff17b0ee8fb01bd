//! Git, seen from a task's supervisor: what the task changed (its checkout's tree before and
//! after) and a fresh worktree for `execute --worktree`. Runs in the supervisor, never in the worker,
//! so a slow repository does not hold up the queue.

use super::git_dir::GitDir;
use super::touched::{self, Moment};
use super::tree_cache::TreeCache;
use crate::client::diff::FileChange;
use crate::client::git::Git;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository `dir` is in, found by looking for `.git` upwards: no process when it is not.
pub fn repo_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// A task's checkout as it started: its whole content as a tree (tracked and untracked files,
/// as `git add -A` sees them), the commit HEAD named, and the moment just before both.
pub struct Before {
    root: PathBuf,
    git_dir: GitDir,
    moment: Moment,
    pub tree: String,
    pub head: Option<String>,
}

/// How a task's checkout ended: as it started (found without any git process), or with a new
/// tree.
pub enum After {
    Unchanged,
    Changed(String),
}

/// Read the checkout at `root` before a task: the kept tree when nothing touched the checkout
/// since it was taken, else a new one (three git processes).
pub fn before(root: &Path, cache: &TreeCache) -> Option<Before> {
    let moment = Moment::now();
    let git_dir = GitDir::of_checkout(root)?;
    let tree = match cache.fresh(root, &git_dir.index()) {
        Some(tree) => tree,
        None => {
            let tree = Git::new(root).snapshot_tree_from(&git_dir.index()).ok()?;
            cache.keep(root, &tree, moment);
            tree
        }
    };
    let head =
        git_dir.head().or_else(|| Git::new(root).line(&["rev-parse", "--verify", "HEAD^{commit}"]).ok());
    Some(Before { root: root.to_path_buf(), git_dir, moment, tree, head })
}

/// Read the checkout after the task: a walk tells whether anything changed, and only then is
/// the new tree built. `None` when git could not say.
pub fn after(before: &Before, cache: &TreeCache) -> Option<After> {
    let index = before.git_dir.index();
    if !touched::since(&before.root, &index, before.moment) {
        return Some(After::Unchanged);
    }
    let moment = Moment::now();
    let tree = Git::new(&before.root).snapshot_tree_from(&index).ok()?;
    cache.keep(&before.root, &tree, moment);
    Some(if tree == before.tree { After::Unchanged } else { After::Changed(tree) })
}

/// The paths changed between two trees, a rename's old path too (the file is gone from there).
pub fn changed_paths(changes: &[FileChange]) -> Vec<String> {
    let mut paths: Vec<String> =
        changes.iter().flat_map(|c| c.old_path.iter().chain(std::iter::once(&c.path))).cloned().collect();
    paths.sort();
    paths.dedup();
    paths
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
    use std::process::Command;

    fn sh(dir: &Path, script: &str) {
        let ok = Command::new("sh").arg("-c").arg(script).current_dir(dir).status().unwrap().success();
        assert!(ok, "{script}");
    }

    /// The paths `script` changed, read as a task's supervisor reads them.
    fn run(root: &Path, cache: &TreeCache, script: &str) -> Option<Vec<String>> {
        // Past the tick of the last step, as a real task is.
        std::thread::sleep(std::time::Duration::from_millis(25));
        let before = before(root, cache).unwrap();
        sh(root, script);
        match after(&before, cache).unwrap() {
            After::Unchanged => None,
            After::Changed(tree) => {
                let changes = crate::client::diff::files(&Git::new(root), &before.tree, &tree).unwrap();
                Some(changed_paths(&changes))
            }
        }
    }

    #[test]
    fn finds_edits_new_files_deletions_and_commits_but_not_what_was_dirty_before() {
        let dir = tempfile::tempdir().unwrap();
        let (root, trees) = (dir.path().join("repo"), dir.path().join("trees"));
        std::fs::create_dir(&root).unwrap();
        sh(
            &root,
            "git init -q . && git config user.email t@t && git config user.name t && echo a > a && echo b > b && echo d > dirty && git add . && git commit -qm init && echo d2 >> dirty",
        );
        assert_eq!(repo_root(&root.join("x/y")).as_deref(), Some(root.as_path()));
        let cache = TreeCache::new(Some(trees));
        let script =
            "echo a2 >> a && echo new > new && echo d3 >> dirty && echo b2 >> b && git commit -qm b b";
        assert_eq!(run(&root, &cache, script).unwrap(), ["a", "b", "dirty", "new"]);
        assert_eq!(
            run(&root, &cache, "rm new && git mv a 'with space'").unwrap(),
            ["a", "new", "with space"]
        );
        assert_eq!(run(&root, &cache, "touch b && cat b > /dev/null"), None, "touched, same content");
    }

    #[test]
    fn a_task_that_changes_nothing_reuses_the_kept_tree_and_builds_none() {
        let dir = tempfile::tempdir().unwrap();
        let (root, trees) = (dir.path().join("repo"), dir.path().join("trees"));
        std::fs::create_dir(&root).unwrap();
        sh(&root, "git init -q . && echo x > 'with space' && echo target > .gitignore && mkdir target");
        let cache = TreeCache::new(Some(trees.clone()));
        assert_eq!(run(&root, &cache, "true"), None);
        let kept = || {
            std::fs::read_dir(&trees)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .metadata()
                .unwrap()
                .modified()
                .unwrap()
        };
        let first = kept();
        assert_eq!(run(&root, &cache, "echo t > target/out"), None, "ignored output");
        assert_eq!(kept(), first, "no tree was built again: the kept one was fresh and nothing changed");
        assert_eq!(run(&root, &cache, "echo y >> 'with space'").unwrap(), ["with space"]);
        assert_ne!(kept(), first, "the new tree is kept for the next task");
    }
}
