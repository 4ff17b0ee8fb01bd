//! The resource gates: smoothed CPU, memory in use and Linux pressure stall information (PSI),
//! turned into gate states with hysteresis. Pure: the worker's monitor (`worker/monitor.rs`)
//! reads the machine, only while some task waits on a gate, and feeds the readings here.
//!
//! Rules (README-ready):
//! - *CPU is the whole machine's busy time, other programs included, smoothed over about three
//!   seconds (exponential moving average, time constant 3 s, readings at least 200 ms apart).
//!   The worker's own time is left out: its bookkeeping for a burst of short tasks must not
//!   close the gate that paces them.*
//! - *Memory in use is (total − available) / total; inside a memory-limited cgroup (container)
//!   the cgroup's anonymous memory over its limit is used too, whichever is higher.*
//! - *Hysteresis: a gate closes when its reading reaches the threshold and reopens only once
//!   the reading falls 5 points below it (70% closes, below 65% reopens), so it does not flap;
//!   for thresholds under 20% the band is a quarter of the threshold (4% reopens below 3%), so
//!   a closed gate can always reopen.*
//! - *Where Linux PSI exists, `some avg10` of `/proc/pressure/cpu` at or above the CPU threshold
//!   also closes the CPU gate, and memory pressure of 10% or more (tasks stalled on memory a
//!   tenth of the time) closes the memory gate whatever the usage; both reopen 5 points lower.*
//! - *A threshold of 100 disables its gate, pressure included.*

use super::hysteresis::hysteresis;
use super::snapshot::{Gate, Readings};
use crate::config::ResourceLimits;
use std::time::Duration;

/// Time constant of the CPU moving average.
pub const CPU_SMOOTHING: Duration = Duration::from_secs(3);
/// Memory PSI `some avg10` (percent) at which the memory gate closes.
pub const MEMORY_PRESSURE_LIMIT: f64 = 10.0;
/// A CPU interval longer than this is too old to tell the current load.
pub const STALE_AFTER: Duration = Duration::from_secs(2);
/// How often to sample while a task waits on a gate.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(500);

/// Which gates are closed, remembered between readings for the hysteresis.
#[derive(Debug, Clone, Copy, Default)]
pub struct GateState {
    cpu_closed: bool,
    cpu_pressure_closed: bool,
    mem_closed: bool,
    mem_pressure_closed: bool,
}

impl GateState {
    /// Set `r`'s gates from its readings under `limits`. `can_measure`: CPU can be read here,
    /// so a missing CPU value means "not yet", and the gate measures before letting a task in.
    pub fn update(&mut self, r: &mut Readings, limits: &ResourceLimits, can_measure: bool) {
        let cpu_on = limits.cpu_threshold < 100.0;
        let mem_on = limits.memory_threshold < 100.0;
        let cpu_at = limits.cpu_threshold;
        let mem_at = limits.memory_threshold;
        self.cpu_closed = cpu_on && hysteresis(self.cpu_closed, r.cpu_percent, cpu_at);
        self.cpu_pressure_closed = cpu_on && hysteresis(self.cpu_pressure_closed, r.cpu_pressure, cpu_at);
        self.mem_closed = mem_on && hysteresis(self.mem_closed, r.mem_percent, mem_at);
        self.mem_pressure_closed =
            mem_on && hysteresis(self.mem_pressure_closed, r.mem_pressure, MEMORY_PRESSURE_LIMIT);
        r.cpu_gate = gate(
            (self.cpu_closed, r.cpu_percent, cpu_at),
            (self.cpu_pressure_closed, r.cpu_pressure, cpu_at),
        );
        r.mem_gate = gate(
            (self.mem_closed, r.mem_percent, mem_at),
            (self.mem_pressure_closed, r.mem_pressure, MEMORY_PRESSURE_LIMIT),
        );
        // CPU can be read but has no fresh value yet: measure before letting a task start.
        if cpu_on && can_measure && r.cpu_percent.is_none() && r.cpu_gate == Gate::Open {
            r.cpu_gate = Gate::Measuring;
        }
    }
}

/// Busy percent at this instant from `procs_running` in /proc/stat (tasks on a CPU or waiting
/// for one), less the worker thread reading it. A point, not an average: a CPU-bound program
/// always counts, one busy in short bursts may not, and the measured average follows within
/// 200 ms.
pub fn running_percent(stat: &str, cpus: u32) -> Option<f64> {
    let running: f64 = stat.lines().find_map(|l| l.strip_prefix("procs_running "))?.trim().parse().ok()?;
    Some(((running - 1.0).max(0.0) / f64::from(cpus.max(1)) * 100.0).min(100.0))
}

/// `used` CPU time over `dt` as a percent of all `cpus` cores.
pub fn own_share(used: Duration, dt: Duration, cpus: u32) -> f64 {
    let room = dt.as_secs_f64() * f64::from(cpus.max(1));
    if room > 0.0 { (used.as_secs_f64() / room * 100.0).min(100.0) } else { 0.0 }
}

/// Exponential moving average with time constant `tau`: a sample `dt` after the previous one
/// weighs `1 - e^(-dt/tau)`. A long gap (the worker was idle) thus mostly trusts the new
/// sample, which sysinfo measured over that whole gap.
pub fn ema(previous: Option<f64>, sample: f64, dt: Duration, tau: Duration) -> f64 {
    match previous {
        None => sample,
        Some(prev) => {
            let alpha = 1.0 - (-dt.as_secs_f64() / tau.as_secs_f64().max(1e-9)).exp();
            prev + alpha * (sample - prev)
        }
    }
}

/// The gate with the numbers for its reason: the configured threshold (the text adds the
/// reopening level while the reading is inside the hysteresis band).
fn gate(usage: (bool, Option<f64>, f64), pressure: (bool, Option<f64>, f64)) -> Gate {
    match (usage, pressure) {
        ((true, Some(percent), at), _) => Gate::Usage { percent, limit: at },
        (_, (true, Some(avg10), at)) => Gate::Pressure { avg10, limit: at },
        _ => Gate::Open,
    }
}

/// Percent of memory in use and the total it is relative to. With a cgroup limit below the
/// machine's memory, the cgroup's anonymous memory (`rss`) over its limit counts as well,
/// whichever is higher; page cache is left out there since the kernel reclaims it.
pub fn memory_in_use(total: u64, available: u64, cgroup: Option<(u64, u64)>) -> Option<(f64, u64)> {
    let host = (total > 0).then(|| (total.saturating_sub(available) as f64 / total as f64 * 100.0, total));
    let limited = cgroup
        .filter(|&(limit, _)| limit > 0 && (total == 0 || limit < total))
        .map(|(limit, rss)| (rss as f64 / limit as f64 * 100.0, limit));
    match (host, limited) {
        (Some((h, _)), Some((c, limit))) => Some((h.max(c), limit)),
        (host, limited) => host.or(limited),
    }
}

/// `some avg10` from a `/proc/pressure/*` file:
/// `some avg10=13.40 avg60=25.51 avg300=11.32 total=43114965`.
pub fn parse_psi_some_avg10(text: &str) -> Option<f64> {
    let line = text.lines().find(|line| line.starts_with("some "))?;
    let value = line.split_whitespace().find_map(|field| field.strip_prefix("avg10="))?;
    value.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

#[cfg(test)]
#[path = "resources_tests.rs"]
mod tests;
