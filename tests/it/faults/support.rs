//! Helpers of the fault suite.

pub use crate::common::supervisors::supervisor_of;
use crate::common::{Home, LONG};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// Wait until `file` holds `text` somewhere.
pub fn wait_for_text(file: &Path, text: &str) {
    let deadline = Instant::now() + LONG;
    loop {
        let now = std::fs::read_to_string(file).unwrap_or_default();
        if now.contains(text) {
            return;
        }
        assert!(Instant::now() < deadline, "{} never said {text:?}: {now:?}", file.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How many times each line occurs in `file`.
pub fn line_counts(file: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for line in std::fs::read_to_string(file).unwrap_or_default().lines() {
        *counts.entry(line.to_string()).or_default() += 1;
    }
    counts
}

/// `PRAGMA integrity_check` of the home's database.
pub fn integrity(home: &Home) -> String {
    let conn = rusqlite::Connection::open(home.database()).expect("open the database");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check")
}

/// Processes of this home other than its workers: supervisors and the commands they run.
pub fn leftovers(home: &Home) -> Vec<i32> {
    let workers = home.workers();
    home.processes().into_iter().filter(|p| !workers.contains(p)).collect()
}

/// Wait until every process of this home but the worker has gone: none may be orphaned.
pub fn assert_no_leftovers(home: &Home) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = leftovers(home);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "processes left behind: {left:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
