//! One task as the dashboard holds it: the view plus what is derived from it on arrival.

use crate::model::{TaskState, TaskView};

/// One task plus what is derived from it once, on arrival, instead of on every frame.
#[derive(Debug, Clone)]
pub struct Entry {
    pub view: TaskView,
    pub created_ms: Option<i64>,
    pub started_ms: Option<i64>,
    pub finished_ms: Option<i64>,
    /// Lower-cased id, description, agent and state: what `/` matches against.
    pub(super) search: String,
    pub(super) key: (u8, i64),
}

fn parse_ms(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp_millis())
}

impl Entry {
    pub fn new(view: TaskView) -> Entry {
        let created_ms = parse_ms(&view.created_at);
        let started_ms = view.started_at.as_deref().and_then(parse_ms);
        let finished_ms = view.finished_at.as_deref().and_then(parse_ms);
        let search = format!("{} {} {} {}", view.id, view.description, view.agent, view.state).to_lowercase();
        // Waiting for you (longest-waiting first), running (longest-running first), pending
        // (queue order), then finished (newest first).
        let key = match view.state {
            TaskState::Running if view.needs.is_some() => {
                (0, view.needs.as_ref().and_then(|n| parse_ms(&n.since)).unwrap_or(0))
            }
            TaskState::Running => (1, started_ms.or(created_ms).unwrap_or(0)),
            TaskState::Pending => (2, created_ms.unwrap_or(0)),
            _ => (3, -finished_ms.or(created_ms).unwrap_or(0)),
        };
        Entry { view, created_ms, started_ms, finished_ms, search, key }
    }
}
