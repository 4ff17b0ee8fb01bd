//! `answer ID allow|deny|TEXT [--always]`: reply to a task that waits for a person. The
//! worker hands the reply to the task's agent; `status` shows what a task asks (`needs`).

use crate::error::{Error, Result};
use crate::model::Reply;
use crate::paths::Paths;

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

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    if args.reply.trim().is_empty() {
        return Err(Error::usage(
            "the answer is empty: say allow, deny, or the words that answer the question",
        ));
    }
    let message =
        crate::client::requests::answer(paths, &args.id, Reply::parse(&args.reply), args.always).await?;
    println!("{message}");
    Ok(0)
}
