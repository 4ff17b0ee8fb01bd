//! Claude Code: `claude -p PROMPT --output-format stream-json --verbose`.
//!
//! Progress comes from smart-agents' own `progress` tool (served to each run over MCP, see
//! [`crate::agents::task_tools`]: 2.1.332 offers no planning tool in `-p` mode), the task tools
//! (`TaskCreate` / `TaskUpdate`, earlier 2.1.x, read by [`tasks`]) or `TodoWrite` (older
//! releases), else the latest tool use. The answer and the verdict come from the final
//! `result` event ([`parser`]).

pub mod mcp_tools;
pub mod parser;
pub mod permission;
mod system;
mod tasks;
mod usage_limits;
mod words;

use super::cli::{AgentCli, Asking, Defaults, ModelHost, Tested, autonomy_unless_set};
use super::common::push_opt;
use super::event::StreamParser;
use super::task_tools;
use super::usage_limits::UsageLimitWatch;
use super::{AgentError, AgentRequest, Autonomy};

pub use parser::ClaudeParser;

const GIB: u64 = 1024 * 1024 * 1024;

pub struct Claude;

impl AgentCli for Claude {
    fn name(&self) -> &'static str {
        "claude"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["claude-code"]
    }

    fn defaults(&self) -> Defaults {
        // A Claude Code process is 1.5-2 GB resident.
        Defaults {
            capabilities: &["code", "code_review", "analysis", "research"],
            max_concurrency: 2,
            mem_bytes: Some(2 * GIB),
        }
    }

    fn args(&self, req: &AgentRequest<'_>) -> Result<Vec<String>, AgentError> {
        Ok(args(req))
    }

    fn autonomy_args(&self, level: Autonomy) -> &'static [&'static str] {
        match level {
            Autonomy::ReadOnly => &["--permission-mode", "plan"],
            Autonomy::Edit => &["--permission-mode", "acceptEdits"],
            Autonomy::Full => &["--permission-mode", "bypassPermissions"],
        }
    }

    fn autonomy_switches(&self) -> &'static [&'static str] {
        &["--permission-mode", "--dangerously-skip-permissions"]
    }

    fn parser(&self) -> Box<dyn StreamParser> {
        Box::new(ClaudeParser::new())
    }

    fn usage_limit_watch(&self, _pattern: Option<&str>) -> Box<dyn UsageLimitWatch> {
        Box::new(usage_limits::ClaudeUsageLimits::default())
    }

    fn budget_args(&self, usd: f64) -> Vec<String> {
        vec!["--max-budget-usd".to_string(), format!("{:.4}", usd.max(0.0))]
    }

    fn package(&self) -> Option<&'static str> {
        Some("@anthropic-ai/claude-code")
    }

    fn install_hint(&self) -> Option<&'static str> {
        Some("Claude Code (`npm install -g @anthropic-ai/claude-code`)")
    }

    fn tested(&self) -> Option<Tested> {
        Tested::pinned(self.name(), "2.1.0")
    }

    fn asking(&self) -> Asking {
        Asking::Through(
            "--permission-prompt-tool: a tool use its autonomy does not allow, and its own clarifying \
             questions, wait for `smart-agents answer` (autonomy edit or read-only)",
        )
    }

    fn model_host(&self) -> Option<ModelHost> {
        Some(ModelHost { host: "api.anthropic.com:443", base_url_var: "ANTHROPIC_BASE_URL" })
    }

    fn home_dirs(&self) -> &'static [&'static str] {
        &[".claude", ".claude.json", ".config/claude"]
    }

    fn auth_advice(&self) -> &'static str {
        "set ANTHROPIC_API_KEY in the environment you submit from, or log in once with `claude /login`"
    }
}

/// Arguments after the program name. The prompt is one element; when it starts with `-` it
/// goes after `--` so it cannot be read as an option (`-p` itself takes no value).
fn args(req: &AgentRequest<'_>) -> Vec<String> {
    let dashed = req.prompt.starts_with('-');
    let mut args = vec!["-p".to_string()];
    if !dashed {
        args.push(req.prompt.to_string());
    }
    args.extend(["--output-format", "stream-json", "--verbose"].map(String::from));
    if let Some(model) = req.model {
        push_opt(&mut args, "--model", model);
    }
    let tools = req.tools_exe.map(mcp_tools::claude_mcp_config);
    let system = match (req.system_prompt, &tools) {
        (Some(own), Some(_)) => Some(format!("{own}\n\n{}", task_tools::PROMPT_LINE)),
        (None, Some(_)) => Some(task_tools::PROMPT_LINE.to_string()),
        (own, None) => own.map(str::to_string),
    };
    if let Some(system) = system {
        push_opt(&mut args, "--append-system-prompt", &system);
    }
    if let Some(config) = tools {
        // Allowed by name: under `acceptEdits` or `plan` an MCP tool would otherwise be refused.
        args.extend(["--mcp-config".to_string(), config]);
        args.extend(["--allowedTools".to_string(), mcp_tools::CLAUDE_PROGRESS.to_string()]);
        // What its autonomy does not allow is asked of a person, unless the profile decides.
        let own = ["--permission-prompt-tool", "--permission-prompts", "--dangerously-skip-permissions"];
        let decided = req.extra_args.iter().any(|a| own.iter().any(|o| a.starts_with(o)));
        if req.autonomy != Autonomy::Full && !decided {
            args.extend(["--permission-prompt-tool".to_string(), mcp_tools::CLAUDE_PERMISSION.to_string()]);
        }
    }
    if let Some(id) = req.resume {
        push_opt(&mut args, "--resume", id);
    }
    args.extend(autonomy_unless_set(&Claude, req.autonomy, req.extra_args));
    args.extend(req.extra_args.iter().cloned());
    if dashed {
        args.push("--".to_string());
        args.push(req.prompt.to_string());
    }
    args
}

/// A refusal recognised in a line the CLI printed before doing any work.
pub(crate) fn refusal(line: &str) -> Option<&'static str> {
    line.contains("cannot be used with root/sudo").then_some(
        "claude refuses autonomy \"full\" (bypassPermissions) when run as root: run smart-agents as a \
         normal user, or set IS_SANDBOX=1 in the task's environment if this machine is a throwaway \
         sandbox, or use --autonomy edit",
    )
}
