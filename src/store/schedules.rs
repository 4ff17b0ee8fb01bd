//! The schedules table: each schedule's definition and where it stands (issue 32).

use super::Store;
use crate::error::Result;
use crate::schedules::ScheduleDef;
use rusqlite::{OptionalExtension, Row, params};

/// One row of `schedules`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRecord {
    pub def: ScheduleDef,
    pub created_at: i64,
    pub paused: bool,
    /// Why it is paused: `schedule pause`, or a per-day cap (then `paused_until` is set).
    pub pause_reason: Option<String>,
    /// A cap's pause ends by itself at the next local midnight.
    pub paused_until: Option<i64>,
    /// The first window not handled yet (`None`: the pattern never matches again).
    pub next_at: Option<i64>,
    /// Windows missed in all (the worker down, the machine asleep, the clock moved).
    pub missed: u64,
    /// Firings waiting for the run still going (`--overlap queue`, `--catch-up all`).
    pub backlog: u32,
    /// Catch-up runs still to start, one after another (`--catch-up once|all`).
    pub catch_ups: u32,
    /// The local day `runs_today` counts (YYYY-MM-DD).
    pub day: String,
    pub runs_today: u32,
    pub last_task: Option<String>,
}

const COLUMNS: &str = "name, def, created_at, paused, pause_reason, paused_until, next_at, missed, backlog, catch_ups, day, runs_today, last_task";

fn record(row: &Row<'_>) -> rusqlite::Result<ScheduleRecord> {
    let def: String = row.get(1)?;
    Ok(ScheduleRecord {
        def: serde_json::from_str(&def).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
        })?,
        created_at: row.get(2)?,
        paused: row.get(3)?,
        pause_reason: row.get(4)?,
        paused_until: row.get(5)?,
        next_at: row.get(6)?,
        missed: row.get::<_, i64>(7)? as u64,
        backlog: row.get(8)?,
        catch_ups: row.get(9)?,
        day: row.get(10)?,
        runs_today: row.get(11)?,
        last_task: row.get(12)?,
    })
}

impl Store {
    /// Insert or replace the row of `s.def.name`.
    pub fn save_schedule(&self, s: &ScheduleRecord) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO schedules ({COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ))?
            .execute(params![
                s.def.name,
                serde_json::to_string(&s.def)?,
                s.created_at,
                s.paused,
                s.pause_reason,
                s.paused_until,
                s.next_at,
                s.missed as i64,
                s.backlog,
                s.catch_ups,
                s.day,
                s.runs_today,
                s.last_task,
            ])?;
        Ok(())
    }

    pub fn delete_schedule(&self, name: &str) -> Result<()> {
        self.conn.prepare_cached("DELETE FROM schedules WHERE name = ?1")?.execute(params![name])?;
        Ok(())
    }

    /// Every schedule, by name.
    pub fn schedules(&self) -> Result<Vec<ScheduleRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {COLUMNS} FROM schedules ORDER BY name"))?;
        let rows = stmt.query_map([], record)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn schedule(&self, name: &str) -> Result<Option<ScheduleRecord>> {
        let mut stmt =
            self.conn.prepare_cached(&format!("SELECT {COLUMNS} FROM schedules WHERE name = ?1"))?;
        Ok(stmt.query_row(params![name], record).optional()?)
    }

    /// What the tasks `schedule` fired since `since` (ms) have cost, in USD.
    pub fn schedule_spend(&self, schedule: &str, since: i64) -> Result<f64> {
        let sum: Option<f64> = self
            .conn
            .prepare_cached(
                "SELECT SUM(CASE WHEN json_valid(metrics) THEN json_extract(metrics, '$.cost_usd') END) \
                 FROM tasks WHERE created_at >= ?2 AND json_extract(spec, '$.schedule') = ?1",
            )?
            .query_row(params![schedule, since], |r| r.get(0))?;
        Ok(sum.unwrap_or(0.0))
    }
}
