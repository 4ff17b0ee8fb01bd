//! The worker's bookkeeping for metrics and pruning; what it does with it is in history.rs.

use crate::error::Result;
use crate::model::{Metrics, TaskState};
use crate::stats::metrics;
use crate::stats::tally::Tally;
use crate::store::Store;

/// The worker's bookkeeping for metrics and pruning.
pub struct Upkeep {
    /// Counters and histograms since this worker started (`metrics`).
    pub counters: metrics::Counters,
    /// Finished tasks in the database by state: counted once at start, then followed.
    pub(super) stored: Tally,
    /// Unix ms of the last automatic prune (`[history] keep_days`).
    pub(super) last_prune: i64,
    /// Vacuum once this round is committed (a prune freed pages).
    pub(super) vacuum_after_commit: bool,
}

impl Upkeep {
    pub fn new(store: &Store) -> Result<Upkeep> {
        let stored = Tally::count(store)?;
        // The count read the whole state index into SQLite's page cache: an idle worker
        // need not keep it.
        store.shrink_memory();
        Ok(Upkeep { counters: Default::default(), stored, last_prune: 0, vacuum_after_commit: false })
    }

    /// A task ended for good.
    pub fn on_finish(&mut self, agent: &str, state: TaskState, metrics: &Metrics) {
        self.counters.on_finish(agent, state, metrics);
        self.stored.add(state);
    }

    /// A task that had ended in `state` runs again.
    pub fn on_retry(&mut self, state: TaskState) {
        self.stored.remove(state, 1);
    }
}
