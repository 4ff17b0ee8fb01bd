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

/// The tool an agent CLI asks for permission through: a person answers.
pub const PERMISSION: &str = "permission";

/// What the agent is told, appended to its system prompt.
pub const PROMPT_LINE: &str = "You are running as a background task of smart-agents, and the user \
follows your progress from elsewhere. When you have a plan, call the smart-agents `progress` tool with \
it as a todo list; call it again with the whole list whenever an item starts or is done.";
