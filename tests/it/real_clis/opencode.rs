//! OpenCode (the pinned release) for real: its todo tool drives progress, the answer, tokens,
//! the files it wrote, and its failure modes.

use super::{How, PAUSE, reason, start};
use crate::mock_model::Turn;
use serde_json::{Value, json};

fn todos(first: &str, second: &str) -> Value {
    json!({"todos": [
        {"id": "1", "content": "Write hello file", "status": first, "priority": "high"},
        {"id": "2", "content": "Report back", "status": second, "priority": "low"}]})
}

#[test]
fn opencode_todos_drive_progress_then_answer_tokens_and_files() {
    let turns = |repo: &std::path::Path| {
        let file = repo.join("hello.txt").display().to_string();
        vec![
            Turn::tool("todowrite", todos("in_progress", "pending")).after(PAUSE),
            Turn::tool("write", json!({"filePath": file, "content": "hello\n"})),
            Turn::tool("todowrite", todos("completed", "in_progress")).after(PAUSE),
            Turn::text("Wrote hello.txt.").usage(300, 40).after(PAUSE),
        ]
    };
    let Some(run) = start("opencode", "Write hello.txt", turns, How::default()) else { return };
    let first = run.poll("the first item in progress", |v| v["step"] == "Write hello file");
    assert_eq!(first["progress"], 0.0, "{first}");
    let second = run.poll("half done", |v| v["progress"].as_f64() == Some(50.0));
    assert_eq!(second["step"], "Report back", "{second}");
    let result = run.ended("completed");
    assert_eq!(result["output"], "Wrote hello.txt.", "{result:#}");
    assert!(result["metrics"]["tokens_used"].as_u64().is_some_and(|t| t >= 340), "{result:#}");
    assert_eq!(result["artifacts"]["files"], json!(["hello.txt"]), "{result:#}");
    assert_eq!(std::fs::read_to_string(run.world.repo().join("hello.txt")).ok().as_deref(), Some("hello\n"));
    assert_eq!(reason(&result), "", "{result:#}");
}

#[test]
fn opencode_an_unreachable_api_fails_with_its_message() {
    // OpenCode retries every failed call (even a 400) with backoff; an API that stays away
    // ends the run after about a minute with an `error` event.
    let closed = How { base_url: Some("http://127.0.0.1:9"), ..How::default() };
    let Some(run) = start("opencode", "Hi", |_| Vec::new(), closed) else { return };
    let result = run.ended("failed");
    let why = reason(&result);
    assert!(
        why.starts_with("opencode reported an error: Cannot connect to API"),
        "{result:#}\n{}",
        run.log()
    );
}
