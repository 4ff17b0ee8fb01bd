//! Which executor a task runs on (`local`, `slurm`) and `[executors.*]` in config.toml. The
//! name is data of a task and of the config, so it lives down here; what an executor does is
//! `executor/`, a floor above the store.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Executor {
    #[default]
    Local,
    Slurm,
}

impl Executor {
    pub fn as_str(self) -> &'static str {
        match self {
            Executor::Local => "local",
            Executor::Slurm => "slurm",
        }
    }
}

impl fmt::Display for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Executor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "local" => Ok(Executor::Local),
            "slurm" => Ok(Executor::Slurm),
            _ => Err(format!("unknown executor '{s}': expected local or slurm")),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Executors {
    pub slurm: SlurmSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SlurmSettings {
    /// `sbatch --partition`; the cluster's default partition when unset.
    pub partition: Option<String>,
    /// `sbatch --account`.
    pub account: Option<String>,
    /// Slurm tasks submitted at once (queued in Slurm or running); the local
    /// `max_concurrent_tasks` and CPU/memory gates do not apply to them.
    pub max_concurrent: u32,
    /// Passed to `sbatch` before the script, e.g. `["--qos=low", "--gres=gpu:1"]`.
    pub extra_args: Vec<String>,
    /// Seconds between the checks of active jobs (one `squeue` call covers all of them).
    pub reconcile_seconds: f64,
}

impl Default for SlurmSettings {
    fn default() -> Self {
        SlurmSettings {
            partition: None,
            account: None,
            max_concurrent: 50,
            extra_args: Vec::new(),
            reconcile_seconds: 3.0,
        }
    }
}

impl SlurmSettings {
    /// What is wrong with these settings, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.max_concurrent == 0 {
            return Some("executors.slurm.max_concurrent must be at least 1".into());
        }
        if !(0.1..=3600.0).contains(&self.reconcile_seconds) {
            return Some("executors.slurm.reconcile_seconds must be between 0.1 and 3600".into());
        }
        None
    }

    pub fn reconcile_ms(&self) -> i64 {
        (self.reconcile_seconds * 1000.0) as i64
    }
}

/// `[classes.NAME]`: defaults for the tasks of a class.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ClassProfile {
    /// `local` or `slurm`.
    pub executor: Option<String>,
    /// A sandbox profile its tasks run in (`default` or a `[sandbox.profiles.NAME]`).
    pub sandbox: Option<String>,
    /// `[worktree] copy` for its `--worktree` tasks, instead of the global one.
    pub worktree_copy: Option<Vec<String>>,
    /// `[worktree] setup` for its `--worktree` tasks, instead of the global one.
    pub worktree_setup: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_named() {
        for e in [Executor::Local, Executor::Slurm] {
            assert_eq!(e.as_str().parse::<Executor>(), Ok(e));
        }
        let err = "k8s".parse::<Executor>().unwrap_err();
        assert!(err.contains("k8s") && err.contains("slurm"), "{err}");
    }
}
