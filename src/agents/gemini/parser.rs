//! Gemini CLI: `gemini -p PROMPT --output-format stream-json`.
//!
//! Progress comes from `write_todos` tool uses, else the latest tool use. The `result` event
//! carries no text: the answer is the assistant `message` chunks after the last tool use,
//! joined. Exit code 53 means the turn limit was reached and 42 bad input; both are named in
//! the reason.

use crate::agents::advice;
use crate::agents::common::{
    ProgressTracker, add_file, obj_of, parse_object, process_end, short, step_with, str_of, todos_of, u64_of,
};
use crate::agents::event::{AgentEvent, StreamParser, Todo, TodoStatus, Verdict};
use crate::agents::unknown::Unknowns;
use serde_json::{Map, Value};

pub const EXIT_BAD_INPUT: i32 = 42;
pub const EXIT_TURN_LIMIT: i32 = 53;

#[derive(Debug)]
struct FinalResult {
    success: bool,
    error: Option<String>,
    tokens: Option<u64>,
}

#[derive(Debug, Default)]
pub struct GeminiParser {
    session_id: Option<String>,
    progress: ProgressTracker,
    /// Assistant text since the last tool use: the answer being written.
    current: String,
    /// The text before the last tool use, the answer if nothing followed it.
    previous: String,
    last_error: Option<String>,
    files: Vec<String>,
    result: Option<FinalResult>,
    unknown: Unknowns,
}

impl GeminiParser {
    pub fn new() -> Self {
        Self::default()
    }

    fn on_tool_use(&mut self, obj: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        if !self.current.is_empty() {
            self.previous = std::mem::take(&mut self.current);
        }
        let name = str_of(obj, "tool_name").unwrap_or_default();
        let empty = Map::new();
        let params = obj_of(obj, "parameters").unwrap_or(&empty);
        let update = if name == "write_todos" {
            let (todos, step) = read_todos(params);
            self.progress.set_todos(todos, step)
        } else {
            if matches!(name, "write_file" | "replace" | "edit")
                && let Some(path) = path_param(params)
            {
                add_file(&mut self.files, path);
            }
            self.progress.set_tool_step(tool_step(name, params))
        };
        events.extend(update);
    }
}

impl StreamParser for GeminiParser {
    fn feed_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        let mut events = Vec::new();
        let Some(obj) = parse_object(line) else {
            return events;
        };
        match str_of(&obj, "type") {
            Some("init") => {
                if let Some(id) = str_of(&obj, "session_id").filter(|s| !s.is_empty())
                    && self.session_id.is_none()
                {
                    self.session_id = Some(id.to_string());
                    events.push(AgentEvent::Started { session_id: id.to_string() });
                }
            }
            Some("message") if str_of(&obj, "role") == Some("assistant") => {
                if let Some(text) = str_of(&obj, "content").filter(|t| !t.is_empty()) {
                    self.current.push_str(text);
                    events.push(AgentEvent::Text { text: text.to_string() });
                }
            }
            Some("tool_use") => self.on_tool_use(&obj, &mut events),
            // A warning need not end the run; only errors become the reason.
            Some("error") if str_of(&obj, "severity") != Some("warning") => {
                self.last_error = str_of(&obj, "message").map(short).filter(|m| !m.is_empty());
            }
            Some("result") => {
                let stats = obj_of(&obj, "stats");
                let tokens = stats.and_then(|s| {
                    u64_of(s, "total_tokens").or_else(|| {
                        let input = u64_of(s, "input_tokens").or_else(|| u64_of(s, "input"));
                        let output = u64_of(s, "output_tokens");
                        (input.is_some() || output.is_some())
                            .then(|| input.unwrap_or(0).saturating_add(output.unwrap_or(0)))
                    })
                });
                if let Some(tokens) = tokens {
                    events.push(AgentEvent::Usage { tokens_used: tokens, cost_usd: None });
                }
                let error = obj_of(&obj, "error")
                    .and_then(|e| str_of(e, "message"))
                    .or_else(|| str_of(&obj, "error"))
                    .map(short)
                    .filter(|m| !m.is_empty());
                self.result =
                    Some(FinalResult { success: str_of(&obj, "status") == Some("success"), error, tokens });
            }
            // A user message or a tool result says nothing the tool use did not.
            Some("message" | "tool_result" | "error") => {}
            Some(kind) => self.unknown.note(kind, line),
            None => {}
        }
        events
    }

    fn finish(&mut self, exit_code: Option<i32>, signal: Option<i32>) -> Verdict {
        let end = process_end(exit_code, signal);
        let detail = self.result.as_ref().and_then(|r| r.error.clone()).or_else(|| self.last_error.clone());
        let known_exit = match (signal, exit_code) {
            (None, Some(code)) => super::exit_code(code),
            _ => None,
        };
        let success = self.result.as_ref().is_some_and(|r| r.success) && end.is_none();
        let reason = if success {
            None
        } else if let Some(what) = known_exit {
            Some(match &detail {
                Some(detail) => format!("{what}: {detail}"),
                None => what.to_string(),
            })
        } else if signal.is_some() {
            end
        } else if let Some(r) = &self.result {
            match (r.success, &detail) {
                (true, _) => end,
                (false, Some(detail)) => {
                    Some(advice::with_auth_advice(backend(), format!("gemini reported an error: {detail}")))
                }
                (false, None) => Some(end.map_or_else(
                    || "gemini reported an error".to_string(),
                    |end| format!("gemini reported an error and {end}"),
                )),
            }
        } else if let Some(detail) = detail {
            Some(detail)
        } else {
            Some(match end {
                Some(end) => advice::no_result("gemini", Some(end), None),
                None => "gemini exited without a final result (stream truncated)".to_string(),
            })
        };
        let output = if self.current.is_empty() { self.previous.clone() } else { self.current.clone() };
        Verdict {
            success,
            reason,
            output,
            tokens_used: self.result.as_ref().and_then(|r| r.tokens),
            cost_usd: None,
            agents_involved: 1,
            session_id: self.session_id.clone(),
            files_changed: self.files.clone(),
            unknown_events: self.unknown.list(),
        }
    }
}

/// `parameters.todos[]` of `{description, status}`; the item in progress is the step.
fn read_todos(params: &Map<String, Value>) -> (Vec<Todo>, Option<String>) {
    let todos = todos_of(params, "todos", |i| Todo {
        text: str_of(i, "description").unwrap_or_default().to_string(),
        status: TodoStatus::from_word(str_of(i, "status").unwrap_or_default()),
    });
    let step = todos.iter().find(|t| t.status == TodoStatus::InProgress).map(|t| t.text.clone());
    (todos, step)
}

fn path_param(params: &Map<String, Value>) -> Option<&str> {
    str_of(params, "file_path").or_else(|| str_of(params, "absolute_path")).or_else(|| str_of(params, "path"))
}

/// The tool use in words, e.g. "Running: grep -rn authenticate src".
fn tool_step(name: &str, params: &Map<String, Value>) -> String {
    match name {
        "run_shell_command" => step_with("Running:", str_of(params, "command")),
        "read_file" | "read_many_files" => step_with("Reading", path_param(params)),
        "write_file" | "replace" | "edit" => step_with("Editing", path_param(params)),
        "search_file_content" | "grep" => step_with("Searching", str_of(params, "pattern")),
        "glob" => step_with("Glob", str_of(params, "pattern")),
        "list_directory" => step_with("Listing", path_param(params)),
        "google_web_search" => step_with("Searching the web:", str_of(params, "query")),
        "web_fetch" => step_with("Fetching", str_of(params, "url")),
        "" => "Using a tool".to_string(),
        other => short(other),
    }
}

/// This CLI as a backend, for the shared advice.
fn backend() -> crate::agents::Backend {
    crate::agents::Backend::from_cli(&super::Gemini)
}
