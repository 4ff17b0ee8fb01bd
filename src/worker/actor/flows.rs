//! Running flows: queue a flow's steps as their dependencies end, and after a `stop` failure
//! cancel what has not started and undo the completed steps. The decisions come from the pure
//! planner in `crate::flows::saga`; this applies them inside the round's transaction.

use super::{Actor, KillReason};
use crate::error::{Error, Result};
use crate::flows::saga::{self, Seen};
use crate::flows::{Action, FlowState, Plan, parse_undo_name, undo_task_name};
use crate::model::{DEFAULT_PRIORITY, TaskSpec, TaskState};
use crate::store::{FlowRecord, TaskRecord};
use std::collections::{BTreeMap, HashMap};

/// Rounds of decisions one flow may take in one worker round (each waits on the last).
const MAX_PASSES: usize = 64;

impl Actor {
    /// `flow run`: the flow's row and its first steps, all or nothing.
    pub(super) fn flow_run(
        &mut self,
        plan: Plan,
        file: String,
        cwd: String,
        env: Vec<(String, String)>,
        now: i64,
    ) -> Result<String> {
        if plan.steps.is_empty() {
            return Err(Error::usage(format!("{file}: the flow has no steps")));
        }
        // Interned outside the savepoint: the cache must not remember a rolled-back row.
        let env_hash = self.store_env(&env)?;
        let id = loop {
            let id = self.ids.next_id();
            if self.store.flow(&id)?.is_none() {
                break id;
            }
        };
        let flow = FlowRecord {
            id: id.clone(),
            name: plan.name.clone(),
            file,
            plan,
            cwd,
            env_hash: Some(env_hash),
            state: FlowState::Running,
            reason: None,
            attempt: 1,
            created_at: now,
            finished_at: None,
        };
        let savepoint = self.store.savepoint("flow_run")?;
        let queued = self.store.insert_flow(&flow).and_then(|()| self.advance_flow(&id, now, true));
        match queued {
            Ok(()) => {
                self.store.release(savepoint)?;
                self.journal.add(
                    &self.store,
                    &format!("flow:{id}"),
                    now,
                    crate::store::EventKind::FlowStarted,
                    None,
                )?;
                Ok(id)
            }
            Err(e) => {
                self.store.rollback_to(savepoint)?;
                let mine: Vec<String> = self
                    .queue
                    .values()
                    .filter(|l| l.rec.spec.flow_id.as_deref() == Some(id.as_str()))
                    .map(|l| l.rec.id.clone())
                    .collect();
                for task in mine {
                    self.queue.withdraw(&task);
                    self.outbox.unmark(&task);
                }
                self.flows_touched.remove(&id);
                Err(e)
            }
        }
    }

    /// Advance every flow whose tasks changed, until none has more to do this round.
    pub(super) fn advance_flows(&mut self, now: i64) {
        for _ in 0..MAX_PASSES {
            let Some(id) = self.flows_touched.pop_first() else { return };
            if let Err(e) = self.advance_flow(&id, now, false) {
                eprintln!("smart-agents worker: flow {id}: {e}");
            }
        }
        // More remains: finish it in the next round rather than hold this one.
        if !self.flows_touched.is_empty() {
            self.outbox.rerun();
        }
    }

    /// One decision for flow `id`. `initial`: an error is the submitter's (nothing is kept).
    fn advance_flow(&mut self, id: &str, now: i64, initial: bool) -> Result<()> {
        let Some(mut flow) = self.store.flow(id)? else { return Ok(()) };
        if flow.state != FlowState::Running {
            return Ok(());
        }
        let tasks = self.flow_tasks(id)?;
        let (steps, undos) = observed(&tasks, flow.attempt);
        let next = saga::next(&flow.plan, &steps, &undos);
        let task_of = |step: &str| tasks.iter().find(|t| t.spec.step_name.as_deref() == Some(step));
        for step in &next.cancel {
            if let Some(t) = task_of(step) {
                let why = "cancelled: an earlier step of the flow failed".to_string();
                self.finish(&t.id.clone(), TaskState::Cancelled, Some(why), None, now);
            }
        }
        let outputs: BTreeMap<String, String> = tasks
            .iter()
            .filter(|t| {
                t.state.is_finished() && parse_undo_name(t.spec.step_name.as_deref().unwrap_or("")).is_none()
            })
            .filter_map(|t| Some((t.spec.step_name.clone()?, t.output.clone().unwrap_or_default())))
            .collect();
        let mut queue: Vec<(String, Action, String)> = Vec::new();
        for name in &next.queue {
            if let Some(step) = flow.plan.steps.iter().find(|s| &s.name == name) {
                queue.push((name.clone(), step.action.rendered(&outputs), name.clone()));
            }
        }
        if let Some(name) = &next.undo
            && let Some(undo) = flow.plan.steps.iter().find(|s| &s.name == name).and_then(|s| s.undo.clone())
        {
            queue.push((format!("undo {name}"), undo.rendered(&outputs), undo_task_name(flow.attempt, name)));
        }
        for (label, action, step_name) in queue {
            if let Err(e) = self.queue_step(&flow, &label, action, step_name, now) {
                if initial {
                    return Err(e);
                }
                return self.end_flow(
                    &mut flow,
                    FlowState::Failed,
                    Some(format!("step {label} could not be queued: {e}")),
                    now,
                );
            }
        }
        if let Some((state, reason)) = next.end {
            self.end_flow(&mut flow, state, reason, now)?;
        }
        Ok(())
    }

    fn queue_step(
        &mut self,
        flow: &FlowRecord,
        label: &str,
        a: Action,
        step_name: String,
        now: i64,
    ) -> Result<String> {
        let env = match &flow.env_hash {
            Some(hash) => self.open_env(hash)?,
            None => Vec::new(),
        };
        let spec = TaskSpec {
            description: format!("{}: {label}", flow.name),
            agent: a.agent.unwrap_or_default(),
            command: a.command,
            prompt: a.prompt,
            cwd: flow.cwd.clone(),
            env,
            priority: a.priority.unwrap_or(DEFAULT_PRIORITY),
            class: a.class,
            timeout_ms: a.timeout_ms,
            retries: a.retries,
            mem_bytes: a.mem_bytes,
            // Checked when the file was read; unset, the worker settles it as for `execute`.
            executor: a.on.as_deref().and_then(|on| on.parse().ok()),
            capability: a.capability,
            worktree: a.worktree,
            flow_id: Some(flow.id.clone()),
            step_name: Some(step_name),
            schedule: a.schedule,
            ..TaskSpec::default()
        };
        self.submit(spec, now)
    }

    /// End a flow; its unfinished tasks are cancelled (a queue error leaves some behind).
    fn end_flow(
        &mut self,
        flow: &mut FlowRecord,
        state: FlowState,
        reason: Option<String>,
        now: i64,
    ) -> Result<()> {
        flow.state = state;
        flow.reason = reason;
        flow.finished_at = Some(now);
        self.store.save_flow(flow)?;
        let data = serde_json::json!({"state": state, "reason": flow.reason});
        self.journal.add(
            &self.store,
            &format!("flow:{}", flow.id),
            now,
            crate::store::EventKind::FlowFinished,
            Some(data),
        )?;
        for t in self.flow_tasks(&flow.id)? {
            if !t.state.is_finished() {
                self.cancel(&t.id, KillReason::Cancel, now);
            }
        }
        Ok(())
    }

    /// The flow's tasks as they are now: this round's changes are still in memory.
    fn flow_tasks(&self, id: &str) -> Result<Vec<TaskRecord>> {
        let mut tasks = self.store.flow_tasks(id)?;
        for t in &mut tasks {
            if let Some(live) = self.queue.get(&t.id) {
                *t = live.rec.clone();
            }
        }
        // Queued in this very round: in memory, not yet written.
        for live in self.queue.values() {
            if live.rec.spec.flow_id.as_deref() == Some(id) && !tasks.iter().any(|t| t.id == live.rec.id) {
                tasks.push(live.rec.clone());
            }
        }
        Ok(tasks)
    }

    /// `flow cancel`: the flow ends cancelled; its unfinished steps are cancelled.
    pub(super) fn flow_cancel(&mut self, typed: &str, now: i64) -> Result<String> {
        let id = self.store.resolve_flow(typed)?;
        let mut flow =
            self.store.flow(&id)?.ok_or_else(|| Error::not_found(format!("no flow with id '{id}'")))?;
        if flow.state != FlowState::Running {
            return Ok(format!("flow {id} already ended {}", flow.state.as_str()));
        }
        self.end_flow(&mut flow, FlowState::Cancelled, Some("cancelled by user".into()), now)?;
        Ok(format!("flow {id} cancelled"))
    }

    /// `flow retry`: the failed and cancelled steps run again; steps never queued follow as
    /// their dependencies end. Undo tasks of the earlier attempt are history.
    pub(super) fn flow_retry(
        &mut self,
        typed: &str,
        caller_env: &[(String, String)],
        now: i64,
    ) -> Result<String> {
        let id = self.store.resolve_flow(typed)?;
        let mut flow =
            self.store.flow(&id)?.ok_or_else(|| Error::not_found(format!("no flow with id '{id}'")))?;
        if !matches!(flow.state, FlowState::Failed | FlowState::Cancelled) {
            return Err(Error::usage(format!(
                "flow {id} is {}: only a failed or cancelled flow is retried",
                flow.state.as_str()
            )));
        }
        let tasks = self.flow_tasks(&id)?;
        if tasks.iter().any(|t| !t.state.is_finished()) {
            return Err(Error::usage(format!("flow {id} still has steps ending: retry once they have")));
        }
        for t in &tasks {
            let step = t.spec.step_name.as_deref().unwrap_or("");
            if parse_undo_name(step).is_none() && matches!(t.state, TaskState::Failed | TaskState::Cancelled)
            {
                self.retry_now(&t.id, caller_env, now)?;
            }
        }
        flow.attempt += 1;
        flow.state = FlowState::Running;
        flow.reason = None;
        flow.finished_at = None;
        self.store.save_flow(&flow)?;
        self.journal.add(
            &self.store,
            &format!("flow:{id}"),
            now,
            crate::store::EventKind::FlowRetry,
            Some(serde_json::json!({"attempt": flow.attempt})),
        )?;
        self.flows_touched.insert(id.clone());
        Ok(id)
    }
}

/// Step tasks by step name, and this attempt's undo tasks by the step they undo.
fn observed(tasks: &[TaskRecord], attempt: u32) -> (HashMap<String, Seen>, HashMap<String, Seen>) {
    let mut steps = HashMap::new();
    let mut undos = HashMap::new();
    for t in tasks {
        let Some(name) = t.spec.step_name.as_deref() else { continue };
        let seen = Seen { state: t.state, finished_at: t.finished_at, reason: t.reason.clone() };
        match parse_undo_name(name) {
            Some((a, step)) if a == attempt => {
                undos.insert(step.to_string(), seen);
            }
            Some(_) => {}
            None => {
                steps.insert(name.to_string(), seen);
            }
        }
    }
    (steps, undos)
}
