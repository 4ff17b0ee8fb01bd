//! Claude Code's stream in words: reasons, steps, todo lists and usage read from its JSON.

use crate::agents::advice;
use crate::agents::common::{obj_of, short, step_with, str_of, todos_of, u64_of, with_note};
use crate::agents::event::{Todo, TodoStatus};
use serde_json::{Map, Value};

/// A run that ended for `why` without an answer; the deferred tool use named when there was one.
pub(super) fn stopped(why: &str, deferred: Option<&str>) -> String {
    match deferred {
        Some(tool) => format!("claude stopped: {why} ({tool})"),
        None => format!("claude stopped: {why}"),
    }
}

/// An error result in words: the API status when there was one, the CLI's text, and for an
/// authentication failure what to do.
pub(super) fn error_reason(api_status: Option<u64>, text: Option<&str>) -> String {
    let status = api_status.map(|s| format!(" (API status {s})")).unwrap_or_default();
    let text = text.map(short).filter(|t| !t.is_empty());
    let reason = match &text {
        Some(text) => format!("claude reported an error{status}: {text}"),
        None => format!("claude reported an error{status}"),
    };
    advice::with_auth_advice(crate::agents::Backend::from_cli(&super::Claude), reason)
}

/// `permission_denials[]` of the result: `{tool_name, tool_input}` each.
pub(super) fn denials_of(obj: &Map<String, Value>) -> Vec<String> {
    let empty = Map::new();
    let items = obj.get("permission_denials").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    items
        .iter()
        .filter_map(Value::as_object)
        .map(|d| {
            tool_step(str_of(d, "tool_name").unwrap_or_default(), obj_of(d, "tool_input").unwrap_or(&empty))
        })
        .collect()
}

/// A run denied permissions says which, even when it succeeded otherwise: the user has to
/// widen its autonomy (or do those steps) for the work to be complete.
pub(super) fn with_denials(reason: Option<String>, denials: &[String]) -> Option<String> {
    if denials.is_empty() {
        return reason;
    }
    let note = format!(
        "permission denied {}x: {} (raise the agent's autonomy, see `execute --autonomy`)",
        denials.len(),
        denials.join("; ")
    );
    with_note(reason, note)
}

/// Everything the model read or wrote: fresh input, cache writes, cache reads and output.
pub(super) fn usage_total(usage: &Map<String, Value>) -> u64 {
    ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]
        .iter()
        .filter_map(|k| u64_of(usage, k))
        .fold(0, u64::saturating_add)
}

/// The todo list and, as the step, the `activeForm` (else `content`) of the item in progress.
pub(super) fn read_todos(input: &Map<String, Value>) -> (Vec<Todo>, Option<String>) {
    let mut step = None;
    let todos = todos_of(input, "todos", |item| {
        let text = str_of(item, "content").unwrap_or_default().to_string();
        let status = TodoStatus::from_word(str_of(item, "status").unwrap_or_default());
        if status == TodoStatus::InProgress && step.is_none() {
            step = str_of(item, "activeForm")
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
                .or_else(|| Some(text.clone()));
        }
        Todo { text, status }
    });
    (todos, step)
}

pub(super) fn edited_path<'a>(name: &str, input: &'a Map<String, Value>) -> Option<&'a str> {
    match name {
        "Edit" | "MultiEdit" | "Write" => str_of(input, "file_path"),
        "NotebookEdit" => str_of(input, "notebook_path"),
        _ => None,
    }
}

/// The tool use in words, e.g. "Grep authenticate", "Running: cargo test".
pub(super) fn tool_step(name: &str, input: &Map<String, Value>) -> String {
    match name {
        "Bash" => step_with("Running:", str_of(input, "command")),
        "Grep" | "Glob" => step_with(name, str_of(input, "pattern")),
        "Read" => step_with("Reading", str_of(input, "file_path")),
        "Edit" | "MultiEdit" | "Write" | "NotebookEdit" => step_with("Editing", edited_path(name, input)),
        "WebFetch" => step_with("Fetching", str_of(input, "url")),
        "WebSearch" => step_with("Searching the web:", str_of(input, "query")),
        "" => "Using a tool".to_string(),
        other => short(other),
    }
}
