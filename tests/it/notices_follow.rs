//! `notices --follow`: each ending told as it happens (pushed by the worker), one line each,
//! marked seen so the prompt hook does not tell it again; stops cleanly on SIGTERM or when the
//! reader of its output goes away.

use crate::common;

use common::{Home, LONG};
use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

/// Lines of the child's stdout, each with when it arrived.
fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<(String, SystemTime)> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send((line, SystemTime::now())).is_err() {
                return;
            }
        }
    });
    rx
}

/// How long after the task's recorded end the line arrived.
fn delay(home: &Home, id: &str, arrived: SystemTime) -> Duration {
    let view = home.status(id);
    let finished = view["finished_at"].as_str().expect("finished_at");
    let finished = chrono::DateTime::parse_from_rfc3339(finished).expect("rfc3339");
    let arrived: chrono::DateTime<chrono::Utc> = arrived.into();
    (arrived - finished.with_timezone(&chrono::Utc)).to_std().unwrap_or_default()
}

fn exits_within(child: &mut std::process::Child, within: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(std::time::Instant::now() < deadline, "notices --follow did not stop within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn follow_tells_endings_within_a_second_and_stops_on_sigterm() {
    let home = Home::new();
    let mut follower = home.spawn(&["notices", "--follow"]);
    let lines = lines_of(&mut follower);

    let ok = home.submit_with(&["Quick one"], &["sh", "-c", "sleep 0.3"]);
    let (line, arrived) = lines.recv_timeout(LONG).expect("a line for the completed task");
    assert!(line.starts_with(&format!("✓ {ok} completed · Quick one · ")), "{line}");
    let took = delay(&home, &ok, arrived);
    assert!(took < Duration::from_secs(1), "the ending was told {took:?} after it happened");

    let bad = home.submit_with(&["Broken one"], &["sh", "-c", "sleep 0.3; exit 3"]);
    let (line, arrived) = lines.recv_timeout(LONG).expect("a line for the failed task");
    assert!(line.starts_with(&format!("✗ {bad} failed · Broken one · ")), "{line}");
    assert!(line.ends_with("exited with code 3"), "{line}");
    let took = delay(&home, &bad, arrived);
    assert!(took < Duration::from_secs(1), "the ending was told {took:?} after it happened");

    // Told once: the prompt hook has nothing left to say about them.
    assert_eq!(home.run_ok(&["notices"]), "");
    assert!(lines.try_recv().is_err(), "an ending was told twice");

    // SAFETY: signalling our own child.
    unsafe { libc::kill(follower.id() as i32, libc::SIGTERM) };
    let status = exits_within(&mut follower, Duration::from_secs(2));
    assert!(status.success(), "SIGTERM should end it cleanly: {status:?}");
}

#[test]
fn follow_tells_the_backlog_first_and_stops_when_its_reader_goes_away() {
    let home = Home::new();
    let early = home.submit_with(&["Ended before anyone followed"], &["true"]);
    home.wait_state(&early, "completed", LONG);

    let mut follower = home.spawn(&["notices", "--follow", "--json"]);
    let stdout = follower.stdout.take().expect("piped stdout");
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader.read_line(&mut first).expect("read the backlog");
    let told: serde_json::Value = serde_json::from_str(&first).expect("one JSON object a line");
    assert_eq!(told["id"], early.as_str(), "{first}");
    assert_eq!(told["state"], "completed", "{first}");

    // The reader closes the pipe while nothing is being written: it notices and stops.
    drop(reader);
    let status = exits_within(&mut follower, Duration::from_secs(2));
    assert!(status.success(), "a closed pipe should end it cleanly: {status:?}");
}

#[test]
fn follow_carries_on_with_the_next_worker() {
    let home = Home::new();
    let mut follower = home.spawn(&["notices", "--follow"]);
    let lines = lines_of(&mut follower);
    let first = home.submit_with(&["Before the restart"], &["true"]);
    let (line, _) = lines.recv_timeout(LONG).expect("a line before the restart");
    assert!(line.contains(&first), "{line}");

    home.run_ok(&["worker", "stop"]);
    // The next command starts a new worker; the follower finds it and tells its endings.
    let second = home.submit_with(&["After the restart"], &["true"]);
    let (line, arrived) = lines.recv_timeout(LONG).expect("a line after the restart");
    assert!(line.starts_with(&format!("✓ {second} completed · After the restart")), "{line}");
    let took = delay(&home, &second, arrived);
    assert!(took < Duration::from_secs(1), "the ending was told {took:?} after it happened");
    assert!(follower.try_wait().expect("try_wait").is_none(), "the follower stopped with the worker");

    // SAFETY: signalling our own child.
    unsafe { libc::kill(follower.id() as i32, libc::SIGTERM) };
    assert!(exits_within(&mut follower, Duration::from_secs(2)).success());
}
