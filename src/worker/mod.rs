//! The per-user background worker (`smart-agents worker run`).

mod actor;
mod agent_run;
mod askers;
mod circuits;
pub mod daemon;
mod durations;
mod footprint_history;
mod git;
mod git_dir;
mod http;
mod journal;
mod live;
mod messages;
mod meter;
mod monitor;
mod outbox;
mod output_watch;
mod processes;
pub mod proctree;
mod queue;
pub mod runner;
mod schedules;
mod secret_state;
mod server;
mod spares;
mod spawner;
pub mod step_report;
pub mod supervise;
mod timers;
mod touched;
mod tree_cache;
mod upkeep;
mod usage_limit_state;
mod wall_timer;
mod worktree_setup;
pub mod zygote;

use crate::error::{Context, Result};
use crate::paths::Paths;
use crate::protocol::{Event, Request};
use crate::store::Store;
use std::sync::Arc;

/// Live events fan out to every subscriber (follow, wait, the dashboard).
pub type Hub = tokio::sync::broadcast::Sender<Arc<Event>>;

/// Run the worker in the foreground until it is stopped. Returns `Ok(false)` when another
/// worker already runs (the caller exits cleanly).
/// What the worker serves besides its socket, handed in by main.rs (the dashboard stands
/// above the worker and uses the command line's parts, so the worker does not name it).
#[derive(Clone, Copy)]
pub struct Hooks {
    /// `[web] listen`: serve the dashboard on the worker's runtime.
    pub serve_web: fn(Paths, &crate::config::web::WebConfig),
}

pub fn run(paths: &Paths, hooks: Hooks) -> Result<bool> {
    paths.ensure_dirs()?;
    // A bad config is refused rather than guessed around.
    let config = crate::agents::registry::load_config(&paths.config_file)?;
    let _lock = match daemon::acquire(paths)? {
        Ok(lock) => lock,
        Err(pid) => {
            let who = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
            eprintln!("smart-agents: a worker is already running{who}");
            return Ok(false);
        }
    };
    let store = Store::open_for_worker(&paths.database)?;
    let listener = daemon::bind(paths)?;
    let rt =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the runtime")?;
    let (tx, rx) = std::sync::mpsc::channel();
    // Room for a few rounds of a busy queue; a subscriber that falls further behind gets a
    // fresh snapshot.
    let (hub, _) = tokio::sync::broadcast::channel(8192);
    // Desktop notifications follow the hub like any subscriber; spawned once the runtime runs.
    let notifier = crate::notify::Notifier::new(config.notifications.clone(), paths.clone());
    let notifier_events = hub.subscribe();
    // `events --follow` rows; a follower that falls this far behind re-reads the database.
    let (history, _) = tokio::sync::broadcast::channel(8192);
    let metrics_at = config.metrics.address();
    // Pushed notifications (`[[notify.channels]]`) run beside the actor, on a thread of their own.
    let outbox = crate::notify::channels::Outbox::new(paths.clone(), config.clone(), history.clone());
    crate::notify::channels::start(outbox, hub.subscribe()).context("starting the notification channels")?;
    let web = config.web.clone();
    let actor = actor::Actor::new(
        paths.clone(),
        config,
        store,
        hub.clone(),
        history.clone(),
        rt.handle().clone(),
        tx.clone(),
    )?;
    // Without inotify (out of instances) agents still run and get their verdict at exit; only
    // live progress from their streams is missing.
    if let Err(e) = output_watch::spawn(rt.handle(), &paths.logs_dir, tx.clone(), actor.output_interest()) {
        eprintln!(
            "smart-agents worker: cannot watch {} ({e}): no live agent progress",
            paths.logs_dir.display()
        );
    }
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let core = std::thread::Builder::new()
        .name("smart-agents-core".into())
        .spawn(move || {
            let result = actor.run(rx);
            let _ = done_tx.send(());
            result
        })
        .context("starting the worker thread")?;
    let shared = server::Shared { actor: tx, hub, history, slots: server::Slots::new() };
    let served: Result<()> = rt.block_on(async {
        tokio::spawn(notifier.run(notifier_events));
        (hooks.serve_web)(paths.clone(), &web);
        serve(listener, shared, metrics_at, done_rx).await
    });
    let _ = std::fs::remove_file(&paths.socket);
    let result =
        core.join().unwrap_or_else(|_| Err(crate::error::Error::internal("the worker thread panicked")));
    served?;
    result.map(|()| true)
}

/// The socket and the metrics endpoint, until the actor thread ends.
async fn serve(
    listener: std::os::unix::net::UnixListener,
    shared: server::Shared,
    metrics_at: Option<std::net::SocketAddr>,
    done: tokio::sync::oneshot::Receiver<()>,
) -> Result<()> {
    let listener = tokio::net::UnixListener::from_std(listener)?;
    stop_on_signals(shared.actor.clone())?;
    if let Some(addr) = metrics_at {
        // The queue works without the endpoint: say why it is missing and go on.
        match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => {
                tokio::spawn(http::serve(listener, shared.clone()));
            }
            Err(e) => eprintln!("smart-agents worker: cannot serve metrics on {addr}: {e}"),
        }
    }
    tokio::select! {
        _ = server::serve(listener, shared) => {}
        _ = done => {
            // Let connection tasks write the replies of the last round before we go.
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    Ok(())
}

/// SIGTERM or Ctrl-C stops the worker as `worker stop` does (running tasks carry on).
fn stop_on_signals(actor: std::sync::mpsc::Sender<messages::Msg>) -> Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        let (reply, _) = tokio::sync::oneshot::channel();
        let req = Request::Shutdown { kill: false };
        let _ = actor.send(messages::Msg::Request { req, reply, origin: None });
    });
    Ok(())
}
