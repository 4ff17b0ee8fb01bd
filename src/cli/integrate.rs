//! `integrate claude-code`: register `smart-agents mcp` and the notice hook with Claude Code
//! for those who do not use its plugin. Merges into the JSON already there, changes nothing
//! when it is already in place, keeps a backup of each file it changes and prints the diff.

use crate::error::{Context, Error, Result};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The hook configuration, also the `UserPromptSubmit` hook of the Claude Code plugin.
const HOOKS: &str = include_str!("../../assets/claude-code-hooks.json");
/// What marks our hook among others in the settings.
const HOOK_MARK: &str = "smart-agents notices";
const SERVER: &str = "smart-agents";

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Client {
    /// Claude Code: the MCP server and the UserPromptSubmit hook
    ClaudeCode,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The client to set up
    #[arg(value_enum)]
    pub client: Client,
    /// For this project only: `.mcp.json` and `.claude/settings.json` in the current folder
    #[arg(long, conflicts_with = "user")]
    pub project: bool,
    /// For every project of this user: `~/.claude.json` and `~/.claude/settings.json` (default)
    #[arg(long)]
    pub user: bool,
    /// Print what would change and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Remove what `integrate` added
    #[arg(long)]
    pub uninstall: bool,
}

struct Place {
    scope: &'static str,
    /// Where Claude Code keeps MCP servers for the scope.
    mcp_file: PathBuf,
    settings_file: PathBuf,
}

pub fn run(args: Args) -> Result<i32> {
    let Client::ClaudeCode = args.client;
    let place = place(args.project)?;
    let install = !args.uninstall;
    let claude = find_on_path("claude");
    register_server(&place, install, args.dry_run, claude.as_deref())?;
    let before = read_json(&place.settings_file)?;
    let after = with_hook(before.clone(), install)?;
    apply(&place.settings_file, &before, &after, args.dry_run, "notice hook (UserPromptSubmit)")?;
    if install && !args.dry_run && find_on_path("smart-agents").is_none() {
        eprintln!(
            "note: smart-agents is not on PATH; Claude Code runs `smart-agents mcp` and the hook from PATH"
        );
    }
    Ok(0)
}

fn place(project: bool) -> Result<Place> {
    if project {
        let dir = std::env::current_dir().context("reading the current folder")?;
        return Ok(Place {
            scope: "project",
            mcp_file: dir.join(".mcp.json"),
            settings_file: dir.join(".claude").join("settings.json"),
        });
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| Error::usage("HOME is not set: cannot find Claude Code's user settings"))?;
    Ok(Place {
        scope: "user",
        mcp_file: home.join(".claude.json"),
        settings_file: home.join(".claude").join("settings.json"),
    })
}

/// `claude mcp add/remove` when Claude Code is installed (it owns its files), else our own edit
/// of the same JSON it would write.
fn register_server(place: &Place, install: bool, dry_run: bool, claude: Option<&Path>) -> Result<()> {
    let what = "MCP server `smart-agents mcp`";
    let before = read_json(&place.mcp_file)?;
    let after = with_server(before.clone(), install)?;
    let Some(claude) = claude.filter(|_| !dry_run && before != after) else {
        return apply(&place.mcp_file, &before, &after, dry_run, what);
    };
    backup(&place.mcp_file)?;
    let registered = server_entry(&before).is_some();
    if registered {
        claude_mcp(claude, &["remove", "--scope", place.scope, SERVER])?;
    }
    if install {
        claude_mcp(claude, &["add", "--scope", place.scope, SERVER, "--", "smart-agents", "mcp"])?;
    }
    let now = read_json(&place.mcp_file)?;
    print_diff(&place.mcp_file, &before, &now)?;
    println!(
        "{what}: {} with `claude mcp` ({})",
        if install { "registered" } else { "removed" },
        place.scope
    );
    Ok(())
}

fn claude_mcp(claude: &Path, args: &[&str]) -> Result<()> {
    let out = Command::new(claude)
        .arg("mcp")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .context(format!("running {} mcp {}", claude.display(), args.join(" ")))?;
    if !out.status.success() {
        return Err(Error::internal(format!(
            "`claude mcp {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

fn server_entry(config: &Value) -> Option<&Value> {
    config.get("mcpServers")?.get(SERVER)
}

/// The config with our MCP server added (as `claude mcp add` writes it) or removed.
fn with_server(mut config: Value, install: bool) -> Result<Value> {
    let entry = json!({ "type": "stdio", "command": "smart-agents", "args": ["mcp"], "env": {} });
    let root = object(&mut config, "the MCP configuration")?;
    if install {
        let servers = root.entry("mcpServers").or_insert_with(|| json!({}));
        let servers = servers
            .as_object_mut()
            .ok_or_else(|| Error::usage("`mcpServers` is not a JSON object: fix it by hand first"))?;
        servers.insert(SERVER.to_string(), entry);
    } else if let Some(servers) = root.get_mut("mcpServers").and_then(Value::as_object_mut) {
        servers.remove(SERVER);
    }
    Ok(config)
}

/// The settings with our `UserPromptSubmit` hook added (once) or removed; other hooks stay.
fn with_hook(mut settings: Value, install: bool) -> Result<Value> {
    let ours: Value = serde_json::from_str(HOOKS)?;
    let entry = ours["hooks"]["UserPromptSubmit"][0].clone();
    let root = object(&mut settings, "the settings")?;
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    let hooks = hooks
        .as_object_mut()
        .ok_or_else(|| Error::usage("`hooks` is not a JSON object: fix it by hand first"))?;
    let list = hooks.entry("UserPromptSubmit").or_insert_with(|| json!([]));
    let list = list
        .as_array_mut()
        .ok_or_else(|| Error::usage("`hooks.UserPromptSubmit` is not a JSON array: fix it by hand first"))?;
    let is_ours = |e: &Value| e.to_string().contains(HOOK_MARK);
    if install {
        if !list.iter().any(is_ours) {
            list.push(entry);
        }
        return Ok(settings);
    }
    list.retain(|e| !is_ours(e));
    if list.is_empty() {
        hooks.remove("UserPromptSubmit");
    }
    if hooks.is_empty() {
        root.remove("hooks");
    }
    Ok(settings)
}

fn object<'a>(value: &'a mut Value, what: &str) -> Result<&'a mut Map<String, Value>> {
    value
        .as_object_mut()
        .ok_or_else(|| Error::usage(format!("{what} is not a JSON object: fix it by hand first")))
}

/// Write `after` (after a backup) unless it is what is there or this is a dry run; print the diff.
fn apply(path: &Path, before: &Value, after: &Value, dry_run: bool, what: &str) -> Result<()> {
    if before == after {
        println!("{what}: nothing to change in {}", path.display());
        return Ok(());
    }
    print_diff(path, before, after)?;
    if dry_run {
        println!("{what}: would change {} (dry run: nothing written)", path.display());
        return Ok(());
    }
    backup(path)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).context(format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, pretty(after)?).context(format!("writing {}", path.display()))?;
    println!("{what}: changed {}", path.display());
    Ok(())
}

/// A copy beside the file, `NAME.smart-agents.bak`, before we change it.
fn backup(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".smart-agents.bak");
    let copy = path.with_file_name(name);
    std::fs::copy(path, &copy).context(format!("backing up {}", path.display()))?;
    println!("backup: {}", copy.display());
    Ok(())
}

fn print_diff(path: &Path, before: &Value, after: &Value) -> Result<()> {
    let (old, new) = (pretty(before)?, pretty(after)?);
    let name = path.display().to_string();
    let diff = similar::TextDiff::from_lines(&old, &new);
    print!("{}", diff.unified_diff().context_radius(2).header(&name, &name));
    Ok(())
}

/// A JSON file as a value; a missing or empty file is an empty object.
fn read_json(path: &Path) -> Result<Value> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(json!({})),
        Err(e) => return Err(Error::from(e).context(format!("reading {}", path.display()))),
    };
    if text.trim().is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_str(&text)
        .map_err(|e| Error::usage(format!("{} is not valid JSON: {e}", path.display())))
}

fn pretty(value: &Value) -> Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}
