//! Tasks on the Slurm executor, seen from the worker's core: an admitted task is handed to
//! Slurm (a slot of `max_concurrent`), submitted once that is committed, and followed with one
//! poll per reconcile tick while any job is active (none otherwise). The end comes from the
//! supervisor's exit record first and Slurm's word second.

use super::actor::{Actor, KillReason, Timer};
use super::endings::outcome;
use super::routing::Launch;
use super::runner;
use super::slurm_link::{Cmd, Reply, Seen};
use crate::executor::slurm::{self, JobRequest};
use crate::executor::{Executor, JobPhase};
use crate::model::TaskState;
use crate::store::TaskRecord;
use serde_json::json;

/// The waiting reason between admission and `sbatch`'s answer.
pub(super) const SUBMITTING: &str = "slurm: submitting";
/// How soon after a cancel the job is looked at again.
const CANCEL_LOOK_MS: i64 = 500;

pub(super) fn executor_of(rec: &TaskRecord) -> Executor {
    rec.spec.executor.unwrap_or_default()
}

impl Actor {
    /// Where a new task runs: `--on`, else its agent's profile, its class, `default_executor`.
    /// A Slurm task is refused at once when `sbatch` cannot be found.
    pub(super) fn settle_executor(&self, spec: &mut crate::model::TaskSpec) -> crate::error::Result<()> {
        let executor =
            spec.executor.unwrap_or_else(|| self.config.executor_for(&spec.agent, spec.class.as_deref()));
        if executor == Executor::Slurm && slurm::program("sbatch").is_none() {
            return Err(crate::error::Error::usage(
                "executor slurm: `sbatch` is not on the worker's PATH; install Slurm's client tools, \
                 or run it with --on local",
            ));
        }
        spec.executor = Some(executor);
        Ok(())
    }

    /// Admitted: the task takes a Slurm slot and is submitted once this round is committed.
    pub(super) fn hand_to_slurm(&mut self, id: &str) {
        let Some(live) = self.queue.get_mut(id) else { return };
        live.reason_key = 0;
        live.rec.waiting_reason = Some(SUBMITTING.into());
        self.slurm.handed.insert(id.to_string(), live.rec.attempt);
        self.outbox.mark(id);
        self.outbox.spawn(id);
    }

    /// Write the job script and submit it (from `spawn_started`).
    pub(super) fn submit_job(
        &mut self,
        rec: &TaskRecord,
        launch: Launch,
        env: &[(String, String)],
        now: i64,
    ) {
        // `-c` and `--mem` ask Slurm for what admission would expect locally.
        let footprint = self.footprint_of(&rec.id);
        let prepared = self.job_request(rec, &launch, env, &footprint);
        let id = rec.id.clone();
        let sent = prepared.and_then(|(req, offset)| {
            if let Some(live) = self.queue.get_mut(&id) {
                live.rec.log_offset = Some(offset);
            }
            self.slurm.send(Cmd::Submit { id: id.clone(), attempt: rec.attempt, req: Box::new(req) })
        });
        match sent {
            Ok(()) => {
                self.processes.expect(id, launch.stream);
            }
            Err(e) => {
                self.slurm.handed.remove(&id);
                self.conclude(&id, TaskState::Failed, Some(format!("slurm: {e}")), None, None, now, now);
                self.outbox.rerun();
            }
        }
    }

    fn job_request(
        &self,
        rec: &TaskRecord,
        launch: &Launch,
        env: &[(String, String)],
        footprint: &crate::scheduler::Footprint,
    ) -> Result<(JobRequest, u64), String> {
        let (_, log_offset) = runner::open_log(&self.paths, rec, None).map_err(|e| e.to_string())?;
        let exit_file = self.paths.exit_file(&rec.id, rec.attempt);
        let _ = std::fs::remove_file(&exit_file);
        let exe = std::env::current_exe().map_err(|e| format!("cannot find the smart-agents binary: {e}"))?;
        let mut argv = vec![
            exe.display().to_string(),
            super::supervise::ARG.to_string(),
            rec.id.clone(),
            rec.attempt.to_string(),
            exit_file.display().to_string(),
        ];
        argv.extend(launch.options.to_args());
        argv.push("--".into());
        argv.extend(launch.argv.iter().cloned());
        let script = self.paths.runs_dir.join(format!("{}-{}.sbatch", rec.id, rec.attempt));
        write_script(&script, &slurm::job_script(&rec.id, rec.attempt, &argv))
            .map_err(|e| format!("cannot write the job script {}: {e}", script.display()))?;
        let mut env = env.to_vec();
        env.push(("SMART_AGENTS_TASK_ID".into(), rec.id.clone()));
        if let Some(home) = std::env::var_os("SMART_AGENTS_HOME") {
            env.push(("SMART_AGENTS_HOME".into(), home.to_string_lossy().into_owned()));
        }
        let spec = &rec.spec;
        let req = JobRequest {
            task_id: rec.id.clone(),
            script,
            log: self.paths.task_log(&rec.id),
            cwd: spec.cwd.clone(),
            cpus: (footprint.cpus.ceil() as u32).max(1),
            // 0 is an unknown size: ask for nothing rather than for nothing at all.
            mem_bytes: (footprint.mem_bytes > 0).then_some(footprint.mem_bytes),
            timeout_ms: spec.timeout_ms,
            env,
        };
        Ok((req, log_offset))
    }

    pub(super) fn on_slurm(&mut self, reply: Reply, now: i64) {
        match reply {
            Reply::Submitted { id, attempt, result } => self.on_submitted(&id, attempt, result, now),
            Reply::Polled(result) => {
                self.slurm.polling = false;
                match result {
                    Ok(seen) => {
                        self.slurm.last_error = None;
                        for s in seen {
                            self.on_seen(s, now);
                        }
                    }
                    // Said once, not every tick: the tasks stay as they are until Slurm answers.
                    Err(e) if self.slurm.last_error.as_ref() != Some(&e) => {
                        eprintln!("smart-agents worker: cannot reach Slurm: {e}");
                        self.slurm.last_error = Some(e);
                    }
                    Err(_) => {}
                }
                self.schedule_tick(now + self.slurm.settings.reconcile_ms());
            }
            Reply::CancelFailed { job, error } => {
                eprintln!("smart-agents worker: cancelling Slurm job {job}: {error}");
            }
        }
    }

    fn on_submitted(&mut self, id: &str, attempt: u32, result: Result<String, String>, now: i64) {
        let Some(live) = self.queue.get_mut(id) else { return };
        if live.rec.attempt != attempt || !self.slurm.handed.contains_key(id) {
            return;
        }
        match result {
            Ok(job) => {
                live.rec.external_id = Some(job.clone());
                live.rec.waiting_reason = Some("slurm: queued".into());
                if live.kill.is_some() {
                    let _ = self.slurm.send(Cmd::Cancel { job: job.clone(), signal: None });
                }
                let _ = self.journal.add(
                    &self.store,
                    id,
                    now,
                    crate::store::EventKind::SlurmSubmitted,
                    Some(json!({"job": job, "attempt": attempt})),
                );
                self.outbox.mark(id);
                self.schedule_tick(now + self.slurm.settings.reconcile_ms());
            }
            Err(e) => {
                let kill = live.kill;
                self.slurm.handed.remove(id);
                self.processes.take_stream(id);
                let (state, reason) = match kill {
                    Some(k) => outcome(None, Some(k)),
                    None => (TaskState::Failed, Some(format!("slurm: {e}"))),
                };
                self.conclude(id, state, reason, None, kill, now, now);
            }
        }
    }

    /// Look at the active jobs again at `at`, unless a look is already set for earlier.
    pub(super) fn schedule_tick(&mut self, at: i64) {
        if self.slurm.handed.is_empty() || self.slurm.tick_at.is_some_and(|t| t <= at) {
            return;
        }
        self.slurm.tick_at = Some(at);
        self.timers.add(at, Timer::Reconcile);
    }

    pub(super) fn on_reconcile(&mut self, now: i64) {
        if self.slurm.tick_at.is_some_and(|t| t > now) {
            return; // a later look replaced this one
        }
        self.slurm.tick_at = None;
        if self.slurm.polling {
            return;
        }
        let jobs: Vec<String> =
            self.slurm.handed.keys().filter_map(|id| self.queue.get(id)?.rec.external_id.clone()).collect();
        if jobs.is_empty() {
            return; // only submits in flight: their answers set the next look
        }
        self.slurm.polling = self.slurm.send(Cmd::Poll { jobs }).is_ok();
    }

    fn on_seen(&mut self, seen: Seen, now: i64) {
        let found = self.slurm.handed.iter().find(|(id, attempt)| {
            self.queue.get(id).is_some_and(|l| {
                l.rec.attempt == **attempt && l.rec.external_id.as_deref() == Some(seen.job.as_str())
            })
        });
        let Some((id, attempt)) = found.map(|(id, a)| (id.clone(), *a)) else { return };
        if self.paths.exit_file(&id, attempt).exists() {
            self.release(&id, attempt);
            self.mark_running(&id, now);
            self.on_exit(&id, attempt, 0, now);
            return;
        }
        match seen.info.as_ref().map(|i| i.phase) {
            Some(JobPhase::Queued) => {
                let why = seen.info.and_then(|i| i.reason).unwrap_or_else(|| "None".into());
                let text = format!("slurm: queued ({why})");
                if let Some(live) = self.queue.get_mut(&id)
                    && live.rec.waiting_reason.as_deref() != Some(text.as_str())
                {
                    live.rec.waiting_reason = Some(text);
                    self.outbox.mark(id);
                }
            }
            Some(JobPhase::Running) => {
                self.mark_running(&id, now);
                // Inotify does not see writes made on other nodes: read the stream here too.
                self.on_output(&format!("{id}.log"), now);
            }
            Some(JobPhase::Ended) | None => {
                self.release(&id, attempt);
                self.ended_without_record(&id, &seen, now);
            }
        }
    }

    fn release(&mut self, id: &str, attempt: u32) {
        self.slurm.handed.remove(id);
        self.outbox.remove_after_commit(self.paths.runs_dir.join(format!("{id}-{attempt}.sbatch")));
    }

    /// Slurm started the job: the task runs.
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
        let _ = self.journal.add(&self.store, id, now, crate::store::EventKind::Started, Some(data));
        if let Some(ms) = timeout {
            self.timers.add(now + ms as i64, Timer::Timeout { id: id.to_string(), attempt });
        }
        if let Some((backend, side)) = self.processes.take_stream(id) {
            self.follow_stream(id, backend, side, offset, now);
        }
        self.outbox.mark(id);
    }

    /// The job ended and the supervisor left no exit record: it was killed with the job
    /// (memory limit, time limit, node failure) or never ran.
    fn ended_without_record(&mut self, id: &str, seen: &Seen, now: i64) {
        if let Some(run) = self.processes.unfollow(id) {
            let (events, _, _) = run.finish(None, None);
            self.apply_agent_events(id, events, now);
        }
        self.processes.take_stream(id);
        let Some(live) = self.queue.get(id) else { return };
        let kill = live.kill;
        let tail = runner::output_tail(&self.paths, id, live.rec.log_offset.unwrap_or(0), 8 * 1024);
        let (state, reason, code) = match kill {
            Some(k) => {
                let (state, reason) = outcome(None, Some(k));
                (state, reason, None)
            }
            None => {
                let (cancelled, reason) = crate::executor::slurm_verdict(&seen.job, seen.end.as_ref(), &tail);
                let state = if cancelled { TaskState::Cancelled } else { TaskState::Failed };
                (state, Some(reason), seen.end.as_ref().and_then(|e| e.code).filter(|c| *c != 0))
            }
        };
        self.conclude(id, state, reason, code, kill, now, now);
    }

    /// `cancel` (or a timeout, or `worker stop --kill`) of a task handed to Slurm.
    pub(super) fn cancel_slurm(&mut self, id: &str, reason: KillReason, now: i64) -> String {
        let Some(live) = self.queue.get_mut(id) else { return "not_found".into() };
        if live.kill.is_none() {
            live.kill = Some(reason);
            let attempt = live.rec.attempt;
            if let Some(job) = live.rec.external_id.clone() {
                let _ = self.slurm.send(Cmd::Cancel { job, signal: None });
            }
            let grace = self.config.limits.kill_grace().as_millis() as i64;
            self.timers.add(now + grace, Timer::Sigkill { id: id.to_string(), attempt });
            let data = json!({"attempt": attempt, "kill": reason.to_json()});
            let _ =
                self.journal.add(&self.store, id, now, crate::store::EventKind::CancelRequested, Some(data));
            let soon = now + CANCEL_LOOK_MS.min(self.slurm.settings.reconcile_ms());
            self.slurm.tick_at = self.slurm.tick_at.filter(|t| *t <= soon);
            self.schedule_tick(soon);
        }
        "cancelling".into()
    }

    /// The grace period after a cancel ran out: no more waiting on the job's own handlers.
    pub(super) fn kill_slurm(&mut self, id: &str) {
        if let Some(job) = self.queue.get(id).and_then(|l| l.rec.external_id.clone()) {
            let _ = self.slurm.send(Cmd::Cancel { job, signal: Some("KILL") });
        }
    }
}

fn write_script(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o700).open(path)?;
    file.write_all(text.as_bytes())
}
