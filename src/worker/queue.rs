//! The tasks the worker holds in memory (pending and running), and what it remembers of the
//! ones that finished, for the dependencies of those still waiting.

use super::live::Live;
use crate::model::TaskState;
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub(super) struct Queue {
    tasks: HashMap<String, Live>,
    /// Final states of finished tasks that pending tasks depend on.
    finished_deps: HashMap<String, TaskState>,
    /// Tasks queued in this round (submits, retries): not on disk until its commit.
    fresh: HashSet<String>,
    /// Tasks finished since memory was last handed back (see `trim`).
    finished_since_trim: usize,
}

/// Past this many cached final states, the cache starts afresh (the database has them all).
const FINISHED_CACHE: usize = 10_000;

impl Queue {
    pub fn get(&self, id: &str) -> Option<&Live> {
        self.tasks.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Live> {
        self.tasks.get_mut(id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.tasks.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn values(&self) -> impl Iterator<Item = &Live> {
        self.tasks.values()
    }

    pub fn running_count(&self) -> usize {
        self.tasks.values().filter(|l| l.rec.state == TaskState::Running).count()
    }

    /// Hold a task found on disk (at start-up, or adopted).
    pub fn insert(&mut self, id: String, live: Live) {
        self.tasks.insert(id, live);
    }

    /// Queue a task in this round (a submit, a retry): it is fresh until the round commits.
    pub fn enqueue(&mut self, id: String, live: Live) {
        self.finished_deps.remove(&id);
        self.fresh.insert(id.clone());
        self.tasks.insert(id, live);
    }

    pub fn is_fresh(&self, id: &str) -> bool {
        self.fresh.contains(id)
    }

    /// The round is committed: its tasks are on disk.
    pub fn committed(&mut self) {
        self.fresh.clear();
    }

    /// Forget a task queued in this round whose submit was undone.
    pub fn withdraw(&mut self, id: &str) {
        self.tasks.remove(id);
        self.fresh.remove(id);
    }

    /// Task `id` ended in `state`: remembered for the tasks that depend on it.
    pub fn finished(&mut self, id: &str, state: TaskState) {
        self.finished_since_trim += 1;
        if self.finished_deps.len() >= FINISHED_CACHE {
            self.finished_deps.clear();
        }
        self.finished_deps.insert(id.to_string(), state);
    }

    /// Task `id` is gone from the database (pruned).
    pub fn forget(&mut self, id: &str) {
        self.finished_deps.remove(id);
    }

    /// Finished tasks leave memory once written and published.
    pub fn drop_finished(&mut self) {
        self.tasks.retain(|_, live| !live.rec.state.is_finished());
    }

    /// Whether attempt `attempt` of task `id` is still under way.
    pub fn is_live(&self, id: &str, attempt: u32) -> bool {
        self.tasks.get(id).is_some_and(|l| l.rec.attempt == attempt && !l.rec.state.is_finished())
    }

    /// After a big queue has drained: forget the cached final states; true when memory is
    /// worth handing back.
    pub fn trim(&mut self) -> bool {
        if !self.tasks.is_empty() || self.finished_since_trim < 1_000 {
            return false;
        }
        self.finished_since_trim = 0;
        self.finished_deps.clear();
        true
    }

    /// Pending tasks with a dependency that will not complete, each with why. `stored` gives
    /// the state of a task no longer in memory (`None`: it no longer exists).
    pub fn broken_dependencies(
        &mut self,
        stored: impl Fn(&str) -> Option<TaskState>,
    ) -> Vec<(String, String)> {
        let mut broken: Vec<(String, String)> = Vec::new();
        for live in self.tasks.values() {
            if live.rec.state != TaskState::Pending {
                continue;
            }
            for dep in &live.rec.spec.after {
                // A dependency that finished this round is still in memory until the commit.
                let state = match (self.tasks.get(dep), self.finished_deps.get(dep)) {
                    (Some(d), _) if !d.rec.state.is_finished() => continue,
                    (Some(d), _) => Some(d.rec.state),
                    (None, Some(state)) => Some(*state),
                    (None, None) => stored(dep),
                };
                if let Some(state) = state {
                    self.finished_deps.insert(dep.clone(), state);
                }
                let why = match state {
                    Some(TaskState::Completed) => continue,
                    Some(TaskState::Cancelled) => format!("dependency {dep} was cancelled"),
                    Some(_) => format!("dependency {dep} failed"),
                    None => format!("dependency {dep} no longer exists"),
                };
                broken.push((live.rec.id.clone(), why));
                break;
            }
        }
        broken
    }
}
