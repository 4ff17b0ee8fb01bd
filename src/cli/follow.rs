//! `follow ID...`, and following a task to its result for `execute` (without --async) and
//! `resume`. The live part is the follower (follower.rs).

use super::follower::{exit_code_for, follow, follow_streaming};
use super::result::Shown;
use crate::client::Client;
use crate::client::follow::{Ending, OutputStream};
use crate::error::{Error, Result, exit};
use crate::paths::Paths;
use crate::render;

/// How `follow_and_report` speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Bars on stderr, then the result text.
    Human,
    /// No bars, the result as JSON.
    Json,
    /// Nothing at all: the exit code says it.
    Quiet,
}

impl Output {
    pub fn from_flags(json: bool, quiet: bool) -> Output {
        match (json, quiet) {
            (true, _) => Output::Json,
            (false, true) => Output::Quiet,
            (false, false) => Output::Human,
        }
    }
}

/// Follow, then print each task's result and return the exit code: the task's own exit code
/// for one task, 0 only if all completed for several.
pub async fn follow_and_report(
    paths: &Paths,
    client: Client,
    ids: Vec<String>,
    output: Output,
) -> Result<i32> {
    let ending = follow(client, ids.clone(), output == Output::Human, None).await?;
    report(paths, &ids, ending, output, Shown::Output)
}

/// `follow_and_report` for one command task whose output goes to stdout as it is written (a
/// foreground `execute`); the result after it is the summary alone.
pub async fn stream_and_report(paths: &Paths, client: Client, id: String) -> Result<i32> {
    let stream = OutputStream::open(paths, &id)?;
    let ending = follow_streaming(client, id.clone(), true, stream).await?;
    report(paths, &[id], ending, Output::Human, Shown::Summary)
}

fn report(paths: &Paths, ids: &[String], ending: Ending, output: Output, shown: Shown) -> Result<i32> {
    match ending {
        Ending::Detached => {
            if output == Output::Quiet {
                return Ok(exit::INTERRUPTED);
            }
            eprintln!(
                "detached: {} keeps running. Look later with `smart-agents status {}`, `logs` or `result`",
                ids.join(", "),
                ids.first().map_or("ID", String::as_str)
            );
            Ok(exit::INTERRUPTED)
        }
        Ending::TimedOut(_) => Err(Error::new(crate::error::ErrorKind::NotFinished, "timed out")),
        Ending::Done(views) => {
            let store = crate::store::Store::open_for_reading(&paths.database)?;
            let mut code = 0;
            for view in &views {
                let rec = match &store {
                    Some(store) => store.task(&view.id)?,
                    None => None,
                };
                let Some(rec) = rec else { continue };
                match output {
                    Output::Quiet => {}
                    Output::Json => super::result::print_result(&rec, store.as_ref(), Shown::Json)?,
                    Output::Human => super::result::print_result(&rec, store.as_ref(), shown)?,
                }
                code = exit_code_for(view).max(code);
            }
            Ok(code)
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task ids (or unique prefixes)
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Print the final states as JSON instead of a line per task
    #[arg(long)]
    pub json: bool,
}

/// `follow ID...`: bars until every task ended, a line each, then their status: the task's
/// own exit code for one task, 0 only if all completed for several.
pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let store = crate::store::Store::open_for_reading(&paths.database)?;
    let ids =
        args.ids.iter().map(|t| crate::store::resolve_id(store.as_ref(), t)).collect::<Result<Vec<_>>>()?;
    let client = Client::connect(paths).await?;
    match follow(client, ids.clone(), !args.json, None).await? {
        Ending::Detached => {
            eprintln!("detached: {} keeps running", ids.join(", "));
            Ok(exit::INTERRUPTED)
        }
        Ending::TimedOut(_) => Err(Error::new(crate::error::ErrorKind::NotFinished, "timed out")),
        Ending::Done(views) => {
            if args.json {
                render::print_json(&views)?;
            } else {
                for view in &views {
                    println!("{} {}", view.id, render::headline(view));
                }
            }
            Ok(views.iter().map(exit_code_for).max().unwrap_or(0))
        }
    }
}
