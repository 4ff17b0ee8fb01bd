//! Claude Code's task tools (2.1.x): `TaskCreate` / `TaskUpdate` keep a numbered task list in
//! place of `TodoWrite`'s whole-list snapshots.
//!
//! A task's id is only known from the result of its `TaskCreate` ("Task #3 created
//! successfully: SUBJECT"). Several tool uses of one message arrive as separate lines and
//! their results may come back in any order, so an update can name an id whose creation
//! result has not been read yet: it waits until that task exists. Changes count when their
//! tool result arrives without an error, so a refused update changes nothing.

use crate::agents::common::str_of;
use crate::agents::event::{Todo, TodoStatus};
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Debug, Clone)]
struct Task {
    /// The number the CLI gave it; tasks are listed in that order.
    number: u64,
    subject: String,
    active_form: Option<String>,
    status: String,
}

/// What a tool use asked for, kept until its result says it happened.
#[derive(Debug, Clone)]
enum Pending {
    Create { subject: String, active_form: Option<String> },
    Update(Update),
}

#[derive(Debug, Clone, Default)]
struct Update {
    number: u64,
    status: Option<String>,
    subject: Option<String>,
    active_form: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct TaskBoard {
    tasks: Vec<Task>,
    by_tool_use: HashMap<String, Pending>,
    /// Updates to tasks whose creation result has not been read yet, by task number.
    early: HashMap<u64, Vec<Update>>,
}

/// Whether `name` is one of the task tools the board reads.
pub(crate) fn is_task_tool(name: &str) -> bool {
    matches!(name, "TaskCreate" | "TaskUpdate")
}

impl TaskBoard {
    /// A `TaskCreate` / `TaskUpdate` tool use; it takes effect when its result arrives.
    pub(crate) fn on_tool_use(&mut self, name: &str, id: &str, input: &Map<String, Value>) {
        let text =
            |key: &str| str_of(input, key).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let pending = match name {
            "TaskCreate" => Pending::Create {
                subject: text("subject").unwrap_or_else(|| "Task".to_string()),
                active_form: text("activeForm"),
            },
            _ => {
                let Some(number) = task_number(input.get("taskId")) else { return };
                Pending::Update(Update {
                    number,
                    status: text("status"),
                    subject: text("subject"),
                    active_form: text("activeForm"),
                })
            }
        };
        self.by_tool_use.insert(id.to_string(), pending);
    }

    /// A tool result; returns whether the list changed. `created` is the new task's number
    /// when the line says it outright (`tool_use_result.task.id`).
    pub(crate) fn on_tool_result(
        &mut self,
        tool_use_id: &str,
        content: &str,
        is_error: bool,
        created: Option<u64>,
    ) -> bool {
        let Some(pending) = self.by_tool_use.remove(tool_use_id) else { return false };
        if is_error {
            return false;
        }
        match pending {
            Pending::Create { subject, active_form } => {
                let number =
                    created.or_else(|| created_number(content)).unwrap_or_else(|| self.next_number());
                if self.tasks.iter().any(|t| t.number == number) {
                    return false;
                }
                let task = Task { number, subject, active_form, status: "pending".to_string() };
                let at = self.tasks.partition_point(|t| t.number < number);
                self.tasks.insert(at, task);
                for update in self.early.remove(&number).unwrap_or_default() {
                    self.apply(update);
                }
                true
            }
            Pending::Update(update) => {
                if self.tasks.iter().any(|t| t.number == update.number) {
                    self.apply(update);
                } else {
                    self.early.entry(update.number).or_default().push(update);
                }
                true
            }
        }
    }

    fn next_number(&self) -> u64 {
        self.tasks.iter().map(|t| t.number).max().unwrap_or(0) + 1
    }

    fn apply(&mut self, update: Update) {
        let Some(task) = self.tasks.iter_mut().find(|t| t.number == update.number) else { return };
        if let Some(status) = update.status {
            task.status = status;
        }
        if let Some(subject) = update.subject {
            task.subject = subject;
        }
        if update.active_form.is_some() {
            task.active_form = update.active_form;
        }
    }

    /// The list without deleted tasks, and the step: the in-progress task's `activeForm`,
    /// else its subject.
    pub(crate) fn snapshot(&self) -> (Vec<Todo>, Option<String>) {
        let live = self.tasks.iter().filter(|t| t.status != "deleted");
        let step = live
            .clone()
            .find(|t| t.status == "in_progress")
            .map(|t| t.active_form.clone().unwrap_or_else(|| t.subject.clone()));
        let todos = live
            .map(|t| Todo { text: t.subject.clone(), status: TodoStatus::from_word(&t.status) })
            .collect();
        (todos, step)
    }
}

/// `taskId` as a number: the CLI sends a string ("1"); a number is accepted too.
pub(crate) fn task_number(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::String(s) => s.trim().trim_start_matches('#').parse().ok(),
        other => other.as_u64(),
    }
}

/// N from "Task #N created successfully: SUBJECT".
fn created_number(content: &str) -> Option<u64> {
    let rest = &content[content.find("Task #")? + "Task #".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A tool result's text: a string, or the text blocks of an array joined.
pub(crate) fn result_text(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(blocks)) => blocks
            .iter()
            .filter_map(|b| b.as_object().and_then(|b| str_of(b, "text")))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn numbers_come_from_results_in_any_order() {
        let mut b = TaskBoard::default();
        b.on_tool_use("TaskCreate", "a", &input(json!({"subject": "First", "activeForm": "Doing first"})));
        b.on_tool_use("TaskCreate", "b", &input(json!({"subject": "Second"})));
        b.on_tool_use("TaskUpdate", "c", &input(json!({"taskId": "1", "status": "in_progress"})));
        // Results out of order: the update and the second create come back first.
        assert!(b.on_tool_result("c", "Updated task #1 status", false, None));
        assert!(b.on_tool_result("b", "Task #2 created successfully: Second", false, None));
        assert_eq!(b.snapshot().1, None, "task 1 does not exist yet");
        assert!(b.on_tool_result("a", "Task #1 created successfully: First", false, None));
        let (todos, step) = b.snapshot();
        assert_eq!(todos.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(), ["First", "Second"]);
        assert_eq!(todos[0].status, TodoStatus::InProgress);
        assert_eq!(step.as_deref(), Some("Doing first"));
    }

    #[test]
    fn errors_and_unknown_results_change_nothing() {
        let mut b = TaskBoard::default();
        b.on_tool_use("TaskCreate", "a", &input(json!({"subject": "One"})));
        assert!(!b.on_tool_result("a", "<tool_use_error>bad</tool_use_error>", true, None));
        assert!(!b.on_tool_result("zzz", "Task #9 created successfully: x", false, None));
        assert!(b.snapshot().0.is_empty());
        b.on_tool_use("TaskUpdate", "u", &input(json!({"status": "completed"})));
        assert!(!b.on_tool_result("u", "Updated", false, None), "an update without taskId is ignored");
    }

    #[test]
    fn deleted_tasks_leave_the_list_and_subject_is_the_fallback_step() {
        let mut b = TaskBoard::default();
        for (i, subject) in ["A", "B", "C"].iter().enumerate() {
            let id = format!("t{i}");
            b.on_tool_use("TaskCreate", &id, &input(json!({ "subject": subject })));
            b.on_tool_result(&id, &format!("Task #{} created successfully: {subject}", i + 1), false, None);
        }
        for (id, task, status) in [("u1", 1, "completed"), ("u2", 2, "deleted"), ("u3", 3, "in_progress")] {
            b.on_tool_use("TaskUpdate", id, &input(json!({"taskId": task, "status": status})));
            b.on_tool_result(id, "Updated", false, None);
        }
        let (todos, step) = b.snapshot();
        assert_eq!(todos.len(), 2);
        assert_eq!(crate::agents::common::todo_percent(&todos), Some(50.0));
        assert_eq!(step.as_deref(), Some("C"));
    }

    #[test]
    fn result_text_reads_strings_and_blocks() {
        assert_eq!(result_text(Some(&json!("x"))), "x");
        assert_eq!(result_text(Some(&json!([{"type": "text", "text": "a"}, {"type": "image"}]))), "a");
        assert_eq!(result_text(None), "");
        assert_eq!(created_number("Task #12 created successfully: x"), Some(12));
        assert_eq!(created_number("nothing"), None);
    }
}
