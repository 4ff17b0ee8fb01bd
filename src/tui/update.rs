//! The dashboard's one pure transition, `update(app, msg) -> Option<Action>`: the loop feeds
//! messages in and carries the actions out.

use super::state::{Action, App, Msg, RowKey, Worker};
use crate::protocol::Event;

pub fn update(app: &mut App, msg: Msg) -> Option<Action> {
    match msg {
        Msg::Key(key) => super::keys::on_key(app, key),
        Msg::Snapshot { tasks, paused } => {
            app.worker = Worker::Up;
            app.paused = paused;
            app.replace_all(tasks)
        }
        Msg::Event(Event::Task { task }) => {
            app.stats_stale |= app.show_stats && task.state.is_finished();
            app.upsert(task)
        }
        Msg::Event(Event::Admission { paused }) => {
            app.paused = paused;
            app.status = if paused { "admission paused" } else { "admission resumed" }.to_string();
            None
        }
        Msg::Event(Event::Hold { text, .. } | Event::Schedule { text, .. }) => {
            app.status = text;
            None
        }
        Msg::Event(Event::Lagged) => {
            app.status = "fell behind the worker: reloading".to_string();
            Some(Action::Resubscribe)
        }
        Msg::WorkerUp => {
            app.worker = Worker::Up;
            None
        }
        Msg::WorkerDown(why) => {
            app.worker = Worker::Down(why);
            None
        }
        Msg::Resources { cpu, mem, cpu_reserved, mem_reserved } => {
            app.cpu = Some(cpu);
            app.mem = Some(mem);
            app.cpu_reserved = cpu_reserved;
            app.mem_reserved = mem_reserved;
            None
        }
        Msg::Resize { width, height } => {
            app.width = width;
            app.height = height;
            app.scroll_into_view();
            None
        }
        Msg::Tick { now_ms } => tick(app, now_ms),
        Msg::Details(details) => {
            if app.selected == Some(RowKey::Task(details.id.clone())) {
                app.details = Some(*details);
            }
            None
        }
        Msg::Status(text) => {
            app.status = text;
            None
        }
        Msg::Flows(flows) => app.flows_loaded(flows),
        Msg::Stats(data) => {
            app.stats = Some(*data);
            None
        }
        Msg::Diff(loaded) => {
            super::diff_state::loaded(app, *loaded);
            None
        }
        Msg::Worked(worked) => {
            super::diff_state::worked(app, worked);
            None
        }
    }
}

/// Once a tick: the clock, and the details of a changing task (refreshed at most once a tick,
/// not per event).
fn tick(app: &mut App, now_ms: i64) -> Option<Action> {
    app.now_ms = now_ms;
    app.recheck_flows();
    if app.details_stale {
        app.details_stale = false;
        match app.selected.clone()? {
            RowKey::Task(id) => return Some(Action::LoadDetails(id)),
            RowKey::Flow(id) => {
                app.flow_loads.insert(id);
            }
        }
    }
    if std::mem::take(&mut app.stats_stale) {
        return Some(Action::LoadStats);
    }
    None
}
