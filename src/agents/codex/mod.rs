//! Codex CLI: `codex exec --json PROMPT` (resume: `codex exec --json ... resume ID PROMPT`).
//! The stream is read by [`parser`]; limits are `error` / `turn.failed` messages such as
//! "exceeded retry limit, last status: 429 Too Many Requests" or "You've hit your usage limit …
//! try again at 7:58 AM."

mod items;
pub mod parser;

use super::cli::{AgentCli, Asking, Defaults, ModelHost, Tested, autonomy_unless_set};
use super::common::{obj_of, parse_object, push_opt, str_of, with_preamble};
use super::event::StreamParser;
use super::usage_limits::{UsageLimitHit, UsageLimitWatch, one_line, reset_in_text, said_limit};
use super::{AgentError, AgentRequest, Autonomy};

pub use parser::CodexParser;

const GIB: u64 = 1024 * 1024 * 1024;

pub struct Codex;

impl AgentCli for Codex {
    fn name(&self) -> &'static str {
        "codex"
    }

    fn defaults(&self) -> Defaults {
        Defaults {
            capabilities: &["code", "code_review", "analysis"],
            max_concurrency: 2,
            mem_bytes: Some(GIB),
        }
    }

    fn args(&self, req: &AgentRequest<'_>) -> Result<Vec<String>, AgentError> {
        Ok(args(req))
    }

    fn autonomy_args(&self, level: Autonomy) -> &'static [&'static str] {
        match level {
            Autonomy::ReadOnly => &["--sandbox", "read-only"],
            Autonomy::Edit => &["--sandbox", "workspace-write"],
            Autonomy::Full => &["--dangerously-bypass-approvals-and-sandbox"],
        }
    }

    fn autonomy_switches(&self) -> &'static [&'static str] {
        &["--sandbox", "-s", "--dangerously-bypass-approvals-and-sandbox", "--full-auto", "--yolo"]
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(CodexParser::new())
    }

    fn usage_limit_watch(&self, _pattern: Option<&str>) -> Box<dyn UsageLimitWatch> {
        Box::new(CodexLimits)
    }

    fn package(&self) -> Option<&'static str> {
        Some("@openai/codex")
    }

    fn install_hint(&self) -> Option<&'static str> {
        Some("Codex (`npm install -g @openai/codex`)")
    }

    fn tested(&self) -> Option<Tested> {
        Tested::pinned(self.name(), "0.171.0")
    }

    fn asking(&self) -> Asking {
        // `exec` has no way to answer an approval request or a `request_user_input`: it
        // declines the one and reports the other, and the run goes on.
        Asking::Never
    }

    fn model_host(&self) -> Option<ModelHost> {
        Some(ModelHost { host: "api.openai.com:443", base_url_var: "OPENAI_BASE_URL" })
    }

    fn home_dirs(&self) -> &'static [&'static str] {
        &[".codex"]
    }

    fn auth_advice(&self) -> &'static str {
        "set OPENAI_API_KEY in the environment you submit from, or log in once with `codex login`"
    }
}

/// Arguments after the program name. Codex has no system-prompt flag, so a system prompt
/// becomes a preamble of the prompt. A prompt starting with `-` goes after `--`.
fn args(req: &AgentRequest<'_>) -> Vec<String> {
    let mut args: Vec<String> = ["exec", "--json", "--skip-git-repo-check"].map(String::from).into();
    if let Some(model) = req.model {
        push_opt(&mut args, "--model", model);
    }
    args.extend(autonomy_unless_set(&Codex, req.autonomy, req.extra_args));
    args.extend(req.extra_args.iter().cloned());
    if let Some(id) = req.resume {
        args.push("resume".to_string());
        args.push(id.to_string());
    }
    let prompt = with_preamble(req.prompt, req.system_prompt);
    if prompt.starts_with('-') {
        args.push("--".to_string());
    }
    args.push(prompt);
    args
}

struct CodexLimits;

impl UsageLimitWatch for CodexLimits {
    fn feed(&mut self, line: &[u8]) -> Option<UsageLimitHit> {
        let obj = parse_object(line)?;
        let message = match str_of(&obj, "type")? {
            "error" => str_of(&obj, "message")?,
            "turn.failed" => str_of(obj_of(&obj, "error")?, "message")?,
            _ => return None,
        };
        let limited = message.contains("429") || said_limit(message);
        limited.then(|| UsageLimitHit { message: one_line(message), reset: reset_in_text(message) })
    }
}
