//! Best-of-N: `execute PROMPT --attempts N` (or `--agents a,b,c`) queues one attempt per run,
//! each in its own worktree, under one group id; `--check -- COMMAND` queues a check task
//! after each attempt that runs COMMAND in its worktree. `compare GID` shows them side by side.

use crate::client::group::{Group, compare};
use crate::client::submit::{Args, queue};
use crate::error::{Error, Result};
use crate::model::TaskSpec;
use crate::paths::Paths;
use crate::render::print_json;

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The group id `execute --attempts` printed
    pub group: String,
    #[arg(long)]
    pub json: bool,
}

/// The check task of attempt `id`: COMMAND in the attempt's worktree once it completed.
fn check_spec(spec: &TaskSpec, id: &str, command: &[String], paths: &Paths) -> TaskSpec {
    let dir = paths.worktrees_dir.join(id).display().to_string();
    let mut argv =
        vec!["sh".into(), "-c".into(), r#"cd "$1" && shift && exec "$@""#.into(), "sh".into(), dir];
    argv.extend(command.iter().cloned());
    TaskSpec {
        description: format!("check {id}: {}", command.join(" ")),
        command: argv,
        after: vec![id.to_string()],
        parent: Some(id.to_string()),
        prompt: None,
        agent: String::new(),
        worktree: false,
        group: None,
        capability: None,
        max_cost_usd: None,
        autonomy: None,
        ..spec.clone()
    }
}

pub async fn run(mut args: Args, paths: &Paths) -> Result<i32> {
    let check = if args.check { std::mem::take(&mut args.command) } else { Vec::new() };
    if args.check && check.is_empty() {
        return Err(Error::usage("--check needs the command after `--`: `--check -- cargo test`"));
    }
    if args.description.is_none() {
        return Err(Error::usage("best-of-N runs a prompt: `smart-agents execute \"PROMPT\" --attempts 3`"));
    }
    let agents: Vec<String> = if args.agents.is_empty() {
        vec![args.agent.clone().unwrap_or_default(); args.attempts.unwrap_or(1) as usize]
    } else {
        args.agents.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect()
    };
    let json = args.json;
    args.worktree = true;
    let spec = args.spec()?;
    let gid = format!("g{}", crate::ids::IdGen::new().next_id());
    let mut group = Group { group: gid.clone(), ..Group::default() };
    for agent in agents {
        let attempt = TaskSpec { agent, group: Some(gid.clone()), ..spec.clone() };
        let (_, id) = queue(attempt, paths).await?;
        group.ids.push(id.clone());
        group.save(paths)?;
        if !check.is_empty() {
            let (_, check_id) = queue(check_spec(&spec, &id, &check, paths), paths).await?;
            group.checks.insert(id, check_id);
            group.save(paths)?;
        }
    }
    if json {
        print_json(&serde_json::json!({ "group": gid, "ids": group.ids }))?;
    } else {
        println!("group {gid}: {}", group.ids.join(" "));
        println!("compare them with `smart-agents compare {gid}`, then `smart-agents land ID`");
    }
    Ok(0)
}

/// `compare GID`.
pub fn run_compare(args: CompareArgs, paths: &Paths) -> Result<i32> {
    let compared = compare(paths, &args.group)?;
    if args.json {
        print_json(&compared)?;
        return Ok(0);
    }
    println!(
        "{:<8} {:<8} {:<10} {:<8} {:>5} {:>7} {:>7} {:>9} {:>8} {:>8}",
        "ID", "AGENT", "STATE", "CHECK", "FILES", "+", "\u{2212}", "TOKENS", "COST", "TIME"
    );
    for a in &compared.attempts {
        let time = a
            .duration_ms
            .map_or("-".into(), |ms| crate::duration::format(std::time::Duration::from_millis(ms)));
        println!(
            "{:<8} {:<8} {:<10} {:<8} {:>5} {:>7} {:>7} {:>9} {:>8} {:>8}",
            a.id,
            a.agent,
            a.state.to_string(),
            a.check.as_deref().unwrap_or("-"),
            a.files,
            a.insertions,
            a.deletions,
            a.tokens.map_or("-".into(), |t| t.to_string()),
            a.cost_usd.map_or("-".into(), |c| format!("${c:.4}")),
            time
        );
    }
    Ok(0)
}
