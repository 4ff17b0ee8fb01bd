//! Claude Code's messages besides the conversation itself: `system` subtypes, and the
//! top-level types this adapter knows and has nothing to read from. Anything else is counted
//! as drift (see `agents::unknown`). Read from the pinned release's SDK message schema.

use crate::agents::common::{obj_of, short, str_of, u64_of};
use serde_json::{Map, Value};

/// Top-level types known and not read: `rate_limit_event` is the limit watch's, the rest are
/// streaming, telemetry or control traffic.
pub(super) const QUIET_TYPES: &[&str] = &[
    "rate_limit_event",
    "stream_event",
    "tool_progress",
    "tool_use_summary",
    "keep_alive",
    "tombstone",
    "auth_status",
    "prompt_suggestion",
    "api_metrics",
    "control_request",
    "control_response",
    "control_cancel_request",
    "streamlined_text",
    "streamlined_tool_use_summary",
];

/// `system` subtypes known and not read.
pub(super) const QUIET_SYSTEM: &[&str] = &[
    "compact_boundary",
    "status",
    "hook_started",
    "hook_progress",
    "hook_response",
    "task_started",
    "task_progress",
    "task_notification",
    "task_updated",
    "task_summary",
    "files_persisted",
    "local_command_output",
    "informational",
    "notification",
    "session_state_changed",
    "session_title_changed",
    "session_metadata",
    "turn_duration",
    "thinking",
    "thinking_tokens",
    "model_fallback",
    "permission_denied",
    "api_error",
    "commands_changed",
    "elicitation_complete",
    "memory_recall",
    "memory_saved",
    "post_turn_summary",
    "stop_hook_summary",
    "background_tasks_changed",
    "instruction_size_warning",
    "task_list_statuses",
];

/// `system/api_retry` as a step: "retrying after 529, 2 of 10".
pub(super) fn retry_step(obj: &Map<String, Value>) -> String {
    let cause = match u64_of(obj, "error_status") {
        Some(status) => format!("after {status}"),
        None => "after a connection error".to_string(),
    };
    match (u64_of(obj, "attempt"), u64_of(obj, "max_retries")) {
        (Some(attempt), Some(max)) => format!("API {}: retrying {cause}, {attempt} of {max}", api_word(obj)),
        _ => format!("API {}: retrying {cause}", api_word(obj)),
    }
}

/// The error kind the retry names (`overloaded_error`), or "call".
fn api_word(obj: &Map<String, Value>) -> String {
    let kind = str_of(obj, "error").or_else(|| obj_of(obj, "error").and_then(|e| str_of(e, "type")));
    kind.map(short).filter(|k| !k.is_empty()).unwrap_or_else(|| "call".to_string())
}

/// Why the query loop ended, when that is no success even under `subtype: success`. Values
/// from the pinned release's schema; `completed` is the one good end.
pub(super) fn failed_end(terminal_reason: &str) -> Option<&'static str> {
    Some(match terminal_reason {
        "completed" => return None,
        "max_turns" => "the turn limit was reached",
        "budget_exhausted" => "the spending cap (--max-budget-usd) was reached",
        "tool_deferred" | "tool_deferred_unavailable" => {
            "it deferred a tool use for a person to decide, and a background task has nobody to ask: \
             allow the tool in the agent's profile or raise --autonomy"
        }
        "background_requested" => "it moved the session to the background before answering",
        "blocking_limit" | "rapid_refill_breaker" => "a usage limit stopped it",
        "prompt_too_long" => "the prompt was too long for the model",
        "aborted_streaming" | "aborted_tools" => "it was aborted",
        "hook_stopped" | "stop_hook_prevented" => "a hook stopped it",
        _ => "it stopped early",
    })
}
