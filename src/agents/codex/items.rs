//! Codex's items (`item.started` / `item.updated` / `item.completed`): progress, steps, the
//! answer, files, sub-agents, and what Codex itself reports as failed or declined (a patch its
//! sandbox could not write must not read as a clean success).

use super::parser::CodexParser;
use crate::agents::common::{add_file, obj_of, short, step_with, str_of, todos_of};
use crate::agents::event::{AgentEvent, Todo, TodoStatus};
use serde_json::{Map, Value};

/// Item types known and not read.
const QUIET_ITEMS: &[&str] = &["reasoning", "error"];

impl CodexParser {
    pub(super) fn on_item(
        &mut self,
        item: &Map<String, Value>,
        completed: bool,
        line: &[u8],
        events: &mut Vec<AgentEvent>,
    ) {
        let kind = str_of(item, "type").or_else(|| str_of(item, "item_type")).unwrap_or_default();
        let update = match kind {
            "todo_list" => {
                let (todos, step) = read_todos(item, "items");
                self.progress.set_todos(todos, step)
            }
            "plan" => self.on_plan(item),
            "command_execution" => {
                if completed && str_of(item, "status") == Some("declined") {
                    let command = str_of(item, "command").map(unwrap_shell).unwrap_or_default();
                    self.problems.push(format!("declined to run `{}`", short(command)));
                }
                self.progress.set_tool_step(step_with("Running:", str_of(item, "command").map(unwrap_shell)))
            }
            "file_change" => self.on_file_change(item, completed),
            "mcp_tool_call" => {
                let name = match (str_of(item, "server"), str_of(item, "tool")) {
                    (Some(server), Some(tool)) => Some(format!("{server}.{tool}")),
                    (None, Some(tool)) => Some(tool.to_string()),
                    _ => None,
                };
                self.progress.set_tool_step(step_with("Calling", name.as_deref()))
            }
            "collab_tool_call" => self.on_collab(item, events),
            "web_search" => {
                self.progress.set_tool_step(step_with("Searching the web:", str_of(item, "query")))
            }
            // Only a completed message is whole; started/updated ones may be partial.
            "agent_message" | "assistant_message" => {
                if let Some(text) = str_of(item, "text").filter(|t| !t.is_empty() && completed) {
                    self.answer = text.to_string();
                    events.push(AgentEvent::Text { text: text.to_string() });
                }
                None
            }
            "request_user_input" => {
                // `exec` cannot answer it: Codex goes on without, and the reason says so.
                let what = str_of(item, "prompt").or_else(|| str_of(item, "text")).unwrap_or("a question");
                if completed {
                    self.problems.push(format!("asked for input nobody could give: {}", short(what)));
                }
                None
            }
            quiet if QUIET_ITEMS.contains(&quiet) => None,
            other => {
                if completed {
                    self.unknown.note(&format!("item/{other}"), line);
                }
                None
            }
        };
        events.extend(update);
    }

    fn on_file_change(&mut self, item: &Map<String, Value>, completed: bool) -> Option<AgentEvent> {
        let paths: Vec<&str> = item
            .get("changes")
            .and_then(Value::as_array)
            .map(|c| c.iter().filter_map(Value::as_object).filter_map(|c| str_of(c, "path")).collect())
            .unwrap_or_default();
        let status = str_of(item, "status").unwrap_or_default();
        if completed && matches!(status, "failed" | "declined") {
            let names: Vec<&str> = paths.iter().map(|p| p.rsplit('/').next().unwrap_or(p)).collect();
            self.problems.push(format!("its change to {} {status}", names.join(", ")));
        } else if completed {
            // Only a finished change counts: one that starts may still fail.
            for path in &paths {
                add_file(&mut self.files, path);
            }
        }
        let step = match paths.as_slice() {
            [] => "Editing files".to_string(),
            [one] => step_with("Editing", Some(one)),
            [first, rest @ ..] => step_with("Editing", Some(&format!("{first} and {} more", rest.len()))),
        };
        self.progress.set_tool_step(step)
    }

    /// A `plan` item: a list of steps when it has one, else its text's first line as the step.
    fn on_plan(&mut self, item: &Map<String, Value>) -> Option<AgentEvent> {
        self.plan_text.clear();
        for key in ["items", "steps", "plan"] {
            if item.get(key).is_some_and(Value::is_array) {
                let (todos, step) = read_todos(item, key);
                return self.progress.set_todos(todos, step);
            }
        }
        let text = str_of(item, "text").map(short).filter(|t| !t.is_empty())?;
        self.progress.set_tool_step(format!("Planning: {text}"))
    }

    /// `item.plan.delta`: the plan as it is written; its first line is the step meanwhile.
    pub(super) fn on_plan_delta(&mut self, obj: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        let delta = str_of(obj, "delta").or_else(|| obj_of(obj, "item").and_then(|i| str_of(i, "delta")));
        if let Some(delta) = delta {
            self.plan_text.push_str(delta);
            let first = short(&self.plan_text);
            if !first.is_empty() {
                events.extend(self.progress.set_tool_step(format!("Planning: {first}")));
            }
        }
    }

    /// A sub-agent call: counted once per item, and the step names what it was given.
    fn on_collab(&mut self, item: &Map<String, Value>, events: &mut Vec<AgentEvent>) -> Option<AgentEvent> {
        let id = str_of(item, "id").unwrap_or_default();
        if !id.is_empty() && self.subagents.insert(id.to_string()) {
            events.push(AgentEvent::Subagent);
        }
        let what = str_of(item, "prompt").or_else(|| str_of(item, "tool"));
        self.progress.set_tool_step(step_with("Delegating:", what))
    }
}

/// Items `{text, completed}` (or `{step, status}`); the first one not completed is the step.
fn read_todos(item: &Map<String, Value>, key: &str) -> (Vec<Todo>, Option<String>) {
    let todos = todos_of(item, key, |i| Todo {
        text: str_of(i, "text").or_else(|| str_of(i, "step")).unwrap_or_default().to_string(),
        status: match (i.get("completed").and_then(Value::as_bool), str_of(i, "status")) {
            (Some(true), _) => TodoStatus::Completed,
            (_, Some(word)) => TodoStatus::from_word(word),
            _ => TodoStatus::Pending,
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
