//! The command line: one module per subcommand, each with its Args and a `run`.

mod admission;
mod agents;
mod cancel;
pub mod execute;
pub mod follow;
mod logs;
mod notices;
mod progress;
pub mod render;
mod result;
mod resume;
mod status;
mod wait;
mod worker;

use crate::error::Result;
use crate::paths::Paths;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "smart-agents",
    version,
    about = "Run AI agent tasks, and any long command, in the background",
    long_about = "Hand work off to a per-user background worker and keep going: `execute` queues a \
                  task and returns, `status`, `result`, `list` and `logs` tell how it goes."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Queue a task (an agent prompt or `-- COMMAND ARGS`) and follow it, or return at once with --async
    Execute(execute::Args),
    /// One task's state, or a summary of the queue
    Status(status::StatusArgs),
    /// A finished task's output, verdict and metrics
    Result(result::Args),
    /// Running, pending and finished tasks, newest first
    List(status::ListArgs),
    /// Cancel tasks: pending ones at once, running ones by signal to their process group
    Cancel(cancel::Args),
    /// A task's captured stdout and stderr
    Logs(logs::Args),
    /// Block until tasks end; exit 0 only if all completed
    Wait(wait::Args),
    /// Live progress bars for tasks until they all end; exits with their status
    Follow(follow::Args),
    /// Task endings not seen yet (then marked seen): for a shell prompt or a Claude Code hook
    Notices(notices::Args),
    /// Run a finished failed or cancelled task again as a new attempt
    Retry(admission::RetryArgs),
    /// Change a pending task's priority (1-10)
    Priority(admission::PriorityArgs),
    /// Stop starting new tasks (running tasks go on)
    Pause,
    /// Agents: installed, load, circuit, capabilities
    Agents(agents::Args),
    /// Without arguments: start admitting tasks again. With ID and PROMPT: continue the agent
    /// session of task ID in a new task
    Resume(resume::Args),
    /// Report progress from inside a task: `smart-agents progress 40 "Running tests"`
    Progress(progress::Args),
    /// Start, stop or inspect the background worker
    Worker(worker::Args),
    /// Live dashboard: progress, steps, logs; cancel, retry and pause keys
    Tui,
}

/// Run a parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let paths = Paths::from_env()?;
    match cli.command {
        Command::Worker(args) if args.is_foreground() => worker::run_foreground(&paths),
        command => {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            rt.block_on(dispatch(command, paths))
        }
    }
}

async fn dispatch(command: Command, paths: Paths) -> Result<i32> {
    match command {
        Command::Execute(args) => execute::run(args, &paths).await,
        Command::Status(args) => status::status(args, &paths).await,
        Command::Result(args) => result::run(args, &paths).await,
        Command::List(args) => status::list(args, &paths),
        Command::Cancel(args) => cancel::run(args, &paths).await,
        Command::Logs(args) => logs::run(args, &paths).await,
        Command::Wait(args) => wait::run(args, &paths).await,
        Command::Follow(args) => follow::run(args, &paths).await,
        Command::Notices(args) => notices::run(args, &paths).await,
        Command::Retry(args) => admission::retry(args, &paths).await,
        Command::Priority(args) => admission::priority(args, &paths).await,
        Command::Pause => admission::pause(true, &paths).await,
        Command::Progress(args) => progress::run(args, &paths).await,
        Command::Agents(args) => agents::run(args, &paths).await,
        Command::Resume(args) => resume::run(args, &paths).await,
        Command::Worker(args) => worker::run(args, &paths).await,
        Command::Tui => {
            let config = crate::config::Config::load(&paths.config_file)?;
            crate::tui::run(paths, config).await?;
            Ok(0)
        }
    }
}
