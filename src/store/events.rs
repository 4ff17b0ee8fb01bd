//! The history: one `events` row per change of a task, with who caused it. Kinds are one typed
//! enum stored as the words `events` prints (and earlier versions wrote).

use super::{Store, rfc3339};
use crate::error::Result;
use rusqlite::{Row, params};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Submitted,
    /// Admitted and started, with the readings and reservations that let it start.
    Started,
    Progress,
    /// A new step (with the progress at that moment).
    Step,
    /// The reason a pending task waits changed to another kind of reason.
    Waiting,
    /// Held back by a usage limit, and let go again.
    Held,
    Released,
    /// Sent to another agent with the same capability.
    Rerouted,
    /// An attempt failed and a retry is scheduled.
    AttemptFailed,
    /// `retry`: a finished task runs again.
    Retry,
    CancelRequested,
    TimedOut,
    Finished,
    /// A restarted worker took over a running task.
    Adopted,
    /// A restarted worker found a task that never started and queued it again.
    Requeued,
    /// An agent's circuit opened or closed (task id `agent:NAME`).
    Circuit,
    /// A supervisor ended with no exit record; what it left running is being ended.
    SupervisorVanished,
    /// Handed to Slurm: the job id of the attempt.
    SlurmSubmitted,
    /// A flow was queued, ended, or retried (task id `flow:ID`).
    FlowStarted,
    FlowFinished,
    FlowRetry,
    /// A schedule's window ran, missed windows were found (with a count), a window did not
    /// run (with why), a schedule was paused by a cap (task id `schedule:NAME`).
    ScheduleFired,
    ScheduleMissed,
    ScheduleSkipped,
    SchedulePaused,
    /// A task asks a person (the question), and gets an answer (the reply, who gave it).
    NeedsInput,
    Answered,
    /// A pushed notification (`[[notify.channels]]`) went out, failed an attempt (the first
    /// failure only: retries are in `notify status`), was given up after `max_age`, or was
    /// dropped from a full queue. Task id: what it was about.
    DeliverySent,
    DeliveryFailed,
    DeliveryExpired,
    DeliveryDropped,
    /// What a person did with a worktree task's work (a git operation of the client's, told
    /// to the worker): brought it into a branch, threw it away, sent it back with notes.
    Landed,
    Discarded,
    Reviewed,
}

impl EventKind {
    pub const ALL: [EventKind; 34] = [
        EventKind::Submitted,
        EventKind::Started,
        EventKind::Progress,
        EventKind::Step,
        EventKind::Waiting,
        EventKind::Held,
        EventKind::Released,
        EventKind::Rerouted,
        EventKind::AttemptFailed,
        EventKind::Retry,
        EventKind::CancelRequested,
        EventKind::TimedOut,
        EventKind::Finished,
        EventKind::Adopted,
        EventKind::Requeued,
        EventKind::Circuit,
        EventKind::SupervisorVanished,
        EventKind::SlurmSubmitted,
        EventKind::FlowStarted,
        EventKind::FlowFinished,
        EventKind::FlowRetry,
        EventKind::ScheduleFired,
        EventKind::ScheduleMissed,
        EventKind::ScheduleSkipped,
        EventKind::SchedulePaused,
        EventKind::NeedsInput,
        EventKind::Answered,
        EventKind::DeliverySent,
        EventKind::DeliveryFailed,
        EventKind::DeliveryExpired,
        EventKind::DeliveryDropped,
        EventKind::Landed,
        EventKind::Discarded,
        EventKind::Reviewed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Submitted => "submitted",
            EventKind::Started => "started",
            EventKind::Progress => "progress",
            EventKind::Step => "step",
            EventKind::Waiting => "waiting",
            EventKind::Held => "held",
            EventKind::Released => "released",
            EventKind::Rerouted => "rerouted",
            EventKind::AttemptFailed => "attempt_failed",
            EventKind::Retry => "retry",
            EventKind::CancelRequested => "cancel_requested",
            EventKind::TimedOut => "timed_out",
            EventKind::Finished => "finished",
            EventKind::Adopted => "adopted",
            EventKind::Requeued => "requeued",
            EventKind::Circuit => "circuit",
            EventKind::SupervisorVanished => "supervisor_vanished",
            EventKind::SlurmSubmitted => "slurm_submitted",
            EventKind::FlowStarted => "flow_started",
            EventKind::FlowFinished => "flow_finished",
            EventKind::FlowRetry => "flow_retry",
            EventKind::ScheduleFired => "schedule_fired",
            EventKind::ScheduleMissed => "schedule_missed",
            EventKind::ScheduleSkipped => "schedule_skipped",
            EventKind::SchedulePaused => "schedule_paused",
            EventKind::NeedsInput => "needs_input",
            EventKind::Answered => "answered",
            EventKind::DeliverySent => "delivery_sent",
            EventKind::DeliveryFailed => "delivery_failed",
            EventKind::DeliveryExpired => "delivery_expired",
            EventKind::DeliveryDropped => "delivery_dropped",
            EventKind::Landed => "landed",
            EventKind::Discarded => "discarded",
            EventKind::Reviewed => "reviewed",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let all: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown event kind '{s}': expected one of {}", all.join(", "))
        })
    }
}

/// Who caused an event: the worker itself, or a client on the socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub uid: u32,
    /// `cli`, `mcp`, `tui`, `web`, `agent` (a task's own tools: `ask`, the permission tool) or `worker`.
    pub client: String,
    pub pid: Option<u32>,
    pub cwd: Option<String>,
}

impl Origin {
    /// The worker process itself (timers, exits, restarts).
    pub fn worker() -> Origin {
        let uid = rustix::process::getuid().as_raw();
        Origin { uid, client: "worker".into(), pid: Some(std::process::id()), cwd: None }
    }

    /// "cli pid 123 (uid 1000) in /home/me/project".
    pub fn describe(&self) -> String {
        let mut s = self.client.clone();
        if let Some(pid) = self.pid {
            s.push_str(&format!(" pid {pid}"));
        }
        s.push_str(&format!(" (uid {})", self.uid));
        if let Some(cwd) = &self.cwd {
            s.push_str(&format!(" in {cwd}"));
        }
        s
    }
}

/// One row of history as `events --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub task: String,
    pub kind: String,
    pub data: Option<serde_json::Value>,
    pub uid: Option<u32>,
    pub client: Option<String>,
    pub pid: Option<u32>,
    pub cwd: Option<String>,
}

/// What `events` asks for; empty lists mean "all".
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub tasks: Vec<String>,
    pub kinds: Vec<EventKind>,
    /// Unix ms; only events at or after it.
    pub since: Option<i64>,
    /// Only events with a greater seq (a follower catching up).
    pub after_seq: Option<i64>,
}

const COLUMNS: &str = "seq, task_id, at, kind, data, uid, client, pid, cwd";

pub(super) fn row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    let data: Option<String> = r.get(4)?;
    Ok(EventRow {
        seq: r.get(0)?,
        task: r.get(1)?,
        at: rfc3339(r.get(2)?),
        kind: r.get(3)?,
        // Rows are written by the worker as JSON; anything else is shown as text.
        data: data.map(|d| serde_json::from_str(&d).unwrap_or(serde_json::Value::String(d))),
        uid: r.get(5)?,
        client: r.get(6)?,
        pid: r.get(7)?,
        cwd: r.get(8)?,
    })
}

impl Store {
    /// Append one event; returns the row as written.
    pub fn add_event(
        &self,
        task_id: &str,
        at: i64,
        kind: EventKind,
        data: Option<&serde_json::Value>,
        origin: &Origin,
    ) -> Result<i64> {
        let text = data.map(serde_json::to_string).transpose()?;
        self.conn
            .prepare_cached(
                "INSERT INTO events (task_id, at, kind, data, uid, client, pid, cwd) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                task_id,
                at,
                kind.as_str(),
                text,
                origin.uid,
                origin.client,
                origin.pid,
                origin.cwd
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// History matching `q`, oldest first.
    pub fn query_events(&self, q: &EventQuery) -> Result<Vec<EventRow>> {
        let mut sql = format!("SELECT {COLUMNS} FROM events WHERE 1=1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut list = |sql: &mut String, column: &str, values: Vec<String>| {
            if !values.is_empty() {
                let marks = vec!["?"; values.len()].join(",");
                sql.push_str(&format!(" AND {column} IN ({marks})"));
                args.extend(values.into_iter().map(rusqlite::types::Value::Text));
            }
        };
        list(&mut sql, "task_id", q.tasks.clone());
        list(&mut sql, "kind", q.kinds.iter().map(|k| k.as_str().to_string()).collect());
        if let Some(since) = q.since {
            sql.push_str(" AND at >= ?");
            args.push(since.into());
        }
        if let Some(seq) = q.after_seq {
            sql.push_str(" AND seq > ?");
            args.push(seq.into());
        }
        sql.push_str(" ORDER BY seq");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Who asked for the cancel of a cancelled task: the client behind its last cancel.
    pub fn cancelled_by(&self, id: &str) -> Result<Option<Origin>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT uid, client, pid, cwd FROM events WHERE task_id = ?1 AND client IS NOT NULL \
             AND client != 'worker' AND (kind = 'cancel_requested' \
             OR (kind = 'finished' AND json_extract(data, '$.state') = 'cancelled')) \
             ORDER BY seq DESC LIMIT 1",
        )?;
        let mut rows = stmt.query_map([id], |r| {
            Ok(Origin { uid: r.get(0)?, client: r.get(1)?, pid: r.get(2)?, cwd: r.get(3)? })
        })?;
        Ok(rows.next().transpose()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_as_their_words() {
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse::<EventKind>(), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::json!(kind.as_str()));
        }
        let err = "bogus".parse::<EventKind>().unwrap_err();
        assert!(err.contains("bogus") && err.contains("finished"), "{err}");
    }

    #[test]
    fn events_filter_and_name_who_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_for_worker(&dir.path().join("t.db")).unwrap();
        let cli = Origin { uid: 7, client: "cli".into(), pid: Some(42), cwd: Some("/w".into()) };
        let worker = Origin::worker();
        store.add_event("a", 1_000, EventKind::Submitted, None, &cli).unwrap();
        store.add_event("b", 2_000, EventKind::Submitted, None, &cli).unwrap();
        let data = serde_json::json!({"state": "cancelled"});
        store.add_event("a", 3_000, EventKind::Finished, Some(&data), &worker).unwrap();
        assert_eq!(store.cancelled_by("a").unwrap(), None, "the worker only carried it out");
        store.add_event("a", 2_500, EventKind::CancelRequested, None, &cli).unwrap();
        assert_eq!(store.cancelled_by("a").unwrap(), Some(cli.clone()));

        let q = EventQuery { tasks: vec!["a".into()], ..Default::default() };
        let kinds: Vec<String> = store.query_events(&q).unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["submitted", "finished", "cancel_requested"]);
        let q = EventQuery { kinds: vec![EventKind::Submitted], since: Some(1_500), ..Default::default() };
        let rows = store.query_events(&q).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].task.as_str(), rows[0].client.as_deref(), rows[0].pid),
            ("b", Some("cli"), Some(42))
        );
        let q = EventQuery { after_seq: Some(3), ..Default::default() };
        assert_eq!(store.query_events(&q).unwrap().len(), 1);
    }
}
