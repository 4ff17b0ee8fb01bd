//! What the whole machine uses, read from /proc the way a user's `free` and `top` read it
//! (`#[path]`-included by the benchmarks that need it).

use std::time::{Duration, Instant};

/// (MemTotal, MemTotal - MemAvailable) in bytes.
pub fn meminfo() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let field = |name: &str| -> u64 {
        let line = text.lines().find(|l| l.starts_with(name));
        line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0) * 1024
    };
    let total = field("MemTotal:").max(1);
    (total, total.saturating_sub(field("MemAvailable:")))
}

pub fn mem_percent() -> f64 {
    let (total, used) = meminfo();
    used as f64 / total as f64 * 100.0
}

/// (all jiffies, idle jiffies) of all cores since boot.
pub fn cpu_jiffies() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let nums: Vec<u64> =
        text.lines().next().unwrap_or("").split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    let idle = nums.get(3).copied().unwrap_or(0) + nums.get(4).copied().unwrap_or(0);
    (nums.iter().sum(), idle)
}

/// Busy percent of all cores between two [`cpu_jiffies`] readings.
pub fn busy_between(a: (u64, u64), b: (u64, u64)) -> f64 {
    let total = b.0.saturating_sub(a.0);
    if total == 0 {
        return 0.0;
    }
    100.0 * (total - b.1.saturating_sub(a.1).min(total)) as f64 / total as f64
}

/// Busy percent of the whole machine over one second.
pub fn machine_busy_percent() -> f64 {
    let a = cpu_jiffies();
    std::thread::sleep(Duration::from_secs(1));
    busy_between(a, cpu_jiffies())
}

/// Wait until memory in use is back within half a point of `level` (at most `limit`). Freed
/// memory can take a while to show as available again (on this VM, pages a process gave back
/// return at tens of MB/s), and a run that starts on the last one's leftovers is not comparable.
/// Returns how long it waited.
pub fn settle(level: f64, limit: Duration) -> Duration {
    let t0 = Instant::now();
    while mem_percent() > level + 0.2 && t0.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(250));
    }
    t0.elapsed()
}
