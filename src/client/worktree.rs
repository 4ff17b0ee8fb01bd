//! Where a task's work is: the worktree an `execute --worktree` task made, its branch, the
//! commit and branch it started from (recorded by the supervisor beside the worktree), and the
//! tasks that worked in it (the first and its `review` follow-ups).

use super::git::Git;
use crate::error::{Error, Result};
use crate::model::TaskState;
use crate::paths::Paths;
use crate::store::{Store, TaskRecord};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the supervisor records when it makes a worktree: `worktrees/ID.base.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Base {
    /// The user's checkout the task started in (its top folder).
    pub repo: PathBuf,
    /// The commit the worktree started from.
    pub commit: String,
    /// The branch checked out there then (`None` on a detached HEAD).
    pub branch: Option<String>,
    /// Set by a land: the commit on the base that holds the work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landed: Option<String>,
    /// Set by a discard (unix ms): `prune` lets the kept ref go `keep_discarded` days later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discarded_at: Option<i64>,
}

pub fn base_file(worktrees_dir: &Path, id: &str) -> PathBuf {
    base_file_of(&worktrees_dir.join(id))
}

/// The record beside a worktree folder: `PATH.base.json`.
pub fn base_file_of(worktree: &Path) -> PathBuf {
    let mut name = worktree.as_os_str().to_owned();
    name.push(".base.json");
    PathBuf::from(name)
}

impl Base {
    /// Read the checkout `dir` is in; `None` when it is not a git checkout with a commit.
    pub fn of_checkout(dir: &Path) -> Option<Base> {
        let git = Git::new(dir);
        let repo = git.line(&["rev-parse", "--show-toplevel"]).ok()?;
        let commit = git.line(&["rev-parse", "--verify", "HEAD^{commit}"]).ok()?;
        let branch = git.line(&["symbolic-ref", "--quiet", "--short", "HEAD"]).ok().filter(|b| !b.is_empty());
        Some(Base { repo: repo.into(), commit, branch, landed: None, discarded_at: None })
    }

    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        let tmp = file.with_extension("tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(self)?)?;
        std::fs::rename(tmp, file)
    }

    pub fn load(file: &Path) -> Option<Base> {
        serde_json::from_slice(&std::fs::read(file).ok()?).ok()
    }
}

/// One task's worktree, seen from any task that worked in it.
#[derive(Debug, Clone)]
pub struct Work {
    /// The task that made the worktree.
    pub root: TaskRecord,
    /// It and its follow-ups (`review`), oldest first.
    pub tasks: Vec<TaskRecord>,
    pub path: PathBuf,
    pub branch: String,
    pub base: Base,
    pub base_file: PathBuf,
}

impl Work {
    /// The tasks still pending or running in this worktree.
    pub fn live(&self) -> Vec<&TaskRecord> {
        self.tasks.iter().filter(|t| matches!(t.state, TaskState::Pending | TaskState::Running)).collect()
    }

    /// Refuse while any task works in the worktree: nothing may move under it.
    pub fn ensure_idle(&self, verb: &str) -> Result<()> {
        if let Some(t) = self.live().first() {
            return Err(Error::usage(format!(
                "cannot {verb} {}: task {} is {} in its worktree; wait for it (`smart-agents wait {}`) or cancel it",
                self.root.id, t.id, t.state, t.id
            )));
        }
        Ok(())
    }

    pub fn repo(&self) -> Git {
        Git::new(&self.base.repo)
    }

    pub fn checkout(&self) -> Git {
        Git::new(&self.path)
    }

    /// Whether the worktree folder is still there.
    pub fn has_checkout(&self) -> bool {
        self.path.join(".git").exists()
    }
}

/// The task that made the worktree `id` works in: itself, or up its `parent` links.
fn root_of(store: &Store, mut rec: TaskRecord) -> Result<TaskRecord> {
    for _ in 0..64 {
        if rec.spec.worktree {
            return Ok(rec);
        }
        let Some(up) = rec.spec.parent.clone().or(rec.spec.resume_of.clone()) else { break };
        match store.task(&up)? {
            Some(parent) => rec = parent,
            None => break,
        }
    }
    Err(Error::usage(format!(
        "task {} did not run in a worktree (`execute --worktree`): there is no branch to land or discard",
        rec.id
    )))
}

/// Follow-ups of `root` in its worktree, depth first, oldest first.
fn followups(store: &Store, root: &TaskRecord, cwd: &str, into: &mut Vec<TaskRecord>) -> Result<()> {
    for child in store.children(&root.id)? {
        if child.spec.cwd == cwd && !into.iter().any(|t| t.id == child.id) {
            into.push(child.clone());
            followups(store, &child, cwd, into)?;
        }
    }
    Ok(())
}

/// Find the worktree task `typed` (an id or unique prefix) works in.
pub fn locate(paths: &Paths, typed: &str) -> Result<(Store, TaskRecord, Work)> {
    let store = Store::open_for_reading(&paths.database)?
        .ok_or_else(|| Error::not_found(format!("no task with id '{typed}'")))?;
    let id = crate::store::resolve_id(Some(&store), typed)?;
    let (rec, work) = locate_in(&store, paths, &id)?;
    Ok((store, rec, work))
}

/// `locate` for the task with the full id `id`, in an open database.
pub fn locate_in(store: &Store, paths: &Paths, id: &str) -> Result<(TaskRecord, Work)> {
    let rec = store.task(id)?.ok_or_else(|| Error::not_found(format!("no task with id '{id}'")))?;
    let root = root_of(store, rec.clone())?;
    let path = paths.worktrees_dir.join(&root.id);
    let base_file = base_file(&paths.worktrees_dir, &root.id);
    let Some(base) = Base::load(&base_file) else {
        if matches!(root.state, TaskState::Pending | TaskState::Running) {
            return Err(Error::usage(format!(
                "task {} is {}: its worktree is not ready yet; wait for it",
                root.id, root.state
            )));
        }
        return Err(Error::not_found(format!(
            "task {}: its worktree was never made (or was made before smart-agents recorded where it started)",
            root.id
        )));
    };
    let mut tasks = vec![root.clone()];
    followups(store, &root, &path.display().to_string(), &mut tasks)?;
    let branch = crate::paths::worktree_branch(&root.id);
    Ok((rec, Work { root, tasks, path, branch, base, base_file }))
}
