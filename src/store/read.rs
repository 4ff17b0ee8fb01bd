//! Queries. Shared by clients (status, list, result) and the worker (startup, lookups).

use super::{Store, TaskRecord};
use crate::error::{Error, Result};
use crate::model::{Artifacts, TaskResult, TaskState};
use rusqlite::{OptionalExtension, Row, params};

pub(super) const COLUMNS: &str = "seq, id, description, agent, spec, priority, class, state, waiting_reason, \
    reason, progress, step, eta_seconds, attempt, created_at, started_at, finished_at, not_before, \
    exit_code, pid, pid_start, session_id, output, metrics, artifacts, log_offset, typical_ms, todos, external_id, \
    footprint, peak, asks";

pub(super) fn record(row: &Row<'_>) -> rusqlite::Result<TaskRecord> {
    let json_err = |i: usize, e: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    };
    let spec: String = row.get(4)?;
    let state: String = row.get(7)?;
    let metrics: Option<String> = row.get(23)?;
    let artifacts: Option<String> = row.get(24)?;
    Ok(TaskRecord {
        seq: row.get(0)?,
        id: row.get(1)?,
        description: row.get(2)?,
        agent: row.get(3)?,
        spec: serde_json::from_str(&spec).map_err(|e| json_err(4, e))?,
        priority: row.get(5)?,
        class: row.get(6)?,
        state: state.parse().map_err(|e: String| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, e.into())
        })?,
        waiting_reason: row.get(8)?,
        reason: row.get(9)?,
        progress: row.get(10)?,
        step: row.get(11)?,
        eta_seconds: row.get::<_, Option<i64>>(12)?.map(|v| v.max(0) as u64),
        attempt: row.get(13)?,
        created_at: row.get(14)?,
        started_at: row.get(15)?,
        finished_at: row.get(16)?,
        not_before: row.get(17)?,
        exit_code: row.get(18)?,
        pid: row.get(19)?,
        pid_start: row.get::<_, Option<i64>>(20)?.map(|v| v as u64),
        session_id: row.get(21)?,
        output: row.get(22)?,
        metrics: metrics
            .map(|m| serde_json::from_str(&m))
            .transpose()
            .map_err(|e| json_err(23, e))?
            .unwrap_or_default(),
        artifacts: artifacts
            .map(|a| serde_json::from_str(&a))
            .transpose()
            .map_err(|e| json_err(24, e))?
            .unwrap_or_default(),
        log_offset: row.get::<_, Option<i64>>(25)?.map(|v| v as u64),
        typical_ms: row.get::<_, Option<i64>>(26)?.map(|v| v.max(0) as u64),
        todos: row
            .get::<_, Option<String>>(27)?
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(|e| json_err(27, e))?
            .unwrap_or_default(),
        external_id: row.get(28)?,
        // Unreadable footprints and peaks are display data: shown as absent, never an error.
        footprint: row.get::<_, Option<String>>(29)?.and_then(|t| serde_json::from_str(&t).ok()),
        peak: row.get::<_, Option<String>>(30)?.and_then(|t| serde_json::from_str(&t).ok()),
        asks: row
            .get::<_, Option<String>>(31)?
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(|e| json_err(31, e))?
            .unwrap_or_default(),
    })
}

/// Counts per state and the running tasks, for `status` without an id.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub pending: u64,
    pub running: u64,
    pub completed: u64,
    pub failed: u64,
    pub cancelled: u64,
}

/// Turn what a user typed into a full id: an exact id or a unique prefix of three or more.
pub fn resolve_id(store: Option<&Store>, typed: &str) -> Result<String> {
    let typed = typed.trim().to_ascii_lowercase();
    let unknown = || Error::not_found(format!("no task with id '{typed}'"));
    // Too short to pick one task is a usage error however it is spelled, empty included.
    if typed.len() < 3 {
        return Err(Error::usage(format!("id '{typed}' is too short: type at least 3 characters")));
    }
    if !crate::ids::looks_like_id(&typed) {
        return Err(unknown());
    }
    let Some(store) = store else { return Err(unknown()) };
    if typed.len() == crate::ids::LEN {
        return store.task(&typed)?.map(|t| t.id).ok_or_else(unknown);
    }
    // Ids sort lexically, so a prefix is a key range on the unique index.
    let upper = format!("{typed}\u{7f}");
    let mut stmt = store.conn.prepare_cached("SELECT id FROM tasks WHERE id >= ?1 AND id < ?2 LIMIT 2")?;
    let ids: Vec<String> =
        stmt.query_map(params![typed, upper], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(unknown()),
        _ => Err(Error::usage(format!("id '{typed}' matches several tasks: type more of it"))),
    }
}

impl Store {
    pub fn task(&self, id: &str) -> Result<Option<TaskRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tasks WHERE id = ?1"))?;
        Ok(stmt.query_row([id], record).optional()?)
    }

    /// The notification strategy a task was submitted with (`execute --notify`), if any: the
    /// notifier asks for every task, so it reads one field, not the whole row.
    pub fn notify_strategy(&self, id: &str) -> Result<Option<String>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT json_extract(spec, '$.notify') FROM tasks WHERE id = ?1")?;
        Ok(stmt.query_row([id], |row| row.get::<_, Option<String>>(0)).optional()?.flatten())
    }

    /// The task a submit with this client-chosen request id queued, if any.
    pub fn task_by_request(&self, request_id: &str) -> Result<Option<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT id FROM tasks WHERE request_id = ?1")?;
        Ok(stmt.query_row([request_id], |row| row.get(0)).optional()?)
    }

    /// Tasks in `states`, running first, then pending, then finished, newest first in each.
    pub fn list(&self, states: &[TaskState], limit: usize) -> Result<Vec<TaskRecord>> {
        // One snapshot for the three queries, so a task that ends meanwhile is not listed
        // twice (a savepoint: it also nests inside the worker's own transaction).
        self.conn.execute_batch("SAVEPOINT list")?;
        let listed = self.list_in_snapshot(states, limit);
        self.conn.execute_batch("RELEASE list")?;
        listed
    }

    fn list_in_snapshot(&self, states: &[TaskState], limit: usize) -> Result<Vec<TaskRecord>> {
        let wanted = |s: TaskState| states.is_empty() || states.contains(&s);
        let mut out = Vec::new();
        for group in [
            &[TaskState::Running][..],
            &[TaskState::Pending],
            &[TaskState::Completed, TaskState::Failed, TaskState::Cancelled],
        ] {
            let group: Vec<&str> = group.iter().filter(|s| wanted(**s)).map(|s| s.as_str()).collect();
            if group.is_empty() || out.len() >= limit {
                continue;
            }
            let marks = vec!["?"; group.len()].join(",");
            // Finished tasks walk the primary key backwards and stop at the limit.
            let sql = format!(
                "SELECT {COLUMNS} FROM tasks WHERE state IN ({marks}) ORDER BY seq DESC LIMIT {}",
                (limit - out.len()).min(i64::MAX as usize)
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(group), record)?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// Pending and running tasks: what a starting worker takes over.
    pub fn active(&self) -> Result<Vec<TaskRecord>> {
        self.list(&[TaskState::Running, TaskState::Pending], usize::MAX)
    }

    pub fn summary(&self) -> Result<Summary> {
        let mut s = Summary::default();
        let mut stmt = self.conn.prepare_cached("SELECT state, count(*) FROM tasks GROUP BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
        for row in rows {
            let (state, n) = row?;
            match state.parse() {
                Ok(TaskState::Pending) => s.pending = n,
                Ok(TaskState::Running) => s.running = n,
                Ok(TaskState::Completed) => s.completed = n,
                Ok(TaskState::Failed) => s.failed = n,
                Ok(TaskState::Cancelled) => s.cancelled = n,
                Err(_) => {}
            }
        }
        Ok(s)
    }

    /// Whether any task on record was sent to `executor` (`doctor` checks Slurm only then).
    pub fn used_executor(&self, executor: crate::config::executors::Executor) -> Result<bool> {
        let sql = "SELECT EXISTS(SELECT 1 FROM tasks \
                   WHERE json_valid(spec) AND json_extract(spec, '$.executor') = ?1)";
        Ok(self.conn.prepare_cached(sql)?.query_row([executor.as_str()], |r| r.get(0))?)
    }

    pub fn env_hash(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT env_hash FROM tasks WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// History of one task: (unix ms, kind, data).
    pub fn events(&self, id: &str) -> Result<Vec<(i64, String, Option<String>)>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT at, kind, data FROM events WHERE task_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl TaskRecord {
    pub fn result(&self) -> TaskResult {
        TaskResult {
            id: self.id.clone(),
            state: self.state,
            success: self.state == TaskState::Completed,
            exit_code: self.exit_code,
            reason: self.reason.clone(),
            output: self.output.clone().unwrap_or_default(),
            metrics: self.metrics.clone(),
            artifacts: Artifacts {
                branch: self.artifacts.worktree.as_ref().map(|_| crate::paths::worktree_branch(&self.id)),
                ..self.artifacts.clone()
            },
            children: Vec::new(),
            peak: self.peak,
        }
    }
}

impl Store {
    /// Durations (ms) of the most recent completed tasks of `agent` and `class`, newest first.
    pub fn recent_durations(&self, agent: &str, class: Option<&str>, limit: usize) -> Result<Vec<u64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT finished_at - started_at FROM tasks WHERE state = 'completed' AND agent = ?1 \
             AND class IS ?2 AND started_at IS NOT NULL ORDER BY seq DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![agent, class, limit as i64], |r| r.get::<_, i64>(0))?;
        Ok(rows.filter_map(|r| r.ok()).map(|d| d.max(0) as u64).collect())
    }
}

impl Store {
    /// What one finished attempt of `kind` used, for learning footprints.
    pub fn record_attempt(
        &self,
        task_id: &str,
        attempt: u32,
        kind: &str,
        finished_at: i64,
        peak: &crate::scheduler::Peak,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO attempts (task_id, attempt, kind, finished_at, rss_bytes, \
                 cpu_seconds, wall_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                task_id,
                attempt,
                kind,
                finished_at,
                peak.rss_bytes.min(i64::MAX as u64) as i64,
                peak.cpu_seconds,
                peak.wall_seconds
            ])?;
        Ok(())
    }

    /// The most recent attempts of `kind`, newest first.
    pub fn recent_peaks(&self, kind: &str, limit: usize) -> Result<Vec<crate::scheduler::Peak>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rss_bytes, cpu_seconds, wall_seconds FROM attempts WHERE kind = ?1 \
             ORDER BY finished_at DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![kind, limit as i64], |r| {
            Ok(crate::scheduler::Peak {
                rss_bytes: r.get::<_, i64>(0)?.max(0) as u64,
                cpu_seconds: r.get(1)?,
                wall_seconds: r.get(2)?,
                rss_at_most: None,
            })
        })?;
        Ok(rows.filter_map(|r| r.ok()).collect())
    }
}
