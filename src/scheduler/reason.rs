//! Why a pending task is not running yet, in words a person understands. The texts are a
//! contract (`status`, `list` and the live view show them verbatim).

use chrono::{Local, TimeZone};
use std::fmt;
use std::time::Duration;

/// Why one pending task waits. Borrowed from the pending rows, so a round allocates no strings.
///
/// When several apply, the first in this order is reported (a person fixes the first cause
/// first, and the later ones may vanish by the time it is gone):
/// paused > dependencies > scheduled/backoff > agent > class full > global cap > cpu > memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WaitReason<'a> {
    /// The worker is paused: `paused`.
    Paused,
    /// A task it runs after has not completed: `dependencies: waiting for ab12`.
    Dependencies(&'a str),
    /// `--at` / `--delay`, unix ms: `scheduled: starts 14:05` (date added when not today).
    Scheduled(i64),
    /// Retry backoff before attempt `attempt`: `backoff: retry 2 in 8s`.
    Backoff { attempt: u32, at: i64 },
    /// The class cap is reached: `class e2e full (1/1)`.
    ClassFull { class: &'a str, running: u32, cap: u32 },
    /// `max_concurrent_tasks` is reached: `global cap (5/5)`.
    GlobalCap { running: u32, cap: u32 },
    /// The agent's circuit is open after failures: `agent reviewer unavailable until 14:05 (5 failures)`.
    AgentResting { agent: &'a str, until: i64, failures: u32 },
    /// The agent's one trial task runs: `agent reviewer on trial after 5 failures`.
    AgentTrial { agent: &'a str, failures: u32 },
    /// The agent runs its `max_concurrency`: `agent reviewer busy (2/2)`.
    AgentBusy { agent: &'a str, running: u32, cap: u32 },
    /// The account hit a usage limit: `ACCOUNT usage limit: resumes 15:00`.
    AccountLimit { account: &'a str, until: i64 },
    /// The limit is over and one trial task runs: `ACCOUNT usage limit: a trial task runs first`.
    AccountTrial { account: &'a str },
    /// Today's spend reached the daily budget:
    /// `ACCOUNT daily budget $5.00 reached (spent $5.12 today)`.
    AccountBudget { account: &'a str, spent: f64, budget: f64, overall: bool },
    /// CPU gate: `cpu 92% >= 70%` over the configured threshold; inside the hysteresis band
    /// `cpu 67%, reopens below 65% (threshold 70%)`.
    Cpu { percent: f64, threshold: f64 },
    /// The CPU reading plus the cores of recent starts and this task would pass the
    /// threshold: `cpu 55% + 1 core expected > 70%`.
    CpuExpected { percent: f64, cores: f64, threshold: f64 },
    /// CPU pressure (Linux PSI `some avg10`) closed the CPU gate: `cpu pressure 75% >= 70%`.
    CpuPressure { avg10: f64, threshold: f64 },
    /// No fresh CPU reading yet; one arrives within ~200 ms: `cpu: measuring`.
    CpuMeasuring,
    /// Memory gate: `memory 88% >= 85%` (band text as for CPU).
    Memory { percent: f64, threshold: f64 },
    /// Memory in use plus what running tasks and this one are still expected to add would
    /// pass the threshold: `memory 21% + 9% expected > 23%`. `percent` already leaves out
    /// what ended tasks freed that the reading still counts, named when 1% or more:
    /// `memory 21% + 9% expected > 23% (6% freed, not shown yet)`.
    MemoryExpected { percent: f64, expected: f64, freeing: f64, threshold: f64 },
    /// A task of unknown footprint started moments ago and is watched while it climbs:
    /// `memory: slow start, watching a task of unknown size`.
    SlowStart,
    /// Memory pressure (Linux PSI `some avg10`) closed the memory gate:
    /// `memory pressure 12% >= 10%`.
    MemoryPressure { avg10: f64, threshold: f64 },
}

impl WaitReason<'_> {
    /// True for the resource gates: the task would start if CPU/memory allowed.
    pub fn is_gate(&self) -> bool {
        matches!(
            self,
            WaitReason::Cpu { .. }
                | WaitReason::CpuPressure { .. }
                | WaitReason::CpuMeasuring
                | WaitReason::CpuExpected { .. }
                | WaitReason::Memory { .. }
                | WaitReason::MemoryExpected { .. }
                | WaitReason::MemoryPressure { .. }
                | WaitReason::SlowStart
        )
    }

    /// The text as of `now_ms` (Scheduled and Backoff depend on the clock).
    pub fn render(&self, now_ms: i64) -> String {
        self.at(now_ms).to_string()
    }

    /// Displayable as of `now_ms`, without allocating.
    pub fn at(&self, now_ms: i64) -> Rendered<'_, '_> {
        Rendered { reason: self, now_ms }
    }
}

impl WaitReason<'_> {
    /// A fingerprint of the text [`WaitReason::at`] renders at `now_ms`, without formatting:
    /// equal keys mean equal texts, so a round re-renders only the reasons that changed.
    pub fn key(&self, now_ms: i64) -> u64 {
        let mut h = Fnv::default();
        let pct = |v: f64| v.floor() as i64;
        // Gate texts differ over the threshold and inside the hysteresis band.
        let gate = |v: f64, t: f64| v.floor() as i64 * 2 + i64::from(v >= t);
        let exact = |v: f64| (v * 10.0).round() as i64;
        match *self {
            WaitReason::Paused => h.num(1),
            WaitReason::Dependencies(id) => h.num(2).text(id),
            // The text says the time, and the date when it is not today: re-check hourly.
            WaitReason::Scheduled(at) => h.num(3).num(at / 60_000).num(now_ms / 3_600_000),
            WaitReason::Backoff { attempt, at } => {
                h.num(4).num(attempt.into()).num((at - now_ms + 999) / 1000)
            }
            WaitReason::ClassFull { class, running, cap } => {
                h.num(5).text(class).num(running.into()).num(cap.into())
            }
            WaitReason::GlobalCap { running, cap } => h.num(6).num(running.into()).num(cap.into()),
            WaitReason::Cpu { percent, threshold } => {
                h.num(7).num(gate(percent, threshold)).num(exact(threshold))
            }
            WaitReason::CpuPressure { avg10, threshold } => {
                h.num(8).num(gate(avg10, threshold)).num(exact(threshold))
            }
            WaitReason::Memory { percent, threshold } => {
                h.num(9).num(gate(percent, threshold)).num(exact(threshold))
            }
            WaitReason::MemoryPressure { avg10, threshold } => {
                h.num(10).num(gate(avg10, threshold)).num(exact(threshold))
            }
            WaitReason::CpuMeasuring => h.num(11),
            WaitReason::SlowStart => h.num(12),
            WaitReason::CpuExpected { percent, cores, threshold } => {
                h.num(13).num(pct(percent)).num(exact(cores)).num(exact(threshold))
            }
            WaitReason::MemoryExpected { percent, expected, freeing, threshold } => h
                .num(14)
                .num(pct(percent))
                .num(expected.ceil() as i64)
                .num(freed_shown(freeing).unwrap_or(0.0) as i64)
                .num(exact(threshold)),
            WaitReason::AgentBusy { agent, running, cap } => {
                h.num(15).text(agent).num(running.into()).num(cap.into())
            }
            WaitReason::AgentTrial { agent, failures } => h.num(16).text(agent).num(failures.into()),
            WaitReason::AccountLimit { account, until } => {
                h.num(18).text(account).num(until / 60_000).num(now_ms / 3_600_000)
            }
            WaitReason::AccountTrial { account } => h.num(19).text(account),
            WaitReason::AccountBudget { account, spent, budget, overall } => h
                .num(20)
                .text(account)
                .num((spent * 100.0) as i64)
                .num((budget * 100.0) as i64)
                .num(overall.into()),
            WaitReason::AgentResting { agent, until, failures } => {
                h.num(17).text(agent).num(until / 60_000).num(failures.into()).num(now_ms / 3_600_000)
            }
        };
        h.0
    }
}

/// FNV-1a: tiny and fast for a handful of fields.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) -> &mut Fnv {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
        self
    }
    fn num(&mut self, n: i64) -> &mut Fnv {
        self.bytes(&n.to_le_bytes())
    }
    fn text(&mut self, s: &str) -> &mut Fnv {
        self.num(s.len() as i64).bytes(s.as_bytes())
    }
}

/// Uses the system clock; prefer [`WaitReason::render`] where `now` is already known.
impl fmt::Display for WaitReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.at(chrono::Utc::now().timestamp_millis()).fmt(f)
    }
}

pub struct Rendered<'r, 'a> {
    reason: &'r WaitReason<'a>,
    now_ms: i64,
}

impl fmt::Display for Rendered<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self.reason {
            WaitReason::Paused => f.write_str("paused"),
            WaitReason::Dependencies(id) => write!(f, "dependencies: waiting for {id}"),
            WaitReason::Scheduled(at) => {
                f.write_str("scheduled: starts ")?;
                write_local_time(f, at, self.now_ms)
            }
            WaitReason::Backoff { attempt, at } => {
                // Whole seconds, rounded up, so "in 0s" only shows once it is due.
                let secs = (at.saturating_sub(self.now_ms).max(0) as u64).div_ceil(1_000);
                let left = crate::duration::format(Duration::from_secs(secs));
                let left = if secs == 0 { "0s".to_string() } else { left };
                write!(f, "backoff: retry {attempt} in {left}")
            }
            WaitReason::ClassFull { class, running, cap } => {
                write!(f, "class {class} full ({running}/{cap})")
            }
            WaitReason::GlobalCap { running, cap } => write!(f, "global cap ({running}/{cap})"),
            WaitReason::Cpu { percent, threshold } => write_gate(f, "cpu", percent, threshold),
            WaitReason::CpuExpected { percent, cores, threshold } => {
                let cores = (cores * 10.0).round() / 10.0;
                let unit = if cores == 1.0 { "core" } else { "cores" };
                write!(f, "cpu {} + {cores} {unit} expected > {}", Pct::floor(percent), Pct::exact(threshold))
            }
            WaitReason::CpuPressure { avg10, threshold } => write_gate(f, "cpu pressure", avg10, threshold),
            WaitReason::CpuMeasuring => write!(f, "cpu: measuring"),
            WaitReason::Memory { percent, threshold } => write_gate(f, "memory", percent, threshold),
            WaitReason::MemoryExpected { percent, expected, freeing, threshold } => {
                write!(
                    f,
                    "memory {} + {}% expected > {}",
                    Pct::floor(percent),
                    expected.ceil(),
                    Pct::exact(threshold)
                )?;
                if let Some(freed) = freed_shown(freeing) {
                    write!(f, " ({freed}% freed, not shown yet)")?;
                }
                Ok(())
            }
            WaitReason::SlowStart => f.write_str("memory: slow start, watching a task of unknown size"),
            WaitReason::AgentBusy { agent, running, cap } => {
                write!(f, "agent {agent} busy ({running}/{cap})")
            }
            WaitReason::AgentTrial { agent, failures } => {
                write!(f, "agent {agent} on trial after {failures} failures")
            }
            WaitReason::AgentResting { agent, until, failures } => {
                write!(f, "agent {agent} unavailable until ")?;
                write_local_time(f, until, self.now_ms)?;
                write!(f, " ({failures} failures)")
            }
            WaitReason::MemoryPressure { avg10, threshold } => {
                write_gate(f, "memory pressure", avg10, threshold)
            }
            WaitReason::AccountLimit { account, until } => {
                write!(f, "{account} usage limit: resumes ")?;
                write_local_time(f, until, self.now_ms)
            }
            WaitReason::AccountTrial { account } => {
                write!(f, "{account} usage limit: a trial task runs first")
            }
            WaitReason::AccountBudget { account, spent, budget, overall } => {
                let whose =
                    if overall { "daily budget".to_string() } else { format!("{account} daily budget") };
                write!(f, "{whose} {} reached (spent {} today)", usd(budget), usd(spent))
            }
        }
    }
}

/// `cpu 92% >= 70%` at or over the threshold; inside the hysteresis band, where the gate is
/// still closed below it, `cpu 67%, reopens below 65% (threshold 70%)`.
fn write_gate(f: &mut fmt::Formatter<'_>, what: &str, percent: f64, threshold: f64) -> fmt::Result {
    if percent >= threshold {
        write!(f, "{what} {} >= {}", Pct::floor(percent), Pct::exact(threshold))
    } else {
        let reopen = super::hysteresis::reopen_level(threshold);
        write!(
            f,
            "{what} {}, reopens below {} (threshold {})",
            Pct::floor(percent),
            Pct::exact(reopen),
            Pct::exact(threshold)
        )
    }
}

/// `14:05` when `at` is today (local time), else `2025-03-05 14:05`.
fn write_local_time(f: &mut fmt::Formatter<'_>, at: i64, now_ms: i64) -> fmt::Result {
    let (Some(at_local), Some(now_local)) =
        (Local.timestamp_millis_opt(at).single(), Local.timestamp_millis_opt(now_ms).single())
    else {
        // Out of chrono's range: only a corrupt row gets here; still say something true.
        return write!(f, "at unix ms {at}");
    };
    if at_local.date_naive() == now_local.date_naive() {
        write!(f, "{}", at_local.format("%H:%M"))
    } else {
        write!(f, "{}", at_local.format("%Y-%m-%d %H:%M"))
    }
}

/// The freed share a memory reason names, in whole points: rounded (a credit of 18 points read
/// back through bytes is 17.99…), and left out under one. The fingerprint uses it too, so the
/// text is rewritten exactly when this changes.
fn freed_shown(freeing: f64) -> Option<f64> {
    (freeing >= 1.0).then(|| freeing.round())
}

/// A percentage for people. Readings are floored, so "92%" never claims more than was measured
/// and `floor(reading) >= threshold` holds whenever the gate closed on a whole threshold.
struct Pct {
    value: f64,
    floor: bool,
}

impl Pct {
    fn floor(value: f64) -> Pct {
        Pct { value, floor: true }
    }
    fn exact(value: f64) -> Pct {
        Pct { value, floor: false }
    }
}

impl fmt::Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.floor {
            write!(f, "{}%", self.value.floor())
        } else if self.value.fract() == 0.0 {
            write!(f, "{}%", self.value)
        } else {
            write!(f, "{:.1}%", self.value)
        }
    }
}

/// `14:05` when `at` is today (local time), else `2025-03-05 14:05`: for other messages that
/// name a time the same way.
pub fn local_time(at: i64, now_ms: i64) -> String {
    struct Time(i64, i64);
    impl fmt::Display for Time {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_local_time(f, self.0, self.1)
        }
    }
    Time(at, now_ms).to_string()
}

/// Dollars for people: cents, or four places below a cent (`$0.0042`).
pub fn usd(v: f64) -> String {
    if v.abs() < 0.01 && v != 0.0 { format!("${v:.4}") } else { format!("${v:.2}") }
}
