//! Claude Code (the pinned 2.1.x) in a `--worktree`, brought back: `diff` shows what it wrote,
//! `review` sends it back on the same session with the notes (each line note with its hunk) in
//! the prompt, and `land` brings the total change into the user's branch.

use super::{How, start};
use crate::common::describe;
use crate::mock_model::Turn;
use serde_json::{Value, json};

fn bash(command: &str) -> Turn {
    Turn::tool("Bash", json!({"command": command, "description": "Write the greeting"}))
}

#[test]
fn claude_in_a_worktree_is_diffed_sent_back_and_landed() {
    let turns = |_: &std::path::Path| {
        vec![
            bash("printf 'hello\\n' > greeting.txt"),
            Turn::text("Wrote greeting.txt."),
            bash("printf 'Hello!\\n' > greeting.txt"),
            Turn::text("Made it louder."),
        ]
    };
    // Full autonomy runs Bash unasked; IS_SANDBOX lets Claude Code do that as root (CI).
    let how =
        How { flags: &["--worktree", "--autonomy", "full"], env: &[("IS_SANDBOX", "1")], ..How::default() };
    let Some(run) = start("claude", "Write a greeting", turns, how) else { return };
    run.ended("completed");

    let diff = run.home.json(&["diff", &run.id, "--json"]);
    assert_eq!(diff["files"][0]["path"], "greeting.txt", "{diff:#}");
    assert_eq!(diff["files"][0]["status"], "added", "{diff:#}");
    assert!(diff["patch"].as_str().is_some_and(|p| p.contains("+hello")), "{diff:#}");

    // Sent back from the world's environment (the follow-up runs with the caller's).
    let out = run
        .home
        .cmd(&["review", &run.id, "Make it louder", "--note", "greeting.txt:1", "Capitalise this line"])
        .env_clear()
        .env("SMART_AGENTS_HOME", run.home.path())
        .envs(run.world.env_refs())
        .env("IS_SANDBOX", "1")
        .output()
        .expect("review");
    assert!(out.status.success(), "review: {}", describe(&out));
    let follow_up = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let done = run.home.wait_state(&follow_up, "completed", std::time::Duration::from_secs(120));
    assert_eq!(done["parent"], run.id.as_str(), "{done}");

    // The follow-up resumed the session, and its prompt carried both notes and the hunk.
    let main = run.mock.main_requests();
    let last = String::from_utf8_lossy(&main[main.len() - 2].request.body).to_string();
    for said in ["Make it louder", "Capitalise this line", "greeting.txt", "+hello", "Wrote greeting.txt."] {
        assert!(last.contains(said), "the follow-up's request lacks {said:?}:\n{}", run.mock.describe());
    }
    let total = run.home.json(&["diff", &follow_up, "--json"]);
    assert!(total["patch"].as_str().is_some_and(|p| p.contains("+Hello!")), "{total:#}");

    let out = run.home.run(&["land", &follow_up]);
    assert!(out.status.success(), "land: {}", describe(&out));
    let landed = std::fs::read_to_string(run.world.repo().join("greeting.txt")).unwrap_or_default();
    assert_eq!(landed, "Hello!\n");
    // One JSON object a line.
    let events = run.home.run_ok(&["events", &run.id, "--json"]);
    let kinds: Vec<Value> = events
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|e| e["kind"].clone())
        .collect();
    assert!(kinds.contains(&json!("reviewed")) && kinds.contains(&json!("landed")), "{events}");
}
