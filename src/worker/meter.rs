//! The supervisor's meter: while it waits for the command, it samples the command's process
//! tree, keeps the peak resident memory, and with `--mem-limit` ends the tree that goes past
//! it (SIGTERM to the group, SIGKILL to what is left after the grace).
//!
//! No thread: the supervisor waits on a pidfd with a timeout and samples when the timeout ends,
//! so a short command costs one `poll` and no sample at all (its peak comes from `getrusage`).
//! Sampling is light: every 100 ms for the first two seconds (where most climbs happen), then
//! every 250 ms; each sample reads two small /proc files per process of the tree.

use super::proctree;
use std::os::fd::AsFd;
use std::process::{Child, ExitStatus};
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
    /// No reading could be trusted (the command ended before a sample, and its `ru_maxrss`
    /// was no more than what it inherited): its peak was at most this.
    pub at_most: Option<u64>,
}

/// (CPU seconds, largest resident set in bytes) of the children reaped so far.
fn children_usage() -> Option<(f64, u64)> {
    crate::process::usage(libc::RUSAGE_CHILDREN).map(|(cpu, max_rss)| (cpu.as_secs_f64(), max_rss))
}

/// Wait for `child`, sampling its tree meanwhile; its exit status and what was measured.
pub fn wait(child: &mut Child, limit: Option<u64>, grace_ms: u64) -> (std::io::Result<ExitStatus>, Measured) {
    // The supervisor's own children before the command (git snapshots) are left out.
    let before = children_usage();
    // A child's `ru_maxrss` starts from the memory of the process that forked it (Linux keeps
    // the old image's high-water mark at exec), here the supervisor's: only a figure above
    // this floor is the command's own.
    let floor = crate::process::usage(libc::RUSAGE_SELF).map_or(0, |(_, max_rss)| max_rss);
    let floor = floor.max(before.map_or(0, |(_, max_rss)| max_rss));
    let mut sampler = Sampler {
        child: child.id() as i32,
        limit,
        grace: Duration::from_millis(grace_ms),
        measured: Measured::default(),
        term_sent: None,
    };
    let exited = crate::process::pidfd_open(sampler.child);
    let started = Instant::now();
    let mut next = started + FAST;
    let status = loop {
        let pause = next.saturating_duration_since(Instant::now());
        let ended = match &exited {
            Ok(pidfd) => readable_within(pidfd.as_fd(), pause),
            // No pidfd (a kernel before 5.3): look again after each pause.
            Err(_) => {
                std::thread::sleep(pause);
                !matches!(child.try_wait(), Ok(None))
            }
        };
        if ended {
            break reap(child, exited.is_ok(), floor, &mut sampler.measured);
        }
        if Instant::now() >= next {
            sampler.sample();
            next = Instant::now() + if started.elapsed() < FAST_FOR { FAST } else { SLOW };
        }
    };
    (status, sampler.finish(before, floor))
}

/// Reap the command. With a pidfd it has not been reaped yet, so `wait4` gives its own usage:
/// the exact peak of a command too short to be sampled, when above `floor` (`RUSAGE_CHILDREN`
/// would also count the git snapshots run before it).
fn reap(
    child: &mut Child,
    unreaped: bool,
    floor: u64,
    measured: &mut Measured,
) -> std::io::Result<ExitStatus> {
    use std::os::unix::process::ExitStatusExt;
    if !unreaped {
        return child.wait();
    }
    let (status, cpu, max_rss) = crate::process::reap(child.id() as i32)?;
    if max_rss > floor {
        measured.peak_rss_bytes = measured.peak_rss_bytes.max(max_rss);
    }
    measured.cpu_seconds = measured.cpu_seconds.max(cpu.as_secs_f64());
    Ok(ExitStatus::from_raw(status))
}

/// True when `fd` became readable within `pause`; false on a timeout or a signal (the caller
/// looks at the clock again).
fn readable_within(fd: std::os::fd::BorrowedFd<'_>, pause: Duration) -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    let timeout = Timespec::try_from(pause).ok();
    poll(&mut fds, timeout.as_ref()).is_ok_and(|n| n > 0)
}

struct Sampler {
    child: i32,
    limit: Option<u64>,
    grace: Duration,
    measured: Measured,
    term_sent: Option<Instant>,
}

impl Sampler {
    fn sample(&mut self) {
        let pids = proctree::tree(self.child);
        let usage = proctree::usage_of(&pids);
        let measured = &mut self.measured;
        measured.peak_rss_bytes = measured.peak_rss_bytes.max(usage.rss_bytes);
        measured.cpu_seconds = measured.cpu_seconds.max(usage.cpu_seconds);
        if let Some(limit) = self.limit
            && usage.rss_bytes > limit
            && measured.exceeded.is_none()
        {
            measured.exceeded = Some(limit);
            // The supervisor leads the group and ignores SIGTERM itself.
            let _ = rustix::process::kill_current_process_group(rustix::process::Signal::TERM);
            self.term_sent = Some(Instant::now());
        }
        if let Some(at) = self.term_sent
            && at.elapsed() >= self.grace
        {
            // Descendants of our own command (never ourselves).
            for pid in pids.into_iter().filter_map(rustix::process::Pid::from_raw) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
            self.term_sent = None;
        }
    }

    /// Add the CPU time of everything the command reaped, which the samples of live processes
    /// cannot see.
    fn finish(self, before: Option<(f64, u64)>, floor: u64) -> Measured {
        let mut measured = self.measured;
        let (cpu_before, _) = before.unwrap_or_default();
        if let Some((cpu, max_single)) = children_usage() {
            measured.cpu_seconds = measured.cpu_seconds.max(cpu - cpu_before);
            // The largest single descendant: a lower bound of the tree's peak (a task too short
            // to be sampled), when it is the command's own and not inherited or a git snapshot's.
            if max_single > floor {
                measured.peak_rss_bytes = measured.peak_rss_bytes.max(max_single);
            }
        }
        if measured.peak_rss_bytes == 0 {
            measured.at_most = Some(floor);
        }
        measured
    }
}
