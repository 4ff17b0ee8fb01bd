//! `notices [--json]`: task endings not seen yet, then marked seen. Meant for a shell prompt
//! hook or an editor, so it prints nothing at all when there is nothing new.

use super::render;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{TaskState, TaskView};
use crate::paths::Paths;
use crate::protocol::{Request, Response};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the finished tasks as a JSON array (`[]` when nothing is new)
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    // Never start a worker from a prompt hook: without one, nothing can have ended since.
    // The marking is the worker's to write (it is the database's only writer), so endings
    // recorded before it stopped are told once it runs again.
    let tasks = match Client::connect_existing(paths).await? {
        Some(mut client) => match client.request(Request::Notices).await? {
            Response::Notices { tasks } => tasks,
            other => return Err(Error::internal(format!("unexpected answer to notices: {other:?}"))),
        },
        None => Vec::new(),
    };
    if args.json {
        render::print_json(&tasks)?;
    } else {
        for task in &tasks {
            println!("{}", line(task));
        }
    }
    Ok(0)
}

/// `✓ ab12cd completed · Analyze auth · 2m13s`, `✗ ab12cd failed · Analyze auth · 4s · exit 3`.
pub fn line(task: &TaskView) -> String {
    let icon = match task.state {
        TaskState::Completed => render::paint("✓", "32"),
        TaskState::Failed => render::paint("✗", "31"),
        _ => render::paint("⊘", "35"),
    };
    let mut parts = vec![
        format!("{icon} {} {}", task.id, render::state_word(task.state)),
        render::truncate(&task.description, 60),
    ];
    if let Some(took) = crate::notify::strategy::duration(task) {
        parts.push(crate::duration::format(took));
    }
    if task.state != TaskState::Completed {
        match (&task.reason, task.exit_code) {
            (Some(reason), _) => parts.push(render::truncate(reason, 80)),
            (None, Some(code)) => parts.push(format!("exit {code}")),
            (None, None) => {}
        }
    }
    parts.join(" · ")
}
