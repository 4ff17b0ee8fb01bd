//! `list`: running, pending and finished tasks, newest first, read straight from the database.

pub use crate::client::tasks::DEFAULT_LIMIT;
use crate::error::Result;
use crate::model::{TaskState, TaskView};
use crate::paths::Paths;
use crate::render::{self, print_json};
use crate::store::{Store, Summary, TaskRecord, now_ms};
use crate::text::truncate;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only tasks in this state (repeatable): pending, running, completed, failed, cancelled
    #[arg(long = "state", value_name = "STATE")]
    pub states: Vec<TaskState>,
    /// At most this many tasks; a last line says how many more there are
    #[arg(long, default_value_t = DEFAULT_LIMIT, value_name = "N")]
    pub limit: usize,
    /// Every task, however many
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Machine-readable output: an array of task objects as in `status --json`
    #[arg(long)]
    pub json: bool,
}

/// Width of the DESCRIPTION column.
const DESCRIPTION_WIDTH: usize = 30;

pub fn list(args: ListArgs, paths: &Paths) -> Result<i32> {
    let limit = if args.all { usize::MAX } else { args.limit };
    let store = Store::open_for_reading(&paths.database)?;
    let mut records = match &store {
        Some(store) => store.list(&args.states, limit)?,
        None => Vec::new(),
    };
    // Tasks that wait for a person come first; the order stays otherwise.
    records.sort_by_key(|r| r.state != TaskState::Running || r.asks.waiting().is_none());
    let views: Vec<TaskView> = records.iter().map(|r| r.view(crate::clock::now_ms())).collect();
    if args.json {
        print_json(&views)?;
        return Ok(0);
    }
    let mut out = std::io::stdout().lock();
    if views.is_empty() {
        writeln!(out, "no tasks")?;
        return Ok(0);
    }
    writeln!(
        out,
        "{:<6}  {:<9}  {:>3}  {:<7}  {:<12}  {:>5}  {:<DESCRIPTION_WIDTH$}  STATUS",
        "ID", "STATE", "PRI", "AGENT", "ON", "DONE", "DESCRIPTION"
    )?;
    for (rec, view) in records.iter().zip(&views) {
        writeln!(out, "{}", row(rec, view))?;
    }
    // Only a full page can leave tasks out; counting costs one grouped query then.
    if let Some(store) = store.as_ref().filter(|_| views.len() == limit) {
        let more = matching(&store.summary()?, &args.states).saturating_sub(views.len() as u64);
        if more > 0 {
            writeln!(out, "{}", more_line(more))?;
        }
    }
    Ok(0)
}

fn row(rec: &TaskRecord, view: &TaskView) -> String {
    let done = view.progress.map(|p| format!("{p:.0}%")).unwrap_or_else(|| "-".into());
    let detail = match view.state {
        TaskState::Pending => view.waiting_reason.clone().unwrap_or_default(),
        TaskState::Running => match &view.needs {
            Some(needs) => format!("{} {}", render::needs_word(), needs.text),
            None => view.step.clone().unwrap_or_default(),
        },
        _ => view
            .reason
            .clone()
            .or_else(|| render::elapsed(rec, now_ms()).map(|d| format!("in {}", crate::duration::format(d))))
            .unwrap_or_default(),
    };
    // Pad before painting so escape codes do not upset the columns.
    let state =
        format!("{:<9}", view.state.as_str()).replace(view.state.as_str(), &render::state_word(view.state));
    format!(
        "{:<6}  {state}  {:>3}  {:<7}  {:<12}  {:>5}  {:<DESCRIPTION_WIDTH$}  {}",
        view.id,
        view.priority,
        truncate(&view.agent, 7),
        truncate(&render::placement(view), 12),
        done,
        description(&view.description, view.flow_id.is_some(), DESCRIPTION_WIDTH),
        truncate(&detail, 60)
    )
}

/// The last line of a cut list: how many rows were left out and how to see them.
pub fn more_line(more: u64) -> String {
    format!("… {more} more (--limit N, --all)")
}

/// Tasks in `states` (all when empty) by the summary's counts.
fn matching(counts: &Summary, states: &[TaskState]) -> u64 {
    TaskState::ALL
        .into_iter()
        .filter(|s| states.is_empty() || states.contains(s))
        .map(|s| match s {
            TaskState::Pending => counts.pending,
            TaskState::Running => counts.running,
            TaskState::Completed => counts.completed,
            TaskState::Failed => counts.failed,
            TaskState::Cancelled => counts.cancelled,
        })
        .sum()
}

/// A task's description in `width` characters. A flow step's (`FLOW: STEP`) shortens the
/// flow's name and keeps the step, which is what tells the steps apart.
pub fn description(text: &str, flow_step: bool, width: usize) -> String {
    match text.split_once(": ").filter(|_| flow_step) {
        Some((flow, step)) if text.chars().count() > width => {
            let step = truncate(step, width.saturating_sub(4).max(1));
            let room = width.saturating_sub(step.chars().count() + 2).max(2);
            format!("{}: {step}", truncate(flow, room))
        }
        _ => truncate(text, width),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_step_keeps_its_step_and_shortens_the_flow_name() {
        let shown = description("research then implementation: implement", true, 30);
        assert_eq!(shown, "research then impl…: implement");
        assert_eq!(shown.chars().count(), 30);
        assert_eq!(description("review: lint", true, 30), "review: lint");
        // Not a flow step: cut at the end as before.
        assert_eq!(description("research then implementation: implement", false, 30).chars().count(), 30);
    }

    #[test]
    fn a_long_step_name_still_fits() {
        let shown = description("flow: a very long step name that goes on and on", true, 30);
        assert!(shown.chars().count() <= 30, "{shown}");
        assert!(shown.starts_with('f'), "{shown}");
    }

    #[test]
    fn more_counts_only_the_states_asked_for() {
        let counts = Summary { pending: 2, running: 1, completed: 200, failed: 16, cancelled: 0 };
        assert_eq!(matching(&counts, &[]), 219);
        assert_eq!(matching(&counts, &[TaskState::Failed, TaskState::Pending]), 18);
        assert_eq!(more_line(169), "… 169 more (--limit N, --all)");
    }
}
