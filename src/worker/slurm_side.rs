//! What the worker holds for its Slurm tasks: the line to the Slurm thread (started on first
//! use), the admission limits of the Slurm executor and the tasks handed to it. The actor's
//! handling of those tasks is in slurm_tasks.rs.

use super::messages::Msg;
use super::slurm_link::{self, Cmd};
use crate::config::{Config, Limits};
use crate::executor::SlurmSettings;
use std::collections::HashMap;
use std::sync::mpsc::Sender;

pub(super) struct SlurmSide {
    /// Started on first use: a worker that never sees a Slurm task runs no thread for it.
    pub(super) link: Option<Sender<Cmd>>,
    pub(super) actor: Sender<Msg>,
    pub(super) settings: SlurmSettings,
    /// Admission limits for Slurm tasks: the class caps, `max_concurrent` as the cap, and no
    /// CPU or memory gate (the cluster has its own).
    pub limits: Limits,
    /// Tasks handed to Slurm (submitting, queued there or running): id → attempt.
    pub handed: HashMap<String, u32>,
    pub(super) polling: bool,
    pub(super) tick_at: Option<i64>,
    pub(super) last_error: Option<String>,
}

impl SlurmSide {
    pub fn new(config: &Config, actor: Sender<Msg>) -> SlurmSide {
        let settings = config.executors.slurm.clone();
        let limits = Limits {
            max_concurrent_tasks: settings.max_concurrent,
            cpu_threshold: 100.0,
            memory_threshold: 100.0,
            ..config.limits.clone()
        };
        SlurmSide {
            link: None,
            actor,
            settings,
            limits,
            handed: HashMap::new(),
            polling: false,
            tick_at: None,
            last_error: None,
        }
    }

    pub(super) fn send(&mut self, cmd: Cmd) -> Result<(), String> {
        if self.link.is_none() {
            let actor = self.actor.clone();
            let answer = move |reply| actor.send(Msg::Slurm(reply)).is_ok();
            let link = slurm_link::start(self.settings.clone(), answer)
                .map_err(|e| format!("cannot start the Slurm thread: {e}"))?;
            self.link = Some(link);
        }
        let link = self.link.as_ref().ok_or("no Slurm thread")?;
        link.send(cmd).map_err(|_| "the Slurm thread stopped".to_string())
    }
}
