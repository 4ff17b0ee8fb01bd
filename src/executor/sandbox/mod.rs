//! The sandbox: a local executor whose tasks start walled in by bubblewrap. It changes only
//! how a task starts (`start_here` puts `smart-agents __sandbox PLAN --` before its argv);
//! the supervisor, the log, adoption and stopping are the local ones, and stopping the
//! supervisor's group ends the whole sandbox (bwrap dies with its parent, and with it the
//! PID namespace). See docs/sandbox.md.

mod args;
mod cgroup;
pub mod launch;
mod plan;
mod proxy;
mod ready;
pub mod relay;
mod repos;

use super::local::Local;
use super::{Executor, HereStart, Note, Stop, TaskExecutor};
use crate::config::sandbox::SandboxSettings;
use crate::model::TaskSpec;
use crate::paths::Paths;
use crate::store::TaskRecord;
pub use plan::Plan;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// The argument that starts the launcher outside the wall.
pub const ARG: &str = "__sandbox";

/// Errors of the sandbox, worded for the person who asked for it.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("the sandbox needs bubblewrap, which is {0}; install it (Debian: apt install bubblewrap)")]
    NoBwrap(String),
    #[error("the sandbox cannot start: {0}")]
    NotReady(String),
    #[error("--pids-limit needs {0}")]
    NoPidsLimit(String),
    #[error("the sandbox cannot be set up: {0}")]
    Setup(String),
}

pub struct Sandbox {
    settings: SandboxSettings,
    paths: Paths,
    /// bwrap's path by the PATH it was looked up on, once a probe passed: later submits skip
    /// the probe. A bwrap that goes away later still fails closed, at the start.
    ready: Mutex<HashMap<Option<String>, PathBuf>>,
}

impl Sandbox {
    pub fn new(settings: &SandboxSettings, paths: &Paths) -> Sandbox {
        Sandbox { settings: settings.clone(), paths: paths.clone(), ready: Mutex::new(HashMap::new()) }
    }

    /// Settle `spec`'s sandbox at submit, or say why it cannot run walled in here. `backend`
    /// names the agent CLI whose model host an agent task may reach.
    pub fn settle(&self, spec: &mut TaskSpec, backend: Option<&str>) -> Result<(), String> {
        let Some(mut asked) = spec.sandbox.take() else { return Ok(()) };
        // An agent needs its model: allowed unless the network was set by hand.
        if spec.prompt.is_some() && asked.network.is_none() {
            let host = crate::agents::registry::model_host(backend.unwrap_or(&spec.agent), &spec.env);
            asked.allow_hosts.extend(host.filter(|h| !asked.allow_hosts.contains(h)));
        }
        let settled = self.settings.settle(asked)?;
        self.bwrap(path_of(spec)).map_err(|e| e.to_string())?;
        if let Some(n) = settled.pids_limit {
            cgroup::can_limit(n).map_err(|e| e.to_string())?;
        }
        spec.sandbox = Some(settled);
        Ok(())
    }

    /// The probed bubblewrap, found on the task's PATH (the caller's) unless configured.
    fn bwrap(&self, search: Option<&str>) -> Result<PathBuf, SandboxError> {
        let mut ready = self.ready.lock().unwrap_or_else(|p| p.into_inner());
        let key = search.map(str::to_string);
        if let Some(path) = ready.get(&key) {
            return Ok(path.clone());
        }
        let path = ready::probe(self.settings.bwrap.as_deref(), search)?;
        ready.insert(key, path.clone());
        Ok(path)
    }
}

/// The PATH the task was submitted with.
fn path_of(spec: &TaskSpec) -> Option<&str> {
    spec.env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.as_str())
}

impl TaskExecutor for Sandbox {
    fn kind(&self) -> Executor {
        Executor::Local
    }

    fn start_here(&self, rec: &TaskRecord, start: HereStart) -> Result<HereStart, String> {
        let Some(spec) = &rec.spec.sandbox else { return Ok(start) };
        let bwrap = self.bwrap(path_of(&rec.spec)).map_err(|e| e.to_string())?;
        // Where a memory cgroup can be made, the kernel holds the limit for the whole sandbox
        // (the launcher fails closed if it then cannot); the tree watch would also count the
        // launcher's own pages and could end the task first. Elsewhere the watch keeps it.
        let by_cgroup = start.mem_limit.filter(|_| cgroup::mem_cgroup_here());
        let mut plan = Plan::new(bwrap, spec, &self.settings, &self.paths, rec, &start.argv);
        plan.mem_limit = by_cgroup;
        let exe =
            crate::paths::self_exe().ok_or_else(|| SandboxError::Setup("this binary has no path".into()));
        let json = serde_json::to_string(&plan).map_err(|e| SandboxError::Setup(e.to_string()));
        let (exe, json) = (exe.map_err(|e| e.to_string())?, json.map_err(|e| e.to_string())?);
        let argv = [exe.to_string(), ARG.to_string(), json, "--".to_string()]
            .into_iter()
            .chain(start.argv)
            .collect();
        Ok(HereStart { argv, mem_limit: if by_cgroup.is_some() { None } else { start.mem_limit } })
    }

    fn stop(&mut self, rec: &TaskRecord, how: Stop, now: i64) -> Vec<Note> {
        // The launcher and bwrap share the supervisor's group; bwrap's child dies with it
        // (--die-with-parent) and takes the whole PID namespace along.
        Local.stop(rec, how, now)
    }
}

/// A line for `doctor`: whether a sandboxed task could start here.
pub fn readiness(settings: &SandboxSettings) -> Result<String, String> {
    let path = ready::probe(settings.bwrap.as_deref(), None).map_err(|e| e.to_string())?;
    let pids = match cgroup::can_limit(1) {
        Ok(how) => format!("--pids-limit by {how}"),
        Err(e) => format!("no --pids-limit ({e})"),
    };
    let mem = cgroup::mem_limit_by();
    Ok(format!("bubblewrap {} works (user and PID namespaces); {pids}; --mem-limit by {mem}", path.display()))
}

pub const RELAY_ARG: &str = "__sandbox-relay";
