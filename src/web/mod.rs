//! `smart-agents web`: the dashboard in a browser. The list and each task's page are read from
//! the database as `list` and `status` read it; live changes come from the worker's hub as
//! Server-Sent Events; actions go to the worker as `cancel` sends them. Every request needs the
//! token (`auth.rs`); every asset is in the binary. See docs/web.md.

mod actions;
mod auth;
mod live;
mod pages;
mod replies;
mod routes;
mod token;

use crate::error::{Context, Result};
use crate::paths::Paths;
use std::future::IntoFuture;
use std::io::Write;
use std::sync::Arc;

/// Where and how the dashboard serves: `web`'s flags, or `[web]` for the worker.
#[derive(Debug, Clone)]
pub struct Serve {
    pub listen: std::net::SocketAddr,
    /// The access token's file; without it one is made in the data folder.
    pub token_file: Option<std::path::PathBuf>,
    /// Show tasks only: every action is hidden and refused.
    pub read_only: bool,
}

pub struct Web {
    paths: Paths,
    auth: auth::Auth,
    read_only: bool,
}

type Shared = Arc<Web>;

/// Serve until SIGINT or SIGTERM.
pub async fn run(paths: Paths, args: Serve) -> Result<i32> {
    // Answers and cancels from the browser are recorded as the web's.
    crate::client::set_client_kind("web");
    let (listener, web) = bind(paths, &args, true).await?;
    // Not a graceful stop: live streams never end by themselves, and a page reconnects.
    tokio::select! {
        served = axum::serve(listener, routes::router(web)).into_future() => served.context("serving the dashboard")?,
        () = stopped() => {}
    }
    Ok(0)
}

/// `[web] listen`: the worker serves the dashboard too, under the same token rules, for as
/// long as it runs. A problem is told in the worker's log: the queue works without it.
pub fn serve_for_worker(paths: Paths, config: &crate::config::web::WebConfig) {
    let Some(listen) = config.address() else { return };
    // The worker itself speaks to its socket only through the dashboard's actions.
    crate::client::set_client_kind("web");
    let args = Serve { listen, token_file: config.token_file.clone(), read_only: config.read_only };
    tokio::spawn(async move {
        let served = match bind(paths, &args, false).await {
            Ok((listener, web)) => axum::serve(listener, routes::router(web))
                .into_future()
                .await
                .context("serving the dashboard"),
            Err(e) => Err(e),
        };
        if let Err(e) = served {
            eprintln!("smart-agents worker: no dashboard on {listen}: {e}");
        }
    });
}

/// Check the address, load the token, bind, and say where to log in: with the login URL on
/// stdout for `web`, without the token for the worker's log (a file that outlives the moment).
async fn bind(paths: Paths, args: &Serve, show_token: bool) -> Result<(tokio::net::TcpListener, Shared)> {
    // Refused before anything is made: no token file for a server that will not start.
    token::check_bind(args.listen, args.token_file.is_some())?;
    let token = token::load(&paths, args.token_file.as_deref())?;
    let listener =
        tokio::net::TcpListener::bind(args.listen).await.context(format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let mode = if args.read_only { " (read-only)" } else { "" };
    // One write: a reader that takes the first line and closes the pipe has all of it.
    let banner = if token.explicit || !show_token {
        format!(
            "smart-agents web: serving http://{addr}/{mode}; log in with the token in {}\n",
            token.file.display()
        )
    } else {
        format!(
            "smart-agents web: serving{mode}; open http://{addr}/login?token={}\n  (the token is kept in {})\n",
            token.value,
            token.file.display()
        )
    };
    if show_token {
        let mut out = std::io::stdout().lock();
        out.write_all(banner.as_bytes())?;
        out.flush()?;
    } else {
        eprint!("{banner}");
    }
    let web = Arc::new(Web { paths, auth: auth::Auth::new(token.value), read_only: args.read_only });
    Ok((listener, web))
}

async fn stopped() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
