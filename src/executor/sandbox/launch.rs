//! The launcher, `smart-agents __sandbox PLAN -- COMMAND...`: the supervisor's child, outside
//! the wall. It takes the pids limit, opens the proxy for `network = allow`, runs bwrap around
//! the command and ends with the command's status. Anything it cannot set up ends the task
//! (exit 126) with the reason in the log: it never runs the command unwalled.

use super::plan::Plan;
use super::{SandboxError, cgroup, proxy};
use crate::config::sandbox::Network;
use std::ffi::OsString;
use std::os::unix::net::UnixListener;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

/// Exit code when the sandbox could not be built (as a shell's "cannot execute").
const NOT_BUILT: i32 = 126;

/// What the launcher needs from the worker's floor, which it may not import.
pub struct Hooks {
    /// Sends a line to the task's history.
    pub report: proxy::Report,
    /// Serves the socket the sandbox sees as the worker's (only `progress` gets through).
    pub serve_worker: fn(UnixListener),
}

/// `args` is the whole argv.
pub fn main(args: &[OsString], hooks: Hooks) -> i32 {
    match launch(args, hooks) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("smart-agents: {e}; the command did not run");
            NOT_BUILT
        }
    }
}

fn launch(args: &[OsString], hooks: Hooks) -> Result<i32, SandboxError> {
    let internal = || SandboxError::Setup(format!("{} is internal to the worker", super::ARG));
    let plan = args.get(2).and_then(|p| p.to_str()).ok_or_else(internal)?;
    let mut plan: Plan = serde_json::from_str(plan).map_err(|_| internal())?;
    let command = args.get(4..).filter(|c| !c.is_empty() && args[3] == "--").ok_or_else(internal)?;
    let folder =
        std::env::current_dir().map_err(|e| SandboxError::Setup(format!("no working folder: {e}")))?;
    if folder == Path::new("/") {
        return Err(SandboxError::Setup(
            "the task's folder is /, which would leave nothing read-only".into(),
        ));
    }
    hide_other_repos(&mut plan, &folder);
    let group = cgroup::enter(&plan.task, plan.pids_limit, plan.mem_limit)?;
    let worker = listen(&plan.worker_socket, "the socket for progress")?;
    let serve_worker = hooks.serve_worker;
    std::thread::spawn(move || serve_worker(worker));
    let mut bwrap = Command::new(&plan.bwrap);
    bwrap.args(super::args::bwrap_args(&plan, &folder));
    if plan.network == Network::Allow {
        let proxy = listen(&plan.proxy_socket, "the proxy")?;
        let (allow, report) = (plan.allow.clone(), hooks.report.clone());
        std::thread::spawn(move || proxy::serve(proxy, allow, report));
        let exe =
            crate::paths::self_exe().ok_or_else(|| SandboxError::Setup("this binary has no path".into()))?;
        bwrap.args([exe, super::RELAY_ARG, "--"]);
    }
    bwrap.args(command);
    let code = run_to_end(&mut bwrap);
    if let Some(group) = &group {
        group.report_hits(&hooks.report);
    }
    for socket in [&plan.proxy_socket, &plan.worker_socket] {
        let _ = std::fs::remove_file(socket);
    }
    Ok(code)
}

/// The repositories under the home folders that are neither the task's nor listed readable
/// join the hidden paths.
fn hide_other_repos(plan: &mut Plan, folder: &Path) {
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let keep: Vec<_> = plan.readable.iter().map(|p| real(p)).chain([real(folder)]).collect();
    let found: Vec<_> =
        plan.repos_in.iter().flat_map(|home| super::repos::others(&real(home), &keep)).collect();
    plan.hide.extend(found);
}

/// A fresh Unix socket at `path` (one left by a killed launcher is replaced).
fn listen(path: &Path, what: &str) -> Result<UnixListener, SandboxError> {
    let _ = std::fs::remove_file(path);
    UnixListener::bind(path)
        .map_err(|e| SandboxError::Setup(format!("opening {what} at {}: {e}", path.display())))
}

/// Run `cmd` and give its status as an exit code (128 + the signal that ended it).
pub fn run_to_end(cmd: &mut Command) -> i32 {
    match cmd.status() {
        Ok(status) => status.code().or(status.signal().map(|s| 128 + s)).unwrap_or(1),
        Err(e) => {
            let program = cmd.get_program().to_string_lossy().into_owned();
            eprintln!("smart-agents sandbox: cannot start {program}: {e}");
            NOT_BUILT + 1
        }
    }
}
