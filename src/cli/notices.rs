//! `notices [--json] [--follow]`: task endings not seen yet, then marked seen. Meant for a
//! shell prompt hook or an editor, so it prints nothing at all when there is nothing new.
//! With `--follow` it keeps going: each ending is printed as the worker announces it (pushed,
//! never polled), until SIGTERM, Ctrl-C or the reader of its output goes away.

use crate::client::{Client, Subscription};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{TaskState, TaskView};
use crate::paths::Paths;
use crate::protocol::{Event, Request, Response};
use crate::render;
use futures_util::StreamExt;
use std::io::Write;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the finished tasks as a JSON array (`[]` when nothing is new); with --follow, one
    /// JSON object a line
    #[arg(long)]
    pub json: bool,
    /// Keep running and print each ending as it happens (starts the worker if none runs)
    #[arg(long, short)]
    pub follow: bool,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    if args.follow {
        return follow(args.json, paths).await;
    }
    // Never start a worker from a prompt hook: without one, nothing can have ended since.
    // The marking is the worker's to write (it is the database's only writer), so endings
    // recorded before it stopped are told once it runs again.
    let tasks = match Client::connect_existing(paths).await? {
        Some(mut client) => match client.request(Request::Notices).await? {
            Response::Notices { tasks } => tasks,
            other => return Err(Error::internal(format!("unexpected answer to notices: {other:?}"))),
        },
        None => Vec::new(),
    };
    if args.json {
        render::print_json(&tasks)?;
    } else {
        for text in capped(&tasks, SHOWN, |t| told(paths, t)) {
            println!("{text}");
        }
    }
    Ok(0)
}

/// Endings a prompt hook prints at most: after a long absence, the newest of them and a count.
const SHOWN: usize = 10;

/// The newest `cap` endings' lines (`tasks` is oldest first), then how many were left out.
fn capped(tasks: &[TaskView], cap: usize, tell: impl Fn(&TaskView) -> String) -> Vec<String> {
    let skipped = tasks.len().saturating_sub(cap);
    let mut lines: Vec<String> = tasks[skipped..].iter().map(tell).collect();
    if skipped > 0 {
        lines.push(format!("… {skipped} more, older (smart-agents list)"));
    }
    lines
}

/// Subscribe first, then tell the endings not seen yet, so none falls between the two; after
/// that each ending the worker pushes is told (and marked seen) as it comes. When the worker
/// stops, wait for the next one (its socket appearing, not polled) and go on from there.
async fn follow(json: bool, paths: &Paths) -> Result<i32> {
    // A reader that went away shows up as EPIPE on the next line, handled as the end.
    // SAFETY: changing the disposition of one signal before any thread writes.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut closed = reader_gone();
    let mut first = true;
    loop {
        let (sub, requests) = tokio::select! {
            pair = connect(paths, first) => pair?,
            _ = term.recv() => return Ok(0),
            _ = &mut closed => return Ok(0),
        };
        first = false;
        let session = tell_while_connected(sub, requests, json, paths);
        let worker_gone = tokio::select! {
            gone = session => gone?,
            _ = term.recv() => return Ok(0),
            _ = &mut closed => return Ok(0),
        };
        if !worker_gone {
            return Ok(0);
        }
    }
}

/// A subscription and a connection for requests: starting the worker the first time, then
/// only once another worker has bound its socket.
async fn connect(paths: &Paths, start: bool) -> Result<(Subscription, Client)> {
    if start {
        return Ok((Client::connect(paths).await?.subscribe(None).await?, Client::connect(paths).await?));
    }
    let dir = paths.socket.parent().ok_or_else(|| Error::internal("the socket has no folder"))?;
    let inotify = inotify::Inotify::init()?;
    inotify.watches().add(dir, inotify::WatchMask::CREATE | inotify::WatchMask::MOVED_TO)?;
    let mut created = inotify.into_event_stream([0u8; 1024])?;
    loop {
        // Checked after the watch is in place, so a worker binding meanwhile is not missed.
        if let Some(pair) = try_connect(paths).await? {
            return Ok(pair);
        }
        if created.next().await.is_none() {
            return Err(Error::unavailable("stopped watching for the worker's socket"));
        }
        // A socket appeared: its worker listens within milliseconds of binding it.
        let mut pause = Duration::from_millis(1);
        while pause < Duration::from_millis(500) {
            tokio::time::sleep(pause).await;
            if let Some(pair) = try_connect(paths).await? {
                return Ok(pair);
            }
            pause *= 2;
        }
    }
}

async fn try_connect(paths: &Paths) -> Result<Option<(Subscription, Client)>> {
    let Some(sub) = Client::connect_existing(paths).await? else { return Ok(None) };
    let Some(requests) = Client::connect_existing(paths).await? else { return Ok(None) };
    match sub.subscribe(None).await {
        Ok(sub) => Ok(Some((sub, requests))),
        // Gone between the handshake and the subscription: wait for the next one.
        Err(e) if e.kind() == ErrorKind::WorkerUnavailable => Ok(None),
        Err(e) => Err(e),
    }
}

/// Tell endings until the worker goes away (true) or nobody reads our output (false).
async fn tell_while_connected(
    mut sub: Subscription,
    mut requests: Client,
    json: bool,
    paths: &Paths,
) -> Result<bool> {
    if !tell_new(&mut requests, json, paths).await? {
        return Ok(false);
    }
    loop {
        let ended = match sub.next().await {
            Ok(Response::Event { event: Event::Task { task } }) => task.state.is_finished(),
            Ok(Response::Event { event: Event::Lagged }) => true,
            Ok(_) => false,
            Err(e) if e.kind() == ErrorKind::WorkerUnavailable => return Ok(true),
            Err(e) => return Err(e),
        };
        if ended && !tell_new(&mut requests, json, paths).await? {
            return Ok(false);
        }
    }
}

/// Print the endings not seen yet; false once nobody reads our output.
async fn tell_new(client: &mut Client, json: bool, paths: &Paths) -> Result<bool> {
    let Response::Notices { tasks } = client.request(Request::Notices).await? else {
        return Err(Error::internal("unexpected answer to notices"));
    };
    let mut out = std::io::stdout().lock();
    let mut text = String::new();
    for task in &tasks {
        text.push_str(&if json { serde_json::to_string(task)? } else { told(paths, task) });
        text.push('\n');
    }
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Resolves when stdout is a pipe or socket whose reader has closed it. A thread blocks in
/// poll(2) on it (no timeout, so no polling loop): the kernel wakes it with POLLERR/POLLHUP.
fn reader_gone() -> tokio::sync::oneshot::Receiver<()> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    use rustix::fs::FileType;
    let stdout = std::io::stdout();
    let is_stream = rustix::fs::fstat(&stdout)
        .is_ok_and(|st| matches!(FileType::from_raw_mode(st.st_mode), FileType::Fifo | FileType::Socket));
    if !is_stream {
        std::mem::forget(tx);
        return rx;
    }
    std::thread::spawn(move || {
        use rustix::event::{PollFd, PollFlags, poll};
        let stdout = std::io::stdout();
        let mut fds = [PollFd::new(&stdout, PollFlags::empty())];
        loop {
            // Blocks until the kernel reports an error or hang-up.
            match poll(&mut fds, None) {
                Ok(n) if n > 0 && fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP) => {
                    tx.send(()).ok();
                    return;
                }
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(_) => return,
            }
        }
    });
    rx
}

/// `line`, with what the task changed when it changed something: `· 3 files changed, +40 −7`.
fn told(paths: &Paths, task: &TaskView) -> String {
    let mut text = line(task);
    if let Some(diff) = crate::client::diff::changed(paths, &task.id) {
        text.push_str(&format!(" · {}", diff.stat_line()));
    }
    text
}

/// `✓ ab12cd completed · Analyze auth · 2m13s`, `✗ ab12cd failed · Analyze auth · 4s · exit 3`.
pub fn line(task: &TaskView) -> String {
    let icon = match task.state {
        TaskState::Completed => render::paint("✓", "32"),
        TaskState::Failed => render::paint("✗", "31"),
        _ => render::paint("⊘", "35"),
    };
    let mut parts = vec![
        format!("{icon} {} {}", task.id, render::state_word(task.state)),
        crate::text::truncate(&task.description, 60),
    ];
    if let Some(took) = crate::notify::strategy::duration(task) {
        parts.push(crate::duration::format(took));
    }
    if task.state != TaskState::Completed {
        match (&task.reason, task.exit_code) {
            (Some(reason), _) => parts.push(crate::text::truncate(reason, 80)),
            (None, Some(code)) => parts.push(format!("exit {code}")),
            (None, None) => {}
        }
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(i: usize) -> TaskView {
        let id = format!("t{i:05}");
        serde_json::from_value(serde_json::json!({
            "id": id, "description": "x", "agent": "shell", "state": "completed",
            "waiting_reason": null, "reason": null, "progress": null, "step": null,
            "eta_seconds": null, "priority": 5, "class": null, "attempt": 1,
            "created_at": "2026-01-01T00:00:00.000Z", "started_at": null, "finished_at": null,
            "exit_code": 0
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn many_endings_are_capped_with_a_count() {
        let tasks: Vec<TaskView> = (0..100).map(ended).collect();
        let lines = capped(&tasks, SHOWN, line);
        assert_eq!(lines.len(), SHOWN + 1);
        assert!(lines[0].contains("t00090"), "the newest are kept: {lines:?}");
        assert_eq!(lines[SHOWN], "… 90 more, older (smart-agents list)");
        assert_eq!(capped(&tasks[..3], SHOWN, line).len(), 3);
    }
}
