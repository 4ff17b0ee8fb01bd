//! `answer ID allow|deny|TEXT [--always]`: reply to a task that waits for a person. The
//! worker hands the reply to the task's agent; `status` shows what a task asks (`needs`).

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::Reply;
use crate::paths::Paths;
use crate::protocol::{Request, Response};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task id (or a unique prefix)
    pub id: String,
    /// `allow` or `deny` a permission, or the text that answers a question (to a permission,
    /// text denies it and tells the agent why)
    pub reply: String,
    /// Remember the rule the question names (`Bash(npm test:*)`) for the rest of the task and
    /// its follow-ups: an allow that is not asked again
    #[arg(long)]
    pub always: bool,
}

/// Send the reply; the worker's words on what happened.
pub async fn request(paths: &Paths, id: &str, reply: Reply, always: bool) -> Result<String> {
    let mut client = Client::connect(paths).await?;
    match client.request(Request::Answer { id: id.to_string(), reply, always }).await? {
        Response::Ok { message } => Ok(message.unwrap_or_else(|| format!("answered {id}"))),
        _ => Err(Error::internal("unexpected answer to answer")),
    }
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    if args.reply.trim().is_empty() {
        return Err(Error::usage(
            "the answer is empty: say allow, deny, or the words that answer the question",
        ));
    }
    let message = request(paths, &args.id, Reply::parse(&args.reply), args.always).await?;
    println!("{message}");
    Ok(0)
}
