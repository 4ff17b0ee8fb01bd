//! Version handover, as atuin does it: a client that meets a worker older than itself asks it
//! to stop (running tasks go on, as after any stop) and starts its own, which adopts them.

use super::Client;
use crate::error::{ErrorKind, Result};
use crate::protocol::Request;
use std::time::Duration;

/// How long a stopping worker may take to go before the caller moves on without it.
const STOP_PATIENCE: Duration = Duration::from_secs(6);

impl Client {
    /// The pid the worker gave in its hello.
    pub fn worker_pid(&self) -> u32 {
        self.worker_pid
    }

    /// Whether the worker that answered is older than this build.
    pub(super) fn is_outdated(&self) -> bool {
        crate::version::supersedes(&self.worker_version)
    }

    /// Stop the outdated worker, saying so in one line on stderr.
    pub(super) async fn hand_over(self) -> Result<()> {
        eprintln!(
            "smart-agents: the running worker (pid {}) is version {}, this is {}: replacing it; running tasks carry on",
            self.worker_pid,
            self.worker_version,
            crate::version::VERSION
        );
        self.stop_worker(false).await?;
        Ok(())
    }

    /// Ask the worker to stop (`kill`: cancel running tasks first; otherwise they go on and the
    /// next worker adopts them), then wait a bounded while for it to go. `true` once it is gone.
    pub async fn stop_worker(mut self, kill: bool) -> Result<bool> {
        let pid = self.worker_pid as i32;
        match self.request(Request::Shutdown { kill }).await {
            // The worker may close the connection as it leaves: that is the stop we asked for.
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WorkerUnavailable => {}
            Err(e) => return Err(e),
        }
        drop(self);
        let deadline = tokio::time::Instant::now() + STOP_PATIENCE;
        while tokio::time::Instant::now() < deadline {
            if !crate::process::is_running(pid) {
                return Ok(true);
            }
            // Only while a worker is on its way out: it goes within milliseconds.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(false)
    }
}
