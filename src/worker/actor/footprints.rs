//! The worker's side of footprints: resolving each task's expected use from its layers,
//! learning from finished attempts, and what running tasks still reserve. The rules
//! themselves are pure, in `scheduler::footprint`.

use super::Actor;
use crate::model::TaskState;
use crate::scheduler::footprint::{self, LEARN_WINDOW, Layer};
use crate::scheduler::{AgentSlot, Footprint, Peak, Readings, Running};
use crate::worker::footprint_history::History;
use crate::worker::live::Live;
use crate::worker::proctree;
use crate::worker::supervise::ExitRecord;
use std::time::{Duration, Instant};

/// A running task's tree is measured at most this often for its reservation.
const SHOWN_FRESH: Duration = Duration::from_millis(250);

impl Actor {
    /// The footprint of task `id`, from its cache unless something was learned since.
    pub(super) fn footprint_of(&mut self, id: &str) -> Footprint {
        let generation = self.learn_gen;
        let Some(live) = self.queue.get_mut(id) else { return Footprint::default() };
        if let Some((at, fp)) = live.fp
            && at == generation
        {
            return fp;
        }
        let rec = &live.rec;
        let kind = live
            .kind
            .get_or_insert_with(|| footprint::kind(&rec.agent, rec.class.as_deref(), &rec.spec.command))
            .clone();
        let declared = Layer { mem_bytes: rec.spec.mem_bytes, cpus: rec.spec.cpus, ..Layer::default() };
        let class = rec
            .class
            .as_ref()
            .and_then(|c| self.config.limits.footprints.get(c))
            .map(|f| Layer { mem_bytes: f.mem_bytes(), cpus: f.cpus, ..Layer::default() })
            .unwrap_or_default();
        let agent =
            Layer { mem_bytes: self.registry.get(&rec.agent).and_then(|d| d.mem_bytes), ..Layer::default() };
        let learned = self.learned_layer(&kind);
        let fp = footprint::resolve(declared, learned, class, agent);
        let Some(live) = self.queue.get_mut(id) else { return fp };
        live.fp = Some((generation, fp));
        // Stored (and shown) when its source changes; a learned figure that moves (it does
        // after most attempts of its kind) rides along with the next write of the row, as
        // rewriting every pending row of the kind each time cost a drain most of its speed.
        let noticeable = live.rec.footprint.is_none_or(|old| {
            old.source != fp.source
                || fp.source != footprint::Source::Learned
                    && (old.mem_bytes.abs_diff(fp.mem_bytes) > old.mem_bytes / 8
                        || (old.cpus - fp.cpus).abs() >= 0.1)
        });
        live.rec.footprint = Some(fp);
        if noticeable {
            self.outbox.mark(id);
        }
        fp
    }

    /// What a task of unknown size could use, for slow start: the largest footprint any kind
    /// has shown this worker, or any agent's default memory, whichever is larger.
    fn unknown_could_use(&self) -> u64 {
        let learned = self.learned.values().filter_map(|h| h.layer().mem_bytes);
        let agents = self.registry.agents.iter().filter_map(|a| a.mem_bytes);
        learned.chain(agents).max().unwrap_or(0)
    }

    fn learned_layer(&mut self, kind: &str) -> Layer {
        if !self.learned.contains_key(kind) {
            let peaks = self.store.recent_peaks(kind, LEARN_WINDOW).unwrap_or_default();
            self.learned.insert(kind.to_string(), History::new(peaks));
        }
        self.learned.get(kind).map(History::layer).unwrap_or_default()
    }

    /// An attempt ended: keep what it used with the task and with its kind.
    pub(super) fn record_peak(&mut self, id: &str, record: Option<&ExitRecord>, finished_at: i64) {
        let Some(r) = record else { return };
        let Some(rss_bytes) = r.peak_rss_bytes else { return };
        let Some(live) = self.queue.get_mut(id) else { return };
        let wall = live.rec.started_at.map_or(0.0, |s| (finished_at - s).max(0) as f64 / 1000.0);
        let cpu_seconds = r.cpu_seconds.unwrap_or(0.0);
        let at_most = r.peak_rss_at_most.filter(|_| rss_bytes == 0);
        live.rec.peak = Some(Peak { rss_bytes, cpu_seconds, wall_seconds: wall, rss_at_most: at_most });
        // Its kind learns the bound when nothing was measured: an upper bound is safe to reserve.
        let peak = Peak {
            rss_bytes: rss_bytes.max(at_most.unwrap_or(0)),
            cpu_seconds,
            wall_seconds: wall,
            rss_at_most: None,
        };
        let rec = &live.rec;
        let kind = live
            .kind
            .get_or_insert_with(|| footprint::kind(&rec.agent, rec.class.as_deref(), &rec.spec.command))
            .clone();
        // A task ended for going past its memory limit says nothing about its kind's normal use.
        if r.mem_limit_exceeded.is_some() {
            return;
        }
        let attempt = live.rec.attempt;
        let _ = self.store.record_attempt(id, attempt, &kind, finished_at, &peak);
        self.learned_layer(&kind);
        if self.learned.get_mut(&kind).is_some_and(|h| h.push(peak)) {
            self.learn_gen += 1;
        }
    }

    /// What runs, with the reservations of running tasks and the agents' own limits.
    pub(super) fn running_snapshot(&mut self, now: i64, readings: &Readings) -> Running {
        let mem_gate_on = self.config.limits.memory_threshold < 100.0;
        let mut running = Running::default();
        let slow_start_ms = (self.config.limits.slow_start_seconds * 1000.0) as i64;
        // Class caps count every task holding a slot, one queued in an executor included; the
        // local cap and the reservations count what runs here.
        let executors = &self.executors;
        let ids: Vec<String> = self
            .queue
            .values()
            .filter(|l| l.rec.state == TaskState::Running || executors.holds(&l.rec.id))
            .map(|l| l.rec.id.clone())
            .collect();
        // What every local tree shows, for the memory freed but not shown yet.
        let mut shown_total = 0u64;
        let fresh_for = if self.freeing.active() { Duration::ZERO } else { SHOWN_FRESH };
        for id in ids {
            let fp = self.footprint_of(&id);
            let Some(live) = self.queue.get_mut(&id) else { continue };
            if let Some(class) = &live.rec.class {
                *running.per_class.entry(class.clone()).or_default() += 1;
            }
            // Tasks under an executor's own limits take none of this machine's.
            if self.executors.of(&live.rec).own_limits().is_some() {
                continue;
            }
            running.total += 1;
            let age_ms = (now - live.rec.started_at.unwrap_or(now)).max(0);
            running.reserved_cores +=
                footprint::cpu_reservation(fp.cpus, Duration::from_millis(age_ms as u64));
            if !mem_gate_on {
                continue;
            }
            let shown = shown_now(live, fresh_for);
            shown_total += shown;
            running.reserved_mem_bytes += footprint::mem_reservation(fp.mem_bytes, shown);
            if !fp.watch_start() {
                continue;
            }
            // Watched long enough, until an attempt of its kind ends, what it shows is what the
            // rest of its kind reserve (working out its footprint loaded the kind's history).
            if age_ms < slow_start_ms {
                running.watching += 1;
            } else if let Some(history) = live.kind.as_deref().and_then(|k| self.learned.get_mut(k))
                && history.see_running(shown)
            {
                self.learn_gen += 1;
            }
        }
        if running.watching > 0 {
            running.watch_bytes = self.unknown_could_use();
        }
        if mem_gate_on && let Some(percent) = readings.mem_percent {
            let used = (percent / 100.0 * readings.mem_total_bytes as f64) as u64;
            running.freeing_mem_bytes = self.freeing.observe(Instant::now(), used, shown_total);
        }
        running.agents = self.agent_slots(now);
        running
    }

    /// A local task ended: what its tree showed last may still be counted by the reading.
    pub(super) fn note_freed(&mut self, id: &str) {
        if let Some((_, bytes)) = self.queue.get(id).and_then(|l| l.shown) {
            self.freeing.ended(Instant::now(), bytes);
        }
    }

    fn agent_slots(&self, now: i64) -> Vec<AgentSlot> {
        let per_agent = self.running_per_agent();
        self.registry
            .agents
            .iter()
            .filter(|a| a.name != "shell")
            .map(|a| AgentSlot {
                name: a.name.clone(),
                running: per_agent.get(&a.name).copied().unwrap_or(0),
                cap: a.max_concurrency,
                circuit: self.circuits.slot(&a.name, now),
                account: a.account.clone(),
                hold: self.hold_slot(&a.account, now),
            })
            .collect()
    }

    /// The memory limit to enforce for `id`'s attempt: `execute --mem SIZE --mem-limit`, or
    /// its class's `mem` when the class sets `mem_limit = true`.
    pub(super) fn mem_limit_of(&self, id: &str) -> Option<u64> {
        let rec = &self.queue.get(id)?.rec;
        if rec.spec.mem_limit {
            return rec.spec.mem_bytes.filter(|&b| b > 0);
        }
        let class = rec.class.as_ref().and_then(|c| self.config.limits.footprints.get(c))?;
        class.mem_limit.then(|| class.mem_bytes()).flatten().filter(|&b| b > 0)
    }
}

/// What task `live`'s tree uses, read again when the last look is older than `fresh_for`.
/// A tree that shows nothing any more has exited and is kept at its last size until the
/// worker hears of the end, which then counts it as freed.
fn shown_now(live: &mut Live, fresh_for: Duration) -> u64 {
    match (live.shown, live.rec.pid) {
        (Some((at, bytes)), _) if at.elapsed() < fresh_for => bytes,
        (last, Some(pid)) => {
            let bytes = proctree::tree_usage(pid, true).rss_bytes;
            let bytes = if bytes == 0 { last.map_or(0, |(_, b)| b) } else { bytes };
            live.shown = Some((Instant::now(), bytes));
            bytes
        }
        (_, None) => 0,
    }
}
