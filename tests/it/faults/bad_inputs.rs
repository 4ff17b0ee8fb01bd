//! Bad input of every kind: each gets its message and exit code, and leaves what was queued
//! exactly as it was. Also the homes and folders a user can break by hand.

use crate::common::{BIN, Home, LONG, describe, stderr, stdout};
use serde_json::Value;

/// A home with queued (paused) tasks, and the list to compare against after each input.
fn home_with_queue(config: &str) -> (Home, Vec<Value>) {
    let home = Home::with_config(config);
    home.run_ok(&["pause"]);
    home.submit(&["echo", "queued-before"]);
    home.submit_with(&["--priority", "9"], &["echo", "second"]);
    let before = home.list(&[]);
    (home, before)
}

/// Exit `code`, every word of `names` in the message, nothing on stdout, the queue unchanged.
fn refused(home: &Home, before: &[Value], args: &[&str], code: i32, names: &[&str]) {
    let out = home.run(args);
    let shown: Vec<&str> = args.iter().map(|a| if a.len() > 40 { "<long>" } else { a }).collect();
    assert_eq!(out.status.code(), Some(code), "{shown:?}: {}", describe(&out));
    let err = stderr(&out);
    for word in names {
        assert!(err.contains(word), "{shown:?} should name {word:?}: {err}");
    }
    assert!(out.stdout.is_empty(), "{shown:?} printed as if it worked: {}", stdout(&out));
    assert_eq!(home.list(&[]), before, "{shown:?} changed the queue");
}

/// Every bad input in the table below, counted for the README's figures.
pub const TABLE_INPUTS: usize = 22;

#[test]
fn a_table_of_bad_inputs_each_with_its_message_and_exit_code() {
    let echoer = "[agents.echoer]\nbackend = \"command\"\ncommand = [\"echo\", \"prompt: {prompt}\"]\n";
    let (home, before) = home_with_queue(echoer);
    let queued = before[0]["id"].as_str().unwrap().to_string();
    let huge = "p".repeat(131_070);
    let e = |rest: &[&str]| -> Vec<String> {
        ["execute", "--async"].iter().chain(rest).map(|s| s.to_string()).collect()
    };
    let table: Vec<(Vec<String>, i32, &[&str])> = vec![
        (vec!["status".into(), "".into()], 2, &["too short"]),
        (vec!["status".into(), "ab".into()], 2, &["too short"]),
        (vec!["status".into(), "zzzzzz".into()], 3, &["zzzzzz"]),
        (vec!["result".into(), "no/such!".into()], 3, &["no/such!"]),
        (vec!["cancel".into(), "zzzzzz".into()], 3, &["zzzzzz"]),
        (vec!["wait".into(), queued.clone(), "--timeout".into(), "soon".into()], 2, &["soon"]),
        (vec!["priority".into(), queued.clone(), "11".into()], 2, &["11"]),
        (e(&["--timeout", "99999999999999999999s", "--", "true"]), 2, &["too large"]),
        (e(&["--delay", "99999d", "--", "true"]), 2, &["too large"]),
        (e(&["--timeout", "10x", "--", "true"]), 2, &["10x", "duration"]),
        (e(&["--at", "2020-01-01T00:00:00Z", "--", "true"]), 2, &["in the past"]),
        (e(&["--at", "25:99", "--", "true"]), 2, &["25:99"]),
        (e(&["--priority", "0", "--", "true"]), 2, &["priority"]),
        (e(&["--mem", "lots", "--", "true"]), 2, &["lots"]),
        (e(&["--notify", "loud", "--", "true"]), 2, &["loud"]),
        (e(&["--class", "a b", "--", "true"]), 2, &["class"]),
        (e(&["--cwd", "/nonexistent/x", "--", "true"]), 2, &["/nonexistent/x"]),
        (e(&["--after", "zzzzzz", "--", "true"]), 3, &["zzzzzz"]),
        (e(&[]), 2, &["nothing to run"]),
        (e(&["   "]), 2, &["nothing to run"]),
        (e(&["--agent", "nosuchagent", "hello"]), 2, &["nosuchagent"]),
        (e(&["--agent", "echoer", &huge]), 2, &["128 KiB"]),
    ];
    assert_eq!(table.len(), TABLE_INPUTS);
    for (args, code, names) in &table {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&home, &before, &args, *code, names);
    }
}

#[test]
fn an_invalid_config_is_a_usage_error_with_its_line_before_any_worker_starts() {
    let (home, before) = home_with_queue("");
    home.run_ok(&["worker", "stop"]);
    home.write_config("[limits]\n\ncpu_threshold = 140\n");
    for args in [&["execute", "--async", "--", "true"][..], &["worker", "start"]] {
        let out = home.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", describe(&out));
        assert!(stderr(&out).contains("config.toml:3"), "{args:?}: {}", describe(&out));
    }
    home.write_config(crate::common::UNGATED);
    assert_eq!(home.list(&[]), before);
}

#[test]
fn a_database_replaced_by_a_folder_is_named_as_such() {
    let home = Home::new();
    std::fs::create_dir(home.database()).unwrap();
    let out = home.run(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(stderr(&out).contains("is a folder"), "{}", describe(&out));
}

#[test]
fn another_users_home_is_an_error_not_an_empty_list() {
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("skipped: another user can only be played as root (setpriv to nobody)");
        return;
    }
    let home = Home::new();
    let id = home.submit(&["echo", "secret"]);
    home.wait_state(&id, "completed", LONG);
    let private = |m| std::fs::set_permissions(home.path(), std::os::unix::fs::PermissionsExt::from_mode(m));
    // Someone else's home as it usually is (0700), and one whose folder is open but files are not.
    for mode in [0o700, 0o755] {
        private(mode).unwrap();
        as_nobody_is_refused(&home, &id);
    }
}

fn as_nobody_is_refused(home: &Home, id: &str) {
    for args in [&["list", "--json"][..], &["status", id, "--json"], &["result", id]] {
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", BIN])
            .args(args)
            .env("SMART_AGENTS_HOME", home.path())
            .current_dir("/")
            .output()
            .expect("run setpriv");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", describe(&out));
        assert!(stderr(&out).contains("permission denied"), "{args:?}: {}", describe(&out));
        assert!(!stdout(&out).contains("secret") && !stdout(&out).contains(id), "{}", describe(&out));
    }
}

#[test]
fn deleted_folders_are_made_again_and_doctor_reports_them_missing() {
    let home = Home::new();
    let first = home.submit(&["echo", "one"]);
    home.wait_state(&first, "completed", LONG);
    for dir in ["runs", "logs"] {
        std::fs::remove_dir_all(home.path().join(dir)).unwrap();
    }
    let out = home.run(&["doctor", "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("doctor --json");
    for dir in ["runs", "logs"] {
        let check = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["detail"].as_str().is_some_and(|d| d.contains(&format!("/{dir} is missing"))));
        assert!(check.is_some_and(|c| c["status"] == "warn"), "doctor names {dir}: {report}");
    }
    // The worker never restarted, and later tasks still run and record how they ended.
    for n in 0..3 {
        let id = home.submit(&["echo", &format!("after-{n}")]);
        home.wait_state(&id, "completed", LONG);
        assert_eq!(home.json(&["result", &id, "--json"])["output"], format!("after-{n}\n"));
    }
}

#[test]
fn worker_status_right_after_a_start_tells_a_real_uptime() {
    let home = Home::new();
    home.run_ok(&["worker", "start"]);
    std::thread::sleep(std::time::Duration::from_millis(30));
    let text = home.run_ok(&["worker", "status"]);
    assert!(!text.contains("up 0ms"), "{text}");
    assert!(home.worker_status()["uptime_ms"].as_u64().unwrap() >= 30);
}
