//! The outbox of pushed notifications (`deliveries`): written before a delivery is sent, read
//! in order per channel by its sender, and by `notify status`. The outbox has a connection of
//! its own beside the worker's: its writes are short `BEGIN IMMEDIATE` transactions, which
//! the worker's rounds wait for as they would for a checkpoint.

use super::{EventKind, EventRow, Origin, Store, db_error, rfc3339};
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, Row, Transaction, TransactionBehavior, params};
use serde::Serialize;
use std::path::Path;

/// Which event rows were already turned into deliveries.
const CURSOR: &str = "notify.events_seq";
/// A finished delivery is kept this long for `notify status`.
const KEEP_DONE_MS: i64 = 7 * 86_400_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    pub seq: i64,
    /// The `webhook-id`: one per delivery, the same on every attempt.
    pub id: String,
    pub channel: String,
    pub event: String,
    /// The task id, `flow:ID` or `schedule:NAME` it is about.
    pub subject: String,
    #[serde(skip)]
    pub payload: String,
    /// waiting | sent | failed (given up after max_age) | dropped (queue full)
    pub state: String,
    pub created_at: i64,
    pub next_at: i64,
    pub expires_at: i64,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub done_at: Option<i64>,
}

pub struct NewDelivery {
    pub id: String,
    pub channel: String,
    pub event: String,
    pub subject: String,
    pub payload: String,
    pub created_at: i64,
    pub next_at: i64,
    pub expires_at: i64,
}

/// How a delivery ended, with its history row.
pub enum Outcome<'a> {
    Sent,
    /// An attempt failed; tried again at `next_at`.
    Retry {
        error: &'a str,
        next_at: i64,
    },
    Expired {
        error: &'a str,
    },
}

const COLUMNS: &str = "seq, id, channel, event, subject, payload, state, created_at, next_at, \
                       expires_at, attempts, last_error, done_at";

fn row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        seq: r.get(0)?,
        id: r.get(1)?,
        channel: r.get(2)?,
        event: r.get(3)?,
        subject: r.get(4)?,
        payload: r.get(5)?,
        state: r.get(6)?,
        created_at: r.get(7)?,
        next_at: r.get(8)?,
        expires_at: r.get(9)?,
        attempts: r.get(10)?,
        last_error: r.get(11)?,
        done_at: r.get(12)?,
    })
}

impl Store {
    /// The outbox's own connection to the worker's database (which exists by then).
    pub fn open_for_outbox(path: &Path) -> Result<Store> {
        let store = Store::open_for_reading(path)?
            .ok_or_else(|| Error::internal(format!("database {} is not set up yet", path.display())))?;
        // The worker's checkpointer folds the WAL; this connection leaves that to it.
        store.conn.execute_batch("PRAGMA wal_autocheckpoint = 0").map_err(|e| db_error(path, e))?;
        Ok(store)
    }

    /// The last event row already looked at; `None` before the outbox first ran.
    pub fn outbox_cursor(&self) -> Result<Option<i64>> {
        Ok(self.meta(CURSOR)?.and_then(|v| v.parse().ok()))
    }

    pub fn last_event_seq(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?)
    }

    /// Event rows after `seq` whose kind is one of `kinds`, oldest first, at most `limit`.
    pub fn event_rows_after(&self, seq: i64, kinds: &[&str], limit: usize) -> Result<Vec<super::EventRow>> {
        let marks = vec!["?"; kinds.len()].join(",");
        let sql = format!(
            "SELECT seq, task_id, at, kind, data, uid, client, pid, cwd FROM events \
             WHERE seq > ? AND kind IN ({marks}) ORDER BY seq LIMIT {limit}"
        );
        let mut args: Vec<rusqlite::types::Value> = vec![seq.into()];
        args.extend(kinds.iter().map(|k| rusqlite::types::Value::Text(k.to_string())));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), super::events::row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Store `deliveries` and move the cursor to `seq`, as one: an event becomes deliveries
    /// exactly once, however the worker stops.
    pub fn enqueue(&self, seq: i64, deliveries: &[NewDelivery]) -> Result<()> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        for d in deliveries {
            tx.prepare_cached(
                "INSERT INTO deliveries (id, channel, event, subject, payload, state, created_at, \
                 next_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, 'waiting', ?6, ?7, ?8)",
            )?
            .execute(params![
                d.id,
                d.channel,
                d.event,
                d.subject,
                d.payload,
                d.created_at,
                d.next_at,
                d.expires_at
            ])?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![CURSOR, seq.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The oldest waiting delivery of `channel`: the only one it may send (in order).
    pub fn next_delivery(&self, channel: &str) -> Result<Option<Delivery>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM deliveries WHERE channel = ?1 AND state = 'waiting' ORDER BY seq LIMIT 1"
        );
        Ok(self.conn.prepare_cached(&sql)?.query_row([channel], row).optional()?)
    }

    /// Record an attempt's outcome, with its history row (returned, for followers), as one.
    /// Nothing changes when the delivery was no longer waiting (dropped from a full queue).
    pub fn delivery_outcome(&self, d: &Delivery, outcome: Outcome<'_>, now: i64) -> Result<Option<EventRow>> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let (state, error, next_at) = match outcome {
            Outcome::Sent => ("sent", None, d.next_at),
            Outcome::Retry { error, next_at } => ("waiting", Some(error), next_at),
            Outcome::Expired { error } => ("failed", Some(error), d.next_at),
        };
        let done = (state != "waiting").then_some(now);
        let changed = tx.execute(
            "UPDATE deliveries SET state = ?2, attempts = attempts + 1, last_error = COALESCE(?3, last_error), \
             next_at = ?4, done_at = ?5 WHERE id = ?1 AND state = 'waiting'",
            params![d.id, state, error, next_at, done],
        )?;
        // A retry is history once, at its first failure: `notify status` has the latest.
        let kind = match (state, d.attempts) {
            ("sent", _) => Some(EventKind::DeliverySent),
            ("failed", _) => Some(EventKind::DeliveryExpired),
            (_, 0) => Some(EventKind::DeliveryFailed),
            _ => None,
        };
        let mut written = None;
        if changed == 1
            && let Some(kind) = kind
        {
            written = Some(self.history(d, kind, d.attempts + 1, error, now)?);
        }
        tx.commit()?;
        Ok(written)
    }

    fn history(
        &self,
        d: &Delivery,
        kind: EventKind,
        attempts: u32,
        error: Option<&str>,
        now: i64,
    ) -> Result<EventRow> {
        // Never the body: a task's description may name what should not travel further.
        let data = serde_json::json!({
            "channel": d.channel,
            "delivery": d.id,
            "event": d.event,
            "attempts": attempts,
            "error": error,
        });
        let origin = Origin::worker();
        let seq = self.add_event(&d.subject, now, kind, Some(&data), &origin)?;
        Ok(EventRow {
            seq,
            at: rfc3339(now),
            task: d.subject.clone(),
            kind: kind.as_str().to_string(),
            data: Some(data),
            uid: Some(origin.uid),
            client: Some(origin.client),
            pid: origin.pid,
            cwd: None,
        })
    }

    /// Drop the oldest waiting deliveries of `channel` beyond `cap`, each with a history row
    /// (returned).
    pub fn drop_over_cap(&self, channel: &str, cap: u32, now: i64) -> Result<Vec<EventRow>> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let sql = format!(
            "SELECT {COLUMNS} FROM deliveries WHERE channel = ?1 AND state = 'waiting' ORDER BY seq DESC \
             LIMIT -1 OFFSET ?2"
        );
        let over: Vec<Delivery> =
            tx.prepare(&sql)?.query_map(params![channel, cap], row)?.collect::<rusqlite::Result<_>>()?;
        let error = format!("dropped: more than notify.queue_cap = {cap} deliveries were waiting");
        let mut written = Vec::new();
        for d in &over {
            tx.execute(
                "UPDATE deliveries SET state = 'dropped', last_error = ?2, done_at = ?3 WHERE id = ?1",
                params![d.id, error, now],
            )?;
            written.push(self.history(d, EventKind::DeliveryDropped, d.attempts, Some(&error), now)?);
        }
        tx.commit()?;
        Ok(written)
    }

    /// Every delivery still kept, newest first, at most `limit`.
    pub fn deliveries(&self, limit: usize) -> Result<Vec<Delivery>> {
        let sql = format!("SELECT {COLUMNS} FROM deliveries ORDER BY seq DESC LIMIT {limit}");
        let mut stmt = match self.conn.prepare(&sql) {
            Ok(stmt) => stmt,
            // A database no worker of this version opened yet has no outbox.
            Err(e) if e.to_string().contains("no such table") => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Forget finished deliveries older than a week; waiting ones are never forgotten here.
    pub fn forget_old_deliveries(&self, now: i64) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM deliveries WHERE state != 'waiting' AND done_at < ?1",
            [now - KEEP_DONE_MS],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(id: &str, channel: &str) -> NewDelivery {
        NewDelivery {
            id: id.into(),
            channel: channel.into(),
            event: "completed".into(),
            subject: "t1".into(),
            payload: "{}".into(),
            created_at: 1_000,
            next_at: 1_000,
            expires_at: 100_000,
        }
    }

    #[test]
    fn deliveries_go_in_order_retry_and_end_with_history() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let _worker = Store::open_for_worker(&path).unwrap();
        let store = Store::open_for_outbox(&path).unwrap();
        assert_eq!(store.outbox_cursor().unwrap(), None);
        store.enqueue(7, &[new("a", "x"), new("b", "x"), new("c", "y")]).unwrap();
        assert_eq!(store.outbox_cursor().unwrap(), Some(7));
        let head = store.next_delivery("x").unwrap().unwrap();
        assert_eq!(head.id, "a");
        let failed =
            store.delivery_outcome(&head, Outcome::Retry { error: "HTTP 503", next_at: 2_000 }, 1_500);
        assert_eq!(failed.unwrap().map(|r| r.kind), Some("delivery_failed".to_string()));
        let head = store.next_delivery("x").unwrap().unwrap();
        assert_eq!((head.id.as_str(), head.attempts, head.next_at), ("a", 1, 2_000), "still first, later");
        let again =
            store.delivery_outcome(&head, Outcome::Retry { error: "HTTP 502", next_at: 4_000 }, 2_000);
        assert!(again.unwrap().is_none(), "only the first failure is history");
        let head = store.next_delivery("x").unwrap().unwrap();
        let sent = store.delivery_outcome(&head, Outcome::Sent, 4_000).unwrap().unwrap();
        assert_eq!((sent.kind.as_str(), sent.task.as_str()), ("delivery_sent", "t1"));
        assert_eq!(sent.data.unwrap()["attempts"], 3);
        assert_eq!(store.next_delivery("x").unwrap().unwrap().id, "b");
        // Recording an outcome twice (a race with a drop) changes nothing.
        assert!(store.delivery_outcome(&head, Outcome::Sent, 4_000).unwrap().is_none());
        let all = store.deliveries(10).unwrap();
        let a = all.iter().find(|d| d.id == "a").unwrap();
        assert_eq!(
            (a.state.as_str(), a.last_error.as_deref(), a.done_at),
            ("sent", Some("HTTP 502"), Some(4_000))
        );
    }

    #[test]
    fn a_full_queue_drops_its_oldest_and_old_finished_rows_are_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let _worker = Store::open_for_worker(&path).unwrap();
        let store = Store::open_for_outbox(&path).unwrap();
        store.enqueue(1, &[new("a", "x"), new("b", "x"), new("c", "x"), new("d", "y")]).unwrap();
        let dropped = store.drop_over_cap("x", 2, 5_000).unwrap();
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[0].kind, "delivery_dropped");
        assert_eq!(dropped[0].data.as_ref().unwrap()["delivery"], "a");
        assert_eq!(store.next_delivery("x").unwrap().unwrap().id, "b");
        assert!(store.drop_over_cap("y", 2, 5_000).unwrap().is_empty());
        assert_eq!(store.forget_old_deliveries(5_000 + KEEP_DONE_MS - 1).unwrap(), 0);
        assert_eq!(store.forget_old_deliveries(5_000 + KEEP_DONE_MS + 1).unwrap(), 1);
        assert_eq!(store.deliveries(10).unwrap().len(), 3, "waiting ones stay");
    }
}
