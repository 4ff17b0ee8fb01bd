//! A task the worker holds in memory while it is pending or running, and why the worker is
//! ending it.

use crate::store::TaskRecord;
use std::sync::Arc;
use std::time::Instant;

/// A pending or running task, held in memory until it finishes.
pub(super) struct Live {
    pub rec: TaskRecord,
    /// The caller's environment; loaded from the store on demand for tasks from an earlier run.
    pub env: Option<Arc<Vec<(String, String)>>>,
    /// Unix ms it (last) became pending: the age used for ordering.
    pub enqueued_at: i64,
    /// Why the worker is ending it (cancel, timeout, shutdown), once it has signalled it.
    pub kill: Option<KillReason>,
    /// Its supervisor vanished and the processes it left are being ended (see `group_end`).
    pub orphaned: bool,
    /// Fingerprint of the waiting reason last stored (0: none), so unchanged reasons are not
    /// rendered again each round.
    pub reason_key: u64,
    /// Its kind (see `scheduler::footprint::kind`), worked out once.
    pub kind: Option<String>,
    /// The footprint resolved at learning generation `.0` (see `Actor::learn_gen`).
    pub fp: Option<(u64, crate::scheduler::Footprint)>,
    /// Resident memory its tree showed at the last look, and when (for reservations).
    pub shown: Option<(Instant, u64)>,
}

impl Live {
    pub fn new(rec: TaskRecord, env: Option<Arc<Vec<(String, String)>>>, enqueued_at: i64) -> Live {
        Live {
            rec,
            env,
            enqueued_at,
            kill: None,
            orphaned: false,
            reason_key: 0,
            kind: None,
            fp: None,
            shown: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum KillReason {
    Cancel,
    Timeout(u64),
    Shutdown,
    /// It hit a usage limit and kept retrying on its own: the account is held instead.
    Limit,
    /// Its reported cost went past `execute --max-cost` (the budget, USD).
    Budget(f64),
}

impl KillReason {
    pub fn to_json(self) -> serde_json::Value {
        match self {
            KillReason::Cancel => serde_json::json!("cancel"),
            KillReason::Shutdown => serde_json::json!("shutdown"),
            KillReason::Timeout(ms) => serde_json::json!({ "timeout_ms": ms }),
            KillReason::Limit => serde_json::json!("limit"),
            KillReason::Budget(usd) => serde_json::json!({ "budget_usd": usd }),
        }
    }

    pub fn from_json(value: &serde_json::Value) -> Option<KillReason> {
        match value.as_str() {
            Some("cancel") => Some(KillReason::Cancel),
            Some("shutdown") => Some(KillReason::Shutdown),
            Some("limit") => Some(KillReason::Limit),
            _ if value.get("budget_usd").is_some() => value["budget_usd"].as_f64().map(KillReason::Budget),
            _ => value.get("timeout_ms")?.as_u64().map(KillReason::Timeout),
        }
    }
}
