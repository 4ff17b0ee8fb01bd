//! `land --pr`: push the task's branch to the remote and open a pull request with `gh`. GitHub
//! cannot exist here: the remote is a bare repository and `gh` a stand-in script that records
//! its argv. Without `gh` (or logged out), nothing is pushed and the push command is printed.

use super::{Repo, done, sh_in};
use crate::common::{Home, describe, stdout};
use std::path::{Path, PathBuf};

/// A bare repository beside `repo`, added to it as `origin`.
fn bare_remote(repo: &Repo) -> PathBuf {
    let bare = repo.path().with_file_name("remote.git");
    sh_in(repo.path(), &format!("git init -q --bare {0} && git remote add origin {0}", bare.display()));
    bare
}

/// A folder holding `gh`: it appends its argv (one line, tab-separated) to `log`, answers
/// `auth status` with `auth_code`, and prints a pull request's address.
fn stand_in_gh(dir: &Path, log: &Path, auth_code: i32) -> PathBuf {
    let bin = dir.join("gh-bin");
    std::fs::create_dir_all(&bin).expect("gh folder");
    let script = format!(
        "#!/bin/sh\n(IFS=\"$(printf '\\t')\"; echo \"$*\") >> '{log}'\n\
         [ \"$1\" = auth ] && exit {auth_code}\necho https://github.example/o/r/pull/7\n",
        log = log.display()
    );
    let gh = bin.join("gh");
    std::fs::write(&gh, script).expect("write gh");
    sh_in(dir, &format!("chmod +x '{}'", gh.display()));
    bin
}

/// A PATH of `first` and a folder with only `git` in it: no `gh` anywhere.
fn path_without_gh(dir: &Path, first: Option<&Path>) -> String {
    let only_git = dir.join("only-git");
    std::fs::create_dir_all(&only_git).expect("git folder");
    let git = sh_in(dir, "command -v git").trim().to_string();
    let link = only_git.join("git");
    if !link.exists() {
        std::os::unix::fs::symlink(git, &link).expect("link git");
    }
    match first {
        Some(first) => format!("{}:{}", first.display(), only_git.display()),
        None => only_git.display().to_string(),
    }
}

#[test]
fn land_pr_pushes_the_branch_and_opens_a_pull_request_with_gh() {
    let home = Home::new();
    let repo = Repo::new();
    let bare = bare_remote(&repo);
    let id = done(&home, &repo, "echo eleven >> a.txt && git commit -qam eleven && echo new > c.txt");
    let main = repo.git("rev-parse main");
    let log = home.temp_dir().join("gh.log");
    let gh = stand_in_gh(home.temp_dir(), &log, 0);
    let out =
        home.cmd(&["land", &id, "--pr"]).env("PATH", path_without_gh(home.temp_dir(), Some(&gh))).output();
    let out = out.expect("run land --pr");
    assert!(out.status.success(), "{}", describe(&out));
    let said = stdout(&out);
    let branch = format!("smart-agents/{id}");
    assert!(said.contains(&format!("pushed {branch} to origin")), "{said}");
    assert!(said.contains("https://github.example/o/r/pull/7"), "gh's answer is passed on: {said}");

    let pushed = sh_in(&bare, &format!("git rev-parse refs/heads/{branch}")).trim().to_string();
    assert_eq!(pushed, repo.git(&format!("rev-parse refs/heads/{branch}")), "the branch is on the remote");
    assert_eq!(sh_in(&bare, &format!("git show {branch}:c.txt")), "new\n", "uncommitted work went too");
    assert_eq!(sh_in(&bare, &format!("git log -1 --format=%s {branch}~1")).trim(), "eleven");

    let calls = std::fs::read_to_string(&log).expect("gh was run");
    let calls: Vec<Vec<&str>> = calls.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(calls[0], ["auth", "status"], "{calls:?}");
    let title = home.status(&id)["description"].as_str().expect("description").to_string();
    let body = format!("Work of smart-agents task {id}.");
    let create = ["pr", "create", "--head", &branch, "--title", &title, "--body", &body, "--base", "main"];
    assert_eq!(calls[1], create, "{calls:?}");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(repo.git("rev-parse main"), main, "a pull request lands nothing here");
}

#[test]
fn land_pr_without_gh_or_logged_out_prints_the_push_and_what_is_missing() {
    let home = Home::new();
    let repo = Repo::new();
    let bare = bare_remote(&repo);
    let id = done(&home, &repo, "echo eleven >> a.txt && git commit -qam eleven");
    let main = repo.git("rev-parse main");
    let branch = format!("smart-agents/{id}");
    let push = format!("git -C {} push -u origin {branch}", repo.path().display());

    let out = home.cmd(&["land", &id, "--pr"]).env("PATH", path_without_gh(home.temp_dir(), None)).output();
    let out = out.expect("run land --pr");
    assert!(out.status.success(), "{}", describe(&out));
    let said = stdout(&out);
    assert!(said.contains(&push), "the push command: {said}");
    assert!(said.contains("`gh` is not installed") && said.contains("https://cli.github.com"), "{said}");

    let log = home.temp_dir().join("gh.log");
    let gh = stand_in_gh(home.temp_dir(), &log, 1);
    let out =
        home.cmd(&["land", &id, "--pr"]).env("PATH", path_without_gh(home.temp_dir(), Some(&gh))).output();
    let said = stdout(&out.expect("run land --pr"));
    assert!(said.contains(&push) && said.contains("not logged in (`gh auth login`)"), "{said}");
    assert_eq!(std::fs::read_to_string(&log).unwrap_or_default(), "auth\tstatus\n", "no pr create");

    assert_eq!(sh_in(&bare, "git for-each-ref"), "", "nothing was pushed");
    assert_eq!(repo.git("rev-parse main"), main, "nothing landed");
}
