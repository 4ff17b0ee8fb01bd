//! Starting supervisors off the actor's thread. A start blocks until the new process exists
//! (a fork by the zygote, or an exec of this binary); done here, the actor meanwhile commits
//! the next batch, so starts and commits overlap instead of adding up.

use super::messages::Msg;
use super::runner::{self, Launch, Started};
use super::spares::Spares;
use super::supervise::Options;
use super::zygote::{self, Reply, Request};
use crate::paths::Paths;
use crate::process::process_start_time;
use crate::protocol::{FrameError, read_frame_blocking, write_frame_blocking};
use crate::store::TaskRecord;
use std::borrow::Cow;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

pub struct Job {
    pub rec: TaskRecord,
    pub argv: Vec<String>,
    pub options: Options,
    pub env: Arc<Vec<(String, String)>>,
}

/// The result comes back to the actor as `Msg::Spawned`.
pub fn start(paths: Paths, actor: Sender<Msg>, spares: Arc<Spares>) -> std::io::Result<Sender<Job>> {
    let (tx, rx): (Sender<Job>, Receiver<Job>) = channel();
    std::thread::Builder::new().name("smart-agents-spawn".into()).spawn(move || {
        let mut zygote: Option<Zygote> = None;
        for job in rx {
            let result = runner::prepare(&paths, &job.rec, &job.argv, &job.options, &job.env, &spares)
                .and_then(|launch| start_one(&mut zygote, launch))
                .map_err(|e| e.to_string());
            let msg = Msg::Spawned { id: job.rec.id, attempt: job.rec.attempt, result };
            if actor.send(msg).is_err() {
                return;
            }
        }
    })?;
    Ok(tx)
}

/// Through the zygote, started (again) when there is none; by exec when it cannot be had.
fn start_one(zygote: &mut Option<Zygote>, launch: Launch) -> crate::error::Result<Started> {
    if zygote.is_none() && !disabled() {
        *zygote = Zygote::start().ok();
    }
    if let Some(z) = zygote {
        match z.fork(&launch) {
            Ok(Ok(pid)) => {
                return Ok(Started {
                    pid,
                    pid_start: process_start_time(pid),
                    log_offset: launch.log_offset,
                    machinery: z.cpu_since_last(),
                });
            }
            Ok(Err(why)) => return Err(crate::error::Error::usage(why)),
            // The zygote is gone: this start goes by exec, the next one gets a new zygote.
            Err(_) => *zygote = None,
        }
    }
    runner::spawn(launch)
}

/// `SMART_AGENTS_ZYGOTE=0` starts every supervisor by exec (a test of that path, or a system
/// where forking a helper misbehaves).
fn disabled() -> bool {
    std::env::var_os("SMART_AGENTS_ZYGOTE").is_some_and(|v| v == "0")
}

/// The worker's end of the zygote.
struct Zygote {
    socket: UnixStream,
    child: std::process::Child,
    /// Its CPU seconds at the last look.
    cpu_seen: f64,
}

impl Zygote {
    fn start() -> std::io::Result<Zygote> {
        let (ours, theirs) = UnixStream::pair()?;
        let child = Command::new("/proc/self/exe")
            .arg0("smart-agents")
            .args([super::supervise::ARG, zygote::SERVE, &" ".repeat(zygote::TITLE_ROOM)])
            .stdin(Stdio::from(std::os::fd::OwnedFd::from(theirs.try_clone()?)))
            .stdout(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
            // Out of the worker's group: a Ctrl-C meant for a foreground worker leaves it be.
            .process_group(0)
            .spawn()?;
        Ok(Zygote { socket: ours, child, cpu_seen: 0.0 })
    }

    /// CPU it spent (forking) since the last call: a /proc read, cheaper than a fork.
    fn cpu_since_last(&mut self) -> std::time::Duration {
        let now = super::proctree::usage_of(&[self.child.id() as i32]).cpu_seconds;
        let spent = now - self.cpu_seen;
        self.cpu_seen = now;
        std::time::Duration::try_from_secs_f64(spent).unwrap_or_default()
    }

    /// Ask for a supervisor: Err when the zygote cannot be reached.
    fn fork(&mut self, launch: &Launch) -> Result<Reply, FrameError> {
        let request = Request {
            args: Cow::Borrowed(&launch.args),
            cwd: Cow::Borrowed(&launch.cwd),
            env: Cow::Borrowed(&launch.env),
            log: Cow::Borrowed(&launch.log_path),
        };
        write_frame_blocking(&mut self.socket, &request)?;
        read_frame_blocking(&mut self.socket)
    }
}

impl Drop for Zygote {
    fn drop(&mut self) {
        // Closing the socket ends it; reap it so no zombie is left behind.
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
        let _ = self.child.wait();
    }
}
