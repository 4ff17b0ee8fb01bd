//! bubblewrap's command line for a plan. Order matters: later mounts cover earlier ones, so
//! the deny list is laid over the read-only root, the writable folders over that, and the
//! deny list again where it lies inside a writable folder (a task run in $HOME still does not
//! see ~/.ssh).

use super::plan::{PROXY_INSIDE, Plan};
use crate::config::sandbox::Network;
use std::path::{Path, PathBuf};

/// The namespaces every sandbox gets, also what the readiness probe tries.
const NAMESPACES: &[&str] = &[
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--die-with-parent",
];

pub fn probe_args() -> Vec<String> {
    let mut args = strings(NAMESPACES);
    args.extend(strings(&["--unshare-net", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--"]));
    args
}

/// Everything before the command: bwrap's options and `--`.
pub fn bwrap_args(plan: &Plan, folder: &Path) -> Vec<String> {
    let mut args = strings(NAMESPACES);
    if plan.network != Network::Open {
        args.push("--unshare-net".into());
    }
    args.extend(strings(&["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]));
    if Path::new("/var/tmp").is_dir() {
        args.extend(strings(&["--tmpfs", "/var/tmp"]));
    }
    // The relay and `progress` run this executable inside: seen even when it lives under a
    // folder made private above (a build in /tmp).
    if let Some(exe) = crate::paths::self_exe() {
        bind(&mut args, "--ro-bind", Path::new(exe), Path::new(exe));
    }
    for h in &plan.hide {
        hide(&mut args, h);
    }
    let writable: Vec<&Path> =
        std::iter::once(folder).chain(plan.writable.iter().map(PathBuf::as_path)).collect();
    for w in &writable {
        bind(&mut args, "--bind", w, w);
    }
    for h in plan.hide.iter().filter(|h| writable.iter().any(|w| h.starts_with(w))) {
        hide(&mut args, h);
    }
    bind(&mut args, "--bind", &plan.worker_socket, &plan.socket);
    if plan.network == Network::Allow {
        bind(&mut args, "--bind", &plan.proxy_socket, Path::new(PROXY_INSIDE));
        let proxy = format!("http://127.0.0.1:{}", super::plan::RELAY_PORT);
        for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
            args.extend(["--setenv".into(), var.into(), proxy.clone()]);
        }
        for var in ["NO_PROXY", "no_proxy"] {
            args.extend(["--unsetenv".into(), var.into()]);
        }
    }
    args.extend(["--chdir".into(), folder.display().to_string(), "--".into()]);
    args
}

fn hide(args: &mut Vec<String>, path: &Path) {
    if path.is_dir() {
        args.extend(["--tmpfs".into(), path.display().to_string()]);
    } else {
        bind(args, "--ro-bind", Path::new("/dev/null"), path);
    }
}

fn bind(args: &mut Vec<String>, how: &str, from: &Path, to: &Path) {
    args.extend([how.to_string(), from.display().to_string(), to.display().to_string()]);
}

fn strings(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(hide: Vec<PathBuf>, network: Network) -> Plan {
        Plan {
            task: "t-1".into(),
            bwrap: "/usr/bin/bwrap".into(),
            hide,
            writable: Vec::new(),
            socket: "/h/.local/share/smart-agents/worker.sock".into(),
            worker_socket: "/h/.local/share/smart-agents/runs/t-1.sock".into(),
            network,
            allow: Vec::new(),
            pids_limit: None,
            mem_limit: None,
            repos_in: Vec::new(),
            readable: Vec::new(),
            proxy_socket: "/runs/t-1.proxy".into(),
        }
    }

    fn at(args: &[String], window: &[&str]) -> Vec<usize> {
        (0..args.len()).filter(|&i| args[i..].starts_with(&strings(window))).collect()
    }

    #[test]
    fn the_deny_list_is_laid_again_over_a_writable_home() {
        let home = tempfile::tempdir().unwrap();
        let ssh = home.path().join(".ssh");
        std::fs::create_dir(&ssh).unwrap();
        let args = bwrap_args(&plan(vec![ssh.clone()], Network::None), home.path());
        let (h, s) = (home.path().to_str().unwrap(), ssh.to_str().unwrap());
        let binds = at(&args, &["--bind", h, h]);
        let hides = at(&args, &["--tmpfs", s]);
        assert_eq!((binds.len(), hides.len()), (1, 2), "{args:?}");
        assert!(hides[0] < binds[0] && binds[0] < hides[1], "{args:?}");
        assert!(!at(&args, &["--unshare-net"]).is_empty());
        assert_eq!(args.last().map(String::as_str), Some("--"));
    }

    #[test]
    fn open_network_keeps_the_namespace_and_allow_sets_the_proxy() {
        let dir = tempfile::tempdir().unwrap();
        let open = bwrap_args(&plan(Vec::new(), Network::Open), dir.path());
        assert!(at(&open, &["--unshare-net"]).is_empty(), "{open:?}");
        let allow = bwrap_args(&plan(Vec::new(), Network::Allow), dir.path());
        assert!(!at(&allow, &["--setenv", "HTTPS_PROXY", "http://127.0.0.1:3128"]).is_empty(), "{allow:?}");
        assert!(!at(&allow, &["--bind", "/runs/t-1.proxy", PROXY_INSIDE]).is_empty(), "{allow:?}");
    }
}
