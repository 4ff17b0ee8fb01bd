//! Adapters for agent CLIs: build their argv, and turn what they print into progress and a
//! verdict. Pure code, no I/O: the worker spawns the process and feeds the lines.
//!
//! How to use:
//!
//! ```no_run
//! use smart_agents::agents::{AgentRequest, Backend, build_args, parser_for};
//! # fn lines() -> Vec<Vec<u8>> { Vec::new() }
//! let backend: Backend = "claude".parse().expect("known backend");
//! let req = AgentRequest { prompt: "Review auth", ..AgentRequest::default() };
//! let args = build_args(backend, &req).expect("an agent backend");
//! // spawn `backend.program()` (or the configured path) with `args`, directly, no shell
//! let mut parser = parser_for(backend);
//! for line in lines() {
//!     for event in parser.feed_line(&line) { /* update status: AgentEvent */ }
//! }
//! // aider only: feed each line of the --analytics-log file with parser.feed_side_line(..)
//! let verdict = parser.finish(Some(0), None); // exit code, or the signal that killed it
//! ```
//!
//! Every parser ignores what it does not understand (unknown events, non-JSON, invalid UTF-8)
//! and treats a stream that ends without its final event as a failure. Each backend module's
//! doc says what it reads from its CLI. The transcripts in `tests/fixtures/agents/` are
//! replayed by the unit tests and by the stand-in executables in `tests/standins/` (see
//! `tests/standins/standin.py` for their environment variables).

mod advice;
pub mod aider;
pub mod autonomy;
pub mod claude;
pub mod cli;
pub mod codex;
pub mod command;
mod common;
pub mod event;
pub mod gemini;
pub mod opencode;
pub mod pins;
pub mod registry;
pub mod task_tools;
mod unknown;
pub mod usage_limits;
pub mod versions;

#[cfg(test)]
mod tests;

pub use crate::model::Autonomy;
pub use aider::AiderParser;
pub use claude::ClaudeParser;
pub use cli::{AgentCli, Asking, Tested};
pub use codex::CodexParser;
pub use command::CommandParser;
pub use event::{AgentEvent, StreamParser, Todo, TodoStatus, Verdict};
pub use gemini::GeminiParser;
pub use registry::{AgentDef, Registry};

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// Which adapter runs a task: a handle on one [`AgentCli`] of [`registry::CLIS`]. The worker
/// asks it what it needs and never which CLI it is.
#[derive(Clone, Copy)]
pub struct Backend(&'static dyn AgentCli);

impl Backend {
    /// Every CLI smart-agents knows, the plain command last.
    pub fn all() -> impl Iterator<Item = Backend> {
        registry::CLIS.iter().map(|cli| Backend(*cli))
    }

    /// The plain-command backend (any argv, success is exit code 0).
    pub fn command() -> Backend {
        Backend(&command::Command)
    }

    /// The backend named `name` (or an alias); a name no CLI answers to gives the command.
    pub fn named(name: &str) -> Backend {
        name.parse().unwrap_or_else(|_| Backend::command())
    }

    pub fn from_cli(cli: &'static dyn AgentCli) -> Backend {
        Backend(cli)
    }

    pub fn cli(self) -> &'static dyn AgentCli {
        self.0
    }

    pub fn as_str(self) -> &'static str {
        self.0.name()
    }

    /// Whether tasks of this backend run their own argv (no prompt, no stream format).
    pub fn is_command(self) -> bool {
        self.0.program().is_none()
    }

    /// The executable name to look up on `PATH`; `None` for commands (they bring their argv).
    pub fn program(self) -> Option<&'static str> {
        self.0.program()
    }

    /// Whether a run needs a side log path (see [`AgentRequest::analytics_log`]).
    pub fn needs_analytics_log(self) -> bool {
        self.0.needs_side_log()
    }
}

impl PartialEq for Backend {
    fn eq(&self, other: &Backend) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Backend {}

impl std::hash::Hash for Backend {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Backend({})", self.as_str())
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
    #[error("unknown agent backend {0:?} (expected {known})", known = registry::backend_names())]
    UnknownBackend(String),
    #[error("the command backend runs its own argv; there is no prompt to build one from")]
    NoAgentArgv,
    #[error("aider needs an analytics log path to report success")]
    MissingAnalyticsLog,
}

impl FromStr for Backend {
    type Err = AgentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase();
        Backend::all()
            .find(|b| b.as_str() == word || b.cli().aliases().contains(&word.as_str()))
            .ok_or_else(|| AgentError::UnknownBackend(s.to_string()))
    }
}

/// What to ask an agent CLI. The prompt always ends up as exactly one argv element.
#[derive(Debug, Clone, Copy, Default)]
pub struct AgentRequest<'a> {
    pub prompt: &'a str,
    pub model: Option<&'a str>,
    /// Appended to the agent's system prompt (Claude); a preamble of the prompt elsewhere.
    pub system_prompt: Option<&'a str>,
    /// Passed through verbatim, after the adapter's own flags.
    pub extra_args: &'a [String],
    /// The agent's own session id to continue (aider: restores the chat history instead).
    pub resume: Option<&'a str>,
    /// aider only: where it appends its analytics JSONL (read it with `feed_side_line`).
    pub analytics_log: Option<&'a Path>,
    /// What the agent may do on its own, mapped to the CLI's flags.
    pub autonomy: Autonomy,
    /// This smart-agents executable, to serve the agent its task tools over MCP
    /// ([`task_tools`]); `None` leaves them out.
    pub tools_exe: Option<&'a str>,
}

/// The arguments (after the program name) for an agent backend.
pub fn build_args(backend: Backend, req: &AgentRequest<'_>) -> Result<Vec<String>, AgentError> {
    backend.cli().args(req)
}

/// A fresh parser for one run.
pub fn parser_for(backend: Backend) -> Box<dyn StreamParser> {
    backend.cli().parser()
}
