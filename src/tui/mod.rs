//! `smart-agents tui`: a live dashboard of the worker's tasks.
//!
//! Shaped like ratatui's event-driven async template: `app` holds the state and the pure
//! `update`, `view` draws it, and `run` is one `select!` over terminal input, messages from the
//! worker (subscription, request replies, loaded details) and a slow tick. It redraws when a
//! message arrives, never on a timer of its own.

pub mod details;
mod details_view;
mod diff_model;
mod diff_state;
mod diff_view;
mod entry;
mod flow_rows;
mod flow_state;
mod flow_view;
mod keys;
pub mod layout;
mod list_view;
mod loaders;
mod reserved;
pub mod state;
pub mod stats_data;
mod stats_pane;
mod style;
pub mod support;
pub mod update;
pub mod view;

#[cfg(test)]
mod diff_tests;
#[cfg(test)]
mod flow_tests;
#[cfg(test)]
mod screens;
#[cfg(test)]
mod tests;

pub use state::{Action, App, Msg};
pub use update::update;

use loaders::Loaders;
pub use support::bench_render;
pub use view::view;

use crate::client::Client;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crossterm::event::{Event as TermEvent, EventStream};
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::mpsc;

/// The one acceptable retry loop: reconnecting to a worker that went away.
const BACKOFF_START: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// Messages handled before one redraw, so a burst of events costs one frame.
const BATCH: usize = 512;

/// Restores the terminal when `run` returns by any path; the panic hook that
/// `ratatui::try_init` installs covers panics.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

pub async fn run(paths: Paths, config: Config) -> Result<()> {
    crate::client::set_client_kind("tui");
    let mut terminal =
        ratatui::try_init().map_err(|e| Error::internal(format!("cannot set up the terminal: {e}")))?;
    let _restore = Restore;
    let size = terminal.size()?;
    let mut app = App::new(&config.limits, crate::store::now_ms(), size.width, size.height);
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    app.utc_offset_secs = chrono::Local::now().offset().local_minus_utc();

    let (msg_tx, mut msg_rx) = mpsc::channel::<Msg>(1024);
    let (req_tx, req_rx) = mpsc::channel::<Request>(16);
    let (resub_tx, resub_rx) = mpsc::channel::<()>(1);
    let subscription = tokio::spawn(subscribe_forever(paths.clone(), msg_tx.clone(), resub_rx));
    let requests = tokio::spawn(send_requests(paths.clone(), req_rx, msg_tx.clone()));
    let loaders = Loaders::spawn(&paths, &msg_tx);
    drop(msg_tx);

    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // Where the platform has no readings, the header shows none rather than failing.
    let mut system = sysinfo::System::new().ok();

    let outcome: Result<()> = loop {
        let msg = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(TermEvent::Key(key))) => Msg::Key(key),
                Some(Ok(TermEvent::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(_)) => continue,
                Some(Err(e)) => break Err(e.into()),
                None => break Ok(()),
            },
            Some(msg) = msg_rx.recv() => msg,
            _ = tick.tick() => {
                if let Some(system) = system.as_mut() {
                    system.refresh_cpu_usage();
                    system.refresh_memory();
                    let total = system.total_memory().max(1) as f64;
                    let mem = (system.used_memory() as f64 / total * 100.0) as f32;
                    let cpu = system.global_cpu_usage();
                    let cores = system.cpus().len();
                    let (mem_reserved, cpu_reserved) =
                        reserved::reserved_percent(&app, system.total_memory(), cores);
                    update(&mut app, Msg::Resources { cpu, mem, cpu_reserved, mem_reserved });
                }
                Msg::Tick { now_ms: crate::store::now_ms() }
            }
        };
        let mut quit = false;
        let mut next = Some(msg);
        let mut handled = 0;
        while let Some(msg) = next.take() {
            if let Some(action) = update(&mut app, msg) {
                quit |= perform(action, &mut app, &req_tx, &resub_tx, &loaders);
            }
            handled += 1;
            if handled < BATCH {
                next = msg_rx.try_recv().ok();
            }
        }
        if quit {
            break Ok(());
        }
        loaders.flows(app.take_flow_loads());
        if let Err(e) = terminal.draw(|frame| view(&app, frame)) {
            break Err(e.into());
        }
    };
    subscription.abort();
    requests.abort();
    outcome
}

/// Carry out an action; true when the dashboard should close.
fn perform(
    action: Action,
    app: &mut App,
    requests: &mpsc::Sender<Request>,
    resubscribe: &mpsc::Sender<()>,
    loaders: &Loaders,
) -> bool {
    match action {
        Action::Quit => return true,
        Action::Send(req) => {
            if requests.try_send(req).is_err() {
                app.status = "still sending earlier requests: try again".to_string();
            }
        }
        // A full channel means a resubscription is already on its way.
        Action::Resubscribe => {
            let _ = resubscribe.try_send(());
        }
        Action::LoadDetails(id) => loaders.details(id),
        Action::LoadStats => loaders.stats(),
        Action::LoadDiff(id) => loaders.diff(id),
        Action::Work(work) => loaders.work(work),
    }
    false
}

/// Keep a subscription to all tasks open, reconnecting with backoff when the worker goes away.
async fn subscribe_forever(paths: Paths, tx: mpsc::Sender<Msg>, mut resub: mpsc::Receiver<()>) {
    let mut backoff = BACKOFF_START;
    let mut first = true;
    loop {
        // The first connection starts a worker if none runs; later ones do not bring back a
        // worker someone stopped, they only notice when one answers again.
        let client = if first {
            Client::connect(&paths).await.map(Some)
        } else {
            Client::connect_existing(&paths).await
        };
        first = false;
        let subscribed = match client {
            Ok(Some(c)) => c.subscribe(None).await.map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        };
        let why = match subscribed {
            Ok(Some(mut sub)) => loop {
                tokio::select! {
                    r = sub.next() => match r {
                        Ok(Response::Snapshot { tasks, paused }) => {
                            backoff = BACKOFF_START;
                            if tx.send(Msg::Snapshot { tasks, paused }).await.is_err() {
                                return;
                            }
                        }
                        Ok(Response::Event { event }) => {
                            if tx.send(Msg::Event(event)).await.is_err() {
                                return;
                            }
                        }
                        Ok(_) => {}
                        Err(e) => break e.to_string(),
                    },
                    Some(()) = resub.recv() => break String::new(),
                }
            },
            Ok(None) => "no worker is running".to_string(),
            Err(e) => e.to_string(),
        };
        // An empty reason is a resubscription after lagging: reconnect at once.
        if why.is_empty() {
            continue;
        }
        if tx.send(Msg::WorkerDown(why)).await.is_err() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// Send requests on a second connection and report each answer in the status line.
async fn send_requests(paths: Paths, mut rx: mpsc::Receiver<Request>, tx: mpsc::Sender<Msg>) {
    let mut client: Option<Client> = None;
    while let Some(req) = rx.recv().await {
        let what = describe(&req);
        if client.is_none() {
            client = Client::connect_existing(&paths).await.ok().flatten();
        }
        let text = match client.as_mut() {
            None => format!("{what}: worker down"),
            Some(c) => match c.request(req).await {
                Ok(resp) => answer(&what, resp),
                Err(e) => {
                    // Errors the worker reports keep the connection; a broken one is redone next time.
                    if e.kind() == crate::error::ErrorKind::WorkerUnavailable {
                        client = None;
                    }
                    format!("{what}: {e}")
                }
            },
        };
        if tx.send(Msg::Status(text)).await.is_err() {
            return;
        }
    }
}

fn describe(req: &Request) -> String {
    match req {
        Request::Cancel { ids } => format!("cancel {}", ids.join(", ")),
        Request::Retry { id, .. } => format!("retry {id}"),
        Request::FlowCancel { id } => format!("cancel flow {id}"),
        Request::FlowRetry { id, .. } => format!("retry flow {id}"),
        Request::Pause => "pause".to_string(),
        Request::Resume => "resume".to_string(),
        _ => "request".to_string(),
    }
}

fn answer(what: &str, resp: Response) -> String {
    match resp {
        Response::Cancelled { outcomes } => {
            let parts: Vec<String> = outcomes.iter().map(|o| format!("{} {}", o.id, o.outcome)).collect();
            parts.join(", ")
        }
        Response::Submitted { id } if what.starts_with("retry flow") => format!("flow {id} retried"),
        Response::Submitted { id } => format!("{what}: queued as {id}"),
        Response::Ok { message: Some(m) } => m,
        _ => format!("{what}: done"),
    }
}
