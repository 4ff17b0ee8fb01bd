//! `agents`: who can take work, how busy each is, and whether its circuit is open.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::AgentStatus;
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use crate::render::{self, print_json};
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
    /// End the usage-limit or budget hold of an agent's account now (its tasks start again)
    Release {
        /// An agent (its account's hold ends) or an account name
        name: String,
    },
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    if let Some(Action::Release { name }) = &args.action {
        let mut client = Client::connect(paths).await?;
        return match client.request(Request::AgentRelease { name: name.clone() }).await? {
            Response::Ok { message } => {
                println!("{}", message.unwrap_or_default());
                Ok(0)
            }
            _ => Err(Error::internal("unexpected answer to agents release")),
        };
    }
    let mut agents = crate::client::agents::fetch(paths).await?;
    add_drift(&mut agents, paths);
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
        Some(Action::Release { .. }) => {}
        None if args.json => print_json(&agents)?,
        None => table(&agents)?,
    }
    Ok(0)
}

/// How long an unknown event type stays listed after it was last seen.
const DRIFT_DAYS: i64 = 7;

/// The unknown event types each agent's CLI printed lately, read from the database (the
/// worker records them when a task ends); nothing when it cannot be read.
fn add_drift(agents: &mut [AgentStatus], paths: &Paths) {
    let Ok(Some(store)) = crate::store::Store::open_for_reading(&paths.database) else { return };
    let since = crate::clock::now_ms() - DRIFT_DAYS * 86_400_000;
    for agent in agents.iter_mut() {
        agent.unknown_events = store.unknown_events(&agent.name, since).unwrap_or_default();
    }
}

fn table(agents: &[AgentStatus]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<12} {:<8} {:<10} {:<10} {:>7} {:<9} {:>7}  CAPABILITIES",
        "NAME", "BACKEND", "INSTALLED", "VERSION", "RUNNING", "CIRCUIT", "TODAY"
    )?;
    for a in agents {
        let installed = if a.installed { render::paint("yes", "32") } else { render::paint("no ", "2") };
        let cap = if a.max_concurrency == u32::MAX { "-".to_string() } else { a.max_concurrency.to_string() };
        writeln!(
            out,
            "{:<12} {:<8} {installed:<10} {:<10} {:>7} {:<9} {:>7}  {}",
            truncate(&a.name, 12),
            a.backend,
            a.version.as_deref().map_or("-".to_string(), |v| {
                if a.version_warning.is_some() { format!("{v}!") } else { v.to_string() }
            }),
            format!("{}/{cap}", a.running),
            a.circuit,
            format!("${:.2}", a.spent_today_usd),
            a.capabilities.join(", ")
        )?;
    }
    // One line per held account (agents sharing an account share its hold).
    let mut seen = Vec::new();
    for hold in agents.iter().filter_map(|a| a.hold.as_ref()) {
        if !seen.contains(&&hold.reason) {
            seen.push(&hold.reason);
            writeln!(out, "hold: {}", hold.reason)?;
        }
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
    if let Some(tested) = &a.tested {
        writeln!(out, "  tested with   {tested}")?;
    }
    writeln!(out, "  autonomy      {}", a.autonomy)?;
    if !a.asks.is_empty() {
        writeln!(out, "  asks a person {}", a.asks)?;
    }
    writeln!(out, "  capabilities  {}", a.capabilities.join(", "))?;
    writeln!(out, "  running       {} of {}", a.running, a.max_concurrency)?;
    writeln!(out, "  circuit       {}", a.circuit)?;
    writeln!(out, "  spent today   ${:.2}", a.spent_today_usd)?;
    if let Some(hold) = &a.hold {
        writeln!(out, "  hold          {}", hold.reason)?;
    }
    if let Some(class) = &a.class {
        writeln!(out, "  class         {class}")?;
    }
    if let Some(model) = &a.model {
        writeln!(out, "  model         {model}")?;
    }
    if !a.unknown_events.is_empty() {
        writeln!(out, "  unknown event types in its output ({DRIFT_DAYS} days; a newer CLI release?):")?;
        for u in &a.unknown_events {
            writeln!(out, "    {:<28} {:>5}x  {}", u.kind, u.count, truncate(&u.example, 100))?;
        }
    }
    Ok(())
}
