//! The socket side: one tokio task per connection. It checks who is calling, performs the
//! handshake, then passes requests to the actor or streams hub events to a subscriber. A
//! misbehaving client gets an error reply and a closed connection; the worker carries on.

use super::Hub;
use super::journal::HistoryHub;
use super::messages::Msg;
use crate::error::ErrorKind;
use crate::protocol::{
    BUSY, Event, FrameError, PROTOCOL_VERSION, Request, Response, read_frame, write_frame,
};
use crate::store::{EventKind, Origin};
use std::sync::Arc;
use std::sync::mpsc::Sender;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast, oneshot};

/// A client must say hello within this long: a silent socket holds a greeting slot no longer.
const HELLO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);
/// Descriptors kept for the worker's own use: the database, logs, a pidfd per running task.
const OWN_FDS: usize = 512;

/// Connections by what they cost. Each kind has its own pool, so silent sockets cannot starve
/// requests, and waiters (who only listen, and cost a descriptor and a little memory each)
/// cannot take the slots short requests need.
#[derive(Clone)]
pub struct Slots {
    /// Connected, no hello yet.
    greeting: Arc<Semaphore>,
    /// Said hello; making requests.
    requests: Arc<Semaphore>,
    /// Subscribed: `wait`, `follow`, the dashboard.
    subscribers: Arc<Semaphore>,
    /// All three pools' sizes together.
    capacity: usize,
}

impl Slots {
    /// Pools sized from the descriptors this process may open (raised to the hard limit).
    pub fn new() -> Slots {
        let budget = raise_fd_limit().saturating_sub(OWN_FDS).max(64);
        let greeting = (budget / 8).clamp(8, 512);
        let requests = (budget / 8).clamp(8, 256);
        let subscribers = (budget - greeting - requests).clamp(16, 8192);
        let pool = |n| Arc::new(Semaphore::new(n));
        Slots {
            greeting: pool(greeting),
            requests: pool(requests),
            subscribers: pool(subscribers),
            capacity: greeting + requests + subscribers,
        }
    }

    /// A short request's slot (the metrics endpoint's connections take these too).
    pub fn request(&self) -> Option<OwnedSemaphorePermit> {
        self.requests.clone().try_acquire_owned().ok()
    }

    /// Connections open now, of every kind.
    pub fn in_use(&self) -> usize {
        let free = [&self.greeting, &self.requests, &self.subscribers].map(|p| p.available_permits());
        self.capacity.saturating_sub(free.iter().sum())
    }
}

/// What every connection needs from the worker.
#[derive(Clone)]
pub struct Shared {
    pub actor: Sender<Msg>,
    pub hub: Hub,
    pub history: HistoryHub,
    pub slots: Slots,
}

impl Shared {
    /// The metrics text: the actor's part, and the connections open now.
    pub async fn metrics(&self) -> Response {
        match ask(&self.actor, Request::Metrics, None).await {
            Response::Metrics { mut text } => {
                text.push_str(&crate::stats::metrics::render_connections(self.slots.in_use()));
                Response::Metrics { text }
            }
            other => other,
        }
    }
}

/// Raise the soft limit on open files to the hard one; returns the limit in force.
fn raise_fd_limit() -> usize {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    // `None` is unlimited.
    let mut current = limit.current;
    if current < limit.maximum || (current.is_some() && limit.maximum.is_none()) {
        let raised = Rlimit { current: limit.maximum, maximum: limit.maximum };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            current = limit.maximum;
        }
    }
    current.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX)).min(1 << 20)
}

pub async fn serve(listener: UnixListener, shared: Shared) {
    let slots = shared.slots.clone();
    loop {
        match listener.accept().await {
            Ok((mut stream, _)) => {
                let Ok(greeting) = slots.greeting.clone().try_acquire_owned() else {
                    tokio::spawn(async move {
                        let _ = write_frame(&mut stream, &error(ErrorKind::WorkerUnavailable, BUSY)).await;
                    });
                    continue;
                };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let _ = connection(stream, greeting, shared).await;
                });
            }
            // Out of descriptors and the like: back off briefly rather than spin.
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
}

fn error(kind: ErrorKind, message: impl Into<String>) -> Response {
    Response::Error { kind, message: message.into() }
}

async fn connection(
    mut stream: UnixStream,
    greeting: OwnedSemaphorePermit,
    shared: Shared,
) -> Result<(), FrameError> {
    match greet(&mut stream, greeting, &shared).await? {
        Some((slot, origin)) if walled_in(origin.pid) => serve_walled(stream, slot, shared).await,
        Some((slot, origin)) => serve_requests(stream, slot, origin, shared).await,
        None => Ok(()),
    }
}

/// The client's identity and hello. `None` when the client was refused (and told why); else
/// its request slot and who it is.
async fn greet(
    stream: &mut UnixStream,
    greeting: OwnedSemaphorePermit,
    shared: &Shared,
) -> Result<Option<(OwnedSemaphorePermit, Arc<Origin>)>, FrameError> {
    let me = rustix::process::getuid().as_raw();
    let peer_pid = match stream.peer_cred() {
        Ok(cred) if cred.uid() == me => cred.pid().map(|p| p as u32),
        Ok(cred) => {
            let msg =
                format!("refused: this worker belongs to uid {me}, the client runs as uid {}", cred.uid());
            return write_frame(stream, &error(ErrorKind::WorkerUnavailable, msg)).await.map(|()| None);
        }
        Err(e) => {
            let msg = format!("refused: cannot check the client's identity: {e}");
            return write_frame(stream, &error(ErrorKind::WorkerUnavailable, msg)).await.map(|()| None);
        }
    };
    let hello = match tokio::time::timeout(HELLO_TIMEOUT, read_frame::<_, Request>(&mut *stream)).await {
        Ok(hello) => hello,
        Err(_) => {
            let msg = "no hello within 2 s";
            return write_frame(stream, &error(ErrorKind::Usage, msg)).await.map(|()| None);
        }
    };
    drop(greeting);
    let greeted = match hello {
        Ok(Request::Hello { protocol, client, cwd, .. }) if protocol == PROTOCOL_VERSION => {
            let Ok(slot) = shared.slots.requests.clone().try_acquire_owned() else {
                return write_frame(stream, &error(ErrorKind::WorkerUnavailable, BUSY)).await.map(|()| None);
            };
            let hello = Response::Hello {
                protocol: PROTOCOL_VERSION,
                version: crate::version::VERSION.to_string(),
                pid: std::process::id(),
            };
            write_frame(stream, &hello).await?;
            // The uid and pid are the kernel's word; the client kind and folder the client's.
            let client = match client.as_deref() {
                Some(kind @ ("cli" | "mcp" | "tui" | "web" | "agent")) => kind.to_string(),
                _ => "unknown".to_string(),
            };
            (slot, Arc::new(Origin { uid: me, client, pid: peer_pid, cwd }))
        }
        Ok(Request::Hello { protocol, version, .. }) => {
            let msg = format!(
                "protocol mismatch: this client (smart-agents {version}) speaks protocol {protocol}, the running \
                 worker (smart-agents {}) speaks {PROTOCOL_VERSION}; run `smart-agents worker stop` so a matching \
                 worker starts",
                crate::version::VERSION
            );
            return write_frame(stream, &error(ErrorKind::WorkerUnavailable, msg)).await.map(|()| None);
        }
        Ok(_) => {
            let msg = "the first message must be a hello";
            return write_frame(stream, &error(ErrorKind::Usage, msg)).await.map(|()| None);
        }
        Err(e) => return reject(stream, e).await.map(|()| None),
    };
    Ok(Some(greeted))
}

/// Requests until the client goes, or it turns into a listener.
async fn serve_requests(
    mut stream: UnixStream,
    request_slot: OwnedSemaphorePermit,
    origin: Arc<Origin>,
    shared: Shared,
) -> Result<(), FrameError> {
    loop {
        let Some(req) = next_request(&mut stream).await? else { return Ok(()) };
        if matches!(req, Request::Subscribe { .. } | Request::Events { .. }) {
            // A listener gives its request slot back and takes one of the many cheap ones.
            drop(request_slot);
            let Ok(_listening) = shared.slots.subscribers.clone().try_acquire_owned() else {
                return write_frame(&mut stream, &error(ErrorKind::WorkerUnavailable, BUSY)).await;
            };
            return match req {
                Request::Events { ids, kinds } => follow_history(stream, ids, kinds, shared.history).await,
                Request::Subscribe { ids } => subscribe(stream, ids, shared.actor, shared.hub).await,
                _ => Ok(()),
            };
        }
        let response = match req {
            Request::Metrics => shared.metrics().await,
            req => ask(&shared.actor, req, Some(origin.clone())).await,
        };
        write_frame(&mut stream, &response).await?;
    }
}

/// The client's next request; `None` once it has gone, or after a bad frame was answered.
async fn next_request(stream: &mut UnixStream) -> Result<Option<Request>, FrameError> {
    match read_frame::<_, Request>(stream).await {
        Ok(req) => Ok(Some(req)),
        Err(FrameError::Closed) => Ok(None),
        Err(e) => reject(stream, e).await.map(|()| None),
    }
}

/// Whether the client runs in a PID namespace other than the worker's: inside a sandbox
/// (`execute --sandbox`). One whose namespace cannot be read counts as walled in.
fn walled_in(pid: Option<u32>) -> bool {
    let ns = |p: &str| std::fs::read_link(format!("/proc/{p}/ns/pid")).ok();
    let theirs = pid.and_then(|p| ns(&p.to_string()));
    theirs.is_none() || theirs != ns("self")
}

/// A sandboxed task may report its progress, nothing else: through the worker it could
/// otherwise start an unsandboxed task, or read and stop others.
async fn serve_walled(
    mut stream: UnixStream,
    _request_slot: OwnedSemaphorePermit,
    shared: Shared,
) -> Result<(), FrameError> {
    loop {
        let Some(req) = next_request(&mut stream).await? else { return Ok(()) };
        let response = match req {
            req @ Request::Progress { .. } => ask(&shared.actor, req, None).await,
            _ => error(ErrorKind::Usage, "refused: a sandboxed task may only report its progress"),
        };
        write_frame(&mut stream, &response).await?;
    }
}

/// Tell the client what was wrong with its frame, then close.
async fn reject(stream: &mut UnixStream, e: FrameError) -> Result<(), FrameError> {
    match e {
        FrameError::Closed | FrameError::Io(_) => Ok(()),
        e => write_frame(stream, &error(ErrorKind::Usage, e.to_string())).await,
    }
}

async fn ask(actor: &Sender<Msg>, req: Request, origin: Option<Arc<Origin>>) -> Response {
    let (reply, answer) = oneshot::channel();
    if actor.send(Msg::Request { req, reply, origin }).is_err() {
        return error(ErrorKind::WorkerUnavailable, "the worker is stopping");
    }
    answer.await.unwrap_or_else(|_| error(ErrorKind::WorkerUnavailable, "the worker is stopping"))
}

/// A snapshot, then every matching event until the client goes away.
async fn subscribe(
    stream: UnixStream,
    ids: Option<Vec<String>>,
    actor: Sender<Msg>,
    hub: Hub,
) -> Result<(), FrameError> {
    let (mut reader, mut writer) = stream.into_split();
    // Subscribe before the snapshot so nothing falls between them (duplicates are harmless:
    // every event carries the whole task).
    let mut events = hub.subscribe();
    let snapshot = ask(&actor, Request::Subscribe { ids: ids.clone() }, None).await;
    let wanted: Option<Vec<String>> = match &snapshot {
        Response::Snapshot { tasks, .. } if ids.is_some() => {
            Some(tasks.iter().map(|t| t.id.clone()).collect())
        }
        _ => None,
    };
    let failed = matches!(snapshot, Response::Error { .. });
    write_frame(&mut writer, &snapshot).await?;
    if failed {
        return Ok(());
    }
    let mut probe = [0u8; 1];
    loop {
        tokio::select! {
            event = events.recv() => {
                let event: Arc<Event> = match event {
                    Ok(event) => event,
                    // Events were dropped: a fresh snapshot puts the subscriber right again,
                    // so a follower cannot miss the end it waits for.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let snapshot = ask(&actor, Request::Subscribe { ids: ids.clone() }, None).await;
                        write_frame(&mut writer, &snapshot).await?;
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                };
                if let (Some(wanted), Event::Task { task }) = (&wanted, event.as_ref())
                    && !wanted.contains(&task.id) {
                        continue;
                    }
                write_frame(&mut writer, &Response::Event { event: (*event).clone() }).await?;
            }
            // A subscriber only listens; any read result means it left or misbehaved.
            _ = tokio::io::AsyncReadExt::read(&mut reader, &mut probe) => return Ok(()),
        }
    }
}
/// `events --follow`: every new history row that matches, as the worker commits it. A
/// follower that falls behind is told (`Lagged`) and catches up from the database.
async fn follow_history(
    stream: UnixStream,
    ids: Option<Vec<String>>,
    kinds: Vec<EventKind>,
    history: HistoryHub,
) -> Result<(), FrameError> {
    let (mut reader, mut writer) = stream.into_split();
    let mut rows = history.subscribe();
    write_frame(&mut writer, &Response::Ok { message: None }).await?;
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let mut probe = [0u8; 1];
    loop {
        tokio::select! {
            row = rows.recv() => {
                let row = match row {
                    Ok(row) => row,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        write_frame(&mut writer, &Response::Event { event: Event::Lagged }).await?;
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                };
                let wanted = ids.as_ref().is_none_or(|ids| ids.contains(&row.task))
                    && (kinds.is_empty() || kinds.contains(&row.kind.as_str()));
                if wanted {
                    write_frame(&mut writer, &Response::History { event: (*row).clone() }).await?;
                }
            }
            _ = tokio::io::AsyncReadExt::read(&mut reader, &mut probe) => return Ok(()),
        }
    }
}
