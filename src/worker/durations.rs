//! Recent completed durations per (agent, class), for the ETA's sanity check.

use std::collections::{HashMap, VecDeque};

/// Finished durations kept per (agent, class).
pub(super) const HISTORY: usize = 20;

#[derive(Default)]
pub(super) struct Durations {
    /// Milliseconds, newest first; loaded from the database on first use.
    recent: HashMap<(String, Option<String>), VecDeque<u64>>,
}

impl Durations {
    /// Median of the recent durations (at least three of them); `load` reads them from the
    /// database the first time.
    pub fn typical(
        &mut self,
        agent: &str,
        class: Option<&str>,
        load: impl FnOnce() -> Vec<u64>,
    ) -> Option<u64> {
        let key = (agent.to_string(), class.map(str::to_string));
        let recent = self.recent.entry(key).or_insert_with(|| load().into());
        if recent.len() < 3 {
            return None;
        }
        let mut history: Vec<u64> = recent.iter().copied().collect();
        history.sort_unstable();
        Some(history[history.len() / 2])
    }

    /// A task completed in `ms`: counted where its kind's durations are loaded already.
    pub fn record(&mut self, agent: &str, class: Option<&str>, ms: u64) {
        if let Some(history) = self.recent.get_mut(&(agent.to_string(), class.map(str::to_string))) {
            history.push_front(ms);
            history.truncate(HISTORY);
        }
    }

    pub fn clear(&mut self) {
        self.recent.clear();
    }
}
