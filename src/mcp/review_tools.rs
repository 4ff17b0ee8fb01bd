//! The MCP tools that bring a worktree task's work back: `diff`, `review`, `land`, `discard`
//! and `compare`, so a model can show a change in the chat and land it when the user says
//! yes. The work is done by the same `client/` parts as the commands.

use super::calls::Reply;
use super::tools::tool;
use crate::client::{group, land, record, send_back};
use crate::error::{Error, Result};
use crate::paths::Paths;
use rmcp::model::{JsonObject, Tool};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdArgs {
    /// The task id (or a unique prefix of three or more characters).
    pub id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineNoteArg {
    pub file: String,
    pub line: u64,
    pub text: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewArgs {
    pub id: String,
    /// What the agent should change.
    pub notes: String,
    /// Notes on single lines of the change (the new side's line numbers).
    pub line_notes: Option<Vec<LineNoteArg>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LandArgs {
    pub id: String,
    /// squash, merge or rebase; default: a fast-forward when possible, else a merge commit.
    pub mode: Option<String>,
    /// The branch to land into (default: the branch the task started from).
    pub into: Option<String>,
    /// The commit message of a squash or merge.
    pub message: Option<String>,
    /// Keep the worktree and branch after landing.
    pub keep: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscardArgs {
    pub id: String,
    /// Discard even commits no other branch has (they stay reachable for a while).
    pub force: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareArgs {
    /// The group id `execute --attempts` printed.
    pub group: String,
}

const DIFF: &str = "What a task changed: for a task run with worktree=true, its branch and \
uncommitted changes against the commit it started from. Returns {id, base, files: [{path, status, \
insertions, deletions, binary}], patch}. Show the user the change before landing it.";
const REVIEW: &str = "Send a worktree task's work back to its agent with notes: a follow-up task \
continues the same agent session in the same worktree. Returns {id} of the follow-up.";
const LAND: &str = "Bring a finished worktree task's work into the branch it started from, in \
the user's checkout. Only when the user said yes. Refuses, changing nothing, while the task runs, \
when the user's uncommitted changes are in the way, or on a conflict (then send it back with review).";
const DISCARD: &str = "Throw away a finished worktree task's worktree and branch. Refuses without \
force when the branch has commits no other branch has; even then its last commit stays reachable \
as refs/smart-agents/discarded/ID for some days.";
const COMPARE: &str = "Best-of-N attempts (execute --attempts) side by side: state, check verdict, \
files and lines changed, tokens, cost and time of each, to pick the one to land.";

pub fn definitions() -> Vec<Tool> {
    vec![
        tool::<IdArgs>("diff", "Task change", DIFF, true),
        tool::<ReviewArgs>("review", "Send work back", REVIEW, false),
        tool::<LandArgs>("land", "Land work", LAND, false),
        tool::<DiscardArgs>("discard", "Discard work", DISCARD, false),
        tool::<CompareArgs>("compare", "Compare attempts", COMPARE, true),
    ]
}

fn ok(value: impl serde::Serialize, text: String) -> Result<Reply> {
    Ok(Reply { json: serde_json::to_value(value)?, text, is_error: false })
}

fn mode(text: Option<&str>) -> Result<land::Mode> {
    Ok(match text {
        None => land::Mode::Auto,
        Some("squash") => land::Mode::Squash,
        Some("merge") => land::Mode::Merge,
        Some("rebase") => land::Mode::Rebase,
        Some(other) => return Err(Error::usage(format!("mode '{other}': expected squash, merge or rebase"))),
    })
}

/// The answer to tool `name`, or `None` when it is none of these.
pub async fn call(paths: &Paths, name: &str, args: JsonObject) -> Option<Result<Reply>> {
    Some(match name {
        "diff" => super::parse_args(name, args).and_then(|a: IdArgs| {
            let d = crate::client::diff::of_task(paths, &a.id, false)?;
            let text = d.stat_line();
            ok(d, text)
        }),
        "review" => review(paths, args).await,
        "land" => land_tool(paths, args).await,
        "discard" => discard_tool(paths, args).await,
        "compare" => super::parse_args(name, args).and_then(|a: CompareArgs| {
            let c = group::compare(paths, &a.group)?;
            let text = format!("{} attempts in {}", c.attempts.len(), c.group);
            ok(c, text)
        }),
        _ => return None,
    })
}

async fn land_tool(paths: &Paths, args: JsonObject) -> Result<Reply> {
    let a: LandArgs = super::parse_args("land", args)?;
    let options = land::Options {
        mode: mode(a.mode.as_deref())?,
        into: a.into,
        message: a.message,
        keep: a.keep.unwrap_or(false),
    };
    let done = record::land(paths, &a.id, &options).await?;
    let mut lines = vec![format!("landed {} into {}", done.landed.id, done.landed.into)];
    lines.extend(done.siblings);
    lines.extend(done.warning);
    ok(done.landed, lines.join("\n"))
}

async fn discard_tool(paths: &Paths, args: JsonObject) -> Result<Reply> {
    let a: DiscardArgs = super::parse_args("discard", args)?;
    let (done, warning) = record::discard(paths, &a.id, a.force.unwrap_or(false)).await?;
    let mut text = format!("discarded {}", done.id);
    if let Some(warning) = warning {
        text.push_str(&format!("\n{warning}"));
    }
    ok(done, text)
}

async fn review(paths: &Paths, args: JsonObject) -> Result<Reply> {
    let a: ReviewArgs = super::parse_args("review", args)?;
    let notes: Vec<send_back::LineNote> = a
        .line_notes
        .unwrap_or_default()
        .into_iter()
        .map(|n| send_back::LineNote { file: n.file, line: n.line, text: n.text })
        .collect();
    let env = crate::client::submit::caller_env();
    let (_client, id, warning) = record::review(paths, &a.id, &a.notes, &notes, env).await?;
    let mut text = format!("Sent back as task {id}; check it with `status` or `result`.");
    if let Some(warning) = warning {
        text.push_str(&format!("\n{warning}"));
    }
    ok(json!({ "id": id }), text)
}
