//! What a newcomer meets (issue 34): `list` says what it left out, `result` exits by verdict,
//! `config show` is TOML, `doctor` stays short, a retried task's attempt reads right, the
//! peak of a short task is measured.

use crate::common;

use common::{Home, LONG, describe, stdout};
use std::os::unix::fs::PermissionsExt;

#[test]
fn list_ends_with_how_many_more_there_are() {
    let home = Home::new();
    let ids: Vec<String> = (0..5).map(|_| home.submit(&["true"])).collect();
    for id in &ids {
        home.wait_state(id, "completed", LONG);
    }
    let text = home.run_ok(&["list", "--limit", "3"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 3 + 1, "{text}");
    assert_eq!(lines[4], "… 2 more (--limit N, --all)", "{text}");
    let all = home.run_ok(&["list", "--all"]);
    assert_eq!(all.lines().count(), 1 + 5, "{all}");
    assert!(!all.contains("more ("), "{all}");
    // Filtered: only the tasks in the states asked for are counted.
    let failed = home.run_ok(&["list", "--state", "failed", "--limit", "1"]);
    assert_eq!(failed.trim(), "no tasks", "{failed}");
    let help = home.run_ok(&["list", "--help"]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains("[default: 50]"), "{help}");
}

#[test]
fn result_exits_by_verdict_not_with_the_tasks_code() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", "echo half; exit 3"]);
    home.wait_state(&id, "failed", LONG);
    // 3 would read as "not found".
    let out = home.run_code(&["result", &id], 1);
    assert!(common::stderr(&out).contains("exited with code 3"), "{}", describe(&out));
    let out = home.run_code(&["result", &id, "--json"], 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("result --json");
    assert_eq!(json["exit_code"], 3, "{json}");
    let ok = home.submit(&["true"]);
    home.wait_state(&ok, "completed", LONG);
    home.run_code(&["result", &ok], 0);
}

#[test]
fn config_show_is_valid_toml() {
    let home = Home::new();
    let text = home.run_ok(&["config", "show"]);
    let parsed: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("config show is not TOML: {e}\n{text}"));
    assert_eq!(parsed["limits"]["max_concurrent_tasks"].as_integer(), Some(5), "{text}");
    assert!(!text.contains("= null"), "{text}");
}

#[test]
fn doctor_stays_short_with_hundreds_of_task_logs() {
    let home = Home::new();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
    let logs = home.path().join("logs");
    for i in 0..300 {
        let file = logs.join(format!("x{i:05}.log"));
        std::fs::write(&file, "").expect("write a log");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let out = home.run(&["doctor"]);
    let text = stdout(&out);
    assert!(text.lines().count() < 60, "{} lines:\n{text}", text.lines().count());
    assert!(text.contains("all 0600"), "{text}");
    assert!(!text.contains("slurm"), "Slurm was never set up: {text}");
    // A problem is still listed on its own.
    std::fs::set_permissions(logs.join("x00007.log"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let text = stdout(&home.run(&["doctor"]));
    assert!(text.lines().any(|l| l.contains("x00007.log is 0644")), "{text}");
}

#[test]
fn a_manual_retry_without_retries_is_not_attempt_2_of_1() {
    let home = Home::new();
    let id = home.submit(&["false"]);
    home.wait_state(&id, "failed", LONG);
    home.run_ok(&["retry", &id]);
    let view = home.wait_state(&id, "failed", LONG);
    assert_eq!(view["attempt"], 2, "{view}");
    let text = home.run_ok(&["status", &id]);
    assert!(text.contains("attempt 2") && !text.contains("attempt 2/1"), "{text}");
}

/// A child's `ru_maxrss` starts from its parent's memory: a `true` too short to sample reads as
/// "under" that bound, never as a size it did not use, and a short allocation is its own.
#[test]
fn a_short_task_in_a_git_repository_has_its_peak_measured() {
    let home = Home::new();
    let repo = home.temp_dir().join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    let git = std::process::Command::new("git").args(["init", "-q"]).current_dir(&repo).status();
    assert!(git.is_ok_and(|s| s.success()), "git init");
    let cwd = repo.to_string_lossy().into_owned();
    let id = home.submit_with(&["--cwd", &cwd], &["true"]);
    let view = home.wait_state(&id, "completed", LONG);
    assert_eq!(view["peak"]["rss_bytes"], 0, "what `true` inherited is not its size: {view}");
    assert!(view["peak"]["rss_at_most"].as_u64().is_some_and(|b| b > 0), "{view}");
    let shown = home.run_ok(&["status", &id]);
    assert!(shown.contains("peak under ") && shown.contains("too short to sample"), "{shown}");
    let alloc = "b = bytearray(96 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1";
    let id = home.submit_with(&["--cwd", &cwd], &["python3", "-c", alloc]);
    let view = home.wait_state(&id, "completed", LONG);
    let rss = view["peak"]["rss_bytes"].as_u64().unwrap_or(0);
    assert!((96 << 20..200 << 20).contains(&rss), "its own peak: {view}");
    assert!(view["peak"].get("rss_at_most").is_none(), "{view}");
}

/// A foreground `execute` of a command prints its output as it is written, not at the end:
/// the first line arrives while the command still sleeps before its second.
#[test]
fn a_foreground_command_streams_its_output() {
    use std::io::BufRead;
    let home = Home::new();
    let script = "echo first; sleep 3; echo second; printf 'no newline'";
    let mut child = home.spawn(&["execute", "--", "sh", "-c", script]);
    let started = std::time::Instant::now();
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(|l| l.ok());
    let first_at = started.elapsed();
    assert_eq!(first.as_deref(), Some("first"));
    let rest: Vec<String> = lines.map_while(|l| l.ok()).collect();
    let status = child.wait().expect("wait");
    let whole = started.elapsed();
    assert!(status.success(), "{status}");
    assert_eq!(rest, ["second", "no newline"], "each line once, the last ended");
    assert!(
        whole - first_at >= std::time::Duration::from_secs(2),
        "first after {first_at:?}, end after {whole:?}"
    );
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err).expect("stderr");
    assert!(err.contains("completed") && !err.contains("first"), "the summary alone on stderr: {err}");
}
