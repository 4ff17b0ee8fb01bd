//! `smart-agents mcp` driven by the official MCP Python SDK (installed by
//! `.ci/install-mcp-tools`): initialize, list the tools, execute, status, wait (with progress),
//! result, logs, cancel, list, agents, and bad calls that must come back as tool errors while the
//! server keeps answering. The checks themselves are in tests/mcp/client.py.

mod common;

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
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(
        listed.iter().any(|t| t["description"] == "Say hello" && t["state"] == "completed"),
        "{listed:?}"
    );
}
