//! `smart-agents mcp`: an MCP server on stdio (the official Rust SDK, rmcp) that lets a model
//! hand work off to the worker and check back. Every tool answers with JSON as structured
//! content plus a short text line; bad arguments and unknown ids come back as tool errors
//! carrying the CLI's message, never as a crash.

pub mod agent_tools;
mod answer_tool;
mod calls;
mod mcp_tasks;
mod review_tools;
mod schedule_tools;
mod tools;

use crate::error::Result;
use crate::model::TaskView;
use crate::paths::Paths;
use calls::Reply;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, JsonObject,
    ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde::de::DeserializeOwned;
use std::sync::Arc;

const INSTRUCTIONS: &str = "smart-agents runs work in the background: coding-agent prompts and long \
commands. Use `execute` for anything slow instead of running it in the foreground, tell the user \
the task id, keep working, and check back with `status`, `result` or `wait`. Endings also \
appear in the conversation as notices.";

#[derive(Clone)]
struct Server {
    paths: Arc<Paths>,
    /// `execute` calls answered with an MCP task (the tasks extension).
    tasks: rmcp::task_manager::TaskManager,
}

/// Serve MCP on stdin/stdout until the client closes them or a signal asks us to stop.
pub async fn serve(paths: Paths) -> Result<i32> {
    // The audit trail names MCP clients as such.
    crate::client::set_client_kind("mcp");
    let server = Server { paths: Arc::new(paths), tasks: Default::default() };
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| crate::error::Error::usage(format!("MCP handshake failed: {e}")))?;
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        ended = running.waiting() => {
            ended.map_err(|e| crate::error::Error::internal(format!("MCP server: {e}")))?;
        }
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(0)
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_tasks().build())
            .with_server_info(Implementation::new("smart-agents", crate::version::VERSION))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(all_tools()))
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        all_tools().into_iter().find(|t| t.name == name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = request.arguments.unwrap_or_default();
        let tasks_client = context.client_capabilities().is_some_and(|c| c.supports_tasks());
        // Bad arguments fall through to `dispatch`, which says what was wrong.
        if request.name == "execute"
            && tasks_client
            && let Ok(parsed) = parse::<tools::ExecuteArgs>("execute", args.clone())
            && parsed.background == Some(true)
        {
            let task = mcp_tasks::spawn(&self.tasks, self.paths.clone(), parsed);
            return Ok(CallToolResponse::Task(rmcp::model::CreateTaskResult::new(task)));
        }
        let reply = self.dispatch(&request.name, args, context).await;
        Ok(to_result(reply).into())
    }

    async fn get_task(
        &self,
        request: rmcp::model::GetTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::GetTaskResult, ErrorData> {
        Ok(rmcp::model::GetTaskResult::new(self.tasks.get_task(&request.task_id)?))
    }

    async fn update_task(
        &self,
        request: rmcp::model::UpdateTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.tasks.update_task(&request.task_id, request.input_responses)
    }

    async fn cancel_task(
        &self,
        request: rmcp::model::CancelTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.tasks.cancel_task(&request.task_id)
    }
}

impl Server {
    async fn dispatch(&self, name: &str, args: JsonObject, cx: RequestContext<RoleServer>) -> Result<Reply> {
        let paths = &self.paths;
        match name {
            "execute" => calls::execute(paths, parse(name, args)?).await,
            "status" => calls::status(paths, parse(name, args)?),
            "result" => calls::result(paths, parse(name, args)?).await,
            "list" => calls::list(paths, parse(name, args)?),
            "logs" => calls::logs(paths, parse(name, args)?),
            "cancel" => calls::cancel(paths, parse(name, args)?).await,
            "wait" => {
                let args = parse(name, args)?;
                let (watch, sent) = progress_watch(&cx);
                let reply = calls::wait(paths, args, watch).await;
                // Progress notifications go out before the answer they lead up to.
                if let Some(sent) = sent {
                    sent.await.ok();
                }
                reply
            }
            "agents" => calls::agents(paths, parse(name, args)?).await,
            "answer" => answer_tool::answer(paths, parse(name, args)?).await,
            "schedule_add" => schedule_tools::add(paths, parse(name, args)?).await,
            "schedule_list" => schedule_tools::list(paths, parse(name, args)?),
            "schedule_remove" => schedule_tools::remove(paths, parse(name, args)?).await,
            other if let Some(reply) = review_tools::call(paths, other, args.clone()).await => reply,
            other => {
                let names: Vec<String> = all_tools().into_iter().map(|t| t.name.to_string()).collect();
                Err(crate::error::Error::usage(format!(
                    "no tool named '{other}': the tools are {}",
                    names.join(", ")
                )))
            }
        }
    }
}

pub(crate) fn parse_args<T: DeserializeOwned>(tool: &str, args: JsonObject) -> Result<T> {
    parse(tool, args)
}

fn parse<T: DeserializeOwned>(tool: &str, args: JsonObject) -> Result<T> {
    serde_json::from_value(serde_json::Value::Object(args))
        .map_err(|e| crate::error::Error::usage(format!("invalid arguments for `{tool}`: {e}")))
}

fn to_result(reply: Result<Reply>) -> CallToolResult {
    match reply {
        Ok(reply) => {
            let json_text = serde_json::to_string_pretty(&reply.json).unwrap_or_default();
            let content = vec![ContentBlock::text(reply.text), ContentBlock::text(json_text)];
            let mut result = if reply.is_error {
                CallToolResult::error(content)
            } else {
                CallToolResult::success(content)
            };
            result.structured_content = Some(reply.json);
            result
        }
        Err(e) => CallToolResult::error(vec![ContentBlock::text(e.to_string())]),
    }
}

/// When the client asked for progress, a watcher that reports how far the tasks have come
/// (ended tasks count 1, running ones their percent), and the forwarder sending it.
fn progress_watch(cx: &RequestContext<RoleServer>) -> (calls::Watch, Option<tokio::task::JoinHandle<()>>) {
    let Some(token) = cx.meta.get_progress_token() else {
        return (Box::new(|_| {}), None);
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ProgressNotificationParam>();
    let peer = cx.peer.clone();
    let sender = tokio::spawn(async move {
        while let Some(param) = rx.recv().await {
            if peer.notify_progress(param).await.is_err() {
                break;
            }
        }
    });
    let mut last = -1.0;
    let watch = move |views: &[TaskView]| {
        let done = views.iter().filter(|v| v.state.is_finished()).count();
        let partial: f64 = views
            .iter()
            .filter(|v| !v.state.is_finished())
            .map(|v| v.progress.unwrap_or(0.0).clamp(0.0, 100.0) / 100.0)
            .sum();
        let progress = done as f64 + partial;
        // Progress must grow with each notification.
        if progress <= last {
            return;
        }
        last = progress;
        let mut param = ProgressNotificationParam::new(token.clone(), progress);
        param.total = Some(views.len() as f64);
        param.message = Some(format!("{done} of {} ended", views.len()));
        tx.send(param).ok();
    };
    (Box::new(watch), Some(sender))
}

fn all_tools() -> Vec<rmcp::model::Tool> {
    tools::definitions()
        .into_iter()
        .chain(schedule_tools::definitions())
        .chain(answer_tool::definitions())
        .chain(review_tools::definitions())
        .collect()
}
