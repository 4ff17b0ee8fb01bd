//! From history to deliveries. The worker's hub only says "something happened"; what happened
//! is read from the events table after a cursor, so an ending committed just before a crash is
//! still delivered by the next worker, and an event becomes deliveries exactly once (the
//! cursor moves in the transaction that stores them).

use super::event::{self, WATCHED_KINDS};
use super::{Channel, Outbox};
use crate::protocol::Event;
use crate::store::{EventRow, NewDelivery, Store, now_ms};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{Receiver, error::RecvError, error::TryRecvError};

/// Rows read per transaction: a long backlog is stored in steps.
const BATCH: usize = 200;
/// After a failed pass (the database busy for long), try again this much later.
const RETRY: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
enum EnqueueError {
    #[error(transparent)]
    Store(#[from] crate::error::Error),
    #[error("no random delivery id: {0}")]
    Id(#[from] std::io::Error),
}

pub async fn run(outbox: Arc<Outbox>, mut events: Receiver<Arc<Event>>) {
    let mut store = None;
    loop {
        if let Err(e) = pass(&outbox, &mut store) {
            eprintln!("smart-agents worker: notification channels: {e}");
            store = None;
            tokio::time::sleep(RETRY).await;
            continue;
        }
        // Wait for the worker's next change, then take every one already queued as one wake-up.
        match events.recv().await {
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return,
        }
        loop {
            match events.try_recv() {
                Ok(_) | Err(TryRecvError::Lagged(_)) => {}
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Closed) => return,
            }
        }
    }
}

/// Where the outbox starts the first time channels are set up: what happened before is not
/// news. Called before the worker's first round (see `start`), so the worker's own first
/// endings are after it.
pub fn first_cursor(store: &Store) -> crate::error::Result<i64> {
    let last = store.last_event_seq()?;
    store.enqueue(last, &[])?;
    Ok(last)
}

/// Store deliveries for every new history row, until none is left.
fn pass(outbox: &Outbox, store: &mut Option<Store>) -> Result<(), EnqueueError> {
    if store.is_none() {
        *store = Some(Store::open_for_outbox(&outbox.paths.database)?);
    }
    let Some(store) = store.as_ref() else { return Ok(()) };
    let mut cursor = match store.outbox_cursor()? {
        Some(seq) => seq,
        None => first_cursor(store)?,
    };
    loop {
        let rows = store.event_rows_after(cursor, &WATCHED_KINDS, BATCH)?;
        let Some(last) = rows.last().map(|r| r.seq) else { break };
        let now = now_ms();
        let mut new = Vec::new();
        for row in &rows {
            deliveries_for(outbox, store, row, now, &mut new)?;
        }
        store.enqueue(last, &new)?;
        cursor = last;
        for channel in outbox.channels.iter().filter(|c| new.iter().any(|d| d.channel == c.name)) {
            let dropped = store.drop_over_cap(&channel.name, outbox.config.notify.queue_cap, now)?;
            outbox.publish(dropped);
            channel.wake.notify_one();
        }
        if rows.len() < BATCH {
            break;
        }
    }
    store.forget_old_deliveries(now_ms())?;
    Ok(())
}

/// One delivery per channel that wants `row`; the body is made once for all of them.
fn deliveries_for(
    outbox: &Outbox,
    store: &Store,
    row: &EventRow,
    now: i64,
    out: &mut Vec<NewDelivery>,
) -> Result<(), EnqueueError> {
    let Some(kind) = event::classify(row) else { return Ok(()) };
    // Rows older than max_age (channels set up again after a long pause) are no news any more.
    let at = chrono::DateTime::parse_from_rfc3339(&row.at).map_or(now, |t| t.timestamp_millis());
    if now - at > outbox.max_age_ms {
        return Ok(());
    }
    let mut payload = None;
    for channel in outbox.channels.iter().filter(|c| c.config.wants(kind)) {
        let p = payload
            .get_or_insert_with(|| event::payload(store, &outbox.paths, row, kind, outbox.link.as_deref()));
        if !passes(channel, p.agent.as_deref(), p.class.as_deref()) {
            continue;
        }
        let next_at = channel.quiet.and_then(|q| q.until_ms(now)).unwrap_or(now);
        out.push(NewDelivery {
            id: super::delivery_id()?,
            channel: channel.name.clone(),
            event: kind.as_str().to_string(),
            subject: row.task.clone(),
            payload: p.json.to_string(),
            created_at: now,
            next_at,
            // Quiet hours do not eat into the time a delivery is retried.
            expires_at: next_at + outbox.max_age_ms,
        });
    }
    Ok(())
}

/// The agent and class filters; events of no task (flows, schedules) pass only when unfiltered.
fn passes(channel: &Channel, agent: Option<&str>, class: Option<&str>) -> bool {
    let c = &channel.config;
    let agent_ok = c.agents.is_empty() || agent.is_some_and(|a| c.agents.iter().any(|x| x == a));
    let class_ok = c.classes.is_empty() || class.is_some_and(|k| c.classes.iter().any(|x| x == k));
    agent_ok && class_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(extra: &str) -> Channel {
        let config = toml::from_str(&format!("kind = \"command\"\ncommand = [\"true\"]\n{extra}")).unwrap();
        Channel { name: "c".into(), config, quiet: None, wake: Arc::new(tokio::sync::Notify::new()) }
    }

    /// History committed while no outbox ran (a worker killed right after an ending) is
    /// delivered by the next pass, once: the cursor moved with the deliveries.
    #[test]
    fn every_row_after_the_cursor_becomes_deliveries_exactly_once() {
        use crate::store::{EventKind, Origin};
        let dir = tempfile::tempdir().unwrap();
        let paths = crate::paths::Paths::under(dir.path());
        paths.ensure_dirs().unwrap();
        let worker = Store::open_for_worker(&paths.database).unwrap();
        let text = "[[notify.channels]]\nkind = \"command\"\nname = \"all\"\ncommand = [\"true\"]\n\
                    [[notify.channels]]\nkind = \"command\"\nname = \"fails\"\ncommand = [\"true\"]\nevents = [\"failed\"]\n";
        let config = crate::config::Config::parse(text, std::path::Path::new("c.toml")).unwrap();
        let (history, _) = tokio::sync::broadcast::channel(16);
        let outbox = Outbox::new(paths.clone(), config, history);
        let origin = Origin::worker();
        let now = now_ms();
        let end = |id: &str, state: &str| {
            let data = serde_json::json!({"state": state});
            worker.add_event(id, now, EventKind::Finished, Some(&data), &origin).unwrap();
        };
        // Before the first pass: from before channels were set up, so not news.
        end("old", "completed");
        let mut store = None;
        pass(&outbox, &mut store).unwrap();
        end("a", "completed");
        worker.add_event("a", now, EventKind::Progress, None, &origin).unwrap();
        end("b", "failed");
        pass(&outbox, &mut store).unwrap();
        pass(&outbox, &mut store).unwrap();
        let db = store.as_ref().unwrap();
        let mut got: Vec<(String, String)> =
            db.deliveries(10).unwrap().into_iter().map(|d| (d.channel, d.subject)).collect();
        got.sort();
        let want = [("all", "a"), ("all", "b"), ("fails", "b")];
        assert_eq!(got, want.map(|(c, s)| (c.to_string(), s.to_string())));
    }

    #[test]
    fn agent_and_class_filters() {
        let all = channel("");
        assert!(passes(&all, None, None) && passes(&all, Some("orchid"), Some("build")));
        let orchid = channel("agents = [\"orchid\"]");
        assert!(passes(&orchid, Some("orchid"), None));
        assert!(!passes(&orchid, Some("quill"), None));
        assert!(!passes(&orchid, None, None), "a flow has no agent");
        let builds = channel("classes = [\"build\"]");
        assert!(passes(&builds, Some("quill"), Some("build")));
        assert!(!passes(&builds, Some("quill"), None));
    }
}
