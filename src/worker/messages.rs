//! What wakes the actor: one message type for every source (clients, supervisors' exits, the
//! spawner, the output watch, an executor's thread). The sources know this type, not the actor.

use crate::protocol::{Request, Response};
use std::sync::Arc;
use tokio::sync::oneshot;

pub enum Msg {
    Request {
        req: Request,
        reply: oneshot::Sender<Response>,
        /// The client that sent it (`None`: the worker itself, e.g. on SIGTERM).
        origin: Option<Arc<crate::store::Origin>>,
    },
    /// A supervisor's pidfd became readable.
    Exited { id: String, attempt: u32, pid: i32 },
    /// The spawner started a supervisor, or could not.
    Spawned { id: String, attempt: u32, result: std::result::Result<super::runner::Started, String> },
    /// A streaming agent's log file (name in the logs folder) grew.
    Output { file: String },
    /// An executor's thread answered (a hand-over, a look, a failed stop).
    Executor(crate::executor::Reply),
    /// The schedules' wall-clock alarm went off, or the wall clock was set (`jumped`).
    WallClock { jumped: bool },
}
