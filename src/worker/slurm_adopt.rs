//! A restarted worker takes back its Slurm tasks: those with a recorded job id, and those it
//! was submitting when it died, found by the job comment `smart-agents:ID` (`squeue -u`).

use super::actor::Actor;
use super::slurm_tasks::SUBMITTING;
use crate::executor::{JobInfo, JobPhase, slurm};
use crate::model::TaskState;

impl Actor {
    /// Register `id` (just loaded, on the Slurm executor) with the Slurm side. `listed` is
    /// fetched once, on first need.
    pub(super) fn adopt_job(&mut self, id: &str, listed: &mut Option<Vec<JobInfo>>, now: i64) {
        let Some(live) = self.queue.get(id) else { return };
        let (attempt, state) = (live.rec.attempt, live.rec.state);
        let submitting = live.rec.waiting_reason.as_deref() == Some(SUBMITTING);
        let mut job = live.rec.external_id.clone();
        if job.is_none() && (submitting || state == TaskState::Running) {
            let jobs = listed.get_or_insert_with(|| {
                slurm::jobs().unwrap_or_else(|e| {
                    eprintln!("smart-agents worker: cannot list Slurm jobs to adopt: {e}");
                    Vec::new()
                })
            });
            let exited = self.paths.exit_file(id, attempt).exists();
            // The newest job for this task that is still alive (or left this attempt's record).
            job = jobs
                .iter()
                .filter(|j| j.comment.as_deref().and_then(slurm::task_of) == Some(id))
                .filter(|j| exited || j.phase != JobPhase::Ended)
                .max_by_key(|j| j.job_id.parse::<u64>().unwrap_or(0))
                .map(|j| j.job_id.clone());
        }
        let Some(live) = self.queue.get_mut(id) else { return };
        match job {
            Some(job) => {
                let data = serde_json::json!({"job": job, "attempt": attempt});
                live.rec.external_id = Some(job);
                self.slurm.handed.insert(id.to_string(), attempt);
                let _ = self.journal.add(&self.store, id, now, crate::store::EventKind::Adopted, Some(data));
                if state == TaskState::Pending {
                    // Its stream is followed once Slurm starts it.
                    let stream =
                        self.queue.get(id).and_then(|l| self.launch(&l.rec).ok()).and_then(|l| l.stream);
                    self.processes.expect(id.to_string(), stream);
                }
            }
            None if submitting || state == TaskState::Running => {
                // Never reached Slurm: admit it again.
                live.rec.state = TaskState::Pending;
                live.rec.started_at = None;
                live.rec.waiting_reason = None;
                let _ = self.journal.add(&self.store, id, now, crate::store::EventKind::Requeued, None);
            }
            None => return,
        }
        self.outbox.mark(id);
        self.schedule_tick(now);
    }
}
