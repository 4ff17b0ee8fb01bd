//! The processes the worker watches: supervisors it asks the spawner to start, and the
//! output streams of running agent tasks it follows.

use super::agent_run::AgentRun;
use super::output_watch::Interest;
use super::spares::Spares;
use super::spawner::Job;
use crate::agents::Backend;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

/// How to read a task's output once it runs: its backend and side file, if it streams.
pub(super) type Stream = Option<(Backend, Option<PathBuf>)>;

pub(super) struct Processes {
    spawner: Sender<Job>,
    /// Spent exit records the spawner turns into new logs.
    spares: Arc<Spares>,
    /// Stream formats of tasks whose supervisor (or executor hand-over) is being started.
    streams: HashMap<String, Stream>,
    /// Stream readers of running agent tasks.
    agent_runs: HashMap<String, AgentRun>,
    /// The log files the output watch reports on: those of `agent_runs`.
    interest: Interest,
}

impl Processes {
    pub fn new(spawner: Sender<Job>, spares: Arc<Spares>) -> Processes {
        Processes {
            spawner,
            spares,
            streams: HashMap::new(),
            agent_runs: HashMap::new(),
            interest: Default::default(),
        }
    }

    pub fn spares(&self) -> &Spares {
        &self.spares
    }

    /// The set of log files the output watch is to report on, shared with it.
    pub fn interest(&self) -> Interest {
        self.interest.clone()
    }

    /// Ask the spawner to start `job`'s supervisor; false when the spawner is gone (the
    /// worker is stopping).
    pub fn start(&mut self, id: String, stream: Stream, job: Job) -> bool {
        self.streams.insert(id, stream);
        self.spawner.send(job).is_ok()
    }

    /// Follow `stream` once task `id` is seen to run (a task handed to an executor).
    pub fn expect(&mut self, id: String, stream: Stream) {
        self.streams.insert(id, stream);
    }

    /// The stream to follow now that task `id` runs, if it has one.
    pub fn take_stream(&mut self, id: &str) -> Stream {
        self.streams.remove(id).flatten()
    }

    /// Follow task `id`'s output through `run`; the watch reports on the files `names`.
    pub fn follow(&mut self, id: &str, names: Vec<String>, run: AgentRun) {
        if let Ok(mut interest) = self.interest.lock() {
            interest.extend(names);
        }
        self.agent_runs.insert(id.to_string(), run);
    }

    pub fn unfollow(&mut self, id: &str) -> Option<AgentRun> {
        if let Ok(mut interest) = self.interest.lock() {
            interest.retain(|name| !name.starts_with(id));
        }
        self.agent_runs.remove(id)
    }

    pub fn run_mut(&mut self, id: &str) -> Option<&mut AgentRun> {
        self.agent_runs.get_mut(id)
    }
}
