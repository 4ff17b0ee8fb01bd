//! How a running task ends: its supervisor's exit read into a verdict, cancels, timeouts and
//! the SIGKILL after the grace, retries (later, with backoff, or at once on `retry`).

use super::{Actor, KillReason, Live, Timer};
use crate::error::{Error, Result};
use crate::executor::Stop;
use crate::model::TaskState;
use crate::store::{EventKind, TaskRecord};
use crate::worker::runner;
use crate::worker::supervise::ExitRecord;
use serde_json::json;

/// A supervisor's CPU counts as spent within this many seconds before its task ended.
const MACHINERY_WINDOW_SECONDS: f64 = 2.0;

/// Output kept in the database per task: the tail, where errors and summaries are.
const OUTPUT_CAP: u64 = 64 * 1024;

impl Actor {
    /// The supervisor's own CPU, which the CPU gate leaves out. Only the share spent in its
    /// last moments is current: a long task's supervisor spread its time over the whole run.
    fn count_supervisor_cpu(&mut self, record: Option<&ExitRecord>, ran_ms: i64) {
        if let Some(cpu) = record.and_then(|r| r.supervisor_cpu_seconds) {
            let wall = ran_ms.max(1) as f64 / 1000.0;
            let recent = cpu * (MACHINERY_WINDOW_SECONDS / wall).min(1.0);
            // A record is a file: a negative or absurd figure counts as nothing.
            self.monitor.count_machinery(std::time::Duration::try_from_secs_f64(recent).unwrap_or_default());
        }
    }

    pub(super) fn on_exit(&mut self, id: &str, attempt: u32, pid: i32, now: i64) {
        runner::reap(pid);
        let Some(live) = self.queue.get(id) else { return };
        if live.rec.attempt != attempt || live.rec.state != TaskState::Running {
            return;
        }
        let exit_file = self.paths.exit_file(id, attempt);
        let record = ExitRecord::read(&exit_file);
        let pgid = live.rec.pid.unwrap_or(pid);
        if record.is_none() && self.end_leftovers(id, attempt, pgid, now) {
            return;
        }
        let Some(live) = self.queue.get(id) else { return };
        self.outbox.spent(exit_file);
        let finished_at = record.as_ref().map_or(now, |r| r.finished_at);
        let started_at = live.rec.started_at.unwrap_or(finished_at);
        let (kill, orphaned) = (live.kill, live.orphaned);
        self.count_supervisor_cpu(record.as_ref(), finished_at - started_at);
        self.record_peak(id, record.as_ref(), finished_at);
        self.note_freed(id);
        let (mut state, mut reason) = outcome(record.as_ref(), kill);
        if record.is_none() && kill.is_none() {
            reason = Some(super::group_end::lost_reason(orphaned));
        }
        let code = record.as_ref().and_then(|r| r.code);
        if let Some(r) = &record
            && let Some(live) = self.queue.get_mut(id)
        {
            if let Some(files) = &r.files {
                live.rec.artifacts.changes = files.len() as u32;
                live.rec.artifacts.files = files.clone();
            }
            live.rec.artifacts.worktree = r.worktree.clone();
        }
        let mut limit = None;
        if let Some(run) = self.processes.unfollow(id) {
            let (events, mut verdict, hit) = run.finish(code, record.as_ref().and_then(|r| r.signal));
            self.apply_agent_events(id, events, now);
            self.note_drift(id, std::mem::take(&mut verdict.unknown_events), now);
            // A limit holds the account, unless the user (or a timeout) ended the run.
            limit = hit.filter(|_| matches!(kill, None | Some(KillReason::Limit)));
            // The stream's verdict decides, unless we ended it or it never started.
            if kill.is_none() && record.as_ref().is_some_and(|r| r.error.is_none()) {
                state = if verdict.success { TaskState::Completed } else { TaskState::Failed };
                reason = verdict.reason.clone();
            }
            self.note_usage(id, verdict.tokens_used, verdict.cost_usd, now);
            if let Some(live) = self.queue.get_mut(id) {
                let rec = &mut live.rec;
                rec.output = Some(verdict.output);
                rec.metrics.agents_involved = verdict.agents_involved.max(rec.metrics.agents_involved);
                rec.session_id = verdict.session_id.or(rec.session_id.take());
            }
            // Only the agent's own failures count against its circuit; a limit is no failure.
            if kill.is_none() && limit.is_none() {
                self.count_for_circuit(id, state == TaskState::Completed, now);
            }
        }
        if let Some(hit) = limit {
            return self.hold_for_limit(id, &hit, now);
        }
        if let Some(over) = self.over_budget(id, reason.as_deref()) {
            (state, reason) = (TaskState::Failed, Some(over));
        }
        match kill {
            None => self.limit_through(id, now),
            Some(_) => self.limit_trial_gone(id),
        }
        self.conclude(id, state, reason, code, kill, finished_at, now);
    }

    /// An agent's own result counts toward its circuit; a change of the circuit is recorded.
    fn count_for_circuit(&mut self, id: &str, completed: bool, now: i64) {
        let agent = self.queue.get(id).map(|l| l.rec.agent.clone()).unwrap_or_default();
        if let Some(changed) = self.circuits.on_result(&agent, completed, now) {
            let data = json!({"agent": agent, "circuit": changed.as_str(), "task": id});
            let _ =
                self.journal.add(&self.store, &format!("agent:{agent}"), now, EventKind::Circuit, Some(data));
            let _ = self.store.set_meta("circuits", &self.circuits.save());
        }
    }

    /// An attempt ended: retry it when it failed and has retries left, else finish the task.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn conclude(
        &mut self,
        id: &str,
        state: TaskState,
        reason: Option<String>,
        code: Option<i32>,
        kill: Option<KillReason>,
        finished_at: i64,
        now: i64,
    ) {
        let Some(live) = self.queue.get(id) else { return };
        // A timeout is a failed attempt like any other; a cancel is the user's word.
        let retriable = matches!(kill, None | Some(KillReason::Timeout(_)));
        // Parts stopped by a usage limit do not use up retries.
        let parts = live.rec.metrics.carried.as_ref().map_or(0, |c| c.parts);
        if state == TaskState::Failed && retriable && live.rec.attempt - parts <= live.rec.spec.retries {
            self.retry_later(id, reason.unwrap_or_default(), code, now);
        } else {
            self.finish(id, state, reason, code, finished_at);
        }
    }

    /// End a task for good.
    pub(super) fn finish(
        &mut self,
        id: &str,
        state: TaskState,
        reason: Option<String>,
        code: Option<i32>,
        at: i64,
    ) {
        // Whatever the path here, it no longer holds an executor's slot.
        self.executors.forget(id);
        self.forget_asker(id);
        let Some(live) = self.queue.get_mut(id) else { return };
        let rec = &mut live.rec;
        rec.state = state;
        rec.reason = reason;
        rec.exit_code = code;
        rec.finished_at = Some(at);
        rec.waiting_reason = None;
        rec.eta_seconds = None;
        rec.asks.close(at);
        if let Some(started) = rec.started_at {
            rec.metrics.duration_ms = Some((at - started).max(0) as u64);
        }
        if rec.started_at.is_some() && rec.output.is_none() {
            rec.output = Some(runner::output_tail(&self.paths, id, rec.log_offset.unwrap_or(0), OUTPUT_CAP));
        }
        self.secrets_on_finish(id);
        let Some(live) = self.queue.get_mut(id) else { return };
        let rec = &mut live.rec;
        if state == TaskState::Completed && rec.progress.is_some() {
            rec.progress = Some(100.0);
        }
        if let (TaskState::Completed, Some(ms)) = (state, rec.metrics.duration_ms) {
            self.durations.record(&rec.agent, rec.class.as_deref(), ms);
        }
        self.upkeep.on_finish(&rec.agent, state, &rec.metrics);
        let data = json!({"state": state, "reason": rec.reason, "exit_code": code, "attempt": rec.attempt});
        if let Err(e) = self.journal.add(&self.store, id, at, EventKind::Finished, Some(data)) {
            eprintln!("smart-agents worker: recording the end of {id}: {e}");
        }
        self.queue.finished(id, state);
        if let Some(flow) = self.queue.get(id).and_then(|l| l.rec.spec.flow_id.clone()) {
            self.flows_touched.insert(flow);
        }
        self.outbox.mark(id);
    }

    /// A failed attempt with retries left goes back to pending after a backoff.
    fn retry_later(&mut self, id: &str, reason: String, code: Option<i32>, now: i64) {
        let reason = self.masked(id, reason);
        let jitter = self.ids.next_u64();
        self.executors.forget(id);
        let Some(live) = self.queue.get_mut(id) else { return };
        let rec = &mut live.rec;
        let data = json!({"attempt": rec.attempt, "reason": reason, "exit_code": code});
        let _ = self.journal.add(&self.store, id, now, EventKind::AttemptFailed, Some(data));
        let delay = backoff_ms(rec.attempt, jitter);
        rec.attempt += 1;
        reset_for_attempt(rec);
        rec.not_before = Some(now + delay);
        live.enqueued_at = now;
        live.kill = None;
        live.orphaned = false;
        let at = now + delay;
        self.timers.add(at, Timer::Wake);
        self.outbox.mark(id);
    }

    pub(super) fn cancel(&mut self, id: &str, reason: KillReason, now: i64) -> String {
        let Some(live) = self.queue.get_mut(id) else {
            return match self.store.task(id) {
                Ok(Some(rec)) => rec.state.to_string(),
                _ => "not_found".to_string(),
            };
        };
        // A task its executor holds is stopped there, even before it runs.
        let held = self.executors.holds(id);
        match live.rec.state {
            _ if held => self.stop(id, reason, now),
            TaskState::Pending => {
                self.finish(id, TaskState::Cancelled, Some("cancelled by user".into()), None, now);
                "cancelled".into()
            }
            TaskState::Running => self.stop(id, reason, now),
            state => state.to_string(),
        }
    }

    pub(super) fn on_timeout(&mut self, id: &str, attempt: u32, now: i64) {
        let Some(live) = self.queue.get(id) else { return };
        if live.rec.attempt != attempt || live.rec.state != TaskState::Running || live.kill.is_some() {
            return;
        }
        if self.timeout_postponed(id, now) {
            return;
        }
        let limit = live.rec.spec.timeout_ms.unwrap_or(0);
        let data = json!({"attempt": attempt, "timeout_ms": limit});
        let _ = self.journal.add(&self.store, id, now, EventKind::TimedOut, Some(data));
        self.cancel(id, KillReason::Timeout(limit), now);
    }

    pub(super) fn on_sigkill(&mut self, id: &str, attempt: u32, now: i64) {
        let Some(live) = self.queue.get(id).filter(|l| l.rec.attempt == attempt) else { return };
        let notes = self.executors.of_mut(&live.rec).stop(&live.rec, Stop::Kill, now);
        self.apply_notes(notes, now);
    }

    /// Run a finished failed or cancelled task again as a new attempt.
    pub(super) fn retry_now(&mut self, id: &str, caller_env: &[(String, String)], now: i64) -> Result<()> {
        if let Some(live) = self.queue.get(id) {
            return Err(Error::usage(format!("task {id} is still {}: nothing to retry", live.rec.state)));
        }
        let mut rec =
            self.store.task(id)?.ok_or_else(|| Error::not_found(format!("no task with id '{id}'")))?;
        if rec.state == TaskState::Completed {
            return Err(Error::usage(format!("task {id} completed: nothing to retry")));
        }
        let env = self.refill_secrets(id, caller_env)?;
        let was = rec.state;
        rec.attempt += 1;
        reset_for_attempt(&mut rec);
        rec.not_before = None;
        self.journal.add(&self.store, id, now, EventKind::Retry, Some(json!({"attempt": rec.attempt})))?;
        self.upkeep.on_retry(was);
        self.queue.enqueue(id.to_string(), Live::new(rec, env, now));
        self.outbox.mark(id);
        Ok(())
    }
}

pub(super) fn reset_for_attempt(rec: &mut TaskRecord) {
    rec.state = TaskState::Pending;
    rec.started_at = None;
    rec.finished_at = None;
    rec.exit_code = None;
    rec.reason = None;
    rec.pid = None;
    rec.pid_start = None;
    rec.log_offset = None;
    rec.progress = None;
    rec.step = None;
    rec.output = None;
    rec.todos.clear();
    rec.external_id = None;
}

/// 2 s, 4 s, 8 s … ±10 %, capped at five minutes.
pub(super) fn backoff_ms(attempt: u32, jitter: u64) -> i64 {
    let base = 2_000i64.saturating_mul(1i64 << attempt.saturating_sub(1).min(20)).min(300_000);
    let spread = base / 10;
    base - spread + (jitter % (2 * spread as u64 + 1)) as i64
}

pub(super) fn outcome(record: Option<&ExitRecord>, kill: Option<KillReason>) -> (TaskState, Option<String>) {
    match (kill, record) {
        (Some(KillReason::Cancel), _) => (TaskState::Cancelled, Some("cancelled by user".into())),
        (Some(KillReason::Shutdown), _) => {
            (TaskState::Cancelled, Some("cancelled: the worker was stopped with --kill".into()))
        }
        (Some(KillReason::Budget(usd)), _) => (
            TaskState::Failed,
            Some(format!("cost budget {} (--max-cost) exceeded", crate::scheduler::reason::usd(usd))),
        ),
        // Ended for a limit but no limit in its stream at the end: say what happened.
        (Some(KillReason::Limit), _) => (TaskState::Failed, Some("stopped at a usage limit".into())),
        (Some(KillReason::Timeout(ms)), _) => (
            TaskState::Failed,
            Some(format!("timeout after {}", crate::duration::format(std::time::Duration::from_millis(ms)))),
        ),
        (None, None) => (TaskState::Failed, Some(super::group_end::lost_reason(false))),
        (None, Some(r)) if r.mem_limit_exceeded.is_some() => {
            use crate::scheduler::footprint::format_bytes;
            let limit = format_bytes(r.mem_limit_exceeded.unwrap_or(0));
            let peak = format_bytes(r.peak_rss_bytes.unwrap_or(0));
            (TaskState::Failed, Some(format!("memory limit {limit} exceeded (peak {peak})")))
        }
        (None, Some(r)) => match (&r.error, r.code, r.signal) {
            (Some(error), _, _) => (TaskState::Failed, Some(error.clone())),
            (None, Some(0), _) => (TaskState::Completed, None),
            (None, Some(code), _) => (TaskState::Failed, Some(format!("exited with code {code}"))),
            (None, None, Some(sig)) => (TaskState::Failed, Some(format!("killed by signal {sig}"))),
            (None, None, None) => (TaskState::Failed, Some("ended without an exit status".into())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        for jitter in [0, 7, u64::MAX] {
            let b1 = backoff_ms(1, jitter);
            assert!((1_800..=2_200).contains(&b1), "{b1}");
            let b3 = backoff_ms(3, jitter);
            assert!((7_200..=8_800).contains(&b3), "{b3}");
            assert!(backoff_ms(40, jitter) <= 330_000);
        }
    }

    #[test]
    fn exit_records_become_verdicts() {
        let rec = |code, signal, error: Option<&str>| ExitRecord {
            code,
            signal,
            error: error.map(String::from),
            finished_at: 0,
            files: None,
            worktree: None,
            peak_rss_bytes: Some(600 << 20),
            peak_rss_at_most: None,
            cpu_seconds: None,
            mem_limit_exceeded: None,
            supervisor_cpu_seconds: None,
        };
        assert_eq!(outcome(Some(&rec(Some(0), None, None)), None).0, TaskState::Completed);
        let over = ExitRecord { mem_limit_exceeded: Some(512 << 20), ..rec(None, Some(15), None) };
        assert_eq!(
            outcome(Some(&over), None),
            (TaskState::Failed, Some("memory limit 512 MiB exceeded (peak 600 MiB)".into()))
        );
        assert_eq!(
            outcome(Some(&rec(Some(3), None, None)), None),
            (TaskState::Failed, Some("exited with code 3".into()))
        );
        assert_eq!(
            outcome(Some(&rec(None, None, Some("command not found: nope"))), None).1.as_deref(),
            Some("command not found: nope")
        );
        assert_eq!(outcome(None, Some(KillReason::Cancel)).0, TaskState::Cancelled);
        assert!(outcome(None, None).1.unwrap_or_default().starts_with("lost"));
        assert_eq!(outcome(None, Some(KillReason::Timeout(5_000))).1.as_deref(), Some("timeout after 5s"));
    }
}
