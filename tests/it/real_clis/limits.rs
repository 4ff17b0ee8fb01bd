//! Usage limits with the real CLIs: the mock answers 429 in each vendor's shape; smart-agents
//! holds the task and its account's other tasks (the mock's request log shows none of them
//! arrived while held), then resumes the stopped session and completes. Budgets stop a run.

use super::{How, Run, reason, start};
use crate::mock_model::{Logged, Turn};
use serde_json::{Value, json};
use std::time::Duration;

const BACKOFF: &str = "[usage_limits]\nbackoff = \"3s\"\nmax_backoff = \"6s\"\n";

fn waiting(v: &Value) -> &str {
    v["waiting_reason"].as_str().unwrap_or_default()
}

fn held(run: &Run) -> Value {
    run.poll("the hold", |v| v["state"] == "pending" && waiting(v).contains("usage limit"))
}

/// The index of the first main request whose body contains `text`.
fn first_with(requests: &[Logged], text: &str) -> Option<usize> {
    requests.iter().position(|l| String::from_utf8_lossy(&l.request.body).contains(text))
}

fn limit_parts(run: &Run) -> usize {
    let events = run.home.run_ok(&["events", "--json", &run.id]);
    events.lines().filter(|l| l.contains("\"limit\":true")).count()
}

#[test]
fn claude_limit_mid_run_holds_the_account_then_resumes_the_session() {
    let turns = |_: &std::path::Path| {
        vec![
            Turn::tools(&[(
                "TaskCreate",
                json!({"subject": "Step one", "description": "Step one", "activeForm": "Doing step one"}),
            )])
            .usage(200, 30),
            Turn::limited_plain(
                "This request would exceed your account's rate limit. Please try again later.",
            ),
            Turn::text("Carried on and done.").usage(300, 40),
            Turn::text("Second task done."),
        ]
    };
    let how = How { config: BACKOFF, ..How::default() };
    let Some(run) = start("claude", "Plan it and do it", turns, how) else { return };
    let view = held(&run);
    assert!(waiting(&view).starts_with("claude usage limit: resumes "), "{view}");
    let second = run.also("Another task", &[]);
    let other = run.home.status(&second);
    assert_eq!(other["state"], "pending", "{other}");

    let result = run.ended("completed");
    assert_eq!(result["output"], "Carried on and done.", "{result:#}");
    run.home.wait_state(&second, "completed", Duration::from_secs(120));
    let main = run.mock.main_requests();
    let limited = main.iter().position(|l| l.status == 429).expect("the 429");
    let resumed = first_with(&main, "stopped by a usage limit").expect("the carry-on prompt");
    let later = first_with(&main, "Another task").expect("the second task's request");
    assert_eq!(resumed, limited + 1, "nothing reached the model while held:\n{}", run.mock.describe());
    assert!(later > resumed, "the trial went first:\n{}", run.mock.describe());
    assert!(main[resumed].at - main[limited].at >= Duration::from_millis(2_500), "held for the backoff");
    // The session was resumed: the earlier turn is in the resumed conversation.
    let body = String::from_utf8_lossy(&main[resumed].request.body).to_string();
    assert!(body.contains("Plan it and do it") && body.contains("Step one"), "{body}");
    assert_eq!(limit_parts(&run), 1);
    let tokens = result["metrics"]["tokens_used"].as_u64().unwrap_or(0);
    assert!(tokens >= 200 + 30 + 300 + 40, "both parts' tokens add up: {result:#}");
    assert_eq!(reason(&result), "", "{result:#}");
}

#[test]
fn claude_max_cost_stops_the_run_naming_the_budget() {
    let turns = |_: &std::path::Path| {
        vec![
            Turn::tools(&[(
                "TaskCreate",
                json!({"subject": "A", "description": "A", "activeForm": "Doing A"}),
            )])
            .usage(200_000, 20_000),
            Turn::text("never reached").usage(200_000, 20_000),
        ]
    };
    let how = How { flags: &["--max-cost", "0.01"], ..How::default() };
    let Some(run) = start("claude", "Expensive", turns, how) else { return };
    let result = run.ended("failed");
    assert!(reason(&result).contains("cost budget $0.01 (--max-cost) exceeded"), "{result:#}\n{}", run.log());
    let argv = run.mock.main_requests().len();
    assert!(argv >= 1, "{}", run.mock.describe());
}

#[test]
fn gemini_quota_with_retry_info_holds_for_the_suggested_time_then_completes() {
    let turns = |_: &std::path::Path| vec![Turn::gemini_exhausted(2), Turn::text("Done after the wait.")];
    let Some(run) = start("gemini", "Hi", turns, How { config: BACKOFF, ..How::default() }) else { return };
    let view = held(&run);
    assert!(waiting(&view).starts_with("gemini usage limit: resumes "), "{view}");
    let result = run.ended("completed");
    assert_eq!(result["output"], "Done after the wait.", "{result:#}");
    let main = run.mock.main_requests();
    let limited = main.iter().position(|l| l.status == 429).expect("the 429");
    assert!(
        main[limited + 1].at - main[limited].at >= Duration::from_millis(1_500),
        "{}",
        run.mock.describe()
    );
    assert_eq!(limit_parts(&run), 1);
}

#[test]
fn codex_usage_limit_names_the_reset_and_agents_release_ends_the_hold() {
    let turns = |_: &std::path::Path| vec![Turn::codex_usage_limit(3_600), Turn::text("Resumed and done.")];
    let Some(run) = start("codex", "Hi", turns, How::default()) else { return };
    let view = held(&run);
    assert!(waiting(&view).starts_with("codex usage limit: resumes "), "{view}");
    let agents = run.home.json(&["agents", "--json"]);
    let codex =
        agents.as_array().and_then(|a| a.iter().find(|x| x["name"] == "codex")).cloned().expect("codex");
    assert!(codex["hold"]["until"].as_str().is_some(), "{codex}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(run.mock.main_requests().len(), 1, "held: nothing reaches the model\n{}", run.mock.describe());
    run.home.run_ok(&["agents", "release", "codex"]);
    let result = run.ended("completed");
    assert_eq!(result["output"], "Resumed and done.", "{result:#}");
}

#[test]
fn aider_rate_limit_ends_its_own_retrying_and_holds_then_completes() {
    let turns = |_: &std::path::Path| {
        let mut t = vec![Turn::limited_plain("Rate limit reached. Please try again in 2s."); 3];
        t.push(Turn::text("Done."));
        t
    };
    // aider is ended when it says it was rate limited: a short grace keeps the test quick.
    let config = format!("{BACKOFF}[limits]\nkill_grace_seconds = 1\n");
    let Some(run) = start("aider", "Hi", turns, How { config: &config, ..How::default() }) else { return };
    held(&run);
    let result = run.ended("completed");
    assert!(limit_parts(&run) >= 1, "{result:#}");
    // Its client retried twice on its own before aider said so; nothing more reached the mock
    // until the hold was over.
    let statuses: Vec<u16> = run.mock.main_requests().iter().map(|l| l.status).collect();
    assert_eq!(statuses, [429, 429, 429, 200], "{}", run.mock.describe());
    assert_eq!(reason(&result), "", "{result:#}\n{}", run.log());
}
