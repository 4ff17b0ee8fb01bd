//! Helpers for the scheduler end-to-end tests: configs, timestamps from `status --json`,
//! waiting on reasons, interval overlap, and external load (busy loops, a memory hog) that is
//! always bounded in time and ended on drop.
#![allow(dead_code)]

use crate::common::Home;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A home with both resource gates off (so the gate tests' load cannot hold these tasks back)
/// plus `limits` lines and any further TOML after them.
pub fn home(limits: &str, rest: &str) -> Home {
    Home::with_config(&format!("[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n{limits}\n{rest}"))
}

/// Unix ms of an RFC 3339 timestamp field; panics when absent.
pub fn ms(view: &Value, field: &str) -> i64 {
    let text = view[field].as_str().unwrap_or_else(|| panic!("{field} is missing: {view}"));
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{field} is not RFC 3339 ({e}): {view}"))
        .timestamp_millis()
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn reason(view: &Value) -> String {
    view["waiting_reason"].as_str().unwrap_or_default().to_string()
}

/// Poll `status` until the task's waiting reason satisfies `ok`; returns that view.
pub fn wait_reason(home: &Home, id: &str, within: Duration, ok: impl Fn(&str) -> bool) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let view = home.status(id);
        if view["state"] == "pending" && ok(&reason(&view)) {
            return view;
        }
        assert!(Instant::now() < deadline, "task {id} never showed the expected waiting reason: {view}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `wait` on all ids (any outcome), bounded.
pub fn wait_all(home: &Home, ids: &[String], within: Duration) {
    let t = format!("{}ms", within.as_millis());
    let mut args = vec!["wait", "--timeout", t.as_str()];
    args.extend(ids.iter().map(String::as_str));
    let out = home.run(&args);
    assert_ne!(
        out.status.code(),
        Some(5),
        "tasks did not end in {within:?}: {}",
        crate::common::describe(&out)
    );
}

/// The largest number of `[start, end)` intervals that overlap at one instant.
pub fn max_overlap(intervals: &[(i64, i64)]) -> usize {
    // Ends sort before starts at the same instant: a task that starts as another ends is a
    // hand-over, not an overlap.
    let mut edges: Vec<(i64, i32)> = intervals.iter().flat_map(|&(s, e)| [(s, 1), (e, -1)]).collect();
    edges.sort();
    let (mut now, mut max) = (0i32, 0i32);
    for (_, delta) in edges {
        now += delta;
        max = max.max(now);
    }
    max as usize
}

/// `(percent, threshold)` from `cpu 92% >= 70%` / `memory 88% >= 85%` after `prefix`, or None
/// when the text does not have exactly that shape (`\d+% >= \d+(\.\d)?%`).
/// Inside the hysteresis band, `cpu 72%, reopens below 70% (threshold 75%)` reads as (72, 70).
pub fn parse_gate(text: &str, prefix: &str) -> Option<(f64, f64)> {
    let rest = text.strip_prefix(prefix)?.strip_prefix(' ')?;
    let banded = rest.split_once(", reopens below ").map(|(left, right)| (left, right.split(' ').next()));
    let (left, right) = match banded {
        Some((left, Some(right))) => (left, right),
        _ => rest.split_once(" >= ")?,
    };
    let number = |s: &str, decimals: bool| -> Option<f64> {
        let digits = s.strip_suffix('%')?;
        let ok = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || (decimals && c == '.'))
            && digits.chars().next().is_some_and(|c| c.is_ascii_digit());
        ok.then(|| digits.parse().ok()).flatten()
    };
    Some((number(left, false)?, number(right, true)?))
}

/// The resource gate tests load the whole machine: each runs alone (no other test's home
/// exists meanwhile, see common/machine.rs).
pub fn gate_lock() -> crate::common::machine::Alone {
    crate::common::machine::alone()
}

/// A process started under `timeout`, so it ends by itself even if the test is killed;
/// dropping it sends SIGTERM to `timeout`, which passes it on, then reaps it.
pub struct Bounded {
    child: Child,
}

impl Bounded {
    pub fn spawn(limit_secs: u32, argv: &[&str], stdout: Stdio) -> Bounded {
        let child = Command::new("timeout")
            .arg(limit_secs.to_string())
            .args(argv)
            .stdin(Stdio::null())
            .stdout(stdout)
            .spawn()
            .expect("spawn a load process");
        Bounded { child }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn end(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Bounded {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop();
        }
    }
}

/// `n` shell busy loops, each bounded to `limit_secs`.
pub fn busy_loops(n: usize, limit_secs: u32) -> Vec<Bounded> {
    (0..n).map(|_| Bounded::spawn(limit_secs, &["sh", "-c", "while :; do :; done"], Stdio::null())).collect()
}

/// A python process that allocates `bytes` and touches every page, bounded to `limit_secs`.
/// Returns once the memory is resident.
pub fn memory_hog(bytes: u64, limit_secs: u32) -> Bounded {
    let script = format!(
        "import sys, time\nn = {bytes}\nb = bytearray(n)\nfor i in range(0, n, 4096):\n    b[i] = 1\n\
         print('ready', flush=True)\ntime.sleep(600)\n"
    );
    let mut hog = Bounded::spawn(limit_secs, &["python3", "-c", &script], Stdio::piped());
    let stdout = hog.child.stdout.take().expect("hog stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read from the hog");
    assert_eq!(line.trim(), "ready", "the memory hog did not get its memory");
    hog
}

/// (MemTotal, MemAvailable) in bytes from /proc/meminfo.
pub fn meminfo() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/meminfo").expect("/proc/meminfo");
    let field = |name: &str| -> u64 {
        let line = text.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name}"));
        let kb: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("a number");
        kb * 1024
    };
    (field("MemTotal:"), field("MemAvailable:"))
}

/// The whole machine's busy percent over `window`, from /proc/stat (for failure messages: was
/// the machine really busy while a task waited on the CPU gate?).
pub fn machine_cpu_percent(window: Duration) -> f64 {
    let read = || -> (u64, u64) {
        let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let fields: Vec<u64> = text
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .filter_map(|v| v.parse().ok())
            .collect();
        let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
        (fields.iter().take(8).sum(), idle)
    };
    let (total0, idle0) = read();
    std::thread::sleep(window);
    let (total1, idle1) = read();
    let total = total1.saturating_sub(total0).max(1);
    100.0 * (total - idle1.saturating_sub(idle0).min(total)) as f64 / total as f64
}
