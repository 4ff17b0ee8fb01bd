//! The last tree of each checkout's whole content (tracked and untracked, as `git add -A`
//! sees it) and the moment before it was taken, kept between tasks: a task that starts in a
//! checkout nothing touched since reuses it instead of building it again with git.

use super::touched::{self, Moment};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct Kept {
    root: PathBuf,
    tree: String,
    taken: Moment,
}

/// One folder of kept trees, one small file per checkout. A cache only: a file that cannot
/// be read or written means building the tree again, never a wrong one.
pub struct TreeCache {
    dir: Option<PathBuf>,
}

impl TreeCache {
    /// Kept in `dir`; `None` keeps nothing.
    pub fn new(dir: Option<PathBuf>) -> TreeCache {
        TreeCache { dir }
    }

    /// The kept tree of the checkout at `root`, if nothing in it (nor its `index`) changed
    /// since that tree was taken.
    pub fn fresh(&self, root: &Path, index: &Path) -> Option<String> {
        let kept: Kept = serde_json::from_slice(&std::fs::read(self.file(root)?).ok()?).ok()?;
        (kept.root == root && !touched::since(root, index, kept.taken)).then_some(kept.tree)
    }

    /// Keep `tree`, the content of `root` as read after `taken`.
    pub fn keep(&self, root: &Path, tree: &str, taken: Moment) {
        let Some(file) = self.file(root) else { return };
        let kept = Kept { root: root.to_path_buf(), tree: tree.to_string(), taken };
        let tmp = file.with_extension(format!("{}.tmp", std::process::id()));
        // Two tasks in one checkout may keep at once: each renames a whole file into place.
        let written = std::fs::create_dir_all(file.parent().unwrap_or(Path::new(".")))
            .and_then(|()| std::fs::write(&tmp, serde_json::to_vec(&kept).unwrap_or_default()))
            .and_then(|()| std::fs::rename(&tmp, &file));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    fn file(&self, root: &Path) -> Option<PathBuf> {
        let mut hasher = std::hash::DefaultHasher::new();
        root.hash(&mut hasher);
        Some(self.dir.as_ref()?.join(format!("{:016x}.json", hasher.finish())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_tree_holds_until_the_checkout_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a"), "a").unwrap();
        let index = root.join("index-not-there");
        let cache = TreeCache::new(Some(dir.path().join("trees")));
        std::thread::sleep(std::time::Duration::from_millis(25));
        cache.keep(&root, "t1", Moment::now());
        assert_eq!(cache.fresh(&root, &index).as_deref(), Some("t1"));
        assert_eq!(cache.fresh(&dir.path().join("other"), &index), None, "another checkout");
        std::fs::write(root.join("a"), "b").unwrap();
        assert_eq!(cache.fresh(&root, &index), None, "a write since");
        assert_eq!(TreeCache::new(None).fresh(&root, &index), None, "nothing kept without a folder");
    }
}
