//! The client side of the socket: connect (starting a worker when none answers), handshake,
//! requests and subscriptions; and below it, every operation the faces share (the command
//! line, the dashboard, the MCP server, the web server): looking tasks up, answering,
//! cancelling, reading logs, submitting, following, and the views of flows and schedules.
//! Showing the results is each face's own (only notes on the connection go to stderr here).

pub mod agents;
pub mod ask;
pub mod commits;
pub mod diff;
pub mod discard;
pub mod flow_view;
pub mod follow;
pub mod git;
pub mod group;
mod handover;
pub mod land;
pub mod logs;
pub mod pr;
pub mod record;
pub mod requests;
pub mod schedule_view;
pub mod send_back;
pub mod submit;
pub mod tasks;
pub mod worktree;

use crate::error::{Error, ErrorKind, Result};
use crate::model::TaskSpec;
use crate::paths::Paths;
use crate::protocol::{BUSY, FrameError, PROTOCOL_VERSION, Request, Response, read_frame, write_frame};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::UnixStream;

pub struct Client {
    stream: UnixStream,
    /// The version and pid the worker gave in its hello.
    worker_version: String,
    worker_pid: u32,
}

pub struct Subscription {
    stream: UnixStream,
}

static CLIENT_KIND: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Name this process in the audit trail: `cli` (the default), `tui` or `mcp`. Set once, early.
pub fn set_client_kind(kind: &'static str) {
    let _ = CLIENT_KIND.set(kind);
}

fn client_kind() -> &'static str {
    CLIENT_KIND.get().copied().unwrap_or("cli")
}

/// How long a freshly started worker may take to answer.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client told "too many clients" keeps trying.
const BUSY_PATIENCE: Duration = Duration::from_secs(15);
/// How long a submit whose connection was lost is sent again.
const RESUBMIT_PATIENCE: Duration = Duration::from_secs(20);

impl Client {
    /// Connect to the worker, starting one if none answers.
    /// A worker older than this build is asked to stop first (its running tasks carry on
    /// and the new worker adopts them), so the user never meets a stale worker.
    pub async fn connect(paths: &Paths) -> Result<Client> {
        if let Some(client) = Self::connect_existing(paths).await? {
            if !client.is_outdated() {
                return Ok(client);
            }
            client.hand_over().await?;
        }
        // A worker cannot start on a broken config: say so as the usage error it is.
        crate::agents::registry::load_config(&paths.config_file)?;
        let mut worker = start_worker(paths)?;
        let deadline = Instant::now() + START_TIMEOUT;
        let mut pause = Duration::from_millis(1);
        loop {
            // An old worker still on its way out may answer once more: wait for the new one.
            if let Some(client) = Self::connect_existing(paths).await?
                && !client.is_outdated()
            {
                return Ok(client);
            }
            // A worker that exits at once (bad config, corrupt database) says why in its log.
            // One that exits cleanly found another worker holding the lock: that one answers
            // soon, or it was on its way out, and then a fresh start is needed.
            if let Ok(Some(status)) = worker.try_wait() {
                if let Some(client) = Self::connect_existing(paths).await? {
                    return Ok(client);
                }
                if !status.success() {
                    return Err(Error::unavailable(format!(
                        "the worker could not start: {}",
                        last_line(&paths.worker_log).unwrap_or_else(|| format!("it exited with {status}"))
                    )));
                }
                worker = start_worker(paths)?;
            }
            if Instant::now() > deadline {
                return Err(Error::unavailable(format!(
                    "the worker did not answer on {} within {}s (see {})",
                    paths.socket.display(),
                    START_TIMEOUT.as_secs(),
                    paths.worker_log.display()
                )));
            }
            // Only while a worker is starting: it binds within milliseconds.
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    /// Connect only if a worker answers. A worker with every slot taken says so; the client
    /// then tries again with backoff for a while before giving up.
    pub async fn connect_existing(paths: &Paths) -> Result<Option<Client>> {
        let deadline = Instant::now() + BUSY_PATIENCE;
        let mut pause = Duration::from_millis(10);
        loop {
            match Self::connect_once(paths).await {
                Err(e) if e.to_string() == BUSY && Instant::now() < deadline => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
                other => return other,
            }
        }
    }

    async fn connect_once(paths: &Paths) -> Result<Option<Client>> {
        let stream = match UnixStream::connect(&paths.socket).await {
            Ok(stream) => stream,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Ok(None);
            }
            Err(e) => {
                return Err(Error::unavailable(format!(
                    "cannot connect to the worker at {}: {e}",
                    paths.socket.display()
                )));
            }
        };
        let mut client = Client { stream, worker_version: String::new(), worker_pid: 0 };
        let hello = Request::Hello {
            protocol: PROTOCOL_VERSION,
            version: crate::version::VERSION.into(),
            client: Some(client_kind().to_string()),
            cwd: std::env::current_dir().ok().map(|d| d.display().to_string()),
        };
        let written = write_frame(&mut client.stream, &hello).await;
        match read_frame(&mut client.stream).await {
            Ok(Response::Hello { version, pid, .. }) if written.is_ok() => {
                client.worker_version = version;
                client.worker_pid = pid;
                Ok(Some(client))
            }
            Ok(Response::Error { kind, message }) => Err(Error::new(kind, message)),
            Ok(other) => Err(Error::unavailable(format!("unexpected handshake answer: {other:?}"))),
            // A worker that is going away (killed, or stopping) resets or closes: no worker.
            Err(FrameError::Io(_) | FrameError::Closed) => Ok(None),
            Err(e) => Err(Error::unavailable(e)),
        }
    }

    /// One request, one response; `Response::Error` becomes `Err` with its kind.
    pub async fn request(&mut self, req: Request) -> Result<Response> {
        match self.exchange(&req).await? {
            Response::Error { kind, message } => Err(Error::new(kind, message)),
            response => Ok(response),
        }
    }

    /// One request, one response, with a lost connection kept apart from the worker's answer.
    async fn exchange(&mut self, req: &Request) -> Result<Response, FrameError> {
        if let Err(e) = write_frame(&mut self.stream, req).await {
            // A worker that refuses a connection (another uid) answers and closes at once, so
            // the write can fail while its answer is already waiting: read that first.
            return match read_frame(&mut self.stream).await {
                Ok(answer @ Response::Error { .. }) => Ok(answer),
                _ => Err(e),
            };
        }
        read_frame(&mut self.stream).await
    }

    /// Queue `spec` exactly once. It carries a request id chosen here; when the connection is
    /// lost before the answer (a worker killed or stopping), the same request goes again, to
    /// a worker started if needed, which answers with the task queued the first time, if it
    /// was. So an error from here means the task was not queued.
    pub async fn submit(paths: &Paths, mut spec: TaskSpec) -> Result<(Client, String)> {
        spec.request_id = Some(request_id());
        let spec = Box::new(spec);
        let deadline = Instant::now() + RESUBMIT_PATIENCE;
        let mut pause = Duration::from_millis(50);
        let mut in_doubt = false;
        loop {
            let mut client = match Client::connect(paths).await {
                Ok(client) => client,
                // An earlier send may have been queued: keep asking while there is time.
                Err(e)
                    if in_doubt && e.kind() == ErrorKind::WorkerUnavailable && Instant::now() < deadline =>
                {
                    tokio::time::sleep(pause).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let lost = match client.exchange(&Request::Submit { spec: spec.clone() }).await {
                Ok(Response::Submitted { id }) => return Ok((client, id)),
                // Said by a worker on its way out: not queued, and the next one will take it.
                Ok(Response::Error { kind: ErrorKind::WorkerUnavailable, message }) => {
                    Error::unavailable(message)
                }
                Ok(Response::Error { kind, message }) => return Err(Error::new(kind, message)),
                Ok(other) => return Err(Error::internal(format!("unexpected answer to submit: {other:?}"))),
                Err(e) => {
                    in_doubt = true;
                    e.into()
                }
            };
            if Instant::now() > deadline {
                return Err(lost);
            }
            eprintln!("smart-agents: {lost}; sending the submit again");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
        }
    }

    /// New history rows, pushed by the worker (`events --follow`); `Ok` once subscribed.
    pub async fn follow_history(
        mut self,
        ids: Option<Vec<String>>,
        kinds: Vec<crate::store::EventKind>,
    ) -> Result<Subscription> {
        self.request(Request::Events { ids, kinds }).await?;
        Ok(Subscription { stream: self.stream })
    }

    /// Events for these tasks (all when `None`): first a snapshot, then each change.
    pub async fn subscribe(mut self, ids: Option<Vec<String>>) -> Result<Subscription> {
        write_frame(&mut self.stream, &Request::Subscribe { ids }).await?;
        Ok(Subscription { stream: self.stream })
    }
}

impl Subscription {
    pub async fn next(&mut self) -> Result<Response> {
        match read_frame(&mut self.stream).await {
            Ok(Response::Error { kind, message }) => Err(Error::new(kind, message)),
            Ok(response) => Ok(response),
            Err(crate::protocol::FrameError::Closed) => Err(Error::unavailable("the worker went away")),
            Err(e) => Err(e.into()),
        }
    }
}

/// Start `smart-agents worker run` detached from this terminal, logging to the worker log.
fn start_worker(paths: &Paths) -> Result<std::process::Child> {
    paths.ensure_dirs()?;
    let log = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&paths.worker_log)
        .map_err(|e| Error::unavailable(format!("cannot open {}: {e}", paths.worker_log.display())))?;
    crate::paths::make_private(&paths.worker_log)?;
    let mut cmd = Command::new("/proc/self/exe");
    cmd.arg0("smart-agents")
        .args(["worker", "run"])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    // SAFETY: setsid is async-signal-safe; a new session keeps the worker out of this
    // terminal's job control and hangups.
    unsafe {
        cmd.pre_exec(|| {
            let _ = rustix::process::setsid();
            Ok(())
        });
    }
    cmd.spawn().map_err(|e| Error::unavailable(format!("cannot start the worker: {e}")))
}

fn last_line(path: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().rev().find(|l| !l.trim().is_empty()).map(|l| l.trim().to_string())
}

/// 128 random bits in hex, naming one submit across its resends.
fn request_id() -> String {
    let mut bytes = [0u8; 16];
    let read =
        std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if read.is_err() {
        // Unique enough without /dev/urandom: this process, this instant.
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes = (nanos ^ (u128::from(std::process::id()) << 96)).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
