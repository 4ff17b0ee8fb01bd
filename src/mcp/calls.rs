//! What each MCP tool does, through the same code paths as the CLI commands, so a tool
//! answers with the objects of `status --json`, `result --json` and `list --json`.

use super::tools::{
    AgentsArgs, CancelArgs, ExecuteArgs, ListArgs, LogsArgs, MAX_BLOCK_SECONDS, ResultArgs, StatusArgs,
    WaitArgs,
};
use crate::client::Client;
use crate::client::follow::{self, Ending};
use crate::client::logs;
use crate::client::submit;
use crate::client::tasks;
use crate::error::{Error, Result};
use crate::model::{DEFAULT_PRIORITY, TaskState, TaskView};
use crate::paths::Paths;
use crate::render::headline;
use serde_json::{Value, json};
use std::time::Duration;

/// A tool's answer: its JSON, a short line for a person, and whether it reports a failure.
pub struct Reply {
    pub json: Value,
    pub text: String,
    pub is_error: bool,
}

impl Reply {
    pub(super) fn ok(json: Value, text: impl Into<String>) -> Reply {
        Reply { json, text: text.into(), is_error: false }
    }
}

/// Called with the tasks' views whenever one changes while `wait` blocks.
pub type Watch = Box<dyn FnMut(&[TaskView]) + Send>;

/// Logs longer than this are cut from the front: a model's context is precious.
const MAX_LOG_BYTES: usize = 64 * 1024;
const DEFAULT_LOG_LINES: usize = 200;

pub async fn execute(paths: &Paths, args: ExecuteArgs) -> Result<Reply> {
    let spec = spec_of(args)?;
    let (_client, id) = submit::queue(spec, paths).await?;
    let state = tasks::task(paths, &id).map_or(TaskState::Pending, |r| r.state);
    let text = format!(
        "Task {id} is {state} in the background. Check back with `status`, `wait` or `result` and id {id}."
    );
    Ok(Reply::ok(json!({ "id": id, "state": state }), text))
}

/// The CLI's `execute` arguments for these tool arguments, so both build and check a task alike.
pub(super) fn spec_of(a: ExecuteArgs) -> Result<crate::model::TaskSpec> {
    let command = a.command.unwrap_or_default();
    if a.prompt.is_some() && !command.is_empty() {
        return Err(Error::usage("give either `prompt` or `command`, not both"));
    }
    if a.prompt.is_none() && command.is_empty() {
        // A description alone is not a prompt here, unlike the CLI's positional argument.
        return Err(Error::usage(
            "nothing to run: give `prompt` (for an agent) or `command` (an argument array)",
        ));
    }
    if a.agent.is_some() && a.capability.is_some() {
        return Err(Error::usage("give either `agent` or `capability`, not both"));
    }
    let duration = |what: &str, text: Option<String>| {
        text.map(|t| submit::parse_duration(&t).map_err(|e| Error::usage(format!("{what}: {e}")))).transpose()
    };
    let notify = a.notify.map(|n| n.parse::<crate::notify::Strategy>().map_err(Error::usage)).transpose()?;
    let (prompt, label) = (a.prompt.clone(), a.description.clone());
    let args = submit::Args {
        description: a.prompt.or(a.description),
        detach: true,
        agent: a.agent,
        priority: a.priority.unwrap_or(DEFAULT_PRIORITY),
        class: a.class,
        cwd: a.cwd.map(Into::into),
        timeout: duration("timeout", a.timeout)?,
        retries: a.retries.unwrap_or(0),
        after: a.after.unwrap_or_default(),
        delay: duration("delay", a.delay)?,
        capability: a.capability,
        worktree: a.worktree.unwrap_or(false),
        notify: notify.map(|s| s.as_str().to_string()),
        json: true,
        quiet: false,
        command,
        // Flags the tool does not take keep the CLI's defaults.
        ..Default::default()
    };
    let mut spec = args.spec()?;
    // With a prompt the CLI's description is the prompt; here a separate label may be given.
    if let (Some(_), Some(label)) = (prompt, label) {
        spec.description = label;
    }
    Ok(spec)
}

pub fn status(paths: &Paths, args: StatusArgs) -> Result<Reply> {
    let Some(id) = args.id else {
        let store = crate::store::Store::open_for_reading(&paths.database)?;
        let (c, running) = tasks::summary_of(store.as_ref())?;
        let text = format!(
            "{} running · {} pending · {} completed · {} failed · {} cancelled",
            c.running, c.pending, c.completed, c.failed, c.cancelled
        );
        return Ok(Reply::ok(json!({ "counts": c, "running": running }), text));
    };
    let view = tasks::view(paths, &id)?;
    let text = format!("{} {} · {}", view.id, headline(&view), view.description);
    Ok(Reply::ok(serde_json::to_value(&view)?, text))
}

pub async fn result(paths: &Paths, args: ResultArgs) -> Result<Reply> {
    let wait = seconds("wait_seconds", args.wait_seconds, 0)?;
    let mut rec = tasks::task(paths, &args.id)?;
    if !rec.state.is_finished() && !wait.is_zero() {
        let client = Client::connect(paths).await?;
        follow::follow(client, vec![rec.id.clone()], Some(wait)).await?;
        rec = tasks::task(paths, &rec.id)?;
    }
    let view = rec.view(crate::clock::now_ms());
    if !rec.state.is_finished() {
        let text = format!(
            "{} is not finished: {}. No result yet; check back later with `result` or `wait`.",
            view.id,
            headline(&view)
        );
        return Ok(Reply::ok(serde_json::to_value(&view)?, text));
    }
    let result = rec.result();
    let mut text = format!("{} {}", view.id, headline(&view));
    if let Some(ms) = result.metrics.duration_ms {
        text.push_str(&format!(" · took {}", crate::duration::format(Duration::from_millis(ms))));
    }
    text.push_str(&format!(" · output {} lines", result.output.lines().count()));
    Ok(Reply::ok(serde_json::to_value(&result)?, text))
}

pub fn list(paths: &Paths, args: ListArgs) -> Result<Reply> {
    let states = args
        .state
        .unwrap_or_default()
        .iter()
        .map(|s| s.parse::<TaskState>().map_err(Error::usage))
        .collect::<Result<Vec<_>>>()?;
    let views: Vec<TaskView> = tasks::records(paths, &states, args.limit.unwrap_or(tasks::DEFAULT_LIMIT))?
        .iter()
        .map(|r| r.view(crate::clock::now_ms()))
        .collect();
    let text = match views.len() {
        0 => "no tasks".to_string(),
        n => {
            let counts: Vec<String> = TaskState::ALL
                .iter()
                .map(|st| (st, views.iter().filter(|v| v.state == *st).count()))
                .filter(|(_, n)| *n > 0)
                .map(|(st, n)| format!("{n} {st}"))
                .collect();
            format!("{n} task{}: {}", if n == 1 { "" } else { "s" }, counts.join(", "))
        }
    };
    Ok(Reply::ok(json!({ "tasks": views }), text))
}

pub fn logs(paths: &Paths, args: LogsArgs) -> Result<Reply> {
    let rec = tasks::task(paths, &args.id)?;
    let mut output = logs::read_text(paths, &rec.id, Some(args.tail.unwrap_or(DEFAULT_LOG_LINES)))?;
    let truncated = output.len() > MAX_LOG_BYTES;
    if truncated {
        let mut cut = output.len() - MAX_LOG_BYTES;
        while !output.is_char_boundary(cut) {
            cut += 1;
        }
        output.drain(..cut);
    }
    let text = format!("{} ({}): {} lines of output", rec.id, rec.state, output.lines().count());
    Ok(Reply::ok(json!({ "id": rec.id, "state": rec.state, "output": output, "truncated": truncated }), text))
}

pub async fn cancel(paths: &Paths, args: CancelArgs) -> Result<Reply> {
    if args.ids.is_empty() {
        return Err(Error::usage("give at least one task id in `ids`"));
    }
    let outcomes = crate::client::requests::cancel(paths, args.ids).await?;
    let mut problems = Vec::new();
    let mut said = Vec::new();
    for o in &outcomes {
        match o.outcome.as_str() {
            "not_found" => problems.push(format!("no task with id '{}'", o.id)),
            other if other.starts_with("error: ") => problems.push(other["error: ".len()..].to_string()),
            "cancelled" => said.push(format!("{} cancelled", o.id)),
            "cancelling" => said.push(format!("{} cancelling (SIGTERM sent)", o.id)),
            state => said.push(format!("{} already {state}: nothing changed", o.id)),
        }
    }
    said.extend(problems.iter().cloned());
    Ok(Reply { json: json!({ "outcomes": outcomes }), text: said.join("; "), is_error: !problems.is_empty() })
}

pub async fn wait(paths: &Paths, args: WaitArgs, watch: Watch) -> Result<Reply> {
    if args.ids.is_empty() {
        return Err(Error::usage("give at least one task id in `ids`"));
    }
    let limit = seconds("timeout_seconds", args.timeout_seconds, MAX_BLOCK_SECONDS)?;
    let ids = args.ids.iter().map(|t| tasks::task(paths, t).map(|r| r.id)).collect::<Result<Vec<_>>>()?;
    let client = Client::connect(paths).await?;
    let (done, views) = match follow::follow_watching(client, ids, Some(limit), watch).await? {
        Ending::Done(views) => (true, views),
        Ending::TimedOut(views) => (false, views),
        Ending::Detached => (false, Vec::new()),
    };
    let lines: Vec<String> = views.iter().map(|v| format!("{} {}", v.id, headline(v))).collect();
    let text = if done {
        format!("All ended: {}", lines.join("; "))
    } else {
        format!("Still going after {}s: {}. Call `wait` again later.", limit.as_secs(), lines.join("; "))
    };
    Ok(Reply::ok(json!({ "done": done, "tasks": views }), text))
}

pub async fn agents(paths: &Paths, _args: AgentsArgs) -> Result<Reply> {
    let agents = crate::client::agents::fetch(paths).await?;
    let names: Vec<String> = agents
        .iter()
        .map(|a| format!("{} ({})", a.name, if a.installed { "installed" } else { "not installed" }))
        .collect();
    Ok(Reply::ok(json!({ "agents": agents }), format!("{} agents: {}", agents.len(), names.join(", "))))
}

/// A blocking time in seconds, refused above the limit so a call never meets a client timeout.
fn seconds(what: &str, value: Option<u64>, default: u64) -> Result<Duration> {
    match value.unwrap_or(default) {
        s if s > MAX_BLOCK_SECONDS => Err(Error::usage(format!(
            "`{what}` is {s}: at most {MAX_BLOCK_SECONDS} seconds, call again to wait longer"
        ))),
        s => Ok(Duration::from_secs(s)),
    }
}
