//! The worker, as a sandboxed task sees it: the launcher (outside the wall) serves a socket
//! where the worker's would be, and passes on `progress` alone, each time over a new
//! connection to whichever worker runs now (so progress survives a worker restart, which
//! replaces the socket file a bind mount would have pinned). It also reports lines of its own
//! (a blocked connection) the same way, and a question for a person (`ask`, or an agent CLI's
//! permission tool), for its own task only. Blocking: the launcher has no runtime.

use crate::error::ErrorKind;
use crate::paths::Paths;
use crate::protocol::{PROTOCOL_VERSION, Request, Response, read_frame_blocking, write_frame_blocking};
use std::os::unix::net::{UnixListener, UnixStream};
use std::time::Duration;

/// Record `text` as the current step of the task in `$SMART_AGENTS_TASK_ID`. Best effort: a
/// worker that is away misses it, the task's log still has the line.
pub fn send(text: &str) {
    if let Ok(id) = std::env::var("SMART_AGENTS_TASK_ID") {
        let _ = ask(
            Request::Progress { id, percent: None, step: Some(text.to_string()) },
            Some(Duration::from_secs(10)),
        );
    }
}

/// Answer the sandbox's clients on `listener` until the launcher exits.
pub fn serve(listener: UnixListener) {
    for conn in listener.incoming().flatten() {
        std::thread::spawn(move || relay(conn));
    }
}

fn relay(mut conn: UnixStream) {
    if !matches!(read_frame_blocking::<Request>(&mut conn), Ok(Request::Hello { .. })) {
        return;
    }
    let hello = Response::Hello {
        protocol: PROTOCOL_VERSION,
        version: crate::version::VERSION.into(),
        pid: std::process::id(),
    };
    if write_frame_blocking(&mut conn, &hello).is_err() {
        return;
    }
    while let Ok(req) = read_frame_blocking::<Request>(&mut conn) {
        let response = match req {
            req @ Request::Progress { .. } => ask(req, Some(Duration::from_secs(10))),
            // A question for a person, of this task only; it may wait for hours. A lost worker
            // closes the connection, and the asker inside asks again.
            Request::Ask { question, .. } => match std::env::var("SMART_AGENTS_TASK_ID") {
                Ok(id) => match ask(Request::Ask { id, question }, None) {
                    Response::Error { kind: ErrorKind::WorkerUnavailable, .. } => return,
                    response => response,
                },
                Err(_) => Response::Error { kind: ErrorKind::Usage, message: "no task to ask for".into() },
            },
            _ => Response::Error {
                kind: ErrorKind::Usage,
                message: "refused: a sandboxed task may only report its progress and ask a person".into(),
            },
        };
        if write_frame_blocking(&mut conn, &response).is_err() {
            return;
        }
    }
}

/// One request to the worker over a connection of its own, waiting `patience` for the answer
/// (`None`: as long as it takes).
fn ask(req: Request, patience: Option<Duration>) -> Response {
    let away = || Response::Error { kind: ErrorKind::WorkerUnavailable, message: "no worker answers".into() };
    let Ok(paths) = Paths::from_env() else { return away() };
    let Ok(mut stream) = UnixStream::connect(&paths.socket) else { return away() };
    let _ = stream.set_read_timeout(patience);
    let hello = Request::Hello {
        protocol: PROTOCOL_VERSION,
        version: crate::version::VERSION.into(),
        client: Some("sandbox".into()),
        cwd: None,
    };
    if write_frame_blocking(&mut stream, &hello).is_err()
        || !matches!(read_frame_blocking::<Response>(&mut stream), Ok(Response::Hello { .. }))
        || write_frame_blocking(&mut stream, &req).is_err()
    {
        return away();
    }
    read_frame_blocking::<Response>(&mut stream).unwrap_or_else(|_| away())
}
