//! The SQLite database: the truth about every task. The worker is its only writer; clients
//! open it to read (`status`, `list`, `result`) so they answer even while the worker is down.

mod checkpointer;
mod deliveries;
mod drift;
mod events;
mod flows;
mod prune;
mod queries;
mod read;
mod round;
mod schedules;
mod schema;
mod secrets;
mod usage_limits;
mod write;

pub use crate::clock::{now_ms, rfc3339};
pub use deliveries::{Delivery, NewDelivery, Outcome};
pub use events::{EventKind, EventQuery, EventRow, Origin};
pub use flows::FlowRecord;
pub use prune::PruneReport;
pub use queries::integrity_check;
pub use read::{Summary, resolve_id};
pub use round::{Round, Savepoint};
pub use schedules::ScheduleRecord;
pub use write::{EnvCache, NewTask};

use crate::error::{Error, Result};
use crate::model::{Artifacts, Metrics, TaskSpec, TaskState, TaskView};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;
use std::time::Duration;

pub struct Store {
    conn: Connection,
    /// The worker's store checkpoints on a thread of its own (see checkpointer.rs).
    checkpointer: Option<checkpointer::Checkpointer>,
}

/// Every column of a task row.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord {
    pub seq: i64,
    pub id: String,
    pub description: String,
    pub agent: String,
    pub spec: TaskSpec,
    pub priority: u8,
    pub class: Option<String>,
    pub state: TaskState,
    pub waiting_reason: Option<String>,
    pub reason: Option<String>,
    pub progress: Option<f64>,
    pub step: Option<String>,
    pub eta_seconds: Option<u64>,
    pub attempt: u32,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub not_before: Option<i64>,
    pub exit_code: Option<i32>,
    pub pid: Option<i32>,
    pub pid_start: Option<u64>,
    /// Where the current attempt's output begins in the log file.
    pub log_offset: Option<u64>,
    /// Median duration of recent completed tasks of the same agent and class, noted at start.
    pub typical_ms: Option<u64>,
    pub session_id: Option<String>,
    pub output: Option<String>,
    pub metrics: Metrics,
    pub artifacts: Artifacts,
    /// The agent's latest todo list.
    pub todos: Vec<crate::model::Todo>,
    /// The cluster's id for the current attempt (a Slurm job id).
    pub external_id: Option<String>,
    /// What admission expects it to use (issue 9).
    pub footprint: Option<crate::scheduler::Footprint>,
    /// What its last attempt used.
    pub peak: Option<crate::scheduler::Peak>,
    /// What it asked a person, and the rules answers left (issue 30).
    pub asks: crate::model::Asks,
}

impl TaskRecord {
    /// Remaining seconds, from the task's own progress rate checked against how long finished
    /// tasks like it took: early on (little progress, a noisy rate) history weighs more, later
    /// the task's own rate. No progress, no ETA: none rather than a made-up one.
    pub fn eta_at(&self, now: i64) -> Option<u64> {
        let (started, p) = (self.started_at?, self.progress?);
        if self.state != TaskState::Running || !(1.0..100.0).contains(&p) {
            return None;
        }
        let elapsed_ms = (now - started).max(0) as f64;
        // A rate from the first moments (a task that reports 30% as it starts) means nothing.
        if elapsed_ms < MIN_ETA_ELAPSED_MS {
            return None;
        }
        let rate = elapsed_ms * (100.0 - p) / p;
        let eta_ms = match self.typical_ms.map(|t| t as f64 - elapsed_ms) {
            // Past the typical duration, history has nothing more to say.
            Some(left) if left > 0.0 => {
                let w = p / 100.0;
                w * rate + (1.0 - w) * left
            }
            _ => rate,
        };
        Some((eta_ms / 1000.0).round() as u64)
    }

    /// How this task is shown as someone's child.
    pub fn child_outcome(&self) -> crate::model::ChildOutcome {
        crate::model::ChildOutcome {
            id: self.id.clone(),
            description: self.description.clone(),
            state: self.state,
            success: self.state == TaskState::Completed,
            reason: self.reason.clone(),
        }
    }

    /// How the task is shown at time `now` (its ETA is counted from then).
    pub fn view(&self, now: i64) -> TaskView {
        TaskView {
            id: self.id.clone(),
            description: self.description.clone(),
            agent: self.agent.clone(),
            state: self.state,
            waiting_reason: self.waiting_reason.clone(),
            reason: self.reason.clone(),
            progress: self.progress,
            step: self.step.clone(),
            eta_seconds: self.eta_at(now),
            priority: self.priority,
            class: self.class.clone(),
            attempt: self.attempt,
            created_at: rfc3339(self.created_at),
            started_at: self.started_at.map(rfc3339),
            finished_at: self.finished_at.map(rfc3339),
            exit_code: self.exit_code,
            executor: self.spec.executor.unwrap_or_default(),
            external_id: self.external_id.clone(),
            todos: self.todos.clone(),
            parent: self.spec.parent.clone(),
            flow_id: self.spec.flow_id.clone(),
            step_name: self.spec.step_name.clone(),
            schedule: self.spec.schedule.clone(),
            needs: if self.state == TaskState::Running { self.asks.needs(rfc3339) } else { None },
            children: Vec::new(),
            sandbox: self.spec.sandbox.clone(),
            footprint: self.footprint,
            peak: self.peak,
        }
    }
}

/// Below this much running time a task's progress rate is too young to extrapolate.
const MIN_ETA_ELAPSED_MS: f64 = 3_000.0;

impl Store {
    /// The worker's read-write handle: creates and migrates the database.
    pub fn open_for_worker(path: &Path) -> Result<Store> {
        probe(path)?;
        let conn = Connection::open(path).map_err(|e| db_error(path, e))?;
        crate::paths::make_private(path)?;
        let mut store = Self::configure(conn, path)?;
        store.migrate(path)?;
        store.checkpointer = checkpointer::Checkpointer::start(path);
        if store.checkpointer.is_some() {
            store.conn.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        }
        Ok(store)
    }

    /// A client's handle. `None` when there is no database yet (nothing was ever submitted).
    pub fn open_for_reading(path: &Path) -> Result<Option<Store>> {
        if !probe(path)? {
            return Ok(None);
        }
        // Read-write without create: a read-only handle cannot set up the WAL index when the
        // worker is down. Clients still never write.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(path, e))?;
        let store = Self::configure(conn, path)?;
        let version = store.user_version(path)?;
        if version == 0 {
            return Ok(None);
        }
        if version > schema::MIGRATIONS.len() as i64 {
            return Err(Error::internal(format!(
                "database {} was written by a newer smart-agents (schema {version}); upgrade this one",
                path.display()
            )));
        }
        Ok(Some(store))
    }

    fn configure(conn: Connection, path: &Path) -> Result<Store> {
        conn.busy_timeout(Duration::from_secs(5)).map_err(|e| db_error(path, e))?;
        // journal_mode returns a row; a corrupt file fails here with a clear message.
        let mode: String =
            conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| db_error(path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::internal(format!(
                "database {}: could not switch to WAL mode (got {mode})",
                path.display()
            )));
        }
        // FULL: an acknowledged submit survives power loss; group commit pays the fsync once
        // per batch of transitions.
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;")
            .map_err(|e| db_error(path, e))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Store { conn, checkpointer: None })
    }

    fn user_version(&self, path: &Path) -> Result<i64> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| db_error(path, e))
    }

    fn migrate(&self, path: &Path) -> Result<()> {
        let current = self.user_version(path)?;
        let latest = schema::MIGRATIONS.len() as i64;
        if current == 0 {
            // Only takes effect before the first table exists: `prune` can then hand pages
            // back with an incremental vacuum (older files get one full VACUUM, see prune).
            self.conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL")?;
        }
        if current > latest {
            return Err(Error::internal(format!(
                "database {} was written by a newer smart-agents (schema {current}); upgrade this one",
                path.display()
            )));
        }
        if current == latest {
            return Ok(());
        }
        // All steps in one transaction: a client reading meanwhile (a `list` while the first
        // worker starts) sees the schema before or after, never half of it.
        let tx = self.conn.unchecked_transaction()?;
        for sql in schema::MIGRATIONS.iter().skip(current as usize) {
            tx.execute_batch(sql)?;
        }
        tx.execute_batch(&format!("PRAGMA user_version = {latest}"))?;
        tx.commit()?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }
}

/// A database error that says which file and what to do.
/// Whether the database file exists. A folder in its place, or a folder we may not look into
/// (someone else's home), is an error that says so: never an empty queue.
fn probe(path: &Path) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Error::internal(format!(
            "database {} is a folder, not a file: move it aside to start a fresh queue",
            path.display()
        ))),
        // access(2), not an open: closing any descriptor of the file would drop every POSIX
        // lock this process holds on it, the worker's own SQLite locks included, and another
        // process could then delete the worker's live WAL.
        Ok(_) if !readable(path) => Err(denied(path)),
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(denied(path)),
        Err(e) => Err(Error::internal(format!("database {}: {e}", path.display()))),
    }
}

fn readable(path: &Path) -> bool {
    rustix::fs::access(path, rustix::fs::Access::READ_OK).is_ok()
}

fn denied(path: &Path) -> Error {
    Error::usage(format!(
        "cannot read {}: permission denied (is SMART_AGENTS_HOME someone else's folder?)",
        path.display()
    ))
}

fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    let code = e.sqlite_error_code();
    let hint = match code {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            " (the file is corrupted: move it aside to start a fresh queue)"
        }
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            " (another process holds it locked)"
        }
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) | Some(ErrorCode::CannotOpen) => {
            " (check the file's permissions)"
        }
        _ => "",
    };
    Error::internal(format!("database {}: {e}{hint}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(progress: Option<f64>, typical_ms: Option<u64>) -> TaskRecord {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_for_worker(&dir.path().join("t.db")).unwrap();
        let spec =
            TaskSpec { description: "x".into(), agent: "shell".into(), priority: 5, ..Default::default() };
        store.insert_task(&NewTask { id: "abcdef", spec: &spec, created_at: 0, env_hash: None }).unwrap();
        let mut rec = store.task("abcdef").unwrap().unwrap();
        rec.state = TaskState::Running;
        rec.started_at = Some(0);
        rec.progress = progress;
        rec.typical_ms = typical_ms;
        rec.todos =
            vec![crate::model::Todo { text: "Read".into(), status: crate::model::TodoStatus::InProgress }];
        store.save(&rec).unwrap();
        // What was saved reads back, typical duration (schema 2) and todos (3) included.
        assert_eq!(store.task("abcdef").unwrap().unwrap(), rec);
        rec
    }

    #[test]
    fn eta_needs_progress_and_leans_on_history_early() {
        assert_eq!(running(None, Some(60_000)).eta_at(10_000), None);
        assert_eq!(running(Some(30.0), None).eta_at(500), None, "too early to tell");
        // 25% after 10 s: the rate alone says 30 s more.
        assert_eq!(running(Some(25.0), None).eta_at(10_000), Some(30));
        // History says such tasks take 100 s (90 s left); early on it weighs 75%.
        assert_eq!(running(Some(25.0), Some(100_000)).eta_at(10_000), Some(75));
        // Past the typical duration, the task's own rate decides.
        assert_eq!(running(Some(50.0), Some(5_000)).eta_at(10_000), Some(10));
    }
}
