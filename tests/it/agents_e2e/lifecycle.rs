//! Agent tasks across the worker's life: a worker killed mid-stream is replaced and re-reads
//! the stream; a circuit half opens after its rest and a successful trial closes it; cancels
//! and timeouts are not the agent's failures.

use super::common::{LONG, describe, kill9, wait_gone};
use super::{agent_path, ended, home_with, poll_status, submit};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

fn circuit_of(home: &super::common::Home, name: &str) -> String {
    let out = home.cmd(&["agents", "show", name, "--json"]).env("PATH", agent_path()).output().unwrap();
    assert!(out.status.success(), "agents show {name}: {}", describe(&out));
    let agent: Value = serde_json::from_slice(&out.stdout).expect("agents show --json");
    agent["circuit"].as_str().expect("circuit").to_string()
}

/// Until no process holds the worker's lock, so a dead worker's last threads are gone.
fn wait_lock_free(home: &Path) {
    use std::os::fd::AsRawFd;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let file = std::fs::File::open(home.join("worker.lock")).expect("open worker.lock");
        // SAFETY: flock on a descriptor we own; closing it releases the lock again.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "the killed worker still holds its lock");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_worker_killed_mid_stream_is_replaced_and_the_result_is_whole() {
    let home = home_with("");
    let id = submit(&home, &["Analyze auth", "--agent", "claude"], &[("STANDIN_DELAY", "0.4")]);
    poll_status(&home, &id, "the first step", |v| v["step"] == "Mapping auth entry points");
    let old = home.worker_pid();
    kill9(old);
    wait_gone(old, LONG);
    // Its leader shows as a zombie while other threads still hold the lock and the socket.
    wait_lock_free(home.path());
    home.run_ok(&["worker", "start"]);
    let r = ended(&home, &id, "completed");
    assert_eq!(r["output"], "Auth uses JWT in src/auth/mod.rs; refresh tokens are not rotated.", "{r}");
    assert_eq!(r["metrics"]["tokens_used"], 18 + 5120 + 40960 + 1432, "{r}");
    assert_eq!(r["metrics"]["cost_usd"], 0.0841, "{r}");
    assert_eq!(home.status(&id)["step"], "Writing findings");
    // The session survived too: the follow-up resumes it.
    let out = home.cmd(&["resume", &id, "more", "--async"]).env("PATH", agent_path()).output().unwrap();
    assert!(out.status.success(), "resume after adoption: {}", describe(&out));
}

#[test]
fn an_open_circuit_half_opens_and_a_good_trial_closes_it() {
    let home = home_with("[circuit]\nfailures = 1\nopen_seconds = 2\n");
    let failed = submit(&home, &["fail", "--agent", "codex"], &[("STANDIN_EXIT", "1")]);
    ended(&home, &failed, "failed");
    assert_eq!(circuit_of(&home, "codex"), "open");
    let pinned = submit(&home, &["trial", "--agent", "codex"], &[]);
    let view = poll_status(&home, &pinned, "a waiting reason", |v| !v["waiting_reason"].is_null());
    let why = view["waiting_reason"].as_str().unwrap();
    assert!(why.starts_with("agent codex unavailable until "), "{why}");
    // Without another submit or poke, the worker wakes when the circuit half opens.
    let r = ended(&home, &pinned, "completed");
    assert_eq!(r["output"], "Auth lives in src/auth/mod.rs; wrote docs/AUTH.md.", "{r}");
    assert_eq!(circuit_of(&home, "codex"), "closed");
}

#[test]
fn cancels_and_timeouts_do_not_open_the_circuit() {
    let home = home_with("[circuit]\nfailures = 1\nopen_seconds = 60\n");
    let slow = [("STANDIN_DELAY", "1")];
    let cancelled = submit(&home, &["slow", "--agent", "claude"], &slow);
    poll_status(&home, &cancelled, "running", |v| v["state"] == "running");
    home.run_ok(&["cancel", &cancelled]);
    ended(&home, &cancelled, "cancelled");
    assert_eq!(circuit_of(&home, "claude"), "closed");

    let timed_out = submit(&home, &["slow", "--agent", "claude", "--timeout", "1s"], &slow);
    let r = ended(&home, &timed_out, "failed");
    assert!(r["reason"].as_str().unwrap_or_default().contains("timeout"), "{r}");
    assert_eq!(circuit_of(&home, "claude"), "closed");

    // The agent's own failure does open it.
    let failed = submit(&home, &["fail", "--agent", "claude"], &[("STANDIN_EXIT", "1")]);
    ended(&home, &failed, "failed");
    assert_eq!(circuit_of(&home, "claude"), "open");
}
