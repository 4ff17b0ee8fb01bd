//! smart-agents' own tools for an agent inside a task, served over MCP by
//! `smart-agents __agent-tools` (src/mcp/agent_tools.rs): today `progress`, a todo list the
//! agent reports its plan with. The call travels in the agent's own stream, where its parser
//! reads it like a planning tool. Constants live here, below the MCP server, so the parsers
//! can name the tool.

/// The argument that starts the server (checked before the command line is parsed).
pub const ARG: &str = "__agent-tools";

/// The server's name in an MCP config.
pub const SERVER: &str = "smart-agents";

/// The progress tool's name on the server.
pub const PROGRESS: &str = "progress";

/// The tool Claude Code asks for permission (`--permission-prompt-tool`): a person answers.
pub const PERMISSION: &str = "permission";

/// The permission tool as Claude Code names it.
pub const CLAUDE_PERMISSION: &str = "mcp__smart-agents__permission";

/// The progress tool as Claude Code names an MCP tool: `mcp__SERVER__TOOL`.
pub const CLAUDE_PROGRESS: &str = "mcp__smart-agents__progress";

/// What the agent is told, appended to its system prompt.
pub const PROMPT_LINE: &str = "You are running as a background task of smart-agents, and the user \
follows your progress from elsewhere. When you have a plan, call the smart-agents `progress` tool with \
it as a todo list; call it again with the whole list whenever an item starts or is done.";

/// The `--mcp-config` JSON that starts the server with `exe` (this binary). `alwaysLoad` puts
/// the tool in the model's tool list at once: Claude Code defers MCP tools behind a search by
/// default, and a model that never searches would never see it.
pub fn claude_mcp_config(exe: &str) -> String {
    serde_json::json!({
        "mcpServers": { SERVER: { "command": exe, "args": [ARG], "alwaysLoad": true } }
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claude_name_is_server_and_tool() {
        assert_eq!(CLAUDE_PROGRESS, format!("mcp__{SERVER}__{PROGRESS}"));
        assert_eq!(CLAUDE_PERMISSION, format!("mcp__{SERVER}__{PERMISSION}"));
        let config: serde_json::Value = serde_json::from_str(&claude_mcp_config("/x/smart agents")).unwrap();
        assert_eq!(config["mcpServers"][SERVER]["command"], "/x/smart agents");
        assert_eq!(config["mcpServers"][SERVER]["args"][0], ARG);
    }
}
