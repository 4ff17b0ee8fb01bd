//! events, the audit trail, stats and prune, through the real binary and worker.

use crate::common;

use common::{Home, LONG, describe, stderr, stdout};
use serde_json::Value;
use std::io::BufRead;
use std::time::{Duration, Instant};

fn event_lines(home: &Home, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["events", "--json"];
    all.extend_from_slice(args);
    home.run_ok(&all)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap_or("?")).collect()
}

#[test]
fn events_tell_each_step_and_who_caused_it() {
    let home = Home::new();
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
    let events = event_lines(&home, &[&id]);
    assert_eq!(kinds(&events), ["submitted", "started", "finished"], "{events:?}");
    let submitted = &events[0];
    assert_eq!(submitted["task"], id.as_str());
    assert_eq!(submitted["client"], "cli", "{submitted}");
    assert!(submitted["pid"].as_u64().is_some_and(|p| p > 0), "{submitted}");
    // SAFETY: getuid cannot fail.
    assert_eq!(submitted["uid"].as_u64(), Some(u64::from(unsafe { libc::getuid() })), "{submitted}");
    let cwd = std::fs::canonicalize(home.temp_dir()).unwrap();
    assert_eq!(submitted["cwd"].as_str().map(std::path::PathBuf::from), Some(cwd), "{submitted}");
    // The start carries the readings and reservations that let it start; the worker caused it.
    let started = &events[1];
    assert_eq!(started["client"], "worker", "{started}");
    assert_eq!(started["data"]["max_concurrent"], 5, "{started}");
    assert!(started["data"]["waited_ms"].is_u64(), "{started}");
    assert_eq!(events[2]["data"]["state"], "completed", "{}", events[2]);

    let other = home.submit(&["sh", "-c", "exit 3"]);
    home.wait_state(&other, "failed", LONG);
    let finished = event_lines(&home, &["--kind", "finished"]);
    assert_eq!(finished.len(), 2, "{finished:?}");
    assert_eq!(finished[1]["data"]["exit_code"], 3, "{finished:?}");
    assert!(event_lines(&home, &["--since", "1h"]).len() >= 6);
    let text = home.run_ok(&["events", &other]);
    assert!(text.contains("submitted") && text.contains("(by cli pid "), "{text}");
    assert!(text.contains("exit_code=3"), "{text}");
    // Bad input names what was wrong.
    let out = home.run(&["events", "--kind", "exploded"]);
    assert!(!out.status.success() && stderr(&out).contains("exploded"), "{}", describe(&out));
    let out = home.run(&["events", "--since", "yesterday"]);
    assert!(!out.status.success() && stderr(&out).contains("yesterday"), "{}", describe(&out));
}

#[test]
fn status_of_a_cancelled_task_says_who_cancelled_it() {
    let home = Home::new();
    home.run_ok(&["pause"]);
    let id = home.submit(&["true"]);
    home.run_ok(&["cancel", &id]);
    let text = home.run_ok(&["status", &id]);
    assert!(text.contains("cancelled by cli pid "), "{text}");
    let view = home.status(&id);
    assert_eq!(view["cancelled_by"]["client"], "cli", "{view}");
    assert!(view["cancelled_by"]["cwd"].is_string(), "{view}");
    let finished = event_lines(&home, &[&id, "--kind", "finished"]);
    assert_eq!(finished[0]["client"], "cli", "the cancel of a pending task is the client's: {finished:?}");
}

#[test]
fn follow_prints_new_events_as_the_worker_pushes_them() {
    let home = Home::new();
    let first = home.submit(&["true"]);
    home.wait_state(&first, "completed", LONG);
    let mut follower = home.spawn(&["events", "--follow", "--json"]);
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    let stdout = follower.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });
    let mut seen: Vec<Value> = Vec::new();
    let until = |pred: &dyn Fn(&Value) -> bool, seen: &mut Vec<Value>| {
        let deadline = Instant::now() + LONG;
        while Instant::now() < deadline {
            if let Ok(v) = rx.recv_timeout(Duration::from_millis(100)) {
                let done = pred(&v);
                seen.push(v);
                if done {
                    return;
                }
            }
        }
        panic!("the follower never printed the event; it printed {seen:?}");
    };
    // The backlog first (so the follower is subscribed), then what happens next.
    until(&|v| v["task"] == first.as_str() && v["kind"] == "finished", &mut seen);
    let second = home.submit(&["true"]);
    until(&|v| v["task"] == second.as_str() && v["kind"] == "finished", &mut seen);
    let _ = follower.kill();
    let _ = follower.wait();
    let seqs: Vec<i64> = seen.iter().filter_map(|v| v["seq"].as_i64()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "each row once, in order: {seqs:?}");
    let second_kinds: Vec<&str> =
        seen.iter().filter(|v| v["task"] == second.as_str()).filter_map(|v| v["kind"].as_str()).collect();
    assert_eq!(second_kinds, ["submitted", "started", "finished"]);
}

#[test]
fn stats_count_rate_and_time_tasks() {
    let home = Home::new();
    let ok: Vec<String> = (0..2).map(|_| home.submit(&["true"])).collect();
    let bad = home.submit(&["sh", "-c", "sleep 0.2; exit 1"]);
    for id in &ok {
        home.wait_state(id, "completed", LONG);
    }
    home.wait_state(&bad, "failed", LONG);
    let report = home.json(&["stats", "--json", "--by", "agent"]);
    let total = &report["total"];
    assert_eq!(total["tasks"], 3, "{report}");
    assert_eq!(total["counts"]["completed"], 2, "{report}");
    assert_eq!(total["counts"]["failed"], 1, "{report}");
    let rate = total["success_rate"].as_f64().unwrap_or(0.0);
    assert!((rate - 2.0 / 3.0).abs() < 1e-9, "{report}");
    assert!(total["run_ms"]["max"].as_u64().is_some_and(|ms| ms >= 200), "{report}");
    assert!(total["wait_ms"]["p50"].is_u64(), "{report}");
    assert_eq!(report["groups"][0]["key"], "shell", "{report}");
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let by_day = home.run_ok(&["stats", "--by", "day", "--since", "7d"]);
    assert!(by_day.contains(&today) && by_day.contains("total"), "{by_day}");
    let out = home.run(&["stats", "--by", "planet"]);
    assert!(!out.status.success() && stderr(&out).contains("planet"), "{}", describe(&out));
}

#[test]
fn prune_removes_old_finished_tasks_and_never_pending_ones() {
    let home = Home::new();
    // Big argv (stored with the task) and output, so the file has something to give back.
    let big = "x".repeat(100_000);
    let old: Vec<String> = (0..8).map(|_| home.submit(&["echo", &big])).collect();
    for id in &old {
        home.wait_state(id, "completed", LONG);
    }
    home.run_ok(&["pause"]);
    let pending = home.submit(&["true"]);
    let log = home.path().join("logs").join(format!("{}.log", old[0]));
    assert!(log.exists(), "the task's log is there before the prune");

    let dry = home.json(&["prune", "--older-than", "0s", "--dry-run", "--json"]);
    assert_eq!(dry["tasks"], 8, "{dry}");
    assert_eq!(home.state(&old[0]), "completed", "a dry run removes nothing");

    let report = home.json(&["prune", "--older-than", "0s", "--json"]);
    assert_eq!(report["tasks"], 8, "{report}");
    assert!(report["events"].as_u64().is_some_and(|n| n >= 24), "{report}");
    assert!(report["files"].as_u64().is_some_and(|n| n >= 8), "{report}");
    let (before, after) = (report["bytes_before"].as_u64().unwrap(), report["bytes_after"].as_u64().unwrap());
    assert!(after + 1_000_000 < before, "the file shrinks: {report}");
    let on_disk = std::fs::metadata(home.database()).unwrap().len();
    assert!(on_disk <= after + 4096, "the file itself is cut ({on_disk} bytes): {report}");
    assert!(!log.exists(), "its log file went with it");
    let out = home.run(&["status", &old[0]]);
    assert!(!out.status.success(), "{}", describe(&out));
    assert!(!event_lines(&home, &[&pending]).is_empty());
    assert_eq!(home.state(&pending), "pending", "pending tasks are never pruned");
    // The queue goes on: the environment of the pending task is still there.
    home.run_ok(&["resume"]);
    home.wait_state(&pending, "completed", LONG);
    let again = home.submit(&["true"]);
    home.wait_state(&again, "completed", LONG);
    let out = home.run(&["prune", "--older-than", "soon"]);
    assert!(!out.status.success() && stderr(&out).contains("soon"), "{}", stdout(&out));
}

#[test]
fn the_worker_prunes_by_keep_days_when_it_starts() {
    let home = Home::with_config("[history]\nkeep_days = 1\n");
    let old = home.submit(&["echo", "old"]);
    let recent = home.submit(&["echo", "recent"]);
    home.wait_state(&old, "completed", LONG);
    home.wait_state(&recent, "completed", LONG);
    home.run_ok(&["worker", "stop"]);
    // Two days pass for one of them.
    let db = rusqlite::Connection::open(home.database()).expect("open the database");
    db.execute("UPDATE tasks SET finished_at = finished_at - 2 * 86400000 WHERE id = ?1", [&old])
        .expect("age the task");
    drop(db);
    home.run_ok(&["worker", "start"]);
    let deadline = Instant::now() + LONG;
    while home.run(&["status", &old]).status.success() {
        assert!(Instant::now() < deadline, "the worker never pruned the old task");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(event_lines(&home, &[&recent]).len() == 3, "the recent one keeps its history");
    assert_eq!(home.state(&recent), "completed");
    assert!(!home.path().join("logs").join(format!("{old}.log")).exists(), "its log went too");
    let all = event_lines(&home, &[]);
    assert!(all.iter().all(|e| e["task"] != old.as_str()), "its events went too: {all:?}");
}
