//! Finished tasks in the database by final state, kept by the worker as tasks end, run again
//! and are pruned, so `metrics` answers without counting every row of a long history.

use crate::error::Result;
use crate::model::TaskState;
use crate::store::Store;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub completed: u64,
    pub failed: u64,
    pub cancelled: u64,
}

impl Tally {
    /// A full count, once at the worker's start.
    pub fn count(store: &Store) -> Result<Tally> {
        let s = store.summary()?;
        Ok(Tally { completed: s.completed, failed: s.failed, cancelled: s.cancelled })
    }

    /// A task ended in `state`.
    pub fn add(&mut self, state: TaskState) {
        if let Some(n) = self.slot(state) {
            *n += 1;
        }
    }

    /// `n` tasks that had ended in `state` left it (run again, or pruned).
    pub fn remove(&mut self, state: TaskState, n: u64) {
        if let Some(slot) = self.slot(state) {
            *slot = slot.saturating_sub(n);
        }
    }

    pub fn get(&self, state: TaskState) -> u64 {
        match state {
            TaskState::Completed => self.completed,
            TaskState::Failed => self.failed,
            TaskState::Cancelled => self.cancelled,
            TaskState::Pending | TaskState::Running => 0,
        }
    }

    fn slot(&mut self, state: TaskState) -> Option<&mut u64> {
        match state {
            TaskState::Completed => Some(&mut self.completed),
            TaskState::Failed => Some(&mut self.failed),
            TaskState::Cancelled => Some(&mut self.cancelled),
            TaskState::Pending | TaskState::Running => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskSpec;
    use crate::store::NewTask;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Submit,
        /// End the n-th live task (modulo) in a final state, at a time.
        Finish(usize, TaskState, i64),
        /// Run the n-th finished task (modulo) again.
        Retry(usize),
        /// Prune what ended before a time.
        Prune(i64),
    }

    fn op() -> impl Strategy<Value = Op> {
        let end =
            prop_oneof![Just(TaskState::Completed), Just(TaskState::Failed), Just(TaskState::Cancelled)];
        prop_oneof![
            3 => Just(Op::Submit),
            3 => (any::<usize>(), end, 0i64..100).prop_map(|(i, s, at)| Op::Finish(i, s, at)),
            1 => any::<usize>().prop_map(Op::Retry),
            1 => (0i64..100).prop_map(Op::Prune),
        ]
    }

    /// Set a task's state the way the worker saves it.
    fn set(store: &Store, id: &str, state: TaskState, at: Option<i64>) {
        let mut rec = store.task(id).unwrap().unwrap();
        rec.state = state;
        rec.finished_at = at;
        store.save(&rec).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Whatever happens to the tasks, the kept tally equals a full recount.
        #[test]
        fn the_tally_matches_a_recount(ops in prop::collection::vec(op(), 1..60)) {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open_for_worker(&dir.path().join("t.db")).unwrap();
            let spec = TaskSpec { description: "x".into(), agent: "shell".into(), priority: 5, ..Default::default() };
            let mut tally = Tally::count(&store).unwrap();
            let (mut live, mut ended): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
            for (n, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Submit => {
                        let id = format!("t{n:05}");
                        store.insert_task(&NewTask { id: &id, spec: &spec, created_at: 0, env_hash: None }).unwrap();
                        live.push(id);
                    }
                    Op::Finish(i, state, at) if !live.is_empty() => {
                        let id = live.remove(i % live.len());
                        set(&store, &id, state, Some(at));
                        tally.add(state);
                        ended.push(id);
                    }
                    Op::Retry(i) if !ended.is_empty() => {
                        let id = ended.remove(i % ended.len());
                        tally.remove(store.task(&id).unwrap().unwrap().state, 1);
                        set(&store, &id, TaskState::Pending, None);
                        live.push(id);
                    }
                    Op::Prune(cutoff) => {
                        let report = store.prune(cutoff, &[], false).unwrap();
                        for (state, n) in &report.by_state {
                            tally.remove(*state, *n);
                        }
                        let gone: Vec<&str> = report.ids.iter().map(|(id, _)| id.as_str()).collect();
                        ended.retain(|id| !gone.contains(&id.as_str()));
                    }
                    _ => {}
                }
                prop_assert_eq!(tally, Tally::count(&store).unwrap());
            }
        }
    }
}
