//! Writes history rows with who caused them, and pushes them to `events --follow` once the
//! round that wrote them is committed.

use crate::error::Result;
use crate::store::{EventKind, EventRow, Origin, Store, rfc3339};
use std::sync::Arc;
use tokio::sync::broadcast;

/// History rows fan out to `events --follow`.
pub type HistoryHub = broadcast::Sender<Arc<EventRow>>;

pub struct Journal {
    worker: Arc<Origin>,
    /// Who caused what is being applied now: the client of the request, else the worker.
    current: Arc<Origin>,
    hub: HistoryHub,
    unpublished: Vec<EventRow>,
}

impl Journal {
    pub fn new(hub: HistoryHub) -> Journal {
        let worker = Arc::new(Origin::worker());
        Journal { current: worker.clone(), worker, hub, unpublished: Vec::new() }
    }

    /// Events from now on are caused by `origin` (`None`: the worker itself).
    pub fn caused_by(&mut self, origin: Option<Arc<Origin>>) {
        self.current = origin.unwrap_or_else(|| self.worker.clone());
    }

    /// Who causes the events now: `cli`, `tui`, `mcp`, `web`, … or `worker`.
    pub fn client(&self) -> &str {
        &self.current.client
    }

    pub fn add(
        &mut self,
        store: &Store,
        task: &str,
        at: i64,
        kind: EventKind,
        data: Option<serde_json::Value>,
    ) -> Result<()> {
        let seq = store.add_event(task, at, kind, data.as_ref(), &self.current)?;
        // Nobody follows most of the time: then nothing is kept.
        if self.hub.receiver_count() > 0 {
            let o = &self.current;
            self.unpublished.push(EventRow {
                seq,
                at: rfc3339(at),
                task: task.to_string(),
                kind: kind.as_str().to_string(),
                data,
                uid: Some(o.uid),
                client: Some(o.client.clone()),
                pid: o.pid,
                cwd: o.cwd.clone(),
            });
        }
        Ok(())
    }

    /// After the commit: followers see only what is on disk.
    pub fn publish(&mut self) {
        for row in self.unpublished.drain(..) {
            let _ = self.hub.send(Arc::new(row));
        }
        self.current = self.worker.clone();
    }
}
