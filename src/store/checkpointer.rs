//! WAL checkpoints off the worker's core thread. SQLite folds the log into the database at
//! the commit that crosses 1,000 pages, inside that commit: a round that takes several
//! milliseconds longer, the tail of the submit and start latencies. The worker's connection
//! turns that off, and this thread, with a connection of its own, runs a passive checkpoint
//! (it never blocks the writer) every `EVERY` commits.

use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard};

/// Commits between two checkpoints: the log stays a few hundred pages long.
const EVERY: u32 = 64;

pub struct Checkpointer {
    poke: Sender<()>,
    /// Held while a checkpoint runs: the worker's own full checkpoints (prune, forgotten
    /// secrets) wait for the thread's rather than find the log busy and leave it uncut.
    running: Arc<Mutex<()>>,
    commits: std::cell::Cell<u32>,
}

impl Checkpointer {
    /// Start the thread; `None` (SQLite checkpoints in the commit as usual) if it cannot be.
    pub fn start(path: &Path) -> Option<Checkpointer> {
        let conn = Connection::open(path).ok()?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).ok()?;
        let (poke, pokes) = channel::<()>();
        let running = Arc::new(Mutex::new(()));
        let held = running.clone();
        std::thread::Builder::new()
            .name("smart-agents-ckpt".into())
            .spawn(move || {
                // Ends with the store: the sender is dropped.
                while pokes.recv().is_ok() {
                    // Pokes that came meanwhile are served by this one checkpoint.
                    while pokes.try_recv().is_ok() {}
                    let _running = held.lock();
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .ok()?;
        Some(Checkpointer { poke, running, commits: std::cell::Cell::new(0) })
    }

    /// Keep the thread from checkpointing while the guard lives.
    pub fn hold(&self) -> Option<MutexGuard<'_, ()>> {
        self.running.lock().ok()
    }

    /// A commit was made: every `EVERY`th asks for a checkpoint.
    pub fn committed(&self) {
        let commits = self.commits.get() + 1;
        self.commits.set(if commits >= EVERY { 0 } else { commits });
        if commits >= EVERY {
            let _ = self.poke.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::TaskSpec;
    use crate::store::{NewTask, Store};

    /// The worker's commits never fold the log themselves, yet the database file grows: the
    /// checkpoint thread did it.
    #[test]
    fn the_log_is_folded_into_the_database_by_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open_for_worker(&path).unwrap();
        let auto: i64 = store.conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0)).unwrap();
        assert_eq!(auto, 0, "commits must not checkpoint on the worker's thread");
        let before = std::fs::metadata(&path).unwrap().len();
        let spec = TaskSpec {
            description: "x".repeat(2000),
            agent: "shell".into(),
            priority: 5,
            ..Default::default()
        };
        for i in 0..super::EVERY * 3 {
            let round = store.begin_round().unwrap();
            let id = format!("t{i:05}");
            store.insert_task(&NewTask { id: &id, spec: &spec, created_at: 0, env_hash: None }).unwrap();
            store.commit(round).unwrap();
        }
        // The thread runs on its own time: wait for it (bounded), not for a fixed while.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::fs::metadata(&path).unwrap().len() <= before && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(std::fs::metadata(&path).unwrap().len() > before, "no checkpoint reached the database");
    }
}
