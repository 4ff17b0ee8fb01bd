//! The Slurm executor: an admitted task takes a slot of `max_concurrent`, is submitted with
//! `sbatch` once its hand-over is committed, and is followed with one `squeue` per look while
//! any job is active (none otherwise). The end comes from the supervisor's exit record first
//! and Slurm's word second. The commands run on a thread of their own (`link.rs`).

mod adopt;
mod link;
mod parse;
mod replies;
mod tools;

pub use parse::{JobEnd, JobInfo, JobPhase, verdict};
pub use tools::{JobRequest, ping, program, sbatch_args, tag, task_of};

use super::{Answer, Executor, Note, Reply, Start, Stop, TaskExecutor};
use crate::config::executors::SlurmSettings;
use crate::config::{Config, ResourceLimits};
use crate::paths::Paths;
use crate::store::TaskRecord;
use link::Cmd;
use std::collections::HashMap;
use std::sync::mpsc::Sender;

/// The waiting reason between admission and `sbatch`'s answer.
const SUBMITTING: &str = "slurm: submitting";
/// How soon after a cancel the job is looked at again.
const CANCEL_LOOK_MS: i64 = 500;

/// A task handed to Slurm (submitting, queued there or running).
struct Handed {
    attempt: u32,
    /// Slurm's job id, once `sbatch` answered.
    job: Option<String>,
    /// A stop came before the job id: cancel the job as soon as it has one.
    cancel: bool,
}

pub struct Slurm {
    /// Started on first use: a worker that never sees a Slurm task runs no thread for it.
    link: Option<Sender<Cmd>>,
    answer: Answer,
    settings: SlurmSettings,
    paths: Paths,
    /// Admission limits for Slurm tasks: the class caps, `max_concurrent` as the cap, and no
    /// CPU or memory gate (the cluster has its own).
    limits: ResourceLimits,
    handed: HashMap<String, Handed>,
    polling: bool,
    look_at: Option<i64>,
    last_error: Option<String>,
    /// Every job of this user, listed once while a restarted worker adopts its tasks.
    listed: Option<Vec<JobInfo>>,
}

impl Slurm {
    pub fn new(config: &Config, paths: &Paths, answer: Answer) -> Slurm {
        let settings = config.executors.slurm.clone();
        let limits = ResourceLimits {
            max_concurrent_tasks: settings.max_concurrent,
            cpu_threshold: 100.0,
            memory_threshold: 100.0,
            ..config.limits.clone()
        };
        Slurm {
            link: None,
            answer,
            settings,
            paths: paths.clone(),
            limits,
            handed: HashMap::new(),
            polling: false,
            look_at: None,
            last_error: None,
            listed: None,
        }
    }

    fn send(&mut self, cmd: Cmd) -> Result<(), String> {
        if self.link.is_none() {
            let answer = self.answer.clone();
            let link = link::start(self.settings.clone(), move |reply| {
                answer(Reply { kind: Executor::Slurm, inner: Box::new(reply) })
            })
            .map_err(|e| format!("cannot start the Slurm thread: {e}"))?;
            self.link = Some(link);
        }
        let link = self.link.as_ref().ok_or("no Slurm thread")?;
        link.send(cmd).map_err(|_| "the Slurm thread stopped".to_string())
    }

    /// Look at the active jobs again at `at`, unless a look is already set for earlier.
    fn look_later(&mut self, at: i64) -> Vec<Note> {
        if self.handed.is_empty() || self.look_at.is_some_and(|t| t <= at) {
            return Vec::new();
        }
        self.look_at = Some(at);
        vec![Note::LookAt(at)]
    }

    /// Write the job script and the request `sbatch` gets.
    fn job_request(&self, start: Start) -> Result<JobRequest, String> {
        let rec = start.rec;
        let _ = std::fs::remove_file(&start.exit_file);
        let script = self.script(&rec.id, rec.attempt);
        write_script(&script, &tools::job_script(&rec.id, rec.attempt, &start.supervisor))
            .map_err(|e| format!("cannot write the job script {}: {e}", script.display()))?;
        Ok(JobRequest {
            task_id: rec.id.clone(),
            script,
            log: start.log,
            cwd: rec.spec.cwd.clone(),
            cpus: start.cpus,
            mem_bytes: start.mem_bytes,
            timeout_ms: rec.spec.timeout_ms,
            env: start.env,
        })
    }

    fn script(&self, id: &str, attempt: u32) -> std::path::PathBuf {
        self.paths.runs_dir.join(format!("{id}-{attempt}.sbatch"))
    }
}

impl TaskExecutor for Slurm {
    fn kind(&self) -> Executor {
        Executor::Slurm
    }

    fn unavailable(&self) -> Option<String> {
        program("sbatch").is_none().then(|| {
            "executor slurm: `sbatch` is not on the worker's PATH; install Slurm's client tools, \
             or run it with --on local"
                .to_string()
        })
    }

    fn own_limits(&self) -> Option<&ResourceLimits> {
        Some(&self.limits)
    }

    fn cap_text(&self, running: u32, cap: u32) -> Option<String> {
        Some(format!("slurm: max_concurrent ({running}/{cap})"))
    }

    fn admit(&mut self, id: &str, attempt: u32) -> Option<String> {
        self.handed.insert(id.to_string(), Handed { attempt, job: None, cancel: false });
        Some(SUBMITTING.into())
    }

    fn holds(&self, id: &str) -> bool {
        self.handed.contains_key(id)
    }

    fn held(&self) -> Vec<String> {
        self.handed.keys().cloned().collect()
    }

    fn start(&mut self, start: Start) -> Result<(), String> {
        let (id, attempt) = (start.rec.id.clone(), start.rec.attempt);
        let sent = self
            .job_request(start)
            .and_then(|req| self.send(Cmd::Submit { id: id.clone(), attempt, req: Box::new(req) }));
        sent.map_err(|e| {
            self.handed.remove(&id);
            format!("slurm: {e}")
        })
    }

    fn adopt(&mut self, rec: &TaskRecord, now: i64) -> (super::Adopted, Vec<Note>) {
        let adopted = self.adopt_job(rec);
        let notes = match adopted {
            super::Adopted::Held { .. } | super::Adopted::Requeue => self.look_later(now),
            _ => Vec::new(),
        };
        (adopted, notes)
    }

    fn answer(&mut self, reply: Reply, now: i64) -> Vec<Note> {
        match reply.inner.downcast::<link::Reply>() {
            Ok(reply) => self.on_reply(*reply, now),
            Err(_) => Vec::new(), // not one of ours: the set routes by kind
        }
    }

    fn stop(&mut self, rec: &TaskRecord, how: Stop, now: i64) -> Vec<Note> {
        let Some(handed) = self.handed.get_mut(&rec.id) else { return Vec::new() };
        let job = handed.job.clone();
        match how {
            Stop::Term => {
                handed.cancel = true;
                if let Some(job) = job {
                    let _ = self.send(Cmd::Cancel { job, signal: None });
                }
                let soon = now + CANCEL_LOOK_MS.min(self.settings.reconcile_ms());
                self.look_at = self.look_at.filter(|t| *t <= soon);
                self.look_later(soon)
            }
            Stop::Kill => {
                // The grace period ran out: no more waiting on the job's own handlers.
                if let Some(job) = job {
                    let _ = self.send(Cmd::Cancel { job, signal: Some("KILL") });
                }
                Vec::new()
            }
        }
    }

    fn look(&mut self, now: i64) -> Vec<Note> {
        if self.look_at.is_some_and(|t| t > now) {
            return Vec::new(); // a later look replaced this one
        }
        self.look_at = None;
        if self.polling {
            return Vec::new();
        }
        let jobs: Vec<String> = self.handed.values().filter_map(|h| h.job.clone()).collect();
        if jobs.is_empty() {
            return Vec::new(); // only submits in flight: their answers set the next look
        }
        self.polling = self.send(Cmd::Poll { jobs }).is_ok();
        Vec::new()
    }

    fn forget(&mut self, id: &str) {
        self.handed.remove(id);
    }
}

fn write_script(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o700).open(path)?;
    file.write_all(text.as_bytes())
}
