//! The resource monitor: reads the machine (CPU through sysinfo and /proc/stat, memory, and
//! Linux pressure stall information under /proc/pressure) and hands the readings to the pure
//! gates of `scheduler::resources`. No threads and no timers of its own: the actor calls
//! [`ResourceMonitor::sample`] only while some task waits on a gate, at
//! [`ResourceMonitor::next_sample_due`], so an idle worker never wakes.

use crate::config::ResourceLimits;
use crate::scheduler::resources::{
    CPU_SMOOTHING, GateState, SAMPLE_INTERVAL, STALE_AFTER, ema, memory_in_use, own_share,
    parse_psi_some_avg10, running_percent,
};
use crate::scheduler::snapshot::Readings;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use sysinfo::{MINIMUM_CPU_UPDATE_INTERVAL, System};

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
    gates: GateState,
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
            gates: GateState::default(),
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
    pub fn sample(&mut self, now: Instant, limits: &ResourceLimits) -> Readings {
        let mut readings = Readings::default();
        self.last_sample = Some(now);
        if self.system.is_some() {
            self.refresh_cpu(now);
        }
        if let Some(system) = self.system.as_mut() {
            system.refresh_memory();
            let cgroup = system.cgroup_limits().map(|cg| (cg.total_memory, cg.rss));
            if let Some((percent, total)) =
                memory_in_use(system.total_memory(), system.available_memory(), cgroup)
            {
                readings.mem_percent = Some(percent);
                readings.mem_total_bytes = total;
            }
            // Until a measured interval exists (the first 200 ms after start or a quiet
            // spell), what runs right now stands in, so a start need not wait for the interval.
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

    /// The CPU average, once an interval of at least [`MINIMUM_CPU_UPDATE_INTERVAL`] has
    /// passed; after a quiet spell the counters span it all and recent load would be averaged
    /// away, so a fresh interval starts instead.
    fn refresh_cpu(&mut self, now: Instant) {
        let Some(system) = self.system.as_mut() else { return };
        // Ours: the worker's CPU time and its machinery's (read only when an interval ends).
        let machinery = self.machinery;
        let ours = || crate::process::own_cpu_time() + machinery;
        let since = |last: Instant| now.saturating_duration_since(last);
        let due = self.last_cpu_refresh.is_none_or(|last| since(last) >= MINIMUM_CPU_UPDATE_INTERVAL);
        let stale = self.last_cpu_refresh.is_some_and(|last| since(last) > STALE_AFTER);
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
                let dt = since(last);
                let busy = f64::from(system.global_cpu_usage())
                    - own_share(own.saturating_sub(self.own_cpu), dt, self.cpus);
                self.cpu_ema = Some(ema(self.cpu_ema, busy.clamp(0.0, 100.0), dt, CPU_SMOOTHING));
            }
            self.last_cpu_refresh = Some(now);
            self.own_cpu = own;
        }
    }

    fn update_gates(&mut self, r: &mut Readings, limits: &ResourceLimits) {
        self.gates.update(r, limits, self.system.is_some());
    }
}

fn read_psi(path: &Path) -> Option<f64> {
    // Unreadable (no PSI, or disabled with psi=0): unknown, which never blocks.
    std::fs::read_to_string(path).ok().as_deref().and_then(parse_psi_some_avg10)
}

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod tests;
