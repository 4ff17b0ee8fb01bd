//! Claude Code (the pinned 2.1.x) asks through smart-agents (issue 30): under autonomy `edit`
//! a Bash call is not allowed, so Claude Code calls the permission tool of `__agent-tools`, the
//! task shows `needs`, and `answer` decides. The scripted model takes a second path when told
//! no; the mock's request log and the task's result prove what Claude Code was told.

use super::claude_mcp::last_tool_result;
use super::{How, start};
use crate::mock_model::{Request, Turn};
use serde_json::{Value, json};

/// After the Bash call: one answer when it was denied, another when it ran.
fn second_path(request: &Request) -> Turn {
    if last_tool_result(&request.json()).contains("denied") {
        Turn::text("Denied, so I took the second path.")
    } else {
        Turn::text("The command ran.")
    }
}

fn touch_turns(marker: &'static str) -> impl FnOnce(&std::path::Path) -> Vec<Turn> {
    move |repo: &std::path::Path| {
        // Not a file edit (acceptEdits lets `touch` and `mkdir` in the folder through).
        let command = format!("python3 -c \"open('{}', 'w').write('x')\"", repo.join(marker).display());
        vec![
            Turn::tool("Bash", json!({"command": command, "description": "Make the marker"})),
            Turn::from_request(second_path),
        ]
    }
}

fn events(run: &super::Run, kind: &str) -> Vec<Value> {
    run.home
        .run_ok(&["events", "--json", "--kind", kind, &run.id])
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn claude_asks_and_a_deny_leads_the_model_down_its_second_path() {
    let Some(run) = start("claude", "Make the marker", touch_turns("denied.txt"), How::default()) else {
        return;
    };
    let view = run.poll("a permission question", |v| v["needs"].is_object());
    assert_eq!(view["needs"]["kind"], "permission", "{view}");
    assert!(view["needs"]["text"].as_str().is_some_and(|t| t.starts_with("Bash: python3 -c")), "{view}");
    assert_eq!(view["state"], "running");
    run.home.run_code(&["answer", &run.id, "deny"], 0);
    let result = run.ended("completed");
    assert_eq!(result["output"], "Denied, so I took the second path.", "{result:#}");
    assert!(!run.world.repo().join("denied.txt").exists(), "the denied command did not run");
    let told = last_tool_result(&run.mock.main_requests()[1].request.json());
    assert!(told.contains("denied this use of Bash"), "Claude Code was told: {told}");
    assert_eq!(events(&run, "answered")[0]["data"]["by"], "cli");
}

#[test]
fn claude_asks_and_an_allow_lets_the_tool_run() {
    let Some(run) = start("claude", "Make the marker", touch_turns("allowed.txt"), How::default()) else {
        return;
    };
    run.poll("a permission question", |v| v["needs"].is_object());
    run.home.run_code(&["answer", &run.id, "allow"], 0);
    let result = run.ended("completed");
    assert_eq!(result["output"], "The command ran.", "{result:#}");
    assert!(run.world.repo().join("allowed.txt").exists(), "the allowed command ran");
}

#[test]
fn claude_allow_always_is_not_asked_again_for_the_same_rule() {
    let turns = |repo: &std::path::Path| {
        let dir = |name: &str| format!("python3 -c \"import os; os.mkdir('{}')\"", repo.join(name).display());
        vec![
            Turn::tool("Bash", json!({"command": dir("one"), "description": "First folder"})),
            Turn::tool("Bash", json!({"command": dir("two"), "description": "Second folder"})),
            Turn::text("Made both."),
        ]
    };
    let Some(run) = start("claude", "Make two folders", turns, How::default()) else { return };
    let view = run.poll("a permission question", |v| v["needs"].is_object());
    assert_eq!(view["needs"]["rule"], "Bash(python3:*)", "{view}");
    run.home.run_code(&["answer", &run.id, "allow", "--always"], 0);
    let result = run.ended("completed");
    assert_eq!(result["output"], "Made both.", "{result:#}");
    assert!(run.world.repo().join("two").is_dir(), "the second command ran without asking");
    assert_eq!(events(&run, "needs_input").len(), 1, "asked once");
}

#[test]
fn claude_with_full_autonomy_is_never_asked() {
    let how = How { flags: &["--autonomy", "full"], env: &[("IS_SANDBOX", "1")], ..How::default() };
    let Some(run) = start("claude", "Make the marker", touch_turns("full.txt"), how) else { return };
    let result = run.ended("completed");
    assert_eq!(result["output"], "The command ran.", "{result:#}");
    assert!(events(&run, "needs_input").is_empty(), "nothing asked");
}
