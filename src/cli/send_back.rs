//! `review ID "NOTES" [--note FILE:LINE "TEXT"]...`: send a worktree task's work back to its
//! agent (client/send_back.rs builds the follow-up).

use crate::client::record;
use crate::client::send_back::LineNote;
use crate::error::Result;
use crate::paths::Paths;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The worktree task (or its latest follow-up)
    pub id: String,
    /// What to change, for the agent
    pub notes: String,
    /// A note on one line of the change: `--note src/x.rs:12 "handle the empty case"`
    #[arg(long = "note", num_args = 2, value_names = ["FILE:LINE", "TEXT"])]
    pub note: Vec<String>,
    /// Follow the follow-up task to its end (by default print its id and return)
    #[arg(long)]
    pub follow: bool,
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let notes = args
        .note
        .chunks(2)
        .map(|p| LineNote::parse(&p[0], p.get(1).map_or("", String::as_str)))
        .collect::<Result<Vec<_>>>()?;
    let env = crate::client::submit::caller_env();
    let (client, id, warning) = record::review(paths, &args.id, &args.notes, &notes, env).await?;
    if let Some(warning) = warning {
        eprintln!("{warning}");
    }
    let output = super::follow::Output::from_flags(args.json, false);
    // An agent's follow-up: its answer at the end, not its event stream.
    let how = super::execute::Follow { detach: !args.follow, output, streams: false };
    super::execute::report_queued(client, id, how, paths).await
}
