//! Gates with hysteresis: where a closed gate reopens. Shared by the monitor that closes
//! gates (resources.rs) and the reason text that tells where they reopen (reason.rs).

/// Points below the closing level at which a closed gate reopens.
pub const HYSTERESIS_POINTS: f64 = 5.0;

/// Where a gate closed at `threshold` reopens: [`HYSTERESIS_POINTS`] lower, but never more
/// than a quarter of the threshold lower, so the level stays above zero and is reachable.
pub fn reopen_level(threshold: f64) -> f64 {
    threshold - HYSTERESIS_POINTS.min(threshold.max(0.0) / 4.0)
}

/// The next state of a gate: closes at `value >= close_at`; once closed, reopens only when
/// `value < reopen_level(close_at)`. An unknown value opens it (never block blind).
pub fn hysteresis(closed: bool, value: Option<f64>, close_at: f64) -> bool {
    match value {
        None => false,
        Some(v) if closed => v >= reopen_level(close_at),
        Some(v) => v >= close_at,
    }
}
