//! Bringing a task's work back: `diff` (what it changed), `review` (send it back with notes),
//! `land` (into its base branch) and `discard`. The work is done by `client/` parts, which the
//! dashboard and the MCP server share; this file only parses flags and prints.

use crate::client::diff::{Diff, of_task};
use crate::client::{land, record};
use crate::error::Result;
use crate::paths::Paths;
use crate::render::print_json;
use std::io::{IsTerminal, Write};

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The task (a follow-up from `review` shows the total since the first started)
    pub id: String,
    /// Files with lines added and removed, and the total
    #[arg(long, conflicts_with = "name_only")]
    pub stat: bool,
    /// Only the names of the changed files
    #[arg(long)]
    pub name_only: bool,
    /// Machine-readable: {"id", "base", "files": [{"path", "status", "insertions", "deletions", "binary"}], "patch"}
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct LandArgs {
    /// The worktree task (or one of its follow-ups)
    pub id: String,
    /// One commit with all of the work
    #[arg(long, group = "mode")]
    pub squash: bool,
    /// Always a merge commit (by default a fast-forward when the base has not moved on)
    #[arg(long, group = "mode")]
    pub merge: bool,
    /// Replay the task's commits on top of the base
    #[arg(long, group = "mode")]
    pub rebase: bool,
    /// The branch to land into (default: the branch the task started from)
    #[arg(long, value_name = "BRANCH")]
    pub into: Option<String>,
    /// The message of the commit a squash or merge makes
    #[arg(short = 'm', long = "message", value_name = "MESSAGE")]
    pub message: Option<String>,
    /// Keep the worktree (and its branch) after landing
    #[arg(long)]
    pub keep: bool,
    /// Push the branch and open a pull request with `gh` instead of landing here
    #[arg(long, conflicts_with_all = ["squash", "merge", "rebase", "into", "keep"])]
    pub pr: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct DiscardArgs {
    /// The worktree task
    pub id: String,
    /// Discard even commits no other branch has (they stay reachable as
    /// refs/smart-agents/discarded/ID for [worktree] keep_discarded days)
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub json: bool,
}

/// `diff ID`.
pub fn diff(args: DiffArgs, paths: &Paths) -> Result<i32> {
    let color = !args.json && std::io::stdout().is_terminal();
    let diff = of_task(paths, &args.id, color)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        print_json(&diff)?;
    } else if args.name_only {
        for f in &diff.files {
            writeln!(out, "{}", f.path)?;
        }
    } else if args.stat {
        write!(out, "{}", stat_text(&diff))?;
    } else {
        write!(out, "{}", diff.patch)?;
    }
    Ok(0)
}

/// One line per file and the total, as `git diff --stat` gives it in words.
pub fn stat_text(diff: &Diff) -> String {
    let mut text = String::new();
    for f in &diff.files {
        let name = match &f.old_path {
            Some(old) => format!("{old} => {}", f.path),
            None => f.path.clone(),
        };
        let counts = if f.binary {
            "binary".to_string()
        } else {
            format!("+{} \u{2212}{}", f.insertions, f.deletions)
        };
        text.push_str(&format!(" {name} | {} {counts}\n", f.status));
    }
    text.push_str(&format!(" {}\n", diff.stat_line()));
    text
}

/// `land ID`.
pub async fn land(args: LandArgs, paths: &Paths) -> Result<i32> {
    if args.pr {
        for line in crate::client::pr::open(paths, &args.id)? {
            println!("{line}");
        }
        return Ok(0);
    }
    let mode = match (args.squash, args.merge, args.rebase) {
        (true, _, _) => land::Mode::Squash,
        (_, true, _) => land::Mode::Merge,
        (_, _, true) => land::Mode::Rebase,
        _ => land::Mode::Auto,
    };
    let options = land::Options { mode, into: args.into, message: args.message, keep: args.keep };
    let done = record::land(paths, &args.id, &options).await?;
    if let Some(warning) = &done.warning {
        eprintln!("{warning}");
    }
    let landed = done.landed;
    if args.json {
        print_json(&landed)?;
        return Ok(0);
    }
    let short = landed.commit.get(..10).unwrap_or(&landed.commit);
    let mut line = format!("landed {} into {} at {short}", landed.id, landed.into);
    if landed.worktree_removed {
        line.push_str("; worktree removed");
    }
    if landed.branch_deleted {
        line.push_str("; branch deleted");
    }
    println!("{line}");
    for sibling in done.siblings {
        println!("{sibling}");
    }
    Ok(0)
}

/// `discard ID`.
pub async fn discard(args: DiscardArgs, paths: &Paths) -> Result<i32> {
    let (done, warning) = record::discard(paths, &args.id, args.force).await?;
    if let Some(warning) = warning {
        eprintln!("{warning}");
    }
    if args.json {
        print_json(&done)?;
        return Ok(0);
    }
    match &done.kept {
        Some(kept) => println!(
            "discarded {}; its last commit stays reachable as {kept} until prune lets it go",
            done.id
        ),
        None => println!("discarded {}", done.id),
    }
    Ok(0)
}
