//! Following tasks live: one indicatif bar per task, fed by the worker's events (push, not
//! polling). Used by `follow`, `execute` (without --async), `wait`, `cancel`, `result --wait`
//! and the MCP server's waits.

use super::render;
use crate::client::Client;
use crate::error::{Result, exit};
use crate::model::{TaskState, TaskView};
use crate::protocol::{Event, Response};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::time::Duration;

pub enum Ending {
    /// Every task ended; their final views in the order asked.
    Done(Vec<TaskView>),
    /// The user pressed Ctrl-C: the tasks go on.
    Detached,
    TimedOut(Vec<TaskView>),
}

/// Follow `ids` until all have ended. `show` draws bars on stderr (hidden when not a terminal).
pub async fn follow(
    client: Client,
    ids: Vec<String>,
    show: bool,
    timeout: Option<Duration>,
) -> Result<Ending> {
    follow_watching(client, ids, show, timeout, |_| {}).await
}

/// `follow`, telling `watch` the tasks' views (in the order asked) after every change.
pub async fn follow_watching(
    client: Client,
    ids: Vec<String>,
    show: bool,
    timeout: Option<Duration>,
    watch: impl FnMut(&[TaskView]),
) -> Result<Ending> {
    follow_inner(client, ids, show, timeout, watch, None).await
}

/// Follow one task, copying its output to stdout as it is written while the bar stays on
/// stderr: a foreground `execute` of a command.
pub async fn follow_streaming(
    client: Client,
    id: String,
    show: bool,
    output: OutputStream,
) -> Result<Ending> {
    follow_inner(client, vec![id], show, None, |_| {}, Some(output)).await
}

async fn follow_inner(
    client: Client,
    ids: Vec<String>,
    show: bool,
    timeout: Option<Duration>,
    mut watch: impl FnMut(&[TaskView]),
    mut stream: Option<OutputStream>,
) -> Result<Ending> {
    let mut sub = client.subscribe(Some(ids.clone())).await?;
    let multi = MultiProgress::with_draw_target(if show {
        ProgressDrawTarget::stderr_with_hz(10)
    } else {
        ProgressDrawTarget::hidden()
    });
    let mut bars: HashMap<String, ProgressBar> = HashMap::new();
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
                    multi.suspend(|| print_output(&text));
                }
                more?;
                continue;
            }
            _ = tokio::signal::ctrl_c() => {
                multi.clear().ok();
                return Ok(Ending::Detached);
            }
            _ = sleep_until(deadline) => {
                multi.clear().ok();
                return Ok(Ending::TimedOut(ordered(&ids, &views)));
            }
        };
        let changed = match next {
            Response::Snapshot { tasks, .. } => tasks,
            Response::Event { event: Event::Task { task } } => vec![task],
            _ => continue,
        };
        for task in changed {
            // Hidden bars are not made at all: each ticking bar keeps a thread.
            if show {
                let bar = bars.entry(task.id.clone()).or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new(100));
                    bar.enable_steady_tick(Duration::from_millis(120));
                    bar
                });
                draw(bar, &task);
            }
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
    for bar in bars.values() {
        bar.finish_and_clear();
    }
    if let Some(stream) = &mut stream {
        let mut rest = stream.read_new(true)?;
        // As `result` prints it: the output ends its last line.
        if stream.open_line {
            rest.push('\n');
        }
        print_output(&rest);
    }
    Ok(Ending::Done(ordered(&ids, &views)))
}

/// A task's log as it grows: its masked tail and the logs folder's changes.
pub struct OutputStream {
    tail: super::logs::LogTail,
    changes: inotify::EventStream<[u8; 4096]>,
    /// What was printed so far does not end with a newline.
    open_line: bool,
}

impl OutputStream {
    /// Task `id`'s output from its first byte (watched before it starts, so nothing is missed).
    pub fn open(paths: &crate::paths::Paths, id: &str) -> Result<OutputStream> {
        let changes = super::logs::log_changes(paths)?;
        Ok(OutputStream { tail: super::logs::LogTail::open(paths, id, Some(0))?, changes, open_line: false })
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

fn print_output(text: &str) {
    // A closed pipe (`| head`) ends the printing, not the following.
    let _ = super::logs::write_lossy(text.as_bytes());
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

fn draw(bar: &ProgressBar, task: &TaskView) {
    let template = match task.progress {
        Some(_) => "{spinner:.cyan} {prefix} [{bar:24.cyan/blue}] {pos:>3}% {elapsed:>4} {msg}",
        None => "{spinner:.cyan} {prefix} {elapsed:>4} {msg}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(task.id.clone());
    if let Some(p) = task.progress {
        bar.set_position(p.clamp(0.0, 100.0) as u64);
    }
    bar.set_message(match task.progress {
        Some(_) => render::bar_message(task),
        None => render::headline(task),
    });
}

/// The exit code a followed task ends with: 0 when it completed, else its own (1..=255) or 1.
pub fn exit_code_for(view: &TaskView) -> i32 {
    match view.state {
        TaskState::Completed => 0,
        _ => view.exit_code.filter(|c| (1..=255).contains(c)).unwrap_or(exit::TASK_FAILED),
    }
}
