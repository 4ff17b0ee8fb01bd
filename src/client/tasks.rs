//! Reading tasks from the database, as every client shows them (the commands, the
//! dashboards, the MCP server): no worker needed.

use crate::error::{Error, Result};
use crate::model::{TaskState, TaskView};
use crate::paths::Paths;
use crate::store::{Store, Summary, TaskRecord, resolve_id};

/// How many tasks a list shows unless told.
pub const DEFAULT_LIMIT: usize = 50;

/// One task by id or unique prefix, read from the database.
pub fn task(paths: &Paths, typed: &str) -> Result<TaskRecord> {
    let store = Store::open_for_reading(&paths.database)?;
    record(store.as_ref(), typed)
}

/// The task `typed` (an id or a unique prefix) names in `store`.
pub fn record(store: Option<&Store>, typed: &str) -> Result<TaskRecord> {
    let id = resolve_id(store, typed)?;
    store
        .and_then(|s| s.task(&id).transpose())
        .transpose()?
        .ok_or_else(|| Error::not_found(format!("no task with id '{id}'")))
}

/// One task as `status --json` shows it, with the tasks it started (delegation).
pub fn view(paths: &Paths, typed: &str) -> Result<TaskView> {
    let store = Store::open_for_reading(&paths.database)?;
    with_children(store.as_ref(), &record(store.as_ref(), typed)?)
}

/// `rec` as `status --json` shows it, with the tasks it started.
pub fn with_children(store: Option<&Store>, rec: &TaskRecord) -> Result<TaskView> {
    let mut view = rec.view(crate::clock::now_ms());
    if let Some(store) = store {
        view.children = store.children(&rec.id)?.iter().map(|c| c.child_outcome()).collect();
    }
    Ok(view)
}

/// The counts by state and the running tasks: `status --json` without an id.
pub fn summary_of(store: Option<&Store>) -> Result<(Summary, Vec<TaskView>)> {
    let (counts, running) = match store {
        Some(store) => (store.summary()?, store.list(&[TaskState::Running], 100)?),
        None => (Summary::default(), Vec::new()),
    };
    Ok((counts, running.iter().map(|r| r.view(crate::clock::now_ms())).collect()))
}

/// Tasks in these states (all when empty), newest first.
pub fn records(paths: &Paths, states: &[TaskState], limit: usize) -> Result<Vec<TaskRecord>> {
    match Store::open_for_reading(&paths.database)? {
        Some(store) => store.list(states, limit),
        None => Ok(Vec::new()),
    }
}
