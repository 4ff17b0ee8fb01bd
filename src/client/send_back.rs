//! `review`: send a worktree task's work back to its agent with notes. The follow-up continues
//! the same agent session (as `resume` does) in the same worktree, is linked to the task it
//! reviews (`parent`), and its prompt carries each line note with the hunk it points into.

use super::diff::{self, Diff};
use super::worktree::{Work, locate};
use crate::error::{Error, Result};
use crate::model::{DEFAULT_PRIORITY, TaskSpec};
use crate::paths::Paths;

/// One `--note FILE:LINE "TEXT"`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineNote {
    pub file: String,
    pub line: u64,
    pub text: String,
}

impl LineNote {
    pub fn parse(at: &str, text: &str) -> Result<LineNote> {
        let bad = || Error::usage(format!("--note takes FILE:LINE and a text; got '{at}'"));
        let (file, line) = at.rsplit_once(':').ok_or_else(bad)?;
        let line = line.parse().map_err(|_| bad())?;
        if file.is_empty() {
            return Err(bad());
        }
        Ok(LineNote { file: file.to_string(), line, text: text.to_string() })
    }
}

/// The hunk of `file` in `patch` whose new side holds `line`.
pub fn hunk_at(patch: &str, file: &str, line: u64) -> Option<String> {
    let mut in_file = false;
    let mut hunk: Option<(u64, u64, Vec<&str>)> = None;
    let mut found = None;
    let close = |h: &Option<(u64, u64, Vec<&str>)>| {
        h.as_ref()
            .filter(|(start, len, _)| line >= *start && line < start + (*len).max(1))
            .map(|(_, _, l)| l.join("\n"))
    };
    for text in patch.lines() {
        if text.starts_with("diff --git ") {
            found = found.or_else(|| close(&hunk));
            hunk = None;
            in_file = text.ends_with(&format!(" b/{file}"));
            continue;
        }
        if !in_file {
            continue;
        }
        if let Some(rest) = text.strip_prefix("@@ ") {
            found = found.or_else(|| close(&hunk));
            let new = rest.split(' ').find(|p| p.starts_with('+')).unwrap_or("+0");
            let (start, len) = new[1..].split_once(',').unwrap_or((&new[1..], "1"));
            hunk = Some((start.parse().unwrap_or(0), len.parse().unwrap_or(1), vec![text]));
        } else if let Some((_, _, lines)) = hunk.as_mut() {
            lines.push(text);
        }
    }
    found.or_else(|| close(&hunk))
}

/// The follow-up prompt: the notes, then each line note with its hunk.
pub fn prompt(id: &str, notes: &str, line_notes: &[LineNote], diff: &Diff) -> String {
    let mut text = format!(
        "Review of your work on task {id}. Please address these notes in the same checkout.\n\n{notes}\n"
    );
    if !line_notes.is_empty() {
        text.push_str("\nNotes on lines:\n");
    }
    for note in line_notes {
        text.push_str(&format!("\n{}:{}: {}\n", note.file, note.line, note.text));
        if let Some(hunk) = hunk_at(&diff.patch, &note.file, note.line) {
            text.push_str(&format!("```diff\n{hunk}\n```\n"));
        }
    }
    text
}

/// The task the follow-up continues: the latest in the worktree with an agent session.
fn session_task(work: &Work) -> Result<String> {
    work.tasks.iter().rev().find(|t| t.session_id.is_some()).map(|t| t.id.clone()).ok_or_else(|| {
        Error::usage(format!(
            "task {} has no agent session to send back to (a command task?): run a new task in {} instead",
            work.root.id,
            work.path.display()
        ))
    })
}

/// The follow-up task for `review ID NOTES --note ...`, ready to submit with the caller's env,
/// and the task that made the worktree (whose history records the review).
pub fn review_spec(
    paths: &Paths,
    typed: &str,
    notes: &str,
    line_notes: &[LineNote],
) -> Result<(String, TaskSpec)> {
    let (_, rec, work) = locate(paths, typed)?;
    work.ensure_idle("review")?;
    if !work.has_checkout() {
        return Err(Error::usage(format!(
            "task {}'s worktree {} is gone (landed or discarded): there is nothing to send back",
            work.root.id,
            work.path.display()
        )));
    }
    let of = session_task(&work)?;
    let diff = diff::of_work(&rec.id, &work, false)?;
    let prompt = prompt(&work.root.id, notes, line_notes, &diff);
    let first = notes.lines().next().unwrap_or("").trim();
    let spec = TaskSpec {
        description: format!("review {}: {first}", work.root.id),
        prompt: Some(prompt),
        resume_of: Some(of.clone()),
        parent: Some(of),
        autonomy: work.root.spec.autonomy,
        cwd: work.path.display().to_string(),
        class: work.root.spec.class.clone(),
        priority: DEFAULT_PRIORITY,
        ..TaskSpec::default()
    };
    Ok((work.root.id.clone(), spec))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,3 @@\n one\n+two\n three\n@@ -10,1 +11,2 @@\n ten\n+eleven\ndiff --git a/b.txt b/b.txt\n@@ -0,0 +1 @@\n+bee\n";

    #[test]
    fn a_line_note_finds_its_hunk() {
        assert_eq!(hunk_at(PATCH, "a.txt", 2).as_deref(), Some("@@ -1,2 +1,3 @@\n one\n+two\n three"));
        assert_eq!(hunk_at(PATCH, "a.txt", 12).as_deref(), Some("@@ -10,1 +11,2 @@\n ten\n+eleven"));
        assert_eq!(hunk_at(PATCH, "b.txt", 1).as_deref(), Some("@@ -0,0 +1 @@\n+bee"));
        assert_eq!(hunk_at(PATCH, "a.txt", 7), None);
        assert!(LineNote::parse("src/x.rs:12", "why").is_ok());
        assert!(LineNote::parse("src/x.rs", "why").is_err());
    }
}
