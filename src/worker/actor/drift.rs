//! Drift: the event and item types an agent's stream held that its parser does not know, kept
//! per agent for `agents show` (examples masked like the task's own output).

use super::Actor;
use crate::model::UnknownEvent;

impl Actor {
    pub(super) fn note_drift(&mut self, id: &str, seen: Vec<UnknownEvent>, now: i64) {
        if seen.is_empty() {
            return;
        }
        let Some(agent) = self.queue.get(id).map(|l| l.rec.agent.clone()) else { return };
        let seen: Vec<UnknownEvent> =
            seen.into_iter().map(|u| UnknownEvent { example: self.masked(id, u.example), ..u }).collect();
        // Bookkeeping only: a failed write must not touch the task's ending.
        if let Err(e) = self.store.add_unknown_events(&agent, &seen, now) {
            eprintln!("smart-agents worker: could not record unknown event types of {agent}: {e}");
        }
    }
}
