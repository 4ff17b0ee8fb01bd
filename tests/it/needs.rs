//! Needs you (issue 30) through the real binary and worker: a task that asks waits, shows
//! `needs`, and carries on with the answer; wrong, second and late answers are refused; the
//! question survives a worker killed mid-wait; `needs_timeout` denies; the wait does not count
//! toward `--timeout`. The asker is `smart-agents ask` inside a shell task (Claude Code's
//! permission tool asks the same way: tests/it/real_clis/claude_asks.rs).

use crate::common;

use common::{Home, LONG, describe, stderr, stdout};
use serde_json::Value;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");

/// A task that asks `question` with `extra` flags and prints `got=ANSWER rc=CODE`.
fn asking(home: &Home, opts: &[&str], extra: &str) -> String {
    let script = format!("answer=$('{BIN}' ask 'Proceed with Zustand?' {extra}); echo \"got=$answer rc=$?\"");
    home.submit_with(opts, &["sh", "-c", &script])
}

fn events(home: &Home, id: &str) -> Vec<Value> {
    home.run_ok(&["events", "--json", id])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

#[test]
fn a_question_waits_shows_needs_and_carries_on_with_the_answer() {
    let home = Home::new();
    let id = asking(&home, &[], "--option yes --option no");
    let view = home.wait_needs(&id);
    assert_eq!(view["state"], "running", "a task that asks is still running: {view}");
    let n = &view["needs"];
    assert_eq!(n["kind"], "question", "{view}");
    assert_eq!(n["text"], "Proceed with Zustand?", "{view}");
    assert_eq!(n["options"], serde_json::json!(["yes", "no"]), "{view}");
    assert!(n["since"].as_str().is_some_and(|s| s.contains('T')), "since is RFC 3339: {view}");
    let listed = home.list(&[]);
    assert_eq!(listed[0]["id"], id.as_str(), "a task that needs you comes first: {listed:?}");
    assert_eq!(listed[0]["needs"]["kind"], "question");
    let text = home.run_ok(&["list"]);
    assert!(text.contains("needs you"), "list marks it: {text}");
    let out = home.run_code(&["answer", &id, "yes, go"], 0);
    assert!(stdout(&out).contains("answered"), "{}", describe(&out));
    let done = home.wait_state(&id, "completed", LONG);
    assert!(done["needs"].is_null(), "answered, it needs nothing: {done}");
    let result = home.json(&["result", &id, "--json"]);
    assert!(result["output"].as_str().is_some_and(|o| o.contains("got=yes, go rc=0")), "{result}");
    let ev = events(&home, &id);
    let asked = ev.iter().find(|e| e["kind"] == "needs_input").expect("a needs_input event");
    assert_eq!(asked["data"]["text"], "Proceed with Zustand?", "{asked}");
    let answered = ev.iter().find(|e| e["kind"] == "answered").expect("an answered event");
    assert_eq!(answered["data"]["by"], "cli", "{answered}");
    assert_eq!(answered["data"]["reply"]["text"], "yes, go", "{answered}");
}

#[test]
fn wrong_second_and_late_answers_are_refused_and_change_nothing() {
    let home = Home::new();
    let quiet = home.submit(&["sleep", "30"]);
    home.wait_state(&quiet, "running", LONG);
    let out = home.run(&["answer", &quiet, "allow"]);
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(stderr(&out).contains("asks nothing"), "{}", describe(&out));
    let out = home.run(&["answer", "zzzzzzzz", "allow"]);
    assert_ne!(out.status.code(), Some(0), "an unknown id: {}", describe(&out));
    let id = asking(&home, &[], "--permission");
    home.wait_needs(&id);
    assert_eq!(home.status(&quiet)["needs"], Value::Null, "the other task asks nothing");
    home.run_code(&["answer", &id, "deny"], 0);
    let done = home.wait_state(&id, "completed", LONG);
    let output = home.json(&["result", &id, "--json"])["output"].as_str().unwrap_or_default().to_string();
    assert!(output.contains("got=deny rc=1"), "a denied ask exits 1: {output} {done}");
    for late in ["allow", "deny"] {
        let out = home.run(&["answer", &id, late]);
        assert_ne!(out.status.code(), Some(0), "a late answer: {}", describe(&out));
        assert!(stderr(&out).contains("asks nothing"), "{}", describe(&out));
    }
    let answered = events(&home, &id).iter().filter(|e| e["kind"] == "answered").count();
    assert_eq!(answered, 1, "one answer recorded");
    home.run_ok(&["cancel", &quiet]);
}

#[test]
fn a_question_survives_the_worker_killed_while_it_waits() {
    let home = Home::new();
    let id = asking(&home, &[], "--option a --option b");
    let before = home.wait_needs(&id);
    let pid = home.worker_pid();
    let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
    // The question is in the database; the asker or the answer starts a new worker, which
    // adopts the task. Whether the asker has asked again yet or not, the answer reaches it.
    let after = home.wait_needs(&id);
    assert_eq!(after["needs"]["since"], before["needs"]["since"], "the same question: {after}");
    home.run_code(&["answer", &id, "b"], 0);
    home.wait_state(&id, "completed", LONG);
    assert_ne!(home.worker_pid(), pid, "a new worker");
    let output = home.json(&["result", &id, "--json"])["output"].as_str().unwrap_or_default().to_string();
    assert!(output.contains("got=b rc=0"), "{output}");
    let asked = events(&home, &id).iter().filter(|e| e["kind"] == "needs_input").count();
    assert_eq!(asked, 1, "asked again after the restart, it is still one question");
}

#[test]
fn needs_timeout_denies_and_the_wait_does_not_count_toward_timeout() {
    let home = Home::new();
    // Nobody answers within a second: denied, by the timeout.
    let id = asking(&home, &["--needs-timeout", "1s"], "--permission");
    let done = home.wait_state(&id, "completed", LONG);
    let output = home.json(&["result", &id, "--json"])["output"].as_str().unwrap_or_default().to_string();
    assert!(output.contains("got=deny rc=1"), "{output} {done}");
    let answered: Vec<Value> = events(&home, &id).into_iter().filter(|e| e["kind"] == "answered").collect();
    assert_eq!(answered.len(), 1, "{answered:?}");
    assert_eq!(answered[0]["data"]["by"], "timeout", "{answered:?}");
    // A 2 s timeout, and 3 s waiting for the answer: the task is not timed out.
    let id = asking(&home, &["--timeout", "2s"], "");
    home.wait_needs(&id);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(home.state(&id), "running", "waiting for a person is not the task's time");
    home.run_code(&["answer", &id, "ok"], 0);
    home.wait_state(&id, "completed", LONG);
}

#[test]
fn ask_outside_a_task_and_an_empty_answer_are_usage_errors() {
    let home = Home::new();
    let out = home.cmd(&["ask", "Proceed?"]).env_remove("SMART_AGENTS_TASK_ID").output().expect("runs");
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(stderr(&out).contains("no task"), "{}", describe(&out));
    let out = home.run(&["answer", "abc", "  "]);
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(stderr(&out).contains("empty"), "{}", describe(&out));
}
