//! `flow status --json` and `flow list --json`: a flow with its steps. The field names are
//! contracts.

use crate::flows::{FlowState, OnFailure, parse_undo_name};
use crate::store::{FlowRecord, TaskRecord, rfc3339};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowView {
    pub id: String,
    pub name: String,
    pub file: String,
    pub state: FlowState,
    pub reason: Option<String>,
    pub attempt: u32,
    /// Percent: steps ended of all steps, a running step counting by its own progress.
    pub progress: f64,
    pub steps_done: usize,
    pub steps_total: usize,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub steps: Vec<StepView>,
    /// Undo tasks run for this flow, in the order they ran.
    pub undos: Vec<UndoView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    pub name: String,
    /// `waiting` (not queued yet: its dependencies have not ended) or the task's state.
    pub state: String,
    pub task_id: Option<String>,
    pub progress: Option<f64>,
    pub reason: Option<String>,
    pub after: Vec<String>,
    pub on_failure: OnFailure,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndoView {
    pub step: String,
    pub task_id: String,
    pub state: String,
    pub attempt: u32,
}

pub fn view(flow: &FlowRecord, tasks: &[TaskRecord]) -> FlowView {
    let of_step = |name: &str| tasks.iter().find(|t| t.spec.step_name.as_deref() == Some(name));
    let steps: Vec<StepView> = flow
        .plan
        .steps
        .iter()
        .map(|s| {
            let task = of_step(&s.name);
            StepView {
                name: s.name.clone(),
                // Never queued: waiting while the flow runs, cancelled once it has ended.
                state: match (task, flow.state) {
                    (Some(t), _) => t.state.to_string(),
                    (None, FlowState::Running) => "waiting".to_string(),
                    (None, _) => "cancelled".to_string(),
                },
                task_id: task.map(|t| t.id.clone()),
                progress: task.and_then(|t| t.progress),
                reason: task.and_then(|t| t.reason.clone()),
                after: s.after.clone(),
                on_failure: s.on_failure,
            }
        })
        .collect();
    let undos = tasks
        .iter()
        .filter_map(|t| {
            let (attempt, step) = parse_undo_name(t.spec.step_name.as_deref()?)?;
            Some(UndoView {
                step: step.to_string(),
                task_id: t.id.clone(),
                state: t.state.to_string(),
                attempt,
            })
        })
        .collect();
    let (done, total, progress) = weighted(steps.iter().map(|s| step_weight(&s.state, s.progress)));
    FlowView {
        id: flow.id.clone(),
        name: flow.name.clone(),
        file: flow.file.clone(),
        state: flow.state,
        reason: flow.reason.clone(),
        attempt: flow.attempt,
        progress,
        steps_done: done,
        steps_total: total,
        created_at: rfc3339(flow.created_at),
        finished_at: flow.finished_at.map(rfc3339),
        steps,
        undos,
    }
}

/// A step's share of its flow: whole once it has ended, its own progress while it runs,
/// nothing while it waits.
pub fn step_weight(state: &str, progress: Option<f64>) -> f64 {
    match state {
        "completed" | "failed" | "cancelled" => 1.0,
        "running" => progress.filter(|p| p.is_finite()).unwrap_or(0.0).clamp(0.0, 100.0) / 100.0,
        _ => 0.0,
    }
}

/// (steps done, steps in all, percent to one decimal) of a flow whose steps weigh `weights`.
/// An empty flow is done.
pub fn weighted(weights: impl IntoIterator<Item = f64>) -> (usize, usize, f64) {
    let (mut done, mut total, mut sum) = (0, 0, 0.0);
    for w in weights {
        total += 1;
        done += usize::from(w >= 1.0);
        sum += w;
    }
    let percent = if total == 0 { 100.0 } else { sum * 100.0 / total as f64 };
    (done, total, (percent * 10.0).round() / 10.0)
}
