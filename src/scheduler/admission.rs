//! Admission: which pending tasks start now, and why each other one waits. A pure function of
//! the queue, what runs, the resource readings and the limits, so every rule is unit-tested
//! without processes or clocks.
//!
//! One round is O(n log n) in the pending tasks (one sort) and allocates three vectors; the
//! reasons borrow from the pending rows. 10,000 pending tasks take well under a millisecond
//! (`cargo bench --bench admission`).

use super::reason::WaitReason;
use crate::config::Limits;
use crate::model::MAX_PRIORITY;
use std::cmp::Reverse;
use std::collections::HashMap;

/// Aging: a task that has been eligible to start for `AGING_STEP_MS` gains +1 effective
/// priority, again for every further step, up to 10.
///
/// README: *A waiting task gains one priority point for every 10 minutes it has been ready
/// to start (counted from submit, or from its `--at`/`--delay`/retry time when later), up to
/// priority 10, so low-priority work is never starved by a stream of higher-priority tasks.*
pub const AGING_STEP_MS: i64 = 10 * 60 * 1_000;

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
    /// Unix ms it became pending (submit, or re-queue for a retry).
    pub enqueued_at: i64,
    /// Unix ms before which it may not start: `--at`, `--delay` or retry backoff.
    pub not_before: Option<i64>,
    /// `Some(n)` when `not_before` is the backoff before retry attempt `n`.
    pub retry_attempt: Option<u32>,
    /// The first dependency (task id) that has not completed yet.
    pub blocked_on: Option<&'a str>,
    /// Expected memory footprint in bytes (0 = unknown).
    pub mem_bytes: u64,
}

/// What is running now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Running {
    pub total: u32,
    /// Running tasks per class; classes without a cap may be left out.
    pub per_class: HashMap<String, u32>,
    /// Footprint of tasks started so recently that the memory reading cannot show them yet.
    pub recent_mem_bytes: u64,
}

/// State of one resource gate, as the monitor's hysteresis left it. It carries the numbers
/// for the reason text, so the text is always true (see [`super::resources`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Gate {
    #[default]
    Open,
    /// Usage closed it: it reopens once `percent` falls below `limit`.
    Usage { percent: f64, limit: f64 },
    /// Linux pressure stall (`some avg10`) closed it: it reopens below `limit`.
    Pressure { avg10: f64, limit: f64 },
}

impl Gate {
    pub fn is_closed(&self) -> bool {
        !matches!(self, Gate::Open)
    }
}

/// Resource readings; `None` = unknown (not measured yet, or not on this system), which
/// never blocks a start.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Readings {
    /// Smoothed CPU busy percent of the whole machine (external load counts).
    pub cpu_percent: Option<f64>,
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
    /// Every other pending index with its reason. Tasks that were considered for a start come
    /// in start order; the rest (paused, dependencies, scheduled) in input order.
    pub waiting: Vec<(usize, WaitReason<'a>)>,
    /// Earliest future `not_before` of a task waiting on time: the worker sets a timer.
    pub wake_at: Option<i64>,
    /// Some task waits only on CPU/memory: the worker keeps sampling resources and retries.
    pub gated: bool,
}

/// Effective priority: the task's priority plus one per [`AGING_STEP_MS`] it has been ready to
/// start, capped at 10. "Ready" counts from `enqueued_at`, or from `not_before` when later.
pub fn effective_priority(task: &Pending<'_>, now_ms: i64) -> u8 {
    let ready_since = task
        .not_before
        .map_or(task.enqueued_at, |nb| nb.max(task.enqueued_at));
    let steps = now_ms.saturating_sub(ready_since).max(0) / AGING_STEP_MS;
    let aged = i64::from(task.priority).saturating_add(steps);
    aged.clamp(0, i64::from(MAX_PRIORITY)) as u8
}

/// Decide which pending tasks start now.
///
/// Rules, in the order they apply to each task (the first that holds is its reason):
/// 1. `paused`: nothing starts.
/// 2. A dependency has not completed.
/// 3. `not_before` is in the future (scheduled, or retry backoff).
/// 4. Its class has a cap in `limits.classes` and that many run (counting starts this round).
///    A full class never holds back other classes: the scan simply moves on.
/// 5. `max_concurrent_tasks` run.
/// 6. The CPU gate is closed (threshold 100 disables it).
/// 7. The memory gate is closed, or projected memory reaches the threshold:
///    `mem_percent + (recent_mem_bytes + footprints started this round) / total * 100`,
///    so a burst of starts in one round cannot overshoot (threshold 100 disables it).
///
/// Eligible tasks are considered by effective priority (see [`effective_priority`]), then
/// oldest `enqueued_at`, then `seq`.
pub fn decide<'a>(
    pending: &'a [Pending<'a>],
    running: &Running,
    readings: &Readings,
    limits: &Limits,
    paused: bool,
    now_ms: i64,
) -> Decision<'a> {
    let mut decision = Decision {
        waiting: Vec::with_capacity(pending.len()),
        ..Decision::default()
    };
    if paused {
        decision
            .waiting
            .extend((0..pending.len()).map(|i| (i, WaitReason::Paused)));
        return decision;
    }

    // Rules 2-3 need no order; everything else is sorted once.
    let mut order: Vec<(Reverse<u8>, i64, i64, usize)> = Vec::with_capacity(pending.len());
    for (i, task) in pending.iter().enumerate() {
        if let Some(dep) = task.blocked_on {
            decision.waiting.push((i, WaitReason::Dependencies(dep)));
        } else if let Some(at) = task.not_before.filter(|&at| at > now_ms) {
            decision.wake_at = Some(decision.wake_at.map_or(at, |w| w.min(at)));
            let reason = match task.retry_attempt {
                Some(attempt) => WaitReason::Backoff { attempt, at },
                None => WaitReason::Scheduled(at),
            };
            decision.waiting.push((i, reason));
        } else {
            let key = Reverse(effective_priority(task, now_ms));
            order.push((key, task.enqueued_at, task.seq, i));
        }
    }
    order.sort_unstable();

    let mut classes = ClassSlots::new(limits, running);
    let cap = limits.max_concurrent_tasks;
    let mut total = running.total;
    let cpu_block = cpu_block(readings, limits);
    let mem_gate_block = mem_gate_block(readings, limits);
    let mut projected_bytes = running.recent_mem_bytes;

    for &(_, _, _, i) in &order {
        let task = &pending[i];
        let slot = task.class.and_then(|class| classes.find(class));
        let reason = match (task.class, slot) {
            (Some(class), Some(s)) if classes.is_full(s) => {
                let (running, cap) = classes.usage(s);
                Some(WaitReason::ClassFull {
                    class,
                    running,
                    cap,
                })
            }
            _ if total >= cap => Some(WaitReason::GlobalCap {
                running: total,
                cap,
            }),
            _ => cpu_block
                .or(mem_gate_block)
                .or_else(|| memory_projection_block(readings, limits, projected_bytes)),
        };
        match reason {
            Some(reason) => {
                decision.gated |= reason.is_gate();
                decision.waiting.push((i, reason));
            }
            None => {
                decision.start.push(i);
                total += 1;
                if let Some(s) = slot {
                    classes.take(s);
                }
                projected_bytes = projected_bytes.saturating_add(task.mem_bytes);
            }
        }
    }
    decision
}

/// Per-class running counts for the capped classes only: a handful, sorted by name (the
/// config keeps them in a `BTreeMap`), so lookups are a binary search without hashing.
struct ClassSlots<'l> {
    slots: Vec<(&'l str, u32, u32)>,
}

impl<'l> ClassSlots<'l> {
    fn new(limits: &'l Limits, running: &Running) -> Self {
        let slots = limits
            .classes
            .iter()
            .map(|(name, &cap)| {
                (
                    name.as_str(),
                    running.per_class.get(name).copied().unwrap_or(0),
                    cap,
                )
            })
            .collect();
        ClassSlots { slots }
    }

    fn find(&self, class: &str) -> Option<usize> {
        self.slots
            .binary_search_by(|(name, _, _)| (*name).cmp(class))
            .ok()
    }

    fn is_full(&self, slot: usize) -> bool {
        let (_, used, cap) = self.slots[slot];
        used >= cap
    }

    /// (running, cap)
    fn usage(&self, slot: usize) -> (u32, u32) {
        let (_, used, cap) = self.slots[slot];
        (used, cap)
    }

    fn take(&mut self, slot: usize) {
        self.slots[slot].1 += 1;
    }
}

/// True when a threshold is in force; 100 (or more) disables a gate.
fn enforced(threshold: f64) -> bool {
    threshold < 100.0
}

fn cpu_block(readings: &Readings, limits: &Limits) -> Option<WaitReason<'static>> {
    if !enforced(limits.cpu_threshold) {
        return None;
    }
    match readings.cpu_gate {
        Gate::Open => None,
        Gate::Usage { percent, limit } => Some(WaitReason::Cpu {
            percent,
            threshold: limit,
        }),
        Gate::Pressure { avg10, limit } => Some(WaitReason::CpuPressure {
            avg10,
            threshold: limit,
        }),
    }
}

fn mem_gate_block(readings: &Readings, limits: &Limits) -> Option<WaitReason<'static>> {
    if !enforced(limits.memory_threshold) {
        return None;
    }
    match readings.mem_gate {
        Gate::Open => None,
        Gate::Usage { percent, limit } => Some(WaitReason::Memory {
            percent,
            threshold: limit,
        }),
        Gate::Pressure { avg10, limit } => Some(WaitReason::MemoryPressure {
            avg10,
            threshold: limit,
        }),
    }
}

/// Memory in use plus the footprints the reading cannot show yet, against the threshold.
fn memory_projection_block(
    readings: &Readings,
    limits: &Limits,
    extra_bytes: u64,
) -> Option<WaitReason<'static>> {
    let threshold = limits.memory_threshold;
    let in_use = readings.mem_percent?;
    if !enforced(threshold) {
        return None;
    }
    let extra = match readings.mem_total_bytes {
        0 => 0.0,
        total => extra_bytes as f64 / total as f64 * 100.0,
    };
    let percent = in_use + extra;
    (percent >= threshold).then_some(WaitReason::Memory { percent, threshold })
}

#[cfg(test)]
#[path = "admission_tests.rs"]
mod tests;
