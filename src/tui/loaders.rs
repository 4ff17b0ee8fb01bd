//! The threads that read the database for the dashboard. Store reads may wait on the database
//! lock: they stay off the loop, each kind on its own thread, answering with messages.

use super::diff_model::{Loaded, Work, Worked};
use super::state::Msg;
use crate::paths::Paths;
use std::collections::BTreeSet;
use tokio::sync::mpsc;

pub struct Loaders {
    details: mpsc::UnboundedSender<String>,
    stats: mpsc::UnboundedSender<()>,
    flows: mpsc::UnboundedSender<BTreeSet<String>>,
    /// For the diff view's loads and git work, each a task of its own.
    paths: Paths,
    msgs: mpsc::Sender<Msg>,
}

// Sends fail only once a loader thread is gone, at exit: nothing is left to load then.
impl Loaders {
    pub fn spawn(paths: &Paths, msgs: &mpsc::Sender<Msg>) -> Loaders {
        let (details, details_rx) = mpsc::unbounded_channel();
        let (stats, stats_rx) = mpsc::unbounded_channel();
        let (flows, flows_rx) = mpsc::unbounded_channel();
        let (p, m) = (paths.clone(), msgs.clone());
        std::thread::spawn(move || load_details(p, details_rx, m));
        let (p, m) = (paths.clone(), msgs.clone());
        std::thread::spawn(move || load_stats(p, stats_rx, m));
        let (p, m) = (paths.clone(), msgs.clone());
        std::thread::spawn(move || load_flows(p, flows_rx, m));
        Loaders { details, stats, flows, paths: paths.clone(), msgs: msgs.clone() }
    }

    /// Read the change of task `id` (git: off the loop).
    pub fn diff(&self, id: String) {
        let (paths, msgs) = (self.paths.clone(), self.msgs.clone());
        tokio::task::spawn_blocking(move || {
            let diff = crate::client::diff::of_task(&paths, &id, false).map_err(|e| e.to_string());
            let _ = msgs.blocking_send(Msg::Diff(Box::new(Loaded { id, diff })));
        });
    }

    /// Land, discard or send back from the diff view, as the commands do (and recorded so).
    pub fn work(&self, work: Work) {
        let (paths, msgs) = (self.paths.clone(), self.msgs.clone());
        tokio::spawn(async move {
            let msg = match do_work(&paths, work).await {
                Ok(text) => Msg::Worked(Worked { text, done: true }),
                // A refusal names the commits on lines of their own: one status line holds it.
                Err(e) => Msg::Worked(Worked { text: one_line(&e.to_string()), done: false }),
            };
            let _ = msgs.send(msg).await;
        });
    }

    pub fn details(&self, id: String) {
        let _ = self.details.send(id);
    }

    pub fn stats(&self) {
        let _ = self.stats.send(());
    }

    pub fn flows(&self, ids: BTreeSet<String>) {
        if !ids.is_empty() {
            let _ = self.flows.send(ids);
        }
    }
}

/// The stats loader's thread: each request (bursts count once) reads the last week.
fn load_stats(paths: Paths, mut rx: mpsc::UnboundedReceiver<()>, tx: mpsc::Sender<Msg>) {
    while rx.blocking_recv().is_some() {
        while rx.try_recv().is_ok() {}
        let msg = match super::stats_data::load(&paths, crate::store::now_ms()) {
            Ok(data) => Msg::Stats(Box::new(data)),
            Err(e) => Msg::Status(format!("stats: {e}")),
        };
        if tx.blocking_send(msg).is_err() {
            return;
        }
    }
}

/// The flow loader's thread: reads each flow asked for (requests queued meanwhile count once)
/// with its tasks, as `flow status` shows it.
fn load_flows(paths: Paths, mut rx: mpsc::UnboundedReceiver<BTreeSet<String>>, tx: mpsc::Sender<Msg>) {
    let mut store = None;
    while let Some(mut ids) = rx.blocking_recv() {
        while let Ok(more) = rx.try_recv() {
            ids.extend(more);
        }
        let msg = match read_flows(&paths, &mut store, &ids) {
            Ok(flows) => Msg::Flows(flows),
            Err(e) => Msg::Status(format!("flows: {e}")),
        };
        if tx.blocking_send(msg).is_err() {
            return;
        }
    }
}

fn read_flows(
    paths: &Paths,
    store: &mut Option<crate::store::Store>,
    ids: &BTreeSet<String>,
) -> crate::error::Result<Vec<crate::client::flow_view::FlowView>> {
    if store.is_none() {
        *store = crate::store::Store::open_for_reading(&paths.database)?;
    }
    let Some(store) = store.as_ref() else { return Ok(Vec::new()) };
    let mut flows = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(flow) = store.flow(id)? {
            flows.push(crate::client::flow_view::view(&flow, &store.flow_tasks(id)?));
        }
    }
    Ok(flows)
}

/// The details loader's thread: takes ids, answers with `Msg::Details`. When the selection moves
/// faster than loads finish, only the newest id is loaded.
fn load_details(paths: Paths, mut rx: mpsc::UnboundedReceiver<String>, tx: mpsc::Sender<Msg>) {
    let mut store = None;
    while let Some(mut id) = rx.blocking_recv() {
        while let Ok(newer) = rx.try_recv() {
            id = newer;
        }
        let d = super::details::load(&paths, &mut store, &id);
        if tx.blocking_send(Msg::Details(Box::new(d))).is_err() {
            return;
        }
    }
}

/// The diff view's `Work`, as `land` (default strategy), `discard` (without force) and
/// `review` do it; the line for the status bar.
async fn do_work(paths: &Paths, work: Work) -> crate::error::Result<String> {
    use crate::client::record;
    let (mut text, warning) = match work {
        Work::Land(id) => {
            let options = crate::client::land::Options::default();
            let done = record::land(paths, &id, &options).await?;
            let mut text = format!("landed {} into {}", done.landed.id, done.landed.into);
            for sibling in done.siblings {
                text.push_str(&format!("; {sibling}"));
            }
            (text, done.warning)
        }
        Work::Discard(id) => {
            let (done, warning) = record::discard(paths, &id, false).await?;
            let kept = done.kept.map(|k| format!(" (kept as {k})")).unwrap_or_default();
            (format!("discarded {}{kept}", done.id), warning)
        }
        Work::SendBack { id, notes } => {
            let env = crate::client::submit::caller_env();
            let (_client, new, warning) = record::review(paths, &id, &notes, &[], env).await?;
            (format!("sent {id} back as task {new}"), warning)
        }
    };
    if let Some(warning) = warning {
        text.push_str(&format!(" · {warning}"));
    }
    Ok(text)
}

fn one_line(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" · ")
}
