//! `config show | path | edit`. `show` prints the effective config, every key with the place
//! its value came from (`default` or `config.toml:LINE`); `edit` refuses to leave a broken file
//! behind silently.

use crate::config::Config;
use crate::error::{Context, Error, Result};
use crate::paths::Paths;
use crate::render::print_json;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// The effective config: every key, its value, and where it came from
    Show {
        /// Machine-readable output
        #[arg(long)]
        json: bool,
    },
    /// Print the path of config.toml (it may not exist yet)
    Path,
    /// Open config.toml in $EDITOR (else vi) and validate it on save
    Edit,
}

pub fn run(args: Args, paths: &Paths) -> Result<i32> {
    match args.action {
        Action::Show { json } => show(paths, json),
        Action::Path => {
            println!("{}", paths.config_file.display());
            Ok(0)
        }
        Action::Edit => edit(paths),
    }
}

/// One leaf of the effective config.
struct Entry {
    key: String,
    value: Value,
    source: String,
}

fn show(paths: &Paths, json: bool) -> Result<i32> {
    let file = &paths.config_file;
    let text = match std::fs::read_to_string(file) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::usage(format!("cannot read {}: {e}", file.display()))),
    };
    let config = match &text {
        Some(text) => crate::agents::registry::parse_config(text, file)?,
        None => Config::default(),
    };
    let lines = text.as_deref().map(key_lines).unwrap_or_default();
    let name = file.file_name().map_or_else(|| "config.toml".into(), |n| n.to_string_lossy().into_owned());
    let mut entries = Vec::new();
    flatten("", &serde_json::to_value(&config)?, &mut entries);
    for entry in &mut entries {
        if let Some(line) = lines.get(&entry.key) {
            entry.source = format!("{name}:{line}");
        }
    }
    if json {
        let values: Vec<Value> =
            entries.iter().map(|e| json!({ "key": e.key, "value": e.value, "source": e.source })).collect();
        print_json(&json!({
            "file": file.display().to_string(),
            "exists": text.is_some(),
            "config": config,
            "values": values,
        }))?;
        return Ok(0);
    }
    let mut out = std::io::stdout().lock();
    let state = if text.is_some() { "" } else { " (not created yet: all defaults)" };
    writeln!(out, "# {}{state}", file.display())?;
    // Aligned comments, except after a value so long (a list of patterns) it would push every
    // other comment off the screen.
    let lines: Vec<(String, &str)> =
        entries.iter().map(|e| (toml_line(&e.key, &e.value), e.source.as_str())).collect();
    let width = lines.iter().map(|(l, _)| l.chars().count()).filter(|w| *w <= 60).max().unwrap_or(0);
    for (line, source) in &lines {
        let pad = width.saturating_sub(line.chars().count());
        writeln!(out, "{line}{:pad$}  # {source}", "")?;
    }
    Ok(0)
}

/// `key = value` as TOML, so the output can be pasted into config.toml. TOML has no null: an
/// unset key is written as a comment.
fn toml_line(key: &str, value: &Value) -> String {
    let key = key.split('.').map(toml_key).collect::<Vec<_>>().join(".");
    match toml::Value::try_from(value) {
        Ok(v) => format!("{key} = {v}"),
        Err(_) => format!("# {key} (unset)"),
    }
}

/// A bare key when TOML allows one, else a quoted one.
fn toml_key(part: &str) -> String {
    let bare = !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { part.to_string() } else { Value::String(part.to_string()).to_string() }
}

/// Leaves of the config as dotted keys; arrays are leaves (they are set as one value).
fn flatten(prefix: &str, value: &Value, out: &mut Vec<Entry>) {
    match value {
        Value::Object(map) if !map.is_empty() || prefix.is_empty() => {
            for (key, v) in map {
                let key = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&key, v, out);
            }
        }
        _ => out.push(Entry { key: prefix.to_string(), value: value.clone(), source: "default".into() }),
    }
}

/// Dotted key -> line number of every key written in the file.
fn key_lines(text: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    // The file already parsed as a Config, so this parse only fails on a race; then no lines.
    if let Ok(table) = toml::de::DeTable::parse(text) {
        walk(text, "", table.get_ref(), &mut out);
    }
    out
}

fn walk(text: &str, prefix: &str, table: &toml::de::DeTable<'_>, out: &mut BTreeMap<String, usize>) {
    for (key, value) in table {
        let path = if prefix.is_empty() { key.get_ref().to_string() } else { format!("{prefix}.{key}") };
        let (line, _) = crate::config::line_col(text, key.span().start);
        out.insert(path.clone(), line);
        if let toml::de::DeValue::Table(inner) = value.get_ref() {
            walk(text, &path, inner, out);
        }
    }
}

const TEMPLATE: &str = "# smart-agents configuration. Every key and its default: `smart-agents config show`.\n\
                        # Reference: docs/reference.md (\"Configuration\").\n\n[limits]\n";

fn edit(paths: &Paths) -> Result<i32> {
    let file = &paths.config_file;
    if let Some(dir) = file.parent() {
        crate::paths::ensure_private_dir(dir)?;
    }
    let backup = backup_path(file);
    let existed = file.exists();
    if existed {
        std::fs::copy(file, &backup).context(format!("backing up {}", file.display()))?;
    } else {
        std::fs::write(file, TEMPLATE).context(format!("creating {}", file.display()))?;
    }
    let interactive = std::io::stdin().is_terminal();
    loop {
        run_editor(file)?;
        let error = match crate::agents::registry::load_config(file) {
            Ok(_) => {
                if existed {
                    // The new file is good: the copy of the old one has served its purpose.
                    let _ = std::fs::remove_file(&backup);
                }
                eprintln!("{} is valid", file.display());
                return Ok(0);
            }
            Err(e) => e,
        };
        eprintln!("smart-agents: {error}");
        if interactive && ask("Edit again? [Y/n] ")? {
            continue;
        }
        let kept = if existed {
            format!("the previous version is in {}", backup.display())
        } else {
            "there was no config before".to_string()
        };
        return Err(Error::usage(format!(
            "{} is invalid and the worker will refuse to start with it; {kept}. Fix it with \
             `smart-agents config edit`",
            file.display()
        )));
    }
}

fn backup_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "config.toml".into());
    name.push(".bak");
    file.with_file_name(name)
}

/// `$EDITOR FILE` through sh, so an EDITOR with flags (`code -w`) works as in other tools.
fn run_editor(file: &Path) -> Result<()> {
    let editor = std::env::var("EDITOR").ok().filter(|e| !e.trim().is_empty()).unwrap_or_else(|| "vi".into());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file)
        .status()
        .map_err(|e| Error::usage(format!("cannot run the editor '{editor}': {e}")))?;
    if !status.success() {
        return Err(Error::usage(format!("the editor '{editor}' exited with {status}")));
    }
    Ok(())
}

fn ask(question: &str) -> Result<bool> {
    eprint!("{question}");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    let answer = answer.trim().to_ascii_lowercase();
    Ok(answer.is_empty() || answer.starts_with('y'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_toml_and_unset_keys_are_comments() {
        let mut entries = Vec::new();
        let config = json!({ "default_agent": null, "limits": { "cpu_threshold": 70.5, "classes": {} },
            "agents": { "my agent": { "args": ["--x"], "mem": "2G" } } });
        flatten("", &config, &mut entries);
        let text: String = entries.iter().map(|e| toml_line(&e.key, &e.value) + "\n").collect();
        assert!(text.contains("# default_agent (unset)"), "{text}");
        assert!(text.contains("agents.\"my agent\".args = [\"--x\"]"), "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(parsed["limits"]["cpu_threshold"].as_float(), Some(70.5));
    }
}
