//! How Claude Code meets smart-agents' task tools (`agents::task_tools`): their names as it
//! calls MCP tools, and the `--mcp-config` that starts the server.

use crate::agents::task_tools::{ARG, SERVER};

/// The permission tool as Claude Code names it.
pub const CLAUDE_PERMISSION: &str = "mcp__smart-agents__permission";

/// The progress tool as Claude Code names an MCP tool: `mcp__SERVER__TOOL`.
pub const CLAUDE_PROGRESS: &str = "mcp__smart-agents__progress";

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
    use crate::agents::task_tools::{PERMISSION, PROGRESS};

    #[test]
    fn the_claude_name_is_server_and_tool() {
        assert_eq!(CLAUDE_PROGRESS, format!("mcp__{SERVER}__{PROGRESS}"));
        assert_eq!(CLAUDE_PERMISSION, format!("mcp__{SERVER}__{PERMISSION}"));
        let config: serde_json::Value = serde_json::from_str(&claude_mcp_config("/x/smart agents")).unwrap();
        assert_eq!(config["mcpServers"][SERVER]["command"], "/x/smart agents");
        assert_eq!(config["mcpServers"][SERVER]["args"][0], ARG);
    }
}
