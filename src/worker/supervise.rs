//! The per-task supervisor: a tiny process between the worker and a task's command.
//!
//! The worker starts `smart-agents __supervise ID ATTEMPT EXIT_FILE -- ARGV...` as the leader
//! of a new process group, with the task's log file as stdout and stderr. It runs the command
//! (argv directly, never a shell), waits for it and writes its exit status to EXIT_FILE
//! atomically. The worker can crash or restart meanwhile: output keeps going to the log, and
//! the status waits on disk for whichever worker adopts the task. It runs before any runtime
//! is set up, so each running task costs one small process and nothing in the worker.

use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

pub const ARG: &str = "__supervise";

/// What the supervisor leaves on disk when the command ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExitRecord {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// Set when the command could not be started at all.
    pub error: Option<String>,
    pub finished_at: i64,
}

impl ExitRecord {
    pub fn read(path: &Path) -> Option<ExitRecord> {
        let text = std::fs::read(path).ok()?;
        serde_json::from_slice(&text).ok()
    }
}

extern "C" fn ignore_signal(_: libc::c_int) {}

/// Entry point; `args` is the whole argv: `[exe, __supervise, id, attempt, exit_file, --, command...]`.
pub fn main(args: &[OsString]) -> i32 {
    let (Some(exit_file), Some(dash)) = (args.get(4), args.get(5)) else {
        eprintln!("smart-agents: {ARG} is internal to the worker");
        return 2;
    };
    let command = &args[6.min(args.len())..];
    if dash != "--" || command.is_empty() {
        eprintln!("smart-agents: {ARG} is internal to the worker");
        return 2;
    }
    // A cancel signals the whole group; the supervisor must outlive its command to record
    // how it ended. A handler (not SIG_IGN) is reset by exec, so the command still sees the
    // default disposition.
    // SAFETY: installing a handler that does nothing is async-signal-safe.
    unsafe {
        for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = ignore_signal as *const () as usize;
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
    let program = &command[0];
    let record = match Command::new(program).args(&command[1..]).spawn() {
        Err(e) => ExitRecord {
            code: None,
            signal: None,
            error: Some(spawn_error(&program.to_string_lossy(), &e)),
            finished_at: crate::store::now_ms(),
        },
        Ok(mut child) => match child.wait() {
            Ok(status) => ExitRecord {
                code: status.code(),
                signal: status.signal(),
                error: None,
                finished_at: crate::store::now_ms(),
            },
            Err(e) => ExitRecord {
                code: None,
                signal: None,
                error: Some(format!("lost track of the command: {e}")),
                finished_at: crate::store::now_ms(),
            },
        },
    };
    if let Some(error) = &record.error {
        // Into the task's log too, so `logs` shows why nothing ran.
        eprintln!("smart-agents: {error}");
    }
    match write_atomically(Path::new(exit_file), &record) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("smart-agents: cannot record the exit status: {e}");
            1
        }
    }
}

pub fn spawn_error(program: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("command not found: {program}"),
        std::io::ErrorKind::PermissionDenied => format!("permission denied: {program}"),
        _ => format!("cannot start {program}: {e}"),
    }
}

/// Write, fsync, rename: a reader sees the whole record or none, even after power loss.
fn write_atomically(path: &Path, record: &ExitRecord) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
    file.write_all(&serde_json::to_vec(record)?)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}
