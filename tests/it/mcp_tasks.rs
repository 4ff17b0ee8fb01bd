//! The MCP tasks extension (`io.modelcontextprotocol/tasks`) with the official Rust SDK, rmcp,
//! as the client of a real `smart-agents mcp` and worker: `execute` with `background: true`
//! returns a task handle; `tasks/get` shows it working, then `input_required` with the
//! question while the smart-agents task waits for a person; the answer sent with
//! `tasks/update` reaches the task, whose output is the MCP task's result. `tasks/cancel`
//! cancels the smart-agents task. A client without the extension gets today's answer.

use crate::common::{BIN, Home};
use rmcp::ServiceExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, ClientCapabilities, ClientConfig,
    GetTaskParams, Implementation, TaskPayload, TaskStatus, UpdateTaskParams,
};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

type Client = RunningService<RoleClient, ClientConfig>;

async fn connect(home: &Home, tasks: bool) -> Client {
    let mut command = tokio::process::Command::new(BIN);
    command
        .arg("mcp")
        .env("SMART_AGENTS_HOME", home.path())
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/smart-agents-test-bus");
    let transport = TokioChildProcess::new(command).expect("start smart-agents mcp");
    let capabilities = if tasks {
        ClientCapabilities::builder().enable_tasks().build()
    } else {
        ClientCapabilities::default()
    };
    ClientConfig::new(capabilities, Implementation::new("tasks-test", "1"))
        .serve(transport)
        .await
        .expect("handshake")
}

fn execute(args: Value) -> CallToolRequestParams {
    CallToolRequestParams::new("execute").with_arguments(serde_json::from_value(args).expect("an object"))
}

/// Poll `tasks/get` until `done` says so; the last state.
async fn poll(client: &Client, id: &str, what: &str, done: impl Fn(&TaskPayload) -> bool) -> TaskPayload {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got = client.peer().get_task(GetTaskParams::new(id)).await.expect("tasks/get");
        if done(&got.task.payload) {
            return got.task.payload;
        }
        assert!(Instant::now() < deadline, "never {what}: {:?}", got.task);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

#[test]
fn a_background_execute_is_an_mcp_task_that_asks_and_ends_with_the_result() {
    let home = Home::new();
    runtime().block_on(async {
        let client = connect(&home, true).await;
        let script = format!("echo \"chose $('{BIN}' ask 'Which store?' --option Zustand)\"");
        let call = execute(json!({"command": ["sh", "-c", script], "background": true}));
        let CallToolResponse::Task(created) = client.call_tool_once(call).await.expect("call") else {
            panic!("a client with the extension gets a task handle")
        };
        let id = created.task.task_id.clone();
        let asked =
            poll(&client, &id, "input_required", |p| matches!(p, TaskPayload::InputRequired { .. })).await;
        let TaskPayload::InputRequired { input_requests } = asked else { unreachable!() };
        let (key, request) = input_requests.iter().next().expect("one question");
        assert!(serde_json::to_string(request).unwrap_or_default().contains("Which store?"), "{request:?}");
        let answer = json!({"action": "accept", "content": {"answer": "Zustand"}});
        let responses = [(key.clone(), answer)].into_iter().collect();
        client.peer().update_task(UpdateTaskParams::new(&id, responses)).await.expect("tasks/update");
        let done = poll(&client, &id, "completed", |p| {
            p.status() != TaskStatus::Working && p.status() != TaskStatus::InputRequired
        })
        .await;
        let TaskPayload::Completed { result } = done else { panic!("the task ended otherwise: {done:?}") };
        assert!(Value::Object(result.clone()).to_string().contains("chose Zustand"), "{result:?}");
        let _ = client.cancel().await;
    });
    let answered = home.run_ok(&["events", "--kind", "answered", "--json"]);
    assert!(answered.contains("\"mcp\""), "the answer came from the MCP client: {answered}");
}

#[test]
fn tasks_cancel_cancels_the_task_and_clients_without_the_extension_get_todays_answer() {
    let home = Home::new();
    runtime().block_on(async {
        let client = connect(&home, true).await;
        let call = execute(json!({"command": ["sleep", "60"], "background": true}));
        let CallToolResponse::Task(created) = client.call_tool_once(call).await.expect("call") else {
            panic!("a task handle")
        };
        let id = created.task.task_id.clone();
        poll(&client, &id, "running", |_| home.list(&[]).first().is_some_and(|t| t["state"] == "running"))
            .await;
        client.peer().cancel_task(CancelTaskParams::new(&id)).await.expect("tasks/cancel");
        poll(&client, &id, "cancelled", |p| p.status() == TaskStatus::Cancelled).await;
        let _ = client.cancel().await;

        let plain = connect(&home, false).await;
        let call = execute(json!({"command": ["true"], "background": true}));
        let CallToolResponse::Complete(result) = plain.call_tool_once(call).await.expect("call") else {
            panic!("without the extension: an ordinary result")
        };
        let queued = result.structured_content.expect("structured");
        assert!(queued["id"].is_string() && queued["state"].is_string(), "{queued}");
        let _ = plain.cancel().await;
    });
    let tasks = home.list(&[]);
    let slept = tasks.iter().find(|t| t["description"] == "sleep 60").expect("the sleep task");
    let id = slept["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(home.wait_state(&id, "cancelled", Duration::from_secs(20))["state"], "cancelled");
}
