//! `smart-agents mcp` driven by the official MCP Python SDK (installed by
//! `.ci/install-mcp-tools`): initialize, list the tools, execute, status, wait (with progress),
//! result, logs, cancel, list, agents, and bad calls that must come back as tool errors while the
//! server keeps answering. The checks themselves are in tests/mcp/client.py.

use crate::common;

use common::Home;
use std::path::PathBuf;

#[test]
fn the_official_python_sdk_drives_every_tool() {
    let home = Home::new();
    let project = home.temp_dir().join("project");
    std::fs::create_dir_all(&project).expect("project folder");
    let project = std::fs::canonicalize(&project).expect("canonical project");
    let script: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "mcp", "client.py"].iter().collect();
    let out = std::process::Command::new(common::ci_tools::mcp_python())
        .arg(&script)
        .arg(common::BIN)
        .arg(home.path())
        .arg(&project)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the MCP client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("all MCP checks passed"),
        "{stdout}\n{}\nworker log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        home.worker_log_tail()
    );
    // The server started the worker on demand, and what the client queued is in the database.
    let listed = home.list(&[]);
    assert_eq!(listed.len(), 5, "{listed:?}");
    assert!(
        listed.iter().any(|t| t["description"] == "Say hello" && t["state"] == "completed"),
        "{listed:?}"
    );
}

#[test]
fn garbage_from_a_client_gets_errors_and_the_server_keeps_answering() {
    use std::io::Write;
    let home = Home::new();
    let mut server = std::process::Command::new(common::BIN)
        .arg("mcp")
        .env("SMART_AGENTS_HOME", home.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start smart-agents mcp");
    let lines = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        "this is not json",
        r#"[1,2,3]"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"no/such"}"#,
        r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"status","arguments":[1,2]}}"#,
        r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"execute","arguments":{"command":"not an array"}}}"#,
        r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"status","arguments":{"id":"\u0000\u0001../../x"}}}"#,
        r#"{"jsonrpc":"2.0","id":6,"method":"tools/list"}"#,
    ];
    let mut stdin = server.stdin.take().expect("stdin");
    for line in lines {
        writeln!(stdin, "{line}").expect("write to the server");
    }
    // Closing stdin ends the session: the server answers what it got, then exits cleanly.
    drop(stdin);
    let out = server.wait_with_output().expect("server output");
    assert!(out.status.success(), "{}", common::describe(&out));
    let answers: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every answer is JSON"))
        .collect();
    let by_id = |id: i64| {
        answers.iter().find(|a| a["id"] == id).unwrap_or_else(|| panic!("no answer {id}: {answers:?}"))
    };
    assert!(by_id(2)["error"].is_object());
    assert_eq!(by_id(4)["result"]["isError"], true, "{answers:?}");
    assert_eq!(by_id(5)["result"]["isError"], true, "{answers:?}");
    assert_eq!(by_id(6)["result"]["tools"].as_array().map(Vec::len), Some(17), "{answers:?}");
    assert!(home.list(&[]).is_empty(), "garbage queued a task");
}
