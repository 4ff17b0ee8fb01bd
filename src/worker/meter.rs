//! The supervisor's meter: a thread that samples the command's process tree while it runs,
//! keeps the peak resident memory, and with `--mem-limit` ends the tree that goes past it
//! (SIGTERM to the group, SIGKILL to what is left after the grace).
//!
//! Sampling is light: every 100 ms for the first two seconds (where most climbs happen), then
//! every 250 ms; each sample reads two small /proc files per process of the tree.

use super::proctree;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const FAST: Duration = Duration::from_millis(100);
const FAST_FOR: Duration = Duration::from_secs(2);
const SLOW: Duration = Duration::from_millis(250);

/// What the meter saw.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Measured {
    pub peak_rss_bytes: u64,
    pub cpu_seconds: f64,
    /// The limit, when the tree went past it and was ended.
    pub exceeded: Option<u64>,
}

pub struct Meter {
    /// Dropping or sending wakes the thread at once: the supervisor never waits on a sleep.
    stop: Sender<()>,
    thread: Option<JoinHandle<Measured>>,
    /// The supervisor's own children before the command (git snapshots): left out.
    before: Option<(f64, u64)>,
}

/// (CPU seconds, largest resident set in bytes) of the children reaped so far.
fn children_usage() -> Option<(f64, u64)> {
    // SAFETY: getrusage fills the struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return None;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some((secs(usage.ru_utime) + secs(usage.ru_stime), usage.ru_maxrss.max(0) as u64 * 1024))
}

impl Meter {
    pub fn start(child: i32, limit: Option<u64>, grace_ms: u64) -> Meter {
        let before = children_usage();
        let (stop, stopped) = channel();
        let thread = std::thread::Builder::new()
            .name("meter".into())
            .spawn(move || sample_until(child, limit, Duration::from_millis(grace_ms), &stopped))
            .ok();
        Meter { stop, thread, before }
    }

    /// Stop sampling (the command has been waited for) and add the CPU time of everything it
    /// reaped, which the samples of live processes cannot see.
    pub fn stop(self) -> Measured {
        let _ = self.stop.send(());
        let mut measured = self.thread.and_then(|t| t.join().ok()).unwrap_or_default();
        let (cpu_before, max_before) = self.before.unwrap_or_default();
        if let Some((cpu, max_single)) = children_usage() {
            measured.cpu_seconds = measured.cpu_seconds.max(cpu - cpu_before);
            // The largest single descendant: a floor for the tree's peak (a task too short to
            // be sampled), when it is the command's and not an earlier git snapshot's.
            if max_single > max_before {
                measured.peak_rss_bytes = measured.peak_rss_bytes.max(max_single);
            }
        }
        measured
    }
}

fn sample_until(child: i32, limit: Option<u64>, grace: Duration, stop: &Receiver<()>) -> Measured {
    let started = Instant::now();
    let mut measured = Measured::default();
    let mut term_sent: Option<Instant> = None;
    loop {
        let pids = proctree::tree(child);
        let usage = proctree::usage_of(&pids);
        measured.peak_rss_bytes = measured.peak_rss_bytes.max(usage.rss_bytes);
        measured.cpu_seconds = measured.cpu_seconds.max(usage.cpu_seconds);
        if let Some(limit) = limit
            && usage.rss_bytes > limit
            && measured.exceeded.is_none()
        {
            measured.exceeded = Some(limit);
            // The supervisor leads the group and ignores SIGTERM itself.
            // SAFETY: signalling our own process group.
            unsafe { libc::kill(-libc::getpgrp(), libc::SIGTERM) };
            term_sent = Some(Instant::now());
        }
        if let Some(at) = term_sent
            && at.elapsed() >= grace
        {
            for pid in pids {
                // SAFETY: signalling a descendant of our own command (never ourselves).
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
            term_sent = None;
        }
        let pause = if started.elapsed() < FAST_FOR { FAST } else { SLOW };
        match stop.recv_timeout(pause) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return measured,
        }
    }
}
