//! Desktop notifications from inside the worker: a task on the worker's runtime follows the
//! event hub, decides per task with its strategy (`execute --notify`, else
//! `[notifications] strategy`) and shows what deserves it on the desktop.

pub mod channels;
pub mod desktop;
pub mod strategy;

pub use crate::config::Strategy;
pub use strategy::{Notification, Policy, Urgency};

use crate::config::Notifications;
use crate::model::TaskView;
use crate::protocol::Event;
use crate::store::Store;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::broadcast::{Receiver, error::RecvError};

/// What the notifier remembers of a task until it ends.
struct Tracked {
    view: TaskView,
    policy: Policy,
    memory: strategy::Memory,
}

pub struct Notifier {
    config: Notifications,
    /// The database (read for details) and where a task's change is found (its diffstat).
    paths: crate::paths::Paths,
    /// Opened on first need: the worker has created the database by then.
    store: Option<Store>,
    tasks: HashMap<String, Tracked>,
    desktop: desktop::Desktop,
}

impl Notifier {
    pub fn new(config: Notifications, paths: crate::paths::Paths) -> Notifier {
        Notifier { config, paths, store: None, tasks: HashMap::new(), desktop: desktop::Desktop::default() }
    }

    /// Follow the hub until the worker closes it.
    pub async fn run(mut self, mut events: Receiver<Arc<Event>>) {
        loop {
            match events.recv().await {
                Ok(event) => match event.as_ref() {
                    Event::Task { task } => self.on_task(task.clone()),
                    Event::Hold { text, started, .. } => self.desktop.send(hold_notice(text, *started)),
                    Event::Schedule { name, text } => self.desktop.send(schedule_notice(name, text)),
                    Event::Admission { .. } | Event::Lagged => {}
                },
                // Missed changes: the next event of each task is compared with what we saw,
                // so nothing is told twice; an ending in the gap is lost, which is acceptable.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            }
        }
    }

    fn on_task(&mut self, task: TaskView) {
        let now = crate::store::now_ms();
        let (prev, policy, mut memory) = match self.tasks.remove(&task.id) {
            Some(t) => (Some(t.view), t.policy, t.memory),
            None => (None, self.policy_of(&task.id), strategy::Memory::default()),
        };
        let ending = strategy::is_ending(prev.as_ref(), &task);
        let (store, database) = (&mut self.store, &self.paths.database);
        let detail = || detail(store, database, &task);
        if let Some(n) = strategy::decide(prev.as_ref(), &task, &policy, &mut memory, now, detail) {
            // An ending tells what the task changed, as `result` does.
            let (paths, id) = (self.paths.clone(), task.id.clone());
            let stat = move || crate::client::diff::changed(&paths, &id).map(|d| d.stat_line());
            if ending { self.desktop.send_with(n, stat) } else { self.desktop.send(n) }
        }
        // Finished tasks are forgotten: a retry starts over with a fresh look-up.
        if !task.state.is_finished() {
            self.tasks.insert(task.id.clone(), Tracked { view: task, policy, memory });
        }
    }

    /// The task's own strategy, or the default. Read once per task and kept while it lives.
    fn policy_of(&mut self, id: &str) -> Policy {
        let named = self.open().and_then(|s| s.notify_strategy(id).ok().flatten());
        // Submit validated the name; an unreadable one falls back to the default.
        let strategy = named.and_then(|n| n.parse().ok()).unwrap_or(self.config.default_strategy());
        Policy {
            strategy,
            min_progress_delta: self.config.min_progress_delta,
            throttle_ms: self.config.throttle_ms,
        }
    }

    fn open(&mut self) -> Option<&Store> {
        open_store(&mut self.store, &self.paths.database)
    }
}

fn open_store<'a>(store: &'a mut Option<Store>, database: &Path) -> Option<&'a Store> {
    if store.is_none() {
        match Store::open_for_reading(database) {
            Ok(s) => *store = s,
            Err(e) => eprintln!("smart-agents worker: notifications cannot read the database: {e}"),
        }
    }
    store.as_ref()
}

/// The first line of a finished task's reason (failures) or result output.
fn detail(store: &mut Option<Store>, database: &Path, task: &TaskView) -> Option<String> {
    let from_reason = task.reason.as_deref().and_then(strategy::first_line);
    if task.state != crate::model::TaskState::Completed && from_reason.is_some() {
        return from_reason;
    }
    let rec = open_store(store, database)?.task(&task.id).ok().flatten()?;
    rec.output.as_deref().and_then(strategy::first_line).or(from_reason)
}

/// A usage-limit or budget hold started or ended: the text says which account and until when.
fn schedule_notice(name: &str, text: &str) -> Notification {
    let body = format!("`smart-agents schedule resume {name}` starts it again now");
    Notification { summary: text.to_string(), body, urgency: Urgency::Normal }
}

fn hold_notice(text: &str, started: bool) -> Notification {
    let urgency = if started { Urgency::Normal } else { Urgency::Low };
    let body = if started {
        "smart-agents holds them; `smart-agents agents release NAME` ends the hold now"
    } else {
        "smart-agents starts them again"
    };
    Notification { summary: text.to_string(), body: body.to_string(), urgency }
}
