//! A restarted worker takes back its Slurm tasks: those with a recorded job id, and those it
//! was submitting when it died, found by the job comment `smart-agents:ID` (`squeue -u`).

use super::{Handed, JobInfo, JobPhase, SUBMITTING, Slurm, tools};
use crate::executor::Adopted;
use crate::model::TaskState;
use crate::store::TaskRecord;

impl Slurm {
    pub(super) fn adopt_job(&mut self, rec: &TaskRecord) -> Adopted {
        let (id, attempt, state) = (&rec.id, rec.attempt, rec.state);
        let submitting = rec.waiting_reason.as_deref() == Some(SUBMITTING);
        let mut job = rec.external_id.clone();
        if job.is_none() && (submitting || state == TaskState::Running) {
            let exited = self.paths.exit_file(id, attempt).exists();
            // The newest job for this task that is still alive (or left this attempt's record).
            job = self
                .listed()
                .iter()
                .filter(|j| j.comment.as_deref().and_then(tools::task_of) == Some(id.as_str()))
                .filter(|j| exited || j.phase != JobPhase::Ended)
                .max_by_key(|j| j.job_id.parse::<u64>().unwrap_or(0))
                .map(|j| j.job_id.clone());
        }
        match job {
            Some(job) => {
                let handed = Handed { attempt, job: Some(job.clone()), cancel: false };
                self.handed.insert(id.clone(), handed);
                Adopted::Held { external_id: job }
            }
            // Never reached Slurm: admit it again.
            None if submitting || state == TaskState::Running => Adopted::Requeue,
            None => Adopted::Untouched,
        }
    }

    /// Every job of this user, fetched once, on first need, while adopting.
    fn listed(&mut self) -> &[JobInfo] {
        self.listed.get_or_insert_with(|| {
            tools::jobs().unwrap_or_else(|e| {
                eprintln!("smart-agents worker: cannot list Slurm jobs to adopt: {e}");
                Vec::new()
            })
        })
    }
}
