//! The Claude Code plugin in assets/claude-code and the marketplace at the repository root:
//! the real `claude plugin validate --strict` accepts both; the plugin runs `smart-agents mcp`,
//! the same notice hook as assets/claude-code-hooks.json (which `integrate` installs), and a
//! monitor following `notices --follow`; and that hook, run as Claude Code runs it, tells an
//! ending.

use crate::common;

use common::{Home, LONG, ci_tools};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn json(rel: &str) -> Value {
    let text = std::fs::read_to_string(repo(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

#[test]
fn claude_plugin_validate_strict_accepts_the_plugin_and_the_marketplace() {
    let scratch = tempfile::tempdir().expect("temp HOME");
    for target in ["assets/claude-code", "."] {
        let mut cmd = std::process::Command::new(ci_tools::claude_dir().join("claude"));
        cmd.args(["plugin", "validate", "--strict"])
            .arg(repo(target))
            .env("HOME", scratch.path())
            .stdin(std::process::Stdio::null());
        for var in ci_tools::CLAUDE_OFFLINE {
            cmd.env(var, "1");
        }
        let out = cmd.output().expect("run claude plugin validate");
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && text.contains("Validation passed"), "{target}: {text}");
    }
    let market = json(".claude-plugin/marketplace.json");
    assert_eq!(market["plugins"][0]["source"], "./assets/claude-code");
    assert_eq!(market["plugins"][0]["name"], json("assets/claude-code/.claude-plugin/plugin.json")["name"]);
}

#[test]
fn the_plugin_serves_mcp_hooks_and_a_monitor() {
    let server = &json("assets/claude-code/.mcp.json")["mcpServers"]["smart-agents"];
    assert_eq!(server["command"], "smart-agents");
    assert_eq!(server["args"], serde_json::json!(["mcp"]));
    assert_eq!(
        json("assets/claude-code/hooks/hooks.json"),
        json("assets/claude-code-hooks.json"),
        "the plugin's hook and the one `integrate` installs differ"
    );
    // `claude plugin validate` does not read monitors: check them against Claude Code's schema.
    let monitors = json("assets/claude-code/monitors/monitors.json");
    let monitors = monitors.as_array().expect("monitors.json is an array");
    assert_eq!(monitors.len(), 1);
    let monitor = monitors[0].as_object().expect("a monitor is an object");
    let mut keys: Vec<&str> = monitor.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["command", "description", "name"]);
    assert_eq!(monitor["command"], "smart-agents notices --follow");
    for command in ["bg", "tasks", "result"] {
        let text =
            std::fs::read_to_string(repo(&format!("assets/claude-code/commands/{command}.md"))).unwrap();
        assert!(text.starts_with("---\ndescription: "), "{command}.md has no description");
    }
}

#[test]
fn the_notice_hook_tells_an_ending_as_claude_code_runs_it() {
    let home = Home::new();
    let hooks = json("assets/claude-code/hooks/hooks.json");
    let command =
        hooks["hooks"]["UserPromptSubmit"][0]["hooks"][0]["command"].as_str().expect("hook command");
    let bin_dir = Path::new(common::BIN).parent().expect("bin folder");
    let run = || {
        std::process::Command::new("sh")
            .args(["-c", command])
            .env("SMART_AGENTS_HOME", home.path())
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run the hook")
    };
    let id = home.submit_with(&["Hooked task"], &["true"]);
    home.wait_state(&id, "completed", LONG);
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", common::describe(&out));
    assert!(text.starts_with("Background tasks (smart-agents) that ended"), "{text}");
    assert!(text.contains(&format!("✓ {id} completed · Hooked task")), "{text}");
    assert_eq!(String::from_utf8_lossy(&run().stdout), "", "told twice");
}
