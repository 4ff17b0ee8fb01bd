//! Commits made without touching any checkout: the task's uncommitted work on top of its
//! branch, a merge, a squash, a rebase replayed with `git merge-tree` and `git commit-tree`.
//! Nothing here moves a ref; the caller decides what lands.

use super::git::{Git, GitError};

/// What a three-way merge of two commits gives.
pub enum Merged {
    Clean(String),
    Conflict(Vec<String>),
}

/// Author and committer for commits smart-agents makes when the user has none configured.
fn identity(git: &Git) -> Vec<(&'static str, &'static str)> {
    if git.read(&["var", "GIT_COMMITTER_IDENT"]).is_ok() {
        return Vec::new();
    }
    vec![
        ("GIT_AUTHOR_NAME", "smart-agents"),
        ("GIT_AUTHOR_EMAIL", "smart-agents@localhost"),
        ("GIT_COMMITTER_NAME", "smart-agents"),
        ("GIT_COMMITTER_EMAIL", "smart-agents@localhost"),
    ]
}

/// `git commit-tree TREE -p PARENT... -m MESSAGE`: a new commit object, no ref moved.
pub fn commit_tree(git: &Git, tree: &str, parents: &[&str], message: &str) -> Result<String, GitError> {
    let mut args = vec!["commit-tree".to_string(), tree.to_string()];
    for p in parents {
        args.extend(["-p".to_string(), p.to_string()]);
    }
    args.extend(["-m".to_string(), message.to_string()]);
    let env = identity(git);
    Ok(String::from_utf8_lossy(&git.write_env(&args, &env)?).trim().to_string())
}

/// The tip of a worktree task's work: its branch, plus a commit of the checkout's uncommitted
/// changes when there are any (an object only: the branch does not move).
pub fn work_tip(repo: &Git, checkout: Option<&Git>, branch: &str, id: &str) -> Result<String, GitError> {
    let head = repo.line(&["rev-parse", "--verify", &format!("refs/heads/{branch}^{{commit}}")])?;
    let Some(checkout) = checkout else { return Ok(head) };
    let tree = checkout.snapshot_tree()?;
    if tree == repo.line(&["rev-parse", &format!("{head}^{{tree}}")])? {
        return Ok(head);
    }
    commit_tree(repo, &tree, &[&head], &format!("Uncommitted work of smart-agents task {id}"))
}

/// Merge `theirs` into `ours` in memory (`git merge-tree --write-tree`), optionally from a
/// given merge base.
pub fn merge(git: &Git, ours: &str, theirs: &str, base: Option<&str>) -> Result<Merged, GitError> {
    let mut args = vec!["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z"];
    let base_arg = base.map(|b| format!("--merge-base={b}"));
    if let Some(b) = &base_arg {
        args.push(b);
    }
    args.extend([ours, theirs]);
    let (out, clean) = match git.write(&args) {
        Ok(out) => (out, true),
        Err(GitError::Failed { code: Some(1), stdout, .. }) => (stdout, false),
        Err(e) => return Err(e),
    };
    let mut items = super::git::split_nul(&out).into_iter();
    let tree = items.next().unwrap_or_default();
    if clean {
        return Ok(Merged::Clean(tree));
    }
    let mut files: Vec<String> = items.collect();
    files.dedup();
    Ok(Merged::Conflict(files))
}

/// Replay the commits `onto..tip` (first parents, oldest first) on `onto`, keeping each one's
/// author, date and message.
pub fn rebase(git: &Git, onto: &str, tip: &str) -> Result<Merged, GitError> {
    let list =
        git.line(&["rev-list", "--reverse", "--first-parent", "--no-merges", &format!("{onto}..{tip}")])?;
    let mut current = onto.to_string();
    for commit in list.lines().filter(|l| !l.is_empty()) {
        let parent = format!("{commit}^");
        let tree = match merge(git, &current, commit, Some(&parent))? {
            Merged::Clean(tree) => tree,
            conflict => return Ok(conflict),
        };
        let info = git.read(&["log", "-1", "--format=%an%x00%ae%x00%ad%x00%B", "--date=raw", commit])?;
        let text = String::from_utf8_lossy(&info).into_owned();
        let mut parts = text.splitn(4, '\0');
        let (name, email, date, message) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let mut env = identity(git);
        env.retain(|(k, _)| k.starts_with("GIT_COMMITTER"));
        env.extend([("GIT_AUTHOR_NAME", name), ("GIT_AUTHOR_EMAIL", email), ("GIT_AUTHOR_DATE", date)]);
        let args = ["commit-tree", tree.as_str(), "-p", current.as_str(), "-m", message.trim_end()];
        current = String::from_utf8_lossy(&git.write_env(&args, &env)?).trim().to_string();
    }
    Ok(Merged::Clean(current))
}
