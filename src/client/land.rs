//! `land`: bring a worktree task's work into its base branch in the user's own checkout.
//! Everything is worked out first without touching anything (the merge in memory, the files
//! it touches against the checkout's own changes); a refusal changes nothing. Only then does
//! one fast-forward move the checkout's branch, keeping the user's other changes.

use super::commits::{Merged, commit_tree, merge, rebase, work_tip};
use super::discard::{keep, remove};
use super::git::Git;
use super::worktree::{Base, Work, locate};
use crate::error::{Error, Result};
use crate::paths::Paths;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Fast-forward when the base has not moved on, else a merge commit.
    #[default]
    Auto,
    Squash,
    Merge,
    Rebase,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub mode: Mode,
    pub into: Option<String>,
    pub message: Option<String>,
    pub keep: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Landed {
    pub id: String,
    pub into: String,
    /// The base branch's new commit.
    pub commit: String,
    pub worktree_removed: bool,
    pub branch_deleted: bool,
}

/// The plan: the target branch, its commit now, and the commit it moves to.
struct Plan {
    into: String,
    from: String,
    to: String,
    tip: String,
}

/// `land ID`.
pub fn land(paths: &Paths, typed: &str, options: &Options) -> Result<Landed> {
    let (_, _, work) = locate(paths, typed)?;
    land_work(&work, options)
}

pub fn land_work(work: &Work, options: &Options) -> Result<Landed> {
    work.ensure_idle("land")?;
    let repo = work.repo();
    let plan = plan(work, &repo, options)?;
    check_checkout(work, &repo, &plan)?;
    if plan.to != plan.from {
        repo.write(&["merge", "--ff-only", "--no-edit", "--quiet", &plan.to])?;
    }
    let base = Base { landed: Some(plan.to.clone()), ..work.base.clone() };
    base.save(&work.base_file)?;
    let mut landed = Landed {
        id: work.root.id.clone(),
        into: plan.into.clone(),
        commit: plan.to.clone(),
        worktree_removed: false,
        branch_deleted: false,
    };
    if options.keep {
        return Ok(landed);
    }
    // The branch's own commits are in the base after a merge; after a squash or a rebase
    // they are copies, so the originals stay reachable a while as after a discard.
    if !repo.is_ancestor(&plan.tip, &plan.to)? {
        keep(work, &plan.tip)?;
    }
    remove(work, true)?;
    landed.worktree_removed = true;
    landed.branch_deleted = !repo.exists(&format!("refs/heads/{}", work.branch));
    Ok(landed)
}

fn target(work: &Work, options: &Options) -> Result<String> {
    options.into.clone().or_else(|| work.base.branch.clone()).ok_or_else(|| {
        Error::usage(format!(
            "task {} started on a detached HEAD ({}): say where to land it with --into BRANCH",
            work.root.id, work.base.commit
        ))
    })
}

/// Work out the new commit of the target branch, in memory.
fn plan(work: &Work, repo: &Git, options: &Options) -> Result<Plan> {
    let into = target(work, options)?;
    let from = repo
        .line(&["rev-parse", "--verify", &format!("refs/heads/{into}^{{commit}}")])
        .map_err(|_| Error::usage(format!("there is no branch '{into}' in {}", work.base.repo.display())))?;
    let checkout = work.has_checkout().then(|| work.checkout());
    let id = &work.root.id;
    let tip = work_tip(repo, checkout.as_ref(), &work.branch, id)?;
    if repo.is_ancestor(&tip, &from)? {
        return Ok(Plan { into, to: from.clone(), from, tip });
    }
    let fast = repo.is_ancestor(&from, &tip)?;
    let subject = || work.root.spec.description.lines().next().unwrap_or("").trim().to_string();
    let to = match options.mode {
        Mode::Auto | Mode::Rebase if fast => tip.clone(),
        Mode::Rebase => clean(work, &into, rebase(repo, &from, &tip)?)?,
        Mode::Auto | Mode::Merge => {
            let tree = clean(work, &into, merge(repo, &from, &tip, None)?)?;
            let message = options
                .message
                .clone()
                .unwrap_or_else(|| format!("Merge smart-agents task {id}: {}", subject()));
            commit_tree(repo, &tree, &[&from, &tip], &message)?
        }
        Mode::Squash => {
            let tree = clean(work, &into, merge(repo, &from, &tip, None)?)?;
            let message =
                options.message.clone().unwrap_or_else(|| format!("{}\n\nsmart-agents task {id}", subject()));
            commit_tree(repo, &tree, &[&from], &message)?
        }
    };
    Ok(Plan { into, from, to, tip })
}

fn clean(work: &Work, into: &str, merged: Merged) -> Result<String> {
    match merged {
        Merged::Clean(out) => Ok(out),
        Merged::Conflict(files) => {
            let id = &work.root.id;
            Err(Error::usage(format!(
                "cannot land {id} into {into}: it conflicts with {into} in {}. Nothing was changed. \
                 Send it back to resolve: `smart-agents review {id} \"{into} moved on; merge it in and resolve the conflicts\"`, or try `smart-agents land {id} --rebase`",
                files.join(", ")
            )))
        }
    }
}

/// The user's checkout must be on the target branch, between operations, and without
/// uncommitted changes in the files the land touches.
fn check_checkout(work: &Work, repo: &Git, plan: &Plan) -> Result<()> {
    let where_ = work.base.repo.display();
    let on = repo.line(&["symbolic-ref", "--quiet", "--short", "HEAD"]).unwrap_or_default();
    if on != plan.into {
        let shown = if on.is_empty() { "a detached HEAD".to_string() } else { format!("branch {on}") };
        return Err(Error::usage(format!(
            "cannot land {} into {}: your checkout {where_} is on {shown}. Switch it to {} (`git switch {}`) or land elsewhere with --into",
            work.root.id, plan.into, plan.into, plan.into
        )));
    }
    for marker in ["MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply"] {
        let path = repo.line(&["rev-parse", "--path-format=absolute", "--git-path", marker])?;
        if std::path::Path::new(&path).exists() {
            return Err(Error::usage(format!(
                "cannot land {}: your checkout {where_} is in the middle of a git operation ({marker}); finish or abort it first",
                work.root.id
            )));
        }
    }
    if plan.to == plan.from {
        return Ok(());
    }
    let touched = repo.paths(&["diff", "--name-only", "-z", "--no-renames", &plan.from, &plan.to])?;
    let dirty = repo.paths(&["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"])?;
    let dirty: Vec<&str> = dirty.iter().filter_map(|e| e.get(3..)).collect();
    let both: Vec<&str> = touched.iter().map(String::as_str).filter(|t| dirty.contains(t)).collect();
    if !both.is_empty() {
        return Err(Error::usage(format!(
            "cannot land {} into {}: your checkout {where_} has uncommitted changes in {}, which the land would change. Nothing was changed. Commit or stash them first",
            work.root.id,
            plan.into,
            both.join(", ")
        )));
    }
    Ok(())
}
