//! Admission round: feed the queue to the pure `scheduler::decide`, then apply its verdicts:
//! start what it chose, and store each waiting task's reason when it changed.

use super::actor::{Actor, Timer};
use crate::model::TaskState;
use crate::scheduler::{self, Pending, Readings, Running};
use crate::store::EventKind;
use std::time::Instant;

/// How long a started task's declared footprint is added to the memory reading, until the
/// reading itself shows it.
const FOOTPRINT_SETTLE_MS: i64 = 10_000;
/// Readings are reused within this window, so a burst of rounds reads /proc once.
const READINGS_FRESH_MS: u128 = 100;

impl Actor {
    pub(super) fn admit(&mut self, now: i64) {
        // Upkeep rides on rounds the worker runs anyway.
        self.prune_when_due(now);
        self.fail_broken_dependencies(now);
        let limits = &self.config.limits;
        let gates_on = limits.cpu_threshold < 100.0 || limits.memory_threshold < 100.0;
        let any_pending = self.tasks.values().any(|l| l.rec.state == TaskState::Pending);
        if !any_pending {
            return;
        }
        let readings = if gates_on && !self.paused { self.readings() } else { Readings::default() };
        self.recent_starts.retain(|(at, _)| now - at < FOOTPRINT_SETTLE_MS);
        let mut running = Running {
            recent_mem_bytes: self.recent_starts.iter().map(|(_, b)| b).sum(),
            ..Default::default()
        };
        // The agents' own limits (circuit, concurrency) apply before the shared ones.
        let per_agent = self.running_per_agent();
        let mut agent_blocked: Vec<(String, String)> = Vec::new();
        let agent_ids: Vec<String> = self
            .tasks
            .values()
            .filter(|l| l.rec.state == TaskState::Pending && l.rec.agent != "shell")
            .map(|l| l.rec.id.clone())
            .collect();
        for id in agent_ids {
            if let Some(why) = self.agent_wait(&id, &per_agent, now) {
                agent_blocked.push((id, why));
            }
        }
        let blocked: std::collections::HashSet<&str> =
            agent_blocked.iter().map(|(id, _)| id.as_str()).collect();
        let mut pending = Vec::new();
        let mut lives = Vec::new();
        for live in self.tasks.values() {
            let rec = &live.rec;
            match rec.state {
                TaskState::Running => {
                    running.total += 1;
                    if let Some(class) = &rec.class {
                        *running.per_class.entry(class.clone()).or_default() += 1;
                    }
                }
                TaskState::Pending if blocked.contains(rec.id.as_str()) => {}
                TaskState::Pending => {
                    lives.push(live);
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
                    })
                }
                _ => {}
            }
        }
        let paused = self.paused || self.stopping.is_some();
        let decision = scheduler::decide(&pending, &running, &readings, &self.config.limits, paused, now);
        // Only reasons whose fingerprint changed are rendered and written.
        let mut changed: Vec<(String, String, u64)> = Vec::new();
        for (i, reason) in &decision.waiting {
            let key = reason.key(now);
            if lives[*i].reason_key != key {
                let text = reason.at(now).to_string();
                changed.push((pending[*i].id.to_string(), text, key));
            }
        }
        let starts: Vec<String> = decision.start.iter().map(|i| pending[*i].id.to_string()).collect();
        let agent_blocked: Vec<(String, String)> = agent_blocked;
        let wake_at = decision.wake_at;
        let sample_at = decision.gated.then(|| {
            let due = self.monitor.next_sample_due().saturating_duration_since(Instant::now());
            now + due.as_millis() as i64
        });
        drop(decision);
        drop(pending);
        drop(lives);
        for (id, reason, key) in changed {
            self.set_waiting(&id, reason, key, now);
        }
        // Not reasons from decide(): their next one must be rendered afresh (key 0).
        for (id, reason) in agent_blocked {
            self.set_waiting(&id, reason, 0, now);
        }
        let mut per_agent = per_agent;
        for id in starts {
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
            self.start(&id, &readings, &running, now);
            running.total += 1;
        }
        if let Some(at) = self.circuits.next_change(now) {
            self.add_timer(at, Timer::Wake);
        }
        for at in [wake_at, sample_at].into_iter().flatten() {
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

    /// Store a pending task's new waiting reason; history gets a row when the kind of reason
    /// changes (not each time a reading moves a percent).
    fn set_waiting(&mut self, id: &str, reason: String, key: u64, now: i64) {
        let Some(live) = self.tasks.get_mut(id) else { return };
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
        self.dirty.insert(id.to_string());
    }

    fn start(&mut self, id: &str, readings: &Readings, running: &Running, now: i64) {
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
        let waited_ms = (now - live.enqueued_at).max(0) as u64;
        self.upkeep.counters.on_start(&live.rec.agent, waited_ms);
        // What let it start: the readings and what was already reserved.
        let data = serde_json::json!({
            "attempt": live.rec.attempt,
            "waited_ms": waited_ms,
            "cpu_percent": readings.cpu_percent,
            "mem_percent": readings.mem_percent,
            "cpu_pressure": readings.cpu_pressure,
            "mem_pressure": readings.mem_pressure,
            "running": running.total,
            "max_concurrent": self.config.limits.max_concurrent_tasks,
            "reserved_mem_bytes": running.recent_mem_bytes,
            "mem_bytes": live.rec.spec.mem_bytes,
        });
        let _ = self.journal.add(&self.store, id, now, EventKind::Started, Some(data));
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
