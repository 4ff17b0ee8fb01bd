//! What the stats pane (key `s`) shows: tasks finished per hour, cost per day and success rate
//! per agent over the last week, read from the database off the render loop.

use crate::paths::Paths;
use crate::stats::{self, GroupBy};
use crate::store::Store;
use std::time::Duration;

/// The window the pane shows.
pub const DAYS: usize = 7;
const HOURS: usize = 24;

/// What the pane draws, computed once per load.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsData {
    /// Tasks finished in each of the last 24 hours, oldest first.
    pub per_hour: Vec<u64>,
    /// (`MM-DD`, dollars) for the last seven local days, oldest first.
    pub cost_per_day: Vec<(String, f64)>,
    /// (agent, success rate, tasks that ended).
    pub per_agent: Vec<(String, Option<f64>, u64)>,
    /// One line of totals for the week.
    pub summary: String,
}

/// Read the last week from the database (`None` store: nothing submitted yet).
pub fn load(paths: &Paths, now: i64) -> crate::error::Result<StatsData> {
    let since = now - DAYS as i64 * 86_400_000;
    let rows = match Store::open_for_reading(&paths.database)? {
        Some(store) => stats::load(&store, Some(since))?,
        None => Vec::new(),
    };
    Ok(compute(&rows, since, now))
}

pub fn compute(rows: &[stats::TaskRow], since: i64, now: i64) -> StatsData {
    let report = stats::report(rows, Some(since), Some(GroupBy::Agent));
    let per_agent = report
        .groups
        .iter()
        .map(|g| {
            let ended = g.counts.get("completed").copied().unwrap_or(0)
                + g.counts.get("failed").copied().unwrap_or(0);
            (g.key.clone(), g.success_rate, ended)
        })
        .collect();
    let t = &report.total;
    let fmt =
        |ms: Option<u64>| ms.map_or("-".into(), |ms| crate::duration::format(Duration::from_millis(ms)));
    let rate = t.success_rate.map_or("-".into(), |r| format!("{:.0}%", r * 100.0));
    let summary = format!(
        "last 7 days: {} tasks · {rate} succeeded · wait p50 {} p95 {} · run p50 {} p95 {} · {} tokens · ${:.2}",
        t.tasks,
        fmt(t.wait_ms.p50),
        fmt(t.wait_ms.p95),
        fmt(t.run_ms.p50),
        fmt(t.run_ms.p95),
        t.tokens,
        t.cost_usd
    );
    let cost_per_day = stats::cost_per_day(rows, now, DAYS)
        .into_iter()
        .map(|(day, cost)| (day.get(5..).unwrap_or(&day).to_string(), cost))
        .collect();
    StatsData { per_hour: stats::finished_per_hour(rows, now, HOURS), cost_per_day, per_agent, summary }
}
