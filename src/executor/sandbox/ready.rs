//! Is the wall buildable here? Find bubblewrap and start one tiny sandbox with every
//! namespace a task gets: whatever is missing is named, and nothing runs unwalled.

use super::SandboxError;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// bwrap's path once a trial sandbox ran `true`; found on `search` (a PATH) unless configured.
pub fn probe(configured: Option<&str>, search: Option<&str>) -> Result<PathBuf, SandboxError> {
    let path = find(configured, search)?;
    let out = Command::new(&path)
        .args(super::args::probe_args())
        .arg("true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| SandboxError::NoBwrap(format!("not runnable at {} ({e})", path.display())))?;
    if out.status.success() {
        return Ok(path);
    }
    let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let hint = if said.contains("namespace") || said.contains("Operation not permitted") {
        " (user namespaces look disabled: see kernel.unprivileged_userns_clone / user.max_user_namespaces)"
    } else {
        ""
    };
    Err(SandboxError::NotReady(format!("{} said: {said}{hint}", path.display())))
}

fn find(configured: Option<&str>, search: Option<&str>) -> Result<PathBuf, SandboxError> {
    if let Some(path) = configured {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(SandboxError::NoBwrap(format!(
                "missing at {} ([sandbox] bwrap in config.toml)",
                path.display()
            )))
        };
    }
    let path = search.map(Into::into).or_else(|| std::env::var_os("PATH")).unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join("bwrap")).find(|p| is_executable(p)).ok_or_else(|| {
        SandboxError::NoBwrap(format!(
            "not on PATH ({}); set [sandbox] bwrap in config.toml",
            path.to_string_lossy()
        ))
    })
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
