//! Tasks handed to an executor that runs them elsewhere, seen from the worker's core: an
//! admitted task takes the executor's slot, is handed over once that is committed, and the
//! executor's notes then say where it is. The end comes from the supervisor's exit record
//! first and the executor's word second.

use super::endings::outcome;
use super::routing::Launch;
use super::{Actor, Timer};
use crate::executor::{Note, Start};
use crate::model::TaskState;
use crate::store::{EventKind, TaskRecord};
use crate::worker::runner;
use serde_json::json;

impl Actor {
    /// Where a new task runs: `--on`, else its agent's profile, its class, `default_executor`.
    /// A task is refused at once when its executor cannot take tasks here.
    pub(super) fn settle_executor(&self, spec: &mut crate::model::TaskSpec) -> crate::error::Result<()> {
        let executor =
            spec.executor.unwrap_or_else(|| self.config.executor_for(&spec.agent, spec.class.as_deref()));
        if let Some(why) = self.executors.get(executor).unavailable() {
            return Err(crate::error::Error::usage(why));
        }
        spec.executor = Some(executor);
        if spec.sandbox.is_none() {
            let profile = self.config.sandbox_for(&spec.agent, spec.class.as_deref());
            spec.sandbox = profile
                .map(|p| crate::config::sandbox::SandboxSpec { profile: Some(p), ..Default::default() });
        }
        let backend = self.registry.get(&spec.agent).map(|d| d.backend.as_str());
        self.executors.settle_sandbox(spec, backend).map_err(crate::error::Error::usage)
    }

    /// Admitted by an executor that holds it: it waits with `waiting` as its reason and is
    /// handed over once this round is committed.
    pub(super) fn hand_over(&mut self, id: &str, waiting: String) {
        let Some(live) = self.queue.get_mut(id) else { return };
        live.reason_key = 0;
        live.rec.waiting_reason = Some(waiting);
        self.outbox.mark(id);
        self.outbox.spawn(id);
    }

    /// Hand an admitted task to its executor (from `spawn_started`).
    pub(super) fn start_elsewhere(
        &mut self,
        rec: &TaskRecord,
        launch: Launch,
        env: &[(String, String)],
        now: i64,
    ) {
        // The executor is asked for what admission would expect locally.
        let footprint = self.footprint_of(&rec.id);
        let id = rec.id.clone();
        let sent = self.start_of(rec, &launch, env, &footprint).and_then(|(start, offset)| {
            if let Some(live) = self.queue.get_mut(&id) {
                live.rec.log_offset = Some(offset);
            }
            self.executors.of_mut(rec).start(start)
        });
        match sent {
            Ok(()) => self.processes.expect(id, launch.stream),
            Err(e) => {
                self.executors.forget(&id);
                self.conclude(&id, TaskState::Failed, Some(e), None, None, now, now);
                self.outbox.rerun();
            }
        }
    }

    fn start_of<'a>(
        &self,
        rec: &'a TaskRecord,
        launch: &Launch,
        env: &[(String, String)],
        footprint: &crate::scheduler::Footprint,
    ) -> Result<(Start<'a>, u64), String> {
        let (_, log_offset) = runner::open_log(&self.paths, rec, None).map_err(|e| e.to_string())?;
        let exit_file = self.paths.exit_file(&rec.id, rec.attempt);
        let exe = std::env::current_exe().map_err(|e| format!("cannot find the smart-agents binary: {e}"))?;
        let mut supervisor = vec![
            exe.display().to_string(),
            crate::worker::supervise::ARG.to_string(),
            rec.id.clone(),
            rec.attempt.to_string(),
            exit_file.display().to_string(),
        ];
        supervisor.extend(launch.options.to_args());
        supervisor.push("--".into());
        supervisor.extend(launch.argv.iter().cloned());
        let mut env = env.to_vec();
        env.push(("SMART_AGENTS_TASK_ID".into(), rec.id.clone()));
        if let Some(home) = std::env::var_os("SMART_AGENTS_HOME") {
            env.push(("SMART_AGENTS_HOME".into(), home.to_string_lossy().into_owned()));
        }
        let start = Start {
            rec,
            supervisor,
            env,
            log: self.paths.task_log(&rec.id),
            exit_file,
            cpus: (footprint.cpus.ceil() as u32).max(1),
            // 0 is an unknown size: ask for nothing rather than for nothing at all.
            mem_bytes: (footprint.mem_bytes > 0).then_some(footprint.mem_bytes),
        };
        Ok((start, log_offset))
    }

    pub(super) fn on_executor(&mut self, reply: crate::executor::Reply, now: i64) {
        let notes = self.executors.answer(reply, now);
        self.apply_notes(notes, now);
    }

    /// A look an executor asked for is due.
    pub(super) fn on_look(&mut self, now: i64) {
        let notes = self.executors.look(now);
        self.apply_notes(notes, now);
    }

    pub(super) fn apply_notes(&mut self, notes: Vec<Note>, now: i64) {
        for note in notes {
            match note {
                Note::Queued { id, attempt, external_id, waiting, event } => {
                    self.queued(&id, attempt, (external_id, waiting), event, now)
                }
                Note::Waiting { id, text } => {
                    if let Some(live) = self.queue.get_mut(&id)
                        && live.rec.waiting_reason.as_deref() != Some(text.as_str())
                    {
                        live.rec.waiting_reason = Some(text);
                        self.outbox.mark(id);
                    }
                }
                Note::Running { id } => {
                    self.mark_running(&id, now);
                    // Inotify does not see writes made on other nodes: read the stream here too.
                    self.on_output(&format!("{id}.log"), now);
                }
                Note::Exited { id, attempt } => {
                    self.mark_running(&id, now);
                    self.on_exit(&id, attempt, 0, now);
                }
                Note::Ended { id, verdict } => self.ended_without_record(&id, verdict, now),
                Note::StartFailed { id, error } => self.start_failed(&id, error, now),
                Note::LookAt(at) => self.timers.add(at, Timer::Look),
                Note::Remove(path) => self.outbox.remove_after_commit(path),
            }
        }
    }

    fn queued(
        &mut self,
        id: &str,
        attempt: u32,
        (job, waiting): (String, String),
        event: EventKind,
        now: i64,
    ) {
        let Some(live) = self.queue.get_mut(id) else { return };
        if live.rec.attempt != attempt {
            return;
        }
        live.rec.external_id = Some(job.clone());
        live.rec.waiting_reason = Some(waiting);
        let data = json!({"job": job, "attempt": attempt});
        let _ = self.journal.add(&self.store, id, now, event, Some(data));
        self.outbox.mark(id);
    }

    fn start_failed(&mut self, id: &str, error: String, now: i64) {
        let Some(live) = self.queue.get(id) else { return };
        let kill = live.kill;
        self.processes.take_stream(id);
        let (state, reason) = match kill {
            Some(k) => outcome(None, Some(k)),
            None => (TaskState::Failed, Some(error)),
        };
        self.conclude(id, state, reason, None, kill, now, now);
    }

    /// The executor started the task: it runs.
    pub(super) fn mark_running(&mut self, id: &str, now: i64) {
        let Some(live) = self.queue.get_mut(id) else { return };
        if live.rec.state != TaskState::Pending {
            return;
        }
        let rec = &mut live.rec;
        rec.state = TaskState::Running;
        rec.started_at = Some(now);
        rec.waiting_reason = None;
        live.reason_key = 0;
        let (attempt, offset, timeout) = (rec.attempt, rec.log_offset.unwrap_or(0), rec.spec.timeout_ms);
        let data = json!({"attempt": attempt, "job": rec.external_id});
        let _ = self.journal.add(&self.store, id, now, EventKind::Started, Some(data));
        if let Some(ms) = timeout {
            self.timers.add(now + ms as i64, Timer::Timeout { id: id.to_string(), attempt });
        }
        if let Some((backend, side)) = self.processes.take_stream(id) {
            self.follow_stream(id, backend, side, offset, now);
        }
        self.outbox.mark(id);
    }

    /// The task ended and the supervisor left no exit record: the executor's verdict, unless
    /// the worker had asked it to stop.
    fn ended_without_record(
        &mut self,
        id: &str,
        verdict: Box<dyn FnOnce(&str) -> crate::executor::Ended + Send>,
        now: i64,
    ) {
        if let Some(run) = self.processes.unfollow(id) {
            let (events, _, _) = run.finish(None, None);
            self.apply_agent_events(id, events, now);
        }
        self.processes.take_stream(id);
        let Some(live) = self.queue.get(id) else { return };
        let kill = live.kill;
        let (state, reason, code) = match kill {
            Some(k) => {
                let (state, reason) = outcome(None, Some(k));
                (state, reason, None)
            }
            None => {
                let tail = runner::output_tail(&self.paths, id, live.rec.log_offset.unwrap_or(0), 8 * 1024);
                let ended = verdict(&tail);
                let state = if ended.cancelled { TaskState::Cancelled } else { TaskState::Failed };
                (state, Some(ended.reason), ended.code)
            }
        };
        self.conclude(id, state, reason, code, kill, now, now);
    }
}
