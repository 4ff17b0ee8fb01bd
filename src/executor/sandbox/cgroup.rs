//! The sandbox's own cgroup, where this user may make one (cgroup v2 delegated, or v1's
//! hierarchies writable, e.g. as root):
//! - `--pids-limit`: `pids.max`; without a pids cgroup, RLIMIT_NPROC for a user other than root
//!   (root is exempt from it, so root without a cgroup is refused);
//! - `--mem-limit`: `memory.max` (v1: `memory.limit_in_bytes`), so the kernel holds the whole
//!   sandbox to it; without a memory cgroup the supervisor's tree watch keeps it, as for any
//!   task.

use super::SandboxError;
use super::proxy::Report;
use std::path::{Path, PathBuf};

const PREFIX: &str = "smart-agents-";

/// How the pids limit would be kept here.
pub fn can_limit(_n: u32) -> Result<&'static str, SandboxError> {
    if parent("pids").is_some() {
        return Ok("a pids cgroup");
    }
    if rustix::process::geteuid().is_root() {
        return Err(SandboxError::NoPidsLimit(
            "a writable pids cgroup (cgroup v2 delegated to this user, or v1 as root); root ignores RLIMIT_NPROC".into(),
        ));
    }
    Ok("RLIMIT_NPROC (counts all of this user's processes)")
}

/// Whether a memory cgroup can be made here (for `--mem-limit`).
pub fn mem_cgroup_here() -> bool {
    parent("memory").is_some()
}

/// How `--mem-limit` is kept here.
pub fn mem_limit_by() -> &'static str {
    if mem_cgroup_here() { "a memory cgroup" } else { "the supervisor's tree watch" }
}

/// The sandbox's cgroups (one per v1 hierarchy, one in all under v2); the launcher leaves them
/// (and removes them) when the sandbox ended.
pub struct Group {
    /// (its folder, the folder it was made in) per controller.
    dirs: Vec<(&'static str, PathBuf, PathBuf)>,
    pids: Option<u32>,
    mem: Option<u64>,
}

/// Put this process (and so every process it starts) under the limits asked for.
pub fn enter(name: &str, pids: Option<u32>, mem: Option<u64>) -> Result<Option<Group>, SandboxError> {
    let setup = |what: &str, e: std::io::Error| SandboxError::Setup(format!("{what}: {e}"));
    let mut group = Group { dirs: Vec::new(), pids, mem };
    if let Some(n) = pids {
        match parent("pids") {
            Some(parent) => group.make("pids", &parent, name, &[("pids.max", n.to_string())])?,
            None => {
                can_limit(n)?;
                let limit = rustix::process::Rlimit { current: Some(n.into()), maximum: Some(n.into()) };
                rustix::process::setrlimit(rustix::process::Resource::Nproc, limit)
                    .map_err(|e| setup("setting RLIMIT_NPROC", e.into()))?;
            }
        }
    }
    if let Some(bytes) = mem {
        match parent("memory") {
            // No swapping past the limit either, where the kernel offers the knob.
            Some(parent) => group.make(
                "memory",
                &parent,
                name,
                &[
                    ("memory.max", bytes.to_string()),
                    ("memory.limit_in_bytes", bytes.to_string()),
                    ("memory.swap.max", "0".into()),
                    ("memory.memsw.limit_in_bytes", bytes.to_string()),
                ],
            )?,
            None => {
                eprintln!("smart-agents sandbox: no memory cgroup here; the tree watch keeps --mem-limit")
            }
        }
    }
    Ok((!group.dirs.is_empty()).then_some(group))
}

impl Group {
    /// Make (or reuse) `parent/PREFIXname`, write the limits its hierarchy knows, and join it.
    fn make(
        &mut self,
        controller: &'static str,
        parent: &Path,
        name: &str,
        limits: &[(&str, String)],
    ) -> Result<(), SandboxError> {
        let setup = |what: String, e: std::io::Error| SandboxError::Setup(format!("{what}: {e}"));
        sweep(parent);
        let dir = parent.join(format!("{PREFIX}{name}"));
        std::fs::create_dir(&dir)
            .or_else(|e| if dir.is_dir() { Ok(()) } else { Err(e) })
            .map_err(|e| setup(format!("making {}", dir.display()), e))?;
        self.dirs.push((controller, dir.clone(), parent.to_path_buf()));
        let mut written = false;
        for (file, value) in limits.iter().filter(|(file, _)| dir.join(file).exists()) {
            match std::fs::write(dir.join(file), value) {
                Ok(()) => written = true,
                // The swap knobs are extras; the limit itself must hold.
                Err(_) if file.contains("sw") => {}
                Err(e) => return Err(setup(format!("writing {file}"), e)),
            }
        }
        if !written {
            return Err(SandboxError::Setup(format!(
                "the {controller} cgroup {} takes no limit",
                dir.display()
            )));
        }
        std::fs::write(dir.join("cgroup.procs"), "0").map_err(|e| setup("joining the cgroup".into(), e))
    }

    /// Say in the log, and in the task's history, which limit the kernel enforced.
    pub fn report_hits(&self, report: &Report) {
        let count = |dir: &Path, file: &str, key: &str| -> u64 {
            let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
            text.lines().find_map(|l| l.strip_prefix(key)?.trim().parse().ok()).unwrap_or(0)
        };
        for (controller, dir, _) in &self.dirs {
            match *controller {
                "pids" if count(dir, "pids.events", "max ") > 0 => {
                    eprintln!(
                        "smart-agents sandbox: the pids limit ({}) was reached",
                        self.pids.unwrap_or(0)
                    );
                }
                "memory"
                    if count(dir, "memory.events", "oom_kill ")
                        + count(dir, "memory.oom_control", "oom_kill ")
                        > 0 =>
                {
                    let limit = crate::scheduler::footprint::format_bytes(self.mem.unwrap_or(0));
                    let line =
                        format!("memory limit {limit} reached in the sandbox: the kernel ended a process");
                    eprintln!("smart-agents sandbox: {line}");
                    report(&line);
                }
                _ => {}
            }
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        for (_, dir, parent) in &self.dirs {
            let _ = std::fs::write(parent.join("cgroup.procs"), "0");
            let _ = std::fs::remove_dir(dir);
        }
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

/// The cgroup this process is in for `controller`, where it may make a child with a limit.
fn parent(controller: &str) -> Option<PathBuf> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let v2 = own.lines().find_map(|l| l.strip_prefix("0::"));
    let v1 = own.lines().find_map(|l| {
        let mut parts = l.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        controllers.split(',').any(|c| c == controller).then_some(path)
    });
    let v1_mount = Path::new("/sys/fs/cgroup").join(controller);
    let candidates = [
        v2.map(|p| (Path::new("/sys/fs/cgroup"), p, true)),
        v2.map(|p| (Path::new("/sys/fs/cgroup/unified"), p, true)),
        v1.map(|p| (v1_mount.as_path(), p, false)),
    ];
    candidates.into_iter().flatten().find_map(|(mount, path, v2)| {
        let dir = mount.join(path.trim_start_matches('/'));
        let enabled = !v2
            || std::fs::read_to_string(dir.join("cgroup.subtree_control"))
                .is_ok_and(|c| c.split_whitespace().any(|c| c == controller));
        let writable = rustix::fs::access(&dir, rustix::fs::Access::WRITE_OK).is_ok()
            && dir.join("cgroup.procs").exists();
        (enabled && writable).then_some(dir)
    })
}
