//! `agents` and `doctor` show each installed agent CLI's version and warn when it is outside
//! the range the tests cover. Stand-in CLIs here print a version; the real ones are checked in
//! tests/it/real_clis.rs.

use crate::common;

use common::Home;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A folder with a `claude` printing `claude_version` and a `codex` printing the tested one.
fn fake_clis(dir: &Path, claude_version: &str) -> String {
    for (name, printed) in
        [("claude", format!("{claude_version} (Claude Code)")), ("codex", "codex-cli 0.171.0".into())]
    {
        let file = dir.join(name);
        std::fs::write(&file, format!("#!/bin/sh\necho '{printed}'\n")).expect("write fake CLI");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    format!("{}:/usr/bin:/bin", dir.display())
}

/// npm installs of `claude` at `claude_version` and `codex` at the tested version, as
/// `npm install --prefix DIR` lays them out; their scripts print nothing useful, so the
/// versions can only come from the packages.
fn npm_clis(dir: &Path, claude_version: &str) -> String {
    let bin = dir.join("node_modules/.bin");
    std::fs::create_dir_all(&bin).expect("bin");
    for (name, package, version) in
        [("claude", "@anthropic-ai/claude-code", claude_version), ("codex", "@openai/codex", "0.171.0")]
    {
        let root = dir.join("node_modules").join(package);
        std::fs::create_dir_all(root.join("bin")).expect("package");
        let json = format!(r#"{{"name":"{package}","version":"{version}"}}"#);
        std::fs::write(root.join("package.json"), json).expect("package.json");
        std::fs::write(root.join("bin/cli.js"), "#!/bin/sh\necho no version here\n").expect("script");
        std::fs::set_permissions(root.join("bin/cli.js"), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        std::os::unix::fs::symlink(format!("../{package}/bin/cli.js"), bin.join(name)).expect("link");
    }
    format!("{}:/usr/bin:/bin", bin.display())
}

#[test]
fn agents_shows_versions_and_warns_outside_the_tested_range() {
    let home = Home::new();
    let dir = tempfile::tempdir().expect("temp");
    let path = npm_clis(dir.path(), "9.0.1");
    let out = home.cmd(&["agents", "--json"]).env("PATH", &path).output().expect("agents");
    let agents: serde_json::Value = serde_json::from_slice(&out.stdout).expect("agents --json");
    let by_name = |n: &str| agents.as_array().and_then(|a| a.iter().find(|x| x["name"] == n)).cloned();
    let claude = by_name("claude").expect("claude listed");
    assert_eq!(claude["version"], "9.0.1", "{claude}");
    let warning = claude["version_warning"].as_str().unwrap_or_default();
    assert!(warning.contains("newer") && warning.contains(&common::ci_tools::pinned("claude")), "{claude}");
    assert_eq!(claude["autonomy"], "edit", "{claude}");
    let codex = by_name("codex").expect("codex listed");
    assert_eq!(codex["version"], "0.171.0", "{codex}");
    assert!(codex.get("version_warning").is_none(), "{codex}");
    assert!(by_name("gemini").is_some_and(|g| g.get("version").is_none()), "not installed: no version");

    let out = home.cmd(&["agents"]).env("PATH", &path).output().expect("agents");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("VERSION") && table.contains("9.0.1!") && table.contains("0.171.0"), "{table}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: claude 9.0.1 is newer"), "{out:?}");
}

#[test]
fn doctor_warns_about_an_untested_version_and_names_the_tested_one() {
    let home = Home::new();
    let dir = tempfile::tempdir().expect("temp");
    let path = fake_clis(dir.path(), "1.0.3");
    let out = home.cmd(&["doctor", "--json"]).env("PATH", &path).output().expect("doctor");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("doctor --json");
    let checks = report["checks"].as_array().cloned().unwrap_or_default();
    let claude = checks
        .iter()
        .find(|c| c["check"] == "agent" && c["detail"].as_str().is_some_and(|d| d.starts_with("claude:")))
        .expect("a claude check");
    assert_eq!(claude["status"], "warn", "{claude}");
    assert!(
        claude["detail"].as_str().is_some_and(|d| d.contains("1.0.3") && d.contains("older")),
        "{claude}"
    );
    assert!(
        claude["fix"].as_str().is_some_and(
            |f| f.contains(&format!("@anthropic-ai/claude-code@{}", common::ci_tools::pinned("claude")))
        ),
        "{claude}"
    );
    let codex = checks
        .iter()
        .find(|c| c["check"] == "agent" && c["detail"].as_str().is_some_and(|d| d.starts_with("codex:")))
        .expect("a codex check");
    assert_eq!(codex["status"], "ok", "{codex}");
    assert!(codex["detail"].as_str().is_some_and(|d| d.contains("0.171.0")), "{codex}");
}
