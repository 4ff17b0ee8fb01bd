//! The socket protocol between clients and the worker: length-prefixed JSON frames (4-byte
//! big-endian length, at most 10 MiB), opened by a versioned handshake.

use crate::error::ErrorKind;
use crate::model::{TaskSpec, TaskView, WorkerStatus};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Bumped whenever a message changes shape; the handshake refuses a mismatch.
pub const PROTOCOL_VERSION: u32 = 1;
pub const MAX_FRAME: usize = 10 * 1024 * 1024;
/// The worker's answer when it holds all the connections it will: clients try again shortly.
pub const BUSY: &str = "the worker has too many clients; retry shortly";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    Hello {
        protocol: u32,
        version: String,
        /// `cli`, `mcp` or `tui`: recorded with the events this connection causes.
        #[serde(default)]
        client: Option<String>,
        /// The client's working folder, for the audit trail.
        #[serde(default)]
        cwd: Option<String>,
    },
    Submit {
        spec: Box<TaskSpec>,
    },
    Cancel {
        ids: Vec<String>,
    },
    Retry {
        id: String,
        /// The retrying shell's environment: secret values forgotten when the task ended are
        /// taken from it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        env: Vec<(String, String)>,
    },
    SetPriority {
        id: String,
        priority: u8,
    },
    Pause,
    Resume,
    WorkerStatus,
    Shutdown {
        kill: bool,
    },
    /// Stream events for these tasks (all tasks when `None`), starting with a snapshot.
    Subscribe {
        ids: Option<Vec<String>>,
    },
    /// Agents with their load and circuits; `installed` is judged on the caller's PATH.
    Agents {
        path: Option<String>,
    },
    /// End the usage-limit or budget hold of an agent's account by hand (`agents release`).
    AgentRelease {
        name: String,
    },
    /// Sent from inside a task by `smart-agents progress`.
    Progress {
        id: String,
        percent: Option<f64>,
        step: Option<String>,
    },
    /// Task endings not yet seen by `notices` (then marked seen).
    Notices,
    /// Queue a checked flow: its row and its ready steps, in one transaction.
    FlowRun {
        plan: Box<crate::flows::Plan>,
        file: String,
        cwd: String,
        env: Vec<(String, String)>,
    },
    /// Cancel a running flow's unfinished steps.
    FlowCancel {
        id: String,
    },
    /// Run a failed or cancelled flow's failed and cancelled steps again.
    FlowRetry {
        id: String,
        /// The retrying shell's environment, as for `Retry`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        env: Vec<(String, String)>,
    },
    /// Push every new history row of these tasks (all when `None`) and these kinds (all when
    /// empty): `events --follow`. Answered with `Ok`, then `History` frames.
    Events {
        ids: Option<Vec<String>>,
        kinds: Vec<crate::store::EventKind>,
    },
    /// The Prometheus text exposition.
    Metrics,
    /// Remove finished tasks that ended more than `older_than_ms` ago (`[history] keep_days`
    /// when `None`), their events and files.
    Prune {
        older_than_ms: Option<u64>,
        dry_run: bool,
    },
    /// `doctor --fix`: seal secret values an older version stored in plain text.
    SealSecrets,
    /// `schedule add`: a checked schedule; refused when its name is taken.
    ScheduleAdd {
        def: Box<crate::schedules::ScheduleDef>,
    },
    /// `schedule pause|resume|remove NAME`.
    ScheduleSet {
        name: String,
        op: crate::schedules::ScheduleOp,
    },
    /// `schedule run NAME`: fire now, once; answered with the task's (or flow's) id.
    ScheduleRun {
        name: String,
    },
    /// From inside a task (`__agent-tools`): a question for a person. Answered with `Answered`
    /// once someone answers, which may be much later; asked again after a lost connection, it
    /// finds the same question by its key.
    Ask {
        id: String,
        question: Box<crate::model::Question>,
    },
    /// `answer ID REPLY [--always]`.
    Answer {
        id: String,
        reply: crate::model::Reply,
        #[serde(default)]
        always: bool,
    },
    /// What a client did with a worktree task's work (`land`, `discard`, `review` are git
    /// operations of the client's own): recorded in the task's history, with who did it.
    Record {
        id: String,
        done: WorkDone,
    },
}

/// A `Record`: what was done to a task's work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum WorkDone {
    /// Brought into `into` by `mode` (`auto`, `squash`, `merge`, `rebase`), now at `commit`.
    Landed { into: String, mode: String, commit: String },
    /// Thrown away; the last commit stays reachable as `kept` when there was one.
    Discarded { kept: Option<String> },
    /// Sent back with notes as the follow-up task `followup`.
    Reviewed { followup: String },
}

// One response per frame, short-lived: the size of the large variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    Hello {
        protocol: u32,
        version: String,
        pid: u32,
    },
    Submitted {
        id: String,
    },
    Cancelled {
        outcomes: Vec<CancelOutcome>,
    },
    Ok {
        message: Option<String>,
    },
    WorkerStatus {
        status: WorkerStatus,
    },
    Agents {
        agents: Vec<crate::model::AgentStatus>,
    },
    Snapshot {
        tasks: Vec<TaskView>,
        paused: bool,
    },
    Event {
        event: Event,
    },
    Notices {
        tasks: Vec<TaskView>,
    },
    History {
        event: crate::store::EventRow,
    },
    Metrics {
        text: String,
    },
    Pruned {
        report: crate::store::PruneReport,
    },
    /// The answer to an `Ask`, and the rule it was allowed by when no person was asked.
    Answered {
        reply: crate::model::Reply,
        rule: Option<String>,
    },
    Error {
        kind: ErrorKind,
        message: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CancelOutcome {
    pub id: String,
    /// `cancelled` (was pending), `cancelling` (signal sent), or the finished state it kept.
    pub outcome: String,
}

/// What the hub fans out to subscribers.
// Events travel inside an Arc through the hub, so the size of the large variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A task changed: state, progress, step, reason.
    Task { task: TaskView },
    /// Admission was paused or resumed.
    Admission { paused: bool },
    /// The subscriber fell behind and missed events: it should re-read what it shows.
    Lagged,
    /// An account's usage-limit or budget hold started (`started`) or ended; `text` says so
    /// ("work usage limit: 3 tasks wait until 15:00").
    Hold { account: String, text: String, started: bool },
    /// A schedule stopped by itself (a per-day cap): `text` says why and until when.
    Schedule { name: String, text: String },
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("connection closed")]
    Closed,
    #[error("frame of {0} bytes is over the {MAX_FRAME}-byte limit")]
    TooLarge(usize),
    #[error("malformed frame: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<FrameError> for crate::error::Error {
    fn from(e: FrameError) -> Self {
        crate::error::Error::unavailable(format!("talking to the worker: {e}"))
    }
}

/// `msg` as one frame: its length, then its JSON.
fn encode<T: Serialize>(msg: &T) -> Result<Vec<u8>, FrameError> {
    let body = serde_json::to_vec(msg)?;
    if body.len() > MAX_FRAME {
        return Err(FrameError::TooLarge(body.len()));
    }
    let mut buf = Vec::with_capacity(4 + body.len());
    buf.extend_from_slice(&(body.len() as u32).to_be_bytes());
    buf.extend_from_slice(&body);
    Ok(buf)
}

/// The body length a frame's header announces, refused over the limit.
fn body_len(header: [u8; 4]) -> Result<usize, FrameError> {
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge(len));
    }
    Ok(len)
}

/// A short read of the header is the peer closing between frames.
fn header_error(e: std::io::Error) -> FrameError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof { FrameError::Closed } else { e.into() }
}

pub async fn write_frame<W, T>(w: &mut W, msg: &T) -> Result<(), FrameError>
where
    W: AsyncWrite + Unpin,
    T: Serialize,
{
    w.write_all(&encode(msg)?).await?;
    w.flush().await?;
    Ok(())
}

pub async fn read_frame<R, T>(r: &mut R) -> Result<T, FrameError>
where
    R: AsyncRead + Unpin,
    T: DeserializeOwned,
{
    let mut header = [0u8; 4];
    r.read_exact(&mut header).await.map_err(header_error)?;
    let mut body = vec![0u8; body_len(header)?];
    r.read_exact(&mut body).await?;
    Ok(serde_json::from_slice(&body)?)
}

/// `write_frame` for a blocking stream (the supervisor zygote has no runtime).
pub fn write_frame_blocking<T: Serialize>(w: &mut impl std::io::Write, msg: &T) -> Result<(), FrameError> {
    w.write_all(&encode(msg)?)?;
    w.flush()?;
    Ok(())
}

/// `read_frame` for a blocking stream.
pub fn read_frame_blocking<T: DeserializeOwned>(r: &mut impl std::io::Read) -> Result<T, FrameError> {
    let mut header = [0u8; 4];
    r.read_exact(&mut header).map_err(header_error)?;
    let mut body = vec![0u8; body_len(header)?];
    r.read_exact(&mut body)?;
    Ok(serde_json::from_slice(&body)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn round_trips_and_bounds_frames() {
        let (mut a, mut b) = tokio::io::duplex(1 << 16);
        write_frame(&mut a, &Request::Pause).await.unwrap();
        let got: Request = read_frame(&mut b).await.unwrap();
        assert!(matches!(got, Request::Pause));

        a.write_all(&(MAX_FRAME as u32 + 1).to_be_bytes()).await.unwrap();
        assert!(matches!(read_frame::<_, Request>(&mut b).await, Err(FrameError::TooLarge(_))));

        let (mut a, mut b) = tokio::io::duplex(1 << 16);
        a.write_all(&3u32.to_be_bytes()).await.unwrap();
        a.write_all(b"{x}").await.unwrap();
        assert!(matches!(read_frame::<_, Request>(&mut b).await, Err(FrameError::Malformed(_))));
    }
}
