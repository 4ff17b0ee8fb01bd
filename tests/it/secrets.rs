//! Secrets never rest in plain text, end to end with the real binary and the key file (the
//! tests run without a session bus; tests/it/secrets_keyring.rs covers the desktop keyring):
//! secret-looking variables are sealed in the database and restored for the task, output
//! shows them masked, a pending task keeps them across a worker kill -9, a lost key fails
//! the task naming them, and `doctor --fix` seals what an older version left in plain text.

use crate::common;

use common::{Home, LONG, describe, kill9, wait_gone};
use std::path::Path;

const SECRETS: [(&str, &str); 3] = [
    ("MY_SECRET_TOKEN", "sk-verysecret-1234567"),
    ("ANTHROPIC_API_KEY", "sk-ant-api03-abcdefXYZ"),
    ("DB_PASSWORD", "hunter2-but-longer"),
];
const ORDINARY: (&str, &str) = ("MY_ORDINARY_SETTING", "plain-value-4242");

/// `execute --async` with the secrets and the ordinary variable in the caller's environment.
fn submit(home: &Home, opts: &[&str], argv: &[&str]) -> String {
    let mut args = vec!["execute", "--async"];
    args.extend_from_slice(opts);
    args.push("--");
    args.extend_from_slice(argv);
    let mut cmd = home.cmd(&args);
    for (k, v) in SECRETS.iter().chain([&ORDINARY]) {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run execute");
    assert!(out.status.success(), "execute: {}", describe(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A command that writes the four variables it sees to `file`, outside the data folder.
fn report_env(file: &Path) -> Vec<String> {
    let script = format!(
        "printf '%s\\n' \"$MY_SECRET_TOKEN\" \"$ANTHROPIC_API_KEY\" \"$DB_PASSWORD\" \"$MY_ORDINARY_SETTING\" > '{}'",
        file.display()
    );
    vec!["sh".into(), "-c".into(), script]
}

fn expected_report() -> String {
    SECRETS.iter().chain([&ORDINARY]).map(|(_, v)| format!("{v}\n")).collect()
}

/// Every file under `dir` (database, WAL, logs, runs, worker log) that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[test]
fn secret_values_rest_nowhere_yet_reach_the_task() {
    let home = Home::new();
    let out_dir = tempfile::tempdir().unwrap();
    let report = out_dir.path().join("env.txt");
    let argv = report_env(&report);
    let id = submit(&home, &[], &argv.iter().map(String::as_str).collect::<Vec<_>>());
    home.wait_state(&id, "completed", LONG);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), expected_report(), "the task sees every value");

    // What a user can ask for shows no value.
    let shown = [
        home.run_ok(&["status", &id, "--json"]),
        home.run_ok(&["status", &id]),
        home.run_ok(&["result", &id, "--json"]),
        home.run_ok(&["list", "--json"]),
        home.run_ok(&["config", "show"]),
    ]
    .join("\n");
    for (name, value) in SECRETS {
        assert!(!shown.contains(value), "{name}'s value is shown: {shown}");
    }
    // The grep that finds nothing could find something: the ordinary value is stored.
    assert!(!files_holding(home.path(), ORDINARY.1).is_empty(), "the ordinary variable is kept as given");
    for (name, value) in SECRETS {
        let found = files_holding(home.path(), value);
        assert!(found.is_empty(), "{name}'s value rests in plain text in {found:?}");
    }
    // Also once the worker has checkpointed and stopped.
    home.run_ok(&["worker", "stop"]);
    for (name, value) in SECRETS {
        assert!(files_holding(home.path(), value).is_empty(), "{name} after stop");
    }
}

#[test]
fn a_printed_token_shows_masked_unless_raw() {
    let home = Home::new();
    let id =
        submit(&home, &[], &["sh", "-c", "echo \"token is $MY_SECRET_TOKEN\"; echo \"pw $DB_PASSWORD.\""]);
    home.wait_state(&id, "completed", LONG);
    let masked = "token is [secret MY_SECRET_TOKEN]\npw [secret DB_PASSWORD].\n";
    assert_eq!(home.json(&["result", &id, "--json"])["output"], masked);
    assert_eq!(home.run_ok(&["result", &id]), masked);
    assert_eq!(home.run_ok(&["logs", &id]), masked);
    assert_eq!(home.run_ok(&["logs", &id, "--tail", "1"]), "pw [secret DB_PASSWORD].\n");
    let raw = home.run_ok(&["logs", &id, "--raw"]);
    assert_eq!(
        raw,
        format!("token is {}\npw {}.\n", SECRETS[0].1, SECRETS[2].1),
        "--raw shows it as printed"
    );

    // A running task (its sealed values still held) is masked too.
    let running = submit(&home, &[], &["sh", "-c", "echo \"now $ANTHROPIC_API_KEY\"; sleep 30"]);
    home.wait_state(&running, "running", LONG);
    let deadline = std::time::Instant::now() + LONG;
    let log = loop {
        let log = home.run_ok(&["logs", &running]);
        if !log.is_empty() || std::time::Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(log, "now [secret ANTHROPIC_API_KEY]\n");
    home.run_ok(&["cancel", &running]);
    home.wait_state(&running, "cancelled", LONG);
    assert_eq!(
        home.run_ok(&["logs", &running]),
        "now [secret ANTHROPIC_API_KEY]\n",
        "after its values are gone"
    );
}

#[test]
fn a_pending_task_keeps_its_secrets_across_kill_9_and_fails_clearly_without_the_key() {
    let home = Home::new();
    let out_dir = tempfile::tempdir().unwrap();
    let (first, second) = (out_dir.path().join("first.txt"), out_dir.path().join("second.txt"));
    let argv = report_env(&first);
    let id = submit(&home, &["--delay", "2s"], &argv.iter().map(String::as_str).collect::<Vec<_>>());
    let worker = home.worker_pid();
    kill9(worker);
    wait_gone(worker, LONG);
    home.run_ok(&["worker", "start"]);
    home.wait_state(&id, "completed", LONG);
    assert_eq!(std::fs::read_to_string(&first).unwrap(), expected_report(), "restored after the crash");

    let argv = report_env(&second);
    let lost = submit(&home, &["--delay", "2s"], &argv.iter().map(String::as_str).collect::<Vec<_>>());
    let worker = home.worker_pid();
    kill9(worker);
    wait_gone(worker, LONG);
    let key = home.path().join("key/secrets.key");
    std::fs::remove_file(&key).expect("the key lives in its own folder");
    home.run_ok(&["worker", "start"]);
    let view = home.wait_state(&lost, "failed", LONG);
    let reason = view["reason"].as_str().unwrap_or_default();
    for (name, _) in SECRETS {
        assert!(reason.contains(name), "the reason names {name}: {reason}");
    }
    assert!(!reason.contains(ORDINARY.0), "only the secret ones are missing: {reason}");
    assert!(reason.contains("secrets.key is missing") && reason.contains("Fix:"), "{reason}");
    assert!(!second.exists(), "the task did not start without them");
}

#[test]
fn doctor_names_the_key_file_and_fix_seals_plaintext_left_by_an_older_version() {
    let home = Home::new();
    // doctor fails a home other users can reach; the temporary folder is 0755.
    std::fs::set_permissions(home.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let doctor = home.run_ok(&["doctor"]);
    assert!(
        doctor.contains("secrets      no key yet: made in the desktop keyring if one answers, else"),
        "{doctor}"
    );
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
    home.run_ok(&["worker", "stop"]);
    // What an older version stored: every variable in `data`.
    {
        let db = rusqlite::Connection::open(home.database()).unwrap();
        let data = serde_json::json!([["GITHUB_TOKEN", "ghp_oldplaintext99"], ["LANG", "C"]]).to_string();
        db.execute("INSERT INTO envs (hash, data) VALUES ('0123456789abcdef', ?1)", [data]).unwrap();
        db.execute("UPDATE tasks SET env_hash = '0123456789abcdef' WHERE id = ?1", [&id]).unwrap();
    }
    assert!(!files_holding(home.path(), "ghp_oldplaintext99").is_empty());
    let out = home.run_code(&["doctor"], 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("GITHUB_TOKEN") && text.contains("doctor --fix"), "{text}");

    let fixed = home.run_ok(&["doctor", "--fix"]);
    assert!(fixed.contains("sealed 1 secret values"), "{fixed}");
    assert!(fixed.contains("no secret value stored in plain text"), "{fixed}");
    assert!(
        fixed.contains("key in the file") && fixed.contains("secrets.key (0600, folder 0700)"),
        "{fixed}"
    );
    home.run_ok(&["worker", "stop"]);
    let db = rusqlite::Connection::open(home.database()).unwrap();
    let hash: String = db.query_row("SELECT env_hash FROM tasks WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
    assert_ne!(hash, "0123456789abcdef", "the hash taken over the plain values went too");
    let secrets: String =
        db.query_row("SELECT secrets FROM envs WHERE hash = ?1", [&hash], |r| r.get(0)).unwrap();
    assert_eq!(secrets, r#"{"GITHUB_TOKEN":null}"#, "sealed, then forgotten: its task has ended");
    drop(db);
    let found = files_holding(home.path(), "ghp_oldplaintext99");
    assert!(found.is_empty(), "sealed and overwritten: {found:?}");
}

#[test]
fn a_retry_takes_forgotten_secrets_from_the_retrying_shell() {
    let home = Home::new();
    let out_dir = tempfile::tempdir().unwrap();
    let report = out_dir.path().join("env.txt");
    let mut argv = report_env(&report);
    // Fails the first time, reports the second.
    let marker = out_dir.path().join("once");
    argv[2] = format!("if [ -e '{0}' ]; then {1}; else touch '{0}'; exit 1; fi", marker.display(), argv[2]);
    let id = submit(&home, &[], &argv.iter().map(String::as_str).collect::<Vec<_>>());
    home.wait_state(&id, "failed", LONG);

    // Its sealed values went when it failed: a shell without them cannot retry it.
    let out = home.cmd(&["retry", &id]).env_remove("DB_PASSWORD").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DB_PASSWORD") && err.contains("retry it from a shell that has them"), "{err}");

    let mut retry = home.cmd(&["retry", &id]);
    for (k, v) in SECRETS {
        retry.env(k, v);
    }
    assert!(retry.output().unwrap().status.success());
    home.wait_state(&id, "completed", LONG);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), expected_report());
    for (name, value) in SECRETS {
        assert!(files_holding(home.path(), value).is_empty(), "{name} after the retry");
    }
}

#[test]
fn a_step_reported_with_a_secret_in_it_is_stored_masked() {
    let home = Home::new();
    let bin_dir = Path::new(common::BIN).parent().expect("binary folder");
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = home.cmd(&[
        "execute",
        "--async",
        "--",
        "sh",
        "-c",
        "smart-agents progress 50 \"calling with $MY_SECRET_TOKEN\"; sleep 30",
    ]);
    cmd.env("PATH", path).env(SECRETS[0].0, SECRETS[0].1);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let deadline = std::time::Instant::now() + LONG;
    let view = loop {
        let view = home.status(&id);
        if view["step"].is_string() || std::time::Instant::now() > deadline {
            break view;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(view["step"], "calling with [secret MY_SECRET_TOKEN]", "{view}");
    home.run_ok(&["cancel", &id]);
    home.wait_state(&id, "cancelled", LONG);
    assert!(files_holding(home.path(), SECRETS[0].1).is_empty());
}

#[test]
fn a_keyring_that_does_not_answer_refuses_the_submit_rather_than_storing_plain_text() {
    let home = Home::with_config("[secrets]\nkey_store = \"keyring\"\n");
    let mut cmd = home.cmd(&["execute", "--async", "--", "true"]);
    cmd.env(SECRETS[0].0, SECRETS[0].1);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot keep the secret variables")
            && err.contains("MY_SECRET_TOKEN")
            && err.contains("the desktop keyring does not answer"),
        "{err}"
    );
    assert!(home.list(&[]).is_empty(), "nothing was queued");
    assert!(files_holding(home.path(), SECRETS[0].1).is_empty());
}

#[test]
fn one_shell_keeps_one_stored_environment_though_its_values_come_and_go() {
    let home = Home::new();
    let out_dir = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let report = out_dir.path().join(format!("env{round}.txt"));
        let argv = report_env(&report);
        let id = submit(&home, &[], &argv.iter().map(String::as_str).collect::<Vec<_>>());
        home.wait_state(&id, "completed", LONG);
        assert_eq!(std::fs::read_to_string(&report).unwrap(), expected_report(), "round {round}");
    }
    let db = rusqlite::Connection::open(home.database()).unwrap();
    let with_secrets: i64 = db
        .query_row("SELECT count(*) FROM envs WHERE secrets LIKE '%MY_SECRET_TOKEN%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(with_secrets, 1, "sealed again into the same row, not a row per task");
}
