//! How soon an answer reaches a task that waits for a person (issue 30): from the moment
//! `smart-agents answer` starts to the moment the asking task has the reply, through a real
//! worker. Side by side with what a script would do without smart-agents: poll for an answer
//! file, every second or every tenth of a second. Prints a table of medians. Run with
//! `cargo bench --bench needs_roundtrip`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const ROUNDS: usize = 15;
const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");

fn now_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

fn cli(home: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("SMART_AGENTS_HOME", home)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bench-bus")
        .stdin(Stdio::null())
        .output()
        .expect("run smart-agents");
    assert!(out.status.success(), "smart-agents {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Wait (briefly polling, outside what is measured) until `ready` says so.
fn until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "never {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The nanosecond timestamp the task wrote once it had its answer.
fn stamp(file: &Path) -> u128 {
    let mut text = String::new();
    until("stamped", || {
        text = std::fs::read_to_string(file).unwrap_or_default();
        text.ends_with('\n')
    });
    text.trim().parse().expect("a timestamp")
}

/// One question answered through the worker: `answer` starts → the task has the reply.
fn through_smart_agents(home: &Path, dir: &Path, round: usize) -> Duration {
    let out = dir.join(format!("sa-{round}"));
    let script = format!("'{BIN}' ask 'Go on?' >/dev/null; date +%s%N > '{}'", out.display());
    let id = cli(home, &["execute", "--async", "--", "sh", "-c", &script]);
    until("asked", || cli(home, &["status", &id, "--json"]).contains("\"needs\""));
    let t0 = now_ns();
    cli(home, &["answer", &id, "yes"]);
    Duration::from_nanos((stamp(&out) - t0) as u64)
}

/// What a script does without smart-agents: poll for an answer file every `every`.
fn polling_a_file(dir: &Path, round: usize, every: &str) -> Duration {
    let (answer, out) =
        (dir.join(format!("answer-{every}-{round}")), dir.join(format!("poll-{every}-{round}")));
    let script = format!(
        "while [ ! -e '{}' ]; do sleep {every}; done; date +%s%N > '{}'",
        answer.display(),
        out.display()
    );
    let mut child = Command::new("sh").args(["-c", &script]).spawn().expect("start the poller");
    // Somewhere in its sleep, as a person would answer at any moment.
    std::thread::sleep(Duration::from_millis(50 + (round as u64 * 137) % 900));
    let t0 = now_ns();
    std::fs::write(&answer, "yes").expect("write the answer");
    let took = Duration::from_nanos((stamp(&out) - t0) as u64);
    let _ = child.wait();
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    cli(&home, &["worker", "start"]);
    let ours = median((0..ROUNDS).map(|r| through_smart_agents(&home, dir.path(), r)).collect());
    let second = median((0..ROUNDS).map(|r| polling_a_file(dir.path(), r, "1")).collect());
    let tenth = median((0..ROUNDS).map(|r| polling_a_file(dir.path(), r, "0.1")).collect());
    let _ = cli(&home, &["worker", "stop", "--kill"]);
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!("| answer reaches the waiting task ({ROUNDS} rounds) | median |");
    println!("|---|---|");
    println!("| `smart-agents answer ID yes` → `smart-agents ask` returns in the task | {} |", ms(ours));
    println!("| a script polling an answer file every 1 s | {} |", ms(second));
    println!("| a script polling an answer file every 0.1 s | {} |", ms(tenth));
}
