//! `ask TEXT [--option OPT]...`: from inside a task, wait for a person's answer and print it.
//! Any script or command agent can ask this way; an agent CLI that can ask asks through its
//! own means (`AgentCli::asking`). Exit 0 with the answer, 1 when the person denied.

use crate::error::{Error, Result};
use crate::model::{NeedsKind, Question, Reply};
use crate::paths::Paths;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The question, as the person will read it
    pub text: String,
    /// A suggested answer (repeat for more); any text is accepted
    #[arg(long = "option", value_name = "OPT")]
    pub options: Vec<String>,
    /// Ask for permission (allow or deny) instead of an answer in words
    #[arg(long)]
    pub permission: bool,
    /// The task (default: $SMART_AGENTS_TASK_ID, set by the worker)
    #[arg(long, env = "SMART_AGENTS_TASK_ID")]
    pub task: Option<String>,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let id = args.task.filter(|t| !t.trim().is_empty()).ok_or_else(|| {
        Error::usage(
            "no task: run this from inside a task (SMART_AGENTS_TASK_ID is set there) or pass --task ID",
        )
    })?;
    if args.text.trim().is_empty() {
        return Err(Error::usage("the question is empty: say what the person should answer"));
    }
    let (kind, options) = match args.permission {
        true => (NeedsKind::Permission, vec!["allow".to_string(), "deny".to_string()]),
        false => (NeedsKind::Question, args.options),
    };
    // One key per asking process: asked again after a lost connection, it is the same question.
    let key = format!("ask:{}:{}", std::process::id(), crate::store::now_ms());
    let question = Question { key, kind, text: args.text, options, tool: None, input: None };
    Ok(match crate::client::ask::ask(paths, &id, question).await? {
        Reply::Allow => {
            println!("allow");
            0
        }
        Reply::Deny => {
            println!("deny");
            1
        }
        Reply::Text(text) => {
            println!("{text}");
            0
        }
    })
}
