//! The agent-CLI seam: everything smart-agents knows about one CLI, behind one trait. Each CLI
//! is one module (a folder per agent CLI, and `command.rs`) with a
//! unit struct implementing [`AgentCli`]; `registry::CLIS` lists them. Adding a CLI is its
//! module plus that line (docs/architecture.md walks through it).

use super::event::StreamParser;
use super::usage_limits::UsageLimitWatch;
use super::{AgentError, AgentRequest, Autonomy};

/// The versions a CLI is tested with: the oldest release line whose format the replayed
/// transcripts cover, and the newest the real-CLI lane runs (pinned in `.ci/agent-cli-pins`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tested {
    pub oldest: &'static str,
    pub newest: &'static str,
}

impl Tested {
    /// From `oldest` to the release pinned for `name` in `.ci/agent-cli-pins`.
    pub fn pinned(name: &str, oldest: &'static str) -> Option<Tested> {
        super::pins::pinned(name).map(|newest| Tested { oldest, newest })
    }
}

/// Whether a CLI, run headless, can stop and ask a person, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asking {
    /// It cannot: anything its autonomy level does not allow is refused, and the run goes on
    /// (or fails). The task never sits waiting.
    Never,
    /// It can, through the means named (e.g. a permission-prompt tool).
    Through(&'static str),
}

/// The model API a CLI reaches, and the environment variable that moves it (e.g. to a local
/// mock model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelHost {
    /// `host:port`.
    pub host: &'static str,
    /// The `*_BASE_URL` variable; its URL's host wins when the task's environment sets it.
    pub base_url_var: &'static str,
}

/// What a task starts with when no profile says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    pub capabilities: &'static [&'static str],
    pub max_concurrency: u32,
    /// Typical resident memory of one run, counted against the memory gate.
    pub mem_bytes: Option<u64>,
}

/// One agent CLI. Pure: it builds argv and reads output, the worker does the I/O.
pub trait AgentCli: Send + Sync + 'static {
    /// The backend name (`backend = "NAME"` in a profile, and the built-in agent's name).
    fn name(&self) -> &'static str;

    /// Other words a profile may use for it (a longer product name, say).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// The executable looked up on PATH; `None` when the task brings its own argv.
    fn program(&self) -> Option<&'static str> {
        Some(self.name())
    }

    fn defaults(&self) -> Defaults;

    /// The arguments after the program name. The prompt is always exactly one element.
    fn args(&self, req: &AgentRequest<'_>) -> Result<Vec<String>, AgentError>;

    /// This CLI's own switches for an autonomy level (table in docs/agent-clis.md).
    fn autonomy_args(&self, level: Autonomy) -> &'static [&'static str];

    /// The flags that decide the permission level as a whole: when a profile's `args` name
    /// one, every one of them is left to the profile (see [`autonomy_unless_set`]).
    fn autonomy_switches(&self) -> &'static [&'static str] {
        &[]
    }

    /// A fresh parser for one run.
    fn parser(&self) -> Box<dyn StreamParser>;

    /// A fresh usage-limit watch for one run (`pattern`: a `command` profile's regex).
    fn usage_limit_watch(&self, pattern: Option<&str>) -> Box<dyn UsageLimitWatch>;

    /// Whether it ends its run by itself after printing a usage limit; one that retries on
    /// its own (one that retries, plain commands) is stopped by the worker instead.
    fn exits_on_limit(&self) -> bool {
        true
    }

    /// Extra arguments that cap a run's spend at `usd`, when the CLI has such a flag.
    fn budget_args(&self, _usd: f64) -> Vec<String> {
        Vec::new()
    }

    /// Whether a run needs a side log path (an analytics log).
    fn needs_side_log(&self) -> bool {
        false
    }

    /// The package a version is read from (npm or PyPI name), without running the CLI.
    fn package(&self) -> Option<&'static str> {
        None
    }

    fn tested(&self) -> Option<Tested> {
        None
    }

    fn asking(&self) -> Asking {
        Asking::Never
    }

    /// How a user installs it, for the message when no agent CLI is found.
    fn install_hint(&self) -> Option<&'static str> {
        None
    }

    /// The model API it talks to, for a sandboxed task's network allowance.
    fn model_host(&self) -> Option<ModelHost> {
        None
    }

    /// What it writes under the home folder (relative paths): writable inside a sandbox.
    fn home_dirs(&self) -> &'static [&'static str] {
        &[]
    }

    /// What to do when the API refused the credentials.
    fn auth_advice(&self) -> &'static str {
        "set the model provider's API key (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) in the environment you \
         submit from"
    }
}

/// The flags of `level`, less those the profile's own `args` already decide: a profile that
/// says `--approval-mode yolo` means it, and some CLIs refuse a repeated flag (one joins
/// them and then fails: "Invalid approval mode: auto_edit,yolo"). An option is left out when `extra` names
/// its flag or its `--no-` twin, or when it is one of the CLI's [`AgentCli::autonomy_switches`]
/// and `extra` names any of them (`--dangerously-bypass-approvals-and-sandbox` overrides
/// `--sandbox workspace-write`).
pub(crate) fn autonomy_unless_set(cli: &dyn AgentCli, level: Autonomy, extra: &[String]) -> Vec<String> {
    let named = |flag: &str| {
        extra.iter().any(|a| a == flag || a.strip_prefix(flag).is_some_and(|rest| rest.starts_with('=')))
    };
    let twin = |flag: &str| match flag.strip_prefix("--no-") {
        Some(rest) => format!("--{rest}"),
        None => format!("--no-{}", flag.trim_start_matches('-')),
    };
    let switches = cli.autonomy_switches();
    let switch_set = switches.iter().any(|s| named(s));
    let mut out = Vec::new();
    for option in options(cli.autonomy_args(level)) {
        let flag = option[0];
        let decided = named(flag) || named(&twin(flag)) || (switch_set && switches.contains(&flag));
        if !decided {
            out.extend(option.iter().map(|w| w.to_string()));
        }
    }
    out
}

/// `["--a", "x", "--b"]` as `[["--a", "x"], ["--b"]]`: each flag with the values after it.
fn options<'a>(words: &'a [&'a str]) -> Vec<&'a [&'a str]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=words.len() {
        if i == words.len() || words[i].starts_with('-') {
            if start < i {
                out.push(&words[start..i]);
            }
            start = i;
        }
    }
    out
}
