//! A task's supervisor killed with `kill -9`: the command it ran must not run on, with or
//! without retries, and must never run twice at once.

use super::support::{supervisor_of, wait_for_text};
use crate::common::{Home, LONG, assert_no_process, kill9, unique_sleep, wait_gone};
use std::time::Duration;

/// `echo start; sleep ~3.3; echo done`, each line appended to `marks` in the task's folder.
fn start_sleep_done(home: &Home, retries: &str) -> (String, std::path::PathBuf, String) {
    let marks = home.path().join("marks");
    let nap = unique_sleep(3);
    let script = format!("echo start >>{m}; sleep {nap}; echo done >>{m}", m = marks.display());
    let id = home.submit_with(&["--retries", retries], &["sh", "-c", &script]);
    wait_for_text(&marks, "start");
    (id, marks, nap)
}

#[test]
fn a_killed_supervisor_without_retries_fails_the_task_and_ends_its_command() {
    let home = Home::with_config("[limits]\nkill_grace_seconds = 1\n");
    let (id, marks, nap) = start_sleep_done(&home, "0");
    let supervisor = supervisor_of(&id);
    kill9(supervisor);
    wait_gone(supervisor, LONG);

    let view = home.wait_state(&id, "failed", LONG);
    let reason = view["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with("lost") && reason.contains("were ended"), "{view}");
    // Failed only once its command was gone.
    assert_no_process(&nap, Duration::from_millis(200));
    // Past the point where the command would have said "done".
    std::thread::sleep(Duration::from_millis(3_600));
    assert_eq!(std::fs::read_to_string(&marks).unwrap(), "start\n", "the command ran on");
}

#[test]
fn a_killed_supervisor_with_retries_runs_the_command_again_but_never_twice_at_once() {
    let home = Home::with_config("[limits]\nkill_grace_seconds = 1\n");
    let (id, marks, nap) = start_sleep_done(&home, "1");
    let supervisor = supervisor_of(&id);
    kill9(supervisor);

    let view = home.wait_state(&id, "completed", Duration::from_secs(30));
    assert_eq!(view["attempt"], 2, "{view}");
    // The first run was ended before the retry began: one "done", after the second "start".
    assert_eq!(std::fs::read_to_string(&marks).unwrap(), "start\nstart\ndone\n");
    assert_no_process(&nap, Duration::from_secs(2));
}
