//! `land --pr`: push a worktree task's branch and open a pull request with `gh` when it is
//! installed and logged in; otherwise say how to push and what is missing.

use super::commits::work_tip;
use super::worktree::locate;
use crate::error::{Error, Result};
use crate::paths::Paths;
use std::process::{Command, Stdio};

/// What `--pr` did, in lines for the user.
pub fn open(paths: &Paths, typed: &str) -> Result<Vec<String>> {
    let (_, _, work) = locate(paths, typed)?;
    work.ensure_idle("open a pull request for")?;
    let repo = work.repo();
    let id = &work.root.id;
    let remotes = repo.line(&["remote"])?;
    let Some(remote) =
        remotes.lines().find(|r| *r == "origin").or_else(|| remotes.lines().next()).map(str::to_string)
    else {
        return Err(Error::usage(format!(
            "cannot open a pull request for {id}: {} has no remote; add one (`git remote add origin URL`)",
            work.base.repo.display()
        )));
    };
    // Uncommitted work goes onto the branch first, so the pull request has all of it.
    if work.has_checkout() {
        let head = repo.line(&["rev-parse", &format!("refs/heads/{}", work.branch)])?;
        let tip = work_tip(&repo, Some(&work.checkout()), &work.branch, id)?;
        if tip != head {
            repo.write(&["update-ref", &format!("refs/heads/{}", work.branch), &tip, &head])?;
            work.checkout().write(&["read-tree", "HEAD"])?;
        }
    }
    let push = format!("git -C {} push -u {remote} {}", work.base.repo.display(), work.branch);
    let missing = gh_missing();
    if let Some(missing) = missing {
        return Ok(vec![
            format!("to open the pull request: {push}"),
            format!("then `gh pr create`; {missing}"),
        ]);
    }
    repo.write(&["push", "-u", &remote, &work.branch])?;
    let title = work.root.spec.description.lines().next().unwrap_or(id).to_string();
    let mut gh = Command::new("gh");
    gh.current_dir(&work.base.repo).args(["pr", "create", "--head", &work.branch, "--title", &title]);
    gh.args(["--body", &format!("Work of smart-agents task {id}.")]);
    if let Some(base) = &work.base.branch {
        gh.args(["--base", base]);
    }
    let out = gh.stdin(Stdio::null()).output()?;
    if !out.status.success() {
        return Err(Error::internal(format!(
            "gh pr create failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(vec![
        format!("pushed {} to {remote}", work.branch),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    ])
}

/// Why `gh` cannot open the pull request, if it cannot.
fn gh_missing() -> Option<String> {
    let status = Command::new("gh")
        .args(["auth", "status"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Err(_) => Some("the GitHub CLI `gh` is not installed (https://cli.github.com)".into()),
        Ok(s) if !s.success() => Some("`gh` is not logged in (`gh auth login`)".into()),
        Ok(_) => None,
    }
}
