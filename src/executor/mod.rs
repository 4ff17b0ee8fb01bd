//! Where a task runs: on this machine under a supervisor (`local`, the default) or as a batch
//! job on a Slurm cluster (`slurm`). Both run the same `smart-agents __supervise` around the
//! task, so the exit record, the log and the agent stream parsing are one code path; only
//! starting, tracking and stopping differ. The worker asks this module for those three.

pub mod settings;
pub mod slurm;
mod slurm_parse;

pub use settings::{Executors, SlurmSettings};
pub use slurm_parse::{JobEnd, JobInfo, JobPhase, verdict as slurm_verdict};

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
