//! Plain commands (the `command` backend): no stream format, the output is the tail of stdout
//! and success is exit code 0.

use super::cli::{AgentCli, Defaults};
use super::common::{process_end, push_capped};
use super::event::{AgentEvent, StreamParser, Verdict};
use super::usage_limits::{NoUsageLimits, UsageLimitHit, UsageLimitWatch, one_line, reset_word};
use super::{AgentError, AgentRequest, Autonomy};
use regex::Regex;

/// Any other command: it brings its own argv; success is exit code 0.
pub struct Command;

impl AgentCli for Command {
    fn name(&self) -> &'static str {
        "command"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["shell"]
    }

    fn program(&self) -> Option<&'static str> {
        None
    }

    fn defaults(&self) -> Defaults {
        Defaults { capabilities: &[], max_concurrency: u32::MAX, mem_bytes: None }
    }

    fn args(&self, _req: &AgentRequest<'_>) -> Result<Vec<String>, AgentError> {
        Err(AgentError::NoAgentArgv)
    }

    fn autonomy_args(&self, _level: Autonomy) -> &'static [&'static str] {
        &[]
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(CommandParser::new())
    }

    /// The profile's `limit_pattern` (a regex); a named group `reset` gives the reset as a
    /// duration (`20s`, `5m`), a clock time (`15:00`, `3pm`) or epoch seconds.
    fn usage_limit_watch(&self, pattern: Option<&str>) -> Box<dyn UsageLimitWatch> {
        match pattern.and_then(|p| Regex::new(p).ok()) {
            Some(pattern) => Box::new(PatternLimits(pattern)),
            None => Box::new(NoUsageLimits),
        }
    }

    /// It may retry on its own: the worker stops it instead.
    fn exits_on_limit(&self) -> bool {
        false
    }
}

struct PatternLimits(Regex);

impl UsageLimitWatch for PatternLimits {
    fn feed(&mut self, line: &[u8]) -> Option<UsageLimitHit> {
        let text = String::from_utf8_lossy(line);
        let caps = self.0.captures(&text)?;
        let reset = caps.name("reset").and_then(|m| reset_word(m.as_str()));
        Some(UsageLimitHit { message: one_line(&text), reset })
    }
}

/// The output kept is capped; the end of a command's output matters most.
const MAX_OUTPUT_BYTES: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct CommandParser {
    output: String,
}

impl CommandParser {
    pub fn new() -> Self {
        Self::default()
    }
}

impl StreamParser for CommandParser {
    fn feed_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        let text = String::from_utf8_lossy(line);
        push_capped(&mut self.output, text.trim_end_matches(['\n', '\r']), MAX_OUTPUT_BYTES);
        Vec::new()
    }

    fn finish(&mut self, exit_code: Option<i32>, signal: Option<i32>) -> Verdict {
        let reason = process_end(exit_code, signal);
        Verdict {
            success: reason.is_none(),
            reason,
            output: self.output.trim_end().to_string(),
            agents_involved: 0,
            ..Verdict::default()
        }
    }
}
