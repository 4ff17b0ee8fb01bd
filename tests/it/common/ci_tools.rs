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

/// The release of agent CLI `name` pinned in `.ci/agent-cli-pins` (what the real-CLI lane runs).
pub fn pinned(name: &str) -> String {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/agent-cli-pins");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.first() == Some(&name))
        .and_then(|w| w.get(3).map(|v| v.to_string()))
        .unwrap_or_else(|| panic!("{name} is not pinned in {}", file.display()))
}

/// The venv's python with selenium and standardwebhooks (`.ci/install-web-tools`):
/// `SMART_AGENTS_WEB_PYTHON`, else the cache folder's.
pub fn web_python() -> PathBuf {
    if let Some(path) = std::env::var_os("SMART_AGENTS_WEB_PYTHON") {
        return PathBuf::from(path);
    }
    let python = cache_dir().join("web-venv/bin/python");
    assert!(python.exists(), "{} is missing: run .ci/install-web-tools", python.display());
    python
}
