//! How `schedule list` and `schedule show` (and the MCP tools) show a schedule, read from the
//! database: no worker needed.

use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::schedules::{Job, event_id};
use crate::store::{EventQuery, ScheduleRecord, Store, rfc3339};
use serde::Serialize;

/// One item of `schedule list --json` (a contract: exactly these fields).
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleView {
    pub name: String,
    pub spec: String,
    /// RFC 3339; null while paused or when the pattern never matches again.
    pub next: Option<String>,
    pub last_run: Option<LastRun>,
    pub missed: u64,
    pub paused: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LastRun {
    pub id: String,
    pub state: String,
}

/// `schedule show --json`: the list item, the rules, and every window's fate.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleDetail {
    #[serde(flatten)]
    pub view: ScheduleView,
    pub pause_reason: Option<String>,
    pub paused_until: Option<String>,
    pub catch_up: crate::schedules::CatchUp,
    pub overlap: crate::schedules::Overlap,
    pub max_runs_per_day: Option<u32>,
    pub max_cost_per_day: Option<f64>,
    pub runs_today: u32,
    /// What each firing runs: the task's description, or `flow FILE`.
    pub runs: String,
    /// The newest windows first: fired (with the task), missed (with a count), skipped (with
    /// why), paused.
    pub windows: Vec<crate::store::EventRow>,
}

/// Windows `show` lists at most.
const WINDOWS_SHOWN: usize = 50;

pub fn open(paths: &Paths) -> Result<Option<Store>> {
    Store::open_for_reading(&paths.database)
}

pub fn list(store: Option<&Store>) -> Result<Vec<ScheduleView>> {
    let Some(store) = store else { return Ok(Vec::new()) };
    store.schedules()?.iter().map(|s| view(store, s)).collect()
}

pub fn detail(store: Option<&Store>, name: &str) -> Result<ScheduleDetail> {
    let missing =
        || Error::not_found(format!("no schedule named '{name}': `smart-agents schedule list` shows them"));
    let store = store.ok_or_else(missing)?;
    let s = store.schedule(name)?.ok_or_else(missing)?;
    let mut windows =
        store.query_events(&EventQuery { tasks: vec![event_id(name)], ..Default::default() })?;
    windows.reverse();
    windows.truncate(WINDOWS_SHOWN);
    let runs = match &s.def.job {
        Job::Task { spec } => spec.description.clone(),
        Job::Flow { file, .. } => format!("flow {file}"),
    };
    Ok(ScheduleDetail {
        view: view(store, &s)?,
        pause_reason: s.pause_reason.clone(),
        paused_until: s.paused_until.map(rfc3339),
        catch_up: s.def.catch_up,
        overlap: s.def.overlap,
        max_runs_per_day: s.def.max_runs_per_day,
        max_cost_per_day: s.def.max_cost_per_day,
        runs_today: s.runs_today,
        runs,
        windows,
    })
}

fn view(store: &Store, s: &ScheduleRecord) -> Result<ScheduleView> {
    let last_run = match &s.last_task {
        None => None,
        Some(id) => {
            let state = match &s.def.job {
                Job::Task { .. } => store.task(id)?.map(|t| t.state.as_str().to_string()),
                Job::Flow { .. } => store.flow(id)?.map(|f| f.state.as_str().to_string()),
            };
            // A pruned run is still the last one.
            Some(LastRun { id: id.clone(), state: state.unwrap_or_else(|| "pruned".into()) })
        }
    };
    Ok(ScheduleView {
        name: s.def.name.clone(),
        spec: s.def.timing.text(),
        next: if s.paused { None } else { s.next_at.map(rfc3339) },
        last_run,
        missed: s.missed,
        paused: s.paused,
    })
}
