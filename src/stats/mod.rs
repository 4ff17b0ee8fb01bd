//! What happened, summed up: counts by state, success rate, wait and run time percentiles,
//! tokens and cost (`smart-agents stats`, the dashboard's stats pane), and the Prometheus
//! metrics (`metrics`).

pub mod metrics;
pub mod tally;

use crate::error::Result;
use crate::model::TaskState;
use crate::store::Store;
use chrono::{Local, TimeZone};
use serde::Serialize;
use std::collections::BTreeMap;

/// How `stats --by` splits the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Agent,
    Class,
    /// Local day the task ended (pending and running tasks: the day they were queued).
    Day,
    /// Where it ran (`local` unless another executor ran it).
    Executor,
}

/// The columns of one task that stats need.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub agent: String,
    pub class: Option<String>,
    pub state: TaskState,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub tokens: Option<u64>,
    pub cost_usd: Option<f64>,
    pub executor: String,
}

/// Tasks that ended at or after `since` (all when `None`), and every pending and running one.
pub fn load(store: &Store, since: Option<i64>) -> Result<Vec<TaskRow>> {
    store.stats_rows(since, task_row)
}

fn task_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TaskRow> {
    let state: String = r.get(2)?;
    Ok(TaskRow {
        agent: r.get(0)?,
        class: r.get(1)?,
        // Only the worker writes states, from the same enum.
        state: state.parse().unwrap_or(TaskState::Failed),
        created_at: r.get(3)?,
        started_at: r.get(4)?,
        finished_at: r.get(5)?,
        tokens: r.get::<_, Option<i64>>(6)?.map(|v| v.max(0) as u64),
        cost_usd: r.get(7)?,
        executor: r.get(8)?,
    })
}

/// p50, p95 and max of a set of durations, ms.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Spread {
    pub p50: Option<u64>,
    pub p95: Option<u64>,
    pub max: Option<u64>,
}

impl Spread {
    fn of(mut values: Vec<u64>) -> Spread {
        values.sort_unstable();
        // Nearest rank: the smallest value with at least p% of the values at or below it.
        let rank = |p: f64| {
            let i = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
            values[i - 1]
        };
        if values.is_empty() {
            return Spread::default();
        }
        Spread { p50: Some(rank(0.50)), p95: Some(rank(0.95)), max: values.last().copied() }
    }
}

/// One line of `stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    pub tasks: u64,
    /// Tasks per state, every state present.
    pub counts: BTreeMap<String, u64>,
    /// completed / (completed + failed); cancelled tasks were the user's choice, not a failure.
    pub success_rate: Option<f64>,
    /// Queued to started, of tasks that started.
    pub wait_ms: Spread,
    /// Started to ended, of tasks that ended.
    pub run_ms: Spread,
    pub tokens: u64,
    pub cost_usd: f64,
}

impl Group {
    fn of(key: String, rows: &[&TaskRow]) -> Group {
        let mut by_state = [0u64; TaskState::ALL.len()];
        for r in rows {
            by_state[TaskState::ALL.iter().position(|s| *s == r.state).unwrap_or(0)] += 1;
        }
        let counts: BTreeMap<String, u64> =
            TaskState::ALL.iter().zip(by_state).map(|(s, n)| (s.to_string(), n)).collect();
        let (ok, failed) = (counts["completed"], counts["failed"]);
        let waits = rows.iter().filter_map(|r| Some((r.started_at? - r.created_at).max(0) as u64)).collect();
        let runs = rows.iter().filter_map(|r| Some((r.finished_at? - r.started_at?).max(0) as u64)).collect();
        Group {
            key,
            tasks: rows.len() as u64,
            counts,
            success_rate: (ok + failed > 0).then(|| ok as f64 / (ok + failed) as f64),
            wait_ms: Spread::of(waits),
            run_ms: Spread::of(runs),
            tokens: rows.iter().filter_map(|r| r.tokens).sum(),
            // An empty f64 sum is -0.0, which would print as "$-0.00".
            cost_usd: rows.iter().filter_map(|r| r.cost_usd).sum::<f64>() + 0.0,
        }
    }
}

/// `stats --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// RFC 3339; absent for all history.
    pub since: Option<String>,
    pub by: Option<GroupBy>,
    pub total: Group,
    pub groups: Vec<Group>,
}

/// The local day of a unix ms time, `2026-12-02`.
pub fn local_day(ms: i64) -> String {
    Local.timestamp_millis_opt(ms).single().map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn key(row: &TaskRow, by: GroupBy) -> String {
    match by {
        GroupBy::Agent => row.agent.clone(),
        GroupBy::Class => row.class.clone().unwrap_or_else(|| "-".into()),
        GroupBy::Day => local_day(row.finished_at.unwrap_or(row.created_at)),
        GroupBy::Executor => row.executor.clone(),
    }
}

pub fn report(rows: &[TaskRow], since: Option<i64>, by: Option<GroupBy>) -> Report {
    let all: Vec<&TaskRow> = rows.iter().collect();
    let mut groups = Vec::new();
    if let Some(by) = by {
        let mut split: BTreeMap<String, Vec<&TaskRow>> = BTreeMap::new();
        for row in rows {
            split.entry(key(row, by)).or_default().push(row);
        }
        groups = split.into_iter().map(|(k, rows)| Group::of(k, &rows)).collect();
    }
    Report { since: since.map(crate::store::rfc3339), by, total: Group::of("total".into(), &all), groups }
}

/// Tasks that ended in each of the last `n` hours, oldest first (the dashboard's sparkline).
pub fn finished_per_hour(rows: &[TaskRow], now: i64, n: usize) -> Vec<u64> {
    let mut out = vec![0; n];
    for at in rows.iter().filter_map(|r| r.finished_at) {
        let ago = ((now - at).max(0) / 3_600_000) as usize;
        if ago < n {
            out[n - 1 - ago] += 1;
        }
    }
    out
}

/// Cost of the tasks that ended on each of the last `n` local days, oldest first.
pub fn cost_per_day(rows: &[TaskRow], now: i64, n: usize) -> Vec<(String, f64)> {
    let days: Vec<String> = (0..n).rev().map(|d| local_day(now - d as i64 * 86_400_000)).collect();
    let mut out: Vec<(String, f64)> = days.into_iter().map(|d| (d, 0.0)).collect();
    for r in rows {
        if let (Some(at), Some(cost)) = (r.finished_at, r.cost_usd) {
            let day = local_day(at);
            if let Some(slot) = out.iter_mut().find(|(d, _)| *d == day) {
                slot.1 += cost;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        agent: &str,
        state: TaskState,
        created: i64,
        started: Option<i64>,
        finished: Option<i64>,
    ) -> TaskRow {
        TaskRow {
            agent: agent.into(),
            class: None,
            state,
            created_at: created,
            started_at: started,
            finished_at: finished,
            tokens: Some(10),
            cost_usd: Some(0.5),
            executor: "local".into(),
        }
    }

    #[test]
    fn percentiles_rates_and_groups() {
        assert_eq!(Spread::of(vec![]), Spread::default());
        let s = Spread::of((1..=100).rev().collect());
        assert_eq!((s.p50, s.p95, s.max), (Some(50), Some(95), Some(100)));
        let rows = vec![
            row("orchid", TaskState::Completed, 0, Some(1_000), Some(11_000)),
            row("orchid", TaskState::Failed, 0, Some(3_000), Some(4_000)),
            row("orchid", TaskState::Cancelled, 0, None, Some(5_000)),
            row("quill", TaskState::Pending, 0, None, None),
        ];
        let r = report(&rows, None, Some(GroupBy::Agent));
        assert_eq!(r.total.tasks, 4);
        assert_eq!(r.total.tokens, 40);
        assert_eq!(r.groups.len(), 2);
        let orchid = &r.groups[0];
        assert_eq!(orchid.success_rate, Some(0.5), "a cancel is not a failure");
        assert_eq!(orchid.counts["cancelled"], 1);
        assert_eq!(orchid.wait_ms.max, Some(3_000));
        assert_eq!(orchid.run_ms.p50, Some(1_000));
        assert_eq!(r.groups[1].success_rate, None);
        assert_eq!(finished_per_hour(&rows, 100_000, 3), vec![0, 0, 3]);
        assert_eq!(finished_per_hour(&rows, 3_600_000 + 4_000, 3), vec![0, 1, 2], "by hours ago");
    }

    #[test]
    fn ended_tasks_are_read_from_the_index_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_for_worker(&dir.path().join("t.db")).unwrap();
        let plan = store.stats_plan().unwrap();
        assert!(plan.iter().any(|p| p.contains("COVERING INDEX tasks_ended")), "{plan:?}");

        // What the index holds reads back as the task's own figures; a malformed one as none.
        let spec = crate::model::TaskSpec {
            description: "x".into(),
            agent: "quill".into(),
            priority: 5,
            ..Default::default()
        };
        for id in ["aaaaaa", "bbbbbb", "cccccc"] {
            let new = crate::store::NewTask { id, spec: &spec, created_at: 1_000, env_hash: None };
            store.insert_task(&new).unwrap();
        }
        let mut rec = store.task("aaaaaa").unwrap().unwrap();
        rec.state = TaskState::Completed;
        (rec.started_at, rec.finished_at) = (Some(2_000), Some(5_000));
        (rec.metrics.tokens_used, rec.metrics.cost_usd) = (Some(1_234), Some(0.5));
        store.save(&rec).unwrap();
        store
            .execute_raw(
                "UPDATE tasks SET state = 'failed', finished_at = 6000, metrics = '{bad' WHERE id = 'bbbbbb'",
            )
            .unwrap();
        let mut rows = load(&store, Some(4_000)).unwrap();
        rows.sort_by_key(|r| r.finished_at);
        let got: Vec<_> = rows.iter().map(|r| (r.state, r.tokens, r.cost_usd, r.executor.as_str())).collect();
        assert_eq!(
            got,
            [
                (TaskState::Pending, None, None, "local"),
                (TaskState::Completed, Some(1_234), Some(0.5), "local"),
                (TaskState::Failed, None, None, "local"),
            ]
        );
        assert_eq!(load(&store, Some(5_500)).unwrap().len(), 2, "ended before: left out; pending: in");
        assert_eq!(load(&store, None).unwrap().len(), 3);
    }
}
