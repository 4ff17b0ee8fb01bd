//! The resource side of admission: may one more task start, given the readings, what the
//! running tasks still reserve, and the candidate's own footprint? Pure, like `decide`.
//!
//! Rules, in order (the first that holds is the reason):
//! 1. A gate the monitor closed (usage or pressure at or over its threshold, inside the
//!    hysteresis band, or no reading yet) holds every start. Exception: with nothing running,
//!    a reading under the threshold lets the first task in order start whatever its size, so an
//!    unknown or oversized task never waits forever on an idle machine.
//! 2. Slow start: while a task of unknown memory footprint is watched, another passes the
//!    memory gate only when the room left holds what each watched task, and the candidate if
//!    it is unknown too, could use (the largest footprint learned or any agent's default). So
//!    small tasks start at once on a machine with memory to spare, and a burst of unknown ones
//!    starts one by one only where room is tight. Its kind's memory seen on a running attempt
//!    does not end the watch: the next one reserves what was seen, and is watched in turn,
//!    until an attempt of the kind ends.
//! 3. CPU: busy percent now + (reserved cores + the candidate's cores) / cores must stay within
//!    the threshold.
//! 4. Memory: in use now − what ended tasks freed that the reading does not show yet (see
//!    [`super::freeing`]) + (reserved bytes + the candidate's footprint) / total must stay
//!    within the threshold.
//!
//! A threshold of 100 disables its gate, pressure, slow start and projection included.

use super::reason::WaitReason;
use super::snapshot::{Gate, Pending, Readings};
use crate::config::ResourceLimits;

/// What the round has reserved so far: the running tasks' reservations plus this round's starts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reserved {
    pub mem_bytes: u64,
    /// Freed by ended tasks, not shown by the reading yet.
    pub freeing_bytes: u64,
    pub cores: f64,
    /// Tasks of unknown (or only seen) memory footprint being watched.
    pub watching: u32,
    /// What a watched task could use (see [`super::snapshot::Running::watch_bytes`]).
    pub watch_bytes: u64,
    /// Nothing runs and nothing started this round.
    pub idle: bool,
}

impl Reserved {
    pub fn add(&mut self, task: &Pending<'_>) {
        self.mem_bytes = self.mem_bytes.saturating_add(task.mem_bytes);
        self.cores += task.cpus.max(0.0);
        if super::footprint::watch_start(task.mem_bytes, task.seen_running) {
            self.watching += 1;
        }
        self.idle = false;
    }
}

/// True when a threshold is in force; 100 (or more) disables a gate.
pub fn enforced(threshold: f64) -> bool {
    threshold < 100.0
}

/// Why `task` may not start now, or `None` when it may.
pub fn block<'a>(
    task: &Pending<'_>,
    reserved: &Reserved,
    readings: &Readings,
    limits: &ResourceLimits,
) -> Option<WaitReason<'a>> {
    let cpu_on = enforced(limits.cpu_threshold);
    let mem_on = enforced(limits.memory_threshold);
    let holds = |gate: &Gate| if reserved.idle { gate.is_over() } else { gate.is_closed() };
    if cpu_on && holds(&readings.cpu_gate) {
        return Some(cpu_gate_reason(readings.cpu_gate));
    }
    if mem_on && readings.mem_gate != Gate::Measuring && holds(&readings.mem_gate) {
        return Some(mem_gate_reason(readings.mem_gate));
    }
    if reserved.idle {
        return None;
    }
    if mem_on
        && reserved.watching > 0
        && let Some(percent) = readings.mem_percent
        && watch_is_tight(task, reserved, readings, percent, limits.memory_threshold)
    {
        return Some(WaitReason::SlowStart);
    }
    if cpu_on
        && let Some(percent) = readings.cpu_percent
        && readings.cpus > 0
    {
        let cores = reserved.cores + task.cpus.max(0.0);
        if percent + cores / f64::from(readings.cpus) * 100.0 > limits.cpu_threshold {
            return Some(WaitReason::CpuExpected { percent, cores, threshold: limits.cpu_threshold });
        }
    }
    if mem_on
        && let Some(percent) = readings.mem_percent
        && readings.mem_total_bytes > 0
    {
        let bytes = reserved.mem_bytes.saturating_add(task.mem_bytes);
        let (shown, expected, freeing) = memory_outlook(percent, reserved, bytes, readings.mem_total_bytes);
        if shown + expected > limits.memory_threshold {
            return Some(WaitReason::MemoryExpected {
                percent: shown,
                expected,
                freeing,
                threshold: limits.memory_threshold,
            });
        }
    }
    None
}

/// True when the room left could not hold what each watched task, and the candidate, might
/// still use. With nothing known of what an unknown task uses, the room is always tight.
fn watch_is_tight(
    task: &Pending<'_>,
    reserved: &Reserved,
    readings: &Readings,
    percent: f64,
    threshold: f64,
) -> bool {
    let (guess, total) = (reserved.watch_bytes, readings.mem_total_bytes);
    if guess == 0 || total == 0 {
        return true;
    }
    let candidate = if super::footprint::watch_start(task.mem_bytes, task.seen_running) {
        guess.max(task.mem_bytes)
    } else {
        task.mem_bytes
    };
    let could_use = reserved
        .mem_bytes
        .saturating_add(guess.saturating_mul(u64::from(reserved.watching)))
        .saturating_add(candidate);
    let (shown, expected, _) = memory_outlook(percent, reserved, could_use, total);
    shown + expected > threshold
}

/// Memory as the gate weighs it, in percent of `total`: in use now less what ended tasks
/// freed that the reading does not show yet, what `bytes` more would add, and that credit.
fn memory_outlook(percent: f64, reserved: &Reserved, bytes: u64, total: u64) -> (f64, f64, f64) {
    let total = total as f64;
    let freeing = (reserved.freeing_bytes as f64 / total * 100.0).min(percent);
    (percent - freeing, bytes as f64 / total * 100.0, freeing)
}

fn cpu_gate_reason(gate: Gate) -> WaitReason<'static> {
    match gate {
        Gate::Usage { percent, limit } => WaitReason::Cpu { percent, threshold: limit },
        Gate::Pressure { avg10, limit } => WaitReason::CpuPressure { avg10, threshold: limit },
        Gate::Measuring | Gate::Open => WaitReason::CpuMeasuring,
    }
}

fn mem_gate_reason(gate: Gate) -> WaitReason<'static> {
    match gate {
        Gate::Pressure { avg10, limit } => WaitReason::MemoryPressure { avg10, threshold: limit },
        Gate::Usage { percent, limit } => WaitReason::Memory { percent, threshold: limit },
        // Memory is read at once; never held for a measurement.
        Gate::Measuring | Gate::Open => WaitReason::Memory { percent: 0.0, threshold: 0.0 },
    }
}
