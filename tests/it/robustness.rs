//! Edge cases found in review: a timeout is retried like any failure, a cancel survives a
//! worker crash, a cancel that arrives while the supervisor is still starting takes effect at
//! once, and a client that never says hello is sent away.

use crate::common;

use common::{Home, LONG, kill9, wait_gone};
use std::io::Read;
use std::time::{Duration, Instant};

#[test]
fn a_timed_out_attempt_is_retried() {
    let home = Home::new();
    let id = home.submit_with(&["--timeout", "1s", "--retries", "1"], &["sleep", "30"]);
    let view = home.wait_state(&id, "failed", Duration::from_secs(30));
    assert_eq!(view["attempt"], 2, "the timeout was retried: {view}");
    assert!(view["reason"].as_str().unwrap_or_default().contains("timeout"), "{view}");
}

#[test]
fn a_cancel_survives_a_crash_of_the_worker() {
    let home = Home::with_config("[limits]\nkill_grace_seconds = 1\n");
    // Takes a while to end on SIGTERM, and would be retried if the cancel were forgotten.
    let script = "trap 'sleep 1; exit 3' TERM; while :; do sleep 0.1; done";
    let id = home.submit_with(&["--retries", "2"], &["sh", "-c", script]);
    home.wait_state(&id, "running", LONG);
    home.run_ok(&["cancel", "--no-wait", &id]);
    let worker = home.worker_pid();
    kill9(worker);
    wait_gone(worker, LONG);
    home.run_ok(&["worker", "start"]);
    let view = home.wait_state(&id, "cancelled", LONG);
    assert_eq!(view["attempt"], 1, "not retried: {view}");
}

#[test]
fn a_cancel_while_the_supervisor_starts_ends_the_task_at_once() {
    let home = Home::with_config("[limits]\nkill_grace_seconds = 30\n");
    // In a git repository the supervisor takes a snapshot before starting the command: a
    // cancel in that window must not wait for the 30 s escalation.
    let repo = home.temp_dir().join("repo");
    std::fs::create_dir_all(&repo).expect("repo dir");
    let git = std::process::Command::new("git").args(["init", "-q"]).current_dir(&repo).status();
    assert!(git.is_ok_and(|s| s.success()), "git init");
    let started = Instant::now();
    let id = home.submit_with(&["--cwd", repo.to_str().unwrap_or_default()], &["sleep", "60"]);
    home.run_ok(&["cancel", &id]);
    let view = home.wait_state(&id, "cancelled", LONG);
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}: {view}", started.elapsed());
}

#[test]
fn a_client_that_never_says_hello_is_sent_away() {
    let home = Home::new();
    home.run_ok(&["worker", "start"]);
    let mut silent = std::os::unix::net::UnixStream::connect(home.socket()).expect("connect");
    silent.set_read_timeout(Some(Duration::from_secs(15))).expect("timeout");
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = silent.read_to_end(&mut answer);
    assert!(started.elapsed() < Duration::from_secs(10), "held for {:?}", started.elapsed());
    assert!(String::from_utf8_lossy(&answer).contains("hello"), "says why: {answer:?}");
    // The worker goes on serving.
    home.run_ok(&["worker", "status"]);
}

/// A task is started while the commit that marks it running is written; if the worker dies in
/// between, the task is pending on disk while its supervisor runs. The next worker must adopt
/// it, not start it a second time.
#[test]
fn a_task_started_before_its_commit_is_adopted_not_run_twice() {
    let home = Home::new();
    home.run_ok(&["pause"]);
    let id = home.submit(&["true"]);
    home.run_ok(&["worker", "stop"]);
    // What the dead worker's spawner had started.
    let exit_file = home.path().join("runs").join(format!("{id}-1.exit"));
    let mut supervisor = std::process::Command::new(common::BIN)
        .args(["__supervise", &id, "1"])
        .arg(&exit_file)
        .args(["--", "sleep", "1"])
        .current_dir(home.path())
        .spawn()
        .expect("start a supervisor");
    home.run_ok(&["worker", "start"]);
    let view = home.wait_state(&id, "completed", LONG);
    assert_eq!(view["attempt"], 1, "{view}");
    let _ = supervisor.wait();
    // Admission is paused, so only adoption can have brought it to an end, and no second
    // supervisor was started.
    assert!(common::processes_matching(&format!("__supervise {id} ")).is_empty());
}
