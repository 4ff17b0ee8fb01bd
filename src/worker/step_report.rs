//! A line into a running task's history from a helper process with no runtime (the sandbox's
//! launcher reporting a blocked connection): one short blocking exchange with the worker.

use crate::paths::Paths;
use crate::protocol::{PROTOCOL_VERSION, Request, Response, read_frame_blocking, write_frame_blocking};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// Record `text` as the current step of the task in `$SMART_AGENTS_TASK_ID`. Best effort: a
/// worker that is away misses it, the task's log still has the line.
pub fn send(text: &str) {
    let Some(id) = std::env::var("SMART_AGENTS_TASK_ID").ok() else { return };
    let Ok(paths) = Paths::from_env() else { return };
    let Ok(mut stream) = UnixStream::connect(&paths.socket) else { return };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let hello = Request::Hello {
        protocol: PROTOCOL_VERSION,
        version: crate::version::VERSION.into(),
        client: Some("sandbox".into()),
        cwd: None,
    };
    if write_frame_blocking(&mut stream, &hello).is_err() {
        return;
    }
    if !matches!(read_frame_blocking::<Response>(&mut stream), Ok(Response::Hello { .. })) {
        return;
    }
    let progress = Request::Progress { id, percent: None, step: Some(text.to_string()) };
    if write_frame_blocking(&mut stream, &progress).is_ok() {
        let _ = read_frame_blocking::<Response>(&mut stream);
    }
}
