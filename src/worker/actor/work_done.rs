//! `Record`: what a client did with a worktree task's work. `land`, `discard` and `review`
//! are git operations (or a submit) of the client's own; the worker, the only writer of the
//! history, records them as events of the task, with who did it.

use super::Actor;
use crate::error::Result;
use crate::protocol::WorkDone;
use crate::store::EventKind;
use serde_json::json;

impl Actor {
    /// Record `done` on task `typed`; the event's words for the user.
    pub(super) fn record_work(&mut self, typed: &str, done: WorkDone, now: i64) -> Result<String> {
        let id = self.resolve(typed)?;
        let by = self.journal.client().to_string();
        let (kind, text, mut data) = match done {
            WorkDone::Landed { into, mode, commit } => {
                // `auto` is the default: a fast-forward or a merge commit, as the base allowed.
                let how = if mode == "auto" { String::new() } else { format!(" ({mode})") };
                let text = format!("landed into {into}{how} by {by}");
                (EventKind::Landed, text, json!({"into": into, "mode": mode, "commit": commit}))
            }
            WorkDone::Discarded { kept } => {
                let text = match &kept {
                    Some(kept) => format!("discarded by {by}, kept at {kept}"),
                    None => format!("discarded by {by}"),
                };
                (EventKind::Discarded, text, json!({"kept": kept}))
            }
            WorkDone::Reviewed { followup } => {
                let text = format!("reviewed by {by}: follow-up {followup}");
                (EventKind::Reviewed, text, json!({"followup": followup}))
            }
        };
        data["by"] = json!(by);
        data["text"] = json!(text);
        self.journal.add(&self.store, &id, now, kind, Some(data))?;
        Ok(text)
    }
}
