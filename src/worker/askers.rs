//! Tasks waiting for a person's answer, each with the connection its asker (`__agent-tools`
//! inside the task) waits on. The question itself is in the task's record; only the reply
//! channel lives here, so a worker restart loses nothing: the asker asks again.

use crate::protocol::Response;
use std::collections::HashMap;
use tokio::sync::oneshot;

#[derive(Default)]
pub struct Askers {
    waiting: HashMap<String, oneshot::Sender<Response>>,
}

impl Askers {
    /// Task `id`'s asker waits on `reply` (an older connection of the same task is let go:
    /// its asker has given up on it).
    pub fn park(&mut self, id: &str, reply: oneshot::Sender<Response>) {
        self.waiting.insert(id.to_string(), reply);
    }

    /// The connection to answer task `id` on, if its asker still waits there.
    pub fn take(&mut self, id: &str) -> Option<oneshot::Sender<Response>> {
        self.waiting.remove(id).filter(|reply| !reply.is_closed())
    }

    /// The task ended: nobody is to be answered.
    pub fn forget(&mut self, id: &str) {
        self.waiting.remove(id);
    }
}
