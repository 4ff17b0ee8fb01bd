//! Codex CLI: `codex exec --json PROMPT` (resume: `codex exec --json ... resume ID PROMPT`).
//!
//! Progress comes from `todo_list` and `plan` items, else the latest command, file change,
//! tool call or sub-agent (items: [`super::items`]).
//! Success needs `turn.completed` and exit code 0; `turn.failed` and `error` events give the
//! reason. Older releases said `item_type` for `type` and `assistant_message` for
//! `agent_message`: both are accepted. The stream reports tokens but never cost.

use crate::agents::advice;
use crate::agents::common::{ProgressTracker, obj_of, parse_object, process_end, short, str_of, u64_of};
use crate::agents::event::{AgentEvent, StreamParser, Verdict};
use crate::agents::unknown::Unknowns;

#[derive(Debug, Default)]
pub struct CodexParser {
    thread_id: Option<String>,
    pub(super) progress: ProgressTracker,
    /// `Some(true)` after `turn.completed`, `Some(false)` after `turn.failed`; the last wins.
    turn_ok: Option<bool>,
    turn_error: Option<String>,
    stream_error: Option<String>,
    tokens: Option<u64>,
    pub(super) answer: String,
    pub(super) files: Vec<String>,
    pub(super) unknown: Unknowns,
    /// Changes and commands Codex itself reports as failed or declined, in words.
    pub(super) problems: Vec<String>,
    /// `collab_tool_call` item ids: sub-agents started, each counted once.
    pub(super) subagents: std::collections::HashSet<String>,
    /// What an `item.plan.delta` stream has said so far (the plan being written).
    pub(super) plan_text: String,
}

impl CodexParser {
    pub fn new() -> Self {
        Self::default()
    }
}

impl StreamParser for CodexParser {
    fn feed_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        let mut events = Vec::new();
        let Some(obj) = parse_object(line) else {
            return events;
        };
        match str_of(&obj, "type") {
            Some("thread.started") => {
                if let Some(id) = str_of(&obj, "thread_id").filter(|s| !s.is_empty())
                    && self.thread_id.is_none()
                {
                    self.thread_id = Some(id.to_string());
                    events.push(AgentEvent::Started { session_id: id.to_string() });
                }
            }
            Some(phase @ ("item.started" | "item.updated" | "item.completed")) => {
                if let Some(item) = obj_of(&obj, "item") {
                    self.on_item(item, phase == "item.completed", line, &mut events);
                }
            }
            Some("item.plan.delta") => self.on_plan_delta(&obj, &mut events),
            Some("turn.completed") => {
                self.turn_ok = Some(true);
                if let Some(usage) = obj_of(&obj, "usage") {
                    // cached_input_tokens is a part of input_tokens, not extra.
                    let turn = ["input_tokens", "output_tokens"]
                        .iter()
                        .filter_map(|k| u64_of(usage, k))
                        .fold(0, u64::saturating_add);
                    let total = self.tokens.unwrap_or(0).saturating_add(turn);
                    self.tokens = Some(total);
                    events.push(AgentEvent::Usage { tokens_used: total, cost_usd: None });
                }
            }
            Some("turn.failed") => {
                self.turn_ok = Some(false);
                self.turn_error = obj_of(&obj, "error")
                    .and_then(|e| str_of(e, "message"))
                    .map(short)
                    .filter(|m| !m.is_empty());
            }
            Some("error") => {
                self.stream_error = str_of(&obj, "message").map(short).filter(|m| !m.is_empty());
                // Codex waits for the API without end ("Reconnecting... waiting for network"):
                // say so as the step, so a stuck run shows why.
                if let Some(message) = self.stream_error.clone().filter(|m| m.starts_with("Reconnecting")) {
                    events.extend(self.progress.set_tool_step(message));
                }
            }
            Some("turn.started") => {}
            Some(kind) => self.unknown.note(kind, line),
            None => {}
        }
        events
    }

    fn finish(&mut self, exit_code: Option<i32>, signal: Option<i32>) -> Verdict {
        let end = process_end(exit_code, signal);
        let success = self.turn_ok == Some(true) && end.is_none();
        let reason = if success {
            None
        } else if self.turn_ok == Some(false) {
            let error = self.turn_error.clone().unwrap_or_else(|| "codex turn failed".to_string());
            Some(advice::with_auth_advice(backend(), error))
        } else if signal.is_some() {
            end
        } else if let Some(error) = &self.stream_error {
            Some(error.clone())
        } else if end.is_some() && self.turn_ok.is_none() {
            // An exit code Codex does not explain in its stream: point at what it printed.
            Some(advice::no_result("codex", end, None))
        } else if end.is_some() {
            end
        } else {
            Some("codex exited without turn.completed (stream truncated)".to_string())
        };
        let reason = with_problems(reason, &self.problems);
        Verdict {
            success,
            reason,
            output: self.answer.clone(),
            tokens_used: self.tokens,
            cost_usd: None,
            agents_involved: u32::try_from(self.subagents.len()).unwrap_or(u32::MAX).saturating_add(1),
            session_id: self.thread_id.clone(),
            files_changed: self.files.clone(),
            unknown_events: self.unknown.list(),
        }
    }
}

/// This CLI as a backend, for the shared advice.
fn backend() -> crate::agents::Backend {
    crate::agents::Backend::from_cli(&super::Codex)
}

/// A run whose changes or commands Codex reported as failed says so, even when the turn
/// itself completed: the answer may claim work that did not happen.
fn with_problems(reason: Option<String>, problems: &[String]) -> Option<String> {
    if problems.is_empty() {
        return reason;
    }
    crate::agents::common::with_note(reason, format!("codex reported: {}", problems.join("; ")))
}
