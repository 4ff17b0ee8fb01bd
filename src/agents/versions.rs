//! Which version of each agent CLI is installed, and whether the tests cover it. The stream
//! formats change between releases (a planning tool gets replaced, an event renamed), so a
//! version outside the tested range is worth a warning in `agents` and `doctor`.

use super::Backend;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The tested range of `backend` (its [`super::cli::Tested`]) as (oldest, newest).
pub fn tested_range(backend: Backend) -> Option<(&'static str, &'static str)> {
    backend.cli().tested().map(|t| (t.oldest, t.newest))
}

/// `--version` can hang on a broken install: give up after this long. (One CLI took 15 s
/// to print its version on a busy 2-core machine.)
const VERSION_TIMEOUT: Duration = Duration::from_secs(30);

/// The installed version as the install says it, without running anything (instant): the npm
/// package the executable belongs to, the Python package in its environment, or a versioned
/// file name (a native installer's). `agents` uses this.
pub fn installed(program: &Path) -> Option<String> {
    package_version(program).or_else(|| dist_info_version(program)).or_else(|| file_name_version(program))
}

/// [`installed`], else what `program --version` prints (seconds for a Node or Python CLI on a
/// busy machine). `doctor` uses this.
pub fn detect(program: &Path) -> Option<String> {
    installed(program).or_else(|| run_version(program))
}

/// A venv, pipx or `pip --user` install: `bin/NAME` beside `lib/pythonX.Y/site-packages`,
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

/// `~/.local/share/NAME/versions/2.1.197`: the executable is named for its version.
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
