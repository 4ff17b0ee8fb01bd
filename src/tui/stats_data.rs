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
    /// Today's spend per account and any usage-limit hold (empty: nothing spent or held).
    pub limits: String,
    /// One line per schedule: spec, next firing, last run, missed windows, paused.
    pub schedules: Vec<String>,
}

/// Read the last week from the database (`None` store: nothing submitted yet).
pub fn load(paths: &Paths, now: i64) -> crate::error::Result<StatsData> {
    let since = now - DAYS as i64 * 86_400_000;
    let (rows, limits, schedules) = match Store::open_for_reading(&paths.database)? {
        Some(store) => {
            (stats::load(&store, Some(since))?, limits_line(&store, now), schedule_lines(&store, now))
        }
        None => (Vec::new(), String::new(), Vec::new()),
    };
    Ok(StatsData { limits, schedules, ..compute(&rows, since, now) })
}

/// `nightly  cron 0 2 * * *  next 02:00  last k2hqjf completed  missed 0`. A database from
/// before schedules reads as none.
fn schedule_lines(store: &Store, now: i64) -> Vec<String> {
    let views = crate::client::schedule_view::list(Some(store)).unwrap_or_default();
    views
        .iter()
        .map(|v| {
            let next = v.next.as_deref().and_then(|n| chrono::DateTime::parse_from_rfc3339(n).ok());
            let next = match (v.paused, next) {
                (true, _) => "paused".to_string(),
                (false, Some(t)) => {
                    format!("next {}", crate::scheduler::reason::local_time(t.timestamp_millis(), now))
                }
                (false, None) => "no next window".to_string(),
            };
            let last =
                v.last_run.as_ref().map_or("never ran".to_string(), |r| format!("last {} {}", r.id, r.state));
            format!("{}  {}  {next}  {last}  missed {}", v.name, v.spec, v.missed)
        })
        .collect()
}

/// `today: ACCOUNT $1.20, OTHER $0.00 · held: ACCOUNT until 15:00`. A database from before the
/// usage-limit tables reads as nothing spent, nothing held.
fn limits_line(store: &Store, now: i64) -> String {
    use chrono::{Local, TimeZone};
    let day = Local
        .timestamp_millis_opt(now)
        .single()
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let mut spend = store.spend_on(&day).unwrap_or_default();
    spend.sort_by(|a, b| a.0.cmp(&b.0));
    let mut parts = Vec::new();
    if !spend.is_empty() {
        let each: Vec<String> =
            spend.iter().map(|(a, usd)| format!("{a} {}", crate::scheduler::reason::usd(*usd))).collect();
        parts.push(format!("today: {}", each.join(", ")));
    }
    let holds = store.holds().unwrap_or_default();
    if !holds.is_empty() {
        let each: Vec<String> = holds
            .iter()
            .map(|(a, h)| match h.until > now {
                true => format!("{a} until {}", crate::scheduler::reason::local_time(h.until, now)),
                false => format!("{a} on trial"),
            })
            .collect();
        parts.push(format!("held: {}", each.join(", ")));
    }
    parts.join(" · ")
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
    StatsData {
        per_hour: stats::finished_per_hour(rows, now, HOURS),
        cost_per_day,
        per_agent,
        summary,
        limits: String::new(),
        schedules: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::holds::AccountHold;

    #[test]
    fn the_limits_line_shows_todays_spend_and_holds() {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open_for_worker(&dir.path().join("db.sqlite")).expect("store");
        let now = crate::store::now_ms();
        assert_eq!(limits_line(&store, now), "", "nothing spent, nothing held");
        let day = chrono::Local::now().format("%Y-%m-%d").to_string();
        store.add_spend(&day, "quill", 0.5).expect("spend");
        store.add_spend(&day, "orchid", 1.0).expect("spend");
        store.add_spend(&day, "orchid", 0.25).expect("spend");
        store.add_spend("2000-01-01", "orchid", 9.0).expect("spend");
        let hold = AccountHold {
            message: "429".into(),
            until: now + 3_600_000,
            backoff_ms: None,
            trial: None,
            since: now,
        };
        store.save_hold("orchid", &hold).expect("hold");
        let line = limits_line(&store, now);
        assert!(line.starts_with("today: orchid $1.25, quill $0.50 · held: orchid until "), "{line}");
    }
}
