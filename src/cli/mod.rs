//! The command line: one module per subcommand, each with its Args and a `run`.

mod admission;
pub mod agents;
pub mod answer;
mod ask;
mod attempts;
pub mod cancel;
mod config_cmd;
mod doctor;
mod events;
pub mod execute;
mod flow;
pub mod follow;
pub mod follower;
pub mod generate;
mod integrate;
pub mod list;
pub mod logs;
mod notices;
mod notify_cmd;
mod notify_status;
mod progress;
mod result;
mod resume;
pub mod review;
mod schedule;
mod send_back;
mod stats;
pub mod status;
mod wait;
pub mod web_args;
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
    Execute(Box<execute::Args>),
    /// One task's state, or a summary of the queue
    Status(status::StatusArgs),
    /// A finished task's output, verdict and metrics
    Result(result::Args),
    /// Running, pending and finished tasks, newest first
    List(list::ListArgs),
    /// Cancel tasks: pending ones at once, running ones by signal to their process group
    Cancel(cancel::Args),
    /// Answer a task that waits for you: allow, deny, or the text of an answer
    Answer(answer::Args),
    /// From inside a task: wait for a person's answer to a question, and print it
    Ask(ask::Args),
    /// A task's captured stdout and stderr
    Logs(logs::Args),
    /// Workflows: run a plan of several tasks (a TOML flow file) as one, and look after it
    Flow(flow::Args),
    /// Block until tasks end; exit 0 only if all completed
    Wait(wait::Args),
    /// Live progress bars for tasks until they all end; exits with their status
    Follow(follow::Args),
    /// Task endings not seen yet (then marked seen): for a shell prompt or an AI client's prompt hook;
    /// with --follow, each ending as it happens
    Notices(notices::Args),
    /// Pushed notifications: `notify status` shows deliveries, `secret` and `seal` help set up channels
    Notify(notify_cmd::Args),
    /// What a task changed: a worktree task's branch and checkout against where it started
    Diff(review::DiffArgs),
    /// Best-of-N attempts side by side: state, check, lines changed, tokens, cost, time
    Compare(attempts::CompareArgs),
    /// Send a worktree task's work back to its agent with notes (a follow-up in its worktree)
    Review(send_back::Args),
    /// Bring a worktree task's work into the branch it started from, in your checkout
    Land(review::LandArgs),
    /// Remove a worktree task's checkout and branch (its commits stay reachable a while)
    Discard(review::DiscardArgs),
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
    /// The history of tasks: what happened, when, and who caused it; --follow streams it
    Events(events::Args),
    /// Counts, success rate, wait and run times, tokens and cost, overall or --by agent, class, day
    Stats(stats::Args),
    /// Metrics in the Prometheus text format (the worker also serves them with [metrics] listen)
    Metrics,
    /// Remove old finished tasks, their events and log files (running and pending never)
    Prune(stats::PruneArgs),
    /// Start, stop or inspect the background worker
    Worker(worker::Args),
    /// Recurring tasks and flows: add (--cron or --every), list, show, pause, resume, remove, run
    Schedule(schedule::Args),
    /// Live dashboard: progress, steps, logs; cancel, retry and pause keys
    Tui,
    /// Serve the dashboard in a browser (token login, live updates) until stopped
    Web(web_args::WebArgs),
    /// Serve the tools (execute, status, result, list, logs, cancel, wait, agents) to an MCP
    /// client (a coding assistant), over stdin and stdout
    Mcp,
    /// Register the MCP server and the notice hook with an AI client (`integrate --help` lists them)
    Integrate(integrate::Args),
    /// Show, locate or edit config.toml
    Config(config_cmd::Args),
    /// Check paths, permissions, the worker, the database, secrets, notifications and agent CLIs
    Doctor(doctor::Args),
    /// Print the shell completion script: bash, zsh, fish, elvish or powershell
    Completions(generate::CompletionsArgs),
    /// Recent task ids, for the completion scripts
    #[command(name = "__complete-ids", hide = true)]
    CompleteIds(generate::CompleteIdsArgs),
    /// Write completions/ and man/ into DIR (the repository keeps them in step with the code)
    #[command(name = "__generate", hide = true)]
    Generate(generate::GenerateArgs),
}

/// The home's paths and a single-threaded runtime around `face`: how main.rs starts the
/// dashboard and the MCP server, which stand above the command line and use its parts.
pub fn with_runtime<F, Fut>(face: F) -> Result<i32>
where
    F: FnOnce(Paths) -> Fut,
    Fut: std::future::Future<Output = Result<i32>>,
{
    let paths = Paths::from_env()?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(face(paths))
}

/// `worker run` in the foreground, with what main.rs hands the worker.
pub fn worker_run(hooks: crate::worker::Hooks) -> Result<i32> {
    worker::run_foreground(hooks)
}

/// Run a parsed command (all but `tui`, `mcp`, `web` and `worker run`, see main.rs); returns
/// the exit code.
pub fn run(cli: Cli) -> Result<i32> {
    // Generated text depends only on the definitions, not on any home folder.
    let command = match cli.command {
        Command::Completions(args) => return generate::completions(args),
        Command::Generate(args) => return generate::generate(args),
        command => command,
    };
    if let Command::Worker(args) = &command
        && args.is_foreground()
    {
        return Err(crate::error::Error::internal("`worker run` is started by main.rs"));
    }
    let paths = Paths::from_env()?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(dispatch(command, paths))
}

async fn dispatch(command: Command, paths: Paths) -> Result<i32> {
    match command {
        Command::Execute(args) if args.wants_attempts() => attempts::run(*args, &paths).await,
        Command::Execute(args) => execute::run(*args, &paths).await,
        Command::Status(args) => status::status(args, &paths).await,
        Command::Result(args) => result::run(args, &paths).await,
        Command::List(args) => list::list(args, &paths),
        Command::Cancel(args) => cancel::run(args, &paths).await,
        Command::Answer(args) => answer::run(args, &paths).await,
        Command::Ask(args) => ask::run(args, &paths).await,
        Command::Logs(args) => logs::run(args, &paths).await,
        Command::Flow(args) => flow::run(args, &paths).await,
        Command::Wait(args) => wait::run(args, &paths).await,
        Command::Follow(args) => follow::run(args, &paths).await,
        Command::Notices(args) => notices::run(args, &paths).await,
        Command::Notify(args) => notify_cmd::run(args, &paths),
        Command::Diff(args) => review::diff(args, &paths),
        Command::Compare(args) => attempts::run_compare(args, &paths),
        Command::Review(args) => send_back::run(args, &paths).await,
        Command::Land(args) => review::land(args, &paths).await,
        Command::Discard(args) => review::discard(args, &paths).await,
        Command::Retry(args) => admission::retry(args, &paths).await,
        Command::Priority(args) => admission::priority(args, &paths).await,
        Command::Pause => admission::pause(true, &paths).await,
        Command::Progress(args) => progress::run(args, &paths).await,
        Command::Agents(args) => agents::run(args, &paths).await,
        Command::Resume(args) => resume::run(args, &paths).await,
        Command::Worker(args) => worker::run(args, &paths).await,
        Command::Schedule(args) => schedule::run(args, &paths).await,
        Command::Events(args) => events::run(args, &paths).await,
        Command::Stats(args) => stats::run(args, &paths),
        Command::Metrics => stats::metrics(&paths).await,
        Command::Prune(args) => stats::prune(args, &paths).await,
        Command::Integrate(args) => integrate::run(args),
        Command::Config(args) => config_cmd::run(args, &paths),
        Command::Doctor(args) => doctor::run(args, &paths).await,
        Command::CompleteIds(args) => generate::complete_ids(args, &paths),
        Command::Completions(_) | Command::Generate(_) => Err(crate::error::Error::internal(
            "generation commands are handled before the home folder is read",
        )),
        Command::Tui | Command::Mcp | Command::Web(_) => {
            Err(crate::error::Error::internal("the dashboards and the MCP server are started by main.rs"))
        }
    }
}
