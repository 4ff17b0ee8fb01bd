//! `cancel`: pending tasks end at once; running ones get SIGTERM to their process group, then
//! SIGKILL after the grace period. Waits until the running ones have actually ended.

use super::follower;
use crate::client::Client;
use crate::client::follow::Ending;
use crate::error::{Result, exit};
use crate::paths::Paths;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task ids (or unique prefixes)
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Return once signalled instead of waiting for running tasks to end
    #[arg(long)]
    pub no_wait: bool,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let outcomes = crate::client::requests::cancel(paths, args.ids).await?;
    let mut code = 0;
    let mut signalled = Vec::new();
    for o in &outcomes {
        match o.outcome.as_str() {
            "cancelled" => println!("{} cancelled", o.id),
            "cancelling" => signalled.push(o.id.clone()),
            "not_found" => {
                eprintln!("smart-agents: no task with id '{}'", o.id);
                code = exit::NOT_FOUND;
            }
            other if other.starts_with("error: ") => {
                eprintln!("smart-agents: {}", &other[7..]);
                code = code.max(exit::USAGE);
            }
            state => println!("{} already {state}: nothing changed", o.id),
        }
    }
    if !signalled.is_empty() {
        eprintln!("{}: SIGTERM sent to the process group", signalled.join(", "));
        if args.no_wait {
            return Ok(code);
        }
        let client = Client::connect(paths).await?;
        if let Ending::Done(views) = follower::follow(client, signalled, false, None).await? {
            for v in views {
                println!("{} {}", v.id, v.state);
            }
        }
    }
    Ok(code)
}
