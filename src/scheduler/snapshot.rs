//! What one admission round looks at: the pending tasks in order, what runs (per class and
//! agent, with the reservations of tasks whose use has not shown yet), the agents' caps and
//! circuits, and the resource readings. Plain data, so `decide` stays a pure function.

use super::reason::WaitReason;
use std::collections::HashMap;

/// One pending task, as the store reads it. Borrowed: a round copies no strings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pending<'a> {
    pub id: &'a str,
    /// Submit order: the last tiebreak, so equal tasks start first in, first out.
    pub seq: i64,
    /// 1..=10, higher first.
    pub priority: u8,
    pub class: Option<&'a str>,
    pub agent: &'a str,
    /// Whose usage limits and budget it shares (the agent's `account`, default its backend).
    pub account: &'a str,
    /// Unix ms it became pending (submit, or re-queue for a retry).
    pub enqueued_at: i64,
    /// Unix ms before which it may not start: `--at`, `--delay` or retry backoff.
    pub not_before: Option<i64>,
    /// `Some(n)` when `not_before` is the backoff before retry attempt `n`.
    pub retry_attempt: Option<u32>,
    /// The first dependency (task id) that has not completed yet.
    pub blocked_on: Option<&'a str>,
    /// Expected peak memory of its process tree in bytes (0 = unknown: slow start).
    pub mem_bytes: u64,
    /// `mem_bytes` was only seen on a running attempt of its kind: its start is watched too.
    pub seen_running: bool,
    /// Expected cores it keeps busy.
    pub cpus: f64,
}

/// What is running now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Running {
    pub total: u32,
    /// Running tasks per class; classes without a cap may be left out.
    pub per_class: HashMap<String, u32>,
    /// Memory the running tasks are still expected to add: per task, its footprint minus what
    /// its process tree uses now (see [`super::footprint::mem_reservation`]).
    pub reserved_mem_bytes: u64,
    /// Memory ended tasks gave back that the reading still counts (see [`super::freeing`]):
    /// the memory gate treats it as free.
    pub freeing_mem_bytes: u64,
    /// Cores the running tasks are expected to use that the CPU average does not show yet
    /// (see [`super::footprint::cpu_reservation`]).
    pub reserved_cores: f64,
    /// Running tasks of unknown memory footprint still being watched (slow start): while any
    /// is, another task passes the memory gate only if the room left holds what each watched
    /// task and the candidate could use (`watch_bytes`).
    pub watching: u32,
    /// What a task of unknown size could use: the largest footprint learned or any agent's
    /// default. 0 = nothing known, and then no task passes while one is watched.
    pub watch_bytes: u64,
    /// Agents with a concurrency cap or a circuit; an agent not listed is unlimited.
    pub agents: Vec<AgentSlot>,
}

/// One agent's own limits.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSlot {
    pub name: String,
    pub running: u32,
    /// `max_concurrency`.
    pub cap: u32,
    pub circuit: Circuit,
    /// Its account (several agents may share one, and with it a hold).
    pub account: String,
    /// The account's usage-limit hold or spent budget.
    pub hold: Hold,
}

/// An account's hold, as admission sees it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Hold {
    #[default]
    None,
    /// A usage limit: nothing of the account starts before unix ms `until`.
    Limit { until: i64 },
    /// Today's spend reached the daily budget (all agents' budget when `overall`).
    Budget { spent: f64, budget: f64, overall: bool },
    /// The limit is over: one trial task may start.
    Trial,
    /// The trial runs: the others wait until it gets through.
    TrialRunning,
}

/// An agent's circuit breaker, as the worker's failure count left it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Circuit {
    #[default]
    Closed,
    /// Rested after `failures` failures until unix ms `until`.
    Open { until: i64, failures: u32 },
    /// Rest over: one trial task may start.
    HalfOpen { failures: u32 },
    /// The trial task runs: the others wait for its verdict.
    Trial { failures: u32 },
}

/// State of one resource gate, as the monitor's hysteresis left it. It carries the numbers
/// for the reason text, so the text is always true (see [`super::resources`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Gate {
    #[default]
    Open,
    /// Usage closed it: `limit` is the configured threshold; it reopens below
    /// [`super::hysteresis::reopen_level`] of it.
    Usage { percent: f64, limit: f64 },
    /// Linux pressure stall (`some avg10`) closed it at `limit`.
    Pressure { avg10: f64, limit: f64 },
    /// No fresh reading yet (just started, or idle for a while): a start waits the ~200 ms
    /// it takes to measure rather than guess.
    Measuring,
}

impl Gate {
    pub fn is_closed(&self) -> bool {
        !matches!(self, Gate::Open)
    }

    /// Closed by a reading at or over its threshold (not only inside the hysteresis band).
    pub fn is_over(&self) -> bool {
        match *self {
            Gate::Open => false,
            Gate::Usage { percent, limit } => percent >= limit,
            Gate::Pressure { avg10, limit } => avg10 >= limit,
            Gate::Measuring => true,
        }
    }
}

/// Resource readings; `None` = unknown (not measured yet, or not on this system), which
/// never blocks a start.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Readings {
    /// Smoothed CPU busy percent of the whole machine (external load counts).
    pub cpu_percent: Option<f64>,
    /// Logical cores the CPU percent is a share of (0 = unknown).
    pub cpus: u32,
    /// Memory in use, percent.
    pub mem_percent: Option<f64>,
    /// The memory total `mem_percent` is relative to (cgroup limit when smaller), bytes.
    pub mem_total_bytes: u64,
    /// Linux PSI `some avg10`, percent, when available.
    pub cpu_pressure: Option<f64>,
    pub mem_pressure: Option<f64>,
    pub cpu_gate: Gate,
    pub mem_gate: Gate,
}

/// The outcome of one round.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decision<'a> {
    /// Indices into the pending slice, in the order to start them.
    pub start: Vec<usize>,
    /// Every other pending index with its reason, in no particular order (look up by index).
    pub waiting: Vec<(usize, WaitReason<'a>)>,
    /// Earliest future `not_before` of a task waiting on time: the worker sets a timer.
    pub wake_at: Option<i64>,
    /// Some task waits only on CPU/memory: the worker keeps sampling resources and retries.
    pub gated: bool,
}
