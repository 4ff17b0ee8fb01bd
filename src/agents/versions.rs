//! Which version of each agent CLI is installed, and whether the tests cover it. The stream
//! formats change between releases (Claude Code 2.1 replaced TodoWrite by task tools), so a
//! version outside the tested range is worth a warning in `agents` and `doctor`.

use super::Backend;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The versions the real-CLI lane (tests/real_clis.rs, pinned in .ci/install-agent-clis) runs,
/// and the oldest release line whose format the replayed transcripts cover.
pub fn tested_range(backend: Backend) -> Option<(&'static str, &'static str)> {
    Some(match backend {
        Backend::Claude => ("2.1.0", "2.1.197"),
        Backend::Codex => ("0.171.0", "0.171.0"),
        Backend::Gemini => ("0.61.0", "0.61.0"),
        Backend::Aider => ("0.86.0", "0.86.2"),
        Backend::Command => return None,
    })
}

/// `--version` can hang on a broken install: give up after this long. (Gemini CLI alone takes
/// 15 s to print its version on a busy 2-core machine.)
const VERSION_TIMEOUT: Duration = Duration::from_secs(30);

/// The npm packages of the agent CLIs.
const PACKAGES: [&str; 3] = ["@anthropic-ai/claude-code", "@openai/codex", "@google/gemini-cli"];

/// The installed version: from the npm package the executable belongs to (instant), else
/// from what `program --version` prints.
pub fn detect(program: &Path) -> Option<String> {
    package_version(program).or_else(|| run_version(program))
}

/// An npm install links `bin/NAME` into the package folder: read its package.json.
fn package_version(program: &Path) -> Option<String> {
    let real = std::fs::canonicalize(program).ok()?;
    real.ancestors().skip(1).take(4).find_map(|dir| {
        let text = std::fs::read(dir.join("package.json")).ok()?;
        let json: serde_json::Value = serde_json::from_slice(&text).ok()?;
        let name = json.get("name")?.as_str()?;
        PACKAGES.contains(&name).then(|| json.get("version")?.as_str().map(str::to_string)).flatten()
    })
}

/// The first `X.Y.Z` in what `program --version` prints (stdin closed), if it says one.
fn run_version(program: &Path) -> Option<String> {
    let mut child = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + VERSION_TIMEOUT;
    while child.try_wait().ok()?.is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take()?, &mut out).ok()?;
    out.split(|c: char| c.is_whitespace() || c == 'v' || c == '(' || c == ')')
        .find(|word| parse(word).is_some())
        .map(str::to_string)
}

fn parse(version: &str) -> Option<(u64, u64, u64)> {
    let mut parts = version.split('.');
    let mut next = || parts.next()?.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok();
    let v = (next()?, next()?, next()?);
    Some(v)
}

/// A warning when `version` lies outside the tested range of `backend`.
pub fn warning(backend: Backend, version: &str) -> Option<String> {
    let (low, high) = tested_range(backend)?;
    let v = parse(version)?;
    let (lo, hi) = (parse(low)?, parse(high)?);
    let side = if v < lo {
        "older"
    } else if v > hi {
        "newer"
    } else {
        return None;
    };
    Some(format!(
        "{backend} {version} is {side} than the versions smart-agents is tested with ({low} to {high}): progress, \
         answers or verdicts may be misread"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_warnings() {
        assert_eq!(warning(Backend::Claude, "2.1.197"), None);
        assert_eq!(warning(Backend::Claude, "2.1.5"), None);
        let newer = warning(Backend::Claude, "2.2.0").unwrap_or_default();
        assert!(newer.contains("newer") && newer.contains("2.1.197"), "{newer}");
        assert!(warning(Backend::Codex, "0.160.1").is_some_and(|w| w.contains("older")));
        assert_eq!(warning(Backend::Command, "1.0.0"), None);
        assert_eq!(warning(Backend::Gemini, "not a version"), None);
    }

    #[test]
    fn detect_reads_the_first_version_word() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("2.1.197 (Claude Code)", "2.1.197"),
            ("codex-cli 0.171.0", "0.171.0"),
            ("aider v0.86.2", "0.86.2"),
        ];
        for (i, (printed, want)) in cases.iter().enumerate() {
            let script = dir.path().join(format!("cli{i}"));
            std::fs::write(&script, format!("#!/bin/sh\necho '{printed}'\n")).unwrap();
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
            assert_eq!(detect(&script).as_deref(), Some(*want), "{printed}");
        }
        assert_eq!(detect(&dir.path().join("missing")), None);
    }

    #[test]
    fn an_npm_install_is_read_from_its_package_json() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let package = dir.path().join("node_modules/@google/gemini-cli");
        std::fs::create_dir_all(package.join("dist")).unwrap();
        std::fs::write(package.join("package.json"), r#"{"name":"@google/gemini-cli","version":"0.61.0"}"#)
            .unwrap();
        // A script that would print something else: the package wins, nothing runs.
        std::fs::write(package.join("dist/index.js"), "#!/bin/sh\necho 9.9.9\n").unwrap();
        std::fs::set_permissions(package.join("dist/index.js"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        std::fs::create_dir_all(dir.path().join("node_modules/.bin")).unwrap();
        let link = dir.path().join("node_modules/.bin/gemini");
        std::os::unix::fs::symlink("../@google/gemini-cli/dist/index.js", &link).unwrap();
        assert_eq!(detect(&link).as_deref(), Some("0.61.0"));
    }
}
