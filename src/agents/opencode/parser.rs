//! OpenCode's `--format json` lines: `step_start` (the session id), `tool_use` (a finished
//! tool call: `part.tool`, `part.state.{status,input}`), `text` (the answer), `step_finish`
//! (`part.tokens.total`, `part.cost`, `part.reason`: `stop` ends the run) and `error`
//! (`error.data.message`). Progress comes from its `todowrite` tool, else the latest tool.

use crate::agents::advice;
use crate::agents::common::{
    ProgressTracker, add_file, f64_of, obj_of, parse_object, process_end, short, step_with, str_of, todos_of,
    u64_of,
};
use crate::agents::event::{AgentEvent, StreamParser, Todo, TodoStatus, Verdict};
use crate::agents::unknown::Unknowns;
use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub struct OpenCodeParser {
    session_id: Option<String>,
    progress: ProgressTracker,
    tokens: u64,
    cost: f64,
    /// The text of the latest step: the answer once the run stops.
    answer: String,
    stopped: bool,
    error: Option<String>,
    files: Vec<String>,
    unknown: Unknowns,
}

impl OpenCodeParser {
    pub fn new() -> Self {
        Self::default()
    }

    fn on_tool(&mut self, part: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        let tool = str_of(part, "tool").unwrap_or_default();
        let empty = Map::new();
        let state = obj_of(part, "state").unwrap_or(&empty);
        let input = obj_of(state, "input").unwrap_or(&empty);
        let ok = str_of(state, "status") == Some("completed");
        let update = match tool {
            "todowrite" => {
                let (todos, step) = read_todos(input);
                self.progress.set_todos(todos, step)
            }
            "write" | "edit" => {
                if let (true, Some(path)) = (ok, str_of(input, "filePath")) {
                    add_file(&mut self.files, path);
                }
                self.progress.set_tool_step(step_with("Editing", str_of(input, "filePath")))
            }
            "bash" => self.progress.set_tool_step(step_with("Running:", str_of(input, "command"))),
            "read" => self.progress.set_tool_step(step_with("Reading", str_of(input, "filePath"))),
            "grep" | "glob" => self.progress.set_tool_step(step_with(tool, str_of(input, "pattern"))),
            "task" => {
                events.push(AgentEvent::Subagent);
                self.progress.set_tool_step(step_with("Delegating:", str_of(input, "description")))
            }
            "webfetch" => self.progress.set_tool_step(step_with("Fetching", str_of(input, "url"))),
            "" => None,
            other => self.progress.set_tool_step(short(other)),
        };
        events.extend(update);
    }

    fn on_step_finish(&mut self, part: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        if let Some(tokens) = obj_of(part, "tokens") {
            self.tokens = self.tokens.saturating_add(u64_of(tokens, "total").unwrap_or(0));
        }
        self.cost += f64_of(part, "cost").unwrap_or(0.0);
        events.push(AgentEvent::Usage { tokens_used: self.tokens, cost_usd: Some(self.cost) });
        self.stopped = str_of(part, "reason") == Some("stop");
    }
}

impl StreamParser for OpenCodeParser {
    fn feed_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        let mut events = Vec::new();
        let Some(obj) = parse_object(line) else { return events };
        if self.session_id.is_none()
            && let Some(id) = str_of(&obj, "sessionID").filter(|s| !s.is_empty())
        {
            self.session_id = Some(id.to_string());
            events.push(AgentEvent::Started { session_id: id.to_string() });
        }
        let empty = Map::new();
        let part = obj_of(&obj, "part").unwrap_or(&empty);
        match str_of(&obj, "type") {
            // A new step's text replaces the last one's: the answer is the final step's.
            Some("step_start") => self.answer.clear(),
            Some("tool_use") => self.on_tool(part, &mut events),
            Some("text") => {
                if let Some(text) = str_of(part, "text").filter(|t| !t.is_empty()) {
                    self.answer.push_str(text);
                    events.push(AgentEvent::Text { text: text.to_string() });
                }
            }
            Some("step_finish") => self.on_step_finish(part, &mut events),
            Some("error") => self.error = obj_of(&obj, "error").and_then(error_message).map(|m| short(&m)),
            Some("reasoning") => {}
            Some(kind) => self.unknown.note(kind, line),
            None => {}
        }
        events
    }

    fn finish(&mut self, exit_code: Option<i32>, signal: Option<i32>) -> Verdict {
        let end = process_end(exit_code, signal);
        let success = self.stopped && self.error.is_none() && end.is_none();
        let reason = match (&self.error, &end) {
            _ if success => None,
            (Some(error), _) => Some(advice::with_auth_advice(
                crate::agents::Backend::from_cli(&super::OpenCode),
                format!("opencode reported an error: {error}"),
            )),
            (None, Some(_)) if signal.is_some() => end,
            (None, end) if !self.stopped => Some(advice::no_result("opencode", end.clone(), None)),
            (None, end) => end.clone(),
        };
        Verdict {
            success,
            reason,
            output: self.answer.trim().to_string(),
            tokens_used: Some(self.tokens).filter(|t| *t > 0),
            cost_usd: Some(self.cost).filter(|_| self.tokens > 0),
            agents_involved: 1,
            session_id: self.session_id.clone(),
            files_changed: self.files.clone(),
            unknown_events: self.unknown.list(),
        }
    }
}

/// An `error` event's words: `data.message`, else its name.
pub(super) fn error_message(error: &Map<String, Value>) -> Option<String> {
    let message =
        obj_of(error, "data").and_then(|d| str_of(d, "message")).or_else(|| str_of(error, "name"))?;
    Some(message.to_string())
}

/// `todos[]` of `{content, status}`; the item in progress is the step.
fn read_todos(input: &Map<String, Value>) -> (Vec<Todo>, Option<String>) {
    let todos = todos_of(input, "todos", |i| Todo {
        text: str_of(i, "content").unwrap_or_default().to_string(),
        status: TodoStatus::from_word(str_of(i, "status").unwrap_or_default()),
    });
    let step = todos.iter().find(|t| t.status == TodoStatus::InProgress).map(|t| t.text.clone());
    (todos, step)
}
