//! `agents`: who can take work, how busy each is, and whether its circuit is open.

use super::render::{self, print_json};
use crate::agents::registry::find_on_path;
use crate::agents::{Backend, versions};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::AgentStatus;
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crate::text::truncate;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// One agent in full
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

/// The agents as the worker sees them, `installed` judged on this process's PATH.
pub async fn fetch(paths: &Paths) -> Result<Vec<AgentStatus>> {
    let mut client = Client::connect(paths).await?;
    let path = std::env::var("PATH").ok();
    match client.request(Request::Agents { path: path.clone() }).await? {
        Response::Agents { mut agents } => {
            add_versions(&mut agents, path.as_deref());
            Ok(agents)
        }
        _ => Err(Error::internal("unexpected answer to agents")),
    }
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let agents = fetch(paths).await?;
    match args.action {
        Some(Action::Show { name, json }) => {
            let agent = agents
                .into_iter()
                .find(|a| a.name == name)
                .ok_or_else(|| Error::not_found(format!("no agent named '{name}'")))?;
            if json || args.json {
                print_json(&agent)?;
            } else {
                show(&agent)?;
            }
        }
        None if args.json => print_json(&agents)?,
        None => table(&agents)?,
    }
    Ok(0)
}

/// Each installed CLI's version as its install says it (found on the caller's PATH, nothing
/// run: `agents` stays instant; `doctor` also asks the CLI) and a warning outside the tested
/// range.
fn add_versions(agents: &mut [AgentStatus], path: Option<&str>) {
    for agent in agents.iter_mut().filter(|a| a.installed) {
        let Ok(backend) = agent.backend.parse::<Backend>() else { continue };
        let Some(program) = backend.program().and_then(|p| find_on_path(p, path)) else { continue };
        agent.version = versions::installed(&program);
        agent.version_warning = agent.version.as_deref().and_then(|v| versions::warning(backend, v));
    }
}

fn table(agents: &[AgentStatus]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<12} {:<8} {:<10} {:<10} {:>7} {:<9}  CAPABILITIES",
        "NAME", "BACKEND", "INSTALLED", "VERSION", "RUNNING", "CIRCUIT"
    )?;
    for a in agents {
        let installed = if a.installed { render::paint("yes", "32") } else { render::paint("no ", "2") };
        let cap = if a.max_concurrency == u32::MAX { "-".to_string() } else { a.max_concurrency.to_string() };
        writeln!(
            out,
            "{:<12} {:<8} {installed:<10} {:<10} {:>7} {:<9}  {}",
            truncate(&a.name, 12),
            a.backend,
            a.version.as_deref().map_or("-".to_string(), |v| {
                if a.version_warning.is_some() { format!("{v}!") } else { v.to_string() }
            }),
            format!("{}/{cap}", a.running),
            a.circuit,
            a.capabilities.join(", ")
        )?;
    }
    for warning in agents.iter().filter_map(|a| a.version_warning.as_deref()) {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

fn show(a: &AgentStatus) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} ({} backend)", a.name, a.backend)?;
    writeln!(out, "  installed     {}", if a.installed { "yes" } else { "no: its CLI is not on PATH" })?;
    if let Some(version) = &a.version {
        writeln!(out, "  version       {version}")?;
    }
    if let Some(warning) = &a.version_warning {
        writeln!(out, "  warning       {warning}")?;
    }
    writeln!(out, "  autonomy      {}", a.autonomy)?;
    writeln!(out, "  capabilities  {}", a.capabilities.join(", "))?;
    writeln!(out, "  running       {} of {}", a.running, a.max_concurrency)?;
    writeln!(out, "  circuit       {}", a.circuit)?;
    if let Some(class) = &a.class {
        writeln!(out, "  class         {class}")?;
    }
    if let Some(model) = &a.model {
        writeln!(out, "  model         {model}")?;
    }
    Ok(())
}
