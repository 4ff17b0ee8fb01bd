//! Every failure verdict, end to end: the worker's task ends failed with a reason a person can
//! act on, from the transcript and the exit code the stand-in replays.

use super::{ended, fixture, home_with, poll_status, submit, temp};

fn reason(result: &serde_json::Value) -> String {
    result["reason"].as_str().unwrap_or_else(|| panic!("no reason: {result}")).to_string()
}

#[test]
fn claude_failures_name_their_cause() {
    let home = home_with("");
    let (max_turns, truncated) = (fixture("claude-error-max-turns.jsonl"), fixture("claude-truncated.jsonl"));
    let turns = submit(&home, &["Fix tests", "--agent", "claude"], &[("STANDIN_TRANSCRIPT", &max_turns)]);
    let cut = submit(&home, &["Read main", "--agent", "claude"], &[("STANDIN_TRANSCRIPT", &truncated)]);
    // The stream said success, the process did not.
    let crashed = submit(&home, &["Analyze auth", "--agent", "claude"], &[("STANDIN_EXIT", "1")]);

    let r = ended(&home, &turns, "failed");
    assert!(reason(&r).contains("error_max_turns"), "{r}");
    assert_eq!(r["exit_code"], 0, "claude exits 0 after max turns: {r}");
    assert_eq!(r["metrics"]["cost_usd"], 0.0123, "cost is kept on failure: {r}");

    let r = ended(&home, &cut, "failed");
    assert!(reason(&r).contains("truncated") || reason(&r).contains("without a final result"), "{r}");

    let r = ended(&home, &crashed, "failed");
    assert!(reason(&r).contains("exited with code 1"), "{r}");
    // `result` exits non-zero for a failed task.
    assert_ne!(home.run(&["result", &crashed]).status.code(), Some(0));
}

#[test]
fn codex_turn_failed_at_a_rate_limit_holds_the_task() {
    let home = home_with("");
    let failed = fixture("codex-turn-failed.jsonl");
    let id = submit(&home, &["Build it", "--agent", "codex"], &[("STANDIN_TRANSCRIPT", &failed)]);
    // Its turn failed on a rate limit: held (issue 14), not failed.
    let v =
        poll_status(&home, &id, "the hold", |v| v["state"] == "pending" && !v["waiting_reason"].is_null());
    assert!(
        v["waiting_reason"].as_str().is_some_and(|r| r.starts_with("codex usage limit: resumes ")),
        "{v}"
    );
    home.run_ok(&["cancel", &id]);
    home.run_ok(&["agents", "release", "codex"]);

    // A stream that stops before turn.completed fails too, even with exit 0.
    let dir = temp();
    let cut = dir.path().join("codex-cut.jsonl");
    let full = std::fs::read_to_string(fixture("codex-success.jsonl")).unwrap();
    let lines: Vec<&str> = full.lines().collect();
    std::fs::write(&cut, lines[..lines.len() - 1].join("\n") + "\n").unwrap();
    let id = submit(
        &home,
        &["Analyze auth", "--agent", "codex"],
        &[("STANDIN_TRANSCRIPT", cut.to_str().unwrap())],
    );
    let r = ended(&home, &id, "failed");
    assert!(reason(&r).contains("turn.completed"), "{r}");
}

#[test]
fn gemini_exit_codes_are_said_in_the_reason() {
    let home = home_with("");
    let limit = fixture("gemini-turn-limit.jsonl");
    let turns = submit(
        &home,
        &["Analyze auth", "--agent", "gemini"],
        &[("STANDIN_TRANSCRIPT", &limit), ("STANDIN_EXIT", "53")],
    );
    let dir = temp();
    let bad = dir.path().join("gemini-bad-input.jsonl");
    std::fs::write(
        &bad,
        "{\"type\":\"init\",\"session_id\":\"s42\",\"model\":\"gemini-2.5-pro\"}\n\
         {\"type\":\"error\",\"severity\":\"error\",\"message\":\"No input provided via stdin.\"}\n",
    )
    .unwrap();
    let input = submit(
        &home,
        &["Analyze auth", "--agent", "gemini"],
        &[("STANDIN_TRANSCRIPT", bad.to_str().unwrap()), ("STANDIN_EXIT", "42")],
    );
    // A result event that says error fails even with exit 0.
    let errored = submit(&home, &["Analyze auth", "--agent", "gemini"], &[("STANDIN_TRANSCRIPT", &limit)]);

    let r = ended(&home, &turns, "failed");
    assert!(reason(&r).contains("turn limit"), "{r}");
    assert_eq!(r["exit_code"], 53, "{r}");

    let r = ended(&home, &input, "failed");
    assert!(reason(&r).contains("bad input"), "{r}");
    assert_eq!(r["exit_code"], 42, "{r}");

    let r = ended(&home, &errored, "failed");
    assert!(reason(&r).contains("Reached max session turns"), "{r}");
}
