//! OpenCode: `opencode run --format json [-m PROVIDER/MODEL] PROMPT`. The stream is read by
//! [`parser`]. It retries an unreachable or failing API on its own, then ends with an `error`
//! event; a 429 or "rate limit" there is a usage limit.

pub mod parser;

use super::cli::{AgentCli, Defaults, Tested, autonomy_unless_set};
use super::common::{obj_of, parse_object, push_opt, str_of, with_preamble};
use super::event::StreamParser;
use super::usage_limits::{UsageLimitHit, UsageLimitWatch, one_line, reset_in_text, said_limit};
use super::{AgentError, AgentRequest, Autonomy};

pub use parser::OpenCodeParser;

const GIB: u64 = 1024 * 1024 * 1024;

pub struct OpenCode;

impl AgentCli for OpenCode {
    fn name(&self) -> &'static str {
        "opencode"
    }

    fn defaults(&self) -> Defaults {
        Defaults { capabilities: &["code", "analysis"], max_concurrency: 2, mem_bytes: Some(GIB) }
    }

    fn args(&self, req: &AgentRequest<'_>) -> Result<Vec<String>, AgentError> {
        let mut args: Vec<String> = ["run", "--format", "json"].map(String::from).into();
        if let Some(model) = req.model {
            push_opt(&mut args, "--model", model);
        }
        if let Some(id) = req.resume {
            push_opt(&mut args, "--session", id);
        }
        args.extend(autonomy_unless_set(self, req.autonomy, req.extra_args));
        args.extend(req.extra_args.iter().cloned());
        // The message is positional: after `--` nothing in it can read as an option.
        args.push("--".to_string());
        args.push(with_preamble(req.prompt, req.system_prompt));
        Ok(args)
    }

    /// Its `plan` agent may not edit; `build` may; `--auto` approves whatever is not denied.
    fn autonomy_args(&self, level: Autonomy) -> &'static [&'static str] {
        match level {
            Autonomy::ReadOnly => &["--agent", "plan"],
            Autonomy::Edit => &["--agent", "build"],
            Autonomy::Full => &["--agent", "build", "--auto"],
        }
    }

    fn autonomy_switches(&self) -> &'static [&'static str] {
        &["--agent"]
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(OpenCodeParser::new())
    }

    fn usage_limit_watch(&self, _pattern: Option<&str>) -> Box<dyn UsageLimitWatch> {
        Box::new(OpenCodeLimits)
    }

    fn package(&self) -> Option<&'static str> {
        Some("opencode-ai")
    }

    fn install_hint(&self) -> Option<&'static str> {
        Some("OpenCode (`npm install -g opencode-ai`)")
    }

    fn tested(&self) -> Option<Tested> {
        Tested::pinned(self.name(), "1.18.0")
    }

    fn auth_advice(&self) -> &'static str {
        "set the provider's API key in the environment you submit from, or log in once with `opencode auth login`"
    }
}

struct OpenCodeLimits;

impl UsageLimitWatch for OpenCodeLimits {
    fn feed(&mut self, line: &[u8]) -> Option<UsageLimitHit> {
        let obj = parse_object(line)?;
        if str_of(&obj, "type")? != "error" {
            return None;
        }
        let message = parser::error_message(obj_of(&obj, "error")?)?;
        let limited = message.contains("429") || said_limit(&message);
        limited.then(|| UsageLimitHit { message: one_line(&message), reset: reset_in_text(&message) })
    }
}
