//! `execute`: queue a task, then return (--async) or follow it to the end.

use super::follow;
use crate::client::Client;
use crate::client::submit::{enclosing_task, queue};
use crate::error::Result;
use crate::model::TaskSpec;
use crate::paths::Paths;
use crate::render::print_json;

pub use crate::client::submit::Args;

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let (detach, output) = (args.detach, follow::Output::from_flags(args.json, args.quiet));
    let mut spec = args.spec()?;
    if spec.parent.is_none() {
        spec.parent = enclosing_task(paths);
    }
    submit(spec, detach, output, paths).await
}

/// Queue `spec`; print its id and return, or follow it to the end.
pub async fn submit(spec: TaskSpec, detach: bool, output: follow::Output, paths: &Paths) -> Result<i32> {
    // A command's output is what its user reads, so it streams; an agent's log is its event
    // stream, so an agent shows its steps on the bar and its answer at the end.
    let streams = spec.prompt.is_none() && !spec.command.is_empty();
    let (client, id) = queue(spec, paths).await?;
    report_queued(client, id, Follow { detach, output, streams }, paths).await
}

/// How a submit is followed: not at all (`detach`), and how it speaks; `streams` copies a
/// command's output to stdout as it is written.
pub struct Follow {
    pub detach: bool,
    pub output: follow::Output,
    pub streams: bool,
}

/// After a submit: print the id and return, or follow the task to the end.
pub async fn report_queued(client: Client, id: String, how: Follow, paths: &Paths) -> Result<i32> {
    let Follow { detach, output, streams } = how;
    if detach {
        if output == follow::Output::Json {
            print_json(&serde_json::json!({ "id": id }))?;
        } else {
            println!("{id}");
        }
        return Ok(0);
    }
    if output == follow::Output::Human {
        eprintln!("task {id} queued");
        if streams {
            return follow::stream_and_report(paths, client, id).await;
        }
    }
    follow::follow_and_report(paths, client, vec![id], output).await
}
