//! Claude Code: `claude -p PROMPT --output-format stream-json --verbose`.
//!
//! Progress comes from the task tools (`TaskCreate` / `TaskUpdate`, 2.1.x, read by
//! [`super::claude_tasks`]) or `TodoWrite` (older releases, `CLAUDE_CODE_ENABLE_TASKS=0`), else
//! the latest tool use; the answer and the
//! verdict come from the final `result` event, which must say `subtype: success` *and*
//! `is_error: false` (error subtypes have been seen with `is_error: false`).

use super::mcp_tools::CLAUDE_PROGRESS;
use super::system;
use super::tasks::{TaskBoard, is_task_tool, result_text};
use super::words::{
    denials_of, edited_path, error_reason, read_todos, stopped, tool_step, usage_total, with_denials,
};
use crate::agents::advice;
use crate::agents::common::{
    ProgressTracker, add_file, f64_of, obj_of, parse_object, process_end, short, step_with, str_of, u64_of,
};
use crate::agents::event::{AgentEvent, StreamParser, Verdict};
use crate::agents::unknown::Unknowns;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

#[derive(Debug)]
struct FinalResult {
    subtype: String,
    is_error: bool,
    text: Option<String>,
    tokens: Option<u64>,
    cost: Option<f64>,
    /// The HTTP status of the failed API call (`api_error_status`), when there was one.
    api_status: Option<u64>,
    /// What the CLI refused to let the agent do, in words ("Running: rm -rf build").
    denials: Vec<String>,
    /// Why the query loop ended (`terminal_reason`, 2.1.3xx), when it was no clean end.
    failed_end: Option<&'static str>,
    /// The tool use a hook deferred (`deferred_tool_use`), in words.
    deferred: Option<String>,
}

#[derive(Debug, Default)]
pub struct ClaudeParser {
    session_id: Option<String>,
    progress: ProgressTracker,
    tasks: TaskBoard,
    /// Latest usage per message id: a message split over several lines repeats its usage.
    usage_by_message: HashMap<String, u64>,
    usage_without_id: u64,
    last_usage_total: u64,
    /// `Task`/`Agent` tool use ids, so a repeated block is not counted twice.
    subagents: HashSet<String>,
    anonymous_subagents: u32,
    /// The main agent's latest text, the answer when no `result` text exists.
    last_text: String,
    files: Vec<String>,
    result: Option<FinalResult>,
    /// The last line that was not JSON (stderr shares the log): why a run ended early.
    last_plain: Option<String>,
    refusal: Option<&'static str>,
    unknown: Unknowns,
}

impl ClaudeParser {
    pub fn new() -> Self {
        Self::default()
    }

    fn on_assistant(&mut self, obj: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        // Set inside a subagent: its todo list and text are not the main agent's.
        let in_subagent = obj.get("parent_tool_use_id").is_some_and(|v| !v.is_null());
        let Some(message) = obj_of(obj, "message") else {
            return;
        };
        if let Some(usage) = obj_of(message, "usage") {
            let tokens = usage_total(usage);
            match str_of(message, "id") {
                Some(id) => {
                    self.usage_by_message.insert(id.to_string(), tokens);
                }
                None => self.usage_without_id = self.usage_without_id.saturating_add(tokens),
            }
            let total =
                self.usage_by_message.values().fold(self.usage_without_id, |a, b| a.saturating_add(*b));
            if total != self.last_usage_total {
                self.last_usage_total = total;
                events.push(AgentEvent::Usage { tokens_used: total, cost_usd: None });
            }
        }
        let Some(blocks) = message.get("content").and_then(Value::as_array) else {
            return;
        };
        for block in blocks.iter().filter_map(Value::as_object) {
            match str_of(block, "type") {
                Some("text") if !in_subagent => {
                    if let Some(text) = str_of(block, "text").filter(|t| !t.is_empty()) {
                        self.last_text = text.to_string();
                        events.push(AgentEvent::Text { text: text.to_string() });
                    }
                }
                Some("tool_use") => self.on_tool_use(block, in_subagent, events),
                _ => {}
            }
        }
    }

    fn on_tool_use(&mut self, block: &Map<String, Value>, in_subagent: bool, events: &mut Vec<AgentEvent>) {
        let name = str_of(block, "name").unwrap_or_default();
        let empty = Map::new();
        let input = obj_of(block, "input").unwrap_or(&empty);
        let update = match name {
            "TodoWrite" | "TaskCreate" | "TaskUpdate" | "TaskList" | "TaskGet" | CLAUDE_PROGRESS
                if in_subagent =>
            {
                None
            }
            name if is_task_tool(name) => {
                self.tasks.on_tool_use(name, str_of(block, "id").unwrap_or_default(), input);
                None
            }
            // Reading the list back is no step of its own.
            "TaskList" | "TaskGet" => None,
            // smart-agents' own progress tool takes TodoWrite's list.
            "TodoWrite" | CLAUDE_PROGRESS => {
                let (todos, step) = read_todos(input);
                self.progress.set_todos(todos, step)
            }
            "Task" | "Agent" => {
                let new = match str_of(block, "id").filter(|s| !s.is_empty()) {
                    Some(id) => self.subagents.insert(id.to_string()),
                    // Without an id there is nothing to deduplicate on: count it.
                    None => {
                        self.anonymous_subagents = self.anonymous_subagents.saturating_add(1);
                        true
                    }
                };
                if new {
                    events.push(AgentEvent::Subagent);
                }
                self.progress.set_tool_step(step_with("Delegating:", str_of(input, "description")))
            }
            _ => {
                if let Some(path) = edited_path(name, input) {
                    add_file(&mut self.files, path);
                }
                self.progress.set_tool_step(tool_step(name, input))
            }
        };
        events.extend(update);
    }

    /// Tool results: the task tools' changes count once their result is in.
    fn on_user(&mut self, obj: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        if obj.get("parent_tool_use_id").is_some_and(|v| !v.is_null()) {
            return;
        }
        let Some(blocks) = obj_of(obj, "message").and_then(|m| m.get("content")).and_then(Value::as_array)
        else {
            return;
        };
        let created = obj_of(obj, "tool_use_result")
            .and_then(|r| obj_of(r, "task"))
            .and_then(|t| super::tasks::task_number(t.get("id")));
        let mut changed = false;
        for block in blocks.iter().filter_map(Value::as_object) {
            if str_of(block, "type") == Some("tool_result")
                && let Some(id) = str_of(block, "tool_use_id")
            {
                let is_error = block.get("is_error").and_then(Value::as_bool).unwrap_or(false);
                changed |=
                    self.tasks.on_tool_result(id, &result_text(block.get("content")), is_error, created);
            }
        }
        if changed {
            let (todos, step) = self.tasks.snapshot();
            events.extend(self.progress.set_todos(todos, step));
        }
    }

    fn on_result(&mut self, obj: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        let tokens = obj_of(obj, "usage").map(usage_total);
        let cost = f64_of(obj, "total_cost_usd");
        if let Some(tokens) = tokens {
            events.push(AgentEvent::Usage { tokens_used: tokens, cost_usd: cost });
        }
        self.result = Some(FinalResult {
            subtype: str_of(obj, "subtype").unwrap_or("unknown").to_string(),
            // Missing is_error is not proof of an error; the subtype still has to be success.
            is_error: obj.get("is_error").and_then(Value::as_bool).unwrap_or(false),
            text: str_of(obj, "result").map(str::to_string),
            tokens,
            cost,
            denials: denials_of(obj),
            api_status: u64_of(obj, "api_error_status"),
            failed_end: str_of(obj, "terminal_reason").and_then(system::failed_end),
            deferred: obj_of(obj, "deferred_tool_use").map(|d| {
                let empty = Map::new();
                tool_step(str_of(d, "name").unwrap_or_default(), obj_of(d, "input").unwrap_or(&empty))
            }),
        });
    }

    fn on_system(&mut self, obj: &Map<String, Value>, line: &[u8], events: &mut Vec<AgentEvent>) {
        match str_of(obj, "subtype").unwrap_or_default() {
            "init" => self.note_session(obj, events),
            // Claude Code waits out API errors with backoff: the step says so, not a stall.
            "api_retry" => events.extend(self.progress.set_tool_step(system::retry_step(obj))),
            quiet if system::QUIET_SYSTEM.contains(&quiet) => {}
            other => self.unknown.note(&format!("system/{other}"), line),
        }
    }

    /// `/clear` and plan-mode exits start a new conversation: `resume` must name that one.
    fn on_reset(&mut self, obj: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        if let Some(id) = str_of(obj, "new_conversation_id").filter(|s| !s.is_empty()) {
            self.session_id = Some(id.to_string());
            events.push(AgentEvent::Started { session_id: id.to_string() });
        }
    }

    fn on_plain(&mut self, line: &[u8]) {
        let text = String::from_utf8_lossy(line);
        let text = short(&text);
        // A cut-off JSON line is no message of its own.
        if text.is_empty() || text.starts_with('{') {
            return;
        }
        if self.refusal.is_none() {
            self.refusal = super::refusal(&text);
        }
        self.last_plain = Some(text);
    }

    fn note_session(&mut self, obj: &Map<String, Value>, events: &mut Vec<AgentEvent>) {
        if self.session_id.is_none()
            && let Some(id) = str_of(obj, "session_id").filter(|s| !s.is_empty())
        {
            self.session_id = Some(id.to_string());
            events.push(AgentEvent::Started { session_id: id.to_string() });
        }
    }
}

impl StreamParser for ClaudeParser {
    fn feed_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        let mut events = Vec::new();
        let Some(obj) = parse_object(line) else {
            self.on_plain(line);
            return events;
        };
        match str_of(&obj, "type") {
            Some("system") => self.on_system(&obj, line, &mut events),
            Some("assistant") => {
                self.note_session(&obj, &mut events);
                self.on_assistant(&obj, &mut events);
            }
            Some("user") => self.on_user(&obj, &mut events),
            Some("result") => {
                self.note_session(&obj, &mut events);
                self.on_result(&obj, &mut events);
            }
            Some("conversation_reset") => self.on_reset(&obj, &mut events),
            Some(kind) if system::QUIET_TYPES.contains(&kind) => {}
            Some(kind) => self.unknown.note(kind, line),
            None => {}
        }
        events
    }

    fn finish(&mut self, exit_code: Option<i32>, signal: Option<i32>) -> Verdict {
        let end = process_end(exit_code, signal);
        let (success, reason) = match &self.result {
            None => (
                false,
                Some(match (self.refusal, signal) {
                    (Some(refusal), _) => refusal.to_string(),
                    // A signal says it all.
                    (None, Some(_)) => end.unwrap_or_default(),
                    (None, None) => advice::no_result("claude", end, self.last_plain.as_deref()),
                }),
            ),
            Some(r) if r.subtype == "success" && !r.is_error => match (end, r.failed_end) {
                (_, Some(why)) => (false, Some(stopped(why, r.deferred.as_deref()))),
                (Some(end), None) => (false, Some(format!("claude reported success but {end}"))),
                (None, None) => (true, None),
            },
            Some(r) if r.subtype != "success" => (
                false,
                Some(match r.failed_end {
                    Some(why) => format!("claude stopped: {} ({why})", r.subtype),
                    None => format!("claude stopped: {}", r.subtype),
                }),
            ),
            Some(r) => (false, Some(error_reason(r.api_status, r.text.as_deref()))),
        };
        let reason = with_denials(reason, self.result.as_ref().map_or(&[][..], |r| &r.denials));
        let result_text = self.result.as_ref().and_then(|r| r.text.clone());
        let output = result_text.filter(|t| !t.is_empty()).unwrap_or_else(|| self.last_text.clone());
        let running = Some(self.last_usage_total).filter(|t| *t > 0);
        Verdict {
            success,
            reason,
            output,
            tokens_used: self.result.as_ref().and_then(|r| r.tokens).or(running),
            cost_usd: self.result.as_ref().and_then(|r| r.cost),
            agents_involved: u32::try_from(self.subagents.len())
                .unwrap_or(u32::MAX)
                .saturating_add(self.anonymous_subagents)
                .saturating_add(1),
            session_id: self.session_id.clone(),
            files_changed: self.files.clone(),
            unknown_events: self.unknown.list(),
        }
    }
}
