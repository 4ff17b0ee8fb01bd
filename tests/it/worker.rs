//! The worker's lifecycle: started on demand, exactly one per home even when raced, stop and
//! start again, status when none runs, and an idle worker that sleeps (no thread wakes).

use crate::common;

use common::{Home, LONG, alive, describe, wait_gone};
use std::time::{Duration, Instant};

/// Poll until exactly one worker serves the home; a losing racer may take a moment to exit.
fn assert_one_worker(home: &Home) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let workers = home.workers();
        assert!(!workers.is_empty(), "no worker is running");
        if workers.len() == 1 {
            return workers[0];
        }
        assert!(Instant::now() < deadline, "several workers serve one home: {workers:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_simultaneous_starts_leave_exactly_one_worker() {
    let home = Home::new();
    for round in 0..3 {
        let children: Vec<_> = (0..2).map(|_| home.spawn(&["worker", "start"])).collect();
        for child in children {
            let out = child.wait_with_output().expect("client output");
            assert_eq!(out.status.code(), Some(0), "round {round}: {}", describe(&out));
            assert!(common::stdout(&out).contains("worker running"), "round {round}: {}", describe(&out));
        }
        let pid = assert_one_worker(&home);
        assert_eq!(home.worker_pid(), pid, "round {round}: the one running is the one answering");
        let lock = std::fs::read_to_string(home.path().join("worker.lock")).unwrap();
        assert_eq!(lock.trim(), pid.to_string(), "round {round}: the lock names the winner");
        home.run_ok(&["worker", "stop"]);
        wait_gone(pid, LONG);
    }
}

#[test]
fn many_clients_at_once_on_a_cold_home_share_one_worker() {
    let home = Home::new();
    let children: Vec<_> = (0..6)
        .map(|n| home.spawn(&["execute", "--async", "--", "sh", "-c", &format!("echo racer{n}")]))
        .collect();
    let mut ids = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("client output");
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        ids.push(common::stdout(&out).trim().to_string());
    }
    assert_one_worker(&home);
    let mut args = vec!["wait"];
    args.extend(ids.iter().map(String::as_str));
    home.run_ok(&args);
    assert_eq!(home.list(&[]).len(), 6, "every submit was queued once");
}

#[test]
fn a_second_worker_run_exits_cleanly_while_one_runs() {
    let home = Home::new();
    home.run_ok(&["worker", "start"]);
    let pid = home.worker_pid();
    let out = home.run_code(&["worker", "run"], 0);
    assert!(common::stderr(&out).contains("already running"), "{}", describe(&out));
    assert!(common::stderr(&out).contains(&pid.to_string()), "names the running one: {}", describe(&out));
    assert!(alive(pid));
    assert_eq!(home.worker_pid(), pid);
}

#[test]
fn stop_then_any_command_starts_a_fresh_worker() {
    let home = Home::new();
    let out = home.run(&["worker", "status"]);
    assert_eq!(out.status.code(), Some(4), "no worker yet: {}", describe(&out));
    assert!(common::stderr(&out).contains("no worker"), "{}", describe(&out));
    assert!(home.run_ok(&["worker", "stop"]).contains("no worker running"));

    // status and list read the database and start nothing.
    home.run_ok(&["list"]);
    home.run_ok(&["status"]);
    assert!(home.workers().is_empty(), "read-only commands do not start a worker");

    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
    let first = home.worker_pid();
    home.run_ok(&["worker", "stop"]);
    assert!(!alive(first));
    assert!(!home.socket().exists(), "a stopped worker removes its socket");
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
    assert_ne!(home.worker_pid(), first);
}

/// Over 3 s (after half a second to settle), no thread of worker `pid` wakes.
pub fn assert_sleeps(pid: i32) {
    std::thread::sleep(Duration::from_millis(500));
    let before = switches(pid);
    std::thread::sleep(Duration::from_secs(3));
    let after = switches(pid);
    // A thread that ended in between (a pool thread's keep-alive ran out) is not a wake-up.
    let woke: Vec<(String, u64)> = after
        .iter()
        .filter_map(|(tid, n)| before.get(tid).map(|b| (tid.clone(), n - b)))
        .filter(|(_, d)| *d > 0)
        .collect();
    assert!(woke.is_empty(), "idle worker threads woke (tid, switches) in 3 s: {woke:?}");
}

/// Context switches of each of `pid`'s threads.
pub fn switches(pid: i32) -> std::collections::HashMap<String, u64> {
    let mut out = std::collections::HashMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten().flatten() {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        let n: u64 = status
            .lines()
            .filter(|l| l.contains("ctxt_switches"))
            .filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok())
            .sum();
        out.insert(task.file_name().to_string_lossy().into_owned(), n);
    }
    out
}

#[test]
fn an_idle_worker_sleeps_even_after_sealing_a_secret_and_notifying() {
    let home = Home::new();
    // A secret-looking variable makes the worker ask the keyring for its key, and the end of
    // the task sends a notification: both D-Bus clients once left a thread that woke every
    // 500 ms for good.
    let mut cmd = home.cmd(&["execute", "--", "true"]);
    cmd.env("MY_SECRET_TOKEN", "sk-verysecret-1234567");
    let out = cmd.output().expect("execute");
    assert!(out.status.success(), "{}", describe(&out));
    assert_sleeps(home.worker_pid());
}
