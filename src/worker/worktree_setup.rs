//! A new worktree made ready before its task starts: untracked files copied from the main
//! checkout (`[worktree] copy` and the repository's `.worktreeinclude`, gitignore syntax),
//! then `[worktree] setup` run in it, its output in the task's log.

use std::path::Path;
use std::process::{Command, Stdio};

/// Untracked files of `checkout` matching `patterns` or its `.worktreeinclude`.
fn included(checkout: &Path, patterns: &[String]) -> Vec<String> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(checkout).args(["--no-optional-locks", "ls-files", "-z", "--others", "--ignored"]);
    for p in patterns {
        cmd.arg(format!("--exclude={p}"));
    }
    let include = checkout.join(".worktreeinclude");
    if include.is_file() {
        cmd.arg(format!("--exclude-from={}", include.display()));
    } else if patterns.is_empty() {
        return Vec::new();
    }
    let Ok(out) = cmd.stdin(Stdio::null()).stderr(Stdio::null()).output() else { return Vec::new() };
    crate::client::git::split_nul(&out.stdout)
}

/// Copy the included files, then run the set-up command; `Err` names what failed.
pub fn prepare(checkout: &Path, worktree: &Path, copy: &[String], setup: &[String]) -> Result<(), String> {
    for file in included(checkout, copy) {
        let (from, to) = (checkout.join(&file), worktree.join(&file));
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("worktree setup failed: cannot create {}: {e}", dir.display()))?;
        }
        std::fs::copy(&from, &to).map_err(|e| format!("worktree setup failed: cannot copy {file}: {e}"))?;
    }
    let Some((program, args)) = setup.split_first() else { return Ok(()) };
    eprintln!("smart-agents: worktree setup: {}", setup.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(worktree)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("worktree setup failed: {}", crate::process::spawn_error(program, &e)))?;
    if status.success() {
        return Ok(());
    }
    let how = status
        .code()
        .map_or_else(|| "was killed by a signal".to_string(), |c| format!("exited with code {c}"));
    Err(format!("worktree setup failed: `{}` {how}", setup.join(" ")))
}
