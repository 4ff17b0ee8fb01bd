//! Claude Code (the pinned 2.1.x) for real: progress through smart-agents' own tool, steps
//! from tool uses and API retries, and its failure modes.

use super::{How, PAUSE, reason, start};
use crate::mock_model::Turn;
use serde_json::{Value, json};

/// smart-agents' own progress tool, as Claude Code names it.
const PROGRESS: &str = "mcp__smart-agents__progress";

fn plan(first: &str, second: &str) -> Value {
    json!({"todos": [
        {"content": "Write hello file", "status": first, "activeForm": "Writing hello file"},
        {"content": "Report back", "status": second, "activeForm": "Reporting back"}]})
}

#[test]
fn claude_progress_tool_drives_progress_then_answer_tokens_cost_and_files() {
    let turns = |repo: &std::path::Path| {
        let file = repo.join("hello.txt").display().to_string();
        vec![
            Turn::tool(PROGRESS, plan("in_progress", "pending")),
            Turn::tool("Write", json!({"file_path": file, "content": "hello\n"})).after(PAUSE),
            Turn::tool(PROGRESS, plan("completed", "in_progress")),
            Turn::tool(PROGRESS, plan("completed", "completed")).after(PAUSE),
            Turn::text("Wrote hello.txt.").usage(300, 40),
        ]
    };
    let Some(run) = start("claude", "Write hello.txt", turns, How::default()) else { return };
    let first = run.poll("the first item in progress", |v| v["step"] == "Writing hello file");
    assert_eq!(first["progress"], 0.0, "{first}");
    assert_eq!(first["state"], "running");
    assert_eq!(first["todos"].as_array().map(Vec::len), Some(2), "{first}");
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
    // The tool was offered up front (not deferred behind a search), and the model was told.
    let body = run.mock.main_requests()[0].request.json();
    let tools: Vec<&str> =
        body["tools"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    assert!(tools.contains(&PROGRESS), "{tools:?}");
    assert!(body["system"].to_string().contains("smart-agents `progress` tool"), "the system prompt says so");
    // The tool answered: its result went back to the model.
    let second_turn = run.mock.main_requests()[1].request.json().to_string();
    assert!(second_turn.contains("Progress shown to the user."), "{second_turn}");
}

#[test]
fn claude_without_a_plan_shows_its_latest_tool_as_the_step() {
    let turns = |repo: &std::path::Path| {
        let readme = repo.join("README.md").display().to_string();
        vec![
            Turn::tool("Read", json!({"file_path": readme})).after(PAUSE),
            Turn::text("Read it.").after(PAUSE),
        ]
    };
    let Some(run) = start("claude", "Read it", turns, How::default()) else { return };
    let v =
        run.poll("the Read as its step", |v| v["step"].as_str().is_some_and(|s| s.starts_with("Reading")));
    assert!(v["progress"].is_null(), "no plan, no percent: {v}");
    assert_eq!(run.ended("completed")["output"], "Read it.");
}

#[test]
fn claude_api_retries_show_as_the_step() {
    // Claude Code retries a 529 (overloaded) with backoff, saying so as system/api_retry.
    let turns = |_: &std::path::Path| {
        vec![
            Turn::status(529, "Overloaded"),
            Turn::status(529, "Overloaded"),
            Turn::text("Got through.").after(PAUSE),
        ]
    };
    let how = How { env: &[("CLAUDE_CODE_MAX_RETRIES", "3")], ..How::default() };
    let Some(run) = start("claude", "Hi", turns, how) else { return };
    let v = run.poll("the retry as its step", |v| v["step"].as_str().is_some_and(|s| s.contains("retrying")));
    let step = v["step"].as_str().unwrap_or_default();
    assert!(step.contains("529") && step.contains("of 3"), "{v}");
    assert_eq!(run.ended("completed")["output"], "Got through.");
}

#[test]
fn claude_read_only_autonomy_asks_and_reports_the_denied_write() {
    let turns = |repo: &std::path::Path| {
        let file = repo.join("nope.txt").display().to_string();
        vec![Turn::tool("Write", json!({"file_path": file, "content": "x"})), Turn::text("Could not write.")]
    };
    let how = How { flags: &["--autonomy", "read-only"], ..How::default() };
    let Some(run) = start("claude", "Write nope.txt", turns, how) else { return };
    // Plan mode allows no write: it is asked of a person, who says no.
    let view = run.poll("the write asked", |v| v["needs"]["kind"] == "permission");
    assert!(
        view["needs"]["text"].as_str().is_some_and(|t| t.contains("Write") && t.contains("nope.txt")),
        "{view}"
    );
    run.home.run_code(&["answer", &run.id, "deny"], 0);
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
    let turns =
        |_: &std::path::Path| vec![Turn::tool(PROGRESS, plan("in_progress", "pending")), Turn::text("never")];
    let Some(run) = start("claude", "Plan", turns, max) else { return };
    let why = reason(&run.ended("failed"));
    assert!(why.starts_with("claude stopped: error_max_turns"), "{why}");

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

#[test]
fn claude_a_deferred_tool_use_ends_with_a_clear_reason() {
    // A PreToolUse hook defers every Bash call for a person to decide: in -p mode the run
    // ends there, with `terminal_reason: tool_deferred` and the deferred call in its result.
    let hook = r#"echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"defer"}}'"#;
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash",
        "hooks": [{"type": "command", "command": hook}]}]}})
    .to_string();
    let config = format!("[agents.claude]\nargs = [\"--settings\", {}]\n", json!(settings));
    let how = How { config: &config, ..How::default() };
    let turns = |_: &std::path::Path| {
        vec![
            Turn::tool("Bash", json!({"command": "rm -rf build", "description": "Clean"})),
            Turn::text("never"),
        ]
    };
    let Some(run) = start("claude", "Clean up", turns, how) else { return };
    let result = run.ended("failed");
    let why = reason(&result);
    assert!(why.contains("deferred a tool use") && why.contains("rm -rf build"), "{result:#}\n{}", run.log());
}
