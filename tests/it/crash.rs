//! Crash survival: kill -9 of the worker loses nothing, a graceful stop leaves tasks running
//! for the next worker, and a task whose supervisor vanished is marked lost.

use crate::common;

use common::supervisors::supervisor_of;
use common::{Home, LONG, alive, describe, kill9, processes_matching, wait_gone};

/// A command that runs until the file `gate` appears in the home (its working folder).
fn gated(gate: &str, says: &str) -> Vec<String> {
    let script = format!("while [ ! -e {gate} ]; do sleep 0.05; done; echo {says}");
    vec!["sh".into(), "-c".into(), script]
}

fn submit_gated(home: &Home, gate: &str, says: &str) -> String {
    let argv = gated(gate, says);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    home.submit(&argv)
}

fn open_gate(home: &Home, gate: &str) {
    std::fs::write(home.path().join(gate), b"").expect("open the gate");
}

#[test]
fn kill_9_of_the_worker_loses_no_running_or_pending_task() {
    let home = Home::with_config("[limits]\nmax_concurrent_tasks = 2\n");
    let run1 = submit_gated(&home, "gate1", "first");
    let run2 = submit_gated(&home, "gate2", "second");
    home.wait_state(&run1, "running", LONG);
    home.wait_state(&run2, "running", LONG);
    let pending: Vec<String> =
        (3..=5).map(|n| home.submit(&["sh", "-c", &format!("echo task{n}")])).collect();
    for id in &pending {
        assert_eq!(home.state(id), "pending", "the cap holds the others back");
    }

    let old = home.worker_pid();
    kill9(old);
    wait_gone(old, LONG);
    // The worker is gone; the tasks' supervisors are not.
    assert!(alive(supervisor_of(&run1)) && alive(supervisor_of(&run2)));
    // One task ends while no worker is there to see it.
    open_gate(&home, "gate1");
    let sup1 = supervisor_of(&run1);
    wait_gone(sup1, LONG);

    home.run_ok(&["worker", "start"]);
    let new = home.worker_pid();
    assert_ne!(new, old);
    // The other ends under the new worker, which adopted it.
    open_gate(&home, "gate2");

    let mut all = vec![run1.clone(), run2.clone()];
    all.extend(pending.iter().cloned());
    let mut args = vec!["wait"];
    args.extend(all.iter().map(String::as_str));
    args.extend(["--timeout", "20s"]);
    let out = home.run(&args);
    assert_eq!(out.status.code(), Some(0), "all tasks complete after the crash: {}", describe(&out));

    let expect = [(&run1, "first".to_string()), (&run2, "second".to_string())]
        .into_iter()
        .chain(pending.iter().zip((3..=5).map(|n| format!("task{n}"))));
    for (id, says) in expect {
        let result = home.json(&["result", id, "--json"]);
        assert_eq!(result["success"], true, "{id}: {result}");
        assert_eq!(result["output"], format!("{says}\n"), "{id}: {result}");
    }
    assert_eq!(home.list(&[]).len(), 5, "nothing lost, nothing duplicated");
}

#[test]
fn a_task_whose_supervisor_was_also_killed_is_marked_lost() {
    let home = Home::new();
    let marker = common::unique_sleep(304);
    let id = home.submit(&["sleep", &marker]);
    home.wait_state(&id, "running", LONG);
    let supervisor = supervisor_of(&id);

    let worker = home.worker_pid();
    kill9(worker);
    wait_gone(worker, LONG);
    kill9(supervisor);
    wait_gone(supervisor, LONG);

    home.run_ok(&["worker", "start"]);
    // It must not be run a second time while its first command (orphaned) may still run.
    let deadline = std::time::Instant::now() + LONG;
    let view = loop {
        let view = home.status(&id);
        if view["state"] != "running" && view["state"] != "pending" {
            break view;
        }
        let again = processes_matching(&format!("__supervise {id} "));
        assert!(
            again.is_empty(),
            "task {id} was started again (supervisor {again:?}) instead of marked lost: {view}"
        );
        assert!(std::time::Instant::now() < deadline, "task {id} never ended: {view}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(view["state"], "failed", "{view}");
    let reason = view["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with("lost"), "{view}");
    assert!(view["finished_at"].is_string(), "{view}");
    // The worker goes on serving.
    let next = home.submit(&["true"]);
    home.wait_state(&next, "completed", LONG);
}

#[test]
fn graceful_stop_leaves_running_tasks_for_the_next_worker() {
    let home = Home::new();
    let id = submit_gated(&home, "gate", "adopted");
    home.wait_state(&id, "running", LONG);
    let supervisor = supervisor_of(&id);
    let old = home.worker_pid();

    let out = home.run_code(&["worker", "stop"], 0);
    assert!(common::stdout(&out).contains("stopped"), "{}", describe(&out));
    assert!(!alive(old), "the worker is gone");
    assert!(alive(supervisor), "the task was left running");
    assert_eq!(home.state(&id), "running");
    let out = home.run(&["worker", "status"]);
    assert_eq!(out.status.code(), Some(4), "no worker answers: {}", describe(&out));

    home.run_ok(&["worker", "start"]);
    assert_ne!(home.worker_pid(), old);
    assert_eq!(home.state(&id), "running", "adopted, still running");
    open_gate(&home, "gate");
    home.wait_state(&id, "completed", LONG);
    assert_eq!(home.json(&["result", &id, "--json"])["output"], "adopted\n");
}

#[test]
fn graceful_stop_then_finish_while_down_is_recorded_by_the_next_worker() {
    let home = Home::new();
    let id = submit_gated(&home, "gate", "finished-while-down");
    home.wait_state(&id, "running", LONG);
    let supervisor = supervisor_of(&id);
    home.run_ok(&["worker", "stop"]);
    open_gate(&home, "gate");
    wait_gone(supervisor, LONG);
    // Any command that needs the worker starts one, which reads the recorded exit.
    let out = home.run_code(&["wait", &id, "--timeout", "20s"], 0);
    assert!(common::stdout(&out).contains(&id), "{}", describe(&out));
    let result = home.json(&["result", &id, "--json"]);
    assert_eq!(result["output"], "finished-while-down\n", "{result}");
    assert!(result["metrics"]["duration_ms"].as_u64().is_some(), "{result}");
}

/// The worker keeps its SQLite locks for its whole life. Reading the database elsewhere in the
/// worker once opened and closed a plain descriptor of the file, and closing any descriptor
/// drops every POSIX lock the process holds on it: the next `sqlite3` shell that closed then
/// found itself last and deleted the worker's live WAL, so later commits went to an unlinked
/// file, invisible to every client (and lost with the worker).
#[test]
fn another_reader_closing_never_deletes_the_workers_wal() {
    use std::os::unix::fs::MetadataExt;
    let home = Home::new();
    let first = home.submit(&["echo", "one"]);
    home.wait_state(&first, "completed", LONG);
    // The worker still holds its shared lock on the database file (proc(5): /proc/locks).
    let inode = std::fs::metadata(home.database()).expect("database").ino();
    let pid = home.worker_pid();
    let locks = std::fs::read_to_string("/proc/locks").expect("/proc/locks");
    let held = locks.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.get(4) == Some(&pid.to_string().as_str())
            && f.get(5).is_some_and(|d| d.ends_with(&format!(":{inode}")))
    });
    assert!(held, "the worker lost its lock on the database file:\n{locks}");
    // A `sqlite3` shell comes and goes.
    let out = std::process::Command::new("sqlite3")
        .arg(home.database())
        .arg("SELECT count(*) FROM tasks")
        .output()
        .expect("run sqlite3 (Debian package sqlite3)");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1", "{}", describe(&out));
    let mut wal = home.database().into_os_string();
    wal.push("-wal");
    assert!(std::path::Path::new(&wal).exists(), "the worker's WAL was deleted under it");
    // And what the worker writes next is what clients read.
    let second = home.submit(&["echo", "two"]);
    home.wait_state(&second, "completed", LONG);
    assert_eq!(home.list(&[]).len(), 2, "clients read a stale database");
}
