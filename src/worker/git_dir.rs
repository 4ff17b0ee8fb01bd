//! A repository's git folder read in-process: where its index is and which commit HEAD names.
//! Each task in a repository needs both, and a `git` process costs milliseconds; anything this
//! does not understand (a reftable repository, say) answers `None` and the caller asks git.

use std::path::{Path, PathBuf};

/// The git folder of one checkout, and the common folder its refs live in (the same folder
/// for a main checkout; the main repository's for a linked worktree).
#[derive(Debug, Clone, PartialEq)]
pub struct GitDir {
    dir: PathBuf,
    common: PathBuf,
}

impl GitDir {
    /// The git folder of the checkout at `root`: `.git` itself, or the folder a `.git` file
    /// points to (`gitdir: PATH`, as a linked worktree has).
    pub fn of_checkout(root: &Path) -> Option<GitDir> {
        let dot_git = root.join(".git");
        let dir = if dot_git.is_dir() {
            dot_git
        } else {
            let text = std::fs::read_to_string(&dot_git).ok()?;
            root.join(text.strip_prefix("gitdir:")?.trim())
        };
        let common = match std::fs::read_to_string(dir.join("commondir")) {
            Ok(text) => dir.join(text.trim()),
            Err(_) => dir.clone(),
        };
        Some(GitDir { dir, common })
    }

    /// The checkout's own index file.
    pub fn index(&self) -> PathBuf {
        self.dir.join("index")
    }

    /// The commit HEAD names: detached, a loose ref or a packed one.
    pub fn head(&self) -> Option<String> {
        let head = std::fs::read_to_string(self.dir.join("HEAD")).ok()?;
        let head = head.trim();
        let Some(name) = head.strip_prefix("ref:").map(str::trim) else {
            return is_oid(head).then(|| head.to_string());
        };
        self.loose(name).or_else(|| self.packed(name))
    }

    fn loose(&self, name: &str) -> Option<String> {
        // Refs under refs/ are shared; others (HEAD-like) belong to the checkout.
        [&self.dir, &self.common].iter().find_map(|base| {
            let text = std::fs::read_to_string(base.join(name)).ok()?;
            let oid = text.trim();
            is_oid(oid).then(|| oid.to_string())
        })
    }

    fn packed(&self, name: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.common.join("packed-refs")).ok()?;
        text.lines().find_map(|line| {
            let (oid, refname) = line.split_once(' ')?;
            (refname == name && is_oid(oid)).then(|| oid.to_string())
        })
    }
}

/// A full object id: 40 hex digits (SHA-1) or 64 (SHA-256).
fn is_oid(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn sh(dir: &Path, script: &str) -> String {
        let out = Command::new("sh").arg("-c").arg(script).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    const INIT: &str = "git init -q . && git config user.email t@t && git config user.name t";

    #[test]
    fn reads_head_as_git_does_loose_packed_detached_and_in_a_worktree() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        sh(&root, INIT);
        let git = GitDir::of_checkout(&root).unwrap();
        assert_eq!(git.head(), None, "no commit yet");
        sh(&root, "echo a > a && git add a && git commit -qm one");
        assert_eq!(git.head().unwrap(), sh(&root, "git rev-parse HEAD"), "loose");
        sh(&root, "git pack-refs --all");
        assert_eq!(git.head().unwrap(), sh(&root, "git rev-parse HEAD"), "packed");
        sh(&root, "echo b >> a && git commit -qam two && git checkout -q --detach HEAD~1");
        assert_eq!(git.head().unwrap(), sh(&root, "git rev-parse HEAD"), "detached");
        assert_eq!(git.index(), root.join(".git/index"));

        let work = dir.path().join("work");
        sh(&root, &format!("git worktree add -q -b side {} HEAD", work.display()));
        let linked = GitDir::of_checkout(&work).unwrap();
        assert_eq!(linked.head().unwrap(), sh(&work, "git rev-parse HEAD"));
        sh(&work, "echo c >> a && git commit -qam three");
        assert_eq!(linked.head().unwrap(), sh(&work, "git rev-parse HEAD"), "its branch moved");
        let index = sh(&work, "git rev-parse --path-format=absolute --git-path index");
        assert_eq!(linked.index(), PathBuf::from(index));
    }
}
