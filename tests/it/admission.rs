//! Admission order, the task's environment, progress reports from inside a task, and Ctrl-C
//! detaching a following `execute`.

use crate::common;

use common::{BIN, Home, LONG, describe};
use std::time::Duration;

#[test]
fn highest_priority_first_then_fifo() {
    let home = Home::with_config("[limits]\nmax_concurrent_tasks = 1\n");
    home.run_ok(&["pause"]);
    let mut ids = Vec::new();
    for (name, priority) in [("a", "5"), ("b", "9"), ("c", "5"), ("d", "1"), ("e", "9")] {
        let script = format!("echo {name} >> order");
        ids.push(home.submit_with(&["--priority", priority], &["sh", "-c", &script]));
    }
    home.run_ok(&["resume"]);
    let mut args = vec!["wait", "--timeout", "20s"];
    args.extend(ids.iter().map(String::as_str));
    home.run_ok(&args);
    let order = std::fs::read_to_string(home.path().join("order")).unwrap();
    assert_eq!(order, "b\ne\na\nc\nd\n");
}

#[test]
fn the_cap_limits_how_many_run_at_once() {
    let home = Home::with_config("[limits]\nmax_concurrent_tasks = 2\n");
    let gate = "while [ ! -e gate ]; do sleep 0.05; done";
    let ids: Vec<String> = (0..3).map(|_| home.submit(&["sh", "-c", gate])).collect();
    home.wait_state(&ids[0], "running", LONG);
    home.wait_state(&ids[1], "running", LONG);
    let third = home.status(&ids[2]);
    assert_eq!(third["state"], "pending", "{third}");
    let why = third["waiting_reason"].as_str().unwrap_or_default();
    assert!(why.contains("2/2"), "the waiting reason names the cap: {third}");
    assert_eq!(home.worker_status()["running"], 2);
    std::fs::write(home.path().join("gate"), b"").unwrap();
    let mut args = vec!["wait", "--timeout", "20s"];
    args.extend(ids.iter().map(String::as_str));
    home.run_ok(&args);
}

#[test]
fn a_task_runs_with_the_callers_environment_and_its_own_id() {
    let home = Home::new();
    let out = home
        .cmd(&["execute", "--async", "--", "sh", "-c", "echo \"$SA_TEST_VAR:$SMART_AGENTS_TASK_ID\""])
        .env("SA_TEST_VAR", "from-the-caller")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let id = common::stdout(&out).trim().to_string();
    home.wait_state(&id, "completed", LONG);
    let result = home.json(&["result", &id, "--json"]);
    assert_eq!(result["output"], format!("from-the-caller:{id}\n"));
}

#[test]
fn progress_reported_from_inside_a_task_shows_in_status() {
    let home = Home::new();
    let script = format!("'{BIN}' progress 40 'Running tests' && while [ ! -e gate ]; do sleep 0.05; done");
    let id = home.submit(&["sh", "-c", &script]);
    let deadline = std::time::Instant::now() + LONG;
    let view = loop {
        let view = home.status(&id);
        if !view["progress"].is_null() {
            break view;
        }
        assert!(std::time::Instant::now() < deadline, "progress never arrived: {view}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(view["progress"], 40.0, "{view}");
    assert_eq!(view["step"], "Running tests", "{view}");
    assert_eq!(view["state"], "running", "{view}");
    std::fs::write(home.path().join("gate"), b"").unwrap();
    home.wait_state(&id, "completed", LONG);
}

#[test]
fn ctrl_c_detaches_a_following_execute_and_leaves_the_task_running() {
    let home = Home::new();
    home.run_ok(&["worker", "start"]);
    let child = home.spawn(&[
        "execute",
        "--",
        "sh",
        "-c",
        "echo detached-task; while [ ! -e gate ]; do sleep 0.05; done",
    ]);
    // Wait until the task runs, i.e. the client is following it.
    let deadline = std::time::Instant::now() + LONG;
    let id = loop {
        let running = home.list(&["--state", "running"]);
        if let Some(task) = running.first() {
            break task["id"].as_str().unwrap().to_string();
        }
        assert!(std::time::Instant::now() < deadline, "the task never started");
        std::thread::sleep(Duration::from_millis(20));
    };
    // Only once the client catches SIGINT (its follow loop is listening for Ctrl-C).
    while !catches_sigint(child.id()) {
        assert!(std::time::Instant::now() < deadline, "the client never listened for Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: plain kill(2) on our child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", describe(&out));
    let err = common::stderr(&out);
    assert!(err.contains("detached") && err.contains(&id), "says how to look later: {}", describe(&out));
    assert_eq!(home.state(&id), "running", "the task goes on");
    std::fs::write(home.path().join("gate"), b"").unwrap();
    home.wait_state(&id, "completed", LONG);
}

/// Whether `pid` has a handler for SIGINT (bit 2 of SigCgt in /proc/PID/status).
fn catches_sigint(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (libc::SIGINT - 1)) != 0)
}
