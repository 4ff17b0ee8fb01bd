//! `autonomy` (profile key) and `execute --autonomy` reach each CLI as its own flags; a bad
//! level is refused before anything is queued. The stand-in CLIs record the argv they got.

use crate::common;

use common::{Home, LONG};
use std::path::{Path, PathBuf};

fn standins() -> String {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "standins"].iter().collect();
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

/// Run `execute PROMPT --agent AGENT EXTRA...` to its end; return the argv the stand-in got.
fn argv_of(home: &Home, dir: &Path, agent: &str, extra: &[&str]) -> String {
    let file = dir.join(format!("argv-{agent}-{}", extra.len()));
    let mut args = vec!["execute", "Review", "--agent", agent, "--async"];
    args.extend_from_slice(extra);
    let out =
        home.cmd(&args).env("PATH", standins()).env("STANDIN_ARGV_FILE", &file).output().expect("execute");
    assert!(out.status.success(), "{}", common::describe(&out));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    home.wait_state(&id, "completed", LONG);
    std::fs::read_to_string(&file).expect("argv recorded").replace('\n', " ")
}

#[test]
fn levels_reach_each_cli_as_its_own_flags() {
    let home = Home::with_config("[agents.codex]\nautonomy = \"full\"\n");
    let dir = tempfile::tempdir().expect("temp");
    // The default: edit.
    assert!(argv_of(&home, dir.path(), "claude", &[]).contains("--permission-mode acceptEdits"));
    assert!(argv_of(&home, dir.path(), "gemini", &[]).contains("--approval-mode auto_edit"));
    // The flag wins over the default...
    let read_only = argv_of(&home, dir.path(), "claude", &["--autonomy", "read-only"]);
    assert!(read_only.contains("--permission-mode plan"), "{read_only}");
    // ...and the profile's level is used without it.
    let full = argv_of(&home, dir.path(), "codex", &[]);
    assert!(full.contains("--dangerously-bypass-approvals-and-sandbox"), "{full}");
    let aider = argv_of(&home, dir.path(), "aider", &["--autonomy", "read-only"]);
    assert!(aider.contains("--dry-run"), "{aider}");
}

#[test]
fn a_bad_level_is_refused_and_nothing_is_queued() {
    let home = Home::new();
    let out =
        home.cmd(&["execute", "Review", "--agent", "claude", "--autonomy", "yolo"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", common::describe(&out));
    let err = common::stderr(&out);
    assert!(err.contains("unknown autonomy 'yolo'") && err.contains("read-only, edit or full"), "{err}");
    home.write_config("[agents.claude]\nautonomy = \"sometimes\"\n");
    let out = home.cmd(&["config", "show"]).output().expect("run");
    assert!(!out.status.success(), "{}", common::describe(&out));
    assert!(common::stderr(&out).contains("agents.claude"), "{}", common::describe(&out));
}
