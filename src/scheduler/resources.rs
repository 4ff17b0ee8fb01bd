//! The resource monitor: smoothed CPU, memory in use and Linux pressure stall information
//! (PSI), turned into gate states with hysteresis. No threads and no timers of its own: the
//! worker calls [`ResourceMonitor::sample`] only while some task waits on a gate, at
//! [`ResourceMonitor::next_sample_due`], so an idle worker never wakes.
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
use crate::config::Limits;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use sysinfo::{MINIMUM_CPU_UPDATE_INTERVAL, System};

/// Time constant of the CPU moving average.
pub const CPU_SMOOTHING: Duration = Duration::from_secs(3);
/// Memory PSI `some avg10` (percent) at which the memory gate closes.
pub const MEMORY_PRESSURE_LIMIT: f64 = 10.0;
/// A CPU interval longer than this is too old to tell the current load.
pub const STALE_AFTER: Duration = Duration::from_secs(2);
/// How often to sample while a task waits on a gate.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(500);

pub struct ResourceMonitor {
    /// `None` when sysinfo cannot read this system: readings stay unknown, which never blocks.
    system: Option<System>,
    last_cpu_refresh: Option<Instant>,
    /// smart-agents' own CPU time at `last_cpu_refresh`: the worker's and its machinery's.
    own_cpu: Duration,
    /// CPU time of the zygote and of the ended tasks' supervisors, summed as reported.
    machinery: Duration,
    last_sample: Option<Instant>,
    cpu_ema: Option<f64>,
    /// `/proc/pressure` when the kernel has PSI.
    psi_dir: Option<PathBuf>,
    cpu_closed: bool,
    cpu_pressure_closed: bool,
    mem_closed: bool,
    mem_pressure_closed: bool,
    /// Logical cores: the CPU percent is a share of all of them.
    cpus: u32,
}

impl Default for ResourceMonitor {
    fn default() -> Self {
        Self::new()
    }
}

impl ResourceMonitor {
    /// Takes the first CPU reading now, so the first [`sample`](Self::sample) at least
    /// [`MINIMUM_CPU_UPDATE_INTERVAL`] later has a real value.
    pub fn new() -> Self {
        let mut system = System::new().ok();
        let mut last_cpu_refresh = None;
        if let Some(system) = system.as_mut() {
            system.refresh_cpu_usage();
            last_cpu_refresh = Some(Instant::now());
        }
        let psi = Path::new("/proc/pressure");
        ResourceMonitor {
            system,
            last_cpu_refresh,
            own_cpu: crate::process::own_cpu_time(),
            machinery: Duration::ZERO,
            last_sample: None,
            cpu_ema: None,
            psi_dir: psi.is_dir().then(|| psi.to_path_buf()),
            cpu_closed: false,
            cpu_pressure_closed: false,
            mem_closed: false,
            mem_pressure_closed: false,
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get() as u32),
        }
    }

    /// When the next sample is worth taking (the worker sleeps until then while gated).
    pub fn next_sample_due(&self) -> Instant {
        // While a first reading is being taken, the earliest moment it can exist.
        let interval = if self.cpu_ema.is_none() && self.system.is_some() {
            MINIMUM_CPU_UPDATE_INTERVAL
        } else {
            SAMPLE_INTERVAL.max(MINIMUM_CPU_UPDATE_INTERVAL)
        };
        // The CPU refresh paces sampling; without sysinfo, the last sample does (PSI alone can
        // still close a gate, and "now" forever would spin the worker).
        match self.last_cpu_refresh.or(self.last_sample) {
            Some(last) => last + interval,
            None => Instant::now(),
        }
    }

    /// The zygote or an ended task's supervisor spent `cpu` of smart-agents' own: like the
    /// worker's, it is left out of the CPU reading, so a burst of short tasks is not held back
    /// by what starting them cost.
    pub fn count_machinery(&mut self, cpu: Duration) {
        self.machinery += cpu;
    }

    /// Read CPU, memory and pressure and update the gates. Cheap (a few /proc reads); a call
    /// sooner than [`MINIMUM_CPU_UPDATE_INTERVAL`] after the last keeps the previous CPU value.
    pub fn sample(&mut self, now: Instant, limits: &Limits) -> Readings {
        let mut readings = Readings::default();
        self.last_sample = Some(now);
        // Ours: the worker's CPU time and its machinery's (read only when an interval ends).
        let machinery = self.machinery;
        let ours = || crate::process::own_cpu_time() + machinery;
        if let Some(system) = self.system.as_mut() {
            let due = self
                .last_cpu_refresh
                .is_none_or(|last| now.saturating_duration_since(last) >= MINIMUM_CPU_UPDATE_INTERVAL);
            // After a quiet spell the counters span it all: recent load would be averaged
            // away. Start a fresh interval instead and decide on that.
            let stale =
                self.last_cpu_refresh.is_some_and(|last| now.saturating_duration_since(last) > STALE_AFTER);
            if stale {
                system.refresh_cpu_usage();
                self.cpu_ema = None;
                self.last_cpu_refresh = Some(now);
                self.own_cpu = ours();
            } else if due {
                system.refresh_cpu_usage();
                let own = ours();
                // The first refresh only primes sysinfo's counters; it has no value yet.
                if let Some(last) = self.last_cpu_refresh {
                    let dt = now.saturating_duration_since(last);
                    let busy = f64::from(system.global_cpu_usage())
                        - own_share(own.saturating_sub(self.own_cpu), dt, self.cpus);
                    self.cpu_ema = Some(ema(self.cpu_ema, busy.clamp(0.0, 100.0), dt, CPU_SMOOTHING));
                }
                self.last_cpu_refresh = Some(now);
                self.own_cpu = own;
            }
            system.refresh_memory();
            let cgroup = system.cgroup_limits().map(|cg| (cg.total_memory, cg.rss));
            if let Some((percent, total)) =
                memory_in_use(system.total_memory(), system.available_memory(), cgroup)
            {
                readings.mem_percent = Some(percent);
                readings.mem_total_bytes = total;
            }
        }
        // Until a measured interval exists (the first 200 ms after start or a quiet spell),
        // what runs right now stands in, so a start need not wait for the interval.
        if self.system.is_some() {
            readings.cpu_percent = self
                .cpu_ema
                .or_else(|| running_percent(&std::fs::read_to_string("/proc/stat").ok()?, self.cpus));
        }
        readings.cpus = self.cpus;
        if let Some(dir) = &self.psi_dir {
            readings.cpu_pressure = read_psi(&dir.join("cpu"));
            readings.mem_pressure = read_psi(&dir.join("memory"));
        }
        self.update_gates(&mut readings, limits);
        readings
    }

    fn update_gates(&mut self, r: &mut Readings, limits: &Limits) {
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
        // sysinfo works but has no fresh value yet: measure before letting a task start.
        if cpu_on && self.system.is_some() && r.cpu_percent.is_none() && r.cpu_gate == Gate::Open {
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

fn read_psi(path: &Path) -> Option<f64> {
    // Unreadable (no PSI, or disabled with psi=0): unknown, which never blocks.
    std::fs::read_to_string(path).ok().as_deref().and_then(parse_psi_some_avg10)
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
