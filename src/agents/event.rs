//! The normalized shape every agent stream is turned into, and the trait parsers implement.
//!
//! Events are what the worker shows while a task runs; the [`Verdict`] is what it records when
//! the process has ended. Parsers are pure: bytes in, events out, no I/O.

use serde::{Deserialize, Serialize};

// One todo type for the whole program: the task view shows what the parsers read.
pub use crate::model::{Todo, TodoStatus};

/// Something worth telling the user while the agent runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AgentEvent {
    /// The agent's own session id, needed to resume it later.
    Started { session_id: String },
    /// A snapshot of progress, replacing the previous one (not a delta). `percent` is only set
    /// from the agent's todo list, never estimated; `todos` is `None` while no list is known.
    Progress { percent: Option<f64>, step: Option<String>, todos: Option<Vec<Todo>> },
    /// Cumulative totals so far (input, cached and output tokens together).
    Usage { tokens_used: u64, cost_usd: Option<f64> },
    /// Text the main agent said (not subagents); may be a chunk of a longer message.
    Text { text: String },
    /// The agent started a subagent (a `Task`/`Agent` tool use); counted once per tool use.
    Subagent,
}

/// How a run ended, once the process has exited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub success: bool,
    /// Why it failed, in words; `None` on success.
    pub reason: Option<String>,
    /// The final answer (empty when the agent gave none).
    pub output: String,
    pub tokens_used: Option<u64>,
    pub cost_usd: Option<f64>,
    /// The main agent plus every subagent it started.
    pub agents_involved: u32,
    pub session_id: Option<String>,
    /// Files the agent reported editing or creating, in first-seen order, without duplicates.
    pub files_changed: Vec<String>,
    /// Event and item types the parser did not know (drift of the CLI's stream format).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_events: Vec<crate::model::UnknownEvent>,
}

/// Turns one CLI's stdout into events, then a verdict.
///
/// `feed_line` gets each stdout line as raw bytes (newline optional): it may be invalid UTF-8,
/// very long, or not JSON at all; what a parser does not understand it ignores. It never panics.
pub trait StreamParser: Send {
    fn feed_line(&mut self, line: &[u8]) -> Vec<AgentEvent>;

    /// Feed a line of a side channel (an analytics log written beside the stream). Other parsers ignore it.
    fn feed_side_line(&mut self, _line: &[u8]) -> Vec<AgentEvent> {
        Vec::new()
    }

    /// Call once after the process has exited (and every line has been fed).
    fn finish(&mut self, exit_code: Option<i32>, signal: Option<i32>) -> Verdict;
}
