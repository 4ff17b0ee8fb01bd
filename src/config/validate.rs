//! Checks of a parsed config, each naming the file and the line of the key it is about.

use super::{Config, line_col};
use crate::error::{Error, Result};
use std::path::Path;

impl Config {
    /// Settings under which nothing could ever start, and bad footprints, named with the
    /// file and the line of the key.
    pub(super) fn validate_admission(&self, text: &str, path: &Path) -> Result<()> {
        let l = &self.limits;
        let bad = |key: &str, what: String| {
            let place = key_line(text, key).map(|n| format!(":{n}")).unwrap_or_default();
            Error::usage(format!("invalid config {}{place}: {what}", path.display()))
        };
        for (key, value) in [("cpu_threshold", l.cpu_threshold), ("memory_threshold", l.memory_threshold)] {
            if value == 0.0 {
                let what = format!(
                    "limits.{key} = 0 would never let a task start: use 1 to 100 (100 turns the gate off)"
                );
                return Err(bad(&format!("limits.{key}"), what));
            }
        }
        for (class, cap) in &l.classes {
            if *cap == 0 {
                return Err(bad(
                    &format!("limits.classes.{class}"),
                    format!(
                        "limits.classes.{class} = 0 would never let a task of class {class} start: use at least 1"
                    ),
                ));
            }
        }
        if !(0.0..=600.0).contains(&l.slow_start_seconds) {
            return Err(bad(
                "limits.slow_start_seconds",
                "limits.slow_start_seconds must be between 0 and 600".into(),
            ));
        }
        for (class, f) in &l.footprints {
            if let Some(mem) = &f.mem {
                crate::size::parse_size(mem).map_err(|e| {
                    bad(
                        &format!("limits.footprints.{class}.mem"),
                        format!("limits.footprints.{class}.mem: {e}"),
                    )
                })?;
            }
            if f.cpus.is_some_and(|c| !(0.0..=4096.0).contains(&c)) {
                return Err(bad(
                    &format!("limits.footprints.{class}.cpus"),
                    format!("limits.footprints.{class}.cpus must be between 0 and 4096"),
                ));
            }
            if f.mem_limit && f.mem.is_none() {
                return Err(bad(
                    &format!("limits.footprints.{class}.mem_limit"),
                    format!("limits.footprints.{class}.mem_limit needs `mem` to know the limit"),
                ));
            }
        }
        Ok(())
    }

    /// Each message starts with the dotted key it is about, which locates its line.
    pub(super) fn validate(&self, path: &Path, text: &str) -> Result<()> {
        let bad = |what: &str| located(path, text, what);
        let l = &self.limits;
        if l.max_concurrent_tasks == 0 {
            return Err(bad("limits.max_concurrent_tasks must be at least 1"));
        }
        for (name, value) in [("cpu_threshold", l.cpu_threshold), ("memory_threshold", l.memory_threshold)] {
            if !(0.0..=100.0).contains(&value) || value.is_nan() {
                return Err(bad(&format!("limits.{name} must be a percent from 0 to 100, got {value}")));
            }
        }
        if !(0.0..=86_400.0).contains(&l.kill_grace_seconds) {
            return Err(bad("limits.kill_grace_seconds must be between 0 and 86400"));
        }
        if self.circuit.failures == 0 {
            return Err(bad("circuit.failures must be at least 1"));
        }
        let n = &self.notifications;
        n.strategy.parse::<super::Strategy>().map_err(|e| bad(&format!("notifications.strategy: {e}")))?;
        if !(0.0..=100.0).contains(&n.min_progress_delta) || n.min_progress_delta.is_nan() {
            return Err(bad("notifications.min_progress_delta must be from 0 to 100"));
        }
        self.validate_executors().map_err(|e| bad(&e))?;
        if let Some(listen) = &self.metrics.listen {
            listen.parse::<std::net::SocketAddr>().map_err(|_| {
                bad(&format!(
                    "metrics.listen must be an address with a port, like 127.0.0.1:9464, got '{listen}'"
                ))
            })?;
        }
        self.secrets.validate().map_err(|e| bad(&e))?;
        self.web.check().map_err(|e| bad(&e))?;
        self.validate_channels(path, text)?;
        self.validate_usage_limits().map_err(|e| bad(&e))?;
        // Agent profiles are checked where they are understood: `agents::parse_config`.
        Ok(())
    }

    /// A channel's problem is placed at its own `[[notify.channels]]` header.
    fn validate_channels(&self, path: &Path, text: &str) -> Result<()> {
        let Err(what) = self.notify.check() else { return Ok(()) };
        let channel = what
            .strip_prefix("notify.channels: channel ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok());
        match channel.and_then(|n| super::channels::channel_line(text, n.saturating_sub(1))) {
            Some(line) => Err(Error::usage(format!("invalid config {}:{line}: {what}", path.display()))),
            None => Err(located(path, text, &what)),
        }
    }

    fn validate_usage_limits(&self) -> std::result::Result<(), String> {
        for (key, text) in [
            ("usage_limits.backoff", &self.usage_limits.backoff),
            ("usage_limits.max_backoff", &self.usage_limits.max_backoff),
        ]
        .into_iter()
        .chain(self.needs_timeout.as_ref().map(|t| ("needs_timeout", t)))
        {
            crate::duration::parse(text).map_err(|e| format!("{key}: {e}"))?;
        }
        let budgets = std::iter::once(("daily_budget_usd".to_string(), self.daily_budget_usd)).chain(
            self.agents.iter().map(|(n, p)| (format!("agents.{n}.daily_budget_usd"), p.daily_budget_usd)),
        );
        for (key, budget) in budgets {
            if budget.is_some_and(|b| !b.is_finite() || b < 0.0) {
                return Err(format!("{key} must be a number of dollars, 0 or more"));
            }
        }
        for (name, p) in &self.agents {
            if let Some(pattern) = &p.limit_pattern {
                regex::Regex::new(pattern)
                    .map_err(|e| format!("agents.{name}.limit_pattern is not a valid regex: {e}"))?;
            }
        }
        Ok(())
    }

    fn validate_executors(&self) -> std::result::Result<(), String> {
        use crate::config::executors::Executor;
        let named = std::iter::once(("default_executor".to_string(), self.default_executor.as_ref()))
            .chain(self.agents.iter().map(|(n, p)| (format!("agents.{n}.executor"), p.executor.as_ref())))
            .chain(self.classes.iter().map(|(n, c)| (format!("classes.{n}.executor"), c.executor.as_ref())));
        for (key, value) in named {
            if let Some(value) = value {
                value.parse::<Executor>().map_err(|e| format!("{key}: {e}"))?;
            }
        }
        match self.executors.slurm.problem().or_else(|| self.sandbox.problem()) {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }
}

/// The line of the value at a dotted `key` ("limits.cpu_threshold"), when the file spells it
/// out; a value left at its default has none.
/// An error about the config file at `path`, whose message starts with the dotted key it is
/// about (`agents.x: ...`): it names that key's line.
pub fn located(path: &Path, text: &str, what: &str) -> Error {
    let key = what.split([' ', ':']).next().unwrap_or_default();
    let place = key_line(text, key).map(|line| format!(":{line}")).unwrap_or_default();
    Error::usage(format!("invalid config {}{place}: {what}", path.display()))
}

fn key_line(text: &str, key: &str) -> Option<usize> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let mut span = None;
    for part in key.split('.') {
        let (_, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == part)?;
        span = Some(value.span());
        match value.get_ref() {
            toml::de::DeValue::Table(inner) => table = inner,
            _ => break,
        }
    }
    Some(line_col(text, span?.start).0)
}
