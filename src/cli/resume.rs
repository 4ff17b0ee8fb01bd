//! `resume`: without arguments, start admitting tasks again (after `pause`); with
//! `ID "follow-up"`, a new task that continues the agent session of task ID.

use crate::error::{Error, Result};
use crate::model::{DEFAULT_PRIORITY, TaskSpec};
use crate::paths::Paths;
use crate::store::{Store, resolve_id};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The task whose agent session to continue
    pub id: Option<String>,
    /// The follow-up prompt
    #[arg(requires = "id")]
    pub prompt: Option<String>,
    /// Print the new task's id and return at once
    #[arg(long = "async")]
    pub detach: bool,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let (Some(id), Some(prompt)) = (args.id.as_deref(), args.prompt.clone()) else {
        if args.id.is_some() {
            return Err(Error::usage(
                "resume ID needs the follow-up prompt: `smart-agents resume ID \"...\"`",
            ));
        }
        return super::admission::pause(false, paths).await;
    };
    let store = Store::open_for_reading(&paths.database)?;
    let id = resolve_id(store.as_ref(), id)?;
    let original = store
        .as_ref()
        .and_then(|s| s.task(&id).transpose())
        .transpose()?
        .ok_or_else(|| Error::not_found(format!("no task with id '{id}'")))?;
    let spec = TaskSpec {
        description: prompt.clone(),
        prompt: Some(prompt),
        resume_of: Some(id),
        // A continued session keeps the permissions it was started with.
        autonomy: original.spec.autonomy,
        cwd: original.spec.cwd.clone(),
        class: original.spec.class.clone(),
        env: crate::client::submit::caller_env(),
        priority: DEFAULT_PRIORITY,
        ..TaskSpec::default()
    };
    let output = super::follow::Output::from_flags(args.json, false);
    super::execute::submit(spec, args.detach, output, paths).await
}
