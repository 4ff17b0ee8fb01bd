//! The default executor: the task runs on this machine under a supervisor that the worker
//! starts (by its zygote) and watches (pidfd). It has no state of its own: the worker's
//! supervisor handling is the local path, and this says how to stop a group.

use super::{Executor, Note, Stop, TaskExecutor};
use crate::model::TaskState;
use crate::store::TaskRecord;

pub struct Local;

impl TaskExecutor for Local {
    fn kind(&self) -> Executor {
        Executor::Local
    }

    fn stop(&mut self, rec: &TaskRecord, how: Stop, _now: i64) -> Vec<Note> {
        match (how, rec.pid) {
            (Stop::Term, Some(pid)) => crate::process::signal_group(pid, libc::SIGTERM),
            (Stop::Kill, Some(pid)) if rec.state == TaskState::Running => {
                crate::process::signal_group(pid, libc::SIGKILL)
            }
            _ => {}
        }
        Vec::new()
    }
}
