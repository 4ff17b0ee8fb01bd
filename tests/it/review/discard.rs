//! `discard` and `prune`: no commit is lost, no live task's worktree is touched.

use super::{LONG, Repo, done, refused, start, worktree};
use crate::common::Home;

#[test]
fn discard_refuses_unique_commits_and_keeps_them_reachable_with_force() {
    let home = Home::with_config("[worktree]\nkeep_discarded = 0\n");
    let repo = Repo::new();
    let id = done(&home, &repo, "echo x >> a.txt && git commit -qam 'precious work' && echo y > y.txt");
    let before = repo.fingerprint();
    let message = refused(&home, &["discard", &id]);
    assert!(message.contains("precious work") && message.contains("--force"), "{message}");
    assert_eq!(repo.fingerprint(), before);
    assert!(worktree(&home, &id).exists());

    let out = home.json(&["discard", &id, "--force", "--json"]);
    let kept = format!("refs/smart-agents/discarded/{id}");
    assert_eq!(out["kept"], kept.as_str(), "{out}");
    assert!(!worktree(&home, &id).exists());
    assert_eq!(repo.git(&format!("branch --list smart-agents/{id}")), "");
    assert_eq!(repo.git(&format!("log -1 --format=%s {kept}~1")), "precious work");
    assert_eq!(repo.git(&format!("show {kept}:y.txt")), "y", "uncommitted work is kept too");
    assert_eq!(repo.git("status --porcelain"), "", "the user's checkout is untouched");

    home.run_ok(&["prune"]);
    assert_eq!(
        repo.sh(&format!("git show-ref {kept} || true")),
        "",
        "prune lets it go after keep_discarded days"
    );
}

#[test]
fn discard_without_commits_needs_no_force_and_kept_refs_wait_for_keep_discarded() {
    let home = Home::new();
    let repo = Repo::new();
    let id = done(&home, &repo, "echo wip > wip.txt");
    home.run_ok(&["discard", &id]);
    assert!(!worktree(&home, &id).exists());
    let kept = format!("refs/smart-agents/discarded/{id}");
    home.run_ok(&["prune"]);
    assert_eq!(repo.git(&format!("show {kept}:wip.txt")), "wip", "kept for 14 days by default");
}

#[test]
fn prune_near_worktrees_of_live_tasks_touches_none() {
    let home = Home::with_config("[worktree]\nkeep_discarded = 0\n");
    let repo = Repo::new();
    let old = done(&home, &repo, "echo old >> a.txt && git commit -qam old");
    let live = start(
        &home,
        &repo,
        "echo live >> a.txt && git commit -qam live && sleep 2 && echo after > after.txt",
    );
    home.wait_state(&live, "running", LONG);
    home.run_ok(&["prune", "--older-than", "0s"]);
    let dir = worktree(&home, &live);
    assert!(dir.exists(), "a running task's worktree stays");
    assert!(worktree(&home, &old).exists(), "prune removes no worktree");
    home.wait_state(&live, "completed", LONG);
    assert_eq!(
        std::fs::read_to_string(dir.join("after.txt")).unwrap(),
        "after\n",
        "the task finished its work in it"
    );
    assert!(!repo.git(&format!("rev-parse smart-agents/{live}")).is_empty());
    assert!(!repo.git(&format!("rev-parse smart-agents/{old}")).is_empty());
}
