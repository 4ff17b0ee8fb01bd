//! The worker's side of history: metrics as it sees them now, and pruning (on request, and
//! by `[history] keep_days` at start and at most daily while it has work).

use super::Actor;
use crate::error::Result;
use crate::model::TaskState;
use crate::stats::metrics::{self, Gauges};
use crate::store::PruneReport;

const DAY_MS: i64 = 86_400_000;

impl Actor {
    /// The Prometheus text, except the connection count (the socket side knows that).
    pub(super) fn metrics_text(&self) -> Result<String> {
        let mut gauges = Gauges {
            uptime_seconds: self.started.elapsed().as_secs(),
            paused: self.paused,
            ..Default::default()
        };
        // Live tasks are all in memory, finished ones in the tally: no row is counted here.
        let mut pending = 0;
        for live in self.queue.values().filter(|l| l.rec.state == TaskState::Pending) {
            pending += 1;
            let kind = live.rec.waiting_reason.as_deref().map_or("none", metrics::reason_kind);
            *gauges.waiting.entry(kind.to_string()).or_default() += 1;
        }
        let stored = &self.upkeep.stored;
        gauges.tasks_by_state = vec![
            (TaskState::Pending, pending),
            (TaskState::Running, self.queue.running_count() as u64),
            (TaskState::Completed, stored.completed),
            (TaskState::Failed, stored.failed),
            (TaskState::Cancelled, stored.cancelled),
        ];
        if let Some((_, r)) = &self.last_readings {
            let readings = [
                ("cpu", r.cpu_percent),
                ("memory", r.mem_percent),
                ("cpu_pressure", r.cpu_pressure),
                ("memory_pressure", r.mem_pressure),
            ];
            gauges.readings = readings.into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
        }
        Ok(metrics::render(&self.upkeep.counters, &gauges))
    }

    /// Remove finished tasks that ended more than `older_than_ms` ago, with their events now
    /// and their files after the commit.
    pub(super) fn prune(&mut self, older_than_ms: u64, dry_run: bool, now: i64) -> Result<PruneReport> {
        let cutoff = now.saturating_sub(older_than_ms.min(i64::MAX as u64) as i64);
        // A pending task still waiting on a finished one needs it to decide.
        let keep: Vec<String> = self
            .queue
            .values()
            .flat_map(|l| l.rec.spec.after.iter().chain(l.rec.spec.resume_of.iter()))
            .cloned()
            .collect();
        let mut report = self.store.prune(cutoff, &keep, dry_run)?;
        if !dry_run {
            // Sealed values and log masks of the tasks that went go with them.
            self.store.prune_secrets()?;
            for (state, n) in &report.by_state {
                self.upkeep.stored.remove(*state, *n);
            }
        }
        let ids = std::mem::take(&mut report.ids);
        for (id, attempts) in &ids {
            let mut files = vec![self.paths.task_log(id)];
            for attempt in 1..=*attempts {
                files.push(self.paths.exit_file(id, attempt));
                files.push(self.paths.analytics_log(id, attempt));
            }
            for file in files.into_iter().filter(|f| f.exists()) {
                report.files += 1;
                if !dry_run {
                    self.outbox.remove_after_commit(file);
                }
            }
            self.queue.forget(id);
        }
        if !dry_run && report.tasks + report.events + report.envs > 0 {
            // Environments may be gone from the table: intern them afresh.
            self.envs = Default::default();
            self.upkeep.vacuum_after_commit = true;
        }
        Ok(report)
    }

    /// `[history] keep_days`: prune at start and then at most once a day, only in rounds the
    /// worker runs anyway (an idle worker is not woken for it).
    pub(super) fn prune_when_due(&mut self, now: i64) {
        let days = self.config.history.keep_days;
        if days == 0 || now - self.upkeep.last_prune < DAY_MS {
            return;
        }
        self.upkeep.last_prune = now;
        match self.prune(u64::from(days) * DAY_MS as u64, false, now) {
            Ok(r) if r.tasks > 0 => {
                eprintln!("smart-agents worker: pruned {} tasks older than {days} days", r.tasks);
            }
            Ok(_) => {}
            Err(e) => eprintln!("smart-agents worker: pruning history: {e}"),
        }
    }

    /// After a prune's commit: shrink the file, and tell the prune's caller the new size.
    pub(super) fn vacuum_if_pruned(&mut self) {
        if !std::mem::take(&mut self.upkeep.vacuum_after_commit) {
            return;
        }
        match self.store.vacuum() {
            Ok(bytes) => {
                for response in self.outbox.replies_mut() {
                    if let crate::protocol::Response::Pruned { report } = response
                        && !report.dry_run
                    {
                        report.bytes_after = bytes;
                    }
                }
            }
            Err(e) => eprintln!("smart-agents worker: vacuum after prune: {e}"),
        }
    }
}
