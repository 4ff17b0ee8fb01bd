//! Finding a task's supervisor among the processes.

use super::{LONG, parent, processes_matching};
use std::time::{Duration, Instant};

/// The one live supervisor of task `id`. Its child shows the same command line until it
/// execs, so a match whose parent also matches is left out. The state turns running in the
/// commit before the supervisor exists: this waits for it.
pub fn supervisor_of(id: &str) -> i32 {
    let deadline = Instant::now() + LONG;
    loop {
        let mut found = processes_matching(&format!("__supervise {id} "));
        let all = found.clone();
        found.retain(|pid| !all.contains(&parent(*pid)));
        match found.as_slice() {
            [one] => return *one,
            [] if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => panic!("expected one supervisor for {id}: {found:?}"),
        }
    }
}
