//! The executors a worker holds, found by the kind a task names.

use super::interface::{Answer, Reply};
use super::local::Local;
use super::sandbox::Sandbox;
use super::slurm::Slurm;
use super::{Executor, Note, TaskExecutor};
use crate::config::Config;
use crate::paths::Paths;
use crate::store::TaskRecord;

pub struct ExecutorSet {
    all: Vec<Box<dyn TaskExecutor>>,
    /// Local tasks that asked for a wall start through it; it is local in every other way.
    sandbox: Sandbox,
}

impl ExecutorSet {
    /// Every executor this build knows. A new one is one line here.
    pub fn new(config: &Config, paths: &Paths, answer: Answer) -> ExecutorSet {
        let all: Vec<Box<dyn TaskExecutor>> =
            vec![Box::new(Local), Box::new(Slurm::new(config, paths, answer))];
        ExecutorSet { all, sandbox: Sandbox::new(&config.sandbox, paths) }
    }

    /// At submit, after the executor is settled: fill in the task's sandbox, or refuse it
    /// saying what is missing. A sandboxed task never runs without its wall.
    pub fn settle_sandbox(
        &self,
        spec: &mut crate::model::TaskSpec,
        backend: Option<&str>,
    ) -> Result<(), String> {
        if spec.sandbox.is_none() {
            return Ok(());
        }
        let kind = spec.executor.unwrap_or_default();
        if kind != Executor::Local {
            return Err(format!(
                "--sandbox runs tasks on this machine; the {kind} executor cannot wall them in"
            ));
        }
        self.sandbox.settle(spec, backend)
    }

    pub fn all(&self) -> impl Iterator<Item = &dyn TaskExecutor> {
        self.all.iter().map(|e| e.as_ref())
    }

    pub fn get(&self, kind: Executor) -> &dyn TaskExecutor {
        let found = self.all.iter().find(|e| e.kind() == kind);
        // `new` lists every kind, so the first (local) is only a guard.
        found.unwrap_or(&self.all[0]).as_ref()
    }

    pub fn get_mut(&mut self, kind: Executor) -> &mut dyn TaskExecutor {
        let at = self.all.iter().position(|e| e.kind() == kind).unwrap_or(0);
        self.all[at].as_mut()
    }

    /// The executor task `rec` runs on.
    pub fn of(&self, rec: &TaskRecord) -> &dyn TaskExecutor {
        if sandboxed(rec) {
            return &self.sandbox;
        }
        self.get(kind_of(rec))
    }

    pub fn of_mut(&mut self, rec: &TaskRecord) -> &mut dyn TaskExecutor {
        if sandboxed(rec) {
            return &mut self.sandbox;
        }
        self.get_mut(kind_of(rec))
    }

    /// Whether any executor holds a slot for task `id`.
    pub fn holds(&self, id: &str) -> bool {
        self.all.iter().any(|e| e.holds(id))
    }

    /// Every task some executor holds.
    pub fn held(&self) -> Vec<String> {
        self.all.iter().flat_map(|e| e.held()).collect()
    }

    /// Task `id` ended or went back to pending: no executor holds it any more.
    pub fn forget(&mut self, id: &str) {
        for e in &mut self.all {
            e.forget(id);
        }
    }

    pub fn answer(&mut self, reply: Reply, now: i64) -> Vec<Note> {
        self.get_mut(reply.kind).answer(reply, now)
    }

    pub fn look(&mut self, now: i64) -> Vec<Note> {
        self.all.iter_mut().flat_map(|e| e.look(now)).collect()
    }
}

fn sandboxed(rec: &TaskRecord) -> bool {
    rec.spec.sandbox.is_some() && kind_of(rec) == Executor::Local
}

/// The kind a task names; tasks from before executors existed run locally.
pub fn kind_of(rec: &TaskRecord) -> Executor {
    rec.spec.executor.unwrap_or_default()
}
