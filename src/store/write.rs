//! Mutations. Only the worker calls these, inside the transaction of one batch.

use super::{Store, TaskRecord};
use crate::error::Result;
use crate::model::TaskSpec;
use rusqlite::params;
use std::collections::HashMap;

pub struct NewTask<'a> {
    pub id: &'a str,
    pub spec: &'a TaskSpec,
    pub created_at: i64,
    pub env_hash: Option<&'a str>,
}

/// Remembers which environments are already stored, so a submit from the same shell as the
/// last one writes no environment at all. Keyed by a fingerprint of the whole environment,
/// secret values included, which never leaves memory. Each entry says whether its sealed
/// values are still stored: once forgotten, the next submit seals them again into the same row
/// rather than adding a row per task.
#[derive(Default)]
pub struct EnvCache(HashMap<u64, (String, bool)>);

impl EnvCache {
    pub fn fingerprint(env: &[(String, String)]) -> u64 {
        env.iter().fold(0xcbf2_9ce4_8422_2325, |h, (k, v)| {
            let h = fnv1a(h, k.as_bytes());
            fnv1a(fnv1a(fnv1a(h, b"="), v.as_bytes()), b"\0")
        })
    }

    /// The stored hash, and whether its row is complete (sealed values not forgotten).
    pub fn get(&self, fingerprint: u64) -> Option<(&str, bool)> {
        self.0.get(&fingerprint).map(|(h, whole)| (h.as_str(), *whole))
    }

    pub fn insert(&mut self, fingerprint: u64, hash: String) {
        self.0.insert(fingerprint, (hash, true));
    }

    /// After its sealed values went: the next submit with it must store them again.
    pub fn forget(&mut self, hash: &str) {
        for (h, whole) in self.0.values_mut() {
            if h == hash {
                *whole = false;
            }
        }
    }
}

fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

impl Store {
    /// Insert a new pending task; returns its seq.
    pub fn insert_task(&self, t: &NewTask<'_>) -> Result<i64> {
        // The environment lives in `envs`; keep the spec row small.
        let mut spec = t.spec.clone();
        spec.env = Vec::new();
        self.conn
            .prepare_cached(
                "INSERT INTO tasks (id, description, agent, spec, env_hash, priority, class, state, \
                 created_at, not_before, request_id, flow_id, step_name, parent_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                t.id,
                spec.description,
                spec.agent,
                serde_json::to_string(&spec)?,
                t.env_hash,
                spec.priority,
                spec.class,
                t.created_at,
                spec.not_before_ms,
                spec.request_id,
                spec.flow_id,
                spec.step_name,
                spec.parent,
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Write every mutable column of `t`.
    pub fn save(&self, t: &TaskRecord) -> Result<()> {
        let metrics = serde_json::to_string(&t.metrics)?;
        let artifacts = serde_json::to_string(&t.artifacts)?;
        let todos = (!t.todos.is_empty()).then(|| serde_json::to_string(&t.todos)).transpose()?;
        let footprint = t.footprint.as_ref().map(serde_json::to_string).transpose()?;
        let peak = t.peak.as_ref().map(serde_json::to_string).transpose()?;
        let asks = (!t.asks.is_empty()).then(|| serde_json::to_string(&t.asks)).transpose()?;
        self.conn
            .prepare_cached(
                "UPDATE tasks SET priority=?2, class=?3, state=?4, waiting_reason=?5, reason=?6, \
                 progress=?7, step=?8, eta_seconds=?9, attempt=?10, started_at=?11, finished_at=?12, \
                 not_before=?13, exit_code=?14, pid=?15, pid_start=?16, session_id=?17, output=?18, \
                 metrics=?19, artifacts=?20, log_offset=?21, typical_ms=?22, todos=?23, external_id=?24, \
                 footprint=?25, peak=?26, asks=?27 WHERE id=?1",
            )?
            .execute(params![
                t.id,
                t.priority,
                t.class,
                t.state.as_str(),
                t.waiting_reason,
                t.reason,
                t.progress,
                t.step,
                t.eta_seconds.map(|v| v as i64),
                t.attempt,
                t.started_at,
                t.finished_at,
                t.not_before,
                t.exit_code,
                t.pid,
                t.pid_start.map(|v| v as i64),
                t.session_id,
                t.output,
                metrics,
                artifacts,
                t.log_offset.map(|v| v as i64),
                t.typical_ms.map(|v| v as i64),
                todos,
                t.external_id,
                footprint,
                peak,
                asks,
            ])?;
        Ok(())
    }

    /// Only the waiting reason: the scheduler's frequent, cheap update.
    pub fn save_waiting_reason(&self, id: &str, reason: Option<&str>) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE tasks SET waiting_reason=?2 WHERE id=?1")?
            .execute(params![id, reason])?;
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value=?2",
            )?
            .execute(params![key, value])?;
        Ok(())
    }
}
