//! The whole loop: execute (async and sync), status, result, list, wait, ids and prefixes.

use crate::common;

use common::{Home, LONG, describe, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;

const VIEW_FIELDS: [&str; 19] = [
    "id",
    "description",
    "agent",
    "state",
    "waiting_reason",
    "reason",
    "progress",
    "step",
    "eta_seconds",
    "priority",
    "class",
    "attempt",
    "created_at",
    "started_at",
    "finished_at",
    "exit_code",
    "executor",
    "external_id",
    "footprint",
];

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().cloned().collect()
}

fn assert_rfc3339(v: &Value, field: &str) {
    let text = v[field].as_str().unwrap_or_else(|| panic!("{field} is not a string: {v}"));
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{field} {text:?} is not RFC 3339: {e}"));
}

#[test]
fn async_execute_prints_only_the_id_and_the_task_completes() {
    let home = Home::new();
    let out = home.run_code(&["execute", "--async", "--", "sh", "-c", "echo hi"], 0);
    let text = stdout(&out);
    let id = text.trim();
    assert_eq!(text, format!("{id}\n"), "stdout must hold the id alone");
    assert!(id.len() >= 3 && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{id:?}");

    let view = home.wait_state(id, "completed", LONG);
    assert_eq!(view["id"], id);
    assert_eq!(view["exit_code"], 0);
    assert_eq!(view["agent"], "shell");
    assert_eq!(view["priority"], 5);
    assert_eq!(view["attempt"], 1);
    assert_eq!(view["description"], "sh -c 'echo hi'");

    let result = home.json(&["result", id, "--json"]);
    assert_eq!(result["success"], true);
    assert_eq!(result["exit_code"], 0);
    assert_eq!(result["output"], "hi\n");
    assert!(home.run_ok(&["result", id]).contains("hi"));
}

#[test]
fn async_json_prints_an_id_object() {
    let home = Home::new();
    let v = home.json(&["execute", "--async", "--json", "--", "true"]);
    assert_eq!(keys(&v), BTreeSet::from(["id".to_string()]), "{v}");
    let id = v["id"].as_str().expect("id string");
    home.wait_state(id, "completed", LONG);
}

#[test]
fn status_json_has_exactly_the_documented_fields() {
    let home = Home::new();
    let id = home.submit_with(&["--priority", "7", "--class", "build"], &["sh", "-c", "echo out; exit 4"]);
    let view = home.wait_state(&id, "failed", LONG);
    // An attempt that ran also tells what it used.
    let want: BTreeSet<String> = VIEW_FIELDS.iter().chain(&["peak"]).map(|s| s.to_string()).collect();
    assert_eq!(keys(&view), want, "{view}");
    for field in ["created_at", "started_at", "finished_at"] {
        assert_rfc3339(&view, field);
    }
    assert_eq!(view["exit_code"], 4);
    assert_eq!(view["priority"], 7);
    assert_eq!(view["class"], "build");
    assert_eq!(view["state"], "failed");
    assert!(view["reason"].as_str().unwrap_or_default().contains('4'), "{view}");
    // Unknown values are null, not absent or empty.
    for field in ["waiting_reason", "progress", "step", "eta_seconds"] {
        assert!(view[field].is_null(), "{field} should be null: {view}");
    }

    // `result` exits by verdict (1: failed), not with the task's own 4 ("worker
    // unavailable"); the task's code is in the JSON.
    let out = home.run_code(&["result", &id, "--json"], 1);
    let result: Value = serde_json::from_slice(&out.stdout).expect("result JSON");
    assert_eq!(result["success"], false);
    assert_eq!(result["exit_code"], 4);
    assert_eq!(result["output"], "out\n");
    let metrics = &result["metrics"];
    assert!(metrics["duration_ms"].is_u64(), "{result}");
    for key in ["tokens_used", "cost_usd", "agents_involved"] {
        assert!(metrics.get(key).is_some(), "metrics.{key} missing: {result}");
    }
    assert_eq!(result["artifacts"]["files"], Value::Array(vec![]));
    assert_eq!(result["artifacts"]["changes"], 0);
}

#[test]
fn pending_task_has_null_times_and_a_waiting_reason() {
    let home = Home::new();
    home.run_ok(&["pause"]);
    let id = home.submit(&["true"]);
    let view = home.status(&id);
    let want: BTreeSet<String> = VIEW_FIELDS.iter().map(|s| s.to_string()).collect();
    assert_eq!(keys(&view), want, "{view}");
    assert_eq!(view["state"], "pending");
    assert_rfc3339(&view, "created_at");
    for field in ["started_at", "finished_at", "exit_code", "reason", "class"] {
        assert!(view[field].is_null(), "{field} should be null while pending: {view}");
    }
}

#[test]
fn sync_execute_exits_with_the_task_code_and_prints_output() {
    let home = Home::new();
    let out = home.run_code(&["execute", "--", "sh", "-c", "echo visible-output; exit 3"], 3);
    assert!(stdout(&out).contains("visible-output"), "{}", describe(&out));

    let out = home.run_code(&["execute", "--", "true"], 0);
    assert!(stderr(&out).contains("completed"), "{}", describe(&out));

    let out = home.run_code(&["execute", "--json", "--", "sh", "-c", "echo j"], 0);
    let v: Value = serde_json::from_slice(&out.stdout).expect("result JSON");
    assert_eq!(v["success"], true);
    assert_eq!(v["output"], "j\n");
}

#[test]
fn list_orders_running_then_pending_then_finished_newest_first() {
    let home = Home::with_config("[limits]\nmax_concurrent_tasks = 1\n");
    let done1 = home.submit(&["true"]);
    home.wait_state(&done1, "completed", LONG);
    let failed = home.submit(&["false"]);
    home.wait_state(&failed, "failed", LONG);
    let marker = common::unique_sleep(300);
    let running = home.submit(&["sleep", &marker]);
    home.wait_state(&running, "running", LONG);
    let pending1 = home.submit(&["true"]);
    let pending2 = home.submit(&["true"]);

    let ids: Vec<String> = home.list(&[]).iter().map(|v| v["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, vec![running.clone(), pending2.clone(), pending1.clone(), failed.clone(), done1.clone()]);
    for v in home.list(&[]) {
        // Finished tasks also tell what their attempt used.
        let ran = v["finished_at"].is_string();
        let extra: &[&str] = if ran { &["peak"] } else { &[] };
        let want: BTreeSet<String> = VIEW_FIELDS.iter().chain(extra).map(|s| s.to_string()).collect();
        assert_eq!(keys(&v), want, "{v}");
    }
    let pending = home.status(&pending1);
    assert!(pending["waiting_reason"].is_string(), "a pending task says why it waits: {pending}");

    let only_failed = home.list(&["--state", "failed"]);
    assert_eq!(only_failed.len(), 1);
    assert_eq!(only_failed[0]["id"], failed.as_str());

    let two = home.list(&["--state", "completed", "--state", "failed"]);
    assert_eq!(two.len(), 2, "{two:?}");

    let limited = home.list(&["--limit", "2"]);
    let limited: Vec<&str> = limited.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(limited, vec![running.as_str(), pending2.as_str()]);

    let text = home.run_ok(&["list"]);
    for id in [&running, &pending1, &failed, &done1] {
        assert!(text.contains(id.as_str()), "human list misses {id}: {text}");
    }

    let summary = home.json(&["status", "--json"]);
    let counts = &summary["counts"];
    assert_eq!(counts["running"], 1, "{summary}");
    assert_eq!(counts["pending"], 2, "{summary}");
    assert_eq!(counts["completed"], 1, "{summary}");
    assert_eq!(counts["failed"], 1, "{summary}");
    assert_eq!(counts["cancelled"], 0, "{summary}");
    assert_eq!(summary["running"][0]["id"], running.as_str(), "{summary}");

    home.run_ok(&["cancel", &running, &pending1, &pending2]);
}

#[test]
fn unique_prefixes_are_accepted_everywhere() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", "echo prefixed"]);
    let prefix = &id[..4];
    home.run_ok(&["wait", prefix, "--timeout", "20s"]);
    assert_eq!(home.status(prefix)["id"], id.as_str());
    assert_eq!(home.json(&["result", prefix, "--json"])["output"], "prefixed\n");
    assert!(home.run_ok(&["logs", prefix]).contains("prefixed"));
    let upper = id.to_uppercase();
    assert_eq!(home.status(&upper)["id"], id.as_str(), "ids are case-insensitive");
}

#[test]
fn result_of_an_unfinished_task_fails_at_once_unless_waiting() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", "sleep 1; echo waited-for"]);
    let out = home.run_code(&["result", &id], 5);
    assert!(stderr(&out).contains(&id), "{}", describe(&out));
    assert!(stderr(&out).contains("--wait"), "the message says how to wait: {}", describe(&out));
    assert!(out.stdout.is_empty(), "{}", describe(&out));

    let out = home.run_code(&["result", &id, "--wait", "--json"], 0);
    let v: Value = serde_json::from_slice(&out.stdout).expect("result JSON");
    assert_eq!(v["output"], "waited-for\n");
    assert_eq!(v["success"], true);
}

#[test]
fn wait_exits_zero_only_if_all_completed() {
    let home = Home::new();
    let ok1 = home.submit(&["true"]);
    let ok2 = home.submit(&["sh", "-c", "exit 0"]);
    let bad = home.submit(&["sh", "-c", "exit 9"]);
    home.run_code(&["wait", &ok1, &ok2, "--timeout", "20s"], 0);
    let out = home.run(&["wait", &ok1, &bad, "--timeout", "20s"]);
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    assert_ne!(out.status.code(), Some(5), "a finished failure is not a timeout: {}", describe(&out));
    assert_eq!(home.state(&bad), "failed");
}

#[test]
fn wait_timeout_on_a_long_task_exits_5() {
    let home = Home::new();
    let marker = common::unique_sleep(300);
    let id = home.submit(&["sleep", &marker]);
    let out = home.run_code(&["wait", &id, "--timeout", "1s"], 5);
    assert!(stderr(&out).contains(&id), "the message names the task: {}", describe(&out));
    assert_eq!(home.state(&id), "running", "waiting does not change the task");
}

#[test]
fn timeout_fails_the_task_with_a_timeout_reason() {
    let home = Home::new();
    let marker = common::unique_sleep(5);
    let id = home.submit_with(&["--timeout", "1s"], &["sleep", &marker]);
    let view = home.wait_state(&id, "failed", LONG);
    let reason = view["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("timeout"), "{view}");
    common::assert_no_process(&marker, std::time::Duration::from_secs(5));
}

#[test]
fn pause_keeps_new_tasks_pending_and_resume_runs_them() {
    let home = Home::new();
    home.run_ok(&["pause"]);
    let id = home.submit(&["sh", "-c", "echo resumed"]);
    let out = home.run_code(&["wait", &id, "--timeout", "1s"], 5);
    assert!(!out.status.success());
    let view = home.status(&id);
    assert_eq!(view["state"], "pending", "{view}");
    assert_eq!(view["waiting_reason"], "paused", "{view}");
    assert_eq!(home.worker_status()["paused"], true);

    home.run_ok(&["resume"]);
    home.wait_state(&id, "completed", LONG);
    assert_eq!(home.json(&["result", &id, "--json"])["output"], "resumed\n");
}

#[test]
fn worker_status_json_has_the_documented_fields() {
    let home = Home::new();
    home.run_ok(&["worker", "start"]);
    let v = home.worker_status();
    for key in ["pid", "version", "uptime_seconds", "socket", "database", "running", "pending"] {
        assert!(v.get(key).is_some(), "worker status lacks {key}: {v}");
    }
    assert_eq!(v["socket"], home.socket().to_string_lossy().as_ref());
    assert_eq!(v["database"], home.database().to_string_lossy().as_ref());
    assert!(common::alive(v["pid"].as_i64().unwrap() as i32));
}

#[test]
fn wait_on_many_tasks_keeps_no_thread_per_task_and_ends_with_them() {
    let home = Home::new();
    home.run_ok(&["pause"]);
    let ids: Vec<String> = (0..40).map(|_| home.submit(&["true"])).collect();
    let mut args = vec!["wait", "--timeout", "60s"];
    args.extend(ids.iter().map(String::as_str));
    let waiter = home.spawn(&args);
    // Once it has its snapshot of the 40 pending tasks, count its threads: a hidden progress
    // bar per task used to keep a ticking thread each.
    let status = format!("/proc/{}/status", waiter.id());
    let threads = || {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        text.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|n| n.trim().parse::<u32>().ok())
    };
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let seen = threads().expect("wait is still running while the queue is paused");
    assert!(seen <= 4, "wait on 40 tasks runs {seen} threads");
    home.run_ok(&["resume"]);
    let out = waiter.wait_with_output().expect("wait ends");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 40, "one line per task");
}
