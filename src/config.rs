//! `config.toml`: limits and, later, agents and notifications. Unknown keys and wrong types are
//! refused with the file, line and what was expected; the worker never guesses.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

pub mod channels;
pub mod executors;
pub mod quiet_hours;
pub mod sandbox;
mod strategy;
mod validate;
pub mod web;
pub mod worktree;

pub use strategy::Strategy;
pub use validate::located;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Agent used for a prompt when neither `--agent` nor `--capability` is given.
    pub default_agent: Option<String>,
    /// `[limits]`: resource limits (task caps, the CPU and memory gates); not an agent
    /// CLI's usage limits (`usage_limits`) nor a task's `--mem-limit`.
    pub limits: ResourceLimits,
    /// Agent profiles, and overrides of the built-ins: `[agents.reviewer]`.
    pub agents: BTreeMap<String, AgentProfile>,
    pub circuit: Circuit,
    pub notifications: Notifications,
    /// `local` (the default) or `slurm`: where tasks run unless told otherwise.
    pub default_executor: Option<String>,
    /// `[executors.slurm]`.
    pub executors: executors::Executors,
    /// `[classes.NAME]`: per-class defaults (the executor).
    pub classes: BTreeMap<String, executors::ClassProfile>,
    pub delegation: Delegation,
    pub history: History,
    pub metrics: MetricsConfig,
    /// `[secrets]`: which variables are sealed, and where the key lives.
    pub secrets: crate::secrets::SecretsConfig,
    /// `[usage_limits]`: how long an account waits after a limit without a reset time.
    pub usage_limits: UsageLimits,
    /// Spend (USD) of all agents together per local day; admission holds once it is reached.
    pub daily_budget_usd: Option<f64>,
    /// `[sandbox]`: the bubblewrap binary, more paths to hide, named profiles.
    pub sandbox: sandbox::SandboxSettings,
    /// `[worktree]`: set-up of `--worktree` checkouts, and how long discarded work is kept.
    pub worktree: worktree::WorktreeConfig,
    /// How long a task waits for a person's answer before it is denied (`30m`); unset, it
    /// waits until answered. `execute --needs-timeout` overrides it per task.
    pub needs_timeout: Option<String>,
    /// `[notify]` and its `[[notify.channels]]`: events pushed to webhooks, ntfy, Slack, commands.
    pub notify: channels::NotifyConfig,
    /// `[web]`: the dashboard served by the worker (`listen`).
    pub web: web::WebConfig,
}

impl Config {
    /// `needs_timeout` in ms; validated at load.
    pub fn needs_timeout_ms(&self) -> Option<u64> {
        let text = self.needs_timeout.as_deref()?;
        crate::duration::parse(text).ok().map(|d| d.as_millis() as u64)
    }
}

/// `[usage_limits]`: the hold after a usage or rate limit that names no reset time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UsageLimits {
    /// The first hold (`5m`); each trial that hits the limit again doubles it.
    pub backoff: String,
    /// The longest hold doubling reaches (`1h`).
    pub max_backoff: String,
}

impl Default for UsageLimits {
    fn default() -> Self {
        UsageLimits { backoff: "5m".into(), max_backoff: "1h".into() }
    }
}

impl UsageLimits {
    /// (backoff, max_backoff) in ms; checked at load, so bad text cannot reach here from a file.
    pub fn backoff_ms(&self) -> (i64, i64) {
        let ms = |t: &str, d: i64| crate::duration::parse(t).map_or(d, |d| d.as_millis() as i64);
        let base = ms(&self.backoff, 300_000).max(1);
        (base, ms(&self.max_backoff, 3_600_000).max(base))
    }
}

/// `[delegation]`: tasks started from inside a task are its children, within these caps.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Delegation {
    /// How deep children may nest below a task started by a person (a child is depth 1).
    pub max_depth: u32,
    /// Children one task may start in all.
    pub max_children: u32,
}

impl Default for Delegation {
    fn default() -> Self {
        Delegation { max_depth: 3, max_children: 20 }
    }
}

/// `[history]`: how long finished tasks are kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct History {
    /// Finished tasks older than this many days are pruned by the worker; 0 keeps them forever.
    pub keep_days: u32,
}

impl Default for History {
    fn default() -> Self {
        History { keep_days: 90 }
    }
}

/// `[metrics]`: the Prometheus endpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// `127.0.0.1:9464`: the worker serves `GET /metrics` there. Off when absent.
    pub listen: Option<String>,
}

impl MetricsConfig {
    /// The address to serve on; validated at load.
    pub fn address(&self) -> Option<std::net::SocketAddr> {
        self.listen.as_deref().and_then(|a| a.parse().ok())
    }
}

/// `[notifications]`: desktop notifications sent by the worker.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Notifications {
    /// silent | completion | milestone | verbose; `execute --notify` overrides it per task.
    pub strategy: String,
    /// Verbose: percent points a task must move before it is news again.
    pub min_progress_delta: f64,
    /// At most one progress notification per task this often (endings are never held back).
    pub throttle_ms: u64,
}

impl Default for Notifications {
    fn default() -> Self {
        Notifications { strategy: "completion".into(), min_progress_delta: 5.0, throttle_ms: 3000 }
    }
}

impl Notifications {
    /// The configured strategy; validated at load, so a bad name cannot reach here from a file.
    pub fn default_strategy(&self) -> Strategy {
        self.strategy.parse().unwrap_or_default()
    }
}

/// `[agents.NAME]` in config.toml.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AgentProfile {
    /// An agent CLI's backend name (`agents --json` lists them), or `command`
    pub backend: Option<String>,
    pub capabilities: Option<Vec<String>>,
    /// Default class of its tasks.
    pub class: Option<String>,
    pub max_concurrency: Option<u32>,
    pub model: Option<String>,
    pub system_prompt: Option<String>,
    /// Extra argv after the adapter's own flags.
    pub args: Vec<String>,
    /// backend = "command" only: `["my-agent", "--task", "{prompt}"]`.
    pub command: Vec<String>,
    /// Expected resident memory (`2G`), counted against the memory gate at start.
    pub mem: Option<String>,
    /// read-only | edit | full: what the agent may do without asking (default edit).
    pub autonomy: Option<String>,
    /// `local` or `slurm`: where its tasks run.
    pub executor: Option<String>,
    /// A sandbox profile its tasks run in (`default` or a `[sandbox.profiles.NAME]`).
    pub sandbox: Option<String>,
    /// `[worktree] copy` and `setup` for its `--worktree` tasks, instead of its class's or
    /// the global ones.
    pub worktree_copy: Option<Vec<String>>,
    pub worktree_setup: Option<Vec<String>>,
    /// Whose usage limits and budget it shares (default: its backend), so two profiles on one
    /// subscription wait together.
    pub account: Option<String>,
    /// `command` agents: a regex that marks a usage limit in their output; a named group
    /// `reset` gives when it resets (`20s`, `15:00`, `3pm`, epoch seconds).
    pub limit_pattern: Option<String>,
    /// Spend (USD) of its account per local day; admission holds the account once reached.
    pub daily_budget_usd: Option<f64>,
}

/// `[circuit]`: when an agent that keeps failing is rested.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Circuit {
    /// Consecutive failures that open an agent's circuit.
    pub failures: u32,
    /// How long it stays open before one trial task is let through.
    pub open_seconds: u64,
}

impl Default for Circuit {
    fn default() -> Self {
        Circuit { failures: 5, open_seconds: 60 }
    }
}

/// `[limits]`: how much of the machine the queue may use.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ResourceLimits {
    pub max_concurrent_tasks: u32,
    /// Percent; 100 disables the gate.
    pub cpu_threshold: f64,
    /// Percent of memory in use; 100 disables the gate.
    pub memory_threshold: f64,
    /// Seconds between SIGTERM and SIGKILL when cancelling or timing out.
    pub kill_grace_seconds: f64,
    /// Per-class caps; a class without one only counts against the global cap.
    pub classes: BTreeMap<String, u32>,
    /// Per-class footprint defaults: `[limits.footprints.e2e]` `mem = "6G"`, `cpus = 2`,
    /// `mem_limit = true` (end a task of the class whose tree goes past `mem`).
    pub footprints: BTreeMap<String, ClassFootprint>,
    /// How long a task of unknown memory footprint is watched before another task may pass
    /// the memory gate (slow start).
    pub slow_start_seconds: f64,
}

/// `[limits.footprints.CLASS]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ClassFootprint {
    /// Expected peak memory of a task of the class (`512M`, `6G`).
    pub mem: Option<String>,
    /// Expected cores it keeps busy.
    pub cpus: Option<f64>,
    /// Enforce `mem` as a limit (as `execute --mem-limit` does).
    pub mem_limit: bool,
}

impl ClassFootprint {
    /// `mem` in bytes; checked at load, so a bad size cannot reach here from a file.
    pub fn mem_bytes(&self) -> Option<u64> {
        self.mem.as_deref().and_then(|m| crate::size::parse_size(m).ok())
    }
}

impl Default for ResourceLimits {
    fn default() -> Self {
        ResourceLimits {
            max_concurrent_tasks: 5,
            cpu_threshold: 70.0,
            memory_threshold: 85.0,
            kill_grace_seconds: 10.0,
            classes: BTreeMap::from([("e2e".to_string(), 1), ("build".to_string(), 2)]),
            footprints: BTreeMap::new(),
            slow_start_seconds: 2.0,
        }
    }
}

impl ResourceLimits {
    pub fn kill_grace(&self) -> Duration {
        Duration::from_secs_f64(self.kill_grace_seconds.max(0.0))
    }
}

impl Config {
    /// The text of the config file at `path`; `None` when there is none (all defaults).
    pub fn read_text(path: &Path) -> Result<Option<String>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::usage(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Every setting this module knows how to check; agent profiles are checked one floor up,
    /// by `agents::parse_config`, which is what commands load a config with.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|span| {
                    let (line, col) = line_col(text, span.start);
                    format!(":{line}:{col}")
                })
                .unwrap_or_default();
            Error::usage(format!("invalid config {}{place}: {}", path.display(), e.message().trim()))
        })?;
        config.validate(path, text)?;
        config.validate_admission(text, path)?;
        Ok(config)
    }
}

impl Config {
    /// Where a task of `agent` and `class` runs when it does not say.
    pub fn executor_for(&self, agent: &str, class: Option<&str>) -> executors::Executor {
        let from_agent = self.agents.get(agent).and_then(|p| p.executor.as_deref());
        let from_class = class.and_then(|c| self.classes.get(c)).and_then(|c| c.executor.as_deref());
        from_agent
            .or(from_class)
            .or(self.default_executor.as_deref())
            .and_then(|e| e.parse().ok())
            .unwrap_or_default()
    }

    /// The sandbox profile a task of `agent` and `class` gets when it does not say.
    pub fn sandbox_for(&self, agent: &str, class: Option<&str>) -> Option<String> {
        let from_agent = self.agents.get(agent).and_then(|p| p.sandbox.clone());
        from_agent.or_else(|| class.and_then(|c| self.classes.get(c)).and_then(|c| c.sandbox.clone()))
    }
}

impl Config {
    /// `[worktree]` `copy` and `setup` for a `--worktree` task of `agent` and `class`: each
    /// the agent profile's, else the class's, else the global one (as `sandbox_for` picks).
    pub fn worktree_for(&self, agent: &str, class: Option<&str>) -> (Vec<String>, Vec<String>) {
        let profile = self.agents.get(agent);
        let class = class.and_then(|c| self.classes.get(c));
        let copy = profile.and_then(|p| p.worktree_copy.clone());
        let copy = copy.or_else(|| class.and_then(|c| c.worktree_copy.clone()));
        let setup = profile.and_then(|p| p.worktree_setup.clone());
        let setup = setup.or_else(|| class.and_then(|c| c.worktree_setup.clone()));
        (
            copy.unwrap_or_else(|| self.worktree.copy.clone()),
            setup.unwrap_or_else(|| self.worktree.setup.clone()),
        )
    }
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.len(), |nl| before.len() - nl - 1) + 1;
    (line, col)
}

#[cfg(test)]
mod tests;
