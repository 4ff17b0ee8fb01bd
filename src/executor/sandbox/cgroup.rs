//! `--pids-limit`: a pids cgroup of the sandbox's own where this user may make one (cgroup v2
//! delegated, or v1's pids hierarchy writable), else RLIMIT_NPROC for a user other than root
//! (root is exempt from it, so root without a cgroup is refused).

use super::SandboxError;
use std::path::{Path, PathBuf};

const PREFIX: &str = "smart-agents-";

/// How the limit would be kept here.
pub fn can_limit(_n: u32) -> Result<&'static str, SandboxError> {
    if parent().is_some() {
        return Ok("a pids cgroup");
    }
    if rustix::process::geteuid().is_root() {
        return Err(SandboxError::NoPidsLimit(
            "a writable pids cgroup (cgroup v2 delegated to this user, or v1 as root); root ignores RLIMIT_NPROC".into(),
        ));
    }
    Ok("RLIMIT_NPROC (counts all of this user's processes)")
}

/// The sandbox's cgroup; the launcher leaves it (and removes it) when the sandbox ended.
pub struct Group {
    dir: PathBuf,
    parent: PathBuf,
}

/// Put this process (and so every process it starts) under a limit of `n` processes: the
/// cgroup when there is one, else RLIMIT_NPROC (set here and inherited).
pub fn enter(name: &str, n: u32) -> Result<Option<Group>, SandboxError> {
    let setup = |what: &str, e: std::io::Error| SandboxError::Setup(format!("{what}: {e}"));
    let Some(parent) = parent() else {
        can_limit(n)?;
        let limit = rustix::process::Rlimit { current: Some(n.into()), maximum: Some(n.into()) };
        rustix::process::setrlimit(rustix::process::Resource::Nproc, limit)
            .map_err(|e| setup("setting RLIMIT_NPROC", e.into()))?;
        return Ok(None);
    };
    sweep(&parent);
    let dir = parent.join(format!("{PREFIX}{name}"));
    std::fs::create_dir(&dir)
        .or_else(|e| if dir.is_dir() { Ok(()) } else { Err(e) })
        .map_err(|e| setup(&format!("making {}", dir.display()), e))?;
    std::fs::write(dir.join("pids.max"), n.to_string()).map_err(|e| setup("writing pids.max", e))?;
    std::fs::write(dir.join("cgroup.procs"), "0").map_err(|e| setup("joining the cgroup", e))?;
    Ok(Some(Group { dir, parent }))
}

impl Group {
    /// Whether the limit was hit (the kernel refused a fork).
    pub fn hit(&self) -> bool {
        let events = std::fs::read_to_string(self.dir.join("pids.events")).unwrap_or_default();
        events.lines().any(|l| l.strip_prefix("max ").is_some_and(|n| n.trim() != "0"))
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let _ = std::fs::write(self.parent.join("cgroup.procs"), "0");
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Remove the empty groups of sandboxes whose launcher was killed before it could.
fn sweep(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(PREFIX) {
            // Fails, harmlessly, while the group still has processes.
            let _ = std::fs::remove_dir(e.path());
        }
    }
}

/// The cgroup this process is in, where it may make a child with a pids limit.
fn parent() -> Option<PathBuf> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let v2 = own.lines().find_map(|l| l.strip_prefix("0::"));
    let v1 = own.lines().find_map(|l| {
        let mut parts = l.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        controllers.split(',').any(|c| c == "pids").then_some(path)
    });
    let candidates = [
        v2.map(|p| (Path::new("/sys/fs/cgroup"), p, true)),
        v2.map(|p| (Path::new("/sys/fs/cgroup/unified"), p, true)),
        v1.map(|p| (Path::new("/sys/fs/cgroup/pids"), p, false)),
    ];
    candidates.into_iter().flatten().find_map(|(mount, path, v2)| {
        let dir = mount.join(path.trim_start_matches('/'));
        let enabled = !v2
            || std::fs::read_to_string(dir.join("cgroup.subtree_control"))
                .is_ok_and(|c| c.split_whitespace().any(|c| c == "pids"));
        let writable = rustix::fs::access(&dir, rustix::fs::Access::WRITE_OK).is_ok()
            && dir.join("cgroup.procs").exists();
        (enabled && writable).then_some(dir)
    })
}
