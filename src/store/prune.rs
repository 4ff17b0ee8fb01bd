//! Forgetting old history: finished tasks older than a cutoff, their events and the
//! environments no task uses any more. Running and pending tasks are never touched.

use super::Store;
use crate::error::Result;
use crate::model::TaskState;
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// What a prune removed (or, for a dry run, would remove).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PruneReport {
    pub dry_run: bool,
    pub tasks: u64,
    pub events: u64,
    pub envs: u64,
    /// Log and status files removed.
    pub files: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// The tasks removed (their files go after the commit).
    #[serde(skip)]
    pub ids: Vec<(String, u32)>,
    /// How many of them ended in each final state (the worker's tally follows).
    #[serde(skip)]
    pub by_state: Vec<(TaskState, u64)>,
}

impl Store {
    /// Inside the caller's transaction: remove finished tasks that ended before `cutoff` (unix
    /// ms), except those named in `keep` (dependencies of live tasks), with their events;
    /// then environments no remaining task refers to, and circuit events older than `cutoff`.
    pub fn prune(&self, cutoff: i64, keep: &[String], dry_run: bool) -> Result<PruneReport> {
        let c = &self.conn;
        c.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS doomed (id TEXT PRIMARY KEY, attempt INTEGER); \
             DELETE FROM temp.doomed;",
        )?;
        c.execute(
            "INSERT INTO temp.doomed SELECT id, attempt FROM tasks WHERE finished_at < ?1 \
             AND state IN ('completed', 'failed', 'cancelled')",
            [cutoff],
        )?;
        for id in keep {
            c.execute("DELETE FROM temp.doomed WHERE id = ?1", [id])?;
        }
        let count = |sql: &str| -> Result<u64> {
            Ok(c.query_row(sql, params![cutoff], |r| r.get::<_, i64>(0))?.max(0) as u64)
        };
        let mut report = PruneReport {
            dry_run,
            tasks: count("SELECT COUNT(*) FROM temp.doomed WHERE ?1 = ?1")?,
            events: count(
                "SELECT (SELECT COUNT(*) FROM events WHERE task_id IN (SELECT id FROM temp.doomed)) + \
                 (SELECT COUNT(*) FROM events WHERE task_id LIKE 'agent:%' AND at < ?1)",
            )?,
            envs: count(
                "SELECT COUNT(*) FROM envs WHERE ?1 = ?1 AND hash NOT IN (SELECT env_hash FROM tasks \
                 WHERE env_hash IS NOT NULL AND id NOT IN (SELECT id FROM temp.doomed))",
            )?,
            bytes_before: self.file_bytes()?,
            ..Default::default()
        };
        let mut stmt = c.prepare("SELECT id, attempt FROM temp.doomed")?;
        report.ids = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        let mut stmt = c.prepare(
            "SELECT t.state, COUNT(*) FROM temp.doomed d JOIN tasks t ON t.id = d.id GROUP BY t.state",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (state, n) = row?;
            if let Ok(state) = state.parse() {
                report.by_state.push((state, n.max(0) as u64));
            }
        }
        drop(stmt);
        if !dry_run {
            c.execute_batch(
                "DELETE FROM events WHERE task_id IN (SELECT id FROM temp.doomed); \
                 DELETE FROM tasks WHERE id IN (SELECT id FROM temp.doomed); \
                 DELETE FROM envs WHERE hash NOT IN \
                   (SELECT env_hash FROM tasks WHERE env_hash IS NOT NULL) \
                   AND hash NOT IN (SELECT env_hash FROM flows WHERE env_hash IS NOT NULL);",
            )?;
            c.execute(
                "DELETE FROM events WHERE (task_id LIKE 'agent:%' OR task_id LIKE 'schedule:%') AND at < ?1",
                [cutoff],
            )?;
        }
        c.execute_batch("DELETE FROM temp.doomed")?;
        report.bytes_after = report.bytes_before;
        Ok(report)
    }

    /// After the prune's commit: give the freed pages back so the file shrinks. A database
    /// made before incremental vacuum was switched on gets one full VACUUM to convert it.
    pub fn vacuum(&self) -> Result<u64> {
        let mode: i64 = self.conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
        if mode == 2 {
            self.conn.execute_batch("PRAGMA incremental_vacuum")?;
        } else {
            self.conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;")?;
        }
        // In WAL mode the file is cut only when the log is written back.
        self.checkpoint_truncate()?;
        self.file_bytes()
    }

    /// Size of the database in use (pages times page size).
    pub fn file_bytes(&self) -> Result<u64> {
        let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let size: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok((pages * size).max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use crate::flows::FlowState;
    use crate::secrets::SealedEnv;
    use crate::store::Store;
    use crate::store::flows::FlowRecord;

    /// A running flow's environment is read again for each later step: a prune that found no
    /// task using it must keep it (the step ran with an empty environment otherwise).
    #[test]
    fn prune_keeps_the_environment_of_a_flow() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_for_worker(&dir.path().join("t.db")).unwrap();
        let env = SealedEnv { plain: vec![("PATH".into(), "/opt/agents".into())], ..Default::default() };
        store.put_env("flowenv", &env).unwrap();
        store.put_env("orphan", &env).unwrap();
        let plan = crate::flows::Plan { name: "f".into(), steps: Vec::new(), vars: Default::default() };
        let flow = FlowRecord {
            id: "fl0w01".into(),
            name: "f".into(),
            file: "f.toml".into(),
            plan,
            cwd: "/".into(),
            env_hash: Some("flowenv".into()),
            state: FlowState::Running,
            reason: None,
            attempt: 1,
            created_at: 0,
            finished_at: None,
        };
        store.insert_flow(&flow).unwrap();
        store.prune(i64::MAX, &[], false).unwrap();
        assert_eq!(store.sealed_env("flowenv").unwrap().plain, env.plain);
        assert!(store.sealed_env("orphan").unwrap().plain.is_empty(), "an unused environment goes");
    }
}
