//! Probes of other processes through /proc: whether one runs, and when it started.

/// Field `n + 3` of /proc/PID/stat in proc(5)'s numbering (0 is the state).
/// The command name may hold spaces and parentheses: fields start after the last ')'.
pub fn stat_field(pid: i32, n: usize) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 1..].split_whitespace().nth(n).map(str::to_string)
}

/// Whether `pid` runs: a zombie (exited, not yet reaped) or a missing process does not.
pub fn is_running(pid: i32) -> bool {
    stat_field(pid, 0).is_some_and(|state| state != "Z")
}

/// Field 22 of /proc/PID/stat: start time in clock ticks. With the pid it names one process
/// for good, so a recycled pid is never mistaken for our supervisor.
pub fn process_start_time(pid: i32) -> Option<u64> {
    stat_field(pid, 19)?.parse().ok()
}

/// Whether `pid` is still the process that started at `start`.
pub fn is_same_process(pid: i32, start: Option<u64>) -> bool {
    match (process_start_time(pid), start) {
        (Some(now), Some(then)) => now == then,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// CPU time (user + system) and the largest resident set in bytes, from getrusage(2): `who` is
/// `RUSAGE_SELF` (this process, all its threads) or `RUSAGE_CHILDREN` (those reaped so far).
pub fn usage(who: libc::c_int) -> Option<(std::time::Duration, u64)> {
    // SAFETY: getrusage fills the struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut usage) } != 0 {
        return None;
    }
    Some(cpu_and_max_rss(&usage))
}

fn cpu_and_max_rss(usage: &libc::rusage) -> (std::time::Duration, u64) {
    let time = |t: libc::timeval| {
        std::time::Duration::from_secs(t.tv_sec.max(0) as u64)
            + std::time::Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    (time(usage.ru_utime) + time(usage.ru_stime), usage.ru_maxrss.max(0) as u64 * 1024)
}

/// Reap the exited child `pid` with `wait4`: its raw wait status and its own usage (CPU time,
/// largest resident set in bytes), which counts the descendants it reaped and nothing else.
pub fn reap(pid: i32) -> std::io::Result<(i32, std::time::Duration, u64)> {
    let mut status = 0;
    // SAFETY: wait4 fills the status and the struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } == pid {
            let (cpu, max_rss) = cpu_and_max_rss(&usage);
            return Ok((status, cpu, max_rss));
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// CPU time (user + system) this process has used so far, all its threads together.
pub fn own_cpu_time() -> std::time::Duration {
    usage(libc::RUSAGE_SELF).map_or(std::time::Duration::ZERO, |(cpu, _)| cpu)
}

/// A pidfd that becomes readable when `pid` exits: an exit notification without polling, for
/// our own children and for supervisors adopted from an earlier worker alike.
pub fn pidfd_open(pid: i32) -> std::io::Result<std::os::fd::OwnedFd> {
    let pid = rustix::process::Pid::from_raw(pid).ok_or(std::io::ErrorKind::InvalidInput)?;
    Ok(rustix::process::pidfd_open(pid, rustix::process::PidfdFlags::empty())?)
}

/// Send `signal` to process group `pgid`; groups 0 and 1 (ours, init's) are never signalled.
pub fn signal_group(pgid: i32, signal: i32) {
    let (Some(group), Some(signal)) =
        (rustix::process::Pid::from_raw(pgid), rustix::process::Signal::from_named_raw(signal))
    else {
        return;
    };
    if pgid > 1 {
        let _ = rustix::process::kill_process_group(group, signal);
    }
}

/// Why a program could not start, in words: not found, not allowed, or the error itself.
pub fn spawn_error(program: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("command not found: {program}"),
        std::io::ErrorKind::PermissionDenied => format!("permission denied: {program}"),
        _ => format!("cannot start {program}: {e}"),
    }
}
