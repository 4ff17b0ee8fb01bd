//! The worker's core: one thread that owns the queue and is the database's only writer.
//!
//! It sleeps on a channel until something happens (a request, a supervisor's exit, a timer
//! that is due), takes every message that is ready, applies them all in one transaction and
//! commits once (group commit), then answers, publishes and starts processes. Nothing here runs
//! on a fixed interval: an idle worker blocks in `recv` and costs no CPU.

use super::Hub;
use super::messages::Msg;
use crate::config::Config;
use crate::error::Result;
use crate::ids::IdGen;
use crate::paths::Paths;
use crate::protocol::{Event, Response};
use crate::store::{EnvCache, Store, now_ms};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

pub(super) use super::live::{KillReason, Live};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Timer {
    /// Re-run admission (a delay or backoff ends).
    Wake,
    Timeout {
        id: String,
        attempt: u32,
    },
    Sigkill {
        id: String,
        attempt: u32,
    },
    /// Look at the active Slurm jobs.
    Reconcile,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Stopping {
    /// Leave running tasks to the next worker.
    Now,
    /// Cancel running tasks, then stop once they have all ended.
    AfterKill,
}

pub struct Actor {
    pub(super) paths: Paths,
    pub(super) config: Config,
    pub(super) store: Store,
    pub(super) hub: Hub,
    pub(super) rt: tokio::runtime::Handle,
    pub(super) tx: Sender<Msg>,
    pub(super) tasks: HashMap<String, Live>,
    pub(super) ids: IdGen,
    pub(super) envs: EnvCache,
    pub(super) secrets: super::secret_state::SecretState,
    pub(super) paused: bool,
    pub(super) started: Instant,
    pub(super) timers: BinaryHeap<Reverse<(i64, Timer)>>,
    /// The times of the `Wake` timers in `timers`, so the same wake-up is set once.
    pub(super) wakes: std::collections::BTreeSet<i64>,
    pub(super) stopping: Option<Stopping>,
    /// Final states of finished tasks that pending tasks depend on.
    pub(super) finished_deps: HashMap<String, crate::model::TaskState>,
    // Per-round work, applied after the commit.
    pub(super) dirty: BTreeSet<String>,
    pub(super) replies: Vec<(oneshot::Sender<Response>, Response)>,
    pub(super) events: Vec<Event>,
    pub(super) to_spawn: Vec<String>,
    pub(super) cleanup: Vec<PathBuf>,
    /// Run another round without waiting (a pid to record, adoption results).
    pub(super) flush_soon: bool,
    pub(super) monitor: crate::scheduler::ResourceMonitor,
    pub(super) last_readings: Option<(Instant, crate::scheduler::Readings)>,
    /// Recent attempts per kind (newest first, loaded on first use) and the footprint learned
    /// from them.
    pub(super) learned: HashMap<String, super::footprint_history::History>,
    /// Bumped whenever a learned footprint changes: cached task footprints are then stale.
    pub(super) learn_gen: u64,
    pub(super) registry: crate::agents::Registry,
    pub(super) circuits: super::circuits::Circuits,
    /// Usage-limit holds and today's spend per account.
    pub(super) limits: super::limit_state::LimitState,
    /// Stream readers of running agent tasks.
    pub(super) agent_runs: HashMap<String, super::agent_run::AgentRun>,
    pub(super) interest: super::output_watch::Interest,
    pub(super) spawner: Sender<super::spawner::Job>,
    /// Stream formats of tasks whose supervisor is being started.
    pub(super) streams: HashMap<String, Option<(crate::agents::Backend, Option<PathBuf>)>>,
    /// Tasks finished since memory was last handed back (see `trim_when_idle`).
    pub(super) finished_since_trim: usize,
    /// Tasks queued in this round (submits, retries): not on disk until its commit.
    pub(super) fresh: std::collections::HashSet<String>,
    /// Recent completed durations (ms, newest first) per (agent, class), loaded on first use.
    pub(super) durations: HashMap<(String, Option<String>), std::collections::VecDeque<u64>>,
    /// Flows whose tasks changed this round: the planner looks at them before admission.
    pub(super) flows_touched: BTreeSet<String>,
    /// Tasks on the Slurm executor.
    pub(super) slurm: super::slurm_side::SlurmSide,
    pub(super) journal: super::journal::Journal,
    pub(super) upkeep: super::upkeep::Upkeep,
}

/// At most this many messages go into one transaction, so replies stay prompt under a flood.
const MAX_BATCH: usize = 1024;

impl Actor {
    pub fn new(
        paths: Paths,
        config: Config,
        store: Store,
        hub: Hub,
        history: super::journal::HistoryHub,
        rt: tokio::runtime::Handle,
        tx: Sender<Msg>,
    ) -> Result<Actor> {
        let registry = crate::agents::Registry::new(&config)?;
        let spawner = super::spawner::start(paths.clone(), tx.clone())?;
        let circuits = super::circuits::Circuits::new(config.circuit.failures, config.circuit.open_seconds);
        let slurm = super::slurm_side::SlurmSide::new(&config, tx.clone());
        let limits = super::limit_state::LimitState::new(&config);
        let secrets = super::secret_state::SecretState::new(&paths, &config);
        let upkeep = super::upkeep::Upkeep::new(&store)?;
        let mut actor = Actor {
            paths,
            config,
            store,
            hub,
            rt,
            tx,
            tasks: HashMap::new(),
            ids: IdGen::new(),
            envs: EnvCache::default(),
            secrets,
            paused: false,
            started: Instant::now(),
            timers: BinaryHeap::new(),
            wakes: Default::default(),
            stopping: None,
            finished_deps: HashMap::new(),
            dirty: BTreeSet::new(),
            replies: Vec::new(),
            events: Vec::new(),
            to_spawn: Vec::new(),
            cleanup: Vec::new(),
            flush_soon: true,
            monitor: crate::scheduler::ResourceMonitor::new(),
            last_readings: None,
            learned: HashMap::new(),
            learn_gen: 1,
            registry,
            circuits,
            limits,
            agent_runs: HashMap::new(),
            interest: Default::default(),
            spawner,
            streams: HashMap::new(),
            durations: HashMap::new(),
            fresh: Default::default(),
            finished_since_trim: 0,
            flows_touched: BTreeSet::new(),
            slurm,
            journal: super::journal::Journal::new(history),
            upkeep,
        };
        actor.load()?;
        // A worker that died mid-flow left decisions to take: look at every running flow.
        for flow in actor.store.flows(true, usize::MAX)? {
            actor.flows_touched.insert(flow.id);
        }
        // Sealed values left by tasks that ended while no worker watched.
        actor.store.forget_unused_secrets()?;
        Ok(actor)
    }

    /// Run until asked to stop. Returns an error only when the database cannot be written:
    /// the caller exits, and the next worker recovers everything from the database and the
    /// supervisors' exit files.
    pub fn run(mut self, rx: Receiver<Msg>) -> Result<()> {
        loop {
            let first = if self.flush_soon {
                match rx.try_recv() {
                    Ok(m) => Some(m),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => return Ok(()),
                }
            } else {
                match self.next_timer() {
                    Some(at) => {
                        let wait = Duration::from_millis((at - now_ms()).max(0) as u64);
                        match rx.recv_timeout(wait) {
                            Ok(m) => Some(m),
                            Err(RecvTimeoutError::Timeout) => None,
                            Err(RecvTimeoutError::Disconnected) => return Ok(()),
                        }
                    }
                    None => {
                        self.trim_when_idle();
                        match rx.recv() {
                            Ok(m) => Some(m),
                            Err(_) => return Ok(()),
                        }
                    }
                }
            };
            let mut batch: Vec<Msg> = first.into_iter().collect();
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
                }
            }
            self.round(batch)?;
            match self.stopping {
                Some(Stopping::Now) => return Ok(()),
                Some(Stopping::AfterKill) if self.running_count() == 0 => return Ok(()),
                _ => {}
            }
        }
    }

    /// After a big queue has drained, give its memory back to the system before sleeping: the
    /// allocator keeps freed pages otherwise, and an idle worker should be small.
    fn trim_when_idle(&mut self) {
        if self.tasks.is_empty() && self.finished_since_trim >= 1_000 {
            self.finished_since_trim = 0;
            self.finished_deps.clear();
            self.durations.clear();
            self.store.shrink_memory();
            // SAFETY: malloc_trim only releases free heap memory.
            unsafe { libc::malloc_trim(0) };
        }
    }

    fn next_timer(&self) -> Option<i64> {
        self.timers.peek().map(|Reverse((at, _))| *at)
    }

    pub(super) fn add_timer(&mut self, at: i64, timer: Timer) {
        // Rounds may ask for the same wake-up again and again (an open circuit, a gate).
        if timer == Timer::Wake && !self.wakes.insert(at) {
            return;
        }
        self.timers.push(Reverse((at, timer)));
    }

    /// One group commit: apply the batch, admit, write, then act.
    fn round(&mut self, batch: Vec<Msg>) -> Result<()> {
        self.flush_soon = false;
        let now = now_ms();
        let round = self.store.begin_round()?;
        // A burst of writes to one log is read once per round.
        let mut outputs = std::collections::HashSet::new();
        // A round of only started supervisors and log growth changes nothing admission
        // looks at: the pass over the queue is skipped (a drain has one such round per task).
        let quiet = !batch.is_empty()
            && batch.iter().all(|m| matches!(m, Msg::Spawned { result: Ok(_), .. } | Msg::Output { .. }));
        for msg in batch {
            match msg {
                Msg::Request { req, reply, origin } => {
                    let response = self.on_request(req, origin, now);
                    self.replies.push((reply, response));
                }
                Msg::Exited { id, attempt, pid } => self.on_exit(&id, attempt, pid, now),
                Msg::Spawned { id, attempt, result } => self.on_spawned(&id, attempt, result, now),
                Msg::Output { file } => {
                    if outputs.insert(file.clone()) {
                        self.on_output(&file, now);
                    }
                }
                Msg::Slurm(reply) => self.on_slurm(reply, now),
            }
        }
        let woken = self.fire_timers(now);
        self.advance_flows(now);
        if !quiet || woken || !self.flows_touched.is_empty() {
            self.admit(now);
        }
        // Tasks queued before this round are on disk as pending: start them now, while this
        // round's commit is written, so starts and fsyncs overlap (adoption covers a crash in
        // between). A new submit waits for its commit: it must be durable before it runs.
        self.spawn_started(now, false);
        let saved = match self.save_dirty(now) {
            Ok(()) => self.store.commit(round),
            Err(e) => {
                self.store.rollback(round);
                Err(e)
            }
        };
        if let Err(e) = saved {
            for (reply, _) in self.replies.drain(..) {
                let _ = reply.send(Response::Error {
                    kind: crate::error::ErrorKind::Internal,
                    message: format!("the worker could not write its database: {e}"),
                });
            }
            return Err(e);
        }
        self.vacuum_if_pruned();
        for (reply, response) in self.replies.drain(..) {
            let _ = reply.send(response);
        }
        for event in self.events.drain(..) {
            let _ = self.hub.send(Arc::new(event));
        }
        self.journal.publish();
        for path in self.cleanup.drain(..) {
            let _ = std::fs::remove_file(path);
        }
        if std::mem::take(&mut self.secrets.checkpoint) {
            self.store.checkpoint();
        }
        self.spawn_started(now, true);
        self.fresh.clear();
        // Tasks ended after the planner ran (a failed start): decide in another round.
        self.flush_soon |= !self.flows_touched.is_empty();
        Ok(())
    }

    fn save_dirty(&mut self, now: i64) -> Result<()> {
        let dirty = std::mem::take(&mut self.dirty);
        for id in &dirty {
            let Some(live) = self.tasks.get_mut(id) else { continue };
            live.rec.eta_seconds = live.rec.eta_at(now);
            self.store.save(&live.rec)?;
            self.events.push(Event::Task { task: live.rec.view() });
        }
        self.forget_ended_secrets()?;
        // Finished tasks leave memory once written and published.
        self.tasks.retain(|_, live| !live.rec.state.is_finished());
        self.purge_timers();
        Ok(())
    }

    /// Fire the timers that are due; true when one may change what admission decides.
    fn fire_timers(&mut self, now: i64) -> bool {
        let mut woken = false;
        while let Some(Reverse((at, _))) = self.timers.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((at, timer))) = self.timers.pop() else { break };
            woken = true;
            match timer {
                Timer::Wake => {
                    self.wakes.remove(&at);
                }
                Timer::Timeout { id, attempt } => self.on_timeout(&id, attempt, now),
                Timer::Sigkill { id, attempt } => self.on_sigkill(&id, attempt),
                Timer::Reconcile => self.on_reconcile(now),
            }
        }
        woken
    }

    /// Timeouts and escalations of tasks that have ended stay in the heap until due (a heap
    /// cannot remove from the middle); when they outnumber the live ones, rebuild it.
    fn purge_timers(&mut self) {
        if self.timers.len() < 1024 || self.timers.len() < 4 * self.tasks.len() {
            return;
        }
        let tasks = &self.tasks;
        let live = |id: &String, attempt: &u32| {
            tasks.get(id).is_some_and(|l| l.rec.attempt == *attempt && !l.rec.state.is_finished())
        };
        let timers = std::mem::take(&mut self.timers);
        self.timers = timers
            .into_iter()
            .filter(|Reverse((_, timer))| match timer {
                Timer::Wake | Timer::Reconcile => true,
                Timer::Timeout { id, attempt } | Timer::Sigkill { id, attempt } => live(id, attempt),
            })
            .collect();
    }

    pub(super) fn running_count(&self) -> usize {
        self.tasks.values().filter(|l| l.rec.state == crate::model::TaskState::Running).count()
    }
}
