//! Claude Code for real as an MCP client of `smart-agents mcp`: the mock model has it queue a
//! command through `mcp__smart-agents__execute`, reads the task id out of the tool result
//! Claude Code sends back, and has it fetch the output with `mcp__smart-agents__result`.

use super::setup;
use crate::common::Home;
use crate::mock_model::{Logged, MockModel, Request, Turn};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");
const ECHO: &str = "done-by-bg";

/// The text of the last `tool_result` block in an Anthropic request's messages.
pub(super) fn last_tool_result(body: &Value) -> String {
    let blocks = body["messages"].as_array().into_iter().flatten().filter_map(|m| m["content"].as_array());
    let Some(result) = blocks.flatten().rfind(|b| b["type"] == "tool_result") else {
        return String::new();
    };
    match &result["content"] {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join("\n"),
        other => other.to_string(),
    }
}

/// The task id in `execute`'s reply: Claude Code 2.1 shows the tool's JSON (`{"id": ...}`);
/// a client showing the text sees "Task ID is pending in the background. ...".
fn task_id(text: &str) -> Option<String> {
    if let Some(id) =
        serde_json::from_str::<Value>(text).ok().and_then(|v| v["id"].as_str().map(String::from))
    {
        return Some(id);
    }
    let rest = text.split("Task ").nth(1)?;
    rest.split_whitespace().next().map(str::to_string)
}

/// The name Claude Code offers smart-agents' `tool` under, found in the request's tools (a
/// plugin's server is named after the plugin too); the `--mcp-config` name when none is offered.
fn offered(request: &Request, tool: &str) -> String {
    let suffix = format!("__{tool}");
    let name = mcp_names(request).into_iter().find(|n| n.contains("smart-agents") && n.ends_with(&suffix));
    name.unwrap_or_else(|| format!("mcp__smart-agents{suffix}"))
}

/// Every `mcp__…` tool name in the request: in its tool list, or (Claude Code 2.1.3xx defers
/// MCP tools behind its tool search) named in the list of deferred tools it sends as text.
fn mcp_names(request: &Request) -> Vec<String> {
    let body = request.json().to_string();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    body.match_indices("mcp__")
        .map(|(i, _)| body[i..].chars().take_while(|c| word(*c)).collect::<String>())
        .collect()
}

/// Queue a command through `execute`.
fn execute_turn(request: &Request) -> Turn {
    let command = json!(["sh", "-c", format!("echo {ECHO}")]);
    Turn::tool(
        &offered(request, "execute"),
        json!({"command": command, "description": "echo in the background"}),
    )
}

/// Ask for `result` of the id the last tool result names (or a marker the test will catch).
fn result_turn(request: &Request) -> Turn {
    let id = task_id(&last_tool_result(&request.json())).unwrap_or_else(|| "no-id-in-tool-result".into());
    Turn::tool(&offered(request, "result"), json!({"id": id, "wait_seconds": 30}))
}

fn turns() -> Vec<Turn> {
    vec![
        Turn::from_request(execute_turn),
        Turn::from_request(result_turn),
        Turn::text("The background task printed its line."),
    ]
}

/// Run Claude Code from `bin` in `world` (at most 3 minutes) with `args` after the prompt,
/// `path` as its PATH and `env` besides the world's.
fn claude(world: &setup::World, bin: &Path, path: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut world_env = world.env.clone();
    world_env.retain(|(k, _)| k != "PATH");
    let mut child = Command::new(bin.join("claude"))
        .args(["-p", "Run echo in the background, then show its output.", "--output-format", "json"])
        .args(args)
        .current_dir(world.repo())
        .env_clear()
        .envs(world_env)
        .env("PATH", path)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start claude");
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().expect("claude state").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().expect("claude output")
}

/// Check the whole round trip: queued, completed, the id in the tool result, the output back.
/// Returns the name `execute` was offered under.
fn check(home: &Home, mock: &MockModel, out: &Output) -> String {
    let main: Vec<Logged> = mock.main_requests();
    let seen = || {
        let bodies: Vec<String> = main.iter().map(|l| last_tool_result(&l.request.json())).collect();
        format!(
            "claude stdout: {}\nstderr: {}\nmock:\n{}\ntool results: {bodies:#?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            mock.describe()
        )
    };
    assert!(out.status.success(), "{}", seen());
    assert_eq!(main.len(), 3, "{}", seen());
    let execute = offered(&main[0].request, "execute");
    assert!(mcp_names(&main[0].request).contains(&execute), "the MCP tools are offered: {}", seen());
    let queued = last_tool_result(&main[1].request.json());
    let id = task_id(&queued).unwrap_or_else(|| panic!("no task id in execute's tool result: {}", seen()));
    let answer = last_tool_result(&main[2].request.json());
    assert!(answer.contains(ECHO) && answer.contains(&id), "result's tool result: {}", seen());
    let view = home.status(&id);
    assert_eq!(view["state"], "completed", "{view}");
    let result = home.json(&["result", &id, "--json"]);
    assert_eq!(result["output"].as_str().map(str::trim), Some(ECHO), "{result:#}");
    assert_eq!(mock.turns_left(), 0, "{}", seen());
    execute
}

/// `PATH` with the built binary's folder and Claude Code's first.
fn path_with(bin: &Path) -> String {
    let ours = Path::new(BIN).parent().expect("binary folder").display().to_string();
    format!("{ours}:{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

const ALLOWED: &str = "mcp__smart-agents__execute,mcp__smart-agents__result";

#[test]
fn claude_mcp_execute_then_result_through_mcp_config() {
    let Some(bin) = setup::cli_bin("claude") else { return };
    let mock = MockModel::start(turns());
    let world = setup::world("claude", &bin, &mock, None, None);
    let home = Home::new();
    let config = json!({"mcpServers": {"smart-agents": {
        "command": BIN, "args": ["mcp"], "env": {"SMART_AGENTS_HOME": home.path()}}}});
    let file = world.dir.path().join("mcp.json");
    std::fs::write(&file, config.to_string()).expect("write mcp.json");
    let file = file.display().to_string();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let args = ["--strict-mcp-config", "--mcp-config", &file, "--allowedTools", ALLOWED];
    let out = claude(&world, &bin, &path, &args, &[]);
    assert_eq!(check(&home, &mock, &out), "mcp__smart-agents__execute");
}

/// The plugin's own `.mcp.json` runs `smart-agents mcp` from PATH, with the caller's
/// SMART_AGENTS_HOME. Its tools are allowed by bypassing permissions (as root that needs the
/// IS_SANDBOX escape hatch Claude Code names).
#[test]
fn claude_mcp_execute_then_result_through_the_plugin() {
    let Some(bin) = setup::cli_bin("claude") else { return };
    let mock = MockModel::start(turns());
    let world = setup::world("claude", &bin, &mock, None, None);
    let home = Home::new();
    let plugin: std::path::PathBuf = [env!("CARGO_MANIFEST_DIR"), "assets", "claude-code"].iter().collect();
    let plugin = plugin.display().to_string();
    let args = ["--plugin-dir", &plugin, "--permission-mode", "bypassPermissions"];
    let home_dir = home.path().display().to_string();
    let env = [("SMART_AGENTS_HOME", home_dir.as_str()), ("IS_SANDBOX", "1")];
    let out = claude(&world, &bin, &path_with(&bin), &args, &env);
    let execute = check(&home, &mock, &out);
    assert!(execute.starts_with("mcp__plugin_"), "the plugin's server is named for it: {execute}");
}
