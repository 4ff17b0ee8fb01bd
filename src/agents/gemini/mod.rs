//! Gemini CLI: `gemini -p PROMPT --output-format stream-json`. The stream is read by
//! [`parser`]; a limit is a `result` with `status: "error"` whose message says "Resource has
//! been exhausted" (its 429), with "Suggested retry after 20s." when the API said so.

pub mod parser;

use super::cli::{AgentCli, Defaults, ModelHost, Tested, autonomy_unless_set};
use super::common::{obj_of, parse_object, push_opt, str_of, with_preamble};
use super::event::StreamParser;
use super::usage_limits::{UsageLimitHit, UsageLimitWatch, one_line, reset_in_text, said_limit};
use super::{AgentError, AgentRequest, Autonomy};

pub use parser::GeminiParser;

pub const EXIT_BAD_INPUT: i32 = 42;
pub const EXIT_TURN_LIMIT: i32 = 53;

const GIB: u64 = 1024 * 1024 * 1024;

pub struct Gemini;

impl AgentCli for Gemini {
    fn name(&self) -> &'static str {
        "gemini"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["gemini-cli"]
    }

    fn defaults(&self) -> Defaults {
        Defaults { capabilities: &["code", "analysis", "research"], max_concurrency: 2, mem_bytes: Some(GIB) }
    }

    fn args(&self, req: &AgentRequest<'_>) -> Result<Vec<String>, AgentError> {
        Ok(args(req))
    }

    fn autonomy_args(&self, level: Autonomy) -> &'static [&'static str] {
        match level {
            Autonomy::ReadOnly => &["--approval-mode", "plan"],
            Autonomy::Edit => &["--approval-mode", "auto_edit"],
            Autonomy::Full => &["--approval-mode", "yolo"],
        }
    }

    fn autonomy_switches(&self) -> &'static [&'static str] {
        &["--approval-mode", "--yolo", "-y"]
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(GeminiParser::new())
    }

    fn usage_limit_watch(&self, _pattern: Option<&str>) -> Box<dyn UsageLimitWatch> {
        Box::new(GeminiLimits)
    }

    fn package(&self) -> Option<&'static str> {
        Some("@google/gemini-cli")
    }

    fn install_hint(&self) -> Option<&'static str> {
        Some("Gemini CLI (`npm install -g @google/gemini-cli`)")
    }

    fn tested(&self) -> Option<Tested> {
        Tested::pinned(self.name(), "0.61.0")
    }

    fn model_host(&self) -> Option<ModelHost> {
        Some(ModelHost {
            host: "generativelanguage.googleapis.com:443",
            base_url_var: "GOOGLE_GEMINI_BASE_URL",
        })
    }

    fn home_dirs(&self) -> &'static [&'static str] {
        &[".gemini"]
    }

    fn auth_advice(&self) -> &'static str {
        "set GEMINI_API_KEY in the environment you submit from, or log in once with `gemini`"
    }
}

/// Arguments after the program name. Gemini has no flag to append to the system prompt, so it
/// becomes a preamble of the prompt. A prompt starting with `-` is passed as `--prompt=...`.
fn args(req: &AgentRequest<'_>) -> Vec<String> {
    let prompt = with_preamble(req.prompt, req.system_prompt);
    let mut args = if prompt.starts_with('-') {
        vec![format!("--prompt={prompt}")]
    } else {
        vec!["-p".to_string(), prompt]
    };
    args.extend(["--output-format", "stream-json"].map(String::from));
    if let Some(model) = req.model {
        push_opt(&mut args, "--model", model);
    }
    if let Some(id) = req.resume {
        push_opt(&mut args, "--resume", id);
    }
    args.extend(autonomy_unless_set(&Gemini, req.autonomy, req.extra_args));
    args.extend(req.extra_args.iter().cloned());
    args
}

/// An exit code with a documented meaning, as a reason that says what to do.
pub(crate) fn exit_code(code: i32) -> Option<&'static str> {
    match code {
        41 => Some(
            "gemini could not authenticate (exit code 41): set GEMINI_API_KEY (or log in once with \
             `gemini`); with GOOGLE_GEMINI_BASE_URL also set security.auth.selectedType = \
             \"gemini-api-key\" in ~/.gemini/settings.json",
        ),
        EXIT_BAD_INPUT => Some("gemini: bad input (exit code 42)"),
        44 => Some("gemini: its sandbox failed to start (exit code 44): check its sandbox settings"),
        52 => Some("gemini: its settings are invalid (exit code 52): check ~/.gemini/settings.json"),
        EXIT_TURN_LIMIT => Some("gemini: turn limit reached (exit code 53)"),
        55 => Some(
            "gemini refuses to run in a folder it does not trust (exit code 55): trust the folder once in \
             `gemini`, or set security.folderTrust.enabled = false in ~/.gemini/settings.json, or add \
             \"--skip-trust\" to the agent's `args`",
        ),
        _ => None,
    }
}

struct GeminiLimits;

impl UsageLimitWatch for GeminiLimits {
    fn feed(&mut self, line: &[u8]) -> Option<UsageLimitHit> {
        let obj = parse_object(line)?;
        if !matches!(str_of(&obj, "type")?, "result" | "error") {
            return None;
        }
        let message =
            obj_of(&obj, "error").and_then(|e| str_of(e, "message")).or_else(|| str_of(&obj, "message"))?;
        let limited = message.contains("Resource has been exhausted") || said_limit(message);
        limited.then(|| UsageLimitHit { message: one_line(message), reset: reset_in_text(message) })
    }
}
