//! `progress PERCENT [STEP]`: report progress from inside a task.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::Request;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 0 to 100
    pub percent: f64,
    /// What the task is doing now
    pub step: Option<String>,
    /// The task (default: $SMART_AGENTS_TASK_ID, set by the worker)
    #[arg(long, env = "SMART_AGENTS_TASK_ID")]
    pub task: Option<String>,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let id = args.task.ok_or_else(|| {
        Error::usage(
            "no task: run this from inside a task (SMART_AGENTS_TASK_ID is set there) or pass --task ID",
        )
    })?;
    if !(0.0..=100.0).contains(&args.percent) {
        return Err(Error::usage(format!("progress {} is not a percent from 0 to 100", args.percent)));
    }
    let mut client = Client::connect(paths).await?;
    client.request(Request::Progress { id, percent: Some(args.percent), step: args.step }).await?;
    Ok(0)
}
