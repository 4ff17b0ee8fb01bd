//! What Slurm answered, turned into notes for the worker.

use super::link::{Cmd, Reply, Seen};
use super::{JobPhase, Slurm};
use crate::executor::{Ended, Note};

impl Slurm {
    pub(super) fn on_reply(&mut self, reply: Reply, now: i64) -> Vec<Note> {
        match reply {
            Reply::Submitted { id, attempt, result } => self.on_submitted(id, attempt, result, now),
            Reply::Polled(result) => {
                self.polling = false;
                let mut notes = Vec::new();
                match result {
                    Ok(seen) => {
                        self.last_error = None;
                        for s in seen {
                            notes.extend(self.on_seen(s));
                        }
                    }
                    // Said once, not every look: the tasks stay as they are until Slurm answers.
                    Err(e) if self.last_error.as_ref() != Some(&e) => {
                        eprintln!("smart-agents worker: cannot reach Slurm: {e}");
                        self.last_error = Some(e);
                    }
                    Err(_) => {}
                }
                notes.extend(self.look_later(now + self.settings.reconcile_ms()));
                notes
            }
            Reply::CancelFailed { job, error } => {
                eprintln!("smart-agents worker: cancelling Slurm job {job}: {error}");
                Vec::new()
            }
        }
    }

    fn on_submitted(
        &mut self,
        id: String,
        attempt: u32,
        result: Result<String, String>,
        now: i64,
    ) -> Vec<Note> {
        let Some(handed) = self.handed.get_mut(&id).filter(|h| h.attempt == attempt) else {
            return Vec::new();
        };
        match result {
            Ok(job) => {
                handed.job = Some(job.clone());
                if handed.cancel {
                    let _ = self.send(Cmd::Cancel { job: job.clone(), signal: None });
                }
                let waiting = "slurm: queued".to_string();
                let event = crate::store::EventKind::SlurmSubmitted;
                let mut notes = vec![Note::Queued { id, attempt, external_id: job, waiting, event }];
                notes.extend(self.look_later(now + self.settings.reconcile_ms()));
                notes
            }
            Err(e) => {
                self.handed.remove(&id);
                vec![Note::StartFailed { id, error: format!("slurm: {e}") }]
            }
        }
    }

    fn on_seen(&mut self, seen: Seen) -> Vec<Note> {
        let found = self.handed.iter().find(|(_, h)| h.job.as_deref() == Some(seen.job.as_str()));
        let Some((id, attempt)) = found.map(|(id, h)| (id.clone(), h.attempt)) else { return Vec::new() };
        if self.paths.exit_file(&id, attempt).exists() {
            let script = self.release(&id, attempt);
            return vec![script, Note::Exited { id, attempt }];
        }
        match seen.info.as_ref().map(|i| i.phase) {
            Some(JobPhase::Queued) => {
                let why = seen.info.and_then(|i| i.reason).unwrap_or_else(|| "None".into());
                vec![Note::Waiting { id, text: format!("slurm: queued ({why})") }]
            }
            Some(JobPhase::Running) => vec![Note::Running { id }],
            Some(JobPhase::Ended) | None => {
                // Killed with the job (memory limit, time limit, node failure) or never ran.
                let script = self.release(&id, attempt);
                let (job, end) = (seen.job, seen.end);
                let verdict = Box::new(move |tail: &str| {
                    let (cancelled, reason) = super::verdict(&job, end.as_ref(), tail);
                    let code = end.as_ref().and_then(|e| e.code).filter(|c| *c != 0);
                    Ended { cancelled, reason, code }
                });
                vec![script, Note::Ended { id, verdict }]
            }
        }
    }

    /// The job is over: its slot is free and its script goes once that is committed.
    fn release(&mut self, id: &str, attempt: u32) -> Note {
        self.handed.remove(id);
        Note::Remove(self.script(id, attempt))
    }
}
