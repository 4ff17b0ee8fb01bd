//! Admission round: feed the queue to the pure `scheduler::decide`, once for this machine's
//! executors and once per executor with limits of its own, then apply its verdicts: start (or
//! hand over) what it chose, and store each waiting task's reason when it changed.

use super::{Actor, Timer};
use crate::config::ResourceLimits;
use crate::executor::{Executor, kind_of};
use crate::model::TaskState;
use crate::scheduler::{self, Pending, Readings, Running};
use crate::store::EventKind;
use std::time::Instant;

/// Readings are reused within this window, so a burst of rounds reads /proc once.
const READINGS_FRESH_MS: u128 = 100;

/// One executor's admission verdicts, owned so the actor can act on them.
#[derive(Default)]
struct Verdict {
    /// (task id, reason text, reason fingerprint) for reasons that changed.
    changed: Vec<(String, String, u64)>,
    starts: Vec<String>,
    wake_at: Option<i64>,
    gated: bool,
}

impl Actor {
    pub(super) fn admit(&mut self, now: i64) {
        // Upkeep rides on rounds the worker runs anyway.
        self.prune_when_due(now);
        self.fail_broken_dependencies(now);
        self.budget_upkeep(now);
        let limits = &self.config.limits;
        let gates_on = limits.cpu_threshold < 100.0 || limits.memory_threshold < 100.0;
        let executors = &self.executors;
        if !self.queue.values().any(|l| l.rec.state == TaskState::Pending && !executors.holds(&l.rec.id)) {
            return;
        }
        let readings = if gates_on && !self.paused { self.readings() } else { Readings::default() };
        self.reroute_from_resting_agents(now);
        // Local gates and the local cap see this machine's tasks; class caps and the agents'
        // own limits count every executor's. Running tasks first: what they show may teach
        // their kind (seen on a running attempt), which the pending tasks' footprints then include.
        let mut running = self.running_snapshot(now, &readings);
        self.refresh_footprints();
        let (here, own): (Vec<Executor>, Vec<Executor>) = self
            .executors
            .all()
            .map(|e| e.kind())
            .partition(|k| self.executors.get(*k).own_limits().is_none());
        let local = self.decide_for(&here, &running, &readings, &self.config.limits, now);
        let started = local.starts.clone();
        self.apply_verdict(local, &readings, &mut running, now);
        for id in &started {
            self.count_start(&mut running, id);
        }
        for kind in own {
            let Some(limits) = self.executors.get(kind).own_limits().cloned() else { continue };
            let mut elsewhere = Running {
                total: self.occupied(kind),
                per_class: std::mem::take(&mut running.per_class),
                agents: std::mem::take(&mut running.agents),
                ..Running::default()
            };
            let verdict = self.decide_for(&[kind], &elsewhere, &Readings::default(), &limits, now);
            self.apply_verdict(verdict, &Readings::default(), &mut elsewhere, now);
            (running.per_class, running.agents) = (elsewhere.per_class, elsewhere.agents);
        }
        if let Some(at) = self.limits_next_change(now) {
            self.timers.add(at, Timer::Wake);
        }
        if let Some(at) = self.circuits.next_change(now) {
            self.timers.add(at, Timer::Wake);
        }
    }

    /// Footprints are cached per task until something new is learned.
    fn refresh_footprints(&mut self) {
        let generation = self.learn_gen;
        let stale: Vec<String> = self
            .queue
            .values()
            .filter(|l| l.rec.state == TaskState::Pending && l.fp.is_none_or(|(g, _)| g != generation))
            .map(|l| l.rec.id.clone())
            .collect();
        for id in &stale {
            self.footprint_of(id);
        }
    }

    /// Tasks holding one of executor `kind`'s own slots: running, or queued there.
    fn occupied(&self, kind: Executor) -> u32 {
        let holds = |l: &&super::Live| {
            kind_of(&l.rec) == kind && (l.rec.state == TaskState::Running || self.executors.holds(&l.rec.id))
        };
        self.queue.values().filter(holds).count() as u32
    }

    /// A task started this round takes its class's and its agent's slots for the next round.
    fn count_start(&self, running: &mut Running, id: &str) {
        let Some(live) = self.queue.get(id) else { return };
        if let Some(class) = &live.rec.class {
            *running.per_class.entry(class.clone()).or_default() += 1;
        }
        if let Some(slot) = running.agents.iter_mut().find(|a| a.name == live.rec.agent) {
            slot.running += 1;
        }
    }

    /// One admission round over the tasks of executors `kinds`, as owned results.
    fn decide_for(
        &self,
        kinds: &[Executor],
        running: &Running,
        readings: &Readings,
        limits: &ResourceLimits,
        now: i64,
    ) -> Verdict {
        let mut pending = Vec::new();
        let mut keys = Vec::new();
        for live in self.queue.values() {
            let rec = &live.rec;
            if rec.state != TaskState::Pending
                || !kinds.contains(&kind_of(rec))
                || self.executors.holds(&rec.id)
            {
                continue;
            }
            let fp = live.fp.map(|(_, fp)| fp).unwrap_or_default();
            keys.push(live.reason_key);
            pending.push(Pending {
                id: &rec.id,
                seq: rec.seq,
                priority: rec.priority,
                class: rec.class.as_deref(),
                agent: &rec.agent,
                account: self.registry.account_of(&rec.agent),
                enqueued_at: live.enqueued_at,
                not_before: rec.not_before,
                retry_attempt: (rec.attempt > 1 && rec.not_before.is_some()).then_some(rec.attempt),
                blocked_on: rec
                    .spec
                    .after
                    .iter()
                    // A dependency that finished this round is in memory until the commit.
                    .find(|d| self.queue.get(d).is_some_and(|l| l.rec.state != TaskState::Completed))
                    .map(String::as_str),
                mem_bytes: fp.mem_bytes,
                seen_running: fp.seen_running,
                cpus: fp.cpus,
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
                // An executor with a cap of its own names it, not the local one.
                let own_cap = match reason {
                    scheduler::WaitReason::GlobalCap { running, cap } => {
                        kinds.iter().find_map(|k| self.executors.get(*k).cap_text(*running, *cap))
                    }
                    _ => None,
                };
                let text = own_cap.unwrap_or_else(|| reason.at(now).to_string());
                changed.push((pending[*i].id.to_string(), text, key));
            }
        }
        Verdict {
            changed,
            starts: decision.start.iter().map(|i| pending[*i].id.to_string()).collect(),
            wake_at: decision.wake_at,
            gated: decision.gated,
        }
    }

    fn apply_verdict(&mut self, verdict: Verdict, readings: &Readings, running: &mut Running, now: i64) {
        for (id, reason, key) in verdict.changed {
            self.set_waiting(&id, reason, key, now);
        }
        for id in verdict.starts {
            let agent = self.queue.get(&id).map(|l| l.rec.agent.clone()).unwrap_or_default();
            self.circuits.on_start(&agent, now);
            let account = self.registry.account_of(&agent).to_string();
            self.usage_limits.holds.on_start(&account, &id, now);
            let Some(live) = self.queue.get(&id) else { continue };
            match self.executors.of_mut(&live.rec).admit(&id, live.rec.attempt) {
                Some(waiting) => self.hand_over(&id, waiting),
                None => {
                    self.start(&id, readings, running, now);
                    running.total += 1;
                }
            }
        }
        let sample_at = verdict.gated.then(|| {
            let due = self.monitor.next_sample_due().saturating_duration_since(Instant::now());
            now + due.as_millis() as i64
        });
        for at in [verdict.wake_at, sample_at].into_iter().flatten() {
            self.timers.add(at.max(now + 1), Timer::Wake);
        }
    }

    /// Store a pending task's new waiting reason; history gets a row when the kind of reason
    /// changes (not each time a reading moves a percent).
    fn set_waiting(&mut self, id: &str, reason: String, key: u64, now: i64) {
        let Some(live) = self.queue.get_mut(id) else { return };
        live.reason_key = key;
        if live.rec.waiting_reason.as_deref() == Some(reason.as_str()) {
            return;
        }
        let kind_of = crate::stats::metrics::reason_kind;
        if live.rec.waiting_reason.as_deref().map(kind_of) != Some(kind_of(&reason)) {
            let data = serde_json::json!({"reason": reason});
            let _ = self.journal.add(&self.store, id, now, EventKind::Waiting, Some(data));
        }
        live.rec.waiting_reason = Some(reason);
        self.outbox.mark(id);
    }

    /// A capability-routed task whose agent is resting or busy moves to another agent with
    /// that capability (see `agent_wait`); admission itself then judges the agent it has.
    fn reroute_from_resting_agents(&mut self, now: i64) {
        let routed: Vec<String> = self
            .queue
            .values()
            .filter(|l| l.rec.state == TaskState::Pending && l.rec.spec.capability.is_some())
            .map(|l| l.rec.id.clone())
            .collect();
        if routed.is_empty() {
            return;
        }
        let per_agent = self.running_per_agent();
        for id in routed {
            let before = self.queue.get(&id).map(|l| l.rec.agent.clone());
            self.agent_wait(&id, &per_agent, now);
            if let Some(live) = self.queue.get_mut(id.as_str())
                && Some(&live.rec.agent) != before.as_ref()
            {
                // A new agent: a new kind and footprint.
                live.fp = None;
                live.kind = None;
            }
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

    fn start(&mut self, id: &str, readings: &Readings, running: &Running, now: i64) {
        let Some((agent, class)) = self.queue.get(id).map(|l| (l.rec.agent.clone(), l.rec.class.clone()))
        else {
            return;
        };
        let typical = self.typical_ms(&agent, class.as_deref());
        let Some(live) = self.queue.get_mut(id) else { return };
        live.rec.typical_ms = typical;
        live.reason_key = 0;
        live.rec.state = TaskState::Running;
        live.rec.started_at = Some(now);
        live.rec.waiting_reason = None;
        live.shown = None;
        let waited_ms = (now - live.enqueued_at).max(0) as u64;
        self.upkeep.counters.on_start(&live.rec.agent, waited_ms);
        // What let it start: the readings, what was already reserved, and its own footprint.
        let footprint = live.fp.map(|(_, fp)| fp);
        let data = serde_json::json!({
            "attempt": live.rec.attempt,
            "waited_ms": waited_ms,
            "cpu_percent": readings.cpu_percent,
            "mem_percent": readings.mem_percent,
            "cpu_pressure": readings.cpu_pressure,
            "mem_pressure": readings.mem_pressure,
            "running": running.total,
            "max_concurrent": self.config.limits.max_concurrent_tasks,
            "reserved_mem_bytes": running.reserved_mem_bytes,
            "reserved_cores": running.reserved_cores,
            "footprint": footprint,
        });
        let _ = self.journal.add(&self.store, id, now, EventKind::Started, Some(data));
        // A fresh reading after a start must not miss it: the reservation bridges until then.
        self.last_readings = None;
        self.outbox.mark(id);
        self.outbox.spawn(id);
    }

    /// Pending tasks whose dependency failed, was cancelled or vanished fail now, naming it;
    /// repeated so that a chain of dependents fails in one round.
    fn fail_broken_dependencies(&mut self, now: i64) {
        while self.fail_broken_dependencies_once(now) {}
    }

    fn fail_broken_dependencies_once(&mut self, now: i64) -> bool {
        let store = &self.store;
        let broken = self.queue.broken_dependencies(|dep| store.task(dep).ok().flatten().map(|t| t.state));
        let any = !broken.is_empty();
        for (id, why) in broken {
            self.finish(&id, TaskState::Failed, Some(why), None, now);
        }
        any
    }
}
