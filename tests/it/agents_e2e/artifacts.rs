//! What a task leaves behind: the agent session a follow-up resumes, the files it changed in a
//! git repository, and the worktree it ran in.

use super::common::describe;
use super::common::git::git;
use super::{CLAUDE_SESSION, agent_path, ended, home_with, recorded_argv, submit, temp};
use std::path::Path;

/// A repository with one committed file, a.txt.
fn repo(dir: &Path) {
    git(dir, &["init", "-q"]);
    std::fs::write(dir.join("a.txt"), "a\n").unwrap();
    git(dir, &["add", "a.txt"]);
    git(dir, &["commit", "-q", "-m", "first"]);
}

#[test]
fn resume_continues_the_claude_session() {
    let home = home_with("");
    let dir = temp();
    let first = submit(&home, &["Analyze auth", "--agent", "claude"], &[]);
    ended(&home, &first, "completed");

    let argv = dir.path().join("argv");
    let out = home
        .cmd(&["resume", &first, "Now fix the rotation", "--async"])
        .env("PATH", agent_path())
        .env("STANDIN_ARGV_FILE", &argv)
        .output()
        .unwrap();
    assert!(out.status.success(), "resume: {}", describe(&out));
    let second = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_ne!(second, first);
    ended(&home, &second, "completed");
    assert_eq!(home.status(&second)["agent"], "claude");
    let args = recorded_argv(&argv);
    assert!(args.windows(2).any(|w| w == ["--resume", CLAUDE_SESSION]), "no --resume SESSION in {args:?}");
    assert!(args.iter().any(|a| a == "Now fix the rotation"), "{args:?}");
}

#[test]
fn resume_continues_a_codex_thread() {
    let home = home_with("");
    let dir = temp();
    let first = submit(&home, &["Analyze auth", "--agent", "codex"], &[]);
    ended(&home, &first, "completed");
    let argv = dir.path().join("argv");
    let out = home
        .cmd(&["resume", &first, "Go on", "--async"])
        .env("PATH", agent_path())
        .env("STANDIN_ARGV_FILE", &argv)
        .output()
        .unwrap();
    assert!(out.status.success(), "resume: {}", describe(&out));
    let second = String::from_utf8_lossy(&out.stdout).trim().to_string();
    ended(&home, &second, "completed");
    let args = recorded_argv(&argv);
    assert!(
        args.windows(3).any(|w| w == ["resume", "0199a213-81c0-7800-8aa1-bbab2a035a53", "Go on"]),
        "no `resume THREAD PROMPT` in {args:?}"
    );
}

#[test]
fn resume_of_a_task_without_a_session_is_refused() {
    let home = home_with("");
    let id = home.submit(&["true"]);
    ended(&home, &id, "completed");
    let out = home.cmd(&["resume", &id, "more", "--async"]).env("PATH", agent_path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no agent session"), "{}", describe(&out));
}

#[test]
fn changed_files_in_a_git_repository_are_the_artifacts() {
    let home = home_with("");
    let dir = temp();
    repo(dir.path());
    let cwd = dir.path().to_str().unwrap();
    let id = home.submit_with(&["--cwd", cwd], &["sh", "-c", "echo x >> a.txt; echo y > new.txt"]);
    let r = ended(&home, &id, "completed");
    assert_eq!(r["artifacts"]["files"], serde_json::json!(["a.txt", "new.txt"]), "{r}");
    assert_eq!(r["artifacts"]["changes"], 2, "{r}");

    // Outside a repository there is nothing to list.
    let plain = temp();
    let id = home.submit_with(&["--cwd", plain.path().to_str().unwrap()], &["sh", "-c", "echo y > new.txt"]);
    let r = ended(&home, &id, "completed");
    assert_eq!(r["artifacts"]["changes"], 0, "{r}");
}

#[test]
fn worktree_runs_the_task_on_its_own_branch() {
    let home = home_with("");
    let dir = temp();
    repo(dir.path());
    let cwd = dir.path().to_str().unwrap();
    let id = home.submit_with(
        &["--cwd", cwd, "--worktree"],
        &["sh", "-c", "pwd > where.txt; git branch --show-current >> where.txt; echo z >> a.txt"],
    );
    let r = ended(&home, &id, "completed");
    let worktree = r["artifacts"]["worktree"].as_str().unwrap_or_else(|| panic!("no worktree: {r}"));
    let branch = format!("smart-agents/{id}");
    let listed = git(dir.path(), &["branch", "--list", &branch]);
    assert!(listed.contains(&branch), "branch {branch} not listed: {listed:?}");
    let where_ =
        std::fs::read_to_string(Path::new(worktree).join("where.txt")).expect("task wrote in the worktree");
    let mut lines = where_.lines();
    let ran_in = std::fs::canonicalize(lines.next().unwrap()).unwrap();
    assert_eq!(ran_in, std::fs::canonicalize(worktree).unwrap());
    assert_eq!(lines.next(), Some(branch.as_str()));
    // The main checkout is untouched; the worktree is kept after the task.
    assert!(!dir.path().join("where.txt").exists());
    assert_eq!(std::fs::read_to_string(dir.path().join("a.txt")).unwrap(), "a\n");
    assert!(Path::new(worktree).join("a.txt").exists());
    let files = r["artifacts"]["files"].as_array().cloned().unwrap_or_default();
    assert!(files.iter().any(|f| f == "a.txt") && files.iter().any(|f| f == "where.txt"), "{r}");
}
