//! logs: both streams captured, --tail, --follow live until the task ends, non-UTF-8 output.

use crate::common;

use common::{Home, LONG, describe, stdout};
use std::io::BufRead;
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn stdout_and_stderr_are_both_captured() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", "echo to-stdout; echo to-stderr >&2"]);
    home.wait_state(&id, "completed", LONG);
    let logs = home.run_ok(&["logs", &id]);
    assert!(logs.contains("to-stdout"), "{logs}");
    assert!(logs.contains("to-stderr"), "{logs}");
    let output = home.json(&["result", &id, "--json"])["output"].as_str().unwrap_or_default().to_string();
    assert!(output.contains("to-stdout") && output.contains("to-stderr"), "{output}");
}

#[test]
fn tail_shows_only_the_last_lines() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done"]);
    home.wait_state(&id, "completed", LONG);
    assert_eq!(home.run_ok(&["logs", &id, "--tail", "2"]), "line4\nline5\n");
    assert_eq!(home.run_ok(&["logs", &id]), "line1\nline2\nline3\nline4\nline5\n");
    assert_eq!(home.run_ok(&["logs", &id, "--tail", "10"]), "line1\nline2\nline3\nline4\nline5\n");
}

#[test]
fn follow_prints_output_as_it_arrives_and_returns_when_the_task_ends() {
    let home = Home::new();
    let script = "echo first-line; while [ ! -e gate ]; do sleep 0.05; done; echo second-line";
    let id = home.submit(&["sh", "-c", script]);
    home.wait_state(&id, "running", LONG);

    let mut child = home.spawn(&["logs", "--follow", &id]);
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });

    let first = rx.recv_timeout(LONG).expect("the first line arrives while the task runs");
    assert_eq!(first, "first-line");
    assert!(child.try_wait().expect("try_wait").is_none(), "follow keeps going while the task runs");
    assert!(rx.try_recv().is_err(), "nothing else was printed yet");

    std::fs::write(home.path().join("gate"), b"").expect("open the gate");
    let second = rx.recv_timeout(LONG).expect("the second line arrives");
    assert_eq!(second, "second-line");
    // It returns by itself once the task has ended.
    let deadline = std::time::Instant::now() + LONG;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("logs --follow did not return after the task ended");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    reader.join().expect("reader thread");
    assert_eq!(home.state(&id), "completed");
}

#[test]
fn follow_on_a_finished_task_prints_the_log_and_returns() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", "echo old-news"]);
    home.wait_state(&id, "completed", LONG);
    assert_eq!(home.run_ok(&["logs", "--follow", &id]), "old-news\n");
}

#[test]
fn non_utf8_output_is_kept_and_shown_lossily() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", r"printf 'before\377\376after\n'"]);
    home.wait_state(&id, "completed", LONG);

    let raw = std::fs::read(home.path().join("logs").join(format!("{id}.log"))).expect("task log");
    assert_eq!(raw, b"before\xff\xfeafter\n", "the log keeps the bytes as written");

    let out = home.run_code(&["logs", &id], 0);
    let text = stdout(&out);
    assert!(text.starts_with("before") && text.contains("after"), "{}", describe(&out));
    assert!(text.contains('\u{FFFD}'), "shown lossily: {}", describe(&out));

    let result = home.json(&["result", &id, "--json"]);
    let output = result["output"].as_str().unwrap_or_default();
    assert!(output.contains("before") && output.contains("after") && output.contains('\u{FFFD}'), "{result}");
    // The human rendering does not choke either.
    assert!(home.run_ok(&["result", &id]).contains("after"));
}

#[test]
fn logs_of_an_unknown_task_exit_3() {
    let home = Home::new();
    home.submit(&["true"]);
    let out = home.run_code(&["logs", "zzzzzz"], 3);
    assert!(common::stderr(&out).contains("zzzzzz"), "{}", describe(&out));
}

#[test]
fn follow_on_a_pending_task_waits_for_it_to_start() {
    let home = Home::new();
    home.run_ok(&["pause"]);
    let id = home.submit(&["sh", "-c", "echo from-a-paused-task"]);
    let child = home.spawn(&["logs", "--follow", &id]);
    home.run_ok(&["resume"]);
    home.wait_state(&id, "completed", LONG);
    let out = child.wait_with_output().expect("logs --follow returns");
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(stdout(&out), "from-a-paused-task\n");
}

#[test]
fn result_output_is_capped_keeping_the_tail() {
    let home = Home::new();
    let id = home.submit(&["sh", "-c", "seq 1 100000; echo the-very-end"]);
    home.wait_state(&id, "completed", LONG);
    let result = home.json(&["result", &id, "--json"]);
    let output = result["output"].as_str().unwrap_or_default();
    assert!(output.ends_with("100000\nthe-very-end\n"), "the tail is kept");
    assert!(output.len() < 100 * 1024, "the output is capped: {} bytes", output.len());
    assert!(!output.contains("\n1\n2\n3\n"), "the head is dropped");
    // The log keeps everything.
    let logs = home.run_ok(&["logs", &id]);
    assert!(logs.starts_with("1\n2\n3\n") && logs.ends_with("the-very-end\n"));
}

/// A read exit record is kept as a spare and becomes a later task's log (no file is deleted per
/// task, see src/worker/spares.rs): each log still holds only its own output, privately.
#[test]
fn spent_exit_records_become_new_logs_holding_only_their_own_output() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::with_config("[limits]\nmax_concurrent_tasks = 1\n");
    let ids: Vec<String> = (0..6).map(|n| home.submit(&["sh", "-c", &format!("echo out{n}")])).collect();
    for id in &ids {
        home.wait_state(id, "completed", LONG);
    }
    for (n, id) in ids.iter().enumerate() {
        let log = home.path().join("logs").join(format!("{id}.log"));
        assert_eq!(std::fs::read_to_string(&log).unwrap(), format!("out{n}\n"), "log of task {n}");
        assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let names = |dir: &str| -> Vec<String> {
        std::fs::read_dir(home.path().join(dir))
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default()
    };
    // Each record was read and moved; some were taken again as logs.
    assert!(!names("runs").iter().any(|n| n.ends_with(".exit")), "{:?}", names("runs"));
    let spares = names("runs/spare").len();
    assert!(spares < ids.len(), "no record was reused: {spares} spares");
}
