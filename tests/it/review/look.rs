//! `diff` and `status`: what a task changed, seen while it runs and after.

use super::{LONG, Repo, done, start, worktree};
use crate::common::Home;
use serde_json::Value;

fn file<'a>(diff: &'a Value, path: &str) -> &'a Value {
    diff["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in {diff}"))
}

#[test]
fn diff_shows_commits_and_uncommitted_work_with_renames_binaries_and_deletions() {
    let home = Home::new();
    let repo = Repo::new();
    let base = repo.git("rev-parse HEAD");
    let id = done(
        &home,
        &repo,
        "git mv old.txt new.txt && git commit -qm 'rename old' && printf 'x\\0\\1\\2y' > logo.bin \
         && git rm -q b.txt && echo eleven >> a.txt",
    );
    let diff = home.json(&["diff", &id, "--json"]);
    assert_eq!(diff["id"], id.as_str());
    assert_eq!(diff["base"], base.as_str(), "against the commit it started from");
    assert_eq!(diff["files"].as_array().unwrap().len(), 4, "{diff}");
    let a = file(&diff, "a.txt");
    assert_eq!(
        (a["status"].as_str(), a["insertions"].as_u64(), a["deletions"].as_u64()),
        (Some("modified"), Some(1), Some(0))
    );
    assert_eq!(file(&diff, "new.txt")["status"], "renamed");
    assert_eq!(file(&diff, "b.txt")["status"], "deleted");
    let logo = file(&diff, "logo.bin");
    assert_eq!((logo["status"].as_str(), logo["binary"].as_bool()), (Some("added"), Some(true)));
    let patch = diff["patch"].as_str().unwrap();
    assert!(patch.contains("rename from old.txt") && patch.contains("rename to new.txt"), "{patch}");
    assert!(patch.contains("Binary files /dev/null and b/logo.bin differ"), "{patch}");
    assert!(patch.contains("deleted file mode"), "{patch}");
    assert!(patch.contains("+eleven"), "uncommitted work counts: {patch}");

    let plain = home.run_ok(&["diff", &id]);
    assert!(plain.contains("+eleven") && !plain.contains('\x1b'), "plain in a pipe: {plain}");
    let names = home.run_ok(&["diff", &id, "--name-only"]);
    let mut names: Vec<&str> = names.lines().collect();
    names.sort();
    assert_eq!(names, ["a.txt", "b.txt", "logo.bin", "new.txt"]);
    let stat = home.run_ok(&["diff", &id, "--stat"]);
    assert!(stat.contains("4 files changed, +1 \u{2212}1"), "{stat}");
    // The user's checkout was not touched by any of it.
    assert_eq!(repo.git("status --porcelain"), "");
}

#[test]
fn status_shows_the_worktree_while_the_task_runs() {
    let home = Home::new();
    let repo = Repo::new();
    let id = start(&home, &repo, "touch started && sleep 30");
    let dir = worktree(&home, &id);
    super::wait_for(&dir.join("started"));
    let view = home.status(&id);
    assert_eq!(view["state"], "running");
    assert_eq!(view["worktree"], dir.display().to_string().as_str(), "{view}");
    home.run_ok(&["cancel", &id]);
    home.wait_state(&id, "cancelled", LONG);
    assert_eq!(home.status(&id)["worktree"], dir.display().to_string().as_str());
}

#[test]
fn a_task_run_in_place_keeps_its_change_after_the_user_edits_on() {
    let home = Home::new();
    let repo = Repo::new();
    repo.sh("echo mine >> b.txt");
    let cwd = repo.path().display().to_string();
    let id = home.submit_with(&["--cwd", &cwd], &["sh", "-c", "echo task >> a.txt && echo new > c.txt"]);
    home.wait_state(&id, "completed", LONG);
    repo.sh("echo later >> a.txt");
    let diff = home.json(&["diff", &id, "--json"]);
    let files: Vec<&str> =
        diff["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(files, ["a.txt", "c.txt"], "only the task's own change: {diff}");
    let patch = diff["patch"].as_str().unwrap();
    assert!(patch.contains("+task") && !patch.contains("later") && !patch.contains("mine"), "{patch}");
}

#[test]
fn two_worktree_tasks_in_one_repository_at_once() {
    let home = Home::new();
    let repo = Repo::new();
    let one = start(&home, &repo, "sleep 0.5; echo one >> a.txt; git commit -qam one");
    let two = start(&home, &repo, "sleep 0.5; echo two > two.txt");
    home.wait_state(&one, "completed", LONG);
    home.wait_state(&two, "completed", LONG);
    let d1 = home.json(&["diff", &one, "--json"]);
    let d2 = home.json(&["diff", &two, "--json"]);
    assert_eq!(d1["files"].as_array().unwrap().len(), 1, "{d1}");
    assert_eq!(file(&d1, "a.txt")["insertions"], 1);
    assert_eq!(d2["files"].as_array().unwrap().len(), 1, "{d2}");
    assert_eq!(file(&d2, "two.txt")["status"], "added");
    home.run_ok(&["land", &one]);
    home.run_ok(&["land", &two]);
    assert_eq!(
        repo.git("log -1 --format=%p").split(' ').count(),
        2,
        "the second land merged: base had moved on"
    );
    assert!(repo.sh("cat a.txt").ends_with("one\n"));
    assert_eq!(repo.sh("cat two.txt"), "two\n");
    assert_eq!(repo.git("status --porcelain"), "");
}

fn standins_path() -> String {
    let dir: std::path::PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "standins"].iter().collect();
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

/// `review`: a follow-up on the same agent session in the same worktree, its prompt carrying
/// the notes and each line note's hunk; `diff` of either task shows the total change.
#[test]
fn review_sends_the_work_back_to_the_same_session_with_line_notes() {
    let home = Home::new();
    let repo = Repo::new();
    let argv = home.temp_dir().join("argv");
    let cwd = repo.path().display().to_string();
    let path = standins_path();
    let run = |args: &[&str]| {
        let out = home.cmd(args).env("PATH", &path).env("STANDIN_ARGV_FILE", &argv).output().expect("run");
        assert!(out.status.success(), "{}", crate::common::describe(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let id = run(&["execute", "--async", "--agent", "claude", "--worktree", "--cwd", &cwd, "Count to ten"]);
    home.wait_state(&id, "completed", LONG);
    // What the agent did in its worktree.
    super::sh_in(&worktree(&home, &id), "echo eleven >> a.txt");
    let follow = run(&["review", &id, "Stop at ten.", "--note", "a.txt:11", "why eleven?"]);
    home.wait_state(&follow, "completed", LONG);
    let view = home.status(&follow);
    assert_eq!(view["parent"], id.as_str(), "{view}");
    let args: Vec<String> =
        serde_json::from_slice(&std::fs::read(argv.with_extension("json")).unwrap()).unwrap();
    let joined = args.join("\n");
    assert!(joined.contains("--resume"), "the same session: {joined}");
    assert!(joined.contains("Stop at ten.") && joined.contains("a.txt:11: why eleven?"), "{joined}");
    assert!(
        joined.contains("@@ -8,3 +8,4 @@") && joined.contains("+eleven"),
        "the hunk goes with the note: {joined}"
    );
    assert_eq!(
        home.json(&["diff", &follow, "--json"])["files"],
        home.json(&["diff", &id, "--json"])["files"]
    );
    let reviewed = super::history::event_data(&home, &id, "reviewed");
    assert_eq!(reviewed["text"], format!("reviewed by cli: follow-up {follow}").as_str(), "{reviewed}");
    let command = done(&home, &repo, "echo x > x.txt");
    let message = super::refused(&home, &["review", &command, "again"]);
    assert!(message.contains("no agent session"), "{message}");
}

/// The MCP tools: `diff` shows the change, `land` lands it, `discard` afterwards finds
/// nothing left.
#[test]
fn mcp_tools_diff_and_land() {
    use std::io::Write;
    let home = Home::new();
    let repo = Repo::new();
    let id = done(&home, &repo, "echo eleven >> a.txt");
    let call = |n: u32, name: &str, args: &str| {
        format!(
            r#"{{"jsonrpc":"2.0","id":{n},"method":"tools/call","params":{{"name":"{name}","arguments":{args}}}}}"#
        )
    };
    let lines = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#.to_string(),
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.to_string(),
        call(2, "diff", &format!(r#"{{"id":"{id}"}}"#)),
        call(3, "land", &format!(r#"{{"id":"{id}","mode":"squash","message":"from mcp"}}"#)),
        call(4, "discard", &format!(r#"{{"id":"{id}"}}"#)),
    ];
    let mut server = std::process::Command::new(crate::common::BIN)
        .arg("mcp")
        .env("SMART_AGENTS_HOME", home.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start smart-agents mcp");
    let mut stdin = server.stdin.take().expect("stdin");
    for line in &lines {
        writeln!(stdin, "{line}").expect("write");
        // One call at a time: the land must see the diff's answer first.
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    drop(stdin);
    let out = server.wait_with_output().expect("server output");
    let answers: Vec<Value> =
        String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let by_id = |n: i64| {
        answers.iter().find(|a| a["id"] == n).unwrap_or_else(|| panic!("no answer {n}: {answers:?}"))
    };
    let diff = &by_id(2)["result"]["structuredContent"];
    assert_eq!(diff["files"][0]["path"], "a.txt", "{answers:?}");
    assert_eq!(by_id(3)["result"]["isError"], false, "{answers:?}");
    assert_eq!(repo.git("log -1 --format=%s"), "from mcp");
    assert!(repo.sh("cat a.txt").ends_with("eleven\n"));
    let gone = &by_id(4)["result"];
    assert_eq!(
        (gone["isError"].as_bool(), gone["structuredContent"]["commit"].is_null()),
        (Some(false), true),
        "nothing left to discard: {answers:?}"
    );
    let landed = super::history::event_data(&home, &id, "landed");
    assert_eq!(landed["text"], "landed into main (squash) by mcp", "{landed}");
    let discarded = super::history::events_of(&home, &id, "discarded");
    assert!(discarded.is_empty(), "a discard that found nothing is no event: {discarded:?}");
}

/// The ending notice (`notices`, the prompt hook's line) gives the diffstat as `result` does.
#[test]
fn the_ending_notice_gives_the_diffstat() {
    let home = Home::new();
    let repo = Repo::new();
    let id = done(&home, &repo, "echo eleven >> a.txt && git commit -qam eleven && echo c > c.txt");
    let plain = home.submit(&["true"]);
    home.wait_state(&plain, "completed", LONG);
    let out = home.run_ok(&["notices"]);
    let line = out.lines().find(|l| l.contains(&id)).unwrap_or_else(|| panic!("no line of {id}: {out}"));
    assert!(line.ends_with(" · 2 files changed, +2 \u{2212}0"), "{line}");
    let other = out.lines().find(|l| l.contains(&plain)).unwrap_or_default();
    assert!(!other.contains("changed"), "a task that changed nothing says nothing of it: {other}");
}
