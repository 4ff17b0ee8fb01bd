//! `execute` with `background: true` for a client that negotiated the MCP tasks extension
//! (`io.modelcontextprotocol/tasks`, SEP-2663): the call returns a task handle at once, and the
//! client (one that moves such a call to the background) learns the
//! result when the smart-agents task ends, with no hook and no `status` call. While the task
//! waits for a person its MCP task is `input_required`, with the question as an elicitation;
//! the client's answer goes to the worker as `answer` does. `tasks/cancel` cancels the
//! smart-agents task. rmcp's `TaskManager` keeps the handles.

use super::calls::{self, Reply};
use super::tools::ExecuteArgs;
use crate::model::{Needs, Reply as Answer, TaskState, TaskView};
use crate::paths::Paths;
use crate::protocol::{Event, Response};
use rmcp::model::{
    CallToolResult, ElicitRequest, ElicitRequestParams, ElicitationSchema, ErrorData, InputRequest,
};
use rmcp::task_manager::{TaskContext, TaskExit, TaskFuture, TaskManager, TaskOptions};
use std::sync::Arc;

/// How long a finished task's handle stays readable: a day, so a client that comes back
/// later still finds the result (the task itself stays in smart-agents' history).
const TTL_MS: u64 = 86_400_000;

/// Queue the task and return its MCP task handle; the work goes on in the manager.
pub fn spawn(tasks: &TaskManager, paths: Arc<Paths>, args: ExecuteArgs) -> rmcp::model::Task {
    let options = TaskOptions::new().with_ttl_ms(TTL_MS).with_poll_interval_ms(2_000);
    tasks.spawn(options.with_status_message("queueing"), move |ctx| -> TaskFuture {
        Box::pin(async move { run(&paths, args, ctx).await })
    })
}

async fn run(paths: &Paths, args: ExecuteArgs, ctx: TaskContext) -> Result<CallToolResult, TaskExit> {
    let queued = calls::execute(paths, args).await.map_err(fail)?;
    let id = queued.json["id"].as_str().unwrap_or_default().to_string();
    ctx.set_status_message(format!("smart-agents task {id} queued"));
    let ended = tokio::select! {
        ended = follow(paths, &id, &ctx) => ended?,
        () = ctx.cancelled() => {
            let _ = crate::client::requests::cancel(paths, vec![id.clone()]).await;
            return Err(TaskExit::Cancelled);
        }
    };
    let result = calls::result(paths, super::tools::ResultArgs { id: id.clone(), wait_seconds: None }).await;
    let mut done = super::to_result(result.map(|r| with_state(r, &ended)));
    done.is_error = Some(ended.state != TaskState::Completed);
    Ok(done)
}

/// Watch the task until it ends, asking the client whenever it waits for a person.
async fn follow(paths: &Paths, id: &str, ctx: &TaskContext) -> Result<TaskView, TaskExit> {
    let client = crate::client::Client::connect(paths).await.map_err(fail)?;
    let mut events = client.subscribe(Some(vec![id.to_string()])).await.map_err(fail)?;
    let mut asked: Option<String> = None;
    loop {
        let views = match events.next().await.map_err(fail)? {
            Response::Snapshot { tasks, .. } => tasks,
            Response::Event { event: Event::Task { task } } => vec![task],
            _ => continue,
        };
        for view in views.into_iter().filter(|v| v.id == id) {
            if view.state.is_finished() {
                return Ok(view);
            }
            ctx.set_status_message(format!("{id}: {}", crate::render::headline(&view)));
            if let Some(needs) = view.needs.filter(|n| asked.as_ref() != Some(&n.since)) {
                asked = Some(needs.since.clone());
                tokio::spawn(relay_question(paths.clone(), id.to_string(), needs, ctx.clone()));
            }
        }
    }
}

/// Put the question to the client as an elicitation and pass its answer on. An answer that
/// comes too late (someone answered elsewhere first) is refused by the worker and dropped.
async fn relay_question(paths: Paths, id: String, needs: Needs, ctx: TaskContext) {
    let Ok(schema) = ElicitationSchema::builder().required_string("answer").build() else { return };
    let message = format!("smart-agents task {id} asks: {} (answer allow, deny, or in words)", needs.text);
    let request = ElicitRequest::new(ElicitRequestParams::FormElicitationParams {
        meta: None,
        message,
        requested_schema: schema,
    });
    let key = format!("needs-{}", needs.since);
    let Ok(response) = ctx.request_input(key, InputRequest::Elicitation(request)).await else { return };
    let reply = match response.get("action").and_then(|a| a.as_str()) {
        Some("accept") => response
            .get("content")
            .and_then(|c| c.get("answer"))
            .and_then(|a| a.as_str())
            .map_or(Answer::Allow, Answer::parse),
        _ => Answer::Deny,
    };
    let _ = crate::client::requests::answer(&paths, &id, reply, false).await;
}

fn with_state(mut reply: Reply, ended: &TaskView) -> Reply {
    reply.text = format!("smart-agents task {} {}: {}", ended.id, ended.state, reply.text);
    reply
}

fn fail(e: crate::error::Error) -> TaskExit {
    TaskExit::Error(ErrorData::internal_error(e.to_string(), None))
}
