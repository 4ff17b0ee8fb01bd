//! Human output shared by the commands: task lines, state words, durations.

use crate::model::{TaskState, TaskView};
use crate::store::TaskRecord;
use std::io::IsTerminal;
use std::time::Duration;

/// Colour only on a terminal and never with NO_COLOR.
pub fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

pub fn paint(text: &str, code: &str) -> String {
    if color_enabled() { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
}

pub fn state_word(state: TaskState) -> String {
    let code = match state {
        TaskState::Pending => "33",
        TaskState::Running => "36",
        TaskState::Completed => "32",
        TaskState::Failed => "31",
        TaskState::Cancelled => "35",
    };
    paint(state.as_str(), code)
}

/// `Running (65%) · Analyzing dependencies · ~2m15s left`, or why it waits or ended.
pub fn headline(t: &TaskView) -> String {
    let mut parts = Vec::new();
    let mut state = capitalize(t.state.as_str());
    if let Some(p) = t.progress.filter(|_| t.state == TaskState::Running) {
        state.push_str(&format!(" ({p:.0}%)"));
    }
    parts.push(state);
    match t.state {
        TaskState::Running => {
            if let Some(step) = &t.step {
                parts.push(step.clone());
            }
            if let Some(eta) = t.eta_seconds {
                parts.push(format!("~{} left", crate::duration::format(Duration::from_secs(eta.max(1)))));
            }
        }
        TaskState::Pending => parts.extend(t.waiting_reason.clone()),
        _ => {
            parts.extend(t.reason.clone());
            if let Some(code) = t.exit_code.filter(|c| *c != 0 && t.reason.is_none()) {
                parts.push(format!("exit {code}"));
            }
        }
    }
    parts.join(" · ")
}

/// Where a task runs: `local`, or `slurm 1234` with its job id.
pub fn placement(t: &TaskView) -> String {
    match &t.external_id {
        Some(job) => format!("{} {job}", t.executor),
        None => t.executor.to_string(),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// How long ago / how long it ran, from the record's millisecond times.
pub fn elapsed(rec: &TaskRecord, now: i64) -> Option<Duration> {
    let start = rec.started_at?;
    let end = rec.finished_at.unwrap_or(now);
    Some(Duration::from_millis((end - start).max(0) as u64))
}

pub fn print_json<T: serde::Serialize>(value: &T) -> crate::error::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
