//! The supervisor zygote: a small single-threaded process, started once per worker, that forks
//! task supervisors on request instead of the worker exec'ing this binary for every task.
//!
//! Exec'ing an 18 MB binary costs about two milliseconds of CPU (mapping, page faults, the
//! loader); a fork of this small process costs a tenth of that, and a drain of short tasks is
//! bound by it. The worker cannot fork supervisors itself: it runs threads, and a forked copy of
//! a threaded process may only exec. The zygote runs no threads and no runtime, so its children
//! may run the supervisor's code directly.
//!
//! The worker holds one end of a socket pair, the zygote's standard input and output: one
//! request per task (a length-prefixed JSON frame), one reply with the new supervisor's pid or
//! why it could not start. When the worker goes, the zygote reads the end of the socket and
//! exits; the supervisors it started run on, as supervisors always have.

use super::supervise;
use crate::protocol::{FrameError, read_frame_blocking, write_frame_blocking};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// `smart-agents __supervise --serve`: the zygote's mode of the supervisor entry point.
pub const SERVE: &str = "--serve";

/// Room left in the zygote's command line for each supervisor's own (see `Title`).
pub const TITLE_ROOM: usize = 240;

/// One supervisor to start. Borrowed by the worker that sends it (no copy of the environment
/// per task), owned by the zygote that reads it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request<'a> {
    /// The supervisor's arguments after the program name (`__supervise ID ATTEMPT ...`).
    pub args: Cow<'a, [String]>,
    pub cwd: Cow<'a, str>,
    pub env: Cow<'a, [(String, String)]>,
    pub log: Cow<'a, Path>,
}

/// The new supervisor's pid, or why it could not be started.
pub type Reply = std::result::Result<i32, String>;

/// Serve requests until the worker closes its end.
pub fn serve() -> i32 {
    // Ended supervisors are reaped by the kernel: the worker watches them through pidfds.
    // SAFETY: setting one signal's disposition in a single-threaded process.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_IGN) };
    let title = Title::of_this_process();
    let (mut input, mut output) = (std::io::stdin().lock(), std::io::stdout().lock());
    loop {
        let request: Request = match read_frame_blocking(&mut input) {
            Ok(request) => request,
            Err(FrameError::Closed) => return 0,
            Err(e) => {
                eprintln!("smart-agents: the supervisor zygote stops: {e}");
                return 1;
            }
        };
        let reply = start(&request, title);
        if write_frame_blocking(&mut output, &reply).is_err() {
            return 0;
        }
    }
}

fn start(request: &Request, title: Option<Title>) -> Reply {
    if !Path::new(&*request.cwd).is_dir() {
        return Err(supervise::no_folder(&request.cwd));
    }
    let log = std::fs::OpenOptions::new()
        .append(true)
        .custom_flags(libc::O_CLOEXEC)
        .open(&request.log)
        .map_err(|e| format!("opening the log {}: {e}", request.log.display()))?;
    let null = std::fs::File::open("/dev/null").map_err(|e| format!("opening /dev/null: {e}"))?;
    // SAFETY: this process runs one thread, so the child may run any code.
    match unsafe { libc::fork() } {
        -1 => Err(crate::process::spawn_error("the task supervisor", &std::io::Error::last_os_error())),
        0 => std::process::exit(become_supervisor(request, &log, &null, title)),
        pid => Ok(pid),
    }
}

/// In the forked child: take the task's group, files, folder, environment and name, then run
/// the supervisor as if it had been exec'd.
fn become_supervisor(
    request: &Request,
    log: &std::fs::File,
    null: &std::fs::File,
    title: Option<Title>,
) -> i32 {
    // SAFETY: restoring the default disposition of one signal in this single-threaded child
    // (rustix offers no signal()).
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_DFL) };
    // Its own group: cancel reaches the whole tree, and the worker's signals do not.
    let _ = rustix::process::setpgid(None, None);
    let _ = rustix::stdio::dup2_stdin(null);
    let _ = rustix::stdio::dup2_stdout(log);
    let _ = rustix::stdio::dup2_stderr(log);
    if let Err(e) = std::env::set_current_dir(&*request.cwd) {
        eprintln!("smart-agents: {}: {e}", supervise::no_folder(&request.cwd));
        return 1;
    }
    let stale: Vec<_> = std::env::vars_os().map(|(k, _)| k).collect();
    for key in stale {
        // SAFETY: no other thread exists in this process to read the environment.
        unsafe { std::env::remove_var(key) };
    }
    for (key, value) in request.env.iter() {
        // SAFETY: as above.
        unsafe { std::env::set_var(key, value) };
    }
    if let Some(title) = title {
        title.set(&request.args);
    }
    let args: Vec<std::ffi::OsString> =
        std::iter::once("smart-agents".into()).chain(request.args.iter().map(Into::into)).collect();
    supervise::main(&args)
}

/// This process's command line in memory, which /proc/PID/cmdline shows: each supervisor
/// writes its own there, so `ps` and a worker recovering after a crash see
/// `smart-agents __supervise ID ATTEMPT ...` as before.
#[derive(Clone, Copy)]
struct Title {
    start: usize,
    len: usize,
}

impl Title {
    fn of_this_process() -> Option<Title> {
        // Fields 48 and 49 of /proc/PID/stat (Linux 3.5 and later).
        let field = |n| crate::process::stat_field(std::process::id() as i32, n)?.parse::<usize>().ok();
        let (start, end) = (field(45)?, field(46)?);
        (end > start).then_some(Title { start, len: end - start })
    }

    /// Write `smart-agents` and as many whole `args` as fit, each ended by a NUL.
    fn set(self, args: &[String]) {
        let mut text = b"smart-agents\0".to_vec();
        for arg in args {
            if text.len() + arg.len() + 1 > self.len {
                break;
            }
            text.extend(arg.as_bytes());
            text.push(0);
        }
        text.resize(self.len, 0);
        // SAFETY: [start, start + len) is this process's own argument area, on its stack and
        // writable; nothing reads it while it is rewritten (one thread).
        unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), self.start as *mut u8, self.len) };
    }
}
