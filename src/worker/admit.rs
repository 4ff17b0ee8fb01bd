//! Admission round: feed the queue to the pure `scheduler::decide`, then apply its verdicts:
//! start what it chose, and store each waiting task's reason when it changed.

use super::actor::{Actor, Timer};
use super::slurm_tasks::executor_of;
use crate::executor::Executor;
use crate::model::TaskState;
use crate::scheduler::{self, Pending, Readings, Running};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// One executor's admission verdicts, owned so the actor can act on them.
#[derive(Default)]
struct Verdict {
    /// (task id, reason text, reason fingerprint) for reasons that changed.
    changed: Vec<(String, String, u64)>,
    starts: Vec<String>,
    start_classes: Vec<Option<String>>,
    wake_at: Option<i64>,
    gated: bool,
}

/// How long a started task's declared footprint is added to the memory reading, until the
/// reading itself shows it.
const FOOTPRINT_SETTLE_MS: i64 = 10_000;
/// Readings are reused within this window, so a burst of rounds reads /proc once.
const READINGS_FRESH_MS: u128 = 100;

impl Actor {
    pub(super) fn admit(&mut self, now: i64) {
        self.fail_broken_dependencies(now);
        let limits = &self.config.limits;
        let gates_on = limits.cpu_threshold < 100.0 || limits.memory_threshold < 100.0;
        let handed = &self.slurm.handed;
        let any_pending =
            self.tasks.values().any(|l| l.rec.state == TaskState::Pending && !handed.contains_key(&l.rec.id));
        if !any_pending {
            return;
        }
        let readings = if gates_on && !self.paused { self.readings() } else { Readings::default() };
        self.recent_starts.retain(|(at, _)| now - at < FOOTPRINT_SETTLE_MS);
        // The agents' own limits (circuit, concurrency) apply before the shared ones.
        let per_agent = self.running_per_agent();
        let agent_ids: Vec<String> = self
            .tasks
            .values()
            .filter(|l| l.rec.state == TaskState::Pending && l.rec.agent != "shell")
            .filter(|l| !self.slurm.handed.contains_key(&l.rec.id))
            .map(|l| l.rec.id.clone())
            .collect();
        let mut agent_blocked: Vec<(String, String)> = Vec::new();
        for id in agent_ids {
            if let Some(why) = self.agent_wait(&id, &per_agent, now) {
                agent_blocked.push((id, why));
            }
        }
        // Each executor has its own cap and gates; class caps count both.
        let mut running = self.occupied();
        let local = Running {
            total: running.remove(&Executor::Local).unwrap_or(0),
            per_class: self.occupied_per_class(),
            recent_mem_bytes: self.recent_starts.iter().map(|(_, b)| b).sum(),
        };
        let blocked: HashSet<&str> = agent_blocked.iter().map(|(id, _)| id.as_str()).collect();
        let local_verdict =
            self.decide_for(Executor::Local, &blocked, &local, &readings, &self.config.limits, now);
        let mut per_class = local.per_class;
        for class in local_verdict.start_classes.iter().flatten() {
            *per_class.entry(class.clone()).or_default() += 1;
        }
        let remote =
            Running { total: running.remove(&Executor::Slurm).unwrap_or(0), per_class, recent_mem_bytes: 0 };
        let slurm_verdict = self.decide_for(
            Executor::Slurm,
            &blocked,
            &remote,
            &Readings::default(),
            &self.slurm.limits,
            now,
        );
        drop(blocked);
        for (id, reason) in agent_blocked {
            let Some(live) = self.tasks.get_mut(&id) else { continue };
            // Not a reason from decide(): its next one must be rendered afresh.
            live.reason_key = 0;
            if live.rec.waiting_reason.as_deref() != Some(reason.as_str()) {
                live.rec.waiting_reason = Some(reason);
                self.dirty.insert(id);
            }
        }
        let mut per_agent = per_agent;
        for verdict in [local_verdict, slurm_verdict] {
            self.apply_verdict(verdict, &mut per_agent, now);
        }
        if let Some(at) = self.circuits.next_change(now) {
            self.add_timer(at, Timer::Wake);
        }
    }

    /// Tasks holding a slot, per executor: running, or handed to Slurm.
    fn occupied(&self) -> HashMap<Executor, u32> {
        let mut counts = HashMap::new();
        for live in self.tasks.values().filter(|l| self.holds_slot(&l.rec)) {
            *counts.entry(executor_of(&live.rec)).or_default() += 1;
        }
        counts
    }

    fn occupied_per_class(&self) -> HashMap<String, u32> {
        let mut counts = HashMap::new();
        for live in self.tasks.values().filter(|l| self.holds_slot(&l.rec)) {
            if let Some(class) = &live.rec.class {
                *counts.entry(class.clone()).or_default() += 1;
            }
        }
        counts
    }

    fn holds_slot(&self, rec: &crate::store::TaskRecord) -> bool {
        rec.state == TaskState::Running || self.slurm.handed.contains_key(&rec.id)
    }

    /// One executor's admission round, as owned results.
    fn decide_for(
        &self,
        executor: Executor,
        blocked: &HashSet<&str>,
        running: &Running,
        readings: &Readings,
        limits: &crate::config::Limits,
        now: i64,
    ) -> Verdict {
        let mut pending = Vec::new();
        let mut keys = Vec::new();
        for live in self.tasks.values() {
            let rec = &live.rec;
            if rec.state != TaskState::Pending
                || executor_of(rec) != executor
                || blocked.contains(rec.id.as_str())
                || self.slurm.handed.contains_key(&rec.id)
            {
                continue;
            }
            keys.push(live.reason_key);
            pending.push(Pending {
                id: &rec.id,
                seq: rec.seq,
                priority: rec.priority,
                class: rec.class.as_deref(),
                agent: &rec.agent,
                enqueued_at: live.enqueued_at,
                not_before: rec.not_before,
                retry_attempt: (rec.attempt > 1 && rec.not_before.is_some()).then_some(rec.attempt),
                blocked_on: rec
                    .spec
                    .after
                    .iter()
                    // A dependency that finished this round is in memory until the commit.
                    .find(|d| self.tasks.get(*d).is_some_and(|l| l.rec.state != TaskState::Completed))
                    .map(String::as_str),
                mem_bytes: rec.spec.mem_bytes.unwrap_or(0),
            });
        }
        if pending.is_empty() {
            return Verdict::default();
        }
        let paused = self.paused || self.stopping.is_some();
        let decision = scheduler::decide(&pending, running, readings, limits, paused, now);
        // Only reasons whose fingerprint changed are rendered and written.
        let mut changed = Vec::new();
        for (i, reason) in &decision.waiting {
            let key = reason.key(now);
            if keys[*i] != key {
                let text = match reason {
                    // Slurm tasks wait on their own cap, not the local one.
                    scheduler::WaitReason::GlobalCap { running, cap } if executor == Executor::Slurm => {
                        format!("slurm: max_concurrent ({running}/{cap})")
                    }
                    _ => reason.at(now).to_string(),
                };
                changed.push((pending[*i].id.to_string(), text, key));
            }
        }
        Verdict {
            changed,
            starts: decision.start.iter().map(|i| pending[*i].id.to_string()).collect(),
            start_classes: decision.start.iter().map(|i| pending[*i].class.map(str::to_string)).collect(),
            wake_at: decision.wake_at,
            gated: decision.gated,
        }
    }

    fn apply_verdict(&mut self, verdict: Verdict, per_agent: &mut HashMap<String, u32>, now: i64) {
        for (id, reason, key) in verdict.changed {
            if let Some(live) = self.tasks.get_mut(&id) {
                live.reason_key = key;
                if live.rec.waiting_reason.as_deref() != Some(reason.as_str()) {
                    live.rec.waiting_reason = Some(reason);
                    self.dirty.insert(id);
                }
            }
        }
        for id in verdict.starts {
            // decide() does not know the agents' own caps: hold back a start over one and run
            // another round at once, so the freed slot goes to the next task.
            let agent = self.tasks.get(&id).map(|l| l.rec.agent.clone()).unwrap_or_default();
            let cap = self.registry.get(&agent).map_or(u32::MAX, |d| d.max_concurrency);
            let n = per_agent.entry(agent.clone()).or_default();
            if *n >= cap {
                self.flush_soon = true;
                continue;
            }
            *n += 1;
            self.circuits.on_start(&agent, now);
            if self.tasks.get(&id).is_some_and(|l| executor_of(&l.rec) == Executor::Slurm) {
                self.hand_to_slurm(&id);
            } else {
                self.start(&id, now);
            }
        }
        let sample_at = verdict.gated.then(|| {
            let due = self.monitor.next_sample_due().saturating_duration_since(Instant::now());
            now + due.as_millis() as i64
        });
        for at in [verdict.wake_at, sample_at].into_iter().flatten() {
            self.add_timer(at.max(now + 1), Timer::Wake);
        }
    }

    fn readings(&mut self) -> Readings {
        if let Some((at, readings)) = self.last_readings
            && at.elapsed().as_millis() < READINGS_FRESH_MS
        {
            return readings;
        }
        let readings = self.monitor.sample(Instant::now(), &self.config.limits);
        self.last_readings = Some((Instant::now(), readings));
        readings
    }

    fn start(&mut self, id: &str, now: i64) {
        let Some((agent, class)) = self.tasks.get(id).map(|l| (l.rec.agent.clone(), l.rec.class.clone()))
        else {
            return;
        };
        let typical = self.typical_ms(&agent, class.as_deref());
        let Some(live) = self.tasks.get_mut(id) else { return };
        live.rec.typical_ms = typical;
        live.reason_key = 0;
        live.rec.state = TaskState::Running;
        live.rec.started_at = Some(now);
        live.rec.waiting_reason = None;
        if let Some(bytes) = live.rec.spec.mem_bytes {
            self.recent_starts.push((now, bytes));
        }
        let data = serde_json::json!({"attempt": live.rec.attempt});
        let _ = self.store.add_event(id, now, "started", Some(&data));
        // A fresh reading after a start must not miss it: the footprint bridges until then.
        self.last_readings = None;
        self.dirty.insert(id.to_string());
        self.to_spawn.push(id.to_string());
    }

    /// Pending tasks whose dependency failed, was cancelled or vanished fail now, naming it;
    /// repeated so that a chain of dependents fails in one round.
    fn fail_broken_dependencies(&mut self, now: i64) {
        while self.fail_broken_dependencies_once(now) {}
    }

    fn fail_broken_dependencies_once(&mut self, now: i64) -> bool {
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
                    (None, None) => self.store.task(dep).ok().flatten().map(|t| t.state),
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
        let any = !broken.is_empty();
        for (id, why) in broken {
            self.finish(&id, TaskState::Failed, Some(why), None, now);
        }
        any
    }
}
