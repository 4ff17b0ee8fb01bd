//! What a task changed, as data: the files (status, lines added and removed, binary or not)
//! and the patch, for `diff`, `result`, the dashboard, MCP and the web page alike.

use super::git::{Git, GitError, split_nul};
use super::worktree::Work;
use crate::error::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileChange {
    pub path: String,
    /// `added`, `modified`, `deleted`, `renamed`, `copied` or `type-changed`.
    pub status: String,
    pub insertions: u64,
    pub deletions: u64,
    pub binary: bool,
    /// A rename's or copy's old path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
}

/// `diff ID --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    pub id: String,
    /// The commit the work started from.
    pub base: String,
    pub files: Vec<FileChange>,
    pub patch: String,
}

impl Diff {
    pub fn insertions(&self) -> u64 {
        self.files.iter().map(|f| f.insertions).sum()
    }

    pub fn deletions(&self) -> u64 {
        self.files.iter().map(|f| f.deletions).sum()
    }

    /// "3 files changed, +40 −7".
    pub fn stat_line(&self) -> String {
        stat_line(self.files.len(), self.insertions(), self.deletions())
    }
}

pub fn stat_line(files: usize, insertions: u64, deletions: u64) -> String {
    let noun = if files == 1 { "file" } else { "files" };
    format!("{files} {noun} changed, +{insertions} \u{2212}{deletions}")
}

/// The two sides of a worktree task's change: where it started, and its branch with the
/// checkout's uncommitted changes (the checkout itself while it exists).
pub fn sides(work: &Work) -> Result<(String, String), GitError> {
    let to = if work.has_checkout() {
        work.checkout().snapshot_tree()?
    } else if let Some(landed) = &work.base.landed {
        landed.clone()
    } else {
        work.repo().line(&["rev-parse", "--verify", &format!("refs/heads/{}^{{commit}}", work.branch)])?
    };
    Ok((work.base.commit.clone(), to))
}

/// The change of the worktree task `id` (or of the follow-up `id`: the total since the first
/// started), with the patch coloured when `color`.
pub fn of_work(id: &str, work: &Work, color: bool) -> Result<Diff> {
    let (from, to) = sides(work)?;
    let git = work.repo();
    Ok(Diff {
        id: id.to_string(),
        base: from.clone(),
        files: files(&git, &from, &to)?,
        patch: patch(&git, &from, &to, color)?,
    })
}

/// The patch between two trees or commits, renames found as git finds them.
pub fn patch(git: &Git, from: &str, to: &str, color: bool) -> Result<String, GitError> {
    let color = if color { "--color=always" } else { "--no-color" };
    Ok(String::from_utf8_lossy(&git.read(&["diff", "-M", color, from, to])?).into_owned())
}

/// The files changed between two trees or commits.
pub fn files(git: &Git, from: &str, to: &str) -> Result<Vec<FileChange>, GitError> {
    let names = split_nul(&git.read(&["diff", "-M", "--name-status", "-z", from, to])?);
    let counts = numstat(&git.read(&["diff", "-M", "--numstat", "-z", from, to])?);
    let mut out = Vec::new();
    let mut items = names.into_iter();
    while let Some(code) = items.next() {
        let letter = code.chars().next().unwrap_or('M');
        let old_path = if matches!(letter, 'R' | 'C') { items.next() } else { None };
        let Some(path) = items.next() else { break };
        let (insertions, deletions, binary) = counts.get(out.len()).copied().unwrap_or((0, 0, false));
        let status = match letter {
            'A' => "added",
            'D' => "deleted",
            'R' => "renamed",
            'C' => "copied",
            'T' => "type-changed",
            _ => "modified",
        };
        out.push(FileChange { path, status: status.into(), insertions, deletions, binary, old_path });
    }
    Ok(out)
}

/// `--numstat -z`: (insertions, deletions, binary) per file, in order.
fn numstat(bytes: &[u8]) -> Vec<(u64, u64, bool)> {
    let mut out = Vec::new();
    let mut items = bytes.split(|b| *b == 0);
    while let Some(item) = items.next() {
        if item.is_empty() {
            continue;
        }
        let text = String::from_utf8_lossy(item);
        let mut parts = text.splitn(3, '\t');
        let (ins, del, path) =
            (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if path.is_empty() {
            // A rename: its old and new paths follow as two items.
            items.next();
            items.next();
        }
        let binary = ins == "-" && del == "-";
        out.push((ins.parse().unwrap_or(0), del.parse().unwrap_or(0), binary));
    }
    out
}

/// Where the change of a task that ran in place is kept: `worktrees/ID.diff.json`.
pub fn saved_file(worktrees_dir: &std::path::Path, id: &str) -> std::path::PathBuf {
    worktrees_dir.join(format!("{id}.diff.json"))
}

/// For the supervisor, when a task that ran in place ends with a change (`files`, from tree
/// `before` to tree `after`): keep it, with its patch, so the diff stays right after the user
/// edits on.
pub fn save_in_place(git: &Git, diff: Diff, before: &str, after: &str, file: &std::path::Path) -> Result<()> {
    let diff = Diff { patch: patch(git, before, after, false)?, ..diff };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(file, serde_json::to_vec(&diff)?)?;
    Ok(())
}

/// The change of task `typed`: a worktree task's from its worktree, an in-place task's from
/// the patch saved when it ended.
pub fn of_task(paths: &crate::paths::Paths, typed: &str, color: bool) -> Result<Diff> {
    let store = crate::store::Store::open_for_reading(&paths.database)?;
    let id = crate::store::resolve_id(store.as_ref(), typed)?;
    let Some(store) = store else { return saved(paths, &id, color) };
    match super::worktree::locate_in(&store, paths, &id) {
        Ok((_, work)) => of_work(&id, &work, color),
        Err(e) if e.kind() == crate::error::ErrorKind::Usage => saved(paths, &id, color),
        Err(e) => Err(e),
    }
}

/// The change of task `id` when it changed something (its worktree's, or the patch saved when
/// it ran in place): what `result`, the ending notices and the channels give as the diffstat.
pub fn changed(paths: &crate::paths::Paths, id: &str) -> Option<Diff> {
    // A task that ran in place keeps its change in one file: no database for it.
    let diff = match read_saved(paths, id) {
        Some(diff) => diff,
        None => of_task(paths, id, false).ok()?,
    };
    (!diff.files.is_empty()).then_some(diff)
}

fn read_saved(paths: &crate::paths::Paths, id: &str) -> Option<Diff> {
    serde_json::from_slice(&std::fs::read(saved_file(&paths.worktrees_dir, id)).ok()?).ok()
}

/// The change the task with the full id `id` saved when it ended, having run in place.
fn saved(paths: &crate::paths::Paths, id: &str, color: bool) -> Result<Diff> {
    let empty = || Diff { id: id.to_string(), base: String::new(), files: Vec::new(), patch: String::new() };
    let mut diff = read_saved(paths, id).unwrap_or_else(empty);
    if color {
        diff.patch = colorize(&diff.patch);
    }
    Ok(diff)
}

/// What a line of a patch is, for colour: the dashboard and `colorize` agree on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `diff --git`, `---`, `+++`: bold.
    Header,
    /// `@@ ... @@`: cyan.
    Hunk,
    Added,
    Removed,
    Context,
}

pub fn line_kind(line: &str) -> LineKind {
    if line.starts_with("diff --git") || line.starts_with("+++ ") || line.starts_with("--- ") {
        LineKind::Header
    } else if line.starts_with("@@") {
        LineKind::Hunk
    } else if line.starts_with('+') {
        LineKind::Added
    } else if line.starts_with('-') {
        LineKind::Removed
    } else {
        LineKind::Context
    }
}

/// Colour a plain patch as git does: headers bold, hunks cyan, added green, removed red.
pub fn colorize(patch: &str) -> String {
    let mut out = String::with_capacity(patch.len() + patch.len() / 8);
    for line in patch.lines() {
        let code = match line_kind(line) {
            LineKind::Header => "1",
            LineKind::Hunk => "36",
            LineKind::Added => "32",
            LineKind::Removed => "31",
            LineKind::Context => "",
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(&format!("\x1b[{code}m{line}\x1b[m"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numstat_reads_binary_and_renames() {
        let text = b"1\t2\ta.txt\x00-\t-\tlogo.png\x000\t0\t\x00old.rs\x00new.rs\x00";
        assert_eq!(numstat(text), vec![(1, 2, false), (0, 0, true), (0, 0, false)]);
        assert_eq!(stat_line(3, 40, 7), "3 files changed, +40 \u{2212}7");
        assert_eq!(stat_line(1, 1, 0), "1 file changed, +1 \u{2212}0");
    }
}
