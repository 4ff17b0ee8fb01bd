//! Delegation: a task started from inside another (or with `--parent`) is its child. Depth and
//! fan-out are capped so a runaway agent cannot flood the queue; cancelling a parent cancels
//! its unfinished children, and theirs.

use super::{Actor, KillReason};
use crate::error::{Error, Result};
use crate::model::TaskSpec;

impl Actor {
    /// Resolve `spec.parent` to a full id and check the caps.
    pub(super) fn link_parent(&mut self, spec: &mut TaskSpec) -> Result<()> {
        let Some(typed) = spec.parent.clone() else { return Ok(()) };
        let parent = self.resolve(&typed)?;
        let caps = self.config.delegation.clone();
        let mut depth = 1;
        let mut up = self.parent_of(&parent)?;
        while let Some(p) = up {
            depth += 1;
            if depth > caps.max_depth {
                break;
            }
            up = self.parent_of(&p)?;
        }
        if depth > caps.max_depth {
            return Err(Error::usage(format!(
                "task {parent} is already {} levels deep: children nest at most {} levels ([delegation] max_depth)",
                depth - 1,
                caps.max_depth
            )));
        }
        let children = self.store.child_count(&parent)?;
        if children >= caps.max_children {
            return Err(Error::usage(format!(
                "task {parent} already started {children} children, the most allowed ([delegation] max_children)"
            )));
        }
        spec.parent = Some(parent);
        Ok(())
    }

    fn parent_of(&self, id: &str) -> Result<Option<String>> {
        if let Some(live) = self.queue.get(id) {
            return Ok(live.rec.spec.parent.clone());
        }
        Ok(self.store.task(id)?.and_then(|t| t.spec.parent))
    }

    /// Cancel `id`'s unfinished children, and theirs (depth is capped, so this is short).
    pub(super) fn cancel_children(&mut self, id: &str, now: i64) {
        let Ok(children) = self.store.children(id) else { return };
        for child in children {
            let state = self.queue.get(&child.id).map_or(child.state, |l| l.rec.state);
            if !state.is_finished() {
                self.cancel(&child.id, KillReason::Cancel, now);
            }
            self.cancel_children(&child.id, now);
        }
    }
}
