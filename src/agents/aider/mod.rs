//! aider: `aider --message PROMPT --yes-always --no-stream --no-pretty --analytics-log FILE`.
//! The output and the analytics log are read by [`parser`]. A limit is "litellm.RateLimitError:
//! …" then "The API provider has rate limited you", the reset in the wrapped text between them
//! ("Please try again in 20s."); aider retries on its own, so the worker stops it.

pub mod parser;

use super::cli::{AgentCli, Defaults, Tested, autonomy_unless_set};
use super::common::{push_opt, with_preamble};
use super::event::StreamParser;
use super::usage_limits::{UsageLimitHit, UsageLimitWatch, one_line, reset_in_text};
use super::{AgentError, AgentRequest, Autonomy};

pub use parser::AiderParser;

const GIB: u64 = 1024 * 1024 * 1024;

pub struct Aider;

impl AgentCli for Aider {
    fn name(&self) -> &'static str {
        "aider"
    }

    fn defaults(&self) -> Defaults {
        Defaults { capabilities: &["code", "refactoring"], max_concurrency: 2, mem_bytes: Some(GIB / 2) }
    }

    fn args(&self, req: &AgentRequest<'_>) -> Result<Vec<String>, AgentError> {
        req.analytics_log.map(|log| args(req, log)).ok_or(AgentError::MissingAnalyticsLog)
    }

    /// aider answers its own questions with --yes-always (always passed); these decide what
    /// there is to answer: no file writes, no shell commands, or git commits.
    fn autonomy_args(&self, level: Autonomy) -> &'static [&'static str] {
        match level {
            Autonomy::ReadOnly => &["--dry-run", "--no-auto-commits", "--no-suggest-shell-commands"],
            Autonomy::Edit => &["--no-auto-commits", "--no-suggest-shell-commands"],
            Autonomy::Full => &["--auto-commits"],
        }
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(AiderParser::new())
    }

    fn usage_limit_watch(&self, _pattern: Option<&str>) -> Box<dyn UsageLimitWatch> {
        Box::new(AiderLimits::default())
    }

    fn exits_on_limit(&self) -> bool {
        false
    }

    fn needs_side_log(&self) -> bool {
        true
    }

    fn package(&self) -> Option<&'static str> {
        Some("aider-chat")
    }

    fn install_hint(&self) -> Option<&'static str> {
        Some("aider (`pip install aider-chat`)")
    }

    fn home_dirs(&self) -> &'static [&'static str] {
        &[".aider", ".cache/aider"]
    }

    fn tested(&self) -> Option<Tested> {
        Tested::pinned(self.name(), "0.86.0")
    }
}

/// Arguments after the program name. aider has no system-prompt flag (the prompt gets it as a
/// preamble) and no session ids: resuming restores the chat history of the working directory.
/// `--no-check-update` and `--no-analytics` keep `--yes-always` from accepting an upgrade or
/// telemetry on the user's behalf; the analytics log is still written.
fn args(req: &AgentRequest<'_>, analytics_log: &std::path::Path) -> Vec<String> {
    let mut args = Vec::new();
    push_opt(&mut args, "--message", &with_preamble(req.prompt, req.system_prompt));
    args.extend(
        ["--yes-always", "--no-stream", "--no-pretty", "--no-check-update", "--no-analytics"]
            .map(String::from),
    );
    push_opt(&mut args, "--analytics-log", &analytics_log.to_string_lossy());
    if let Some(model) = req.model {
        push_opt(&mut args, "--model", model);
    }
    if req.resume.is_some() {
        args.push("--restore-chat-history".to_string());
    }
    args.extend(autonomy_unless_set(&Aider, req.autonomy, req.extra_args));
    args.extend(req.extra_args.iter().cloned());
    args
}

/// aider wraps its error text over lines: the last few, joined.
#[derive(Debug, Default)]
struct AiderLimits {
    recent: Vec<String>,
}

impl UsageLimitWatch for AiderLimits {
    fn feed(&mut self, line: &[u8]) -> Option<UsageLimitHit> {
        let text = String::from_utf8_lossy(line).trim().to_string();
        if self.recent.len() >= 6 {
            self.recent.remove(0);
        }
        self.recent.push(text.clone());
        // The explanation comes after the (wrapped) error text, so the reset is read by then.
        if !text.contains("has rate limited you") {
            return None;
        }
        let joined = self.recent.join(" ");
        let error = self.recent.iter().find(|l| l.contains("RateLimitError")).unwrap_or(&text);
        Some(UsageLimitHit { message: one_line(error), reset: reset_in_text(&joined) })
    }
}
