//! The `schedule_add`, `schedule_list` and `schedule_remove` tools: recurring work set up by a
//! model when the user asks for it (issue 32). They build and send what `schedule add`,
//! `schedule list` and `schedule remove` do.

use super::calls::Reply;
use super::tools::{ExecuteArgs, tool};
use crate::client::Client;
use crate::client::schedule_view;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::Request;
use crate::schedules::{CatchUp, Job, Overlap, ScheduleDef, ScheduleOp, Timing};
use rmcp::model::Tool;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleAddArgs {
    /// A short name: letters, digits, '-', '_' and '.' (e.g. nightly-deps).
    pub name: String,
    /// A cron expression, 5 fields (minute hour day month weekday), e.g. "0 9 * * 1-5" for
    /// weekdays at 9. Give either `cron` or `every`.
    pub cron: Option<String>,
    /// The IANA time zone of `cron`, e.g. Europe/Berlin; default: the machine's.
    pub tz: Option<String>,
    /// A fixed interval instead of `cron`: 30m, 1h, 1d.
    pub every: Option<String>,
    /// Instructions for a coding agent at each firing. Give either `prompt` or `command`.
    pub prompt: Option<String>,
    /// A command to run at each firing, as an argument array, e.g. ["cargo", "test"].
    pub command: Option<Vec<String>>,
    /// Agent to run the prompt (see the `agents` tool).
    pub agent: Option<String>,
    /// Working folder; default: this conversation's project folder.
    pub cwd: Option<String>,
    /// Windows missed while the machine was off: skip, once (default) or all.
    pub catch_up: Option<String>,
    /// A window while the last run still goes: skip (default), queue or allow.
    pub overlap: Option<String>,
    /// Pause for the rest of the day after this many runs.
    pub max_runs_per_day: Option<u32>,
    /// Pause for the rest of the day once the runs cost this much (USD).
    pub max_cost_per_day: Option<f64>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleListArgs {}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRemoveArgs {
    /// The schedule's name.
    pub name: String,
}

const ADD: &str = "Set up recurring work: run an agent prompt or a command on a cron schedule \
or at a fixed interval, as background tasks of smart-agents. Use it when the user asks for \
something to happen regularly (\"every weekday at 9 triage the new issues\", \"every night \
update the dependencies\"). Windows missed while the machine was off are caught up once by \
default; a window while the last run still goes is skipped by default. Returns the schedule \
with its next firing.";

const LIST: &str = "The recurring schedules: each one's name, spec, next firing, last run (id and \
state), missed windows and whether it is paused.";

const REMOVE: &str = "Delete a recurring schedule by name, so it fires no more. Runs it already \
started go on; their tasks stay in the history.";

pub fn definitions() -> Vec<Tool> {
    vec![
        tool::<ScheduleAddArgs>("schedule_add", "Add a schedule", ADD, false),
        tool::<ScheduleListArgs>("schedule_list", "List schedules", LIST, true),
        tool::<ScheduleRemoveArgs>("schedule_remove", "Remove a schedule", REMOVE, false),
    ]
}

pub async fn add(paths: &Paths, a: ScheduleAddArgs) -> Result<Reply> {
    let timing = match (&a.cron, &a.every) {
        (Some(expr), None) => Timing::cron(expr, a.tz.as_deref()),
        (None, Some(every)) if a.tz.is_none() => Timing::every(every),
        _ => return Err(Error::usage("give either `cron` (with an optional `tz`) or `every`")),
    }
    .map_err(Error::usage)?;
    let policy = |text: Option<String>| text.unwrap_or_default();
    let catch_up: CatchUp = match policy(a.catch_up) {
        t if t.is_empty() => CatchUp::default(),
        t => t.parse().map_err(Error::usage)?,
    };
    let overlap: Overlap = match policy(a.overlap) {
        t if t.is_empty() => Overlap::default(),
        t => t.parse().map_err(Error::usage)?,
    };
    let exec = ExecuteArgs {
        prompt: a.prompt,
        command: a.command,
        agent: a.agent,
        cwd: a.cwd,
        ..Default::default()
    };
    let def = ScheduleDef {
        name: a.name,
        timing,
        catch_up,
        overlap,
        max_runs_per_day: a.max_runs_per_day,
        max_cost_per_day: a.max_cost_per_day,
        job: Job::Task { spec: Box::new(super::calls::spec_of(exec)?) },
    };
    def.validate().map_err(Error::usage)?;
    let name = def.name.clone();
    Client::connect(paths).await?.request(Request::ScheduleAdd { def: Box::new(def) }).await?;
    let view = schedule_view::detail(schedule_view::open(paths)?.as_ref(), &name)?.view;
    let text = format!(
        "Schedule {name} added ({}); next firing {}.",
        view.spec,
        view.next.as_deref().unwrap_or("never")
    );
    Ok(Reply { json: json!(view), text, is_error: false })
}

pub fn list(paths: &Paths, _: ScheduleListArgs) -> Result<Reply> {
    let views = schedule_view::list(schedule_view::open(paths)?.as_ref())?;
    let text = match views.len() {
        0 => "no schedules".to_string(),
        n => format!("{n} schedule{}", if n == 1 { "" } else { "s" }),
    };
    Ok(Reply { json: json!({ "schedules": views }), text, is_error: false })
}

pub async fn remove(paths: &Paths, a: ScheduleRemoveArgs) -> Result<Reply> {
    let req = Request::ScheduleSet { name: a.name.clone(), op: ScheduleOp::Remove };
    Client::connect(paths).await?.request(req).await?;
    Ok(Reply {
        json: json!({ "name": a.name, "removed": true }),
        text: format!("Schedule {} removed.", a.name),
        is_error: false,
    })
}
