//! How a task moves: submitted → pending → running → completed | failed | cancelled, with
//! retries going back to pending. Each change is written with an event row in the round's
//! transaction.

use super::{Actor, Live, Timer};
use crate::error::Result;
use crate::model::{TaskSpec, TaskState};
use crate::store::{EventKind, NewTask, TaskRecord};
use crate::worker::durations::HISTORY;
use crate::worker::messages::Msg;
use crate::worker::runner;
use crate::worker::spawner;
use serde_json::json;
use std::sync::Arc;

impl Actor {
    pub(super) fn submit(&mut self, mut spec: TaskSpec, now: i64) -> Result<String> {
        // The same submit sent again after a lost connection: answer with what it queued.
        if let Some(request) = &spec.request_id
            && let Some(id) = self.store.task_by_request(request)?
        {
            return Ok(id);
        }
        spec.validate()?;
        self.link_parent(&mut spec)?;
        self.route(&mut spec, now)?;
        self.settle_executor(&mut spec)?;
        spec.needs_timeout_ms = spec.needs_timeout_ms.or(self.config.needs_timeout_ms());
        let mut after = Vec::with_capacity(spec.after.len());
        for typed in &spec.after {
            after.push(self.resolve(typed)?);
        }
        spec.after = after;
        let id = loop {
            let id = self.ids.next_id();
            if !self.queue.contains(&id) && self.store.task(&id)?.is_none() {
                break id;
            }
        };
        let env = std::mem::take(&mut spec.env);
        let asks = self.inherited_asks(spec.resume_of.as_deref());
        let mut rec = TaskRecord {
            seq: 0,
            id: id.clone(),
            description: spec.description.clone(),
            agent: spec.agent.clone(),
            priority: spec.priority,
            class: spec.class.clone(),
            state: TaskState::Pending,
            waiting_reason: None,
            reason: None,
            progress: None,
            step: None,
            eta_seconds: None,
            attempt: 1,
            created_at: now,
            started_at: None,
            finished_at: None,
            not_before: spec.not_before_ms,
            exit_code: None,
            pid: None,
            pid_start: None,
            log_offset: None,
            typical_ms: None,
            session_id: None,
            output: None,
            metrics: Default::default(),
            artifacts: Default::default(),
            todos: Vec::new(),
            external_id: None,
            footprint: None,
            peak: None,
            asks,
            spec,
        };
        self.check_launch(&rec)?;
        let env_hash = self.store_env(&env)?;
        rec.seq = self.store.insert_task(&NewTask {
            id: &id,
            spec: &rec.spec,
            created_at: now,
            env_hash: Some(&env_hash),
        })?;
        self.journal.add(&self.store, &id, now, crate::store::EventKind::Submitted, None)?;
        if let Some(at) = rec.not_before {
            self.timers.add(at, Timer::Wake);
        }
        self.queue.enqueue(id.clone(), Live::new(rec, Some(Arc::new(env)), now));
        self.outbox.mark(id.clone());
        Ok(id)
    }

    /// Start the supervisors of the tasks admitted this round; those queued in this very round
    /// only once `committed`.
    pub(super) fn spawn_started(&mut self, now: i64, committed: bool) {
        // A task is handed to its executor only once the hand-over is on disk: a worker
        // restarted in between finds it there (e.g. by its job comment).
        let (queue, executors) = (&self.queue, &self.executors);
        let ready = self.outbox.spawns_ready(|id| !committed && (queue.is_fresh(id) || executors.holds(id)));
        for id in ready {
            let env = match self.env_of(&id) {
                Ok(env) => env,
                Err(e) => {
                    self.finish(&id, TaskState::Failed, Some(e.to_string()), None, now);
                    self.outbox.rerun();
                    continue;
                }
            };
            let launch = match self.queue.get(&id).map(|live| self.launch(&live.rec)) {
                Some(Ok(launch)) => launch,
                Some(Err(e)) => {
                    self.finish(&id, TaskState::Failed, Some(e.to_string()), None, now);
                    self.outbox.rerun();
                    continue;
                }
                None => continue,
            };
            let Some(rec) = self.queue.get(&id).map(|live| live.rec.clone()) else { continue };
            if self.executors.holds(&id) {
                self.start_elsewhere(&rec, launch, &env, now);
                continue;
            }
            if let Some(timeout) = rec.spec.timeout_ms {
                let at = rec.started_at.unwrap_or(now) + timeout as i64;
                self.timers.add(at, Timer::Timeout { id: id.clone(), attempt: rec.attempt });
            }
            let mut options = launch.options;
            let asked = crate::executor::HereStart { argv: launch.argv, mem_limit: options.mem_limit };
            let argv = match self.executors.of(&rec).start_here(&rec, asked) {
                Ok(start) => {
                    options.mem_limit = start.mem_limit;
                    start.argv
                }
                Err(e) => {
                    self.finish(&id, TaskState::Failed, Some(e), None, now);
                    self.outbox.rerun();
                    continue;
                }
            };
            let job = spawner::Job { rec, argv, options, env };
            if !self.processes.start(id.clone(), launch.stream, job) {
                self.finish(&id, TaskState::Failed, Some("the worker is stopping".into()), None, now);
                self.outbox.rerun();
            }
        }
    }

    /// A supervisor started (or could not be).
    pub(super) fn on_spawned(
        &mut self,
        id: &str,
        attempt: u32,
        result: Result<runner::Started, String>,
        now: i64,
    ) {
        let stream = self.processes.take_stream(id);
        // Spent whether or not the start is still wanted.
        if let Ok(started) = &result {
            self.monitor.count_machinery(started.machinery);
        }
        let Some(live) = self.queue.get_mut(id) else { return };
        if live.rec.attempt != attempt || live.rec.state != TaskState::Running {
            return;
        }
        match result {
            Ok(started) => {
                live.rec.pid = Some(started.pid);
                live.rec.pid_start = started.pid_start;
                live.rec.log_offset = Some(started.log_offset);
                // Cancelled or timed out while it was being started: signal it now, and
                // escalate after the grace period as a cancel would.
                if live.kill.is_some() {
                    self.terminate_group(id, attempt, Some(started.pid), now);
                }
                if let Some((backend, side)) = stream {
                    self.follow_stream(id, backend, side, started.log_offset, now);
                }
                self.watch(id, attempt, started.pid);
                // Written in this round's commit, not left to ride on a later one: a worker
                // killed in between, with the supervisor, would find no trace of a command
                // that may still run, and start it a second time (tests/it/crash.rs).
                self.outbox.mark(id);
            }
            Err(e) => self.finish(id, TaskState::Failed, Some(e), None, now),
        }
    }

    /// Tell the actor when `pid` exits, without polling.
    pub(super) fn watch(&self, id: &str, attempt: u32, pid: i32) {
        let tx = self.tx.clone();
        let id = id.to_string();
        self.rt.spawn(async move {
            match crate::process::pidfd_open(pid) {
                Ok(fd) => {
                    // SAFETY: the OwnedFd moves into the AsyncFd and stays open until it drops.
                    let registered = unsafe {
                        tokio::io::unix::AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE)
                    };
                    match registered {
                        Ok(fd) => {
                            let _ = fd.readable().await;
                        }
                        Err(_) => runner::until_gone(pid).await,
                    }
                }
                // Already gone: report it now.
                Err(e) if e.raw_os_error() == Some(libc::ESRCH) => {}
                // Out of descriptors and the like: never call a live task ended.
                Err(_) => runner::until_gone(pid).await,
            }
            let _ = tx.send(Msg::Exited { id, attempt, pid });
        });
    }
}

impl Actor {
    /// Median duration of recent completed tasks like `rec` (at least three of them).
    pub(super) fn typical_ms(&mut self, agent: &str, class: Option<&str>) -> Option<u64> {
        let store = &self.store;
        let load = || store.recent_durations(agent, class, HISTORY).unwrap_or_default();
        self.durations.typical(agent, class, load)
    }

    /// New progress from the task itself or its agent's stream. History keeps a row per new
    /// step or per ten points, not one per tick.
    pub(super) fn set_progress(
        &mut self,
        id: &str,
        percent: Option<f64>,
        step: Option<String>,
        todos: Option<Vec<crate::model::Todo>>,
        now: i64,
    ) {
        let step = step.map(|s| self.masked(id, s));
        let Some(live) = self.queue.get_mut(id) else { return };
        let rec = &mut live.rec;
        let step_changed = step.is_some() && step != rec.step;
        let bucket = |p: Option<f64>| p.map(|p| (p / 10.0) as i64);
        if step_changed || (percent.is_some() && bucket(percent) != bucket(rec.progress)) {
            let data =
                json!({"progress": percent.or(rec.progress), "step": step.as_ref().or(rec.step.as_ref())});
            let kind = if step_changed { EventKind::Step } else { EventKind::Progress };
            let _ = self.journal.add(&self.store, id, now, kind, Some(data));
        }
        if percent.is_some() {
            rec.progress = percent;
        }
        if step.is_some() {
            rec.step = step;
        }
        if let Some(todos) = todos {
            rec.todos = todos;
        }
        self.outbox.mark(id);
    }
}
