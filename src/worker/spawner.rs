//! Starting supervisors off the actor's thread. A spawn blocks until the new process has
//! exec'd (about a millisecond, more on a busy machine); done here, the actor meanwhile
//! commits the next batch, so starts and commits overlap instead of adding up.

use super::messages::Msg;
use super::runner::{self, Started};
use super::supervise::Options;
use crate::paths::Paths;
use crate::store::TaskRecord;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

pub struct Job {
    pub rec: TaskRecord,
    pub argv: Vec<String>,
    pub options: Options,
    pub env: Arc<Vec<(String, String)>>,
}

/// The result comes back to the actor as `Msg::Spawned`.
pub fn start(paths: Paths, actor: Sender<Msg>) -> std::io::Result<Sender<Job>> {
    let (tx, rx): (Sender<Job>, Receiver<Job>) = channel();
    std::thread::Builder::new().name("smart-agents-spawn".into()).spawn(move || {
        for job in rx {
            let result: Result<Started, String> =
                runner::spawn(&paths, &job.rec, &job.argv, &job.options, &job.env).map_err(|e| e.to_string());
            let msg = Msg::Spawned { id: job.rec.id, attempt: job.rec.attempt, result };
            if actor.send(msg).is_err() {
                return;
            }
        }
    })?;
    Ok(tx)
}
