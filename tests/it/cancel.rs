//! cancel: pending at once, running by signal to the whole process group, finished untouched;
//! SIGKILL after the grace period for a command that ignores SIGTERM.

use crate::common;

use common::{
    Home, LONG, assert_no_process, describe, processes_exact, processes_matching, stderr, stdout,
    unique_sleep,
};
use std::time::Duration;

#[test]
fn cancelling_a_pending_task_is_immediate() {
    let home = Home::new();
    home.run_ok(&["pause"]);
    let id = home.submit(&["true"]);
    let out = home.run_code(&["cancel", &id], 0);
    assert!(stdout(&out).contains("cancelled"), "{}", describe(&out));
    let view = home.status(&id);
    assert_eq!(view["state"], "cancelled", "{view}");
    assert!(view["reason"].is_string(), "a cancelled task says why: {view}");
    assert!(view["started_at"].is_null(), "it never started: {view}");
    // Resuming does not bring it back.
    home.run_ok(&["resume"]);
    let next = home.submit(&["true"]);
    home.wait_state(&next, "completed", LONG);
    assert_eq!(home.state(&id), "cancelled");
}

#[test]
fn cancelling_a_running_tree_leaves_no_process_behind() {
    let home = Home::new();
    let marker = unique_sleep(301);
    let script = format!("sleep {marker} & sleep {marker}; wait");
    let id = home.submit(&["sh", "-c", &script]);
    home.wait_state(&id, "running", LONG);
    // Both sleeps have started (the foreground one and the background one).
    let deadline = std::time::Instant::now() + LONG;
    while processes_exact(&format!("sleep {marker}")).len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the task's sleeps never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = home.run_code(&["cancel", &id], 0);
    assert!(stdout(&out).contains("cancelled"), "cancel waits for the end: {}", describe(&out));
    let view = home.status(&id);
    assert_eq!(view["state"], "cancelled", "{view}");
    assert!(view["finished_at"].is_string(), "{view}");
    assert_no_process(&marker, Duration::from_secs(5));
}

#[test]
fn cancelling_a_finished_task_changes_nothing() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", "echo done"]);
    let before = home.wait_state(&id, "completed", LONG);
    let out = home.run(&["cancel", &id]);
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("already completed"), "cancel says the task had finished: {}", describe(&out));
    let after = home.status(&id);
    assert_eq!(before, after, "a finished task is not touched by cancel");
    assert_eq!(home.json(&["result", &id, "--json"])["output"], "done\n");
}

#[test]
fn cancelling_an_unknown_id_exits_3() {
    let home = Home::new();
    let out = home.run_code(&["cancel", "zzzzzz"], 3);
    assert!(stderr(&out).contains("zzzzzz"), "{}", describe(&out));
}

#[test]
fn a_command_ignoring_sigterm_is_sigkilled_after_the_grace_period() {
    let home = Home::with_config("[limits]\nkill_grace_seconds = 2\n");
    let marker = unique_sleep(302);
    let script = format!("trap '' TERM; echo trapped; sleep {marker}");
    let id = home.submit(&["sh", "-c", &script]);
    home.wait_state(&id, "running", LONG);
    // Cancel only once the trap is in place.
    let deadline = std::time::Instant::now() + LONG;
    while processes_exact(&format!("sleep {marker}")).is_empty() {
        assert!(std::time::Instant::now() < deadline, "the task's sleep never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    home.run_code(&["cancel", "--no-wait", &id], 0);
    // SIGTERM alone does nothing to it: still running a moment later.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(home.state(&id), "running", "the shell ignores SIGTERM, so it is still running");
    assert!(!processes_matching(&marker).is_empty());
    let view = home.wait_state(&id, "cancelled", LONG);
    assert!(view["reason"].is_string(), "{view}");
    assert_no_process(&marker, Duration::from_secs(5));
}

#[test]
fn worker_stop_kill_cancels_running_tasks() {
    let home = Home::new();
    let marker = unique_sleep(303);
    let id = home.submit(&["sleep", &marker]);
    home.wait_state(&id, "running", LONG);
    home.run_ok(&["worker", "stop", "--kill"]);
    let view = home.status(&id);
    assert_eq!(view["state"], "cancelled", "{view}");
    assert!(view["reason"].as_str().unwrap_or_default().contains("kill"), "{view}");
    assert_no_process(&marker, Duration::from_secs(5));
}
