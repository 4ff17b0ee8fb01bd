//! The committed completions/ and man/ must be exactly what the current code generates: same
//! set of files, same bytes. A new subcommand or a changed help text fails here until they are
//! regenerated.

use std::collections::BTreeMap;
use std::path::Path;

const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");
const REGENERATE: &str = "run `cargo run -- __generate .` in the repository root and commit the result";

fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return BTreeMap::new() };
    entries
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (name, bytes)
        })
        .collect()
}

#[test]
fn committed_completions_and_man_pages_are_current() {
    let fresh = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(BIN).arg("__generate").arg(fresh.path()).output().expect("run");
    assert!(out.status.success(), "__generate failed: {}", String::from_utf8_lossy(&out.stderr));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for sub in ["completions", "man"] {
        let want = read_dir(&fresh.path().join(sub));
        let have = read_dir(&repo.join(sub));
        assert!(!want.is_empty(), "__generate wrote nothing into {sub}/");
        for (name, bytes) in &want {
            match have.get(name) {
                None => problems.push(format!("{sub}/{name} is missing")),
                Some(committed) if committed != bytes => {
                    problems.push(format!("{sub}/{name} is out of date"))
                }
                Some(_) => {}
            }
        }
        for name in have.keys().filter(|n| !want.contains_key(*n)) {
            problems.push(format!("{sub}/{name} is not generated any more (remove it)"));
        }
    }
    assert!(
        problems.is_empty(),
        "generated files differ from the code:\n  {}\n{REGENERATE}",
        problems.join("\n  ")
    );
}

#[test]
fn completions_command_prints_the_committed_script() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "smart-agents.bash"),
        ("zsh", "_smart-agents"),
        ("fish", "smart-agents.fish"),
        ("elvish", "smart-agents.elv"),
        ("powershell", "_smart-agents.ps1"),
    ] {
        let out = std::process::Command::new(BIN).args(["completions", shell]).output().expect("run");
        assert!(out.status.success(), "completions {shell} failed");
        let committed = std::fs::read(repo.join("completions").join(file)).unwrap_or_default();
        assert!(
            out.stdout == committed,
            "`completions {shell}` differs from completions/{file}: {REGENERATE}"
        );
    }
}

#[test]
fn hidden_commands_are_not_offered_and_ids_are() {
    let out = std::process::Command::new(BIN).args(["completions", "bash"]).output().expect("run");
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(!script.contains("__generate"), "the hidden __generate is offered");
    // The id hook knows the commands that take ids, read from the clap definitions.
    for cmd in ["status", "result", "cancel", "logs", "wait"] {
        assert!(script.contains(&format!("== \"{cmd}\"")), "no id completion for {cmd}");
    }
    assert!(script.contains("__complete-ids"));
}
