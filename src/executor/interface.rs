//! The one interface every executor implements, and what it says back to the worker.
//!
//! An executor decides; the worker applies. Methods that learn something about a task return
//! [`Note`]s, which the worker turns into state changes, history rows and timers, so an
//! executor never reaches into the worker's queue and the worker never asks an executor's kind.

use super::Executor;
use crate::config::ResourceLimits;
use crate::store::{EventKind, TaskRecord};
use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;

/// One attempt of a task handed to an executor that runs it elsewhere.
pub struct Start<'a> {
    pub rec: &'a TaskRecord,
    /// The supervisor's whole command line (`smart-agents __supervise …`, the task's argv).
    pub supervisor: Vec<String>,
    /// The environment the task runs with.
    pub env: Vec<(String, String)>,
    pub log: PathBuf,
    pub exit_file: PathBuf,
    /// What admission expects the task to use, asked of the executor where it can reserve.
    pub cpus: u32,
    pub mem_bytes: Option<u64>,
}

/// An answer from an executor's own thread, routed back to that executor, which alone knows
/// what it holds.
pub struct Reply {
    pub kind: Executor,
    pub inner: Box<dyn Any + Send>,
}

/// Takes each reply to the worker; false once the worker no longer listens.
pub type Answer = Arc<dyn Fn(Reply) -> bool + Send + Sync>;

/// Which signal a stop sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Ask the task to end (SIGTERM or the executor's grace path).
    Term,
    /// The grace period ran out: end it now.
    Kill,
}

/// What a restarted worker learned about one of the executor's tasks.
#[derive(Debug, Clone, PartialEq)]
pub enum Adopted {
    /// Not this executor's to adopt: the worker watches its supervisor here.
    Here,
    /// The executor has it again, under this external id.
    Held { external_id: String },
    /// It never reached the executor: admit it again.
    Requeue,
    /// Nothing to do (a pending task that was never handed over).
    Untouched,
}

/// How a task ended that left no exit record.
#[derive(Debug, Clone, PartialEq)]
pub struct Ended {
    pub cancelled: bool,
    pub reason: String,
    pub code: Option<i32>,
}

/// What an executor tells the worker.
pub enum Note {
    /// Handed over: the task waits there under `external_id`, with `waiting` as its reason;
    /// history records it as `event`.
    Queued { id: String, attempt: u32, external_id: String, waiting: String, event: EventKind },
    /// A task still waiting there has a new reason.
    Waiting { id: String, text: String },
    /// The executor started the task: it runs (its stream may have grown too).
    Running { id: String },
    /// The task left its exit record: it ended the ordinary way.
    Exited { id: String, attempt: u32 },
    /// The task ended without an exit record; the verdict reads the tail of its output.
    Ended { id: String, verdict: Box<dyn FnOnce(&str) -> Ended + Send> },
    /// Handing over failed; the text names the executor.
    StartFailed { id: String, error: String },
    /// Call `look` again at this time.
    LookAt(i64),
    /// Delete this file once the round is committed.
    Remove(PathBuf),
}

/// One way of running tasks. Local tasks run under a supervisor the worker starts and watches
/// here; others are handed over and followed through `look`.
pub trait TaskExecutor: Send {
    fn kind(&self) -> Executor;

    /// Why this executor cannot take a task now (checked at submit), if it cannot.
    fn unavailable(&self) -> Option<String> {
        None
    }

    /// Admission limits of its own: `None` shares this machine's limits, gates and slots.
    fn own_limits(&self) -> Option<&ResourceLimits> {
        None
    }

    /// The waiting text for a task held back by the executor's own cap.
    fn cap_text(&self, _running: u32, _cap: u32) -> Option<String> {
        None
    }

    /// How this machine's supervisor starts task `rec`: the command, e.g. wrapped in a
    /// sandbox, and the memory limit its tree watch keeps (none when the executor holds the
    /// limit itself, as a sandbox's memory cgroup does). An error fails the task (a wall that
    /// cannot be built is never left out).
    fn start_here(&self, _rec: &TaskRecord, start: HereStart) -> Result<HereStart, String> {
        Ok(start)
    }

    /// Admitted: `None` when it starts here at once, else the waiting text until the
    /// executor says it runs. A held task is started only after its hand-over is committed.
    fn admit(&mut self, _id: &str, _attempt: u32) -> Option<String> {
        None
    }

    /// Whether the executor holds a slot for task `id` (handed over, not yet ended).
    fn holds(&self, _id: &str) -> bool {
        false
    }

    /// The ids of the tasks it holds.
    fn held(&self) -> Vec<String> {
        Vec::new()
    }

    /// Hand an admitted task over; the answer comes back as notes.
    fn start(&mut self, _start: Start) -> Result<(), String> {
        Err("this executor starts its tasks here".into())
    }

    /// A restarted worker found `rec`, one of this executor's unfinished tasks.
    fn adopt(&mut self, _rec: &TaskRecord, _now: i64) -> (Adopted, Vec<Note>) {
        (Adopted::Here, Vec::new())
    }

    /// An answer to something the executor asked off the core thread.
    fn answer(&mut self, _reply: Reply, _now: i64) -> Vec<Note> {
        Vec::new()
    }

    /// Send a stop to the task (to its supervisor's group, for tasks that run here).
    fn stop(&mut self, rec: &TaskRecord, how: Stop, now: i64) -> Vec<Note>;

    /// Look at the tasks it holds (a timer the executor asked for is due).
    fn look(&mut self, _now: i64) -> Vec<Note> {
        Vec::new()
    }

    /// The task ended or went back to pending: its slot is free.
    fn forget(&mut self, _id: &str) {}

    /// A line for `worker status`, when there is something to say.
    fn describe(&self) -> Option<String> {
        None
    }
}

/// What the supervisor is handed for a start here.
#[derive(Debug, Clone, PartialEq)]
pub struct HereStart {
    pub argv: Vec<String>,
    /// `--mem-limit` as the supervisor's tree watch keeps it.
    pub mem_limit: Option<u64>,
}
