//! Which version of each agent CLI is installed, and whether the tests cover it. The stream
//! formats change between releases (Claude Code 2.1 replaced TodoWrite by task tools), so a
//! version outside the tested range is worth a warning in `agents` and `doctor`.

use super::Backend;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The tested range of `backend` (its [`super::cli::Tested`]) as (oldest, newest).
pub fn tested_range(backend: Backend) -> Option<(&'static str, &'static str)> {
    backend.cli().tested().map(|t| (t.oldest, t.newest))
}

/// `--version` can hang on a broken install: give up after this long. (Gemini CLI alone takes
/// 15 s to print its version on a busy 2-core machine.)
const VERSION_TIMEOUT: Duration = Duration::from_secs(30);

/// The installed version as the install says it, without running anything (instant): the npm
/// package the executable belongs to, the Python package in its environment, or a versioned
/// file name (Claude Code's native installer). `agents` uses this.
pub fn installed(program: &Path) -> Option<String> {
    package_version(program).or_else(|| dist_info_version(program)).or_else(|| file_name_version(program))
}

/// [`installed`], else what `program --version` prints (seconds for a Node or Python CLI on a
/// busy machine). `doctor` uses this.
pub fn detect(program: &Path) -> Option<String> {
    installed(program).or_else(|| run_version(program))
}

/// A venv, pipx or `pip --user` install: `bin/aider` beside `lib/pythonX.Y/site-packages`,
/// which holds `aider_chat-VERSION.dist-info` (the package of a CLI of the registry).
fn dist_info_version(program: &Path) -> Option<String> {
    let real = std::fs::canonicalize(program).ok()?;
    let prefix = real.parent()?.parent()?;
    let lib = std::fs::read_dir(prefix.join("lib")).ok()?;
    lib.flatten().find_map(|python| {
        let site = std::fs::read_dir(python.path().join("site-packages")).ok()?;
        site.flatten().find_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".dist-info")?;
            // A dist-info folder is the PyPI name with `_` for `-`, then `-VERSION`.
            let (package, version) = stem.rsplit_once('-')?;
            let ours = Backend::all()
                .filter_map(|b| b.cli().package())
                .any(|p| !p.starts_with('@') && p.replace('-', "_") == package);
            (ours && parse(version).is_some()).then(|| version.to_string())
        })
    })
}

/// `~/.local/share/claude/versions/2.1.197`: the executable is named for its version.
fn file_name_version(program: &Path) -> Option<String> {
    let real = std::fs::canonicalize(program).ok()?;
    let name = real.file_name()?.to_str()?;
    parse(name).map(|_| name.to_string())
}

/// An npm install links `bin/NAME` into the package folder: read its package.json.
fn package_version(program: &Path) -> Option<String> {
    let real = std::fs::canonicalize(program).ok()?;
    real.ancestors().skip(1).take(4).find_map(|dir| {
        let text = std::fs::read(dir.join("package.json")).ok()?;
        let json: serde_json::Value = serde_json::from_slice(&text).ok()?;
        let name = json.get("name")?.as_str()?;
        let known = Backend::all().any(|b| b.cli().package() == Some(name));
        known.then(|| json.get("version")?.as_str().map(str::to_string)).flatten()
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
        assert_eq!(warning(Backend::named("claude"), "2.1.332"), None);
        assert_eq!(warning(Backend::named("claude"), "2.1.5"), None);
        let newer = warning(Backend::named("claude"), "2.2.0").unwrap_or_default();
        assert!(newer.contains("newer") && newer.contains("2.1.332"), "{newer}");
        assert!(warning(Backend::named("codex"), "0.160.1").is_some_and(|w| w.contains("older")));
        assert_eq!(warning(Backend::command(), "1.0.0"), None);
        assert_eq!(warning(Backend::named("gemini"), "not a version"), None);
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
    fn a_venv_and_a_versioned_file_name_are_read_without_running() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("venv/bin")).unwrap();
        std::fs::create_dir_all(
            dir.path().join("venv/lib/python3.11/site-packages/aider_chat-0.86.2.dist-info"),
        )
        .unwrap();
        // Not executable: reading the install must not run it.
        std::fs::write(dir.path().join("venv/bin/aider"), "").unwrap();
        assert_eq!(installed(&dir.path().join("venv/bin/aider")).as_deref(), Some("0.86.2"));
        std::fs::create_dir_all(dir.path().join("versions")).unwrap();
        std::fs::write(dir.path().join("versions/2.1.197"), "").unwrap();
        std::os::unix::fs::symlink(dir.path().join("versions/2.1.197"), dir.path().join("claude")).unwrap();
        assert_eq!(installed(&dir.path().join("claude")).as_deref(), Some("2.1.197"));
        assert_eq!(installed(&dir.path().join("venv/lib")), None);
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
