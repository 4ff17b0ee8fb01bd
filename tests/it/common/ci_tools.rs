//! Tools `.ci/install-mcp-tools` puts in the CI cache folder: the official MCP Python SDK and
//! the real Claude Code. A test that needs one fails with how to install it, never skips.

use std::path::PathBuf;

/// `${XDG_CACHE_HOME:-$HOME/.cache}/smart-agents-ci`
pub fn cache_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache"));
    cache.join("smart-agents-ci")
}

/// The venv's python with `mcp`: `SMART_AGENTS_MCP_PYTHON`, else the cache folder's.
pub fn mcp_python() -> PathBuf {
    if let Some(path) = std::env::var_os("SMART_AGENTS_MCP_PYTHON") {
        return PathBuf::from(path);
    }
    let python = cache_dir().join("mcp-venv/bin/python");
    assert!(python.exists(), "{} is missing: run .ci/install-mcp-tools", python.display());
    python
}

/// The folder holding the real `claude`, to put on a test's PATH.
pub fn claude_dir() -> PathBuf {
    let dir = cache_dir().join("agent-clis/claude/node_modules/.bin");
    assert!(dir.join("claude").exists(), "{} has no claude: run .ci/install-mcp-tools", dir.display());
    dir
}

/// Claude Code's environment for running offline: no update checks, no telemetry.
pub const CLAUDE_OFFLINE: [&str; 3] =
    ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "DISABLE_TELEMETRY", "DISABLE_AUTOUPDATER"];
