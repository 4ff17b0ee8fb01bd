//! `doctor`: one line per check, `ok` / `warn` / `fail`, each problem with its fix. Exits 1
//! when any check fails. Never writes itself (the database is opened read-only); `--fix` asks
//! the worker to seal plaintext secrets left by an older version.

mod channels;
mod sandbox;
mod secrets;
mod slurm;

use crate::agents::Registry;
use crate::client::Client;
use crate::config::Config;
use crate::error::{Result, exit};
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crate::render::{paint, print_json};
use serde::Serialize;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    /// Repair what can be repaired: seal secret values an older version stored in plain text
    #[arg(long)]
    pub fix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
pub(super) struct Check {
    pub check: String,
    pub status: Level,
    pub detail: String,
    pub fix: Option<String>,
}

pub(super) fn check(name: &str, status: Level, detail: impl Into<String>, fix: Option<String>) -> Check {
    Check { check: name.into(), status, detail: detail.into(), fix }
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let mut checks =
        vec![check("version", Level::Ok, format!("smart-agents {}", crate::version::VERSION), None)];
    permissions(paths, &mut checks);
    let config = config(paths, &mut checks);
    checks.push(worker(paths).await);
    checks.push(database(&paths.database));
    checks.push(session_bus());
    secrets::checks(paths, &config, args.fix, &mut checks).await?;
    agents(&config, &mut checks);
    slurm::checks(&config, paths, &mut checks);
    sandbox::checks(&config, &mut checks);
    channels::checks(&config, paths, &mut checks);
    let failed = checks.iter().any(|c| c.status == Level::Fail);
    if args.json {
        print_json(&serde_json::json!({ "ok": !failed, "checks": checks }))?;
    } else {
        let mut out = std::io::stdout().lock();
        use std::io::Write;
        for c in &checks {
            let word = match c.status {
                Level::Ok => paint("ok  ", "32"),
                Level::Warn => paint("warn", "33"),
                Level::Fail => paint("fail", "31"),
            };
            writeln!(out, "{word}  {:<12} {}", c.check, c.detail)?;
            if let Some(fix) = &c.fix {
                writeln!(out, "      {:<12} fix: {fix}", "")?;
            }
        }
    }
    Ok(if failed { exit::TASK_FAILED } else { exit::SUCCESS })
}

/// Folders must be 0700 and the files holding task data 0600: nobody else may read prompts,
/// output or the socket.
fn permissions(paths: &Paths, checks: &mut Vec<Check>) {
    let mut dirs: Vec<&Path> = vec![paths.logs_dir.as_path(), paths.runs_dir.as_path()];
    for file in [&paths.config_file, &paths.database, &paths.socket, &paths.worker_log] {
        if let Some(parent) = file.parent() {
            dirs.push(parent);
        }
    }
    dirs.sort();
    dirs.dedup();
    // Once the database exists the worker has made its folders: a missing one was deleted.
    let made = paths.database.exists();
    for dir in dirs {
        let needed = made && (dir == paths.logs_dir || dir == paths.runs_dir);
        if needed && !dir.exists() {
            let detail = format!("{} is missing: it was deleted", dir.display());
            let fix = format!(
                "the worker makes it again before the next task starts; or mkdir -m 700 {}",
                dir.display()
            );
            checks.push(check("folder", Level::Warn, detail, Some(fix)));
            continue;
        }
        checks.push(private(dir, 0o700, "folder"));
    }
    let mut files = vec![paths.database.clone(), paths.socket.clone(), paths.worker_log.clone()];
    for suffix in ["-wal", "-shm"] {
        let mut name = paths.database.clone().into_os_string();
        name.push(suffix);
        files.push(name.into());
    }
    for file in files.iter().filter(|f| f.exists()) {
        checks.push(private(file, 0o600, "file"));
    }
    task_logs(&paths.logs_dir, checks);
}

/// The task logs in one line (`219 task logs, all 0600`), and a line for each problem: with
/// hundreds of tasks, a line per log would bury the warnings.
fn task_logs(dir: &Path, checks: &mut Vec<Check>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let (mut count, mut bad) = (0usize, 0usize);
    for entry in entries.flatten() {
        count += 1;
        let one = private(&entry.path(), 0o600, "file");
        if one.status != Level::Ok {
            bad += 1;
            checks.push(one);
        }
    }
    let detail = match (count, bad) {
        (0, _) => "none yet".to_string(),
        (n, 0) => format!("{n} in {}, all 0600", dir.display()),
        (n, bad) => format!("{n} in {}, {bad} of them reachable by others (above)", dir.display()),
    };
    checks.push(check("task logs", if bad == 0 { Level::Ok } else { Level::Fail }, detail, None));
}

fn private(path: &Path, want: u32, what: &str) -> Check {
    let name = if what == "folder" { "folder" } else { "file" };
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            check(name, Level::Ok, format!("{} (not created yet)", path.display()), None)
        }
        Err(e) => check(
            name,
            Level::Fail,
            format!("{}: {e}", path.display()),
            Some(format!("make it readable by you: chmod u+rwx {}", path.display())),
        ),
        Ok(meta) => {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 == 0 {
                check(name, Level::Ok, format!("{} {mode:04o}", path.display()), None)
            } else {
                check(
                    name,
                    Level::Fail,
                    format!("{} is {mode:04o}: other users can reach it", path.display()),
                    Some(format!("chmod {want:o} {}", path.display())),
                )
            }
        }
    }
}

fn config(paths: &Paths, checks: &mut Vec<Check>) -> Config {
    match crate::agents::registry::load_config(&paths.config_file) {
        Ok(config) => {
            let detail = if paths.config_file.exists() {
                format!("{} is valid", paths.config_file.display())
            } else {
                format!("{} not present: defaults", paths.config_file.display())
            };
            checks.push(check("config", Level::Ok, detail, None));
            config
        }
        Err(e) => {
            checks.push(check("config", Level::Fail, e.to_string(), Some("smart-agents config edit".into())));
            Config::default()
        }
    }
}

async fn worker(paths: &Paths) -> Check {
    let mine = crate::version::VERSION;
    let client = match Client::connect_existing(paths).await {
        Ok(Some(client)) => client,
        Ok(None) => {
            return check(
                "worker",
                Level::Warn,
                "not running (it starts on the first command that needs it)",
                Some("smart-agents worker start".into()),
            );
        }
        Err(e) => {
            return check(
                "worker",
                Level::Fail,
                e.to_string(),
                Some(format!("smart-agents worker stop, then look at {}", paths.worker_log.display())),
            );
        }
    };
    let mut client = client;
    match client.request(Request::WorkerStatus).await {
        Ok(Response::WorkerStatus { status }) if status.version == mine => check(
            "worker",
            Level::Ok,
            format!("running, pid {}, version {}", status.pid, status.version),
            None,
        ),
        Ok(Response::WorkerStatus { status }) => check(
            "worker",
            Level::Warn,
            format!("pid {} runs version {}, this is {mine}", status.pid, status.version),
            Some("smart-agents worker stop && smart-agents worker start".into()),
        ),
        Ok(other) => check("worker", Level::Fail, format!("unexpected answer: {other:?}"), None),
        Err(e) => check("worker", Level::Fail, e.to_string(), Some("smart-agents worker stop".into())),
    }
}

fn database(path: &Path) -> Check {
    if !path.exists() {
        return check("database", Level::Ok, format!("{} (not created yet)", path.display()), None);
    }
    let aside = Some(format!(
        "smart-agents worker stop; mv {0} {0}.broken (a fresh queue is created on next use)",
        path.display()
    ));
    match crate::store::integrity_check(path) {
        Ok(rows) if rows == ["ok"] => {
            check("database", Level::Ok, format!("{} integrity ok", path.display()), None)
        }
        Ok(rows) => check(
            "database",
            Level::Fail,
            format!("{}: {}", path.display(), rows.into_iter().take(3).collect::<Vec<_>>().join("; ")),
            aside,
        ),
        Err(e) => check("database", Level::Fail, format!("{}: {e}", path.display()), aside),
    }
}

/// Notifications go over the D-Bus session bus; without one they are skipped, so this warns.
fn session_bus() -> Check {
    let fix =
        Some("run inside a desktop session, or set DBUS_SESSION_BUS_ADDRESS (notifications only)".into());
    let Some(address) = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().filter(|a| !a.is_empty()) else {
        return check("session bus", Level::Warn, "DBUS_SESSION_BUS_ADDRESS is not set", fix);
    };
    // `unix:path=/run/user/1000/bus,guid=…`, several separated by `;`: any reachable one will do.
    for part in address.split(';') {
        let Some(rest) = part.strip_prefix("unix:") else { continue };
        for kv in rest.split(',') {
            let reached = match kv.split_once('=') {
                Some(("path", path)) => std::os::unix::net::UnixStream::connect(path).is_ok(),
                Some(("abstract", name)) => connect_abstract(name),
                _ => continue,
            };
            if reached {
                return check("session bus", Level::Ok, format!("{part} reachable"), None);
            }
        }
    }
    check("session bus", Level::Warn, format!("cannot reach {address}"), fix)
}

fn connect_abstract(name: &str) -> bool {
    use std::os::linux::net::SocketAddrExt;
    std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
        .and_then(|addr| std::os::unix::net::UnixStream::connect_addr(&addr))
        .is_ok()
}

fn agents(config: &Config, checks: &mut Vec<Check>) {
    let registry = match Registry::new(config) {
        Ok(registry) => registry,
        // Already reported by the config check.
        Err(_) => return,
    };
    let path_var = std::env::var("PATH").ok();
    let mut any = false;
    for def in &registry.agents {
        let Some(program) = def.program() else { continue };
        if let Some(found) = crate::agents::registry::find_on_path(program, path_var.as_deref()) {
            any = true;
            checks.push(agent_version(&def.name, def.backend, program, &found));
        } else {
            let fix = def.backend.cli().install_hint().map(|h| format!("install {h}"));
            checks.push(check("agent", Level::Warn, format!("{}: {program} not on PATH", def.name), fix));
        }
    }
    if !any {
        checks.push(check(
            "agent",
            Level::Warn,
            "no agent CLI found: only `execute -- COMMAND` tasks can run",
            Some("install one of the agent CLIs above".into()),
        ));
    }
}

/// An installed agent CLI and its version, a warning when the tests do not cover it.
fn agent_version(name: &str, backend: crate::agents::Backend, program: &str, found: &Path) -> Check {
    use crate::agents::versions;
    let version = versions::detect(found);
    let detail = match &version {
        Some(v) => format!("{name}: {program} {v} on PATH"),
        None => format!("{name}: {program} on PATH (its --version said no version)"),
    };
    match version.as_deref().and_then(|v| versions::warning(backend, v)) {
        Some(warning) => {
            let (low, high) = versions::tested_range(backend).unwrap_or_default();
            let fix = install_command(backend, high).map(|c| format!("{c} (tested: {low} to {high})"));
            check("agent", Level::Warn, format!("{detail}: {warning}"), fix)
        }
        None => check("agent", Level::Ok, detail, None),
    }
}

/// How to install `version` of the CLI from its package: npm for scoped or JS packages, pip
/// for the Python ones (the registry says which: a PyPI name has no `@` scope and is not on npm;
/// the CLIs tell their own kind by the `pip` in their install hint).
fn install_command(backend: crate::agents::Backend, version: &str) -> Option<String> {
    let cli = backend.cli();
    let package = cli.package()?;
    let pip = cli.install_hint().is_some_and(|h| h.contains("pip install"));
    Some(if pip {
        format!("pip install {package}=={version}")
    } else {
        format!("npm install -g {package}@{version}")
    })
}
