//! The flows table, and the links between tasks: a flow's steps, a task's children.

use super::read::{COLUMNS, record};
use super::{Store, TaskRecord};
use crate::error::{Error, Result};
use crate::flows::{FlowState, Plan};
use rusqlite::{OptionalExtension, Row, params};

/// One row of `flows`.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRecord {
    pub id: String,
    pub name: String,
    /// The flow file it was read from, as given.
    pub file: String,
    pub plan: Plan,
    pub cwd: String,
    pub env_hash: Option<String>,
    pub state: FlowState,
    pub reason: Option<String>,
    /// Bumped by `flow retry`; undo tasks belong to one attempt.
    pub attempt: u32,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

const FLOW_COLUMNS: &str =
    "id, name, file, plan, cwd, env_hash, state, reason, attempt, created_at, finished_at";

fn flow_record(row: &Row<'_>) -> rusqlite::Result<FlowRecord> {
    let plan: String = row.get(3)?;
    let state: String = row.get(6)?;
    Ok(FlowRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        file: row.get(2)?,
        plan: serde_json::from_str(&plan).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
        })?,
        cwd: row.get(4)?,
        env_hash: row.get(5)?,
        state: FlowState::parse(&state),
        reason: row.get(7)?,
        attempt: row.get(8)?,
        created_at: row.get(9)?,
        finished_at: row.get(10)?,
    })
}

impl Store {
    pub fn insert_flow(&self, f: &FlowRecord) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO flows ({FLOW_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))?
            .execute(params![
                f.id,
                f.name,
                f.file,
                serde_json::to_string(&f.plan)?,
                f.cwd,
                f.env_hash,
                f.state.as_str(),
                f.reason,
                f.attempt,
                f.created_at,
                f.finished_at,
            ])?;
        Ok(())
    }

    /// Write the mutable columns: state, reason, attempt, finished_at.
    pub fn save_flow(&self, f: &FlowRecord) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE flows SET state=?2, reason=?3, attempt=?4, finished_at=?5 WHERE id=?1")?
            .execute(params![f.id, f.state.as_str(), f.reason, f.attempt, f.finished_at])?;
        Ok(())
    }

    pub fn flow(&self, id: &str) -> Result<Option<FlowRecord>> {
        let sql = format!("SELECT {FLOW_COLUMNS} FROM flows WHERE id = ?1");
        Ok(self.conn.prepare_cached(&sql)?.query_row([id], flow_record).optional()?)
    }

    /// Flows, newest first; only running ones with `running_only`.
    pub fn flows(&self, running_only: bool, limit: usize) -> Result<Vec<FlowRecord>> {
        let filter = if running_only { "WHERE state = 'running'" } else { "" };
        let sql = format!("SELECT {FLOW_COLUMNS} FROM flows {filter} ORDER BY seq DESC LIMIT ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([limit.min(i64::MAX as usize) as i64], flow_record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// An exact flow id or a unique prefix of three or more characters.
    pub fn resolve_flow(&self, typed: &str) -> Result<String> {
        let typed = typed.trim().to_ascii_lowercase();
        if typed.len() < 3 {
            return Err(Error::usage(format!("id '{typed}' is too short: type at least 3 characters")));
        }
        let upper = format!("{typed}\u{7f}");
        let mut stmt = self.conn.prepare_cached("SELECT id FROM flows WHERE id >= ?1 AND id < ?2 LIMIT 2")?;
        let ids: Vec<String> =
            stmt.query_map(params![typed, upper], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(Error::not_found(format!("no flow with id '{typed}'"))),
            _ => Err(Error::usage(format!("id '{typed}' matches several flows: type more of it"))),
        }
    }

    /// The tasks of a flow (steps and undos), oldest first.
    pub fn flow_tasks(&self, flow_id: &str) -> Result<Vec<TaskRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM tasks WHERE flow_id = ?1 ORDER BY seq");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([flow_id], record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The tasks started from inside `parent`, oldest first.
    pub fn children(&self, parent: &str) -> Result<Vec<TaskRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM tasks WHERE parent_id = ?1 ORDER BY seq");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([parent], record)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn child_count(&self, parent: &str) -> Result<u32> {
        let mut stmt = self.conn.prepare_cached("SELECT count(*) FROM tasks WHERE parent_id = ?1")?;
        Ok(stmt.query_row([parent], |r| r.get(0))?)
    }
}
