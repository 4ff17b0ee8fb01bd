//! Gemini CLI for real: `write_todos` progress, a file write, and its failure modes.

use super::{How, PAUSE, reason, start};
use crate::mock_model::Turn;
use serde_json::{Value, json};

fn todos(a: &str, b: &str) -> Value {
    json!({"todos": [{"description": "Look around", "status": a}, {"description": "Write hello", "status": b}]})
}

#[test]
fn gemini_write_todos_drive_progress_then_answer_tokens_and_files() {
    let turns = |repo: &std::path::Path| {
        let file = repo.join("hello.txt").display().to_string();
        vec![
            Turn::tool("write_todos", todos("in_progress", "pending")),
            Turn::tool("write_todos", todos("completed", "in_progress")).after(PAUSE),
            Turn::tool("write_file", json!({"file_path": file, "content": "hello\n"})).after(PAUSE),
            Turn::text("Wrote hello.txt.").usage(400, 30),
        ]
    };
    let Some(run) = start("gemini", "Write hello.txt", turns, How::default()) else { return };
    let v = run.poll("the first todo", |v| v["step"] == "Look around");
    assert_eq!(v["progress"], 0.0, "{v}");
    let v = run.poll("half the todos", |v| v["progress"].as_f64() == Some(50.0));
    assert_eq!(v["step"], "Write hello", "{v}");
    let result = run.ended("completed");
    assert_eq!(result["output"], "Wrote hello.txt.", "{result:#}");
    assert!(result["metrics"]["tokens_used"].as_u64().is_some_and(|t| t >= 430), "{result:#}");
    assert_eq!(result["artifacts"]["files"], json!(["hello.txt"]), "{result:#}");
    assert!(run.mock.main_requests()[0].request.target.contains("gemini-2.5-pro:streamGenerateContent"));
}

#[test]
fn gemini_api_errors_and_cut_stream_fail() {
    let cases = [
        (Turn::status(500, "mock says the server broke"), "500"),
        (Turn::status(401, "API key not valid"), "GEMINI_API_KEY"),
        // A 429 holds the account instead of failing: see limits.rs.
        (Turn::text("cut here please").cut(), "without a finish reason"),
    ];
    let closed = How { base_url: Some("http://127.0.0.1:9"), ..How::default() };
    let Some(run) = start("gemini", "Hi", |_| Vec::new(), closed) else { return };
    let unreachable = run.ended("failed");
    let mut seen = Vec::new();
    for (turn, expect) in cases {
        let Some(run) = start("gemini", "Hi", |_| vec![turn; 2], How::default()) else { return };
        let result = run.ended("failed");
        seen.push((expect, reason(&result), run.log()));
    }
    for (expect, why, _) in &seen {
        assert!(why.contains(expect), "{expect}: {seen:#?}");
    }
    assert!(reason(&unreachable).contains("fetch failed"), "{unreachable:#}\n{}", run.log());
}

#[test]
fn gemini_refusals_say_what_to_do() {
    // Without the API-key auth type the base-URL variable switches auth: exit 41.
    let no_auth =
        r#"{"security": {"folderTrust": {"enabled": false}}, "general": {"enableAutoUpdate": false}}"#;
    let how = How { settings: Some(no_auth), ..How::default() };
    let Some(run) = start("gemini", "Hi", |_| Vec::new(), how) else { return };
    let result = run.ended("failed");
    assert_eq!(result["exit_code"], 41, "{result:#}\n{}", run.log());
    assert!(reason(&result).contains("selectedType"), "{result:#}");
    // A folder it does not trust: exit 55.
    let untrusted = r#"{"security": {"auth": {"selectedType": "gemini-api-key"}, "folderTrust": {"enabled": true}},
        "general": {"enableAutoUpdate": false}}"#;
    let how = How { settings: Some(untrusted), ..How::default() };
    let Some(run) = start("gemini", "Hi", |_| Vec::new(), how) else { return };
    let result = run.ended("failed");
    assert_eq!(result["exit_code"], 55, "{result:#}\n{}", run.log());
    assert!(reason(&result).contains("folderTrust"), "{result:#}");
    assert!(run.mock.main_requests().is_empty(), "it refused before asking the model");
}
