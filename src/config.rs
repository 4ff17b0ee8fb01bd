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
    /// `[secrets]`: which variables are sealed, and where the key lives.
    pub secrets: crate::secrets::SecretsConfig,
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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_concurrent_tasks: 5,
            cpu_threshold: 70.0,
            memory_threshold: 85.0,
            kill_grace_seconds: 10.0,
            classes: BTreeMap::from([("e2e".to_string(), 1), ("build".to_string(), 2)]),
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
        Ok(config)
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
}
