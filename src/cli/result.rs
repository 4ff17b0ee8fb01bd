//! `result`: a finished task's output, verdict and metrics.

use super::follower::{self, Ending};
use super::render;
use super::status::task;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::paths::Paths;
use crate::store::Store;
use crate::store::TaskRecord;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Task id (or a unique prefix)
    pub id: String,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    /// Wait for the task to finish instead of failing at once
    #[arg(long)]
    pub wait: bool,
}

pub async fn run(args: Args, paths: &Paths) -> Result<i32> {
    let rec = task(paths, &args.id)?;
    let id = rec.id.clone();
    if !rec.state.is_finished() {
        if !args.wait {
            return Err(Error::new(
                ErrorKind::NotFinished,
                format!("task {id} is {}: no result yet (use `smart-agents result {id} --wait`)", rec.state),
            ));
        }
        let client = Client::connect(paths).await?;
        if let Ending::Detached = follower::follow(client, vec![id.clone()], false, None).await? {
            return Ok(crate::error::exit::INTERRUPTED);
        }
    }
    let store = Store::open_for_reading(&paths.database)?;
    let rec = super::status::record(store.as_ref(), &id)?;
    print_result(&rec, store.as_ref(), args.json)?;
    Ok(follower::exit_code_for(&rec.view(crate::clock::now_ms())))
}

/// `store`: where the children's outcomes are read (a parent's result lists them).
pub fn print_result(rec: &TaskRecord, store: Option<&Store>, json: bool) -> Result<()> {
    let mut result = rec.result();
    if let Some(store) = store {
        result.children = store.children(&rec.id)?.iter().map(|c| c.child_outcome()).collect();
    }
    if json {
        return render::print_json(&result);
    }
    let mut out = std::io::stdout().lock();
    if !result.output.is_empty() {
        out.write_all(result.output.as_bytes())?;
        if !result.output.ends_with('\n') {
            writeln!(out)?;
        }
    }
    let mut facts = vec![render::state_word(rec.state)];
    if let Some(reason) = &result.reason {
        facts.push(reason.clone());
    }
    if let Some(code) = result.exit_code.filter(|c| *c != 0 && result.reason.is_none()) {
        facts.push(format!("exit {code}"));
    }
    if let Some(ms) = result.metrics.duration_ms {
        facts.push(crate::duration::format(std::time::Duration::from_millis(ms)));
    }
    if let Some(tokens) = result.metrics.tokens_used {
        facts.push(format!("{tokens} tokens"));
    }
    if let Some(cost) = result.metrics.cost_usd {
        facts.push(format!("${cost:.4}"));
    }
    if result.artifacts.changes > 0 {
        facts.push(format!("{} files changed", result.artifacts.changes));
    }
    if let Some(peak) = &result.peak {
        facts.push(format!("peak {}", crate::scheduler::footprint::format_bytes(peak.rss_bytes)));
    }
    eprintln!("{} {}", rec.id, facts.join(" · "));
    for child in &result.children {
        let why = child.reason.as_deref().map(|r| format!(" · {r}")).unwrap_or_default();
        eprintln!("  child {} {}{why}", child.id, render::state_word(child.state));
    }
    Ok(())
}
