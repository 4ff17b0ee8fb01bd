//! Admission: which pending tasks start now, and why each other one waits. A pure function of
//! the queue, what runs, the resource readings and the limits, so every rule is unit-tested
//! without processes or clocks.
//!
//! One round is O(n log n) in the pending tasks (one sort) and allocates three vectors; the
//! reasons borrow from the pending rows. 10,000 pending tasks take well under a millisecond
//! (`cargo bench --bench admission`).

use super::MAX_PRIORITY;
use super::gates::{self, Reserved};
use super::lanes::{AgentSlots, ClassSlots};
use super::reason::WaitReason;
pub use super::snapshot::{AgentSlot, Circuit, Decision, Gate, Hold, Pending, Readings, Running};
use crate::config::ResourceLimits;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Aging: a task that has been eligible to start for `AGING_STEP_MS` gains +1 effective
/// priority, again for every further step, up to 10.
///
/// README: *A waiting task gains one priority point for every 10 minutes it has been ready
/// to start (counted from submit, or from its `--at`/`--delay`/retry time when later), up to
/// priority 10, so low-priority work is never starved by a stream of higher-priority tasks.*
pub const AGING_STEP_MS: i64 = 10 * 60 * 1_000;

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
/// 4. Its agent's circuit is open or on trial, or the agent runs `max_concurrency` tasks.
/// 5. Its class has a cap in `limits.classes` and that many run (counting starts this round).
///    A full class or a busy agent never holds back the others: each (class, agent) pair with
///    a cap has its own queue (lane), and the next start is the best head among the lanes
///    with room.
/// 6. `max_concurrent_tasks` run.
/// 7. CPU and memory, predictively (see [`super::gates`]): the readings plus what running
///    tasks and this round's starts still reserve plus the candidate's footprint must stay
///    within the thresholds. The best head that does not fit stops the round (no overtaking,
///    so a large task is never starved by small ones).
///
/// Eligible tasks are considered by effective priority (see [`effective_priority`]), then
/// oldest `enqueued_at`, then `seq`.
pub fn decide<'a>(
    pending: &'a [Pending<'a>],
    running: &Running,
    readings: &Readings,
    limits: &ResourceLimits,
    paused: bool,
    now_ms: i64,
) -> Decision<'a> {
    let mut decision = Decision { waiting: Vec::with_capacity(pending.len()), ..Decision::default() };
    if paused {
        decision.waiting.extend((0..pending.len()).map(|i| (i, WaitReason::Paused)));
        return decision;
    }
    let mut classes = ClassSlots::new(limits, running);
    let mut agents = AgentSlots::new(running);
    let lanes = Lanes::build(pending, &classes, &agents, now_ms, &mut decision);
    let mut lanes: Vec<BinaryHeap<Key>> = lanes.into_iter().map(BinaryHeap::from).collect();
    let width = agents.len() + 1;
    let has_room = |classes: &ClassSlots<'_>, agents: &AgentSlots, lane: usize| {
        let (class, agent) = (lane / width, lane % width);
        (class == 0 || !classes.is_full(class - 1)) && (agent == 0 || !agents.is_blocked(agent - 1))
    };

    let (cap, mut total) = (limits.max_concurrent_tasks, running.total);
    let mut reserved = Reserved {
        mem_bytes: running.reserved_mem_bytes,
        freeing_bytes: running.freeing_mem_bytes,
        cores: running.reserved_cores,
        watching: running.watching,
        watch_bytes: running.watch_bytes,
        idle: running.total == 0,
    };
    let mut gate: Option<WaitReason<'a>> = None;
    while total < cap {
        // The best head among the lanes with room.
        let best = lanes
            .iter()
            .enumerate()
            .filter(|&(lane, _)| has_room(&classes, &agents, lane))
            .filter_map(|(lane, heap)| heap.peek().map(|key| (key, lane)))
            .max();
        let Some((&key, lane)) = best else { break };
        let task = &pending[key.index as usize];
        if let Some(why) = gates::block(task, &reserved, readings, limits) {
            gate = Some(why);
            break;
        }
        lanes[lane].pop();
        decision.start.push(key.index as usize);
        total += 1;
        reserved.add(task);
        let (class, agent) = (lane / width, lane % width);
        if class > 0 {
            classes.take(class - 1);
        }
        if agent > 0 {
            agents.take(agent - 1);
        }
    }

    // Nothing more can start: everyone left gets the first reason that holds for them.
    let left = Left { classes: &classes, agents: &agents, width, total, cap, gate };
    left.reasons(pending, &lanes, &mut decision);
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

/// Where the round stopped, for the reasons of the tasks left waiting.
struct Left<'r, 'l, 'a> {
    classes: &'r ClassSlots<'l>,
    agents: &'r AgentSlots,
    width: usize,
    total: u32,
    cap: u32,
    gate: Option<WaitReason<'a>>,
}

impl<'a> Left<'_, '_, 'a> {
    fn reasons(&self, pending: &'a [Pending<'a>], lanes: &[BinaryHeap<Key>], decision: &mut Decision<'a>) {
        let (total, cap) = (self.total, self.cap);
        for (lane, heap) in lanes.iter().enumerate() {
            let (class, agent) = (lane / self.width, lane % self.width);
            for key in heap.iter() {
                let task = &pending[key.index as usize];
                let agent_block =
                    (agent > 0).then(|| self.agents.block(agent - 1, task.agent, task.account)).flatten();
                let class_full = class > 0 && self.classes.is_full(class - 1);
                let reason = match (agent_block, class_full, task.class) {
                    (Some(why), _, _) => why,
                    (None, true, Some(name)) => {
                        let (running, cap) = self.classes.usage(class - 1);
                        WaitReason::ClassFull { class: name, running, cap }
                    }
                    _ if total >= cap => WaitReason::GlobalCap { running: total, cap },
                    // The loop only stops with room left when a gate blocks (or no lane with
                    // room has a task left), so `gate` is set here; the fallback is defensive.
                    _ => self.gate.unwrap_or(WaitReason::GlobalCap { running: total, cap }),
                };
                decision.gated |= reason.is_gate();
                decision.waiting.push((key.index as usize, reason));
            }
        }
    }
}

struct Lanes;

impl Lanes {
    /// Reasons that need no order go straight into `decision`; every other task's key goes
    /// into its lane, `class_lane * (agents + 1) + agent_lane` (0 = uncapped / unlimited).
    /// Heapify is O(n) and only tasks that start are popped, so a round costs
    /// O(n + starts * log n) and a full lane is never scanned past.
    fn build<'a>(
        pending: &'a [Pending<'a>],
        classes: &ClassSlots<'_>,
        agents: &AgentSlots,
        now_ms: i64,
        decision: &mut Decision<'a>,
    ) -> Vec<Vec<Key>> {
        // Pass 1: each task's lane (NOT_READY: waiting). Lanes are then allocated once at
        // their exact size: growing them by doubling costs more (copies into fresh pages) than
        // the whole rest of a 10,000-task round.
        const NOT_READY: u32 = u32::MAX;
        let width = agents.len() + 1;
        let mut lane_of: Vec<u32> = Vec::with_capacity(pending.len());
        let mut lane_len = vec![0usize; (classes.len() + 1) * width];
        let mut last_agent: Option<(&str, usize)> = None;
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
                let class = task.class.and_then(|c| classes.find(c)).map_or(0, |s| s + 1);
                // Queues are mostly runs of one agent: remember the last lookup.
                let agent = match last_agent {
                    Some((name, slot)) if name == task.agent => slot,
                    _ => agents.find(task.agent).map_or(0, |s| s + 1),
                };
                last_agent = Some((task.agent, agent));
                let l = class * width + agent;
                lane_len[l] += 1;
                lane = l as u32; // (classes + 1) * (agents + 1): far below u32::MAX
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
        lanes
    }
}

#[cfg(test)]
#[path = "admission_tests.rs"]
mod tests;
