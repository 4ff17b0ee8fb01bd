//! Bringing the work back: `diff`, `review`, `land`, `discard` and `prune` on real git
//! repositories in temp folders, with the tasks' changes made by command tasks run with
//! `execute --worktree`. Every refusal is proven to change nothing in the user's repository.

mod attempts;
mod discard;
pub mod history;
mod land;
mod look;
mod pr;

use crate::common::{Home, describe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub const LONG: Duration = Duration::from_secs(60);

/// A user's repository: `main` with a.txt (ten numbered lines), b.txt and old.txt committed.
pub struct Repo {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::Builder::new().prefix("sa-repo").tempdir_in("/tmp").expect("temp repo");
        let path = dir.path().join("project");
        std::fs::create_dir(&path).expect("project folder");
        let repo = Repo { _dir: dir, path };
        repo.sh("git init -q -b main . && git config user.email u@example.com && git config user.name User \
             && seq 1 10 > a.txt && echo bee > b.txt && printf 'old\\nfile\\n' > old.txt \
             && git add . && git commit -qm initial");
        repo
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `script` with sh in the repository; insist on success; stdout.
    pub fn sh(&self, script: &str) -> String {
        sh_in(&self.path, script)
    }

    pub fn git(&self, args: &str) -> String {
        self.sh(&format!("git --no-optional-locks {args}")).trim().to_string()
    }

    /// Everything a land or discard could change: HEAD, every ref, the index, the stash,
    /// the worktrees, status and every file's content.
    pub fn fingerprint(&self) -> String {
        let mut text = String::new();
        for args in [
            "rev-parse HEAD",
            "symbolic-ref -q HEAD || true",
            "for-each-ref --format='%(refname) %(objectname)'",
            "stash list",
            "status --porcelain=v2 --branch --untracked-files=all",
            "worktree list --porcelain",
        ] {
            text.push_str(&format!("$ git {args}\n{}\n", self.git(args)));
        }
        let index = std::fs::read(self.path.join(".git/index")).expect("index");
        text.push_str(&format!("index {} bytes {:x}\n", index.len(), fnv(&index)));
        let mut files = Vec::new();
        walk(&self.path, &mut files);
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).expect("read file");
            text.push_str(&format!("{} {:x}\n", file.display(), fnv(&bytes)));
        }
        text
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}

fn walk(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if path.is_dir() {
            walk(&path, into);
        } else {
            into.push(path);
        }
    }
}

pub fn sh_in(dir: &Path, script: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(script).current_dir(dir).output().expect("run sh");
    assert!(out.status.success(), "`{script}` in {}: {}", dir.display(), describe(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `execute --worktree` a shell script in `repo`; returns the id (not waited for).
pub fn start(home: &Home, repo: &Repo, script: &str) -> String {
    let cwd = repo.path().display().to_string();
    home.submit_with(&["--worktree", "--cwd", &cwd], &["sh", "-c", script])
}

/// As `start`, and wait until it completed.
pub fn done(home: &Home, repo: &Repo, script: &str) -> String {
    let id = start(home, repo, script);
    home.wait_state(&id, "completed", LONG);
    id
}

/// The worktree folder of task `id`.
pub fn worktree(home: &Home, id: &str) -> PathBuf {
    home.path().join("worktrees").join(id)
}

/// Run and insist on a refusal (non-zero exit); stderr and stdout together.
pub fn refused(home: &Home, args: &[&str]) -> String {
    let out = home.run(args);
    assert!(!out.status.success(), "`smart-agents {}` was not refused: {}", args.join(" "), describe(&out));
    format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout))
}

/// Wait until `file` exists (a task got that far).
pub fn wait_for(file: &Path) {
    let deadline = std::time::Instant::now() + LONG;
    while !file.exists() {
        assert!(std::time::Instant::now() < deadline, "{} never appeared", file.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}
