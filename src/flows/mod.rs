//! Flows: a plan of several tasks run as one. This module is pure (no I/O): reading and checking
//! flow files, templates, and deciding what a flow does next. The worker applies the decisions
//! (src/worker/flows.rs).

mod file;
pub mod saga;
pub mod template;
#[cfg(test)]
mod tests;

pub use file::parse;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A checked flow, variables filled in. Sent to the worker and kept in the flow's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub name: String,
    pub steps: Vec<Step>,
    pub vars: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    pub action: Action,
    /// Steps that must end first: `after`, plus those whose output this one uses.
    pub after: Vec<String>,
    pub on_failure: OnFailure,
    /// Runs if the flow fails after this step completed (in reverse order of completion).
    pub undo: Option<Action>,
}

/// What a step (or its undo) runs, with the `execute` options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub prompt: Option<String>,
    /// argv; a command written as one string runs as `sh -c STRING`.
    pub command: Vec<String>,
    pub agent: Option<String>,
    pub capability: Option<String>,
    pub class: Option<String>,
    pub priority: Option<u8>,
    pub timeout_ms: Option<u64>,
    pub retries: u32,
    pub worktree: bool,
    /// The executor to run on: checked and kept; forwarded once tasks carry an executor.
    pub on: Option<String>,
    pub mem_bytes: Option<u64>,
    /// The schedule whose firing runs this flow: its tasks name it, as a fired task does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
}

impl Action {
    pub fn outputs_used(&self) -> std::collections::BTreeSet<String> {
        let mut used = std::collections::BTreeSet::new();
        for text in self.prompt.iter().chain(self.command.iter()) {
            used.extend(template::outputs_used(text));
        }
        used
    }

    /// The same action with the ended steps' outputs filled in.
    pub fn rendered(&self, outputs: &BTreeMap<String, String>) -> Action {
        let mut a = self.clone();
        a.prompt = a.prompt.map(|p| template::render_outputs(&p, outputs));
        a.command = a.command.iter().map(|c| template::render_outputs(c, outputs)).collect();
        a
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// Cancel the steps not started, undo the completed ones, fail the flow.
    #[default]
    Stop,
    /// Let the failure go: the steps after it still run.
    Continue,
}

/// `flows.state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowState {
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl FlowState {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowState::Running => "running",
            FlowState::Completed => "completed",
            FlowState::Failed => "failed",
            FlowState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> FlowState {
        match s {
            "completed" => FlowState::Completed,
            "failed" => FlowState::Failed,
            "cancelled" => FlowState::Cancelled,
            _ => FlowState::Running,
        }
    }
}

/// The `step_name` of the task that undoes `step` in the flow's attempt `attempt`.
pub fn undo_task_name(attempt: u32, step: &str) -> String {
    format!("undo:{attempt}:{step}")
}

/// (attempt, step) of an undo task's `step_name`.
pub fn parse_undo_name(name: &str) -> Option<(u32, &str)> {
    let rest = name.strip_prefix("undo:")?;
    let (attempt, step) = rest.split_once(':')?;
    Some((attempt.parse().ok()?, step))
}
