//! The supervisor zygote (src/worker/zygote.rs): one small process per worker forks the task
//! supervisors; it goes with the worker, the supervisors stay; a zygote that dies is replaced;
//! without it (`SMART_AGENTS_ZYGOTE=0`) supervisors are exec'd by the worker as before.

use crate::common;

use common::supervisors::supervisor_of;
use common::{Home, LONG, alive, kill9, parent, unique_sleep, wait_gone};

fn cmdline(pid: i32) -> String {
    common::cmdline(pid).unwrap_or_default()
}

/// Start a sleeping task and return (its id, its supervisor).
fn sleeper(home: &Home) -> (String, i32) {
    let id = home.submit(&["sleep", &unique_sleep(30)]);
    home.wait_state(&id, "running", LONG);
    (id.clone(), supervisor_of(&id))
}

#[test]
fn supervisors_are_forked_by_one_zygote_that_ends_with_the_worker() {
    let home = Home::with_config("[limits]\nmax_concurrent_tasks = 4\n");
    let (first, one) = sleeper(&home);
    let (_, two) = sleeper(&home);
    let zygote = parent(one);
    assert_eq!(parent(two), zygote, "one zygote forks every supervisor");
    assert!(cmdline(zygote).starts_with("smart-agents __supervise --serve"), "{}", cmdline(zygote));
    assert_eq!(parent(zygote), home.worker_pid(), "the zygote is the worker's child");
    // Each supervisor shows its own task, as an exec'd one did (adoption finds them so).
    assert!(cmdline(one).starts_with(&format!("smart-agents __supervise {first} 1 ")), "{}", cmdline(one));
    // Tasks keep their own process group, not the zygote's.
    assert_eq!(
        std::fs::read_to_string(format!("/proc/{one}/stat")).unwrap().split(' ').nth(4),
        Some(&*one.to_string())
    );

    home.run_ok(&["worker", "stop"]);
    wait_gone(zygote, LONG);
    assert!(alive(one) && alive(two), "the tasks outlive the worker and its zygote");
    home.run_ok(&["cancel", &first]);
    assert_eq!(home.wait_state(&first, "cancelled", LONG)["state"], "cancelled");
}

#[test]
fn a_zygote_that_dies_is_replaced_and_no_start_is_lost() {
    let home = Home::new();
    let (_, one) = sleeper(&home);
    let zygote = parent(one);
    kill9(zygote);
    wait_gone(zygote, LONG);
    // The supervisor it forked runs on; the next start brings a new zygote.
    assert!(alive(one));
    let id = home.submit(&["sh", "-c", "echo after"]);
    home.wait_state(&id, "completed", LONG);
    let (_, two) = sleeper(&home);
    let again = parent(two);
    assert_ne!(again, zygote);
    assert!(cmdline(again).starts_with("smart-agents __supervise --serve"), "{}", cmdline(again));
    assert!(home.run_ok(&["logs", &id]).contains("after"));
}

#[test]
fn without_the_zygote_the_worker_execs_each_supervisor() {
    let home = Home::new();
    home.cmd(&["worker", "start"]).env("SMART_AGENTS_ZYGOTE", "0").assert().success();
    let (id, one) = sleeper(&home);
    assert_eq!(parent(one), home.worker_pid(), "an exec'd supervisor is the worker's child");
    assert!(cmdline(one).starts_with(&format!("smart-agents __supervise {id} 1 ")), "{}", cmdline(one));
    let zygotes: Vec<i32> =
        home.processes().into_iter().filter(|p| cmdline(*p).contains("__supervise --serve")).collect();
    assert!(zygotes.is_empty(), "no zygote: {zygotes:?}");
}

#[test]
fn the_exit_record_carries_the_supervisors_own_cpu_for_the_cpu_gate_to_leave_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exit = dir.path().join("runs/x/1.exit");
    let status = std::process::Command::new(common::BIN)
        .args(["__supervise", "x", "1"])
        .arg(&exit)
        .args(["--", "true"])
        .status()
        .expect("supervisor");
    assert!(status.success());
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exit).expect("exit record")).expect("json");
    assert_eq!(record["code"], 0);
    let own = record["supervisor_cpu_seconds"].as_f64().expect("supervisor_cpu_seconds");
    assert!(own > 0.0 && own < 5.0, "{record}");
}
