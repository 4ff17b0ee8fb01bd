//! `smart-agents __agent-tools`: the MCP server an agent CLI gets inside a task (Claude Code
//! through `--mcp-config`). Its `progress` tool lets the agent report its plan as a todo list:
//! Claude Code 2.1.332 offers no planning tool in `-p` mode, so without it a Claude task shows
//! no progress. That tool only acknowledges; the call itself is in the agent's stream, where
//! the task's parser reads it (the CLI's module under `agents/`). Its `permission` tool is
//! Claude Code's `--permission-prompt-tool`: it asks the worker, for the task in
//! `$SMART_AGENTS_TASK_ID`, and answers once a person has (`agents::claude::permission`).
//! Names and the config: `agents::task_tools`.

use rmcp::handler::server::common::schema_for_type;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::agents::claude::permission;
use crate::agents::task_tools::{PERMISSION, PROGRESS, SERVER};
use serde_json::Value;

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

#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)] // Read by the schema only: the server passes the call on as it came.
struct PermissionArgs {
    /// The tool Claude wants to use.
    tool_name: String,
    /// Its input.
    input: serde_json::Map<String, Value>,
    /// The tool use's id.
    tool_use_id: Option<String>,
}

#[derive(Clone)]
struct AgentTools;

/// Serve the agent tools on stdin/stdout until the client closes them.
pub fn main() -> i32 {
    crate::client::set_client_kind("agent");
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

fn permission_tool() -> Tool {
    let mut tool = Tool::new(
        PERMISSION,
        "Ask the user of this background task whether a tool may be used (Claude Code's permission \
         prompt). Waits until the user answers.",
        schema_for_type::<PermissionArgs>(),
    );
    tool.annotations = Some(ToolAnnotations::new().read_only(true));
    tool
}

/// Ask the worker for the task this runs in, and wait for the person's reply.
async fn ask_permission(args: &Value) -> Value {
    let Some(id) = std::env::var("SMART_AGENTS_TASK_ID").ok().filter(|id| !id.is_empty()) else {
        return permission::refused("this agent does not run as a smart-agents task");
    };
    let paths = match crate::paths::Paths::from_env() {
        Ok(paths) => paths,
        Err(e) => return permission::refused(&e.to_string()),
    };
    match crate::client::ask::ask(&paths, &id, permission::question(args)).await {
        Ok(reply) => permission::response(args, &reply),
        Err(e) => permission::refused(&e.to_string()),
    }
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
        Ok(ListToolsResult::with_all_items(vec![progress_tool(), permission_tool()]))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        match name {
            PROGRESS => Some(progress_tool()),
            PERMISSION => Some(permission_tool()),
            _ => None,
        }
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // One text block and no structured content: some clients refuse anything else.
        let result = match request.name.as_ref() {
            PROGRESS => CallToolResult::success(vec![ContentBlock::text("Progress shown to the user.")]),
            PERMISSION => {
                let args = Value::Object(request.arguments.unwrap_or_default());
                let answer = ask_permission(&args).await;
                CallToolResult::success(vec![ContentBlock::text(answer.to_string())])
            }
            other => CallToolResult::error(vec![ContentBlock::text(format!("no tool named '{other}'"))]),
        };
        Ok(result.into())
    }
}
