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
use std::collections::{BinaryHeap, HashMap};

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
    /// No fresh reading yet (just started, or idle for a while): a start waits the ~200 ms
    /// it takes to measure rather than guess.
    Measuring,
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
    /// Every other pending index with its reason, in no particular order (look up by index).
    pub waiting: Vec<(usize, WaitReason<'a>)>,
    /// Earliest future `not_before` of a task waiting on time: the worker sets a timer.
    pub wake_at: Option<i64>,
    /// Some task waits only on CPU/memory: the worker keeps sampling resources and retries.
    pub gated: bool,
}

/// Effective priority: the task's priority plus one per [`AGING_STEP_MS`] it has been ready to
/// start, capped at 10. "Ready" counts from `enqueued_at`, or from `not_before` when later.
pub fn effective_priority(task: &Pending<'_>, now_ms: i64) -> u8 {
    let ready_since = task.not_before.map_or(task.enqueued_at, |nb| nb.max(task.enqueued_at));
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
///    A full class never holds back other classes: each capped class has its own queue
///    (lane), and the next start is the best head among the lanes with room.
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
    let mut decision = Decision { waiting: Vec::with_capacity(pending.len()), ..Decision::default() };
    if paused {
        decision.waiting.extend((0..pending.len()).map(|i| (i, WaitReason::Paused)));
        return decision;
    }

    // Rules 2-3 need no order. The rest go into one max-heap per lane (lane 0: tasks without
    // a capped class; lane s+1: capped class s). Heapify is O(n) and only tasks that start are
    // popped, so a round costs O(n + starts * log n) and a full class is never scanned past.
    let mut classes = ClassSlots::new(limits, running);
    // Pass 1: reasons that need no order, and each other task's lane (NOT_READY: waiting).
    // Lanes are then allocated once at their exact size: growing them by doubling costs more
    // (copies into fresh pages) than the whole rest of a 10,000-task round.
    const NOT_READY: u32 = u32::MAX;
    let mut lane_of: Vec<u32> = Vec::with_capacity(pending.len());
    let mut lane_len = vec![0usize; classes.len() + 1];
    for (i, task) in pending.iter().enumerate() {
        let mut lane = NOT_READY;
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
            let l = task.class.and_then(|c| classes.find(c)).map_or(0, |s| s + 1);
            lane_len[l] += 1;
            lane = l as u32; // lanes are config classes + 1: far below u32::MAX
        }
        lane_of.push(lane);
    }
    // Pass 2: the keys, straight into their lanes.
    let mut lanes: Vec<Vec<Key>> = lane_len.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (i, (task, &lane)) in pending.iter().zip(&lane_of).enumerate() {
        if lane != NOT_READY {
            lanes[lane as usize].push(Key {
                priority: effective_priority(task, now_ms),
                enqueued_at: Reverse(task.enqueued_at),
                seq: Reverse(task.seq),
                index: i as u32, // a u32::MAX-task queue would need ~500 GB of rows
            });
        }
    }
    let mut lanes: Vec<BinaryHeap<Key>> = lanes.into_iter().map(BinaryHeap::from).collect();

    let mut round = Round {
        cap: limits.max_concurrent_tasks,
        total: running.total,
        projected_bytes: running.recent_mem_bytes,
        gate: cpu_block(readings, limits).or(mem_gate_block(readings, limits)),
    };
    loop {
        if round.total >= round.cap || round.gate_block(readings, limits).is_some() {
            break;
        }
        // The best head among the lanes whose class still has room.
        let best = lanes
            .iter()
            .enumerate()
            .filter(|&(lane, _)| lane == 0 || !classes.is_full(lane - 1))
            .filter_map(|(lane, heap)| heap.peek().map(|key| (key, lane)))
            .max();
        let Some((_, lane)) = best else { break };
        let Some(key) = lanes[lane].pop() else { break };
        decision.start.push(key.index as usize);
        round.total += 1;
        if lane > 0 {
            classes.take(lane - 1);
        }
        let footprint = pending[key.index as usize].mem_bytes;
        round.projected_bytes = round.projected_bytes.saturating_add(footprint);
    }

    // Nothing more can start: everyone left gets the first reason that holds for them.
    let gate = round.gate_block(readings, limits);
    for (lane, heap) in lanes.iter().enumerate() {
        for key in heap.iter() {
            // Only a full class needs the task row (for its name): keeps this pass sequential.
            let class_full = (lane > 0 && classes.is_full(lane - 1))
                .then(|| (classes.usage(lane - 1), pending[key.index as usize].class));
            let reason = match class_full {
                Some(((running, cap), Some(class))) => WaitReason::ClassFull { class, running, cap },
                _ if round.total >= round.cap => {
                    WaitReason::GlobalCap { running: round.total, cap: round.cap }
                }
                // The loop only stops with room left when a gate blocks (or no task is
                // left in a lane with room), so `gate` is set here; the fallback is defensive.
                _ => gate.unwrap_or(WaitReason::GlobalCap { running: round.total, cap: round.cap }),
            };
            decision.gated |= reason.is_gate();
            decision.waiting.push((key.index as usize, reason));
        }
    }
    decision
}

/// Heap order: effective priority, then older `enqueued_at`, then lower `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    priority: u8,
    enqueued_at: Reverse<i64>,
    seq: Reverse<i64>,
    index: u32,
}

/// Running totals of one round.
struct Round {
    cap: u32,
    total: u32,
    /// Footprints the memory reading cannot show yet: recent starts plus this round's.
    projected_bytes: u64,
    /// A closed CPU or memory gate (from the monitor).
    gate: Option<WaitReason<'static>>,
}

impl Round {
    fn gate_block(&self, readings: &Readings, limits: &Limits) -> Option<WaitReason<'static>> {
        self.gate.or_else(|| memory_projection_block(readings, limits, self.projected_bytes))
    }
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
            .map(|(name, &cap)| (name.as_str(), running.per_class.get(name).copied().unwrap_or(0), cap))
            .collect();
        ClassSlots { slots }
    }

    fn len(&self) -> usize {
        self.slots.len()
    }

    fn find(&self, class: &str) -> Option<usize> {
        self.slots.binary_search_by(|(name, _, _)| (*name).cmp(class)).ok()
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
        Gate::Usage { percent, limit } => Some(WaitReason::Cpu { percent, threshold: limit }),
        Gate::Pressure { avg10, limit } => Some(WaitReason::CpuPressure { avg10, threshold: limit }),
        Gate::Measuring => Some(WaitReason::CpuMeasuring),
    }
}

fn mem_gate_block(readings: &Readings, limits: &Limits) -> Option<WaitReason<'static>> {
    if !enforced(limits.memory_threshold) {
        return None;
    }
    match readings.mem_gate {
        Gate::Open => None,
        Gate::Usage { percent, limit } => Some(WaitReason::Memory { percent, threshold: limit }),
        Gate::Pressure { avg10, limit } => Some(WaitReason::MemoryPressure { avg10, threshold: limit }),
        Gate::Measuring => None,
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
