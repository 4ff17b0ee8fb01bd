//! The processes a test leaves or looks for: found by their command line in /proc, waited for
//! and killed.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A `sleep` argument no other test uses, so `processes_matching` finds only ours.
pub fn unique_sleep(seconds: u32) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("{seconds}.{:07}{n:03}1", std::process::id() % 10_000_000)
}

/// Live (non-zombie) processes whose command line, joined by spaces, contains `needle`.
pub fn processes_matching(needle: &str) -> Vec<i32> {
    all_processes()
        .into_iter()
        .filter(|(pid, cmdline)| *pid != std::process::id() as i32 && cmdline.contains(needle))
        .map(|(pid, _)| pid)
        .collect()
}

/// Live processes whose whole command line is exactly `cmdline` (args joined by spaces).
pub fn processes_exact(cmdline: &str) -> Vec<i32> {
    all_processes().into_iter().filter(|(_, c)| c == cmdline).map(|(pid, _)| pid).collect()
}

/// Poll until no live process mentions `needle`; a killed process may take a moment to go.
pub fn assert_no_process(needle: &str, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let left = processes_matching(needle);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "processes matching {needle:?} are still alive: {left:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// (pid, command line) of every live process; zombies have an empty command line and are left out.
pub(super) fn all_processes() -> Vec<(i32, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        match cmdline(pid) {
            Some(text) if !is_zombie(pid) => out.push((pid, text)),
            _ => {}
        }
    }
    out
}

/// The command line of `pid`, its arguments joined by spaces (empty ones left out); None when
/// it is gone or has none (a kernel thread).
pub fn cmdline(pid: i32) -> Option<String> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok().filter(|raw| !raw.is_empty())?;
    let args: Vec<String> = raw
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    Some(args.join(" "))
}

pub(super) fn is_zombie(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return true;
    };
    let Some(close) = stat.rfind(')') else {
        return false;
    };
    matches!(stat[close + 1..].split_whitespace().next(), Some("Z" | "X"))
}

pub(super) fn environ(pid: i32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|raw| raw.split(|b| *b == 0).map(|e| String::from_utf8_lossy(e).into_owned()).collect())
        .unwrap_or_default()
}

/// The parent pid of `pid` (0 when it is gone).
pub fn parent(pid: i32) -> i32 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rfind(')').and_then(|close| stat[close + 1..].split_whitespace().nth(1)?.parse().ok()).unwrap_or(0)
}

/// Is `pid` alive (and not a zombie)?
pub fn alive(pid: i32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid)
}

/// Wait for `pid` to be gone.
pub fn wait_gone(pid: i32, within: Duration) {
    let deadline = Instant::now() + within;
    while alive(pid) {
        assert!(Instant::now() < deadline, "process {pid} is still alive after {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn kill9(pid: i32) {
    // SAFETY: plain kill(2).
    let rc = unsafe { libc::kill(pid, libc::SIGKILL) };
    assert_eq!(rc, 0, "kill -9 {pid} failed");
}

pub const LONG: Duration = Duration::from_secs(20);
