//! Whether anything in a checkout changed since a moment: one walk over what git would see
//! (ignored folders are not entered, `.git` is not), comparing each change time with the
//! moment. A task that changed nothing then costs no git process at all.

use serde::{Deserialize, Serialize};
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// A moment on the clock the kernel stamps files with, the coarse real-time clock: a file
/// changed after `Moment::now()` has a change time at or after it, which the fine clock
/// cannot promise (it runs up to a tick ahead of the stamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Moment {
    secs: i64,
    nanos: i64,
}

impl Moment {
    pub fn now() -> Moment {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse);
        Moment { secs: t.tv_sec, nanos: t.tv_nsec }
    }

    fn changed(meta: &Metadata) -> Moment {
        Moment { secs: meta.ctime(), nanos: meta.ctime_nsec() }
    }
}

/// True when a file or folder under `root`, or the file `index`, changed at or after `since`;
/// true too when the walk cannot tell (an unreadable folder), so a doubt costs git's answer,
/// never a missed change. A change time moves on every write, rename, link and chmod, and a
/// folder's on every entry added or removed, so deletions count.
pub fn since(root: &Path, index: &Path, since: Moment) -> bool {
    if std::fs::symlink_metadata(index).is_ok_and(|m| Moment::changed(&m) >= since) {
        return true;
    }
    let walk = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .parents(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walk {
        let Ok(entry) = entry else { return true };
        // Gone between the listing and the look: something changed.
        let Ok(meta) = entry.metadata() else { return true };
        if Moment::changed(&meta) >= since {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn sh(dir: &Path, script: &str) {
        let ok = Command::new("sh").arg("-c").arg(script).current_dir(dir).status().unwrap().success();
        assert!(ok, "{script}");
    }

    #[test]
    fn sees_writes_new_files_deletions_and_chmod_but_not_ignored_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        sh(
            root,
            "git init -q . && mkdir -p src target && echo a > src/a && echo t > target/t && echo target > .gitignore",
        );
        let index = root.join(".git/index");
        let changed_by = |script: &str| {
            // Past the tick of the last step: a change in the same tick counts as after.
            std::thread::sleep(std::time::Duration::from_millis(25));
            let moment = Moment::now();
            sh(root, script);
            since(root, &index, moment)
        };
        assert!(!changed_by("true"), "nothing done");
        assert!(
            !changed_by("cat src/a > /dev/null && echo t2 >> target/t && mkdir -p target/x"),
            "reads and ignored files"
        );
        assert!(!changed_by("echo x > .git/other"), "the git folder itself");
        assert!(changed_by("echo b >> src/a"), "a write");
        assert!(changed_by("echo n > src/new"), "a new file");
        assert!(changed_by("rm src/new"), "a deletion");
        assert!(changed_by("chmod +x src/a"), "a mode");
        assert!(changed_by("echo x >> .gitignore"), "the ignore rules");
        assert!(changed_by("touch .git/index"), "the index (git add, git rm --cached)");
    }
}
