//! `land`: into the branch the task started from, in the user's checkout; each refusal
//! leaves the repository exactly as it was.

use super::{LONG, Repo, done, refused, start, worktree};
use crate::common::Home;

#[test]
fn land_brings_commits_and_uncommitted_work_and_keeps_the_users_other_changes() {
    let home = Home::new();
    let repo = Repo::new();
    let id = done(&home, &repo, "echo eleven >> a.txt && git commit -qam 'add eleven' && echo new > c.txt");
    let result = crate::common::stderr(&home.run(&["result", &id]));
    assert!(
        result.contains("2 files changed, +2 \u{2212}0")
            && result.contains(&format!("smart-agents land {id}")),
        "{result}"
    );
    repo.sh("echo mine >> b.txt && echo scratch > notes.txt");
    let out = home.run_ok(&["land", &id]);
    assert!(out.contains(&format!("landed {id} into main")), "{out}");
    assert!(repo.sh("cat a.txt").ends_with("10\neleven\n"));
    assert_eq!(repo.sh("cat c.txt"), "new\n", "uncommitted work in the worktree lands too");
    assert!(repo.git("log --format=%s").contains("add eleven"), "the task's own commit is in main");
    assert_eq!(repo.sh("cat b.txt"), "bee\nmine\n", "the user's own changes are kept");
    assert_eq!(repo.git("status --porcelain"), "M b.txt\n?? notes.txt");
    assert!(!worktree(&home, &id).exists(), "the worktree goes after a land");
    assert_eq!(repo.git(&format!("branch --list smart-agents/{id}")), "", "the branch is merged, so it goes");
}

#[test]
fn land_keep_leaves_the_worktree_and_branch() {
    let home = Home::new();
    let repo = Repo::new();
    let id = done(&home, &repo, "echo eleven >> a.txt && git commit -qam eleven");
    home.run_ok(&["land", &id, "--keep"]);
    assert!(worktree(&home, &id).exists());
    assert!(!repo.git(&format!("branch --list smart-agents/{id}")).is_empty());
    assert!(repo.sh("cat a.txt").ends_with("eleven\n"));
}

#[test]
fn land_after_the_base_moved_on_merges_squashes_or_rebases() {
    let home = Home::new();
    let repo = Repo::new();
    let merged = done(&home, &repo, "sed -i 's/^1$/one/' a.txt && git commit -qam one");
    let squashed =
        done(&home, &repo, "echo c > c.txt && git add c.txt && git commit -qm c1 && echo d > d.txt");
    let rebased = done(
        &home,
        &repo,
        "echo e > e.txt && git add e.txt && git commit -qm e1 && echo f > f.txt && git add f.txt && git commit -qm f1",
    );
    repo.sh("echo moved >> b.txt && git commit -qam 'user moved on'");
    home.run_ok(&["land", &merged]);
    assert_eq!(repo.git("log -1 --format=%p").split(' ').count(), 2, "a merge commit");
    assert_eq!(repo.sh("head -1 a.txt"), "one\n");
    assert_eq!(repo.sh("tail -1 b.txt"), "moved\n");

    home.run_ok(&["land", &squashed, "--squash", "-m", "squashed work"]);
    assert_eq!(repo.git("log -1 --format=%s%n%p").lines().collect::<Vec<_>>().len(), 2);
    assert_eq!(repo.git("log -1 --format=%s"), "squashed work");
    assert_eq!(repo.git("log -1 --format=%p").split(' ').count(), 1, "one parent");
    assert_eq!(repo.sh("cat c.txt d.txt"), "c\nd\n");
    assert_eq!(
        repo.git(&format!("branch --list smart-agents/{squashed}")),
        "",
        "a squash land counts as landed"
    );
    assert!(
        !repo.git(&format!("rev-parse refs/smart-agents/discarded/{squashed}")).is_empty(),
        "the originals stay reachable"
    );

    home.run_ok(&["land", &rebased, "--rebase"]);
    assert_eq!(repo.git("log -2 --format=%s"), "f1\ne1", "replayed in order on top");
    assert_eq!(repo.git("log -1 --format=%p").split(' ').count(), 1, "linear");
    assert_eq!(repo.git("log -1 --format=%an"), "User");
    assert_eq!(repo.git("status --porcelain"), "");
}

#[test]
fn land_refuses_a_conflict_naming_the_files_and_changes_nothing() {
    let home = Home::new();
    let repo = Repo::new();
    let id = done(&home, &repo, "sed -i 's/^1$/task/' a.txt && git commit -qam task");
    repo.sh("sed -i 's/^1$/user/' a.txt && git commit -qam user && echo wip > wip.txt && git stash push -qu -m keep && echo dirty >> b.txt");
    let before = repo.fingerprint();
    for args in [
        vec!["land", id.as_str()],
        vec!["land", &id, "--squash"],
        vec!["land", &id, "--rebase"],
        vec!["land", &id, "--merge"],
    ] {
        let message = refused(&home, &args);
        assert!(message.contains("a.txt") && message.contains("conflict"), "{message}");
        assert!(message.contains(&format!("review {id}")) && message.contains("--rebase"), "{message}");
        assert_eq!(repo.fingerprint(), before, "`{}` changed the repository", args.join(" "));
    }
    assert!(worktree(&home, &id).exists(), "the worktree stays after a refusal");
}

#[test]
fn land_refuses_uncommitted_changes_in_files_it_would_touch() {
    let home = Home::new();
    let repo = Repo::new();
    let id = done(&home, &repo, "echo task >> a.txt && echo new > c.txt");
    repo.sh("echo wip > wip.txt && git stash push -qu && echo mine >> a.txt && git add a.txt && echo more >> b.txt");
    let before = repo.fingerprint();
    let message = refused(&home, &["land", &id]);
    assert!(message.contains("a.txt") && message.contains("uncommitted"), "{message}");
    assert!(!message.contains("b.txt"), "b.txt is not in the way: {message}");
    assert_eq!(repo.fingerprint(), before);
    // An untracked file the land would write over is in the way too.
    repo.sh("git reset -q a.txt && git checkout -q a.txt && echo untracked > c.txt");
    let before = repo.fingerprint();
    let message = refused(&home, &["land", &id]);
    assert!(message.contains("c.txt"), "{message}");
    assert_eq!(repo.fingerprint(), before);
}

#[test]
fn land_refuses_while_the_task_runs_or_waits_and_on_another_branch() {
    let home = Home::new();
    let repo = Repo::new();
    let running = start(&home, &repo, "echo x >> a.txt && git commit -qam x && touch ready && sleep 30");
    super::wait_for(&worktree(&home, &running).join("ready"));
    let pending = home.submit_with(
        &["--worktree", "--cwd", &repo.path().display().to_string(), "--after", &running],
        &["sh", "-c", "echo y >> b.txt"],
    );
    let before = repo.fingerprint();
    for id in [&running, &pending] {
        let state = home.state(id);
        for args in [vec!["land", id.as_str()], vec!["discard", id], vec!["discard", id, "--force"]] {
            let message = refused(&home, &args);
            assert!(message.contains(&state), "`{}` names the state {state}: {message}", args.join(" "));
            assert_eq!(repo.fingerprint(), before);
        }
    }
    let dir = worktree(&home, &running);
    assert!(dir.join("a.txt").exists(), "a running task's worktree is never touched");
    home.run_ok(&["cancel", &running, &pending]);
    home.wait_state(&running, "cancelled", LONG);

    let main = repo.git("rev-parse main");
    repo.sh("git switch -q -c other");
    let before = repo.fingerprint();
    let message = refused(&home, &["land", &running]);
    assert!(message.contains("other") && message.contains("main"), "{message}");
    assert_eq!(repo.fingerprint(), before);
    home.run_ok(&["land", &running, "--into", "other"]);
    assert!(repo.sh("cat a.txt").ends_with("x\n"));
    assert_eq!(repo.git("rev-parse main"), main, "main did not move");
    assert_eq!(repo.git("log -2 --format=%s other").lines().last(), Some("x"));
}
