//! What one sandboxed start needs, worked out by the worker and handed to the launcher as
//! one JSON argument: which paths vanish, which are writable, how the network goes out.

use crate::agents::Backend;
use crate::config::sandbox::{Network, SandboxSettings, SandboxSpec, host_port};
use crate::paths::Paths;
use crate::store::TaskRecord;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Under the home folder: credentials, cloud and cluster keys, browser profiles.
const HIDDEN_IN_HOME: &[&str] = &[
    ".ssh",
    ".aws",
    ".gnupg",
    ".kube",
    ".docker",
    ".config/gcloud",
    ".azure",
    ".netrc",
    ".git-credentials",
    ".password-store",
    ".local/share/keyrings",
    ".mozilla",
    ".config/google-chrome",
    ".config/chromium",
    ".config/BraveSoftware",
    ".config/microsoft-edge",
    ".var/app",
    "snap/firefox",
];

/// Sockets that hand out the machine.
const HIDDEN_ELSEWHERE: &[&str] = &["/var/run/docker.sock", "/run/docker.sock"];

/// Where the proxy's socket appears inside the sandbox (a private /tmp).
pub const PROXY_INSIDE: &str = "/tmp/.smart-agents-proxy.sock";
/// The relay's port on the sandbox's own loopback.
pub const RELAY_PORT: u16 = 3128;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub task: String,
    pub bwrap: PathBuf,
    /// Folders become empty, files /dev/null.
    pub hide: Vec<PathBuf>,
    /// Writable besides the task's folder (the launcher's working folder).
    pub writable: Vec<PathBuf>,
    /// Where the sandbox sees the worker's socket (`progress` from inside)...
    pub socket: PathBuf,
    /// ...which is the launcher's, outside, passing on `progress` alone.
    pub worker_socket: PathBuf,
    pub network: Network,
    /// `host:port`, lower case.
    pub allow: Vec<String>,
    pub pids_limit: Option<u32>,
    /// With `--mem-limit` (or a class's): the memory cgroup's limit, where one can be made.
    #[serde(default)]
    pub mem_limit: Option<u64>,
    /// Home folders whose other repositories the launcher hides (see repos.rs)...
    #[serde(default)]
    pub repos_in: Vec<PathBuf>,
    /// ...but for these, the task's own (where it was submitted) and its folder.
    #[serde(default)]
    pub readable: Vec<PathBuf>,
    /// The proxy's socket outside (`network = allow`).
    pub proxy_socket: PathBuf,
}

impl Plan {
    pub fn new(
        bwrap: PathBuf,
        spec: &SandboxSpec,
        settings: &SandboxSettings,
        paths: &Paths,
        rec: &TaskRecord,
        argv: &[String],
    ) -> Plan {
        let homes = homes(rec);
        let mut hide: Vec<PathBuf> = homes
            .iter()
            .flat_map(|h| HIDDEN_IN_HOME.iter().map(move |p| h.join(p)))
            .chain(HIDDEN_ELSEWHERE.iter().map(PathBuf::from))
            .chain(own_folders(paths))
            .chain(settings.hide.iter().flat_map(|p| expand(p, &homes)))
            .collect();
        hide = existing(hide);
        let program = argv.first().map(|p| Path::new(p).file_name().unwrap_or_default().to_string_lossy());
        // What the agent CLI writes under the home folder (docs/sandbox.md has the table).
        let agent_dirs = Backend::all()
            .filter(|b| program.as_deref() == Some(b.as_str()) || rec.agent == b.as_str())
            .flat_map(|b| b.cli().home_dirs())
            .flat_map(|d| homes.iter().map(move |h| h.join(d)));
        let mut writable: Vec<PathBuf> =
            agent_dirs.chain(settings.writable.iter().flat_map(|p| expand(p, &homes))).collect();
        if rec.spec.worktree {
            // A worktree's commits land in its repository's .git.
            writable.extend(git_dir(Path::new(&rec.spec.cwd)));
        }
        let allow =
            spec.allow_hosts.iter().filter_map(|h| host_port(h).ok()).map(|(h, p)| format!("{h}:{p}"));
        Plan {
            task: format!("{}-{}", rec.id, rec.attempt),
            bwrap,
            hide,
            writable: existing(writable),
            socket: paths.socket.clone(),
            network: spec.network.unwrap_or_default(),
            allow: allow.collect(),
            pids_limit: spec.pids_limit,
            // Set by the executor, which knows whether a memory cgroup holds it.
            mem_limit: None,
            readable: settings
                .readable
                .iter()
                .flat_map(|p| expand(p, &homes))
                .chain([PathBuf::from(&rec.spec.cwd)])
                .collect(),
            repos_in: homes,
            proxy_socket: paths.runs_dir.join(format!("{}-{}.proxy", rec.id, rec.attempt)),
            worker_socket: paths.runs_dir.join(format!("{}-{}.sock", rec.id, rec.attempt)),
        }
    }
}

/// The task's home folder (from its environment) and the worker's, when they differ.
fn homes(rec: &TaskRecord) -> Vec<PathBuf> {
    let task = rec.spec.env.iter().find(|(k, _)| k == "HOME").map(|(_, v)| PathBuf::from(v));
    let mut homes: Vec<PathBuf> =
        task.into_iter().chain(std::env::var_os("HOME").map(PathBuf::from)).collect();
    homes.dedup();
    homes.retain(|h| h.is_absolute() && h != Path::new("/"));
    homes
}

/// smart-agents' own folders: the database, logs, exit records, worktrees, key and config.
fn own_folders(paths: &Paths) -> impl Iterator<Item = PathBuf> + use<> {
    let files = [&paths.database, &paths.socket, &paths.config_file, &paths.key_file];
    let dirs = [&paths.logs_dir, &paths.runs_dir, &paths.worktrees_dir];
    let parents: Vec<PathBuf> = files.iter().filter_map(|f| f.parent().map(Path::to_path_buf)).collect();
    parents.into_iter().chain(dirs.into_iter().cloned()).collect::<Vec<_>>().into_iter()
}

/// `~/x` for each home folder; an absolute path as it is.
fn expand(p: &str, homes: &[PathBuf]) -> Vec<PathBuf> {
    match p.strip_prefix("~/") {
        Some(rest) => homes.iter().map(|h| h.join(rest)).collect(),
        None => vec![PathBuf::from(p)],
    }
}

/// The paths that exist, each also as the place it resolves to (a symlinked ~/.ssh is hidden
/// where it points too), without repeats.
fn existing(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for p in paths {
        let real = std::fs::canonicalize(&p).ok();
        for q in [Some(p), real].into_iter().flatten() {
            if q.symlink_metadata().is_ok_and(|m| !m.file_type().is_symlink()) && !out.contains(&q) {
                out.push(q);
            }
        }
    }
    out
}

/// The `.git` folder of the repository holding `dir`.
fn git_dir(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join(".git")).find(|g| g.is_dir())
}
