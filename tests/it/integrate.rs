//! `integrate claude-code` on a temp HOME: merges into the JSON already there, is idempotent,
//! keeps a backup, prints a diff, changes nothing on --dry-run, and --uninstall takes back only
//! what it added. Without `claude` on PATH it writes the files itself; with the real Claude Code
//! (installed by .ci/install-mcp-tools) it registers the server through `claude mcp add`.

use crate::common;

use common::Home;
use serde_json::{Value, json};
use std::path::Path;

const THEIRS: &str = r#"{
  "theme": "dark",
  "hooks": {
    "UserPromptSubmit": [
      { "hooks": [ { "type": "command", "command": "echo mine" } ] }
    ],
    "Stop": []
  },
  "model": "opus"
}
"#;

fn integrate(home: &Home, user_home: &Path, path: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["integrate", "claude-code"];
    all.extend_from_slice(args);
    let mut cmd = home.cmd(&all);
    cmd.env("HOME", user_home).env("PATH", path).current_dir(user_home);
    // Claude Code offline: no update checks or telemetry.
    for var in common::ci_tools::CLAUDE_OFFLINE {
        cmd.env(var, "1");
    }
    cmd.output().expect("run integrate")
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read json")).expect("valid json")
}

fn ours(settings: &Value) -> usize {
    let hooks = settings["hooks"]["UserPromptSubmit"].as_array().cloned().unwrap_or_default();
    hooks.iter().filter(|h| h.to_string().contains("smart-agents notices")).count()
}

#[test]
fn integrate_merges_once_with_backup_diff_dry_run_and_uninstall() {
    let home = Home::new();
    let user = home.temp_dir().join("user");
    let settings = user.join(".claude/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, THEIRS).unwrap();
    let mcp = user.join(".claude.json");
    let path = "/usr/bin:/bin";

    let out = integrate(&home, &user, path, &["--dry-run"]);
    let text = common::stdout(&out);
    assert!(out.status.success(), "{}", common::describe(&out));
    assert!(
        text.lines().any(|l| l.starts_with('+') && l.contains("\"command\": \"smart-agents\"")),
        "no diff of the MCP server: {text}"
    );
    assert!(text.contains("smart-agents notices"), "no diff of the hook: {text}");
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), THEIRS, "a dry run changed the settings");
    assert!(!mcp.exists(), "a dry run wrote {}", mcp.display());

    let out = integrate(&home, &user, path, &["--user"]);
    assert!(out.status.success(), "{}", common::describe(&out));
    let merged = read(&settings);
    assert_eq!(ours(&merged), 1, "{merged}");
    assert_eq!(merged["hooks"]["UserPromptSubmit"][0]["hooks"][0]["command"], "echo mine");
    assert_eq!(merged["theme"], "dark");
    assert_eq!(merged["model"], "opus");
    let keys: Vec<&String> = merged.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["theme", "hooks", "model"], "the user's key order is kept");
    let backup = user.join(".claude/settings.json.smart-agents.bak");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), THEIRS, "no faithful backup");
    assert_eq!(
        read(&mcp)["mcpServers"]["smart-agents"],
        json!({ "type": "stdio", "command": "smart-agents", "args": ["mcp"], "env": {} })
    );

    // Again: nothing changes, nothing is backed up over the first backup.
    let before = (std::fs::read(&settings).unwrap(), std::fs::read(&mcp).unwrap());
    let out = integrate(&home, &user, path, &[]);
    assert!(common::stdout(&out).contains("nothing to change"), "{}", common::describe(&out));
    assert_eq!((std::fs::read(&settings).unwrap(), std::fs::read(&mcp).unwrap()), before);
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), THEIRS);

    let out = integrate(&home, &user, path, &["--uninstall"]);
    assert!(out.status.success(), "{}", common::describe(&out));
    let back = read(&settings);
    assert_eq!(back, serde_json::from_str::<Value>(THEIRS).unwrap(), "uninstall left more than it found");
    assert!(read(&mcp)["mcpServers"].get("smart-agents").is_none());
}

#[test]
fn integrate_project_writes_the_projects_files_and_refuses_broken_json() {
    let home = Home::new();
    let project = home.temp_dir().join("proj");
    std::fs::create_dir_all(&project).unwrap();
    let out = integrate(&home, &project, "/usr/bin:/bin", &["--project"]);
    assert!(out.status.success(), "{}", common::describe(&out));
    assert_eq!(read(&project.join(".mcp.json"))["mcpServers"]["smart-agents"]["args"], json!(["mcp"]));
    assert_eq!(ours(&read(&project.join(".claude/settings.json"))), 1);

    std::fs::write(project.join(".claude/settings.json"), "{ not json").unwrap();
    let out = integrate(&home, &project, "/usr/bin:/bin", &["--project"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::describe(&out));
    assert!(common::stderr(&out).contains("is not valid JSON"), "{}", common::describe(&out));
    assert_eq!(std::fs::read_to_string(project.join(".claude/settings.json")).unwrap(), "{ not json");
}

#[test]
fn integrate_registers_through_the_real_claude_mcp_add() {
    let home = Home::new();
    let user = home.temp_dir().join("user");
    std::fs::create_dir_all(&user).unwrap();
    let path = format!("{}:/usr/bin:/bin", common::ci_tools::claude_dir().display());
    let out = integrate(&home, &user, &path, &[]);
    assert!(out.status.success(), "{}", common::describe(&out));
    assert!(common::stdout(&out).contains("registered with `claude mcp`"), "{}", common::describe(&out));
    let config = read(&user.join(".claude.json"));
    assert_eq!(config["mcpServers"]["smart-agents"]["command"], "smart-agents", "{config}");
    // Idempotent through claude too, and undone by it.
    let out = integrate(&home, &user, &path, &[]);
    assert!(common::stdout(&out).contains("nothing to change"), "{}", common::describe(&out));
    let out = integrate(&home, &user, &path, &["--uninstall"]);
    assert!(out.status.success(), "{}", common::describe(&out));
    assert!(read(&user.join(".claude.json"))["mcpServers"].get("smart-agents").is_none());
}
