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
            Turn::tools(&[
                create("Write hello file", "Writing hello file"),
                create("Report back", "Reporting back"),
            ]),
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
    // The two updates of one message arrive as two lines: wait for both.
    let second =
        run.poll("half done", |v| v["progress"].as_f64() == Some(50.0) && v["step"] == "Reporting back");
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

#[test]
fn claude_todowrite_when_task_tools_are_off() {
    let todos = |a: &str, b: &str| {
        json!({"todos": [
            {"content": "Read the code", "status": a, "activeForm": "Reading the code"},
            {"content": "Answer", "status": b, "activeForm": "Answering"}]})
    };
    let turns = |_: &std::path::Path| {
        vec![
            Turn::tool("TodoWrite", todos("in_progress", "pending")),
            Turn::tool("TodoWrite", todos("completed", "in_progress")).after(PAUSE),
            Turn::text("All read.").after(PAUSE),
        ]
    };
    let how = How { env: &[("CLAUDE_CODE_ENABLE_TASKS", "0")], ..How::default() };
    let Some(run) = start("claude", "Read it", turns, how) else { return };
    let v = run.poll("the TodoWrite list", |v| v["step"] == "Reading the code");
    assert_eq!(v["progress"], 0.0, "{v}");
    let v = run.poll("half done", |v| v["progress"].as_f64() == Some(50.0));
    assert_eq!(v["step"], "Answering", "{v}");
    let result = run.ended("completed");
    assert_eq!(result["output"], "All read.");
    let tools = run.mock.main_requests()[0].request.json()["tools"].to_string();
    assert!(tools.contains("\"TodoWrite\"") && !tools.contains("\"TaskCreate\""), "{tools}");
}

#[test]
fn claude_read_only_autonomy_reports_the_denied_write() {
    let turns = |repo: &std::path::Path| {
        let file = repo.join("nope.txt").display().to_string();
        vec![Turn::tool("Write", json!({"file_path": file, "content": "x"})), Turn::text("Could not write.")]
    };
    let how = How { flags: &["--autonomy", "read-only"], ..How::default() };
    let Some(run) = start("claude", "Write nope.txt", turns, how) else { return };
    let result = run.ended("completed");
    let why = reason(&result);
    assert!(why.contains("permission denied") && why.contains("nope.txt"), "{result:#}");
    assert!(!run.world.repo().join("nope.txt").exists());
    let body = run.mock.main_requests()[0].request.json();
    assert!(body.to_string().to_lowercase().contains("plan mode"), "read-only is plan mode");
}

#[test]
fn claude_api_errors_fail_with_the_status() {
    for (turn, expect) in [
        (Turn::status(500, "mock says the server broke"), "500"),
        (Turn::status(401, "invalid x-api-key"), "ANTHROPIC_API_KEY"),
        // A 429 holds the account instead of failing: see limits.rs.
    ] {
        let Some(run) = start("claude", "Hi", |_| vec![turn], How::default()) else { return };
        let result = run.ended("failed");
        assert!(reason(&result).contains(expect), "{expect}: {result:#}\n{}", run.log());
    }
}

#[test]
fn claude_max_turns_unreachable_api_and_cut_stream_fail() {
    let max = How { config: "[agents.claude]\nargs = [\"--max-turns\", \"1\"]\n", ..How::default() };
    let turns = |_: &std::path::Path| vec![Turn::tools(&[create("One", "Doing one")]), Turn::text("never")];
    let Some(run) = start("claude", "Plan", turns, max) else { return };
    assert_eq!(reason(&run.ended("failed")), "claude stopped: error_max_turns");

    let closed = How { base_url: Some("http://127.0.0.1:9"), ..How::default() };
    let Some(run) = start("claude", "Hi", |_| Vec::new(), closed) else { return };
    let result = run.ended("failed");
    assert!(reason(&result).contains("claude reported an error"), "{result:#}");

    // Every try is cut off (Claude Code falls back to an unstreamed request after a cut).
    let cut = |_: &std::path::Path| vec![Turn::text("cut here please").cut(); 4];
    let Some(run) = start("claude", "Hi", cut, How::default()) else { return };
    let result = run.ended("failed");
    assert!(reason(&result).contains("claude reported an error"), "{result:#}");
    assert!(result["output"].as_str().is_some_and(|o| !o.contains("cut here please")), "{result:#}");
}

#[test]
fn claude_full_autonomy_as_root_fails_saying_what_to_do() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: Claude Code's root refusal cannot be shown here");
        return;
    }
    let how = How { flags: &["--autonomy", "full"], ..How::default() };
    let Some(run) = start("claude", "Hi", |_| vec![Turn::text("never")], how) else { return };
    let result = run.ended("failed");
    assert!(reason(&result).contains("IS_SANDBOX=1"), "{result:#}");
    assert!(run.mock.main_requests().is_empty(), "it refused before asking the model");
    // The escape hatch the reason names works.
    let how = How { flags: &["--autonomy", "full"], env: &[("IS_SANDBOX", "1")], ..How::default() };
    let Some(run) = start("claude", "Hi", |_| vec![Turn::text("Sandboxed.")], how) else { return };
    assert_eq!(run.ended("completed")["output"], "Sandboxed.");
}
