//! The worker's bookkeeping for metrics and pruning; what it does with it is in history.rs.

use crate::stats::metrics;

/// The worker's bookkeeping for metrics and pruning.
#[derive(Default)]
pub struct Upkeep {
    /// Counters and histograms since this worker started (`metrics`).
    pub counters: metrics::Counters,
    /// Unix ms of the last automatic prune (`[history] keep_days`).
    pub(super) last_prune: i64,
    /// Vacuum once this round is committed (a prune freed pages).
    pub(super) vacuum_after_commit: bool,
}
