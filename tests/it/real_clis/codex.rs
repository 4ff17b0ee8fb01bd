//! Codex for real: `update_plan` becomes a `todo_list`, and its failure modes.

use super::{How, PAUSE, reason, start};
use crate::mock_model::Turn;
use serde_json::{Value, json};

fn plan(a: &str, b: &str) -> Value {
    json!({"plan": [{"step": "Inspect the repo", "status": a}, {"step": "Write the summary", "status": b}]})
}

/// The tool names Codex offered in its first request.
fn offered(run: &super::Run) -> Vec<String> {
    let body = run.mock.main_requests().first().map(|l| l.request.json()).unwrap_or_default();
    body["tools"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["name"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[test]
fn codex_plan_drives_progress_then_answer_and_tokens() {
    let turns = |_: &std::path::Path| {
        vec![
            Turn::tool("update_plan", plan("in_progress", "pending")),
            Turn::tool("update_plan", plan("completed", "in_progress")).after(PAUSE),
            Turn::text("The repo holds a README.").after(PAUSE).usage(500, 60),
        ]
    };
    let Some(run) = start("codex", "Summarize the repo", turns, How::default()) else { return };
    let v = run.poll("the plan's first step", |v| v["step"] == "Inspect the repo");
    assert_eq!(v["progress"], 0.0, "{v}");
    let v = run.poll("half the plan", |v| v["progress"].as_f64() == Some(50.0));
    assert_eq!(v["step"], "Write the summary", "{v}");
    assert_eq!(v["todos"].as_array().map(Vec::len), Some(2), "{v}");
    let result = run.ended("completed");
    assert_eq!(result["output"], "The repo holds a README.", "{result:#}");
    assert!(result["metrics"]["tokens_used"].as_u64().is_some_and(|t| t >= 560), "{result:#}");
    assert!(offered(&run).iter().any(|t| t == "update_plan"), "{:?}", offered(&run));
}

#[test]
fn codex_apply_patch_changes_a_file() {
    let patch = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n";
    let turns =
        |_: &std::path::Path| vec![Turn::custom("apply_patch", patch), Turn::text("Added hello.txt.")];
    let Some(run) = start("codex", "Add hello.txt", turns, How::default()) else { return };
    let result = run.ended("completed");
    assert_eq!(result["output"], "Added hello.txt.", "{result:#}");
    assert_eq!(result["artifacts"]["files"], json!(["hello.txt"]), "{result:#}");
    assert_eq!(std::fs::read_to_string(run.world.repo().join("hello.txt")).ok().as_deref(), Some("hello\n"));
}

#[test]
fn codex_api_errors_and_cut_stream_fail() {
    let cases = [
        // Codex words a 5xx as load, and names the status of the others.
        (Turn::status(500, "mock says the server broke"), "high demand"),
        (Turn::status(401, "invalid api key"), "OPENAI_API_KEY"),
        // A 429 holds the account instead of failing: see limits.rs.
        (Turn::text("cut here please").cut(), "stream disconnected"),
    ];
    let mut seen = Vec::new();
    for (turn, expect) in cases {
        let Some(run) = start("codex", "Hi", |_| vec![turn; 3], How::default()) else { return };
        let result = run.ended("failed");
        seen.push((expect, reason(&result)));
    }
    for (expect, why) in &seen {
        assert!(why.contains(expect), "{expect}: {seen:#?}");
    }
}

#[test]
fn codex_waits_for_an_unreachable_api_and_the_timeout_ends_it() {
    // Codex never gives up on the network: the step says why, `--timeout` ends it.
    let closed = How { base_url: Some("http://127.0.0.1:9"), flags: &["--timeout", "15s"], ..How::default() };
    let Some(run) = start("codex", "Hi", |_| Vec::new(), closed) else { return };
    let v = run
        .poll("the reconnecting step", |v| v["step"].as_str().is_some_and(|s| s.starts_with("Reconnecting")));
    assert_eq!(v["state"], "running", "{v}");
    let result = run.ended("failed");
    assert!(reason(&result).starts_with("timeout after 15s"), "{result:#}");
}
