//! `pause`, `resume`, `retry` and `priority`: steering what the worker starts next.

use crate::client::Client;
use crate::error::Result;
use crate::model::PRIORITY_RANGE;
use crate::paths::Paths;
use crate::protocol::Request;

#[derive(Debug, clap::Args)]
pub struct RetryArgs {
    /// A failed or cancelled task
    pub id: String,
}

#[derive(Debug, clap::Args)]
pub struct PriorityArgs {
    /// A pending task
    pub id: String,
    /// 1 (lowest) to 10 (highest)
    #[arg(value_parser = clap::value_parser!(u8).range(PRIORITY_RANGE))]
    pub priority: u8,
}

pub async fn pause(pause: bool, paths: &Paths) -> Result<i32> {
    let mut client = Client::connect(paths).await?;
    client.request(if pause { Request::Pause } else { Request::Resume }).await?;
    if pause {
        println!("admission paused: running tasks go on; `smart-agents resume` starts new ones again");
    } else {
        println!("admission resumed");
    }
    Ok(0)
}

pub async fn retry(args: RetryArgs, paths: &Paths) -> Result<i32> {
    let mut client = Client::connect(paths).await?;
    let env = crate::client::submit::caller_env();
    client.request(Request::Retry { id: args.id.clone(), env }).await?;
    println!("{} queued again", args.id);
    Ok(0)
}

pub async fn priority(args: PriorityArgs, paths: &Paths) -> Result<i32> {
    let mut client = Client::connect(paths).await?;
    client.request(Request::SetPriority { id: args.id.clone(), priority: args.priority }).await?;
    println!("{} priority {}", args.id, args.priority);
    Ok(0)
}
