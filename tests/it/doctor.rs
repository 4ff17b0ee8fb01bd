//! `doctor` on a fresh home passes; on a broken one it says what to fix and exits non-zero.

use crate::common;

use common::{Home, describe, stdout};
use std::os::unix::fs::PermissionsExt;

const LIMITS: &str = "[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n";

/// A home as smart-agents creates it: 0700. (Test temp folders follow the umask instead.)
fn private_home() -> Home {
    let home = Home::with_config(LIMITS);
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    home
}

fn fail_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("fail")).collect()
}

#[test]
fn fresh_home_passes() {
    let home = private_home();
    let out = home.run_code(&["doctor"], 0);
    let text = stdout(&out);
    assert!(fail_lines(&text).is_empty(), "{}", describe(&out));
    for check in ["version", "folder", "config", "worker", "database", "session bus"] {
        assert!(
            text.lines().any(|l| l.get(6..).is_some_and(|rest| rest.starts_with(check))),
            "no {check} line: {text}"
        );
    }
    // No worker yet: a warning with its fix, not a failure.
    assert!(text.contains("smart-agents worker start"), "{text}");
}

#[test]
fn home_in_use_passes_and_reports_the_worker() {
    let home = private_home();
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", common::LONG);
    let report = home.json(&["doctor", "--json"]);
    assert_eq!(report["ok"], true, "{report}");
    let checks = report["checks"].as_array().expect("checks");
    for c in checks {
        for field in ["check", "status", "detail", "fix"] {
            assert!(c.get(field).is_some(), "{field} missing in {c}");
        }
        assert!(["ok", "warn", "fail"].contains(&c["status"].as_str().unwrap_or("")), "{c}");
    }
    let worker = checks.iter().find(|c| c["check"] == "worker").expect("worker check");
    assert_eq!(worker["status"], "ok", "{worker}");
    assert!(worker["detail"].as_str().is_some_and(|d| d.contains(env!("CARGO_PKG_VERSION"))), "{worker}");
    let db = checks.iter().find(|c| c["check"] == "database").expect("database check");
    assert_eq!(db["status"], "ok", "{db}");
}

#[test]
fn uncreated_home_passes() {
    let home = Home::uncreated();
    let out = home.run_code(&["doctor"], 0);
    assert!(stdout(&out).contains("not created yet"), "{}", describe(&out));
}

#[test]
fn open_home_folder_fails_with_the_chmod_to_run() {
    let home = Home::with_config(LIMITS);
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = home.run_code(&["doctor"], 1);
    let text = stdout(&out);
    let fails = fail_lines(&text);
    assert!(fails.iter().any(|l| l.contains("0755")), "{}", describe(&out));
    assert!(text.contains(&format!("fix: chmod 700 {}", home.path().display())), "{text}");
}

#[test]
fn readable_database_fails_with_the_chmod_to_run() {
    let home = private_home();
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", common::LONG);
    std::fs::set_permissions(home.database(), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = home.run_code(&["doctor"], 1);
    assert!(
        stdout(&out).contains(&format!("fix: chmod 600 {}", home.database().display())),
        "{}",
        describe(&out)
    );
}

#[test]
fn corrupt_database_fails_with_how_to_move_it_aside() {
    let home = private_home();
    std::fs::write(home.database(), vec![0x5a; 8192]).expect("write garbage");
    std::fs::set_permissions(home.database(), std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = home.run_code(&["doctor", "--json"], 1);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["ok"], false);
    let db = report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["check"] == "database"))
        .cloned()
        .expect("database check");
    assert_eq!(db["status"], "fail", "{db}");
    assert!(db["fix"].as_str().is_some_and(|f| f.contains("mv ")), "{db}");
}
