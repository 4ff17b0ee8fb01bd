//! `discard`: remove a worktree task's checkout and branch without losing a commit. The last
//! commit (with any uncommitted work on top) stays reachable as
//! `refs/smart-agents/discarded/ID` for `[worktree] keep_discarded` days; `prune` removes
//! it after. A worktree a pending or running task works in is never touched.

use super::commits::work_tip;
use super::git::Git;
use super::worktree::{Base, Work, locate};
use crate::error::{Error, Result};
use crate::paths::Paths;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The ref that keeps a discarded task's work reachable.
pub fn kept_ref(id: &str) -> String {
    format!("refs/smart-agents/discarded/{id}")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discarded {
    pub id: String,
    /// Where the work stays reachable, when there was any.
    pub kept: Option<String>,
    pub commit: Option<String>,
}

/// Commits on `branch` that no other branch (local or remote) has: short hash and subject.
pub fn unique_commits(repo: &Git, branch: &str) -> Result<Vec<String>> {
    if !repo.exists(&format!("refs/heads/{branch}")) {
        return Ok(Vec::new());
    }
    let out = repo.line(&[
        "log",
        "--format=%h %s",
        &format!("refs/heads/{branch}"),
        "--not",
        &format!("--exclude={branch}"),
        "--branches",
        "--remotes",
    ])?;
    Ok(out.lines().map(str::to_string).collect())
}

/// Point the kept ref at `tip` and note when, so `prune` can let it go later.
pub fn keep(work: &Work, tip: &str) -> Result<String> {
    let name = kept_ref(&work.root.id);
    work.repo().write(&["update-ref", "-m", "smart-agents discard", &name, tip])?;
    let base = Base { discarded_at: Some(crate::store::now_ms()), ..work.base.clone() };
    base.save(&work.base_file)?;
    Ok(name)
}

/// Remove the worktree folder (its work is already kept or landed) and the branch.
pub fn remove(work: &Work, delete_branch: bool) -> Result<()> {
    let repo = work.repo();
    if work.has_checkout() {
        let path = work.path.display().to_string();
        repo.write(&["worktree", "remove", "--force", "--force", &path])?;
    }
    if delete_branch && repo.exists(&format!("refs/heads/{}", work.branch)) {
        repo.write(&["branch", "-D", &work.branch])?;
    }
    Ok(())
}

/// `discard ID [--force]`.
pub fn discard(paths: &Paths, typed: &str, force: bool) -> Result<Discarded> {
    let (_, _, work) = locate(paths, typed)?;
    discard_work(&work, force)
}

pub fn discard_work(work: &Work, force: bool) -> Result<Discarded> {
    work.ensure_idle("discard")?;
    let repo = work.repo();
    let id = work.root.id.clone();
    let unique = unique_commits(&repo, &work.branch)?;
    if !unique.is_empty() && !force {
        let shown: Vec<&str> = unique.iter().take(5).map(String::as_str).collect();
        return Err(Error::usage(format!(
            "refusing to discard {id}: branch {} holds {} commit(s) no other branch has:\n  {}\nland them (`smart-agents land {id}`) or discard anyway with --force (kept as {} for a while)",
            work.branch,
            unique.len(),
            shown.join("\n  "),
            kept_ref(&id)
        )));
    }
    let has_branch = repo.exists(&format!("refs/heads/{}", work.branch));
    let checkout = work.has_checkout().then(|| work.checkout());
    let tip = if has_branch { Some(work_tip(&repo, checkout.as_ref(), &work.branch, &id)?) } else { None };
    let kept = match &tip {
        Some(tip) if *tip != work.base.commit => Some(keep(work, tip)?),
        _ => None,
    };
    remove(work, true)?;
    Ok(Discarded { id, kept, commit: tip })
}

/// For `prune`: drop kept refs of tasks discarded more than `keep_days` ago. Returns how many.
pub fn expire(worktrees_dir: &Path, keep_days: u32, now_ms: i64) -> Result<u64> {
    let Ok(entries) = std::fs::read_dir(worktrees_dir) else { return Ok(0) };
    let cutoff = now_ms - i64::from(keep_days) * 86_400_000;
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".base.json") else { continue };
        let Some(base) = Base::load(&entry.path()) else { continue };
        match base.discarded_at {
            Some(at) if at < cutoff => {}
            _ => continue,
        }
        // A worktree still there belongs to work that came back: leave all of it.
        if worktrees_dir.join(id).exists() {
            continue;
        }
        let repo = Git::new(&base.repo);
        let name = kept_ref(id);
        if repo.exists(&name) {
            repo.write(&["update-ref", "-d", &name])?;
        }
        std::fs::remove_file(entry.path())?;
        removed += 1;
    }
    Ok(removed)
}
