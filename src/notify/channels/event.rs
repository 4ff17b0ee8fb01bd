//! Which history rows are news for the channels, and the JSON a channel is told. The body is
//! made once, when the delivery is stored, so every retry sends the very same bytes (the
//! webhook signature covers them).

use crate::config::channels::ChannelEvent;
use crate::paths::Paths;
use crate::store::{EventRow, Store, TaskRecord};
use serde_json::{Value, json};

/// The history kinds the outbox reads. `needs_input` is the human-in-the-loop work's word for
/// a task that waits for an answer: once the worker writes such rows, they are delivered.
pub const WATCHED_KINDS: [&str; 4] = ["finished", "flow_finished", "schedule_missed", "needs_input"];

/// The channel event a history row is, if any.
pub fn classify(row: &EventRow) -> Option<ChannelEvent> {
    match row.kind.as_str() {
        "finished" => match row.data.as_ref()?.get("state")?.as_str()? {
            "completed" => Some(ChannelEvent::Completed),
            "failed" => Some(ChannelEvent::Failed),
            "cancelled" => Some(ChannelEvent::Cancelled),
            _ => None,
        },
        "flow_finished" => Some(ChannelEvent::FlowDone),
        "schedule_missed" => Some(ChannelEvent::ScheduleMissed),
        "needs_input" => Some(ChannelEvent::NeedsInput),
        _ => None,
    }
}

/// A delivery's body, and what the channel filters look at.
pub struct Payload {
    pub json: Value,
    pub agent: Option<String>,
    pub class: Option<String>,
}

/// The body for `row`, read from the database as it is now (the task's record holds the
/// ending `row` is about: rows are read after the round that wrote them is committed).
pub fn payload(
    store: &Store,
    paths: &Paths,
    row: &EventRow,
    event: ChannelEvent,
    link: Option<&str>,
) -> Payload {
    let mut json = json!({"event": event.as_str(), "at": row.at});
    let (mut agent, mut class) = (None, None);
    if let Some(flow) = row.task.strip_prefix("flow:") {
        json["flow"] = flow_json(store, flow, row);
        json["url"] = link.map_or(Value::Null, |base| json!(format!("{base}/")));
    } else if let Some(name) = row.task.strip_prefix("schedule:") {
        json["schedule"] = json!({"name": name, "detail": row.data});
        json["url"] = link.map_or(Value::Null, |base| json!(format!("{base}/")));
    } else {
        let rec = store.task(&row.task).ok().flatten();
        agent = rec.as_ref().map(|r| r.agent.clone());
        class = rec.as_ref().and_then(|r| r.class.clone());
        json["task"] = match &rec {
            Some(rec) => task_json(rec, paths),
            None => json!({"id": row.task, "state": row.data.as_ref().and_then(|d| d.get("state"))}),
        };
        if event == ChannelEvent::NeedsInput {
            json["detail"] = row.data.clone().unwrap_or(Value::Null);
        }
        json["url"] = link.map_or(Value::Null, |base| json!(format!("{base}/tasks/{}", row.task)));
    }
    Payload { json, agent, class }
}

fn task_json(rec: &TaskRecord, paths: &Paths) -> Value {
    let duration = rec.metrics.duration_ms.map(|ms| ms as f64 / 1000.0);
    // A change is only looked for once the task is over (its worktree or saved patch).
    let diffstat = if rec.state.is_finished() { diffstat(paths, &rec.id) } else { None };
    json!({
        "id": rec.id,
        "description": rec.description,
        // As `status` says it: a task that asks is still running (the question is in `detail`).
        "state": rec.state.to_string(),
        "agent": rec.agent,
        "class": rec.class,
        "attempt": rec.attempt,
        "exit_code": rec.exit_code,
        "reason": rec.reason,
        "duration": duration,
        "cost": rec.metrics.cost_usd,
        "tokens": rec.metrics.tokens_used,
        "diffstat": diffstat,
        "flow": rec.spec.flow_id,
    })
}

fn diffstat(paths: &Paths, id: &str) -> Option<Value> {
    let diff = crate::client::diff::changed(paths, id)?;
    Some(json!({
        "files": diff.files.len(),
        "insertions": diff.insertions(),
        "deletions": diff.deletions(),
        "text": diff.stat_line(),
    }))
}

fn flow_json(store: &Store, id: &str, row: &EventRow) -> Value {
    let state = row.data.as_ref().and_then(|d| d.get("state")).cloned();
    let reason = row.data.as_ref().and_then(|d| d.get("reason")).cloned();
    let name = store.flow(id).ok().flatten().map(|f| f.name);
    json!({"id": id, "name": name, "state": state, "reason": reason})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, task: &str, data: Value) -> EventRow {
        EventRow {
            seq: 1,
            at: "2026-01-01T00:00:00Z".into(),
            task: task.into(),
            kind: kind.into(),
            data: Some(data),
            uid: None,
            client: None,
            pid: None,
            cwd: None,
        }
    }

    #[test]
    fn endings_flows_schedules_and_questions_are_news() {
        let ended = |state: &str| classify(&row("finished", "t", json!({"state": state})));
        assert_eq!(ended("completed"), Some(ChannelEvent::Completed));
        assert_eq!(ended("failed"), Some(ChannelEvent::Failed));
        assert_eq!(ended("cancelled"), Some(ChannelEvent::Cancelled));
        assert_eq!(ended("pending"), None);
        assert_eq!(classify(&row("flow_finished", "flow:f", json!({}))), Some(ChannelEvent::FlowDone));
        assert_eq!(
            classify(&row("schedule_missed", "schedule:s", json!({}))),
            Some(ChannelEvent::ScheduleMissed)
        );
        assert_eq!(classify(&row("needs_input", "t", json!({}))), Some(ChannelEvent::NeedsInput));
        assert_eq!(classify(&row("progress", "t", json!({}))), None);
        for kind in WATCHED_KINDS {
            assert!(classify(&row(kind, "t", json!({"state": "failed"}))).is_some(), "{kind}");
        }
    }
}
