//! The task graph and time, end to end: dependencies (success and failure), `--delay` and
//! `--at`, timeouts and retries with backoff.

use super::support::{home, ms, now_ms, reason, wait_reason};
use crate::common::{LONG, assert_no_process, stderr, unique_sleep};
use chrono::{Local, TimeZone};
use std::time::{Duration, Instant};

#[test]
fn a_dependent_starts_only_after_its_dependency_completed() {
    let home = home("max_concurrent_tasks = 5", "");
    let first = home.submit(&["sleep", "1"]);
    let second = home.submit_with(&["--after", &first], &["true"]);
    let view = wait_reason(&home, &second, LONG, |r| !r.is_empty());
    assert_eq!(reason(&view), format!("dependencies: waiting for {first}"), "{view}");
    let b = home.wait_state(&second, "completed", LONG);
    let a = home.status(&first);
    assert_eq!(a["state"], "completed", "{a}");
    assert!(ms(&b, "started_at") >= ms(&a, "finished_at"), "started before its dependency ended: {a} {b}");

    // All of several dependencies, given by unique prefix too.
    let x = home.submit(&["sleep", "0.5"]);
    let y = home.submit(&["sleep", "1"]);
    let z = home.submit_with(&["--after", &x, "--after", &y[..5]], &["true"]);
    let c = home.wait_state(&z, "completed", LONG);
    for dep in [&x, &y] {
        let d = home.status(dep);
        assert!(ms(&c, "started_at") >= ms(&d, "finished_at"), "{d} {c}");
    }
}

#[test]
fn a_failed_or_cancelled_dependency_fails_its_dependents_by_name() {
    let home = home("max_concurrent_tasks = 5", "");
    let failing = home.submit(&["sh", "-c", "sleep 0.5; exit 3"]);
    let dependent = home.submit_with(&["--after", &failing], &["true"]);
    let next = home.submit_with(&["--after", &dependent], &["true"]);
    let view = home.wait_state(&dependent, "failed", LONG);
    assert_eq!(view["reason"], format!("dependency {failing} failed"), "{view}");
    assert!(view["started_at"].is_null(), "a dependent of a failed task never runs: {view}");
    let view = home.wait_state(&next, "failed", LONG);
    assert_eq!(view["reason"], format!("dependency {dependent} failed"), "the failure propagates: {view}");

    home.run_ok(&["pause"]);
    let cancelled = home.submit(&["true"]);
    let dependent = home.submit_with(&["--after", &cancelled], &["true"]);
    home.run_ok(&["cancel", &cancelled]);
    home.run_ok(&["resume"]);
    let view = home.wait_state(&dependent, "failed", LONG);
    let why = view["reason"].as_str().unwrap_or_default();
    assert!(why.starts_with(&format!("dependency {cancelled} ")), "names the cancelled dependency: {view}");
}

#[test]
fn an_unknown_dependency_is_refused_at_submit() {
    let home = home("max_concurrent_tasks = 5", "");
    home.run_ok(&["worker", "start"]);
    let out = home.run(&["execute", "--async", "--after", "zzzzzz", "--", "true"]);
    let code = out.status.code();
    assert!(matches!(code, Some(2 | 3)), "exit {code:?}: {}", stderr(&out));
    assert!(stderr(&out).contains("zzzzzz"), "the message names the id: {}", stderr(&out));
    assert!(home.list(&[]).is_empty(), "nothing was queued");
}

#[test]
fn a_delayed_task_waits_and_says_when_it_starts() {
    let home = home("max_concurrent_tasks = 5", "");
    home.run_ok(&["worker", "start"]);
    let before = now_ms();
    let id = home.submit_with(&["--delay", "2s"], &["true"]);
    let view = wait_reason(&home, &id, LONG, |r| !r.is_empty());
    let after = now_ms();
    // The start time in local HH:MM: either end of the window in which the CLI read the clock.
    let expected: Vec<String> = [before + 2_000, after + 2_000]
        .iter()
        .map(|&at| format!("scheduled: starts {}", hh_mm(at)))
        .collect();
    assert!(expected.contains(&reason(&view)), "{view} (expected one of {expected:?})");
    let view = home.wait_state(&id, "completed", LONG);
    assert!(
        ms(&view, "started_at") >= before + 2_000,
        "started before its delay: {view} (submitted {before})"
    );

    // `--at HH:MM` two minutes ahead: today's, or tomorrow's (with its date) just before midnight.
    let at_ms = now_ms() + 120_000;
    let at = Local.timestamp_millis_opt(at_ms).unwrap();
    let hhmm = at.format("%H:%M").to_string();
    let id = home.submit_with(&["--at", &hhmm], &["true"]);
    let view = wait_reason(&home, &id, LONG, |r| !r.is_empty());
    let want = if at.date_naive() == Local::now().date_naive() {
        format!("scheduled: starts {hhmm}")
    } else {
        format!("scheduled: starts {}", at.format("%Y-%m-%d %H:%M"))
    };
    assert_eq!(reason(&view), want, "{view}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(home.state(&id), "pending");
    home.run_ok(&["cancel", &id]);
}

fn hh_mm(at_ms: i64) -> String {
    Local.timestamp_millis_opt(at_ms).unwrap().format("%H:%M").to_string()
}

#[test]
fn a_timeout_fails_the_task_and_leaves_no_process() {
    let home = home("max_concurrent_tasks = 5\nkill_grace_seconds = 1", "");
    let plain = unique_sleep(30);
    let id = home.submit_with(&["--timeout", "1s"], &["sleep", &plain]);
    let view = home.wait_state(&id, "failed", LONG);
    let why = view["reason"].as_str().unwrap_or_default();
    assert!(why.contains("timeout") || why.contains("timed out"), "reason says timeout: {view}");
    let ran = ms(&view, "finished_at") - ms(&view, "started_at");
    assert!((900..5_000).contains(&ran), "ran {ran} ms under a 1 s timeout: {view}");
    assert_no_process(&plain, Duration::from_secs(5));

    // One that ignores SIGTERM gets SIGKILL after the grace period.
    let stubborn = unique_sleep(30);
    let script = format!("trap '' TERM; sleep {stubborn}");
    let id = home.submit_with(&["--timeout", "1s"], &["sh", "-c", &script]);
    let view = home.wait_state(&id, "failed", LONG);
    assert!(view["reason"].as_str().unwrap_or_default().contains("time"), "{view}");
    assert_no_process(&stubborn, Duration::from_secs(5));
}

#[test]
fn retries_back_off_then_give_up_at_the_last_attempt() {
    let home = home("max_concurrent_tasks = 5", "");
    let started = Instant::now();
    let id = home.submit_with(&["--retries", "2"], &["sh", "-c", "exit 1"]);
    let view = wait_reason(&home, &id, LONG, |r| r.starts_with("backoff: retry 2 in "));
    assert_eq!(view["attempt"], 2, "{view}");
    let secs = reason(&view)["backoff: retry 2 in ".len()..].to_string();
    assert!(["1s", "2s", "3s"].contains(&secs.as_str()), "about 2 s of backoff: {view}");
    let view = wait_reason(&home, &id, LONG, |r| r.starts_with("backoff: retry 3 in "));
    assert_eq!(view["attempt"], 3, "{view}");
    let view = home.wait_state(&id, "failed", LONG);
    let took = started.elapsed();
    assert_eq!(view["attempt"], 3, "{view}");
    assert!(took >= Duration::from_millis(5_400), "2 s + 4 s of backoff (±10%) took only {took:?}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn a_retry_after_one_failure_completes_at_attempt_two() {
    let home = home("max_concurrent_tasks = 5", "");
    let marker = home.temp_dir().join("failed-once");
    let script = format!("if [ -e '{0}' ]; then exit 0; else touch '{0}'; exit 1; fi", marker.display());
    let id = home.submit_with(&["--retries", "3"], &["sh", "-c", &script]);
    let view = home.wait_state(&id, "completed", LONG);
    assert_eq!(view["attempt"], 2, "{view}");
}

#[test]
fn retry_runs_a_failed_task_again_and_refuses_a_completed_one() {
    let home = home("max_concurrent_tasks = 5", "");
    let marker = home.temp_dir().join("failed-once");
    let script = format!("if [ -e '{0}' ]; then exit 0; else touch '{0}'; exit 1; fi", marker.display());
    let id = home.submit(&["sh", "-c", &script]);
    let view = home.wait_state(&id, "failed", LONG);
    assert_eq!(view["attempt"], 1, "{view}");
    home.run_ok(&["retry", &id]);
    let view = home.wait_state(&id, "completed", LONG);
    assert_eq!(view["attempt"], 2, "a retry is a new attempt: {view}");
    let out = home.run(&["retry", &id]);
    assert_eq!(out.status.code(), Some(2), "retrying a completed task is refused: {}", stderr(&out));
    assert!(stderr(&out).contains("completed"), "{}", stderr(&out));
    assert_eq!(home.status(&id)["attempt"], 2);
}
