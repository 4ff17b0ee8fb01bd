//! The executor's line to Slurm: one thread that runs `sbatch`, `squeue`, `scontrol` and
//! `scancel` in order, so their 5–20 ms never stall the core thread. Results go to `answer`
//! (the worker's channel).

use super::parse::{JobEnd, JobInfo, JobPhase};
use super::tools::{self as slurm, JobRequest};
use crate::config::executors::SlurmSettings;
use std::sync::mpsc::{Receiver, Sender, channel};

pub enum Cmd {
    Submit {
        id: String,
        attempt: u32,
        req: Box<JobRequest>,
    },
    /// Where these jobs are: one `squeue` call, and `scontrol` for those that ended.
    Poll {
        jobs: Vec<String>,
    },
    /// `scancel`; `signal` KILL skips Slurm's grace period.
    Cancel {
        job: String,
        signal: Option<&'static str>,
    },
}

pub enum Reply {
    Submitted { id: String, attempt: u32, result: Result<String, String> },
    Polled(Result<Vec<Seen>, String>),
    CancelFailed { job: String, error: String },
}

/// One asked-for job: what `squeue` said (`None`: Slurm no longer lists it) and, once it has
/// ended, how.
pub struct Seen {
    pub job: String,
    pub info: Option<JobInfo>,
    pub end: Option<JobEnd>,
}

/// `answer` takes each reply and says whether anyone still listens.
pub fn start(
    settings: SlurmSettings,
    answer: impl Fn(Reply) -> bool + Send + 'static,
) -> std::io::Result<Sender<Cmd>> {
    let (tx, rx): (Sender<Cmd>, Receiver<Cmd>) = channel();
    std::thread::Builder::new().name("smart-agents-slurm".into()).spawn(move || {
        for cmd in rx {
            let reply = match cmd {
                Cmd::Submit { id, attempt, req } => {
                    Reply::Submitted { id, attempt, result: slurm::submit(&settings, &req) }
                }
                Cmd::Poll { jobs } => Reply::Polled(poll(&jobs)),
                Cmd::Cancel { job, signal } => match slurm::cancel(&job, signal) {
                    Ok(()) => continue,
                    Err(error) => Reply::CancelFailed { job, error },
                },
            };
            if !answer(reply) {
                return;
            }
        }
    })?;
    Ok(tx)
}

fn poll(jobs: &[String]) -> Result<Vec<Seen>, String> {
    let listed = slurm::jobs()?;
    Ok(jobs
        .iter()
        .map(|job| {
            let info = listed.iter().find(|j| &j.job_id == job).cloned();
            let ended = info.as_ref().is_none_or(|i| i.phase == JobPhase::Ended);
            let end = if ended { slurm::job_end(job) } else { None };
            Seen { job: job.clone(), info, end }
        })
        .collect())
}
