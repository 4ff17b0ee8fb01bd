//! Task ids complete dynamically: `__complete-ids` reads them from the database, and the bash
//! script offers them after `status` (driven here through bash's own completion variables).

use crate::common;

use common::{BIN, Home, describe, stdout};
use std::process::Command;

const LIMITS: &str = "[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n";

#[test]
fn complete_ids_lists_recent_tasks_and_is_silent_without_any() {
    let home = Home::with_config(LIMITS);
    let out = home.run_code(&["__complete-ids"], 0);
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{}", describe(&out));
    let id = home.submit(&["echo", "hi"]);
    assert_eq!(stdout(&home.run_code(&["__complete-ids"], 0)).trim(), id);
    let described = stdout(&home.run_code(&["__complete-ids", "--describe"], 0));
    assert!(described.starts_with(&format!("{id}\t")), "{described}");
    assert!(described.contains("echo hi"), "{described}");
}

/// What bash offers for the words typed so far (the last one being completed).
fn bash_complete(home: &Home, words: &[&str]) -> Vec<String> {
    let bin_dir = home.temp_dir().join("bin");
    std::fs::create_dir_all(&bin_dir).expect("bin dir");
    let link = bin_dir.join("smart-agents");
    if !link.exists() {
        std::os::unix::fs::symlink(BIN, &link).expect("symlink");
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/smart-agents.bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; \
         COMP_POINT=${{#COMP_LINE}}; _smart-agents_ids smart-agents \"${{COMP_WORDS[COMP_CWORD]}}\" \
         \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .args(["-c", &program])
        .env("PATH", path)
        .env("SMART_AGENTS_HOME", home.path())
        .output()
        .expect("run bash");
    assert!(out.status.success(), "bash failed: {}", describe(&out));
    stdout(&out).lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[test]
fn bash_offers_ids_after_status_and_subcommands_first() {
    let home = Home::with_config(LIMITS);
    let id = home.submit(&["true"]);
    assert_eq!(bash_complete(&home, &["smart-agents", "status", ""]), vec![id.clone()]);
    assert_eq!(bash_complete(&home, &["smart-agents", "cancel", &id, ""]), vec![id.clone()]);
    assert_eq!(bash_complete(&home, &["smart-agents", "execute", "--after", ""]), vec![id.clone()]);
    // Not an id position: clap_complete's own answers.
    let subcommands = bash_complete(&home, &["smart-agents", "sta"]);
    assert!(subcommands.contains(&"status".to_string()), "{subcommands:?}");
    let options = bash_complete(&home, &["smart-agents", "status", "--j"]);
    assert_eq!(options, vec!["--json".to_string()]);
}
