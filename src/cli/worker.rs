//! `worker start | stop | status | run`.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crate::render::print_json;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Start a detached worker if none answers
    Start {
        /// Print nothing; the exit code says whether a worker answers
        #[arg(short, long)]
        quiet: bool,
    },
    /// Stop the worker; running tasks go on and the next worker adopts them
    Stop {
        /// Cancel running tasks first
        #[arg(long)]
        kill: bool,
        /// Print nothing
        #[arg(short, long)]
        quiet: bool,
    },
    /// Is a worker running, and what is it doing
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Run the worker in the foreground
    Run,
}

impl Args {
    pub fn is_foreground(&self) -> bool {
        matches!(self.action, Action::Run)
    }
}

/// `worker run`, with what main.rs hands the worker.
pub fn run_foreground(hooks: crate::worker::Hooks) -> Result<i32> {
    crate::worker::run(&Paths::from_env()?, hooks)?;
    Ok(0)
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    match args.action {
        Action::Run => unreachable_foreground(),
        Action::Start { quiet } => {
            let mut client = Client::connect(paths).await?;
            let status = worker_status(&mut client).await?;
            if !quiet {
                println!("worker running (pid {}, version {})", status.pid, status.version);
            }
            Ok(0)
        }
        Action::Stop { kill, quiet } => {
            let say = |text: &str| {
                if !quiet {
                    println!("{text}");
                }
            };
            let Some(client) = Client::connect_existing(paths).await? else {
                say("no worker running");
                return Ok(0);
            };
            let pid = client.worker_pid();
            // Bounded wait for the process to go, so a following `start` gets a fresh one.
            if client.stop_worker(kill).await? {
                say("worker stopped");
                return Ok(0);
            }
            say(&format!("worker {pid} is stopping"));
            Ok(0)
        }
        Action::Status { json } => {
            let Some(mut client) = Client::connect_existing(paths).await? else {
                return Err(Error::unavailable(format!(
                    "no worker running (socket {})",
                    paths.socket.display()
                )));
            };
            let status = worker_status(&mut client).await?;
            if json {
                print_json(&status)?;
            } else {
                println!(
                    "worker pid {} · version {} · up {} · {} running · {} pending{}",
                    status.pid,
                    status.version,
                    crate::duration::format(Duration::from_millis(status.uptime_ms)),
                    status.running,
                    status.pending,
                    if status.paused { " · paused" } else { "" }
                );
                println!("socket {}\ndatabase {}", status.socket, status.database);
            }
            Ok(0)
        }
    }
}

fn unreachable_foreground() -> Result<i32> {
    Err(Error::internal("`worker run` is handled before the runtime starts"))
}

async fn worker_status(client: &mut Client) -> Result<crate::model::WorkerStatus> {
    match client.request(Request::WorkerStatus).await? {
        Response::WorkerStatus { status } => Ok(status),
        other => Err(Error::internal(format!("unexpected answer: {other:?}"))),
    }
}
