//! Timing and formatting shared by the end-to-end benchmarks (`#[path]`-included, one copy).
#![allow(dead_code)] // each bench uses part of it

use std::time::{Duration, Instant};

/// How long `f` took (its value dropped).
pub fn time<T>(f: impl FnOnce() -> T) -> Duration {
    let t0 = Instant::now();
    let _ = f();
    t0.elapsed()
}

pub fn median_of(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut v: Vec<Duration> = (0..n).map(|_| f()).collect();
    v.sort();
    v[n / 2]
}

/// The median and the 99th percentile of `v`.
pub fn p50_p99(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[(v.len() * 99 / 100).min(v.len() - 1)])
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn kb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}
