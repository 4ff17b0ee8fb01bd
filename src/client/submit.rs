//! Submitting a task: what `execute` asks for (its flags, also the MCP tool's arguments),
//! turned into a checked `TaskSpec` and handed to the worker.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{DEFAULT_PRIORITY, PRIORITY_RANGE, TaskSpec};
use crate::paths::Paths;
use crate::size::parse_size;
use std::path::PathBuf;

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// What the task is for; for agents, the prompt. Defaults to the command line.
    pub description: Option<String>,
    /// Print the task id and return at once
    #[arg(long = "async")]
    pub detach: bool,
    /// Agent to run the task (`shell` runs the command after `--`)
    #[arg(long)]
    pub agent: Option<String>,
    /// 1 (lowest) to 10 (highest)
    #[arg(long, default_value_t = DEFAULT_PRIORITY, value_parser = clap::value_parser!(u8).range(PRIORITY_RANGE))]
    pub priority: u8,
    /// Resource class, capped separately (e.g. e2e, build)
    #[arg(long)]
    pub class: Option<String>,
    /// Working folder (default: this one)
    #[arg(long)]
    pub cwd: Option<PathBuf>,
    /// Fail the task if it runs longer (90s, 10m, 1h30m)
    #[arg(long, value_parser = parse_duration)]
    pub timeout: Option<std::time::Duration>,
    /// Deny a question nobody answered within this time (default: `needs_timeout` in config,
    /// else wait until answered). Time spent waiting never counts toward --timeout
    #[arg(long, value_parser = parse_duration)]
    pub needs_timeout: Option<std::time::Duration>,
    /// Run again this many times after a failure, with backoff
    #[arg(long, default_value_t = 0)]
    pub retries: u32,
    /// Start only after this task completed (repeatable)
    #[arg(long = "after", value_name = "ID")]
    pub after: Vec<String>,
    /// Do not start before this delay has passed (90s, 10m)
    #[arg(long, value_parser = parse_duration, conflicts_with = "at")]
    pub delay: Option<std::time::Duration>,
    /// Do not start before this time: RFC 3339 or local HH:MM (the next one to come)
    #[arg(long, value_parser = parse_time)]
    pub at: Option<i64>,
    /// Expected memory of the task (512M, 2G), counted against the memory gate as it starts
    #[arg(long, value_parser = parse_size)]
    pub mem: Option<u64>,
    /// Where it runs: local (this machine) or slurm (a job on the configured cluster)
    #[arg(long = "on", value_name = "EXECUTOR")]
    pub on: Option<crate::executor::Executor>,
    /// Expected cores the task keeps busy (1, 2, 0.5), counted against the CPU gate as it starts
    #[arg(long, value_parser = parse_cpus)]
    pub cpus: Option<f64>,
    /// End the task if its process tree goes past --mem (SIGTERM, then SIGKILL after the grace)
    #[arg(long = "mem-limit", requires = "mem")]
    pub mem_limit: bool,
    /// Route to an installed, healthy, least-loaded agent with this capability
    #[arg(long, conflicts_with = "agent")]
    pub capability: Option<String>,
    /// Run in a new git worktree on branch smart-agents/ID (kept after the task)
    #[arg(long)]
    pub worktree: bool,
    /// What an agent may do on its own: read-only, edit (default: change files in its folder)
    /// or full (anything, no sandbox); overrides the agent profile's `autonomy`
    #[arg(long, value_name = "LEVEL", value_parser = clap::builder::ValueParser::new(parse_autonomy))]
    pub autonomy: Option<crate::agents::Autonomy>,
    /// Cost budget of the run in USD: an agent CLI with a spend cap of its own gets it; other
    /// agents are ended once their reported cost goes past it. The task fails naming the budget
    #[arg(long, value_name = "USD", value_parser = parse_usd)]
    pub max_cost: Option<f64>,
    /// Desktop notifications for this task: silent, completion, milestone or verbose
    /// (default: `[notifications] strategy` in config.toml)
    #[arg(long, value_name = "STRATEGY", value_parser = parse_strategy)]
    pub notify: Option<String>,
    /// Run walled in with bubblewrap: only its folder writable, secrets hidden, private /tmp
    /// and /proc (docs/sandbox.md); PROFILE is a `[sandbox.profiles.NAME]` (default: default)
    #[arg(long, value_name = "PROFILE", num_args = 0..=1, default_missing_value = "default")]
    pub sandbox: Option<String>,
    /// Sandbox network: none, allow (only --allow-host, through a proxy) or open (implies --sandbox)
    #[arg(long, value_name = "MODE")]
    pub network: Option<crate::config::sandbox::Network>,
    /// A HOST[:PORT] a sandboxed task may reach (port 443 by default; repeatable; implies --sandbox)
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    pub allow_host: Vec<String>,
    /// At most N processes inside the sandbox (implies --sandbox)
    #[arg(long, value_name = "N")]
    pub pids_limit: Option<u32>,
    /// The task this one is a child of (default: the task this runs inside, if any)
    #[arg(long, value_name = "ID")]
    pub parent: Option<String>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    /// No progress bar and no result text: only the exit code (with --async, only the id)
    #[arg(short, long, conflicts_with = "json")]
    pub quiet: bool,
    /// Best-of-N: run the prompt this many times, each in its own worktree, as one group
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
    pub attempts: Option<u32>,
    /// Best-of-N: one attempt per agent (`--agents NAME,NAME,...`)
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["agent", "attempts"])]
    pub agents: Vec<String>,
    /// With --attempts or --agents: the command after `--` checks each attempt in its worktree
    #[arg(long)]
    pub check: bool,
    /// The command to run, after `--`
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// The sandbox the flags ask for: any sandbox flag asks for one.
fn sandbox_of(
    profile: Option<String>,
    network: Option<crate::config::sandbox::Network>,
    allow_hosts: Vec<String>,
    pids_limit: Option<u32>,
) -> Option<crate::config::sandbox::SandboxSpec> {
    let asked = profile.is_some() || network.is_some() || !allow_hosts.is_empty() || pids_limit.is_some();
    asked.then_some(crate::config::sandbox::SandboxSpec { profile, network, allow_hosts, pids_limit })
}

/// Checked here so a typo fails before anything is queued.
fn parse_strategy(text: &str) -> Result<String, String> {
    text.parse::<crate::config::Strategy>().map(|s| s.as_str().to_string())
}

pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    crate::duration::parse(text).map_err(|e| e.to_string())
}

/// `2026-11-21T14:05:00Z` or a local `14:05` (today, or tomorrow when already past).
pub fn parse_time(text: &str) -> Result<i64, String> {
    use chrono::{Local, NaiveTime, TimeZone};
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        // A time already gone is most likely a mistake (a wrong date or zone): say so rather
        // than start at once as if it were meant.
        if t.timestamp_millis() < crate::store::now_ms() {
            return Err(format!("--at {text} is in the past; leave --at out to start now"));
        }
        return Ok(t.timestamp_millis());
    }
    let bad = || format!("invalid time '{text}': expected RFC 3339 (2026-11-21T14:05:00Z) or local HH:MM");
    let time = NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| bad())?;
    let now = Local::now();
    let today = now.date_naive().and_time(time);
    let mut at = Local.from_local_datetime(&today).earliest().ok_or_else(bad)?;
    if at <= now {
        at += chrono::Duration::days(1);
    }
    Ok(at.timestamp_millis())
}

/// Cores: a number from 0 to 4096.
pub fn parse_cpus(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if (0.0..=4096.0).contains(&n) => Ok(n),
        _ => Err(format!("invalid cpus '{text}': expected a number of cores like 1, 2 or 0.5")),
    }
}

impl Args {
    /// The task this command line asks for, checked as the worker would check it.
    pub fn spec(self) -> Result<TaskSpec> {
        // Empty: the worker picks (shell for a command; default agent for a prompt).
        let agent = self.agent.unwrap_or_default();
        let prompt = match (&self.description, self.command.is_empty()) {
            (Some(text), true) if !text.trim().is_empty() => Some(text.clone()),
            (_, true) => {
                return Err(Error::usage(
                    "nothing to run: give a prompt (`smart-agents execute \"Analyze the auth system\"`) or a \
                     command after `--` (`smart-agents execute --async -- cargo test`)",
                ));
            }
            (_, false) => None,
        };
        let cwd = match self.cwd {
            Some(dir) => dir,
            None => std::env::current_dir()
                .map_err(|e| Error::usage(format!("cannot read the current folder: {e}")))?,
        };
        let cwd = std::fs::canonicalize(&cwd)
            .map_err(|e| Error::usage(format!("working folder {} does not exist: {e}", cwd.display())))?;
        if !cwd.is_dir() {
            return Err(Error::usage(format!("working folder {} is not a folder", cwd.display())));
        }
        let description = self.description.unwrap_or_else(|| shell_words(&self.command));
        let not_before_ms = self.at.or(self.delay.map(|d| crate::store::now_ms() + d.as_millis() as i64));
        let spec = TaskSpec {
            description,
            agent,
            command: self.command,
            cwd: cwd.to_string_lossy().into_owned(),
            env: caller_env(),
            priority: self.priority,
            class: self.class,
            timeout_ms: self.timeout.map(|t| t.as_millis() as u64),
            needs_timeout_ms: self.needs_timeout.map(|t| t.as_millis() as u64),
            retries: self.retries,
            after: self.after,
            not_before_ms,
            mem_bytes: self.mem,
            executor: self.on,
            cpus: self.cpus,
            mem_limit: self.mem_limit,
            prompt,
            capability: self.capability,
            worktree: self.worktree,
            notify: self.notify,
            autonomy: self.autonomy,
            max_cost_usd: self.max_cost,
            parent: self.parent.filter(|p| !p.trim().is_empty()),
            sandbox: sandbox_of(self.sandbox, self.network, self.allow_host, self.pids_limit),
            ..TaskSpec::default()
        };
        // Refuse bad input here, before anything reaches the queue.
        spec.validate()?;
        Ok(spec)
    }
}

pub fn parse_usd(s: &str) -> std::result::Result<f64, String> {
    match s.trim().trim_start_matches('$').parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("'{s}' is not an amount of dollars above 0, like 0.50 or 2")),
    }
}

fn parse_autonomy(s: &str) -> std::result::Result<crate::agents::Autonomy, String> {
    s.parse()
}

/// This shell's environment, which the task runs with (minus the id of a task we are in).
pub fn caller_env() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| k != "SMART_AGENTS_TASK_ID")
        .collect()
}

/// The task this runs inside (`SMART_AGENTS_TASK_ID`, set by the worker), when it is a task of
/// this home: a task of another home (a test run inside a task) is no parent here.
pub fn enclosing_task(paths: &Paths) -> Option<String> {
    let id = std::env::var("SMART_AGENTS_TASK_ID").ok().filter(|id| !id.trim().is_empty())?;
    let store = crate::store::Store::open_for_reading(&paths.database).ok()??;
    store.task(&id).ok()?.map(|t| t.id)
}

/// The command line as a person would type it, for the default description.
fn shell_words(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c)) {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Args {
    /// Best-of-N (`--attempts`, `--agents`, `--check`): run by `attempts`, not here.
    pub fn wants_attempts(&self) -> bool {
        self.attempts.is_some() || !self.agents.is_empty() || self.check
    }
}

/// Hand `spec` to the worker (starting one if needed), exactly once even if the connection
/// drops; the connection stays open for following.
pub async fn queue(spec: TaskSpec, paths: &Paths) -> Result<(Client, String)> {
    Client::submit(paths, spec).await
}
