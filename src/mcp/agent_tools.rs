//! `smart-agents __agent-tools`: the MCP server an agent CLI gets inside a task (Claude Code
//! through `--mcp-config`). Its `progress` tool lets the agent report its plan as a todo list:
//! Claude Code 2.1.332 offers no planning tool in `-p` mode, so without it a Claude task shows
//! no progress. The tool only acknowledges; the call itself is in the agent's stream, where
//! the task's parser reads it (the CLI's module under `agents/`), so no socket or task id is needed
//! here and a worker restart loses nothing. Names and the config: `agents::task_tools`.

use rmcp::handler::server::common::schema_for_type;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::agents::task_tools::{PROGRESS, SERVER};

#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)] // Read by the schema only: the call itself is read from the agent's stream.
struct ProgressArgs {
    /// The whole plan, in order; send it all each time.
    todos: Vec<ProgressItem>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct ProgressItem {
    /// What the item is, imperative: "Run the tests".
    content: String,
    /// pending, in_progress or completed.
    status: String,
    /// The item while it is going on: "Running the tests".
    #[serde(rename = "activeForm")]
    active_form: Option<String>,
}

#[derive(Clone)]
struct AgentTools;

/// Serve the agent tools on stdin/stdout until the client closes them.
pub fn main() -> i32 {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return 1;
    };
    runtime.block_on(async {
        match AgentTools.serve(rmcp::transport::stdio()).await {
            Ok(running) => i32::from(running.waiting().await.is_err()),
            Err(e) => {
                eprintln!("smart-agents agent tools: MCP handshake failed: {e}");
                1
            }
        }
    })
}

fn progress_tool() -> Tool {
    let mut tool = Tool::new(
        PROGRESS,
        "Show the user watching this background task your plan and how far you are: the whole todo \
         list, each item pending, in_progress or completed. Call it when you have a plan and after \
         each item starts or ends.",
        schema_for_type::<ProgressArgs>(),
    );
    tool.annotations = Some(ToolAnnotations::new().read_only(true));
    tool
}

impl ServerHandler for AgentTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(SERVER, crate::version::VERSION))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(vec![progress_tool()]))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        (name == PROGRESS).then(progress_tool)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // One text block and no structured content: some clients refuse anything else.
        let result = if request.name == PROGRESS {
            CallToolResult::success(vec![ContentBlock::text("Progress shown to the user.")])
        } else {
            CallToolResult::error(vec![ContentBlock::text(format!("no tool named '{}'", request.name))])
        };
        Ok(result.into())
    }
}
