//! The task as every part of the program sees it: what a user submits (`TaskSpec`), what
//! `status`/`list` print (`TaskView`) and what `result` prints (`TaskResult`). The JSON field
//! names are contracts.

mod autonomy;
mod drift;
mod needs;
mod validate;

pub use autonomy::Autonomy;
pub use drift::UnknownEvent;
pub use needs::{Answer, Asks, Needs, NeedsKind, Open, Question, Reply, rule_for, rule_matches};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
pub use validate::{MAX_ARG_BYTES, PRIORITY_RANGE, check_priority};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl TaskState {
    pub const ALL: [TaskState; 5] = [
        TaskState::Running,
        TaskState::Pending,
        TaskState::Completed,
        TaskState::Failed,
        TaskState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Running => "running",
            TaskState::Completed => "completed",
            TaskState::Failed => "failed",
            TaskState::Cancelled => "cancelled",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(self, TaskState::Completed | TaskState::Failed | TaskState::Cancelled)
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TaskState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        TaskState::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            format!("unknown state '{s}': expected pending, running, completed, failed or cancelled")
        })
    }
}

/// What a client submits. Stored as JSON beside the task; never changes after submit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskSpec {
    pub description: String,
    pub agent: String,
    /// argv for the `shell` agent (and `command` backends): run directly, never through a shell.
    pub command: Vec<String>,
    /// The prompt for agent backends.
    pub prompt: Option<String>,
    pub cwd: String,
    /// The caller's environment, so the task runs as if typed in that shell.
    pub env: Vec<(String, String)>,
    pub priority: u8,
    pub class: Option<String>,
    pub timeout_ms: Option<u64>,
    /// `execute --needs-timeout` (else `needs_timeout` in config, settled at submit): how long
    /// a question waits for a person before it is denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_timeout_ms: Option<u64>,
    pub retries: u32,
    /// Ids of tasks that must complete first.
    pub after: Vec<String>,
    /// Unix ms before which the task may not start.
    pub not_before_ms: Option<i64>,
    /// Expected resident memory of the task, counted against the memory gate at admission.
    pub mem_bytes: Option<u64>,
    /// Expected cores (`execute --cpus`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpus: Option<f64>,
    /// End the task when its process tree goes past `mem_bytes` (`execute --mem-limit`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mem_limit: bool,
    pub notify: Option<String>,
    pub capability: Option<String>,
    pub worktree: bool,
    /// Task whose agent session this one continues.
    pub resume_of: Option<String>,
    /// Chosen by the client for one submit: sent again after a lost connection, it finds the
    /// task the first send queued instead of queueing another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `execute --autonomy`: overrides the agent profile's.
    pub autonomy: Option<Autonomy>,
    /// The flow this task is a step (or an undo) of, and the step's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_name: Option<String>,
    /// The task that started this one (delegation): `execute` inside a task, or `--parent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Where it runs; settled at submit (`--on`, agent profile, class, `default_executor`).
    pub executor: Option<crate::config::executors::Executor>,
    /// `execute --max-cost USD`: the run ends (failed) once its reported cost goes past this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cost_usd: Option<f64>,
    /// The schedule that fired this task (`schedule add`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// `execute --sandbox`: run walled in (settled at submit with its profile's defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<crate::config::sandbox::SandboxSpec>,
    /// Best-of-N (`execute --attempts`, `--agents`): the group the attempt belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// Status JSON of one task (`status --json`, `list --json`, live events).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: String,
    pub description: String,
    pub agent: String,
    pub state: TaskState,
    pub waiting_reason: Option<String>,
    pub reason: Option<String>,
    pub progress: Option<f64>,
    pub step: Option<String>,
    pub eta_seconds: Option<u64>,
    pub priority: u8,
    pub class: Option<String>,
    pub attempt: u32,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub exit_code: Option<i32>,
    /// `local` or `slurm`.
    #[serde(default)]
    pub executor: crate::config::executors::Executor,
    /// The Slurm job id of the current attempt, else null.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The agent's todo list, when it keeps one: the steps shown as a tree.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub todos: Vec<Todo>,
    /// What admission expects it to use: `{"mem_bytes", "cpus", "source"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footprint: Option<crate::scheduler::Footprint>,
    /// Once an attempt has run, what it used: `{"rss_bytes", "cpu_seconds"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak: Option<crate::scheduler::Peak>,
    /// The task that started this one (delegation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The flow this task is a step (or an undo) of, and the step's name (`undo:N:STEP` for
    /// an undo): what the dashboard groups a flow's steps by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_name: Option<String>,
    /// The schedule that fired this task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// What the task waits for a person to answer (issue 30); absent when nothing is asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<Needs>,
    /// `execute --sandbox`: the settled sandbox it runs (or ran) in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<crate::config::sandbox::SandboxSpec>,
    /// The tasks this one started: filled in by `status ID` (not in lists or events).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ChildOutcome>,
}

/// A child task as its parent's `status` and `result` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildOutcome {
    pub id: String,
    pub description: String,
    pub state: TaskState,
    pub success: bool,
    pub reason: Option<String>,
}

/// One item of an agent's todo list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    pub text: String,
    pub status: TodoStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TodoStatus {
    Pending,
    InProgress,
    Completed,
    Cancelled,
    Blocked,
}

impl TodoStatus {
    /// The agents' status words; anything unknown counts as pending.
    pub fn from_word(word: &str) -> TodoStatus {
        match word {
            "in_progress" => TodoStatus::InProgress,
            "completed" => TodoStatus::Completed,
            "cancelled" | "canceled" => TodoStatus::Cancelled,
            "blocked" => TodoStatus::Blocked,
            _ => TodoStatus::Pending,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub duration_ms: Option<u64>,
    pub tokens_used: Option<u64>,
    pub cost_usd: Option<f64>,
    pub agents_involved: u32,
    /// The parts of the task a usage limit stopped before the current one: their tokens and
    /// cost (already in the totals above) and the session the next part resumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried: Option<Carried>,
}

/// What earlier parts of a task stopped by a usage limit leave to the next part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Carried {
    /// Parts stopped by a limit so far (they do not use up retries).
    pub parts: u32,
    pub tokens_used: u64,
    pub cost_usd: f64,
    /// The agent's session the next part continues (`--resume`), when it had one.
    pub session_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Artifacts {
    pub files: Vec<String>,
    pub changes: u32,
    /// `execute --worktree`: the checkout the task ran in, kept after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worktree: Option<String>,
    /// The branch of that checkout (`smart-agents/ID`), where the work is to be landed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

/// `result --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    pub id: String,
    pub state: TaskState,
    pub success: bool,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub output: String,
    pub metrics: Metrics,
    pub artifacts: Artifacts,
    /// The tasks this one started, with how they ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ChildOutcome>,
    /// What the last attempt used: `{"rss_bytes", "cpu_seconds"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak: Option<crate::scheduler::Peak>,
}

/// `worker status --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerStatus {
    pub pid: u32,
    pub version: String,
    pub uptime_seconds: u64,
    /// The same in milliseconds: a worker started a moment ago is not "up 0ms".
    #[serde(default)]
    pub uptime_ms: u64,
    pub socket: String,
    pub database: String,
    pub running: usize,
    pub pending: usize,
    pub paused: bool,
}

pub const MIN_PRIORITY: u8 = 1;
pub use crate::scheduler::MAX_PRIORITY;
pub const DEFAULT_PRIORITY: u8 = 5;
/// Descriptions, prompts and argv beyond this are refused at submit.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// `agents --json`: one agent and how it is doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStatus {
    pub name: String,
    pub backend: String,
    pub capabilities: Vec<String>,
    /// Its CLI is on the caller's PATH.
    pub installed: bool,
    pub running: u32,
    pub max_concurrency: u32,
    /// `closed | open | half_open`
    pub circuit: String,
    pub class: Option<String>,
    pub model: Option<String>,
    /// What an agent may do on its own: read-only, edit or full.
    #[serde(default)]
    pub autonomy: String,
    /// The installed CLI's version (`--version`), read by the client on the caller's PATH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Set when that version is outside the range the tests cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_warning: Option<String>,
    /// Its account's usage-limit or budget hold, while there is one (`null` otherwise).
    #[serde(default)]
    pub hold: Option<HoldView>,
    /// What its account has spent today (local day), USD.
    #[serde(default)]
    pub spent_today_usd: f64,
    /// The CLI releases smart-agents is tested with ("2.1.0 to 2.1.332").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tested: Option<String>,
    /// Whether its CLI, run headless, can stop and ask a person, and how (else: never).
    #[serde(default)]
    pub asks: String,
    /// Event and item types its CLI printed lately (7 days) that smart-agents does not know.
    #[serde(default)]
    pub unknown_events: Vec<UnknownEvent>,
}

/// A hold as `agents --json` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldView {
    /// When the hold ends (RFC 3339, local time); `null` while a trial task decides.
    pub until: Option<String>,
    /// The waiting reason its tasks show (`ACCOUNT usage limit: resumes 15:00`).
    pub reason: String,
}
