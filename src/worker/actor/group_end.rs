//! Ending a task's process group: SIGTERM, a grace period, SIGKILL. One path for cancels,
//! timeouts, `worker stop --kill`, and supervisors that vanished while their command ran on.

use super::{Actor, KillReason, Timer};
use crate::executor::Stop;
use crate::worker::messages::Msg;
use crate::worker::runner;
use std::time::Duration;

/// How often a group being ended is looked at: only while one is, never when idle.
const GONE_CHECK: Duration = Duration::from_millis(50);

impl Actor {
    /// Ask task `id`'s executor to stop it (SIGTERM to its group here), and end it for good
    /// after the grace period. The same path for a task running here and one handed over.
    pub(super) fn stop(&mut self, id: &str, reason: KillReason, now: i64) -> String {
        let Some(live) = self.queue.get_mut(id) else { return "not_found".into() };
        if live.kill.is_none() {
            live.kill = Some(reason);
            let attempt = live.rec.attempt;
            let notes = self.executors.of_mut(&live.rec).stop(&live.rec, Stop::Term, now);
            let grace = self.config.limits.kill_grace().as_millis() as i64;
            self.timers.add(now + grace, Timer::Sigkill { id: id.to_string(), attempt });
            // Kept so that a worker restarted before the task ends still ends it.
            let data = serde_json::json!({"attempt": attempt, "kill": reason.to_json()});
            let _ =
                self.journal.add(&self.store, id, now, crate::store::EventKind::CancelRequested, Some(data));
            self.apply_notes(notes, now);
        }
        "cancelling".into()
    }

    /// SIGTERM the group now (when its leader is known) and SIGKILL it after the grace period.
    pub(super) fn terminate_group(&mut self, id: &str, attempt: u32, pgid: Option<i32>, now: i64) {
        if let Some(pgid) = pgid {
            runner::signal_group(pgid, libc::SIGTERM);
        }
        let grace = self.config.limits.kill_grace().as_millis() as i64;
        self.timers.add(now + grace, Timer::Sigkill { id: id.to_string(), attempt });
    }

    /// The supervisor (leader of group `pgid`) of a running task ended without recording how
    /// its command ended. Anything left in its group is ended first: a retry, or a "failed"
    /// verdict, while the command still runs would let it run on, or run twice. Returns true
    /// while processes remain; the task then stays running and a message comes once the group
    /// is gone.
    pub(super) fn end_leftovers(&mut self, id: &str, attempt: u32, pgid: i32, now: i64) -> bool {
        let Some(live) = self.queue.get_mut(id) else { return false };
        // A pid in use by another process means its old group emptied and the number moved on.
        let reused = crate::process::process_start_time(pgid).is_some_and(|s| Some(s) != live.rec.pid_start);
        if reused || !runner::group_alive(pgid) {
            return false;
        }
        if !live.orphaned {
            live.orphaned = true;
            let data = serde_json::json!({"attempt": attempt, "pgid": pgid});
            let _ = self.journal.add(
                &self.store,
                id,
                now,
                crate::store::EventKind::SupervisorVanished,
                Some(data),
            );
            self.terminate_group(id, attempt, Some(pgid), now);
        }
        let tx = self.tx.clone();
        let id = id.to_string();
        self.rt.spawn(async move {
            while runner::group_alive(pgid) {
                tokio::time::sleep(GONE_CHECK).await;
            }
            let _ = tx.send(Msg::Exited { id, attempt, pid: pgid });
        });
        true
    }
}

/// The reason given for a task whose supervisor vanished, once its group is gone.
pub(super) fn lost_reason(ended_leftovers: bool) -> String {
    if ended_leftovers {
        "lost: its supervisor vanished with no recorded exit status; the processes it left were ended".into()
    } else {
        "lost: its supervisor ended without recording an exit status".into()
    }
}
