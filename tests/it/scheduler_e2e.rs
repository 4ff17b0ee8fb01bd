//! The scheduler end to end, with the real binary, a real worker and real processes: resource
//! gates under external load, class caps measured from recorded start and end times,
//! priorities, waiting reasons (here); dependencies, delays, timeouts and retries (`time`).

use crate::common;
#[path = "scheduler_e2e/footprints.rs"]
mod footprints;
#[path = "scheduler_e2e/gates.rs"]
mod gates;
#[path = "scheduler_e2e/support.rs"]
mod support;
#[path = "scheduler_e2e/time.rs"]
mod time;

use common::{LONG, stderr};
use serde_json::Value;
use std::collections::BTreeMap;
use support::{home, max_overlap, ms, reason, wait_all, wait_reason};

/// Waits until the file `gate` exists in the task's folder (the home's temp dir).
const GATED: &str = "while [ ! -e gate ]; do sleep 0.05; done";

#[test]
fn class_caps_hold_and_are_used_measured_from_start_and_end_times() {
    let home = home("max_concurrent_tasks = 5", "[limits.classes]\ne2e = 1\nbuild = 2\n");
    home.run_ok(&["pause"]);
    let mut ids = Vec::new();
    for class in ["e2e", "e2e", "e2e", "build", "build", "build", "build"] {
        ids.push(home.submit_with(&["--class", class], &["sleep", "1"]));
    }
    for _ in 0..3 {
        ids.push(home.submit(&["sleep", "1"]));
    }
    home.run_ok(&["resume"]);
    wait_all(&home, &ids, LONG);

    let mut per_class: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    let mut all = Vec::new();
    for task in home.list(&[]) {
        assert_eq!(task["state"], "completed", "{task}");
        let span = (ms(&task, "started_at"), ms(&task, "finished_at"));
        assert!(span.1 - span.0 >= 900, "`sleep 1` ran for {} ms: {task}", span.1 - span.0);
        let class = task["class"].as_str().unwrap_or("-").to_string();
        per_class.entry(class).or_default().push(span);
        all.push(span);
    }
    assert_eq!(all.len(), ids.len());
    let overlap: BTreeMap<&str, usize> =
        per_class.iter().map(|(c, s)| (c.as_str(), max_overlap(s))).collect();
    eprintln!("max overlap per class: {overlap:?}, all: {}", max_overlap(&all));
    assert_eq!(overlap["e2e"], 1, "e2e is capped at 1 and ran: {per_class:?}");
    assert_eq!(overlap["build"], 2, "build is capped at 2 and the cap was used: {per_class:?}");
    assert!(max_overlap(&all) <= 5, "global cap 5: {per_class:?}");
    assert_eq!(max_overlap(&all), 5, "five could run at once (1 e2e + 2 build + unclassed): {per_class:?}");
}

#[test]
fn a_full_class_does_not_block_other_tasks_behind_it() {
    let home = home("max_concurrent_tasks = 5", "[limits.classes]\ne2e = 1\n");
    let first = home.submit_with(&["--class", "e2e"], &["sh", "-c", GATED]);
    home.wait_state(&first, "running", LONG);
    let second = home.submit_with(&["--class", "e2e"], &["sh", "-c", GATED]);
    let view = wait_reason(&home, &second, LONG, |r| !r.is_empty());
    assert_eq!(reason(&view), "class e2e full (1/1)", "{view}");
    // Submitted after the queued e2e task, of another (and of no) class: both run now.
    let other = home.submit_with(&["--class", "lint"], &["true"]);
    let plain = home.submit(&["true"]);
    home.wait_state(&other, "completed", LONG);
    home.wait_state(&plain, "completed", LONG);
    let view = home.status(&second);
    assert_eq!(view["state"], "pending", "{view}");
    assert_eq!(reason(&view), "class e2e full (1/1)", "{view}");

    std::fs::write(home.temp_dir().join("gate"), b"").unwrap();
    let both = [first.clone(), second.clone()];
    wait_all(&home, &both, LONG);
    let (a, b) = (home.status(&first), home.status(&second));
    assert_eq!(b["state"], "completed", "{b}");
    assert!(ms(&b, "started_at") >= ms(&a, "finished_at"), "e2e ran two at once: {a} {b}");
}

#[test]
fn start_order_follows_priority_and_priority_can_change_while_pending() {
    let home = home("max_concurrent_tasks = 1", "");
    home.run_ok(&["pause"]);
    let mut by_priority = Vec::new();
    for p in ["1", "5", "9", "3"] {
        by_priority.push(home.submit_with(&["--priority", p], &["sleep", "0.2"]));
    }
    let view = home.status(&by_priority[0]);
    assert_eq!(reason(&view), "paused", "{view}");
    // The priority-3 task jumps the queue.
    home.run_ok(&["priority", &by_priority[3], "10"]);
    assert_eq!(home.status(&by_priority[3])["priority"], 10);
    let out = home.run(&["priority", &by_priority[0], "11"]);
    assert_eq!(out.status.code(), Some(2), "priority 11 is out of range: {}", stderr(&out));
    home.run_ok(&["resume"]);
    wait_all(&home, &by_priority, LONG);

    let mut started: Vec<(i64, i64)> = home
        .list(&[])
        .iter()
        .map(|t| (ms(t, "started_at"), t["priority"].as_i64().expect("priority")))
        .collect();
    started.sort();
    let order: Vec<i64> = started.iter().map(|(_, p)| *p).collect();
    assert_eq!(order, [10, 9, 5, 1], "start order by priority: {started:?}");

    // Only a pending task's priority can change.
    let running = home.submit(&["sh", "-c", GATED]);
    home.wait_state(&running, "running", LONG);
    let out = home.run(&["priority", &running, "7"]);
    assert_eq!(out.status.code(), Some(2), "changing a running task's priority is refused: {}", stderr(&out));
    assert!(stderr(&out).contains("not pending"), "{}", stderr(&out));
    let out = home.run(&["priority", &by_priority[0], "7"]);
    assert_eq!(out.status.code(), Some(2), "a completed one too: {}", stderr(&out));
    std::fs::write(home.temp_dir().join("gate"), b"").unwrap();
    home.wait_state(&running, "completed", LONG);
}

#[test]
fn waiting_reasons_name_the_cap_the_class_the_pause_and_the_dependency() {
    let home = home("max_concurrent_tasks = 2", "[limits.classes]\ne2e = 1\n");
    let e2e = home.submit_with(&["--class", "e2e"], &["sh", "-c", GATED]);
    let plain = home.submit(&["sh", "-c", GATED]);
    home.wait_state(&e2e, "running", LONG);
    home.wait_state(&plain, "running", LONG);

    let capped = home.submit(&["true"]);
    let view = wait_reason(&home, &capped, LONG, |r| !r.is_empty());
    assert_eq!(reason(&view), "global cap (2/2)", "{view}");
    // The class reason comes before the global cap: the class is the first thing to fix.
    let class = home.submit_with(&["--class", "e2e"], &["true"]);
    let view = wait_reason(&home, &class, LONG, |r| !r.is_empty());
    assert_eq!(reason(&view), "class e2e full (1/1)", "{view}");
    let dependent = home.submit_with(&["--after", &plain], &["true"]);
    let view = wait_reason(&home, &dependent, LONG, |r| !r.is_empty());
    assert_eq!(reason(&view), format!("dependencies: waiting for {plain}"), "{view}");

    home.run_ok(&["pause"]);
    let paused = home.submit(&["true"]);
    for id in [&paused, &capped, &class, &dependent] {
        let view = wait_reason(&home, id, LONG, |r| !r.is_empty());
        assert_eq!(reason(&view), "paused", "paused comes first of all reasons: {view}");
    }
    home.run_ok(&["resume"]);
    let view = wait_reason(&home, &dependent, LONG, |r| r != "paused");
    assert_eq!(reason(&view), format!("dependencies: waiting for {plain}"), "{view}");

    std::fs::write(home.temp_dir().join("gate"), b"").unwrap();
    let ids = [e2e, plain, capped, class, dependent, paused];
    wait_all(&home, &ids, LONG);
    for id in &ids {
        let view: Value = home.status(id);
        assert_eq!(view["state"], "completed", "{view}");
    }
}
