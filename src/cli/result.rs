//! `result`: a finished task's output, verdict and metrics.

use super::follower;
use crate::client::Client;
use crate::client::follow::Ending;
use crate::client::tasks::task;
use crate::error::{Error, ErrorKind, Result};
use crate::paths::Paths;
use crate::render;
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
    let rec = crate::client::tasks::record(store.as_ref(), &id)?;
    print_result(&rec, store.as_ref(), if args.json { Shown::Json } else { Shown::Output })?;
    Ok(verdict_code(rec.state))
}

/// `result` exits by verdict, never with the task's own code: a task that exited 3 must not
/// read as "not found" (3), 4 or 5. The task's code is in the output and in `--json`.
fn verdict_code(state: crate::model::TaskState) -> i32 {
    if state == crate::model::TaskState::Completed {
        crate::error::exit::SUCCESS
    } else {
        crate::error::exit::TASK_FAILED
    }
}

/// How much of a result to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The output, then the summary on stderr.
    Output,
    /// The summary alone: the output was streamed already.
    Summary,
    /// The result as JSON.
    Json,
}

/// `store`: where the children's outcomes are read (a parent's result lists them).
pub fn print_result(rec: &TaskRecord, store: Option<&Store>, shown: Shown) -> Result<()> {
    let mut result = rec.result();
    if let Some(store) = store {
        result.children = store.children(&rec.id)?.iter().map(|c| c.child_outcome()).collect();
    }
    if shown == Shown::Json {
        return render::print_json(&result);
    }
    let mut out = std::io::stdout().lock();
    if shown == Shown::Output && !result.output.is_empty() {
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
        facts.push(render::peak(peak));
    }
    if let Some(stat) = diffstat(rec) {
        facts.push(stat);
    }
    eprintln!("{} {}", rec.id, facts.join(" · "));
    for line in worktree_lines(&rec.id, &result.artifacts) {
        eprintln!("  {line}");
    }
    for child in &result.children {
        let why = child.reason.as_deref().map(|r| format!(" · {r}")).unwrap_or_default();
        eprintln!("  child {} {}{why}", child.id, render::state_word(child.state));
    }
    Ok(())
}

/// "3 files changed, +40 −7" for a task whose change is recorded (its worktree, or the patch
/// saved when it ran in place).
fn diffstat(rec: &TaskRecord) -> Option<String> {
    let paths = Paths::from_env().ok()?;
    crate::client::diff::changed(&paths, &rec.id).map(|d| d.stat_line())
}

/// Where a `--worktree` task's work is and what to do with it: its checkout and branch, the
/// files it changed, and the commands to look, send back, land and discard.
fn worktree_lines(id: &str, artifacts: &crate::model::Artifacts) -> Vec<String> {
    let (Some(dir), Some(branch)) = (&artifacts.worktree, &artifacts.branch) else { return Vec::new() };
    let mut lines = vec![format!("worktree {dir} · branch {branch}")];
    if !artifacts.files.is_empty() {
        let shown: Vec<&str> = artifacts.files.iter().take(10).map(String::as_str).collect();
        let more = artifacts.files.len().saturating_sub(shown.len());
        let more = if more > 0 { format!(" … {more} more") } else { String::new() };
        lines.push(format!("changed  {}{more}", shown.join(", ")));
    }
    lines.push(format!("look     smart-agents diff {id}"));
    lines.push(format!("send back smart-agents review {id} \"NOTES\""));
    lines.push(format!("land     smart-agents land {id}   (into the branch it started from)"));
    lines.push(format!("discard  smart-agents discard {id}"));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worktree_result_says_where_the_work_is_and_what_next() {
        let artifacts = crate::model::Artifacts {
            files: vec!["src/a.rs".into()],
            changes: 1,
            worktree: Some("/h/worktrees/ab12cd".into()),
            branch: Some("smart-agents/ab12cd".into()),
        };
        let lines = worktree_lines("ab12cd", &artifacts).join("\n");
        for want in [
            "/h/worktrees/ab12cd",
            "branch smart-agents/ab12cd",
            "changed  src/a.rs",
            "smart-agents land ab12cd",
            "smart-agents diff ab12cd",
        ] {
            assert!(lines.contains(want), "{want}: {lines}");
        }
        assert!(
            worktree_lines("ab12cd", &crate::model::Artifacts { worktree: None, ..artifacts }).is_empty()
        );
    }

    #[test]
    fn the_verdict_decides_the_exit_code() {
        use crate::model::TaskState;
        assert_eq!(verdict_code(TaskState::Completed), 0);
        assert_eq!(verdict_code(TaskState::Failed), 1);
        assert_eq!(verdict_code(TaskState::Cancelled), 1);
    }
}
