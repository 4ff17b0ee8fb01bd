//! Best-of-N: attempts in their own worktrees under one group, a check after each, `compare`,
//! and `land ATTEMPT` discarding the siblings recoverably.

use super::{LONG, Repo, worktree};
use crate::common::Home;

const AGENTS: &str = "[agents.good]\nbackend = \"command\"\ncommand = [\"sh\", \"-c\", \"echo ok > answer.txt\"]\n\n\
                      [agents.bad]\nbackend = \"command\"\ncommand = [\"sh\", \"-c\", \"echo wrong > answer.txt; seq 1 3 > extra.txt\"]\n";

#[test]
fn best_of_n_with_a_check_compares_and_lands_one() {
    let home = Home::with_config(AGENTS);
    let repo = Repo::new();
    let cwd = repo.path().display().to_string();
    let out = home.json(&[
        "execute",
        "Answer",
        "--agents",
        "good,bad",
        "--cwd",
        &cwd,
        "--check",
        "--json",
        "--",
        "grep",
        "-q",
        "ok",
        "answer.txt",
    ]);
    let gid = out["group"].as_str().expect("group").to_string();
    let ids: Vec<String> =
        out["ids"].as_array().unwrap().iter().map(|i| i.as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 2, "{out}");
    for id in &ids {
        home.wait_state(id, "completed", LONG);
        assert_eq!(home.status(id)["group"], gid.as_str());
    }
    let deadline = std::time::Instant::now() + LONG;
    let compared = loop {
        let c = home.json(&["compare", &gid, "--json"]);
        let checks: Vec<&str> =
            c["attempts"].as_array().unwrap().iter().filter_map(|a| a["check"].as_str()).collect();
        if checks.iter().all(|c| *c == "passed" || *c == "failed") && checks.len() == 2 {
            break c;
        }
        assert!(std::time::Instant::now() < deadline, "checks never ended: {c}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(compared["group"], gid.as_str());
    let rows = compared["attempts"].as_array().unwrap();
    let (good, bad) = (&rows[0], &rows[1]);
    assert_eq!(
        (good["agent"].as_str(), good["check"].as_str(), good["files"].as_u64()),
        (Some("good"), Some("passed"), Some(1)),
        "{compared}"
    );
    assert_eq!(
        (bad["agent"].as_str(), bad["check"].as_str(), bad["files"].as_u64()),
        (Some("bad"), Some("failed"), Some(2)),
        "{compared}"
    );
    assert_eq!(bad["insertions"], 4);
    for key in ["state", "deletions", "tokens", "cost_usd", "duration_ms"] {
        assert!(good.get(key).is_some(), "{key} in {good}");
    }
    let text = home.run_ok(&["compare", &gid]);
    assert!(text.contains("passed") && text.contains("failed"), "{text}");

    let landed = home.run_ok(&["land", &ids[0]]);
    assert!(landed.contains(&format!("discarded sibling {}", ids[1])), "{landed}");
    assert_eq!(repo.sh("cat answer.txt"), "ok\n");
    assert!(!worktree(&home, &ids[1]).exists(), "the sibling's worktree went");
    let kept = format!("refs/smart-agents/discarded/{}", ids[1]);
    assert_eq!(repo.git(&format!("show {kept}:answer.txt")), "wrong", "the sibling's work stays reachable");
    let discarded = super::history::event_data(&home, &ids[1], "discarded");
    assert_eq!(discarded["text"], format!("discarded by cli, kept at {kept}").as_str(), "{discarded}");
}

#[test]
fn attempts_run_the_same_agent_n_times() {
    let home = Home::with_config(AGENTS);
    let repo = Repo::new();
    let cwd = repo.path().display().to_string();
    let out =
        home.json(&["execute", "Answer", "--agent", "good", "--attempts", "3", "--cwd", &cwd, "--json"]);
    let ids = out["ids"].as_array().unwrap();
    assert_eq!(ids.len(), 3, "{out}");
    for id in ids {
        let id = id.as_str().unwrap();
        home.wait_state(id, "completed", LONG);
        assert_eq!(home.status(id)["group"], out["group"]);
        assert!(worktree(&home, id).join("answer.txt").exists(), "each attempt in its own worktree");
    }
    let compared = home.json(&["compare", out["group"].as_str().unwrap(), "--json"]);
    assert!(compared["attempts"].as_array().unwrap().iter().all(|a| a["check"].is_null()), "{compared}");
}

/// `[worktree] copy` and `.worktreeinclude` bring untracked files along; `setup` runs first,
/// its output in the task's log; a failing set-up fails the task with its reason.
#[test]
fn worktree_setup_copies_included_files_and_runs_the_setup_command() {
    let home = Home::with_config(
        "[worktree]\ncopy = [\".env\"]\nsetup = [\"sh\", \"-c\", \"echo setting up; cp .env .env.seen\"]\n",
    );
    let repo = Repo::new();
    repo.sh("printf '.env\\nsecret/\\nbig/\\n' > .gitignore && printf 'secret/\\n' > .worktreeinclude && git add . && git commit -qm ignore");
    repo.sh("echo TOKEN=1 > .env && mkdir secret big && echo k > secret/key && echo b > big/blob");
    let id = super::done(&home, &repo, "cat .env secret/key .env.seen; test ! -e big/blob");
    let log = home.run_ok(&["logs", &id]);
    assert!(log.contains("setting up"), "{log}");
    assert!(log.contains("TOKEN=1\nk\nTOKEN=1"), "{log}");

    let home = Home::with_config("[worktree]\nsetup = [\"sh\", \"-c\", \"exit 3\"]\n");
    let failed = super::start(&home, &repo, "echo never");
    let view = home.wait_state(&failed, "failed", LONG);
    assert!(view["reason"].as_str().unwrap_or("").starts_with("worktree setup failed"), "{view}");
    assert!(!home.run_ok(&["logs", &failed]).contains("never"));
}

/// A class (`[classes.NAME]`) sets its own `worktree_copy` and `worktree_setup`, over the
/// global `[worktree]` ones; tasks of other classes keep the global ones.
#[test]
fn a_class_sets_its_own_worktree_set_up() {
    let home = Home::with_config(
        "[worktree]\nsetup = [\"sh\", \"-c\", \"echo global > made-by\"]\n\
         [classes.web]\nworktree_copy = [\".env\"]\nworktree_setup = [\"sh\", \"-c\", \"echo web > made-by\"]\n",
    );
    let repo = Repo::new();
    repo.sh("echo .env > .gitignore && git add . && git commit -qm ignore && echo TOKEN=1 > .env");
    let cwd = repo.path().display().to_string();
    let opts = ["--worktree", "--cwd", cwd.as_str(), "--class", "web"];
    let web = home.submit_with(&opts, &["sh", "-c", "cat made-by .env"]);
    let plain = super::done(&home, &repo, "cat made-by; test ! -e .env && echo no-env");
    home.wait_state(&web, "completed", LONG);
    assert!(home.run_ok(&["logs", &web]).contains("web\nTOKEN=1"), "{}", home.run_ok(&["logs", &web]));
    assert!(home.run_ok(&["logs", &plain]).contains("global\nno-env"), "{}", home.run_ok(&["logs", &plain]));
}
