//! Best-of-N groups: the attempts of one prompt, each in its own worktree, and the check task
//! of each. Kept as `worktrees/groups/GID.json`; `compare` reads it, `land ATTEMPT` discards
//! the siblings (recoverably, as `discard --force` does).

use super::diff;
use super::discard::{Discarded, discard_work};
use super::worktree::locate;
use crate::error::{Error, Result};
use crate::model::TaskState;
use crate::paths::Paths;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub group: String,
    pub ids: Vec<String>,
    /// Attempt id → its check task.
    #[serde(default)]
    pub checks: std::collections::BTreeMap<String, String>,
}

/// One row of `compare GID --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: String,
    pub agent: String,
    pub state: TaskState,
    /// `passed`, `failed`, `pending`, `running`, `skipped`; null without `--check`.
    pub check: Option<String>,
    pub files: usize,
    pub insertions: u64,
    pub deletions: u64,
    pub tokens: Option<u64>,
    pub cost_usd: Option<f64>,
    pub duration_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Compare {
    pub group: String,
    pub attempts: Vec<Attempt>,
}

fn file(paths: &Paths, gid: &str) -> PathBuf {
    paths.worktrees_dir.join("groups").join(format!("{gid}.json"))
}

impl Group {
    pub fn save(&self, paths: &Paths) -> Result<()> {
        let path = file(paths, &self.group);
        if let Some(dir) = path.parent() {
            crate::paths::ensure_private_dir(dir)?;
        }
        std::fs::write(path, serde_json::to_vec_pretty(self)?)?;
        Ok(())
    }

    pub fn load(paths: &Paths, gid: &str) -> Result<Group> {
        let bytes = std::fs::read(file(paths, gid.trim()))
            .map_err(|_| Error::not_found(format!("no attempt group '{gid}'")))?;
        Ok(serde_json::from_slice(&bytes)?)
    }
}

fn check_verdict(store: &Store, check: Option<&String>) -> Result<Option<String>> {
    let Some(id) = check else { return Ok(None) };
    let verdict = match store.task(id)?.map(|t| t.state) {
        Some(TaskState::Completed) => "passed",
        Some(TaskState::Failed) => "failed",
        Some(TaskState::Pending) => "pending",
        Some(TaskState::Running) => "running",
        Some(TaskState::Cancelled) | None => "skipped",
    };
    Ok(Some(verdict.to_string()))
}

/// `compare GID`: the attempts side by side.
pub fn compare(paths: &Paths, gid: &str) -> Result<Compare> {
    let group = Group::load(paths, gid)?;
    let store = Store::open_for_reading(&paths.database)?.ok_or_else(|| Error::not_found("no tasks yet"))?;
    let mut attempts = Vec::new();
    for id in &group.ids {
        let Some(rec) = store.task(id)? else { continue };
        let change = locate(paths, id).ok().and_then(|(_, _, work)| diff::of_work(id, &work, false).ok());
        attempts.push(Attempt {
            id: id.clone(),
            agent: rec.agent.clone(),
            state: rec.state,
            check: check_verdict(&store, group.checks.get(id))?,
            files: change.as_ref().map_or(0, |d| d.files.len()),
            insertions: change.as_ref().map_or(0, |d| d.insertions()),
            deletions: change.as_ref().map_or(0, |d| d.deletions()),
            tokens: rec.metrics.tokens_used,
            cost_usd: rec.metrics.cost_usd,
            duration_ms: rec.metrics.duration_ms,
        });
    }
    Ok(Compare { group: group.group, attempts })
}

/// After `land ATTEMPT`: discard its siblings (their commits kept as after `discard --force`).
/// A sibling still pending or running is left alone. Returns a line per sibling, and what was
/// discarded (for the history).
pub fn discard_siblings(paths: &Paths, group: &str, landed: &str) -> Result<(Vec<String>, Vec<Discarded>)> {
    let group = Group::load(paths, group)?;
    let (mut lines, mut discarded) = (Vec::new(), Vec::new());
    for id in group.ids.iter().filter(|i| *i != landed) {
        let line = match locate(paths, id).and_then(|(_, _, work)| discard_work(&work, true)) {
            Ok(done) => {
                let line = match &done.kept {
                    Some(kept) => format!("discarded sibling {id} (kept as {kept})"),
                    None => format!("discarded sibling {id}"),
                };
                discarded.push(done);
                line
            }
            Err(e) => format!("left sibling {id}: {e}"),
        };
        lines.push(line);
    }
    Ok((lines, discarded))
}

/// The best-of-N group task `id` is an attempt of.
pub fn group_of(paths: &Paths, id: &str) -> Result<Option<String>> {
    let Some(store) = crate::store::Store::open_for_reading(&paths.database)? else { return Ok(None) };
    Ok(store.task(id)?.and_then(|t| t.spec.group))
}
