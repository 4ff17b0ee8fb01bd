//! Following tasks live, fed by the worker's events (push, not polling), until every one has
//! ended: `follow`, `execute` (without --async), `wait`, `cancel`, `result --wait` and the MCP
//! server's waits. What is shown along the way is the caller's: a [`Show`].

use super::Client;
use super::logs::{LogTail, log_changes};
use crate::error::Result;
use crate::model::TaskView;
use crate::paths::Paths;
use crate::protocol::{Event, Response};
use std::collections::HashMap;
use std::time::Duration;

pub enum Ending {
    /// Every task ended; their final views in the order asked.
    Done(Vec<TaskView>),
    /// The user pressed Ctrl-C: the tasks go on.
    Detached,
    TimedOut(Vec<TaskView>),
}

/// What a follower shows as the tasks change: the terminal's progress bars, or nothing.
pub trait Show {
    /// A task changed.
    fn task(&mut self, _task: &TaskView) {}
    /// New output of the streamed task.
    fn output(&mut self, _text: &str) {}
    /// The following stopped early (Ctrl-C, the time ran out).
    fn clear(&mut self) {}
    /// Every task ended.
    fn finish(&mut self) {}
}

/// Shows nothing.
pub struct Quiet;

impl Show for Quiet {}

/// Follow `ids` until all have ended, showing nothing.
pub async fn follow(client: Client, ids: Vec<String>, timeout: Option<Duration>) -> Result<Ending> {
    follow_with(client, ids, timeout, |_| {}, None, &mut Quiet).await
}

/// `follow`, telling `watch` the tasks' views (in the order asked) after every change.
pub async fn follow_watching(
    client: Client,
    ids: Vec<String>,
    timeout: Option<Duration>,
    watch: impl FnMut(&[TaskView]),
) -> Result<Ending> {
    follow_with(client, ids, timeout, watch, None, &mut Quiet).await
}

/// Follow `ids` until all have ended (or `timeout`, or Ctrl-C), telling `show` each change and
/// `stream`'s new output as it is written.
pub async fn follow_with(
    client: Client,
    ids: Vec<String>,
    timeout: Option<Duration>,
    mut watch: impl FnMut(&[TaskView]),
    mut stream: Option<OutputStream>,
    show: &mut impl Show,
) -> Result<Ending> {
    let mut sub = client.subscribe(Some(ids.clone())).await?;
    let mut views: HashMap<String, TaskView> = HashMap::new();
    let mut open = 0usize;
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    // Counted rather than rescanned: `wait` on a thousand ids sees thousands of events.
    while views.is_empty() || open > 0 {
        let next = tokio::select! {
            next = sub.next() => next?,
            more = written(&mut stream) => {
                if let Some(stream) = &mut stream {
                    let text = stream.read_new(false)?;
                    show.output(&text);
                }
                more?;
                continue;
            }
            _ = tokio::signal::ctrl_c() => {
                show.clear();
                return Ok(Ending::Detached);
            }
            _ = sleep_until(deadline) => {
                show.clear();
                return Ok(Ending::TimedOut(ordered(&ids, &views)));
            }
        };
        let changed = match next {
            Response::Snapshot { tasks, .. } => tasks,
            Response::Event { event: Event::Task { task } } => vec![task],
            _ => continue,
        };
        for task in changed {
            show.task(&task);
            let finished = task.state.is_finished();
            match views.insert(task.id.clone(), task) {
                Some(old) if !old.state.is_finished() && finished => open -= 1,
                Some(old) if old.state.is_finished() && !finished => open += 1,
                None if !finished => open += 1,
                _ => {}
            }
        }
        watch(&ordered(&ids, &views));
    }
    show.finish();
    if let Some(stream) = &mut stream {
        let mut rest = stream.read_new(true)?;
        // As `result` prints it: the output ends its last line.
        if stream.open_line {
            rest.push('\n');
        }
        show.output(&rest);
    }
    Ok(Ending::Done(ordered(&ids, &views)))
}

/// A task's log as it grows: its masked tail and the logs folder's changes.
pub struct OutputStream {
    tail: LogTail,
    changes: inotify::EventStream<[u8; 4096]>,
    /// What was printed so far does not end with a newline.
    open_line: bool,
}

impl OutputStream {
    /// Task `id`'s output from its first byte (watched before it starts, so nothing is missed).
    pub fn open(paths: &Paths, id: &str) -> Result<OutputStream> {
        let changes = log_changes(paths)?;
        Ok(OutputStream { tail: LogTail::open(paths, id, Some(0))?, changes, open_line: false })
    }

    fn read_new(&mut self, done: bool) -> Result<String> {
        let text = self.tail.read_new(done)?;
        if !text.is_empty() {
            self.open_line = !text.ends_with('\n');
        }
        Ok(text)
    }
}

/// Waits for a write to the logs folder; never ends without a stream.
async fn written(stream: &mut Option<OutputStream>) -> Result<()> {
    use futures_util::StreamExt;
    match stream {
        Some(s) => match s.changes.next().await {
            Some(change) => change.map(|_| ()).map_err(Into::into),
            None => std::future::pending().await,
        },
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn ordered(ids: &[String], views: &HashMap<String, TaskView>) -> Vec<TaskView> {
    // Ids may be prefixes: match each to the view whose id starts with it (a whole id, the
    // usual case, is found directly).
    ids.iter()
        .filter_map(|typed| {
            views.get(typed).or_else(|| views.values().find(|v| v.id.starts_with(typed.as_str()))).cloned()
        })
        .collect()
}
