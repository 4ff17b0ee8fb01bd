//! The worker's transactions: one per round of the actor (a group commit), savepoints inside
//! it, and the connection's upkeep. Only the worker calls these.

use super::Store;
use crate::error::Result;

/// An open round: `BEGIN IMMEDIATE` until `commit` or `rollback` takes it.
#[must_use = "a round is committed or rolled back"]
pub struct Round(());

/// A savepoint inside the round: a part that is kept or undone as one (a flow being queued).
#[must_use = "a savepoint is released or rolled back"]
pub struct Savepoint(&'static str);

impl Store {
    pub fn begin_round(&self) -> Result<Round> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Round(()))
    }

    /// Make the round durable; a failed commit is rolled back, so nothing of it stays.
    pub fn commit(&self, round: Round) -> Result<()> {
        if let Err(e) = self.conn.execute_batch("COMMIT") {
            self.rollback(round);
            return Err(e.into());
        }
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.committed();
        }
        Ok(())
    }

    /// Undo the round (after a failed write): best effort, as SQLite may have ended it already.
    pub fn rollback(&self, _round: Round) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }

    /// `name` is a fixed word of the caller's, never user text.
    pub fn savepoint(&self, name: &'static str) -> Result<Savepoint> {
        self.conn.execute_batch(&format!("SAVEPOINT {name}"))?;
        Ok(Savepoint(name))
    }

    pub fn release(&self, savepoint: Savepoint) -> Result<()> {
        Ok(self.conn.execute_batch(&format!("RELEASE {}", savepoint.0))?)
    }

    pub fn rollback_to(&self, savepoint: Savepoint) -> Result<()> {
        let name = savepoint.0;
        Ok(self.conn.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))?)
    }

    /// Give SQLite's page cache back (after a big queue drained).
    pub fn shrink_memory(&self) {
        let _ = self.conn.execute_batch("PRAGMA shrink_memory");
    }

    /// Fold the WAL into the database and truncate it (after secret values were forgotten, so
    /// they do not linger in the log).
    pub fn checkpoint(&self) {
        let _ = self.checkpoint_truncate();
    }

    /// A full checkpoint that cuts the log, never beside the checkpoint thread's own.
    pub(super) fn checkpoint_truncate(&self) -> Result<()> {
        let _quiet = self.checkpointer.as_ref().and_then(|c| c.hold());
        Ok(self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?)
    }

    /// Zero freed pages from now on, so deleted plain text does not stay in the file.
    pub fn zero_freed_pages(&self) -> Result<()> {
        Ok(self.conn.execute_batch("PRAGMA secure_delete = ON")?)
    }
}
