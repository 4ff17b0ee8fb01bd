//! What a round has to write, answer and publish: gathered while the round applies its
//! messages, and let out only once the round's commit is on disk.

use super::Hub;
use super::journal::Journal;
use super::spares::Spares;
use crate::protocol::{Event, Response};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::oneshot;

pub(super) struct Outbox {
    /// Tasks whose record changed: saved (and published) at the end of the round.
    dirty: BTreeSet<String>,
    replies: Vec<(oneshot::Sender<Response>, Response)>,
    events: Vec<Event>,
    /// Tasks admitted whose supervisor (or executor hand-over) is still to start.
    to_spawn: Vec<String>,
    /// Files to remove once the round that forgot them is committed.
    cleanup: Vec<PathBuf>,
    /// Exit records read, kept as spares for later logs once the round is committed.
    spent: Vec<PathBuf>,
    /// Run another round without waiting (a pid to record, adoption results).
    rerun: bool,
}

impl Outbox {
    pub fn new() -> Outbox {
        Outbox {
            dirty: BTreeSet::new(),
            replies: Vec::new(),
            events: Vec::new(),
            to_spawn: Vec::new(),
            cleanup: Vec::new(),
            spent: Vec::new(),
            rerun: true,
        }
    }

    /// Task `id` changed: save it with this round.
    pub fn mark(&mut self, id: impl Into<String>) {
        self.dirty.insert(id.into());
    }

    /// Task `id` is not to be saved after all (its flow was refused).
    pub fn unmark(&mut self, id: &str) {
        self.dirty.remove(id);
    }

    pub fn take_dirty(&mut self) -> BTreeSet<String> {
        std::mem::take(&mut self.dirty)
    }

    pub fn reply(&mut self, to: oneshot::Sender<Response>, response: Response) {
        self.replies.push((to, response));
    }

    /// The answers not sent yet, to complete with what only the commit tells.
    pub fn replies_mut(&mut self) -> impl Iterator<Item = &mut Response> {
        self.replies.iter_mut().map(|(_, response)| response)
    }

    pub fn publish(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Start task `id`'s supervisor (or executor hand-over) after admission.
    pub fn spawn(&mut self, id: impl Into<String>) {
        self.to_spawn.push(id.into());
    }

    /// The tasks to start now; those for which `wait` holds stay for later.
    pub fn spawns_ready(&mut self, wait: impl Fn(&str) -> bool) -> Vec<String> {
        let (later, ready): (Vec<String>, Vec<String>) =
            std::mem::take(&mut self.to_spawn).into_iter().partition(|id| wait(id));
        self.to_spawn = later;
        ready
    }

    /// Remove `path` once this round is committed.
    pub fn remove_after_commit(&mut self, path: PathBuf) {
        self.cleanup.push(path);
    }

    /// The exit record `path` is spent once this round is committed (see spares.rs).
    pub fn spent(&mut self, path: PathBuf) {
        self.spent.push(path);
    }

    /// Run another round without waiting for a message.
    pub fn rerun(&mut self) {
        self.rerun = true;
    }

    pub fn wants_rerun(&self) -> bool {
        self.rerun
    }

    /// A round begins: it does what was asked of the next one.
    pub fn rerun_done(&mut self) {
        self.rerun = false;
    }

    /// The commit failed: every caller learns why, nothing else goes out.
    pub fn fail(&mut self, message: &str) {
        for (reply, _) in self.replies.drain(..) {
            let _ = reply.send(Response::Error {
                kind: crate::error::ErrorKind::Internal,
                message: message.to_string(),
            });
        }
    }

    /// The commit is on disk: answer, publish (then the `journal`'s rows), remove the files
    /// it no longer needs and hand spent exit records to `spares`.
    pub fn deliver(&mut self, hub: &Hub, journal: &mut Journal, spares: &Spares) {
        // Before any answer: a client told "pruned" finds the files gone.
        for path in self.cleanup.drain(..) {
            let _ = std::fs::remove_file(path);
        }
        for (reply, response) in self.replies.drain(..) {
            let _ = reply.send(response);
        }
        for event in self.events.drain(..) {
            let _ = hub.send(Arc::new(event));
        }
        journal.publish();
        for path in self.spent.drain(..) {
            spares.keep(&path);
        }
    }
}
