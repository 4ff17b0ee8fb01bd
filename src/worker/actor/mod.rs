//! The worker's core: one thread that owns the queue and is the database's only writer.
//!
//! It sleeps on a channel until something happens (a request, a supervisor's exit, a timer
//! that is due), takes every message that is ready, applies them all in one transaction and
//! commits once (group commit), then answers, publishes and starts processes. Nothing here runs
//! on a fixed interval: an idle worker blocks in `recv` and costs no CPU.

mod admit;
mod adopt;
mod asks;
mod delegation;
mod drift;
mod endings;
mod flows;
mod footprints;
mod group_end;
mod handed;
mod history;
mod requests;
mod routing;
mod schedule_fire;
mod schedules;
mod secrets;
mod transitions;
mod usage_limits;
mod work_done;

use crate::config::Config;
use crate::error::Result;
use crate::ids::IdGen;
use crate::paths::Paths;
use crate::protocol::{Event, Request};
use crate::store::{EnvCache, Store, now_ms};
use crate::worker::Hub;
use crate::worker::messages::Msg;
use std::collections::{BTreeSet, HashMap};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};

use crate::worker::live::{KillReason, Live};
use crate::worker::timers::Timer;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stopping {
    /// Leave running tasks to the next worker.
    Now,
    /// Cancel running tasks, then stop once they have all ended.
    AfterKill,
}

pub struct Actor {
    paths: Paths,
    config: Config,
    store: Store,
    hub: Hub,
    rt: tokio::runtime::Handle,
    tx: Sender<Msg>,
    /// Pending and running tasks.
    queue: crate::worker::queue::Queue,
    ids: IdGen,
    envs: EnvCache,
    secrets: crate::worker::secret_state::SecretState,
    paused: bool,
    started: Instant,
    timers: crate::worker::timers::Timers,
    stopping: Option<Stopping>,
    /// Per-round work, let out after the commit.
    outbox: crate::worker::outbox::Outbox,
    monitor: crate::worker::monitor::ResourceMonitor,
    last_readings: Option<(Instant, crate::scheduler::Readings)>,
    /// Memory ended tasks freed that the reading does not show yet.
    freeing: crate::scheduler::freeing::Freeing,
    /// Recent attempts per kind (newest first, loaded on first use) and the footprint learned
    /// from them.
    learned: HashMap<String, crate::worker::footprint_history::History>,
    /// Bumped whenever a learned footprint changes: cached task footprints are then stale.
    learn_gen: u64,
    registry: crate::agents::Registry,
    circuits: crate::worker::circuits::Circuits,
    /// Usage-limit holds and today's spend per account.
    usage_limits: crate::worker::usage_limit_state::UsageLimitState,
    /// Supervisors being started and agent streams being followed.
    processes: crate::worker::processes::Processes,
    durations: crate::worker::durations::Durations,
    /// Flows whose tasks changed this round: the planner looks at them before admission.
    flows_touched: BTreeSet<String>,
    /// Where tasks run: this machine, or elsewhere.
    executors: crate::executor::ExecutorSet,
    journal: crate::worker::journal::Journal,
    upkeep: crate::worker::upkeep::Upkeep,
    /// Schedules and their wall-clock alarm.
    schedules: crate::worker::schedules::Schedules,
    /// Tasks waiting for a person's answer, and where to send it.
    askers: crate::worker::askers::Askers,
}

/// At most this many messages go into one transaction, so replies stay prompt under a flood.
const MAX_BATCH: usize = 1024;

impl Actor {
    pub fn new(
        paths: Paths,
        config: Config,
        store: Store,
        hub: Hub,
        history: crate::worker::journal::HistoryHub,
        rt: tokio::runtime::Handle,
        tx: Sender<Msg>,
    ) -> Result<Actor> {
        let registry = crate::agents::Registry::new(&config)?;
        let spares = std::sync::Arc::new(crate::worker::spares::Spares::new(&paths.runs_dir));
        let spawner = crate::worker::spawner::start(paths.clone(), tx.clone(), spares.clone())?;
        let circuits =
            crate::worker::circuits::Circuits::new(config.circuit.failures, config.circuit.open_seconds);
        let answer = {
            let tx = tx.clone();
            std::sync::Arc::new(move |reply| tx.send(Msg::Executor(reply)).is_ok())
        };
        let executors = crate::executor::ExecutorSet::new(&config, &paths, answer);
        let usage_limits = crate::worker::usage_limit_state::UsageLimitState::new(&config);
        let secrets = crate::worker::secret_state::SecretState::new(&paths, &config);
        let upkeep = crate::worker::upkeep::Upkeep::new(&store)?;
        let schedules = crate::worker::schedules::Schedules::load(&store, tx.clone())?;
        let mut actor = Actor {
            paths,
            config,
            store,
            hub,
            rt,
            tx,
            queue: Default::default(),
            ids: IdGen::new(),
            envs: EnvCache::default(),
            secrets,
            paused: false,
            started: Instant::now(),
            timers: Default::default(),
            stopping: None,
            outbox: crate::worker::outbox::Outbox::new(),
            monitor: crate::worker::monitor::ResourceMonitor::new(),
            last_readings: None,
            freeing: Default::default(),
            learned: HashMap::new(),
            learn_gen: 1,
            registry,
            circuits,
            usage_limits,
            processes: crate::worker::processes::Processes::new(spawner, spares),
            durations: Default::default(),
            flows_touched: BTreeSet::new(),
            executors,
            journal: crate::worker::journal::Journal::new(history),
            upkeep,
            schedules,
            askers: Default::default(),
        };
        actor.load()?;
        // A worker that died mid-flow left decisions to take: look at every running flow.
        for flow in actor.store.flows(true, usize::MAX)? {
            actor.flows_touched.insert(flow.id);
        }
        // Windows that passed while no worker ran are found in the first round.
        if !actor.schedules.is_empty() {
            actor.timers.add(now_ms(), Timer::Wake);
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
            let first = if self.outbox.wants_rerun() {
                match rx.try_recv() {
                    Ok(m) => Some(m),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => return Ok(()),
                }
            } else {
                match self.timers.next() {
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
                Some(Stopping::AfterKill) if self.queue.running_count() == 0 => return Ok(()),
                _ => {}
            }
        }
    }

    /// Which agent logs the output watch should report on.
    pub fn output_interest(&self) -> crate::worker::output_watch::Interest {
        self.processes.interest()
    }

    /// After a big queue has drained, give its memory back to the system before sleeping: the
    /// allocator keeps freed pages otherwise, and an idle worker should be small.
    fn trim_when_idle(&mut self) {
        if self.queue.trim() {
            self.durations.clear();
            self.store.shrink_memory();
            // SAFETY: malloc_trim only releases free heap memory.
            unsafe { libc::malloc_trim(0) };
        }
    }

    /// One group commit: apply the batch, admit, write, then act.
    fn round(&mut self, batch: Vec<Msg>) -> Result<()> {
        self.outbox.rerun_done();
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
                Msg::Request { req: Request::Ask { id, question }, reply, origin } => {
                    self.journal.caused_by(origin);
                    self.on_ask(&id, *question, reply, now);
                    self.journal.caused_by(None);
                }
                Msg::Request { req, reply, origin } => {
                    let response = self.on_request(req, origin, now);
                    self.outbox.reply(reply, response);
                }
                Msg::Exited { id, attempt, pid } => self.on_exit(&id, attempt, pid, now),
                Msg::Spawned { id, attempt, result } => self.on_spawned(&id, attempt, result, now),
                Msg::Output { file } => {
                    if outputs.insert(file.clone()) {
                        self.on_output(&file, now);
                    }
                }
                Msg::Executor(reply) => self.on_executor(reply, now),
                Msg::WallClock { jumped } => self.schedules.on_wall_clock(jumped),
            }
        }
        let woken = self.fire_timers(now);
        self.run_schedules(now);
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
            self.outbox.fail(&format!("the worker could not write its database: {e}"));
            return Err(e);
        }
        self.vacuum_if_pruned();
        self.outbox.deliver(&self.hub, &mut self.journal, self.processes.spares());
        if std::mem::take(&mut self.secrets.checkpoint) {
            self.store.checkpoint();
        }
        self.spawn_started(now, true);
        self.queue.committed();
        // Tasks ended after the planner ran (a failed start): decide in another round.
        if !self.flows_touched.is_empty() {
            self.outbox.rerun();
        }
        Ok(())
    }

    fn save_dirty(&mut self, now: i64) -> Result<()> {
        for id in &self.outbox.take_dirty() {
            let Some(live) = self.queue.get_mut(id) else { continue };
            live.rec.eta_seconds = live.rec.eta_at(now);
            self.store.save(&live.rec)?;
            self.outbox.publish(Event::Task { task: live.rec.view(now) });
        }
        self.forget_ended_secrets()?;
        self.queue.drop_finished();
        let queue = &self.queue;
        self.timers.purge(queue.len(), |id, attempt| queue.is_live(id, attempt));
        Ok(())
    }

    /// Fire the timers that are due; true when one may change what admission decides.
    fn fire_timers(&mut self, now: i64) -> bool {
        let mut woken = false;
        while let Some(timer) = self.timers.pop_due(now) {
            woken = true;
            match timer {
                Timer::Wake => {}
                Timer::Timeout { id, attempt } => self.on_timeout(&id, attempt, now),
                Timer::Sigkill { id, attempt } => self.on_sigkill(&id, attempt, now),
                Timer::Look => self.on_look(now),
                Timer::NeedsTimeout { id, since } => self.on_needs_timeout(&id, since, now),
            }
        }
        woken
    }
}
