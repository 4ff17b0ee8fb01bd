//! Startup: take over the queue an earlier worker left, including the tasks still running
//! under their supervisors.

use super::{Actor, KillReason, Live, Timer};
use crate::error::Result;
use crate::executor::Adopted;
use crate::model::TaskState;
use crate::store::{EventKind, TaskRecord, now_ms};
use crate::worker::runner;
use std::collections::HashMap;

/// What start-up finds besides the database: live supervisors (by task and attempt), and
/// tasks whose end is to be settled once all are loaded.
struct Found {
    supervisors: HashMap<(String, u32), i32>,
    exited: Vec<(String, u32, i32)>,
}

impl Actor {
    pub(super) fn load(&mut self) -> Result<()> {
        self.paused = self.store.meta("paused")?.as_deref() == Some("1");
        self.load_limits(crate::store::now_ms())?;
        if let Some(saved) = self.store.meta("circuits")? {
            self.circuits.load(&saved);
        }
        let now = now_ms();
        let mut found = Found { supervisors: runner::supervisors(), exited: Vec::new() };
        for rec in self.store.active()? {
            self.load_task(rec, &mut found, now)?;
        }
        for (id, attempt, pid) in found.exited {
            self.on_exit(&id, attempt, pid, now);
        }
        // These writes go out in the first round.
        self.outbox.rerun();
        Ok(())
    }

    /// Take one unfinished task back: its timers, its stream, and its supervisor, or its
    /// executor's hold on it.
    fn load_task(&mut self, mut rec: TaskRecord, found: &mut Found, now: i64) -> Result<()> {
        let (adopted, notes) = self.executors.of_mut(&rec).adopt(&rec, now);
        let here = adopted == Adopted::Here;
        let id = rec.id.clone();
        let attempt = rec.attempt;
        // Tasks queued in an earlier round are started while their "running" commit is
        // written (see Actor::round): a crash in between leaves them pending on disk with a
        // supervisor alive or an exit record written. They did start.
        let key = (id.clone(), attempt);
        let early = here
            && rec.state == TaskState::Pending
            && (found.supervisors.contains_key(&key) || self.paths.exit_file(&id, attempt).exists());
        if early {
            rec.state = TaskState::Running;
            rec.started_at = Some(now);
            rec.waiting_reason = None;
            let data = serde_json::json!({"attempt": attempt});
            self.journal.add(&self.store, &id, now, EventKind::Started, Some(data))?;
            self.outbox.mark(id.clone());
        }
        let running = rec.state == TaskState::Running;
        if let Some(at) = rec.not_before.filter(|at| *at > now) {
            self.timers.add(at, Timer::Wake);
        }
        if let (true, Some(timeout), Some(started)) = (running, rec.spec.timeout_ms, rec.started_at) {
            // Time spent waiting for a person does not count.
            let at = started + timeout as i64 + rec.asks.waited_ms as i64;
            self.timers.add(at, Timer::Timeout { id: id.clone(), attempt });
        }
        let pid = rec.pid;
        let enqueued_at = rec.created_at;
        self.queue.insert(id.clone(), Live::new(rec, None, enqueued_at));
        self.adopted(&id, adopted, now);
        self.apply_notes(notes, now);
        if !self.queue.get(&id).is_some_and(|l| l.rec.state == TaskState::Running) {
            return Ok(());
        }
        // A cancel or timeout the last worker started must still end the task.
        let kill = self.requested_kill(&id, attempt)?;
        if let (Some(reason), Some(live)) = (kill, self.queue.get_mut(&id)) {
            live.kill = Some(reason);
        }
        // An agent's stream is re-read from where this attempt began.
        let stream = self.queue.get(&id).and_then(|l| {
            let launch = self.launch(&l.rec).ok()?;
            launch.stream.map(|s| (s, l.rec.log_offset.unwrap_or(0)))
        });
        if let Some(((backend, side), offset)) = stream {
            self.follow_stream(&id, backend, side, offset, now);
        }
        if !here {
            return Ok(()); // its end is seen by the executor's next look
        }
        self.adopt_supervisor(id, attempt, pid, found, now)
    }

    /// A running local task: watch its supervisor, or settle what happened while no worker ran.
    fn adopt_supervisor(
        &mut self,
        id: String,
        attempt: u32,
        mut pid: Option<i32>,
        found: &mut Found,
        now: i64,
    ) -> Result<()> {
        if self.paths.exit_file(&id, attempt).exists() {
            found.exited.push((id, attempt, pid.unwrap_or(0)));
            return Ok(());
        }
        if pid.is_none() {
            // The last worker died between starting the supervisor and recording it.
            pid = found.supervisors.get(&(id.clone(), attempt)).copied();
            if let (Some(p), Some(live)) = (pid, self.queue.get_mut(&id)) {
                live.rec.pid = Some(p);
                live.rec.pid_start = crate::process::process_start_time(p);
                self.outbox.mark(id.clone());
            }
        }
        let live = self.queue.get_mut(&id);
        match (pid, live) {
            (Some(p), Some(live)) if crate::process::is_same_process(p, live.rec.pid_start) => {
                if live.kill.is_some() {
                    self.terminate_group(&id, attempt, Some(p), now);
                }
                let data = serde_json::json!({"pid": p});
                self.journal.add(&self.store, &id, now, EventKind::Adopted, Some(data))?;
                self.watch(&id, attempt, p);
            }
            (None, Some(live)) => {
                // It never started: run it as if it had just been admitted.
                live.rec.state = TaskState::Pending;
                live.rec.started_at = None;
                self.journal.add(&self.store, &id, now, EventKind::Requeued, None)?;
                self.outbox.mark(id);
            }
            (Some(p), Some(_)) => {
                // Gone: its status on disk decides, or the processes it left are ended
                // before the task is called lost (see `on_exit`).
                found.exited.push((id, attempt, p));
            }
            _ => {}
        }
        Ok(())
    }

    /// What the executor that holds task `id` found again after a restart.
    fn adopted(&mut self, id: &str, adopted: Adopted, now: i64) {
        let Some(live) = self.queue.get_mut(id) else { return };
        let (attempt, state) = (live.rec.attempt, live.rec.state);
        match adopted {
            Adopted::Held { external_id } => {
                let data = serde_json::json!({"job": external_id, "attempt": attempt});
                live.rec.external_id = Some(external_id);
                let _ = self.journal.add(&self.store, id, now, EventKind::Adopted, Some(data));
                if state == TaskState::Pending {
                    // Its stream is followed once the executor starts it.
                    let stream =
                        self.queue.get(id).and_then(|l| self.launch(&l.rec).ok()).and_then(|l| l.stream);
                    self.processes.expect(id.to_string(), stream);
                }
            }
            Adopted::Requeue => {
                // Never reached its executor: admit it again.
                live.rec.state = TaskState::Pending;
                live.rec.started_at = None;
                live.rec.waiting_reason = None;
                let _ = self.journal.add(&self.store, id, now, EventKind::Requeued, None);
            }
            Adopted::Here | Adopted::Untouched => return,
        }
        self.outbox.mark(id);
    }

    /// The cancel or timeout recorded for this attempt of a running task, if any.
    fn requested_kill(&self, id: &str, attempt: u32) -> Result<Option<KillReason>> {
        let kill = self
            .store
            .events(id)?
            .into_iter()
            .filter(|(_, kind, _)| kind == EventKind::CancelRequested.as_str())
            .filter_map(|(_, _, data)| serde_json::from_str::<serde_json::Value>(&data?).ok())
            .filter(|d| d.get("attempt").and_then(|a| a.as_u64()) == Some(u64::from(attempt)))
            .find_map(|d| KillReason::from_json(d.get("kill")?));
        Ok(kill)
    }
}
