//! `config.toml`: limits and, later, agents and notifications. Unknown keys and wrong types are
//! refused with the file, line and what was expected; the worker never guesses.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Agent used for a prompt when neither `--agent` nor `--capability` is given.
    pub default_agent: Option<String>,
    pub limits: Limits,
    /// Agent profiles, and overrides of the built-ins: `[agents.reviewer]`.
    pub agents: BTreeMap<String, AgentProfile>,
    pub circuit: Circuit,
    pub notifications: Notifications,
    /// `local` (the default) or `slurm`: where tasks run unless told otherwise.
    pub default_executor: Option<String>,
    /// `[executors.slurm]`.
    pub executors: crate::executor::Executors,
    /// `[classes.NAME]`: per-class defaults (the executor).
    pub classes: BTreeMap<String, crate::executor::settings::ClassProfile>,
    pub delegation: Delegation,
    pub history: History,
    pub metrics: MetricsConfig,
    /// `[secrets]`: which variables are sealed, and where the key lives.
    pub secrets: crate::secrets::SecretsConfig,
}

/// `[delegation]`: tasks started from inside a task are its children, within these caps.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Delegation {
    /// How deep children may nest below a task started by a person (a child is depth 1).
    pub max_depth: u32,
    /// Children one task may start in all.
    pub max_children: u32,
}

impl Default for Delegation {
    fn default() -> Self {
        Delegation { max_depth: 3, max_children: 20 }
    }
}

/// `[history]`: how long finished tasks are kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct History {
    /// Finished tasks older than this many days are pruned by the worker; 0 keeps them forever.
    pub keep_days: u32,
}

impl Default for History {
    fn default() -> Self {
        History { keep_days: 90 }
    }
}

/// `[metrics]`: the Prometheus endpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// `127.0.0.1:9464`: the worker serves `GET /metrics` there. Off when absent.
    pub listen: Option<String>,
}

impl MetricsConfig {
    /// The address to serve on; validated at load.
    pub fn address(&self) -> Option<std::net::SocketAddr> {
        self.listen.as_deref().and_then(|a| a.parse().ok())
    }
}

/// `[notifications]`: desktop notifications sent by the worker.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Notifications {
    /// silent | completion | milestone | verbose; `execute --notify` overrides it per task.
    pub strategy: String,
    /// Verbose: percent points a task must move before it is news again.
    pub min_progress_delta: f64,
    /// At most one progress notification per task this often (endings are never held back).
    pub throttle_ms: u64,
}

impl Default for Notifications {
    fn default() -> Self {
        Notifications { strategy: "completion".into(), min_progress_delta: 5.0, throttle_ms: 3000 }
    }
}

impl Notifications {
    /// The configured strategy; validated at load, so a bad name cannot reach here from a file.
    pub fn default_strategy(&self) -> crate::notify::Strategy {
        self.strategy.parse().unwrap_or_default()
    }
}

/// `[agents.NAME]` in config.toml.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AgentProfile {
    /// claude | codex | gemini | aider | command
    pub backend: Option<String>,
    pub capabilities: Option<Vec<String>>,
    /// Default class of its tasks.
    pub class: Option<String>,
    pub max_concurrency: Option<u32>,
    pub model: Option<String>,
    pub system_prompt: Option<String>,
    /// Extra argv after the adapter's own flags.
    pub args: Vec<String>,
    /// backend = "command" only: `["my-agent", "--task", "{prompt}"]`.
    pub command: Vec<String>,
    /// Expected resident memory (`2G`), counted against the memory gate at start.
    pub mem: Option<String>,
    /// read-only | edit | full: what the agent may do without asking (default edit).
    pub autonomy: Option<String>,
    /// `local` or `slurm`: where its tasks run.
    pub executor: Option<String>,
}

/// `[circuit]`: when an agent that keeps failing is rested.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Circuit {
    /// Consecutive failures that open an agent's circuit.
    pub failures: u32,
    /// How long it stays open before one trial task is let through.
    pub open_seconds: u64,
}

impl Default for Circuit {
    fn default() -> Self {
        Circuit { failures: 5, open_seconds: 60 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_concurrent_tasks: u32,
    /// Percent; 100 disables the gate.
    pub cpu_threshold: f64,
    /// Percent of memory in use; 100 disables the gate.
    pub memory_threshold: f64,
    /// Seconds between SIGTERM and SIGKILL when cancelling or timing out.
    pub kill_grace_seconds: f64,
    /// Per-class caps; a class without one only counts against the global cap.
    pub classes: BTreeMap<String, u32>,
    /// Per-class footprint defaults: `[limits.footprints.e2e]` `mem = "6G"`, `cpus = 2`,
    /// `mem_limit = true` (end a task of the class whose tree goes past `mem`).
    pub footprints: BTreeMap<String, ClassFootprint>,
    /// How long a task of unknown memory footprint is watched before another task may pass
    /// the memory gate (slow start).
    pub slow_start_seconds: f64,
}

/// `[limits.footprints.CLASS]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ClassFootprint {
    /// Expected peak memory of a task of the class (`512M`, `6G`).
    pub mem: Option<String>,
    /// Expected cores it keeps busy.
    pub cpus: Option<f64>,
    /// Enforce `mem` as a limit (as `execute --mem-limit` does).
    pub mem_limit: bool,
}

impl ClassFootprint {
    /// `mem` in bytes; checked at load, so a bad size cannot reach here from a file.
    pub fn mem_bytes(&self) -> Option<u64> {
        self.mem.as_deref().and_then(|m| crate::cli::execute::parse_size(m).ok())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_concurrent_tasks: 5,
            cpu_threshold: 70.0,
            memory_threshold: 85.0,
            kill_grace_seconds: 10.0,
            classes: BTreeMap::from([("e2e".to_string(), 1), ("build".to_string(), 2)]),
            footprints: BTreeMap::new(),
            slow_start_seconds: 3.0,
        }
    }
}

impl Limits {
    pub fn kill_grace(&self) -> Duration {
        Duration::from_secs_f64(self.kill_grace_seconds.max(0.0))
    }
}

impl Config {
    /// Load from `path`; a missing file means all defaults.
    pub fn load(path: &Path) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(Error::usage(format!("cannot read {}: {e}", path.display()))),
        };
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|span| {
                    let (line, col) = line_col(text, span.start);
                    format!(":{line}:{col}")
                })
                .unwrap_or_default();
            Error::usage(format!("invalid config {}{place}: {}", path.display(), e.message().trim()))
        })?;
        config.validate(path, text)?;
        config.validate_admission(text, path)?;
        Ok(config)
    }

    /// Settings under which nothing could ever start, and bad footprints, named with the
    /// file and the line of the key.
    fn validate_admission(&self, text: &str, path: &Path) -> Result<()> {
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
                crate::cli::execute::parse_size(mem).map_err(|e| {
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
    fn validate(&self, path: &Path, text: &str) -> Result<()> {
        let bad = |what: &str| {
            let key = what.split([' ', ':']).next().unwrap_or_default();
            let place = key_line(text, key).map(|line| format!(":{line}")).unwrap_or_default();
            Error::usage(format!("invalid config {}{place}: {what}", path.display()))
        };
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
        n.strategy
            .parse::<crate::notify::Strategy>()
            .map_err(|e| bad(&format!("notifications.strategy: {e}")))?;
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
        // Profiles are checked by building the registry once.
        crate::agents::Registry::new(self).map_err(|e| {
            let what = e.to_string();
            bad(what.strip_prefix("invalid config: ").unwrap_or(&what))
        })?;
        Ok(())
    }
}

/// The line of the value at a dotted `key` ("limits.cpu_threshold"), when the file spells it
/// out; a value left at its default has none.
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

impl Config {
    fn validate_executors(&self) -> std::result::Result<(), String> {
        use crate::executor::Executor;
        let named = std::iter::once(("default_executor".to_string(), self.default_executor.as_ref()))
            .chain(self.agents.iter().map(|(n, p)| (format!("agents.{n}.executor"), p.executor.as_ref())))
            .chain(self.classes.iter().map(|(n, c)| (format!("classes.{n}.executor"), c.executor.as_ref())));
        for (key, value) in named {
            if let Some(value) = value {
                value.parse::<Executor>().map_err(|e| format!("{key}: {e}"))?;
            }
        }
        match self.executors.slurm.problem() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Where a task of `agent` and `class` runs when it does not say.
    pub fn executor_for(&self, agent: &str, class: Option<&str>) -> crate::executor::Executor {
        let from_agent = self.agents.get(agent).and_then(|p| p.executor.as_deref());
        let from_class = class.and_then(|c| self.classes.get(c)).and_then(|c| c.executor.as_deref());
        from_agent
            .or(from_class)
            .or(self.default_executor.as_deref())
            .and_then(|e| e.parse().ok())
            .unwrap_or_default()
    }
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.len(), |nl| before.len() - nl - 1) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("/x/config.toml"))
    }

    #[test]
    fn defaults_when_empty() {
        let c = parse("").unwrap();
        assert_eq!(c.limits.max_concurrent_tasks, 5);
        assert_eq!(c.limits.classes.get("e2e"), Some(&1));
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let err = parse("[limits]\nmax_concurrent_tasks = 3\nbogus = 1\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3"), "{err}");
        assert!(err.contains("bogus"), "{err}");
    }

    #[test]
    fn wrong_type_names_file_and_line() {
        let err = parse("[limits]\n\nmax_concurrent_tasks = \"five\"\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3"), "{err}");
    }

    #[test]
    fn out_of_range_is_refused_with_its_line() {
        let err = parse("[limits]\n\ncpu_threshold = 140\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3:") && err.contains("cpu_threshold"), "{err}");
        let err = parse("[limits]\nmax_concurrent_tasks = 0\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:2:"), "{err}");
        let err = parse("[circuit]\nopen_seconds = 5\nfailures = 0\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3:"), "{err}");
        let err = parse("[limits]\nkill_grace_seconds = -1\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:2:"), "{err}");
        let err = parse("default_agent = \"x\"\n\n[agents.x]\nmodel = \"m\"\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3:") && err.contains("agents.x"), "{err}");
        let err = parse("\ndefault_agent = \"nobody\"\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:2:") && err.contains("nobody"), "{err}");
    }

    #[test]
    fn executors_are_checked_and_chosen_in_order() {
        use crate::executor::Executor;
        let c = parse(
            "default_executor = \"slurm\"\n[executors.slurm]\npartition = \"debug\"\nmax_concurrent = 5\n\
             [agents.local-one]\nbackend = \"claude\"\nexecutor = \"local\"\n[classes.e2e]\nexecutor = \"local\"\n",
        )
        .unwrap();
        assert_eq!(c.executors.slurm.max_concurrent, 5);
        assert_eq!(c.executors.slurm.reconcile_seconds, 3.0);
        assert_eq!(c.executor_for("shell", None), Executor::Slurm);
        assert_eq!(c.executor_for("shell", Some("e2e")), Executor::Local);
        assert_eq!(c.executor_for("local-one", None), Executor::Local);
        assert_eq!(parse("").unwrap().executor_for("shell", None), Executor::Local);
        assert_eq!(parse("").unwrap().executors.slurm.max_concurrent, 50);
        let err = parse("default_executor = \"k8s\"\n").unwrap_err().to_string();
        assert!(err.contains("default_executor") && err.contains("k8s"), "{err}");
        assert!(parse("[executors.slurm]\nmax_concurrent = 0\n").is_err());
        assert!(parse("[executors.slurm]\nbogus = 1\n").is_err());
        assert!(parse("[classes.x]\nexecutor = \"nope\"\n").is_err());
    }

    #[test]
    fn settings_that_never_admit_are_refused_with_file_and_line() {
        let err = parse("[limits]\nmax_concurrent_tasks = 3\ncpu_threshold = 0\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3") && err.contains("cpu_threshold = 0"), "{err}");
        let err = parse("[limits]\n\nmemory_threshold = 0\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3") && err.contains("memory_threshold"), "{err}");
        let err = parse("[limits.classes]\ne2e = 1\nbuild = 0\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3") && err.contains("classes.build = 0"), "{err}");
        assert!(parse("[limits]\ncpu_threshold = 1\nmemory_threshold = 100\n").is_ok());
    }

    #[test]
    fn class_footprints_are_read_and_checked() {
        let c = parse("[limits.footprints.e2e]\nmem = \"6G\"\ncpus = 2\nmem_limit = true\n").unwrap();
        let e2e = &c.limits.footprints["e2e"];
        assert_eq!((e2e.mem_bytes(), e2e.cpus, e2e.mem_limit), (Some(6 << 30), Some(2.0), true));
        let err = parse("[limits.footprints.e2e]\ncpus = 1\nmem = \"lots\"\n").unwrap_err().to_string();
        assert!(err.contains("/x/config.toml:3") && err.contains("lots"), "{err}");
        assert!(parse("[limits.footprints.e2e]\nmem_limit = true\n").is_err());
        assert!(parse("[limits]\nslow_start_seconds = -1\n").is_err());
    }

    #[test]
    fn notifications_are_checked() {
        let c = parse("[notifications]\nstrategy = \"verbose\"\nthrottle_ms = 250\n").unwrap();
        assert_eq!(c.notifications.default_strategy(), crate::notify::Strategy::Verbose);
        assert_eq!(c.notifications.throttle_ms, 250);
        assert_eq!(parse("").unwrap().notifications.default_strategy(), crate::notify::Strategy::Completion);
        let err = parse("[notifications]\nstrategy = \"loud\"\n").unwrap_err().to_string();
        assert!(err.contains("loud") && err.contains("milestone"), "{err}");
        assert!(parse("[notifications]\nmin_progress_delta = -1\n").is_err());
        assert!(parse("[notifications]\nbogus = 1\n").is_err());
    }

    #[test]
    fn history_and_metrics_sections() {
        let c = parse("").unwrap();
        assert_eq!((c.history.keep_days, c.metrics.address()), (90, None));
        let c = parse("[history]\nkeep_days = 7\n[metrics]\nlisten = \"127.0.0.1:9464\"\n").unwrap();
        assert_eq!(c.history.keep_days, 7);
        assert_eq!(c.metrics.address().map(|a| a.port()), Some(9464));
        let err = parse("[metrics]\nlisten = \"localhost\"\n").unwrap_err().to_string();
        assert!(err.contains("metrics.listen") && err.contains("localhost"), "{err}");
    }
}
