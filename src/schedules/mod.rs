//! Schedules (issue 32): what a schedule is and the pure rules of its windows. No I/O: the
//! worker (`worker/schedules.rs`, `worker/actor/schedules.rs`) feeds it the time and applies
//! what it decides, so the rules are unit-tested with an injected clock.

#[cfg(test)]
mod tests;
mod timing;

use crate::model::TaskSpec;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
pub use timing::{Due, Timing, classify};

/// Why a schedule could not be made: each is the user's to fix (exit 2).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScheduleError {
    #[error(
        "invalid schedule name '{0}': use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
    )]
    Name(String),
    #[error("invalid cron expression '{expr}': {why}")]
    Cron { expr: String, why: String },
    #[error("unknown time zone '{0}': use an IANA name like Europe/Berlin or America/New_York")]
    Zone(String),
    #[error("--every {0}: the interval must be at least 1s")]
    Every(String),
    #[error("--tz goes with --cron: an --every interval does not depend on a zone")]
    ZoneWithEvery,
    #[error("{0}")]
    Policy(String),
}

/// What to do with windows missed while the worker was down or the machine asleep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatchUp {
    /// Record them, run nothing for them.
    Skip,
    /// One run for all of them (none more when a window is due on time anyway).
    #[default]
    Once,
    /// One run per missed window (at most `MAX_CATCH_UP`), one after another.
    All,
}

/// What to do when a window comes while the schedule's last run is still going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overlap {
    /// Do not fire; record which run is still going.
    #[default]
    Skip,
    /// Fire once the run still going has ended.
    Queue,
    /// Fire at once, beside it.
    Allow,
}

/// Runs `--catch-up all` starts at most for one gap: a laptop shut for a month must not
/// start thousands of runs (the `schedule_missed` event gives the count and the runs asked).
pub const MAX_CATCH_UP: u64 = 100;

macro_rules! words {
    ($t:ty, $what:literal, $($word:literal => $v:expr),+) => {
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($word => Ok($v),)+
                    _ => Err(format!(concat!("invalid ", $what, " '{}': expected {}"), s, [$($word),+].join(", "))),
                }
            }
        }
    };
}
words!(CatchUp, "catch-up", "skip" => CatchUp::Skip, "once" => CatchUp::Once, "all" => CatchUp::All);
words!(Overlap, "overlap", "skip" => Overlap::Skip, "queue" => Overlap::Queue, "allow" => Overlap::Allow);

/// What `schedule pause|resume|remove` asks of the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleOp {
    Pause,
    Resume,
    Remove,
}

/// What each firing runs: a task, or a flow (checked when the schedule was added).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    Task { spec: Box<TaskSpec> },
    Flow { plan: Box<crate::flows::Plan>, file: String, cwd: String, env: Vec<(String, String)> },
}

/// A schedule as the user made it; never changes after `schedule add`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleDef {
    pub name: String,
    pub timing: Timing,
    #[serde(default)]
    pub catch_up: CatchUp,
    #[serde(default)]
    pub overlap: Overlap,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_runs_per_day: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cost_per_day: Option<f64>,
    pub job: Job,
}

impl ScheduleDef {
    /// Everything a firing needs, checked now so that no firing fails on input.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        check_name(&self.name)?;
        self.timing.check()?;
        if self.max_runs_per_day == Some(0) {
            return Err(ScheduleError::Policy("--max-runs-per-day must be at least 1".into()));
        }
        if self.max_cost_per_day.is_some_and(|usd| !(usd.is_finite() && usd > 0.0)) {
            return Err(ScheduleError::Policy("--max-cost-per-day must be an amount above 0".into()));
        }
        Ok(())
    }
}

/// Names are typed on command lines and used in event ids (`schedule:NAME`).
pub fn check_name(name: &str) -> Result<(), ScheduleError> {
    let ok = (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok { Ok(()) } else { Err(ScheduleError::Name(name.to_string())) }
}

/// The history id of a schedule's events (`events --task schedule:NAME`).
pub fn event_id(name: &str) -> String {
    format!("schedule:{name}")
}
