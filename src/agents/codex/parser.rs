//! Codex CLI: `codex exec --json PROMPT` (resume: `codex exec --json ... resume ID PROMPT`).
//!
//! Progress comes from `todo_list` items, else the latest command, file change or tool call.
//! Success needs `turn.completed` and exit code 0; `turn.failed` and `error` events give the
//! reason. Older releases said `item_type` for `type` and `assistant_message` for
//! `agent_message`: both are accepted. The stream reports tokens but never cost.

use crate::agents::advice;
use crate::agents::common::{
    ProgressTracker, add_file, obj_of, parse_object, process_end, short, step_with, str_of, todos_of, u64_of,
};
use crate::agents::event::{AgentEvent, StreamParser, Todo, TodoStatus, Verdict};
use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub struct CodexParser {
    thread_id: Option<String>,
    progress: ProgressTracker,
    /// `Some(true)` after `turn.completed`, `Some(false)` after `turn.failed`; the last wins.
    turn_ok: Option<bool>,
    turn_error: Option<String>,
    stream_error: Option<String>,
    tokens: Option<u64>,
    answer: String,
    files: Vec<String>,
}

impl CodexParser {
    pub fn new() -> Self {
        Self::default()
    }

    fn on_item(&mut self, item: &Map<String, Value>, completed: bool, events: &mut Vec<AgentEvent>) {
        let kind = str_of(item, "type").or_else(|| str_of(item, "item_type"));
        let update = match kind {
            Some("todo_list") => {
                let (todos, step) = read_todos(item);
                self.progress.set_todos(todos, step)
            }
            Some("command_execution") => {
                self.progress.set_tool_step(step_with("Running:", str_of(item, "command").map(unwrap_shell)))
            }
            Some("file_change") => {
                let paths: Vec<&str> = item
                    .get("changes")
                    .and_then(Value::as_array)
                    .map(|c| {
                        c.iter().filter_map(Value::as_object).filter_map(|c| str_of(c, "path")).collect()
                    })
                    .unwrap_or_default();
                for path in &paths {
                    add_file(&mut self.files, path);
                }
                let step = match paths.as_slice() {
                    [] => "Editing files".to_string(),
                    [one] => step_with("Editing", Some(one)),
                    [first, rest @ ..] => {
                        step_with("Editing", Some(&format!("{first} and {} more", rest.len())))
                    }
                };
                self.progress.set_tool_step(step)
            }
            Some("mcp_tool_call") => {
                let name = match (str_of(item, "server"), str_of(item, "tool")) {
                    (Some(server), Some(tool)) => Some(format!("{server}.{tool}")),
                    (None, Some(tool)) => Some(tool.to_string()),
                    _ => None,
                };
                self.progress.set_tool_step(step_with("Calling", name.as_deref()))
            }
            Some("web_search") => {
                self.progress.set_tool_step(step_with("Searching the web:", str_of(item, "query")))
            }
            // Only a completed message is whole; started/updated ones may be partial.
            Some("agent_message" | "assistant_message") if completed => {
                if let Some(text) = str_of(item, "text").filter(|t| !t.is_empty()) {
                    self.answer = text.to_string();
                    events.push(AgentEvent::Text { text: text.to_string() });
                }
                None
            }
            _ => None,
        };
        events.extend(update);
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
                    self.on_item(item, phase == "item.completed", &mut events);
                }
            }
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
            _ => {}
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
        Verdict {
            success,
            reason,
            output: self.answer.clone(),
            tokens_used: self.tokens,
            cost_usd: None,
            agents_involved: 1,
            session_id: self.thread_id.clone(),
            files_changed: self.files.clone(),
        }
    }
}

/// Items `{text, completed}`; the first one not completed is the step.
fn read_todos(item: &Map<String, Value>) -> (Vec<Todo>, Option<String>) {
    let todos = todos_of(item, "items", |i| Todo {
        text: str_of(i, "text").unwrap_or_default().to_string(),
        status: if i.get("completed").and_then(Value::as_bool) == Some(true) {
            TodoStatus::Completed
        } else {
            TodoStatus::Pending
        },
    });
    let step = todos.iter().find(|t| t.status != TodoStatus::Completed).map(|t| t.text.clone());
    (todos, step)
}

/// `bash -lc 'rg -n x src'` reads better as `rg -n x src`.
fn unwrap_shell(command: &str) -> &str {
    let inner = ["bash -lc ", "/bin/bash -lc ", "bash -c ", "/bin/bash -c ", "sh -c ", "/bin/sh -c "]
        .iter()
        .find_map(|prefix| command.strip_prefix(prefix));
    let Some(inner) = inner.map(str::trim) else {
        return command;
    };
    for quote in ['\'', '"'] {
        if let Some(unquoted) = inner.strip_prefix(quote).and_then(|s| s.strip_suffix(quote)) {
            return unquoted;
        }
    }
    inner
}

/// This CLI as a backend, for the shared advice.
fn backend() -> crate::agents::Backend {
    crate::agents::Backend::from_cli(&super::Codex)
}
