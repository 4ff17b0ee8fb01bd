//! Human words for tasks, shared by the commands, the dashboard and the MCP server: task
//! lines, state words, durations.

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

/// The marker of a task that waits for a person, painted.
pub fn needs_word() -> String {
    paint("needs you:", "1;33")
}

/// `running (65%) · Analyzing dependencies · ~2m15s left`, or why it waits or ended. State
/// names are lowercase everywhere, as in `list` and the JSON.
pub fn headline(t: &TaskView) -> String {
    line(t, true)
}

/// The headline without the percent, for a progress bar that shows it already.
pub fn bar_message(t: &TaskView) -> String {
    line(t, false)
}

fn line(t: &TaskView, percent: bool) -> String {
    let mut parts = Vec::new();
    let mut state = t.state.as_str().to_string();
    if let Some(p) = t.progress.filter(|_| percent && t.state == TaskState::Running) {
        state.push_str(&format!(" ({p:.0}%)"));
    }
    parts.push(state);
    match t.state {
        TaskState::Running => {
            if let Some(needs) = &t.needs {
                parts.push(format!("{} {}", needs_word(), needs.text));
            }
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

/// `peak 420 MiB`; a zero is no measurement (nothing was sampled or reaped), not a size: then
/// the bound the kernel gave, `peak under 8.5 MiB`, or `peak not measured`.
pub fn peak(peak: &crate::scheduler::Peak) -> String {
    use crate::scheduler::footprint::format_bytes;
    match (peak.rss_bytes, peak.rss_at_most) {
        (0, Some(bound)) if bound > 0 => format!("peak under {} (too short to sample)", format_bytes(bound)),
        (0, _) => "peak not measured".to_string(),
        (bytes, _) => format!("peak {}", format_bytes(bytes)),
    }
}

/// `attempt 2/3` within the `--retries` budget; past it (a manual `retry`), `attempt 2`:
/// `2/1` would read as an error. Nothing for a lone first attempt.
pub fn attempt(attempt: u32, retries: u32) -> Option<String> {
    let budget = retries.saturating_add(1);
    match attempt {
        1 if retries == 0 => None,
        n if n <= budget => Some(format!("attempt {n}/{budget}")),
        n => Some(format!("attempt {n}")),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_past_the_retry_budget_has_no_denominator() {
        assert_eq!(attempt(1, 0), None);
        assert_eq!(attempt(1, 2).as_deref(), Some("attempt 1/3"));
        assert_eq!(attempt(3, 2).as_deref(), Some("attempt 3/3"));
        // A manual `retry` of a task without --retries: not `attempt 2/1`.
        assert_eq!(attempt(2, 0).as_deref(), Some("attempt 2"));
    }
}
