//! Queries that serve one reader each: the worker's notices, `stats`, and `doctor`'s check of
//! the file. The shared reads of tasks are in read.rs.

use super::Store;
use crate::error::Result;
use rusqlite::params;
use std::path::Path;

/// The columns `stats` reads of a task, in this order: agent, class, state, created_at,
/// started_at, finished_at, tokens used, cost in USD, executor.
// Every column and expression is in the `tasks_ended` index (schema 12), spelled the same:
// an ended task is read from the index alone.
const STATS_SELECT: &str = "SELECT agent, class, state, created_at, started_at, finished_at, \
    CASE WHEN json_valid(metrics) THEN json_extract(metrics, '$.tokens_used') END, \
    CASE WHEN json_valid(metrics) THEN json_extract(metrics, '$.cost_usd') END, \
    COALESCE(CASE WHEN json_valid(spec) THEN json_extract(spec, '$.executor') END, 'local') FROM tasks";

impl Store {
    /// Tasks whose last `finished` event comes after event `mark`, newest first, at most `cap`:
    /// (task id, that event's seq).
    pub fn endings_after(&self, mark: i64, cap: i64) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT task_id, MAX(seq) AS last FROM events WHERE kind = 'finished' AND seq > ?1 \
             GROUP BY task_id ORDER BY last DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![mark, cap], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// For `stats`: tasks that ended at or after `since` (all when `None`) and every pending and
    /// running one, each read by `row` from the columns named at `STATS_SELECT`.
    pub fn stats_rows<T>(
        &self,
        since: Option<i64>,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        // Only live tasks lack an end time (`finished_at` is set wherever a task ends).
        let sql = format!(
            "{STATS_SELECT} WHERE finished_at >= ?1 UNION ALL {STATS_SELECT} WHERE state IN ('pending', 'running')"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([since.unwrap_or(i64::MIN)], row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
impl Store {
    /// How SQLite reads `stats` rows that ended (for the test that they come from the index).
    pub(crate) fn stats_plan(&self) -> Result<Vec<String>> {
        let sql = format!("EXPLAIN QUERY PLAN {STATS_SELECT} WHERE finished_at >= ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        Ok(stmt.query_map([0], |r| r.get(3))?.collect::<rusqlite::Result<_>>()?)
    }

    /// Raw SQL, for tests that need a row no code path writes (malformed JSON).
    pub(crate) fn execute_raw(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql)?;
        Ok(())
    }
}

/// SQLite's own check of the file at `path`, opened read-only: `["ok"]` when sound, else the
/// problems it names. `Err` says why it could not be read.
pub fn integrity_check(path: &Path) -> std::result::Result<Vec<String>, String> {
    use rusqlite::{Connection, OpenFlags};
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let read = Connection::open_with_flags(path, flags).and_then(|conn| {
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
    });
    read.map_err(|e| e.to_string())
}
