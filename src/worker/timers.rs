//! The actor's timers: when to wake next, and what is due.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Timer {
    /// Re-run admission (a delay or backoff ends).
    Wake,
    Timeout {
        id: String,
        attempt: u32,
    },
    Sigkill {
        id: String,
        attempt: u32,
    },
    /// Executors look at the tasks they hold.
    Look,
    /// A question asked at `since` has waited its `needs_timeout`.
    NeedsTimeout {
        id: String,
        since: i64,
    },
}

#[derive(Default)]
pub(super) struct Timers {
    heap: BinaryHeap<Reverse<(i64, Timer)>>,
    /// The times of the `Wake` timers in `heap`, so the same wake-up is set once.
    wakes: BTreeSet<i64>,
}

impl Timers {
    pub fn add(&mut self, at: i64, timer: Timer) {
        // Rounds may ask for the same wake-up again and again (an open circuit, a gate).
        if timer == Timer::Wake && !self.wakes.insert(at) {
            return;
        }
        self.heap.push(Reverse((at, timer)));
    }

    /// When the earliest timer is due.
    pub fn next(&self) -> Option<i64> {
        self.heap.peek().map(|Reverse((at, _))| *at)
    }

    /// The earliest timer if it is due by `now`.
    pub fn pop_due(&mut self, now: i64) -> Option<Timer> {
        let Reverse((at, _)) = self.heap.peek()?;
        if *at > now {
            return None;
        }
        let Reverse((at, timer)) = self.heap.pop()?;
        if timer == Timer::Wake {
            self.wakes.remove(&at);
        }
        Some(timer)
    }

    /// Timeouts and escalations of tasks that have ended stay in the heap until due (a heap
    /// cannot remove from the middle); when they outnumber the `live_tasks`, rebuild it
    /// keeping those of attempts that are still `live`.
    pub fn purge(&mut self, live_tasks: usize, live: impl Fn(&str, u32) -> bool) {
        if self.heap.len() < 1024 || self.heap.len() < 4 * live_tasks {
            return;
        }
        let heap = std::mem::take(&mut self.heap);
        self.heap = heap
            .into_iter()
            .filter(|Reverse((_, timer))| match timer {
                Timer::Wake | Timer::Look => true,
                Timer::Timeout { id, attempt } | Timer::Sigkill { id, attempt } => live(id, *attempt),
                // Few, and each fires once: kept until due.
                Timer::NeedsTimeout { .. } => true,
            })
            .collect();
    }
}
