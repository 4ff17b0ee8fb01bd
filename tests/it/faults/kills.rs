//! The worker killed with `kill -9`: during a drain (nothing lost, nothing run twice, no
//! orphan, an intact database) and during a burst of submits (every printed id exists, every
//! submit that exited 4 is absent, none is queued twice).

use super::support::{assert_no_leftovers, integrity, line_counts};
use crate::common::{Home, LONG, describe, kill9, stderr, stdout, wait_gone};
use std::time::Duration;

/// Kills of the worker in each test, and tasks; `SMART_AGENTS_FAULT_SCALE=N` multiplies both
/// for a longer run than CI's.
const KILLS: usize = 3;
const DRAIN_TASKS: usize = 40;
const BURST_SUBMITS: usize = 30;

fn scale() -> usize {
    std::env::var("SMART_AGENTS_FAULT_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1).max(1)
}

fn kill_worker(home: &Home) {
    let pid = home.worker_pid();
    kill9(pid);
    wait_gone(pid, LONG);
}

#[test]
fn worker_kill_9_during_a_drain_loses_nothing_and_runs_nothing_twice() {
    let home = Home::with_config("[limits]\nmax_concurrent_tasks = 4\nkill_grace_seconds = 1\n");
    let ran = home.path().join("ran");
    let script = format!("echo $SMART_AGENTS_TASK_ID >>{}; sleep 0.3", ran.display());
    let (kills, tasks) = (KILLS * scale(), DRAIN_TASKS * scale());
    let ids: Vec<String> = (0..tasks).map(|_| home.submit(&["sh", "-c", &script])).collect();
    for _ in 0..kills {
        std::thread::sleep(Duration::from_millis(700));
        kill_worker(&home);
        // Tasks that end while no worker watches are read from their exit records later.
        std::thread::sleep(Duration::from_millis(200));
        home.run_ok(&["worker", "start"]);
    }
    let mut args = vec!["wait", "--timeout", "60s"];
    args.extend(ids.iter().map(String::as_str));
    let out = home.run(&args);
    assert_eq!(out.status.code(), Some(0), "every task completes: {}", describe(&out));

    let listed = home.list(&["--limit", "100000"]);
    assert_eq!(listed.len(), tasks, "nothing lost, nothing added");
    assert!(listed.iter().all(|t| t["state"] == "completed"), "{listed:?}");
    let counts = line_counts(&ran);
    for id in &ids {
        assert_eq!(counts.get(id), Some(&1), "task {id} ran once: {counts:?}");
    }
    assert_eq!(counts.len(), tasks, "no other runs: {counts:?}");
    assert_no_leftovers(&home);
    assert_eq!(integrity(&home), "ok");
    eprintln!("drain: {kills} kills, {tasks} tasks, 0 lost, 0 run twice, 0 orphans, integrity ok");
}

/// One submit in the background: its marker, and the process.
fn submit_in_background(home: &Home, n: usize) -> (String, std::process::Child) {
    let marker = format!("burst-{n}");
    (marker.clone(), home.spawn(&["execute", "--async", &marker, "--", "true"]))
}

#[test]
fn worker_kill_9_during_a_burst_of_submits_leaves_no_submit_in_doubt() {
    let home = Home::new();
    home.run_ok(&["worker", "start"]);
    let mut submits = Vec::new();
    let (kills, total) = (KILLS * scale(), BURST_SUBMITS * scale());
    for n in 0..total {
        submits.push(submit_in_background(&home, n));
        if n % (total / kills) == total / kills / 2 {
            // A worker may be starting; kill the one that answers.
            if let Some(pid) = home.workers().first() {
                kill9(*pid);
                wait_gone(*pid, LONG);
            }
        }
    }
    let mut printed = Vec::new();
    let mut refused = Vec::new();
    let mut resent = 0;
    for (marker, child) in submits {
        let out = child.wait_with_output().expect("wait for a submit");
        match out.status.code() {
            Some(0) => {
                resent += usize::from(stderr(&out).contains("sending the submit again"));
                printed.push((marker, stdout(&out).trim().to_string()));
            }
            Some(4) => refused.push(marker),
            _ => panic!("submit {marker}: {}", describe(&out)),
        }
    }
    let listed = home.list(&["--limit", "100000"]);
    let count = |marker: &str| listed.iter().filter(|t| t["description"] == marker).count();
    for (marker, id) in &printed {
        assert_eq!(count(marker), 1, "{marker} queued once: {listed:?}");
        let task = listed.iter().find(|t| t["description"] == marker.as_str()).unwrap();
        assert_eq!(&task["id"], id.as_str(), "the printed id is the task's");
    }
    for marker in &refused {
        assert_eq!(count(marker), 0, "{marker} exited 4, so it must not be queued");
    }
    assert_eq!(listed.len(), printed.len(), "nothing else queued");
    let (queued, absent) = (printed.len(), refused.len());
    eprintln!(
        "burst: {kills} kills, {total} submits, {queued} queued once ({resent} after a resend), {absent} exited 4 and absent"
    );
    assert_eq!(integrity(&home), "ok");
}
