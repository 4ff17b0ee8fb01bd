//! Schedules (issue 32): real firings with `--every 2s`, missed windows across a stopped
//! worker for each catch-up policy, overlap, per-day caps, bad input, and an idle worker with
//! 100 schedules that does not wake.

use crate::common::{self, Home, describe};
use serde_json::Value;
use std::time::{Duration, Instant};

fn add(home: &Home, args: &[&str]) {
    let mut all = vec!["schedule", "add"];
    all.extend_from_slice(args);
    home.run_ok(&all);
}

fn show(home: &Home, name: &str) -> Value {
    home.json(&["schedule", "show", name, "--json"])
}

/// The schedule's history rows of `kind`, oldest first.
fn windows(home: &Home, name: &str, kind: &str) -> Vec<Value> {
    let mut rows: Vec<Value> = show(home, name)["windows"]
        .as_array()
        .expect("windows is an array")
        .iter()
        .filter(|w| w["kind"] == kind)
        .cloned()
        .collect();
    rows.reverse();
    rows
}

fn fired(home: &Home, name: &str, why: &str) -> Vec<Value> {
    windows(home, name, "schedule_fired").into_iter().filter(|w| w["data"]["why"] == why).collect()
}

/// Poll `ok` until it holds, up to `within`.
fn until(within: Duration, what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ok() {
        assert!(Instant::now() < deadline, "never happened within {within:?}: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn every_2s_fires_real_tasks_that_name_their_schedule() {
    let home = Home::new();
    add(&home, &["tick", "--every", "2s", "--", "true"]);
    until(Duration::from_secs(15), "three firings", || fired(&home, "tick", "window").len() >= 3);
    let list = home.json(&["schedule", "list", "--json"]);
    let items = list.as_array().expect("list --json is an array");
    assert_eq!(items.len(), 1, "{list}");
    let item = items[0].as_object().expect("an object");
    let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["last_run", "missed", "name", "next", "paused", "spec"], "{list}");
    assert_eq!(item["name"], "tick");
    assert_eq!(item["spec"], "every 2s");
    assert_eq!(item["paused"], false);
    let next = item["next"].as_str().expect("next is a string");
    chrono::DateTime::parse_from_rfc3339(next).unwrap_or_else(|e| panic!("next {next} is not RFC 3339: {e}"));
    let id = item["last_run"]["id"].as_str().expect("a last run").to_string();
    assert!(item["last_run"]["state"].is_string(), "{list}");
    let status = home.wait_state(&id, "completed", Duration::from_secs(20));
    assert_eq!(status["schedule"], "tick", "status --json names the schedule: {status}");
    // A task not fired by a schedule has none.
    let plain = home.submit(&["true"]);
    assert!(home.status(&plain).get("schedule").is_none());
    // Each firing is its own task, 2 s apart.
    let tasks: Vec<String> =
        fired(&home, "tick", "window").iter().map(|w| w["data"]["task"].to_string()).collect();
    let mut unique = tasks.clone();
    unique.dedup();
    assert_eq!(unique.len(), tasks.len(), "{tasks:?}");
}

#[test]
fn bad_expressions_zones_and_names_exit_2_and_make_no_schedule() {
    let home = Home::new();
    let cases: [&[&str]; 7] = [
        &["schedule", "add", "x", "--cron", "61 * * * *", "--", "true"],
        &["schedule", "add", "x", "--cron", "every day", "--", "true"],
        &["schedule", "add", "x", "--cron", "0 9 * * *", "--tz", "Mars/Olympus", "--", "true"],
        &["schedule", "add", "x y", "--every", "1h", "--", "true"],
        &["schedule", "add", "x", "--every", "soon", "--", "true"],
        &["schedule", "add", "x", "--every", "1h", "--tz", "UTC", "--", "true"],
        &["schedule", "add", "x", "--every", "1h", "--catch-up", "sometimes", "--", "true"],
    ];
    for args in cases {
        let out = home.run_code(args, 2);
        assert!(!common::stderr(&out).trim().is_empty(), "a clear message: {}", describe(&out));
    }
    let out = home.run_code(&["schedule", "add", "x", "--cron", "61 * * * *", "--", "true"], 2);
    assert!(common::stderr(&out).contains("61 * * * *"), "names the expression: {}", describe(&out));
    let out = home
        .run_code(&["schedule", "add", "x", "--cron", "0 9 * * *", "--tz", "Mars/Olympus", "--", "true"], 2);
    assert!(common::stderr(&out).contains("Mars/Olympus"), "names the zone: {}", describe(&out));
    assert_eq!(home.json(&["schedule", "list", "--json"]), serde_json::json!([]));
    // A taken name is refused too, and the first schedule stays as it was.
    add(&home, &["x", "--cron", "0 9 * * 1-5", "--tz", "Europe/Berlin", "--", "true"]);
    home.run_code(&["schedule", "add", "x", "--every", "1h", "--", "false"], 2);
    assert_eq!(show(&home, "x")["spec"], "cron 0 9 * * 1-5 Europe/Berlin");
    home.run_code(&["schedule", "show", "nope"], 3);
}

/// Add `name` with `--catch-up policy`, let it fire once, stop the worker across 3 windows and
/// start it again; returns the count of the missed event.
fn stopped_across_three_windows(home: &Home, name: &str, policy: &str) -> u64 {
    add(home, &[name, "--every", "2s", "--catch-up", policy, "--", "true"]);
    until(Duration::from_secs(10), "a first firing", || !fired(home, name, "window").is_empty());
    home.run_ok(&["worker", "stop"]);
    std::thread::sleep(Duration::from_millis(7_000));
    home.run_ok(&["worker", "start"]);
    let mut missed = Vec::new();
    until(Duration::from_secs(10), "a schedule_missed event", || {
        missed = windows(home, name, "schedule_missed");
        !missed.is_empty()
    });
    assert_eq!(missed.len(), 1, "one event for the whole gap: {missed:?}");
    let count = missed[0]["data"]["count"].as_u64().expect("a count");
    assert!((3..=5).contains(&count), "3 windows or a little more passed: {missed:?}");
    assert_eq!(show(home, name)["missed"], count);
    count
}

#[test]
fn catch_up_skip_records_the_missed_windows_and_runs_none_of_them() {
    let home = Home::new();
    stopped_across_three_windows(&home, "s", "skip");
    std::thread::sleep(Duration::from_secs(3));
    assert!(fired(&home, "s", "catch_up").is_empty(), "{}", show(&home, "s"));
    until(Duration::from_secs(10), "windows go on", || fired(&home, "s", "window").len() >= 2);
}

#[test]
fn catch_up_once_runs_once_for_all_the_missed_windows() {
    let home = Home::new();
    stopped_across_three_windows(&home, "o", "once");
    until(Duration::from_secs(10), "a catch-up run", || !fired(&home, "o", "catch_up").is_empty());
    std::thread::sleep(Duration::from_secs(3));
    let runs = fired(&home, "o", "catch_up");
    assert_eq!(runs.len(), 1, "{runs:?}");
    let id = runs[0]["data"]["task"].as_str().expect("task id");
    home.wait_state(id, "completed", Duration::from_secs(20));
}

#[test]
fn catch_up_all_runs_once_per_missed_window_one_after_another() {
    let home = Home::new();
    let count = stopped_across_three_windows(&home, "a", "all");
    until(Duration::from_secs(30), "one run per missed window", || {
        fired(&home, "a", "catch_up").len() as u64 >= count
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(fired(&home, "a", "catch_up").len() as u64, count, "{}", show(&home, "a"));
}

#[test]
fn overlap_skip_names_the_run_still_going_and_queue_runs_after_it() {
    let home = Home::new();
    add(&home, &["slow", "--every", "2s", "--", "sleep", "5"]);
    add(
        &home,
        &["queued", "--every", "2s", "--overlap", "queue", "--max-runs-per-day", "2", "--", "sleep", "3"],
    );
    until(Duration::from_secs(15), "a skipped window", || {
        !windows(&home, "slow", "schedule_skipped").is_empty()
    });
    let first = fired(&home, "slow", "window")[0]["data"]["task"].clone();
    let skipped = windows(&home, "slow", "schedule_skipped");
    assert_eq!(skipped[0]["data"]["why"], "overlap", "{skipped:?}");
    assert_eq!(skipped[0]["data"]["running"], first, "names the run still going: {skipped:?}");
    // Queued: the second run starts only after the first ended.
    until(Duration::from_secs(20), "a queued run", || !fired(&home, "queued", "queued").is_empty());
    let one = fired(&home, "queued", "window")[0]["data"]["task"].as_str().expect("id").to_string();
    let two = fired(&home, "queued", "queued")[0]["data"]["task"].as_str().expect("id").to_string();
    let one = home.wait_state(&one, "completed", Duration::from_secs(20));
    let two = home.wait_state(&two, "completed", Duration::from_secs(20));
    assert!(two["started_at"].as_str() >= one["finished_at"].as_str(), "{one}\n{two}");
}

#[test]
fn max_runs_per_day_pauses_the_schedule_with_an_event_and_resume_undoes_it() {
    let home = Home::new();
    add(&home, &["capped", "--every", "2s", "--max-runs-per-day", "2", "--", "true"]);
    until(Duration::from_secs(15), "the cap's pause", || {
        !windows(&home, "capped", "schedule_paused").is_empty()
    });
    let detail = show(&home, "capped");
    assert_eq!(detail["paused"], true, "{detail}");
    assert!(detail["next"].is_null(), "{detail}");
    assert!(detail["pause_reason"].as_str().unwrap_or("").contains("max runs per day (2)"), "{detail}");
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(fired(&home, "capped", "window").len(), 2, "no third run today: {}", show(&home, "capped"));
    // `run` at the cap starts nothing and says so.
    home.run_code(&["schedule", "run", "capped"], 2);
    let resumed = home.json(&["schedule", "resume", "capped", "--json"]);
    assert_eq!(resumed["schedule"]["paused"], false, "{resumed}");
}

#[test]
fn pause_resume_run_and_remove() {
    let home = Home::new();
    add(&home, &["p", "--cron", "0 0 1 1 *", "--tz", "UTC", "--", "true"]);
    let paused = home.json(&["schedule", "pause", "p", "--json"]);
    assert_eq!(paused["schedule"]["paused"], true, "{paused}");
    let run = home.json(&["schedule", "run", "p", "--json"]);
    let id = run["id"].as_str().expect("run prints the id").to_string();
    assert_eq!(home.wait_state(&id, "completed", Duration::from_secs(20))["schedule"], "p");
    assert_eq!(fired(&home, "p", "manual").len(), 1);
    home.run_ok(&["schedule", "resume", "p"]);
    let next = show(&home, "p")["next"].as_str().expect("next").to_string();
    assert!(next.ends_with("-01-01T00:00:00.000Z"), "{next}");
    home.run_ok(&["schedule", "remove", "p"]);
    assert_eq!(home.json(&["schedule", "list", "--json"]), serde_json::json!([]));
    home.run_code(&["schedule", "remove", "p"], 3);
}

#[test]
fn an_idle_worker_with_100_schedules_does_not_wake_between_firings() {
    let home = Home::new();
    for i in 0..100 {
        let name = format!("s{i}");
        let args: Vec<&str> = if i % 2 == 0 {
            vec![&name, "--every", "1h", "--", "true"]
        } else {
            vec![&name, "--cron", "0 3 * * *", "--tz", "Europe/Berlin", "--", "true"]
        };
        add(&home, &args);
    }
    assert_eq!(home.json(&["schedule", "list", "--json"]).as_array().map(Vec::len), Some(100));
    crate::worker::assert_sleeps(home.worker_pid());
}

#[test]
fn a_flow_schedule_runs_the_flow_with_its_vars() {
    let home = Home::new();
    let file = home.temp_dir().join("greet.toml");
    let text = "name = \"greet\"\n[vars]\nwho = \"nobody\"\n[[steps]]\nname = \"say\"\ncommand = \"echo hello {{vars.who}}\"\n";
    std::fs::write(&file, text).expect("write flow file");
    let file = file.display().to_string();
    add(&home, &["greet", "--cron", "0 0 1 1 *", "--flow", &file, "--var", "who=world"]);
    home.run_code(&["schedule", "add", "both", "--every", "1h", "--flow", &file, "a prompt too"], 2);
    let id = home.json(&["schedule", "run", "greet", "--json"])["id"].as_str().expect("flow id").to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    let flow = loop {
        let flow = home.json(&["flow", "status", &id, "--json"]);
        if flow["state"] != "running" {
            break flow;
        }
        assert!(Instant::now() < deadline, "flow never ended: {flow}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(flow["state"], "completed", "{flow}");
    let list = home.json(&["schedule", "list", "--json"]);
    assert_eq!(list[0]["last_run"], serde_json::json!({"id": id, "state": "completed"}), "{list}");
    let step = flow["steps"].as_array().and_then(|s| s.first()).cloned().expect("a step");
    let task = step["task_id"].as_str().expect("the step's task").to_string();
    let out = home.run_ok(&["logs", &task]);
    assert!(out.contains("hello world"), "--var reached the flow: {out}");
    assert_eq!(home.status(&task)["schedule"], "greet", "a flow's tasks name the schedule that fired it");
}
