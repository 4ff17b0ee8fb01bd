//! What a running flow does next, from the states of its step tasks: queue the steps whose
//! dependencies have ended, and after a `stop` failure cancel what has not started and undo the
//! completed steps one at a time in reverse order of completion (a saga).

use super::{OnFailure, Plan};
use crate::model::TaskState;
use std::collections::HashMap;

/// A step task as the planner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub state: TaskState,
    pub finished_at: Option<i64>,
    pub reason: Option<String>,
}

#[derive(Debug, Default, PartialEq)]
pub struct Next {
    /// Steps to queue now.
    pub queue: Vec<String>,
    /// Steps whose pending tasks are to be cancelled.
    pub cancel: Vec<String>,
    /// The step whose undo to queue now.
    pub undo: Option<String>,
    /// The flow has ended: its state and why.
    pub end: Option<(super::FlowState, Option<String>)>,
}

/// `steps`: the tasks of the flow's steps by step name; `undos`: this attempt's undo tasks.
pub fn next(plan: &Plan, steps: &HashMap<String, Seen>, undos: &HashMap<String, Seen>) -> Next {
    let failed = |s: &Seen| matches!(s.state, TaskState::Failed | TaskState::Cancelled);
    // The first stop-step to fail is the cause; steps cancelled because of it end later.
    let cause = plan
        .steps
        .iter()
        .filter(|s| s.on_failure == OnFailure::Stop)
        .filter_map(|s| steps.get(&s.name).filter(|seen| failed(seen)).map(|seen| (s, seen)))
        .min_by_key(|(_, seen)| (seen.finished_at.unwrap_or(i64::MAX), seen.state != TaskState::Failed));
    match cause {
        Some((step, seen)) => unwind(plan, steps, undos, &step.name, seen),
        None => go_on(plan, steps),
    }
}

fn go_on(plan: &Plan, steps: &HashMap<String, Seen>) -> Next {
    let ended = |name: &String| steps.get(name).is_some_and(|s| s.state.is_finished());
    let queue: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| !steps.contains_key(&s.name) && s.after.iter().all(ended))
        .map(|s| s.name.clone())
        .collect();
    if !queue.is_empty() || !plan.steps.iter().all(|s| ended(&s.name)) {
        return Next { queue, ..Next::default() };
    }
    let let_go: Vec<&str> = plan
        .steps
        .iter()
        .filter(|s| steps.get(&s.name).is_some_and(|t| t.state != TaskState::Completed))
        .map(|s| s.name.as_str())
        .collect();
    let reason =
        (!let_go.is_empty()).then(|| format!("steps that failed and were let go: {}", let_go.join(", ")));
    Next { end: Some((super::FlowState::Completed, reason)), ..Next::default() }
}

fn unwind(
    plan: &Plan,
    steps: &HashMap<String, Seen>,
    undos: &HashMap<String, Seen>,
    cause: &str,
    seen: &Seen,
) -> Next {
    let cancel: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| steps.get(&s.name).is_some_and(|t| t.state == TaskState::Pending))
        .map(|s| s.name.clone())
        .collect();
    // Wait for running steps (and the pending ones being cancelled) to end before undoing.
    if !cancel.is_empty() || steps.values().any(|t| !t.state.is_finished()) {
        return Next { cancel, ..Next::default() };
    }
    let mut to_undo: Vec<(usize, i64, &str)> = plan
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.undo.is_some())
        .filter_map(|(i, s)| {
            let t = steps.get(&s.name).filter(|t| t.state == TaskState::Completed)?;
            Some((i, t.finished_at.unwrap_or(0), s.name.as_str()))
        })
        .collect();
    to_undo.sort_by_key(|(i, at, _)| std::cmp::Reverse((*at, *i)));
    let mut undone = Vec::new();
    let mut undo_failed = Vec::new();
    for (_, _, name) in to_undo {
        match undos.get(name) {
            None => return Next { undo: Some(name.to_string()), ..Next::default() },
            Some(u) if !u.state.is_finished() => return Next::default(),
            Some(u) if u.state == TaskState::Completed => undone.push(name),
            Some(_) => undo_failed.push(name),
        }
    }
    let why = seen.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    let verb = if seen.state == TaskState::Cancelled { "was cancelled" } else { "failed" };
    let mut reason = format!("step {cause} {verb}{why}; ");
    reason.push_str(&match undone.is_empty() {
        true => "nothing was undone".to_string(),
        false => format!("undone: {}", undone.join(", ")),
    });
    if !undo_failed.is_empty() {
        reason.push_str(&format!("; undo failed: {}", undo_failed.join(", ")));
    }
    Next { end: Some((super::FlowState::Failed, Some(reason))), ..Next::default() }
}
