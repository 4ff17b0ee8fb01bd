//! `smart-agents metrics` and the `[metrics] listen` endpoint: the Prometheus text format
//! (version 0.0.4). Counters and histograms count since the worker started, as Prometheus
//! expects of a process (its `rate()` handles the reset at a restart); gauges are read now.

use crate::model::{Metrics, TaskState};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Upper bounds of the wait and run time buckets, seconds.
const BUCKETS: [f64; 11] = [1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 14400.0, 86400.0];

#[derive(Debug, Clone, Default)]
struct Histogram {
    /// Observations at or below each bound (not yet cumulative).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Debug, Clone, Default)]
struct PerAgent {
    wait: Histogram,
    run: Histogram,
    tokens: u64,
    cost_usd: f64,
    finished: BTreeMap<&'static str, u64>,
}

/// What the worker counts as it goes.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    admissions: u64,
    agents: BTreeMap<String, PerAgent>,
}

impl Counters {
    pub fn on_start(&mut self, agent: &str, waited_ms: u64) {
        self.admissions += 1;
        self.agent(agent).wait.observe(waited_ms as f64 / 1000.0);
    }

    pub fn on_finish(&mut self, agent: &str, state: TaskState, metrics: &Metrics) {
        let a = self.agent(agent);
        *a.finished.entry(state.as_str()).or_default() += 1;
        if let Some(ms) = metrics.duration_ms {
            a.run.observe(ms as f64 / 1000.0);
        }
        a.tokens += metrics.tokens_used.unwrap_or(0);
        a.cost_usd += metrics.cost_usd.unwrap_or(0.0);
    }

    fn agent(&mut self, agent: &str) -> &mut PerAgent {
        self.agents.entry(agent.to_string()).or_default()
    }
}

/// The gauges read when the metrics are asked for.
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    pub tasks_by_state: Vec<(TaskState, u64)>,
    /// Pending tasks per kind of waiting reason.
    pub waiting: BTreeMap<String, u64>,
    /// (gate, reading) pairs, percent.
    pub readings: Vec<(&'static str, f64)>,
    pub uptime_seconds: u64,
    pub paused: bool,
}

/// The kind of a waiting reason text, as a label: `cpu 92% >= 70%` is `cpu`.
pub fn reason_kind(reason: &str) -> &str {
    reason.split([' ', ':']).next().unwrap_or_default()
}

/// A label value with `\`, `"` and newlines escaped.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP smart_agents_{name} {help}\n# TYPE smart_agents_{name} {kind}");
}

fn histogram(out: &mut String, name: &str, per: &[(&String, &Histogram)]) {
    for (agent, h) in per {
        let agent = label(agent);
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(h.buckets) {
            cumulative += n;
            let _ =
                writeln!(out, "smart_agents_{name}_bucket{{agent=\"{agent}\",le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "smart_agents_{name}_bucket{{agent=\"{agent}\",le=\"+Inf\"}} {}", h.count);
        let _ = writeln!(out, "smart_agents_{name}_sum{{agent=\"{agent}\"}} {}", h.sum);
        let _ = writeln!(out, "smart_agents_{name}_count{{agent=\"{agent}\"}} {}", h.count);
    }
}

/// The whole exposition, except the connection count the socket side adds.
pub fn render(counters: &Counters, gauges: &Gauges) -> String {
    let mut out = String::with_capacity(4096);
    head(&mut out, "tasks", "gauge", "Tasks in the database by state.");
    for (state, n) in &gauges.tasks_by_state {
        let _ = writeln!(out, "smart_agents_tasks{{state=\"{state}\"}} {n}");
    }
    head(&mut out, "waiting_tasks", "gauge", "Pending tasks by the kind of reason they wait.");
    for (reason, n) in &gauges.waiting {
        let _ = writeln!(out, "smart_agents_waiting_tasks{{reason=\"{}\"}} {n}", label(reason));
    }
    head(&mut out, "admissions_total", "counter", "Tasks started since the worker started.");
    let _ = writeln!(out, "smart_agents_admissions_total {}", counters.admissions);
    head(&mut out, "tasks_finished_total", "counter", "Tasks that ended, by agent and final state.");
    for (agent, a) in &counters.agents {
        for (state, n) in &a.finished {
            let _ = writeln!(
                out,
                "smart_agents_tasks_finished_total{{agent=\"{}\",state=\"{state}\"}} {n}",
                label(agent)
            );
        }
    }
    let waits: Vec<_> = counters.agents.iter().map(|(k, a)| (k, &a.wait)).collect();
    head(&mut out, "wait_seconds", "histogram", "Time from queued to started, seconds.");
    histogram(&mut out, "wait_seconds", &waits);
    let runs: Vec<_> = counters.agents.iter().map(|(k, a)| (k, &a.run)).collect();
    head(&mut out, "run_seconds", "histogram", "Run time of tasks that ended, seconds.");
    histogram(&mut out, "run_seconds", &runs);
    head(&mut out, "tokens_total", "counter", "Tokens the agents reported using.");
    for (agent, a) in &counters.agents {
        let _ = writeln!(out, "smart_agents_tokens_total{{agent=\"{}\"}} {}", label(agent), a.tokens);
    }
    head(&mut out, "cost_usd_total", "counter", "Cost the agents reported, US dollars.");
    for (agent, a) in &counters.agents {
        let _ = writeln!(out, "smart_agents_cost_usd_total{{agent=\"{}\"}} {}", label(agent), a.cost_usd);
    }
    head(&mut out, "gate_reading_percent", "gauge", "Latest readings of the admission gates, percent.");
    for (gate, value) in &gauges.readings {
        let _ = writeln!(out, "smart_agents_gate_reading_percent{{gate=\"{gate}\"}} {value}");
    }
    head(&mut out, "paused", "gauge", "1 while admission is paused.");
    let _ = writeln!(out, "smart_agents_paused {}", u8::from(gauges.paused));
    head(&mut out, "worker_uptime_seconds", "gauge", "Seconds since the worker started.");
    let _ = writeln!(out, "smart_agents_worker_uptime_seconds {}", gauges.uptime_seconds);
    out
}

/// The line the socket side appends: connections open now.
pub fn render_connections(connections: usize) -> String {
    let mut out = String::new();
    head(&mut out, "connections", "gauge", "Clients connected to the worker now.");
    let _ = writeln!(out, "smart_agents_connections {connections}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labels_escaped() {
        let mut c = Counters::default();
        c.on_start("my \"agent\"", 2_000);
        c.on_start("my \"agent\"", 100);
        let m = Metrics {
            duration_ms: Some(70_000),
            tokens_used: Some(5),
            cost_usd: Some(0.25),
            agents_involved: 1,
            carried: None,
        };
        c.on_finish("my \"agent\"", TaskState::Completed, &m);
        let text = render(&c, &Gauges::default());
        assert!(
            text.contains("smart_agents_wait_seconds_bucket{agent=\"my \\\"agent\\\"\",le=\"1\"} 1"),
            "{text}"
        );
        assert!(text.contains("le=\"5\"} 2"), "{text}");
        assert!(
            text.contains("smart_agents_run_seconds_bucket{agent=\"my \\\"agent\\\"\",le=\"60\"} 0"),
            "{text}"
        );
        assert!(
            text.contains("smart_agents_run_seconds_bucket{agent=\"my \\\"agent\\\"\",le=\"300\"} 1"),
            "{text}"
        );
        assert!(text.contains("smart_agents_admissions_total 2"), "{text}");
        assert!(text.contains("smart_agents_cost_usd_total{agent=\"my \\\"agent\\\"\"} 0.25"), "{text}");
        assert_eq!(reason_kind("cpu 92% >= 70%"), "cpu");
        assert_eq!(reason_kind("dependencies: waiting for ab12"), "dependencies");
    }
}
