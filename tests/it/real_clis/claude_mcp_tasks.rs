//! Claude Code for real, asked by the model for `execute` with `background: true`. Claude Code
//! 2.1.332 in `-p` mode does not declare the MCP tasks extension to smart-agents' server (rmcp
//! 3.11), so the call keeps today's answer, `{id, state}`, and the task runs as any other. The
//! protocol itself is proven with the official Rust SDK as the client: tests/it/mcp_tasks.rs.

use super::setup;
use crate::common::Home;
use crate::mock_model::{MockModel, Turn};
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");
/// What the task prints: computed, so the command line itself never contains it.
const ECHO: &str = "heard-42";

#[test]
fn claude_without_the_tasks_extension_gets_todays_answer_to_background() {
    let Some(bin) = setup::cli_bin("claude") else { return };
    let command = json!(["sh", "-c", "sleep 2; echo heard-$((6*7))"]);
    let turns = vec![
        Turn::tool("mcp__smart-agents__execute", json!({"command": command, "background": true})),
        Turn::text("Started it in the background."),
        Turn::text("It finished."),
        Turn::text("Noted."),
    ];
    let mock = MockModel::start(turns);
    let world = setup::world("claude", &bin, &mock, None, None);
    let home = Home::new();
    let config = json!({"mcpServers": {"smart-agents": {
        "command": BIN, "args": ["mcp"], "env": {"SMART_AGENTS_HOME": home.path()}, "alwaysLoad": true}}});
    let file = world.dir.path().join("mcp.json");
    std::fs::write(&file, config.to_string()).expect("write mcp.json");
    let mut world_env = world.env.clone();
    world_env.retain(|(k, _)| k != "PATH");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut child = Command::new(bin.join("claude"))
        .args(["-p", "Run echo in the background.", "--output-format", "stream-json", "--verbose"])
        .args(["--strict-mcp-config", "--mcp-config", &file.display().to_string()])
        .args(["--allowedTools", "mcp__smart-agents__execute"])
        .current_dir(world.repo())
        .env_clear()
        .envs(world_env)
        .env("PATH", path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start claude");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("claude state").is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("claude output");
    let bodies: Vec<String> = mock.main_requests().iter().map(|l| l.request.json().to_string()).collect();
    let said = || {
        format!(
            "stdout: {}\nstderr: {}\nmock: {}\nrequests: {bodies:#?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            mock.describe()
        )
    };
    assert!(out.status.success(), "{}", said());
    // The tool result is the ordinary one: the task's id and state, not a task handle.
    let second = bodies.get(1).cloned().unwrap_or_default();
    assert!(second.contains("\\\"state\\\"") && !second.contains("resultType"), "{}", said());
    let id = home.list(&[])[0]["id"].as_str().unwrap_or_default().to_string();
    home.wait_state(&id, "completed", Duration::from_secs(30));
    let result = home.json(&["result", &id, "--json"]);
    assert_eq!(result["output"].as_str().map(str::trim), Some(ECHO), "{result:#}");
    assert!(!bodies.iter().any(|b| b.contains(ECHO)), "nobody told the model: it would have to ask");
}
