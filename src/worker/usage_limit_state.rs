//! The worker's usage-limit state: holds per account and today's spend. What the worker does
//! with it is in actor/usage_limits.rs.

use crate::scheduler::holds::Holds;
use std::collections::{HashMap, HashSet};

/// Holds, and today's spend per account.
pub struct UsageLimitState {
    pub holds: Holds,
    /// The local day `spend` is for (`2026-12-02`).
    pub(super) day: String,
    pub(super) spend: HashMap<String, f64>,
    /// Budget holds released by hand today (`agents release`).
    pub(super) released: HashSet<String>,
    /// Accounts whose budget hold was told as started, so its end is told too.
    pub(super) budget_held: HashSet<String>,
}

impl UsageLimitState {
    pub fn new(config: &crate::config::Config) -> UsageLimitState {
        let (base, max) = config.usage_limits.backoff_ms();
        UsageLimitState {
            holds: Holds::new(base, max),
            day: String::new(),
            spend: HashMap::new(),
            released: HashSet::new(),
            budget_held: HashSet::new(),
        }
    }
}
