//! git in a test's repository, as a test user with no global config of the developer's.

use std::path::Path;
use std::process::Command;

/// Run `git ARGS` in `dir` (failing the test on an error); its stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {}: {}", args.join(" "), super::describe(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new repository at `dir` (made if missing).
pub fn git_init(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    git(dir, &["init", "-q"]);
}
