//! When a task's change deserves a desktop notification, and what it says. Pure: the caller
//! passes the previous and new view, the policy, the per-task memory and the time.

use crate::config::Strategy;
use crate::model::{TaskState, TaskView};
use std::time::Duration;

/// The strategy of one task with the limits from config.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    pub strategy: Strategy,
    /// Verbose: fewer percent points than this since the last notification are not news.
    pub min_progress_delta: f64,
    /// Progress notifications of one task at most this often. Endings are never throttled.
    pub throttle_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Low,
    Normal,
    Critical,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub summary: String,
    pub body: String,
    pub urgency: Urgency,
}

/// What was last notified for a task, so throttling and milestones span many events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memory {
    last_sent_ms: Option<i64>,
    last_progress: Option<f64>,
    last_step: Option<String>,
    /// Highest milestone (1..=4 quarters) already announced.
    last_milestone: u8,
    /// When the last question told about was asked: each question is told once.
    asked: Option<String>,
}

/// Did the task just end? A task first seen already finished counts (it ended in one round).
pub fn is_ending(prev: Option<&TaskView>, new: &TaskView) -> bool {
    new.state.is_finished() && prev.is_none_or(|p| !p.state.is_finished())
}

/// The notification for this change, if the policy wants one. `detail` gives the first line
/// of the result output or reason for an ending; it is only called for one (it reads the
/// database).
pub fn decide(
    prev: Option<&TaskView>,
    new: &TaskView,
    policy: &Policy,
    memory: &mut Memory,
    now_ms: i64,
    detail: impl FnOnce() -> Option<String>,
) -> Option<Notification> {
    if policy.strategy == Strategy::Silent {
        return None;
    }
    // A task waiting for a person is news under every strategy but silent, once per question.
    if let Some(needs) = new.needs.as_ref().filter(|n| memory.asked.as_ref() != Some(&n.since)) {
        memory.asked = Some(needs.since.clone());
        return Some(needs_you(new, needs));
    }
    if is_ending(prev, new) {
        // Cancelling is something the user did: no need to tell them.
        return match new.state {
            TaskState::Completed | TaskState::Failed => Some(ending(new, detail())),
            _ => None,
        };
    }
    if new.state != TaskState::Running || policy.strategy == Strategy::Completion {
        return None;
    }
    let throttled = memory.last_sent_ms.is_some_and(|at| now_ms - at < policy.throttle_ms as i64);
    let wanted = match policy.strategy {
        Strategy::Milestone => {
            let reached = new.progress.map_or(0, |p| (p.clamp(0.0, 100.0) / 25.0).floor() as u8);
            reached > memory.last_milestone
        }
        Strategy::Verbose => {
            let moved = match (new.progress, memory.last_progress) {
                (Some(p), Some(last)) => (p - last).abs() >= policy.min_progress_delta.max(f64::EPSILON),
                (Some(_), None) => true,
                (None, _) => false,
            };
            let stepped = new.step.is_some() && new.step != memory.last_step;
            moved || stepped
        }
        Strategy::Silent | Strategy::Completion => false,
    };
    // A throttled change is not forgotten: it is still news at the next event past the throttle.
    if !wanted || throttled {
        return None;
    }
    memory.last_sent_ms = Some(now_ms);
    memory.last_progress = new.progress.or(memory.last_progress);
    memory.last_step = new.step.clone().or(memory.last_step.take());
    if let Some(p) = new.progress {
        memory.last_milestone = memory.last_milestone.max((p.clamp(0.0, 100.0) / 25.0).floor() as u8);
    }
    Some(progress(new))
}

fn ending(task: &TaskView, detail: Option<String>) -> Notification {
    let mut lines = vec![task.description.clone()];
    let mut status = task.state.as_str().to_string();
    if let Some(took) = duration(task) {
        status.push_str(&format!(" in {}", crate::duration::format(took)));
    }
    status.push_str(&format!(" · task {}", task.id));
    lines.push(status);
    lines.extend(detail.filter(|d| !d.is_empty()));
    Notification {
        summary: format!("smart-agents: {}", task.state),
        body: lines.join("\n"),
        urgency: if task.state == TaskState::Failed { Urgency::Critical } else { Urgency::Normal },
    }
}

fn needs_you(task: &TaskView, needs: &crate::model::Needs) -> Notification {
    let what = match needs.kind {
        crate::model::NeedsKind::Permission => "asks permission",
        crate::model::NeedsKind::Question => "asks you",
    };
    let answer = format!("smart-agents answer {} allow|deny|\"TEXT\"", task.id);
    Notification {
        summary: format!("smart-agents: task {} {what}", task.id),
        body: [task.description.clone(), needs.text.clone(), answer].join("\n"),
        urgency: Urgency::Critical,
    }
}

fn progress(task: &TaskView) -> Notification {
    let percent = task.progress.map(|p| format!("{p:.0}%")).unwrap_or_else(|| "running".into());
    let mut lines = vec![task.description.clone()];
    let mut now = vec![percent.clone()];
    now.extend(task.step.clone());
    if let Some(eta) = task.eta_seconds {
        now.push(format!("~{} left", crate::duration::format(Duration::from_secs(eta))));
    }
    lines.push(now.join(" · "));
    Notification {
        summary: format!("smart-agents: {percent} · task {}", task.id),
        body: lines.join("\n"),
        urgency: Urgency::Low,
    }
}

/// How long the task ran, from its RFC 3339 start and end.
pub fn duration(task: &TaskView) -> Option<Duration> {
    let parse = |t: &Option<String>| chrono::DateTime::parse_from_rfc3339(t.as_deref()?).ok();
    let (start, end) = (parse(&task.started_at)?, parse(&task.finished_at)?);
    (end - start).to_std().ok()
}

/// The first non-blank line, cut to a length a notification can show.
pub fn first_line(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(crate::text::truncate(line, 200))
}

#[cfg(test)]
#[path = "strategy_tests.rs"]
mod tests;
