//! Starting task supervisors, watching them end, and signalling their process groups.

use super::spares::Spares;
use super::supervise;
use crate::error::{Context, Error, Result};
use crate::paths::Paths;
use crate::process::{is_running, process_start_time, stat_field};
use crate::store::TaskRecord;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// A started supervisor: its pid is also the task's process group id.
#[derive(Debug)]
pub struct Started {
    pub pid: i32,
    pub pid_start: Option<u64>,
    /// Where this attempt's output begins in the log file.
    pub log_offset: u64,
    /// CPU the zygote spent since the start before: smart-agents' own, which the CPU gate
    /// leaves out.
    pub machinery: std::time::Duration,
}

/// What starting a supervisor takes, whoever starts it: the log is open and this attempt's
/// header written, a stale exit record removed.
pub struct Launch {
    pub log: std::fs::File,
    pub log_offset: u64,
    pub log_path: std::path::PathBuf,
    /// The supervisor's arguments after the program name: `__supervise ID ATTEMPT EXIT ...`.
    pub args: Vec<String>,
    pub cwd: String,
    /// The task's environment, with the variables the supervisor and its command are given.
    pub env: Vec<(String, String)>,
}

/// Get ready to start the supervisor for `task`'s current attempt, running `argv`.
pub fn prepare(
    paths: &Paths,
    task: &TaskRecord,
    argv: &[String],
    options: &supervise::Options,
    env: &[(String, String)],
    spares: &Spares,
) -> Result<Launch> {
    let (log, log_offset) = open_log(paths, task, Some(spares))?;
    if argv.is_empty() {
        return Err(Error::usage("the task has no command to run"));
    }
    let exit_file = paths.exit_file(&task.id, task.attempt);
    // A stale record from an earlier worker's attempt must not be mistaken for this one.
    let _ = std::fs::remove_file(&exit_file);
    let mut args = vec![supervise::ARG.to_string(), task.id.clone(), task.attempt.to_string()];
    args.push(exit_file.display().to_string());
    args.extend(options.to_args());
    args.push("--".into());
    args.extend(argv.iter().cloned());
    let mut env = env.to_vec();
    env.push(("SMART_AGENTS_TASK_ID".into(), task.id.clone()));
    if let Ok(home) = std::env::var("SMART_AGENTS_HOME") {
        env.push(("SMART_AGENTS_HOME".into(), home));
    }
    Ok(Launch { log, log_offset, log_path: paths.task_log(&task.id), args, cwd: task.spec.cwd.clone(), env })
}

/// Start the supervisor by running this binary again (the way when no zygote can be had).
pub fn spawn(launch: Launch) -> Result<Started> {
    // /proc/self/exe still works when the binary was replaced on disk while we run.
    let mut cmd = Command::new("/proc/self/exe");
    cmd.arg0("smart-agents")
        .args(&launch.args)
        .current_dir(&launch.cwd)
        .env_clear()
        .envs(launch.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(launch.log.try_clone()?)
        .stderr(launch.log)
        // Its own group: cancel reaches the whole tree, and the worker's signals do not.
        .process_group(0);
    let child = cmd.spawn().map_err(|e| {
        if !std::path::Path::new(&launch.cwd).is_dir() {
            Error::usage(supervise::no_folder(&launch.cwd))
        } else {
            Error::internal(crate::process::spawn_error("the task supervisor", &e))
        }
    })?;
    let pid = child.id() as i32;
    // The Child handle is dropped without waiting: the pidfd watcher reaps it.
    drop(child);
    Ok(Started {
        pid,
        pid_start: process_start_time(pid),
        log_offset: launch.log_offset,
        machinery: std::time::Duration::ZERO,
    })
}

/// The task's log, opened to append, with this attempt's header written: the file and where
/// the attempt's output begins.
pub fn open_log(paths: &Paths, task: &TaskRecord, spares: Option<&Spares>) -> Result<(std::fs::File, u64)> {
    // Someone may have deleted a folder while the worker ran: make it again, or fail the task
    // naming it.
    for dir in [&paths.logs_dir, &paths.runs_dir] {
        crate::paths::ensure_private_dir(dir)?;
    }
    let log_path = paths.task_log(&task.id);
    // A first attempt's log may be a spare file (it comes empty and private); a retry appends.
    if task.attempt == 1
        && let Some(spares) = spares
    {
        spares.take_as(&log_path);
    }
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&log_path)
        .context(format!("opening the log {}", log_path.display()))?;
    let mut log_offset = log.seek(SeekFrom::End(0))?;
    if task.attempt > 1 {
        let header = format!("--- smart-agents: attempt {} ---\n", task.attempt);
        log.write_all(header.as_bytes())?;
        log_offset += header.len() as u64;
    }
    Ok((log, log_offset))
}

/// Wait for `pid` to go without a pidfd (none could be had): a slow check, used only then.
pub async fn until_gone(pid: i32) {
    while is_running(pid) {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// Reap `pid` if it is our child; harmless when it is not.
pub fn reap(pid: i32) {
    // 0 would reap any child of ours.
    let Some(pid) = rustix::process::Pid::from_raw(pid).filter(|_| pid > 0) else { return };
    let _ = rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::NOHANG);
}

pub use crate::process::signal_group;

/// Whether group `pgid` still holds a process that has not ended. Zombies (ended, waiting for a
/// parent to reap them) still count for `kill`, so /proc decides when one answers.
pub fn group_alive(pgid: i32) -> bool {
    if pgid <= 1 {
        return false;
    }
    // Signal 0 only checks whether the group has members.
    let Some(group) = rustix::process::Pid::from_raw(pgid) else { return false };
    if rustix::process::test_kill_process_group(group) == Err(rustix::io::Errno::SRCH) {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else { return true };
    let group = pgid.to_string();
    entries.flatten().filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok()).any(|pid| {
        stat_field(pid, 2).as_deref() == Some(group.as_str()) && stat_field(pid, 0).is_some_and(|s| s != "Z")
    })
}

/// Every live supervisor by (task id, attempt), from one pass over /proc: for a worker that
/// died between starting a supervisor and recording it.
pub fn supervisors() -> HashMap<(String, u32), i32> {
    let mut found: Vec<((String, u32), i32, i32)> = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return HashMap::new() };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let mut args = cmdline.split(|b| *b == 0).skip(1);
        if args.next() != Some(supervise::ARG.as_bytes()) {
            continue;
        }
        let id = args.next().map(|a| String::from_utf8_lossy(a).into_owned());
        let attempt = args.next().and_then(|a| std::str::from_utf8(a).ok()?.parse().ok());
        if let (Some(id), Some(attempt)) = (id, attempt) {
            found.push(((id, attempt), pid, parent_of(pid)));
        }
    }
    // A supervisor's child keeps its command line until it execs: keep the parent.
    let pids: std::collections::HashSet<i32> = found.iter().map(|(_, pid, _)| *pid).collect();
    found.into_iter().filter(|(_, _, ppid)| !pids.contains(ppid)).map(|(key, pid, _)| (key, pid)).collect()
}

fn parent_of(pid: i32) -> i32 {
    stat_field(pid, 1).and_then(|p| p.parse().ok()).unwrap_or(0)
}

/// The tail of this attempt's output: at most `cap` bytes, keeping the end (where errors and
/// summaries are), shown lossily when it is not UTF-8.
pub fn output_tail(paths: &Paths, id: &str, from: u64, cap: u64) -> String {
    let Ok(mut file) = std::fs::File::open(paths.task_log(id)) else { return String::new() };
    let Ok(len) = file.seek(SeekFrom::End(0)) else { return String::new() };
    let from = from.min(len);
    let start = from.max(len.saturating_sub(cap));
    let mut buf = Vec::new();
    if file.seek(SeekFrom::Start(start)).is_err() || file.read_to_end(&mut buf).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&buf);
    if start > from {
        format!("[… {} earlier bytes not shown …]\n{text}", start - from)
    } else {
        text.into_owned()
    }
}
