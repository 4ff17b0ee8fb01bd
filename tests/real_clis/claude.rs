//! Claude Code 2.1.x for real: its task tools, TodoWrite, and its failure modes.

use super::{How, PAUSE, reason, start};
use crate::mock_model::Turn;
use serde_json::{Value, json};

fn create(subject: &str, active: &str) -> (&'static str, Value) {
    ("TaskCreate", json!({"subject": subject, "description": subject, "activeForm": active}))
}

fn update(id: &str, status: &str) -> (&'static str, Value) {
    ("TaskUpdate", json!({"taskId": id, "status": status}))
}

#[test]
fn claude_task_tools_drive_progress_then_answer_tokens_cost_and_files() {
    let turns = |repo: &std::path::Path| {
        let file = repo.join("hello.txt").display().to_string();
        vec![
            // Two creations in one message, then start the first.
            Turn::tools(&[create("Write hello file", "Writing hello file"), create("Report back", "Reporting back")]),
            Turn::tools(&[update("1", "in_progress")]),
            Turn::tool("Write", json!({"file_path": file, "content": "hello\n"})).after(PAUSE),
            Turn::tools(&[update("1", "completed"), update("2", "in_progress")]),
            Turn::tools(&[update("2", "completed")]).after(PAUSE),
            Turn::text("Wrote hello.txt.").usage(300, 40),
        ]
    };
    let Some(run) = start("claude", "Write hello.txt", turns, How::default()) else { return };
    let first = run.poll("the first task in progress", |v| v["step"] == "Writing hello file");
    assert_eq!(first["progress"], 0.0, "{first}");
    assert_eq!(first["state"], "running");
    assert_eq!(first["todos"].as_array().map(Vec::len), Some(2), "{first}");
    let second = run.poll("half done", |v| v["progress"].as_f64() == Some(50.0));
    assert_eq!(second["step"], "Reporting back", "{second}");
    assert_eq!(second["todos"][0]["status"], "completed", "{second}");

    let result = run.ended("completed");
    assert_eq!(result["output"], "Wrote hello.txt.", "{result:#}");
    assert!(result["metrics"]["tokens_used"].as_u64().is_some_and(|t| t >= 300 + 40), "{result:#}");
    assert!(result["metrics"]["cost_usd"].as_f64().is_some_and(|c| c > 0.0), "{result:#}");
    assert_eq!(result["artifacts"]["files"], json!(["hello.txt"]), "{result:#}");
    assert_eq!(std::fs::read_to_string(run.world.repo().join("hello.txt")).ok().as_deref(), Some("hello\n"));
    assert_eq!(run.home.status(&run.id)["progress"], 100.0);
    assert_eq!(reason(&result), "", "{result:#}");
}
