//! Claude Code (the pinned 2.1.x) inside `--sandbox`: it reaches the mock model only through
//! smart-agents' proxy, on the allowlist its model host joined, and writes its folder; with the
//! model host left off the list, every request is blocked and shown as such.

use super::{How, PAUSE, reason, start};
use crate::mock_model::Turn;
use serde_json::json;

/// Claude Code writes `~/.claude` and `~/.claude.json`; in a sandbox only those that exist are
/// writable (docs/sandbox.md), as after a first run.
fn first_run_done(home: &std::path::Path) {
    std::fs::create_dir_all(home.join(".claude")).expect("mkdir ~/.claude");
    std::fs::write(home.join(".claude.json"), "{}\n").expect("~/.claude.json");
}

#[test]
fn claude_in_a_sandbox_reaches_its_model_through_the_allowlist_and_edits_its_folder() {
    let turns = |repo: &std::path::Path| {
        let file = repo.join("hello.txt").display().to_string();
        first_run_done(&repo.parent().expect("world").join("home"));
        vec![
            Turn::tool("Write", json!({"file_path": file, "content": "hello from the sandbox\n"}))
                .after(PAUSE),
            Turn::text("Wrote hello.txt.").usage(120, 20),
        ]
    };
    let how = How { flags: &["--sandbox"], ..How::default() };
    let Some(run) = start("claude", "Write hello.txt", turns, how) else { return };
    let view = run.poll("the sandbox it runs in", |v| v["state"] == "running");
    assert!(view["sandbox"].is_object(), "{view}");
    let result = run.ended("completed");
    assert_eq!(result["output"], "Wrote hello.txt.", "{result:#}");
    let written = std::fs::read_to_string(run.world.repo().join("hello.txt")).unwrap_or_default();
    assert_eq!(written, "hello from the sandbox\n");
    assert!(run.mock.main_requests().len() >= 2, "{}", run.mock.describe());
    let events = crate::common::stdout(&run.home.run(&["events", &run.id]));
    assert!(!events.contains("network blocked"), "{events}");
}

#[test]
fn claude_in_a_sandbox_without_its_model_host_is_blocked_and_says_so() {
    let turns = |repo: &std::path::Path| {
        first_run_done(&repo.parent().expect("world").join("home"));
        vec![Turn::text("must never be read")]
    };
    // `--network` given by hand: the list is the user's, the model host does not join it.
    let how =
        How { flags: &["--sandbox", "--network", "allow", "--allow-host", "example.org"], ..How::default() };
    let Some(run) = start("claude", "Say hi", turns, how) else { return };
    let result = run.ended("failed");
    assert!(run.mock.main_requests().is_empty(), "the model was reached: {}", run.mock.describe());
    let events = crate::common::stdout(&run.home.run(&["events", &run.id]));
    assert!(events.contains("network blocked: 127.0.0.1:"), "{events}\nlog:\n{}", run.log());
    assert!(!reason(&result).is_empty(), "{result:#}");
}
