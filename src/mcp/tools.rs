//! The MCP tools as a model sees them: names, argument types (their JSON schemas come from
//! these structs) and descriptions that say when to use each one.

use rmcp::handler::server::common::schema_for_type;
use rmcp::model::{Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Deserialize;

/// The longest a tool call may block: under the 60 s tool timeout MCP clients commonly set.
pub const MAX_BLOCK_SECONDS: u64 = 50;

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecuteArgs {
    /// Instructions for a coding agent (any of the `agents` tool's list) to carry out in
    /// the background. Give either `prompt` or `command`.
    pub prompt: Option<String>,
    /// A command to run in the background, as an argument array run without a shell, e.g.
    /// ["cargo", "test"]. For pipes or `&&` use ["sh", "-c", "..."]. Give either `prompt` or
    /// `command`.
    pub command: Option<Vec<String>>,
    /// A short label shown in lists and notifications (default: the prompt or command line).
    pub description: Option<String>,
    /// Agent to run a prompt, by name (see the `agents` tool). Default:
    /// the configured default agent; `shell` for a command.
    pub agent: Option<String>,
    /// Instead of `agent`: route to an installed, healthy, least-busy agent with this
    /// capability (e.g. code, review).
    pub capability: Option<String>,
    /// 1 (lowest) to 10 (highest); default 5.
    #[schemars(range(min = 1, max = 10))]
    pub priority: Option<u8>,
    /// Resource class capped separately in the user's config (e.g. build, e2e).
    pub class: Option<String>,
    /// Working folder; default: the folder this conversation's project is in.
    pub cwd: Option<String>,
    /// Task ids that must complete successfully before this task starts.
    pub after: Option<Vec<String>>,
    /// Fail the task if it runs longer than this: 90s, 10m, 1h30m.
    pub timeout: Option<String>,
    /// Do not start before this delay has passed: 30s, 10m.
    pub delay: Option<String>,
    /// Run again up to this many times after a failure, with backoff.
    pub retries: Option<u32>,
    /// Run in a new git worktree on branch smart-agents/ID, so its edits do not touch the
    /// checkout you are working in.
    pub worktree: Option<bool>,
    /// Desktop notifications for this task: silent, completion, milestone or verbose.
    pub notify: Option<String>,
    /// Return an MCP task that ends with the result (for clients with the MCP tasks
    /// extension, which then tell you the result when it is ready, and put the task's
    /// questions to the user). Without the extension: as if false.
    pub background: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    /// Task id (or a unique prefix of at least 3 characters). Without it: counts by state and
    /// the running tasks.
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultArgs {
    /// Task id (or a unique prefix).
    pub id: String,
    /// Wait up to this many seconds (at most 50) for the task to finish; default 0.
    #[schemars(range(max = 50))]
    pub wait_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Only tasks in these states: pending, running, completed, failed, cancelled.
    pub state: Option<Vec<String>>,
    /// At most this many tasks, newest first; default 50.
    pub limit: Option<usize>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogsArgs {
    /// Task id (or a unique prefix).
    pub id: String,
    /// Only the last N lines; default 200.
    pub tail: Option<usize>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelArgs {
    /// Ids of the tasks to cancel.
    pub ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitArgs {
    /// Ids of the tasks to wait for.
    pub ids: Vec<String>,
    /// Give up after this many seconds (at most 50, the default) and report where they are.
    #[schemars(range(max = 50))]
    pub timeout_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentsArgs {}

const EXECUTE: &str = "Start work in the background and return at once with a task id. Use it \
for anything that takes more than a minute or would block the conversation: a large analysis, \
refactor or review by another coding agent (give `prompt`), or a long command such as a test \
suite, build, benchmark or deploy (give `command`). The task is queued by smart-agents, a \
per-user background worker that starts it when the machine has room, keeps it running after \
this conversation, and records its output. Returns {id, state}. The id is six letters and digits \
(like k2hqjf): tell the user, then keep going with other work and check back with `status`, \
`wait` or `result`. When the task ends, a notice also appears in the conversation.";

const STATUS: &str = "How one background task is doing: state (pending, running, completed, \
failed, cancelled), progress percent, current step, ETA, or why it waits. Without an id: how \
many tasks are in each state and which are running. Cheap; does not wait.";

const RESULT: &str = "The result of a finished background task: its final output (the agent's \
answer or the command's output), success, exit code, duration, cost and changed files. For a \
task not finished yet it returns the task's status instead (not an error); pass wait_seconds \
(up to 50) to wait for it first.";

const LIST: &str = "Background tasks, newest first, with their state and progress. Filter by \
state (e.g. [\"running\", \"pending\"]) to see what is still going on, or [\"completed\", \
\"failed\"] for what ended.";

const LOGS: &str = "The captured stdout and stderr of a background task so far (the last 200 \
lines unless `tail` says otherwise). Use it to see what a running task is doing or why one \
failed.";

const CANCEL: &str = "Cancel background tasks: pending ones end at once, running ones are sent \
SIGTERM (then SIGKILL after a grace period). Returns each task's outcome: cancelled, \
cancelling, or the finished state it already had.";

const WAIT: &str = "Block until the given background tasks have all ended, for at most \
timeout_seconds (50 at most, the default), sending progress notifications meanwhile. Returns \
{done, tasks}: done is false when time ran out, in which case call it again or do other work \
first. Prefer doing useful work and calling `result` later over waiting.";

const AGENTS: &str = "The coding agents smart-agents can run a prompt with: whether each is \
installed, its capabilities, how many tasks it runs now and its limit, and whether its circuit \
is open after repeated failures. Use it to choose `agent` or `capability` for `execute`.";

/// Every tool, in the order a model should meet them.
pub fn definitions() -> Vec<Tool> {
    vec![
        tool::<ExecuteArgs>("execute", "Start a background task", EXECUTE, false),
        tool::<StatusArgs>("status", "Task status", STATUS, true),
        tool::<ResultArgs>("result", "Task result", RESULT, true),
        tool::<ListArgs>("list", "List tasks", LIST, true),
        tool::<LogsArgs>("logs", "Task output", LOGS, true),
        tool::<CancelArgs>("cancel", "Cancel tasks", CANCEL, false),
        tool::<WaitArgs>("wait", "Wait for tasks", WAIT, true),
        tool::<AgentsArgs>("agents", "Available agents", AGENTS, true),
    ]
}

pub(super) fn tool<T: JsonSchema + 'static>(
    name: &'static str,
    title: &str,
    text: &'static str,
    read_only: bool,
) -> Tool {
    let mut annotations = ToolAnnotations::default();
    annotations.title = Some(title.to_string());
    annotations.read_only_hint = Some(read_only);
    annotations.open_world_hint = Some(false);
    if !read_only {
        annotations.destructive_hint = Some(matches!(name, "cancel" | "discard"));
    }
    let mut tool = Tool::new(name, text, schema_for_type::<T>());
    tool.title = Some(title.to_string());
    tool.annotations = Some(annotations);
    tool
}
