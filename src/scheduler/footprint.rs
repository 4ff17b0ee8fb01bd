//! Footprints: how much memory and CPU a task is expected to use, from the most specific source
//! that knows (`declared` > `learned` > `class` > `agent` > `default`), and the pure rules that
//! turn measured attempts into a learned footprint. No I/O: the worker feeds the numbers.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Where a footprint came from (`status --json` → `footprint.source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `execute --mem` / `--cpus`.
    Declared,
    /// A high percentile of the kind's recent attempts.
    Learned,
    /// `[limits.footprints.CLASS]` in config.toml.
    Class,
    /// The agent's built-in or configured `mem`.
    Agent,
    /// Nothing known: memory unknown (slow start), one core.
    #[default]
    Default,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Declared => "declared",
            Source::Learned => "learned",
            Source::Class => "class",
            Source::Agent => "agent",
            Source::Default => "default",
        }
    }
}

/// The expected use of one task.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    /// Expected peak resident memory of its whole process tree; 0 = unknown.
    pub mem_bytes: u64,
    /// Expected cores it keeps busy.
    pub cpus: f64,
    /// The most specific source that gave either number.
    pub source: Source,
    /// The memory figure was only seen on a running attempt of its kind (no attempt has ended
    /// yet): its start is still watched, one at a time, until an ending teaches the kind.
    #[serde(skip)]
    pub seen_running: bool,
}

impl Default for Footprint {
    fn default() -> Self {
        Footprint { mem_bytes: 0, cpus: DEFAULT_CPUS, source: Source::Default, seen_running: false }
    }
}

impl Footprint {
    /// True when nothing says how much memory it takes.
    pub fn mem_unknown(&self) -> bool {
        self.mem_bytes == 0
    }

    /// True when its start is watched (slow start): see [`watch_start`].
    pub fn watch_start(&self) -> bool {
        watch_start(self.mem_bytes, self.seen_running)
    }
}

/// A start is watched (slow start) while its memory is unknown (0), or only seen on a running
/// attempt that may still climb. The one rule for a running footprint and a pending task.
pub fn watch_start(mem_bytes: u64, seen_running: bool) -> bool {
    mem_bytes == 0 || seen_running
}

/// Cores assumed for a task nothing is known about.
pub const DEFAULT_CPUS: f64 = 1.0;

/// One layer of footprint knowledge; `None` fields fall through to the next layer.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Layer {
    pub mem_bytes: Option<u64>,
    pub cpus: Option<f64>,
    /// `mem_bytes` was seen on a running attempt, not learned from an ended one.
    pub seen_running: bool,
}

/// Resolve from the most specific layer down. Each number comes from the first layer that has
/// it; the source named is the most specific layer that gave any number. Memory only seen on
/// a running attempt ranks last: what a class or agent says is surer than a climb half seen.
pub fn resolve(declared: Layer, learned: Layer, class: Layer, agent: Layer) -> Footprint {
    let (declared, learned, class, agent) = (
        (declared, Source::Declared),
        (learned, Source::Learned),
        (class, Source::Class),
        (agent, Source::Agent),
    );
    let layers = if learned.0.seen_running {
        [declared, class, agent, learned]
    } else {
        [declared, learned, class, agent]
    };
    let mem = layers.iter().find_map(|(l, s)| l.mem_bytes.map(|m| (m, *s)));
    let cpus = layers.iter().find_map(|(l, s)| l.cpus.map(|c| (c, *s)));
    let rank = |s: Source| layers.iter().position(|(_, x)| *x == s).unwrap_or(usize::MAX);
    let seen_running = mem.is_some_and(|m| m.1 == Source::Learned) && learned.0.seen_running;
    let source = [mem.map(|m| m.1), cpus.map(|c| c.1)]
        .into_iter()
        .flatten()
        .min_by_key(|s| rank(*s))
        .unwrap_or(Source::Default);
    Footprint {
        mem_bytes: mem.map_or(0, |m| m.0),
        cpus: cpus.map_or(DEFAULT_CPUS, |c| c.0.max(0.0)),
        source,
        seen_running,
    }
}

/// What one finished attempt used.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Peak {
    /// Highest resident memory of the whole process tree seen.
    pub rss_bytes: u64,
    /// CPU time of the tree (user + system), to the millisecond in JSON.
    #[serde(serialize_with = "to_the_millisecond")]
    pub cpu_seconds: f64,
    /// Wall time of the attempt.
    #[serde(default, skip_serializing)]
    pub wall_seconds: f64,
    /// Nothing was measured (`rss_bytes` 0: the command ended before a sample, and the kernel's
    /// figure was what it inherited from its parent): its peak was at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rss_at_most: Option<u64>,
}

/// Float noise (`0.0007549999999999987`) is no reading: scripts get milliseconds.
fn to_the_millisecond<S: serde::Serializer>(seconds: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(crate::text::round_to(*seconds, 3))
}

/// How many recent attempts of a kind are kept for learning.
pub const LEARN_WINDOW: usize = 20;
/// The percentile of those attempts used as the footprint: high, so most runs fit under it.
pub const LEARN_PERCENTILE: f64 = 0.9;
/// Time constant of the CPU moving average (see `resources`): a task shorter than this can
/// never show more than `cpu_seconds / CPU_TAU` cores in it.
pub const CPU_TAU: Duration = Duration::from_secs(3);

/// The learned footprint from recent attempts (any order): the 90th percentile of peak memory
/// and of the cores each attempt kept busy, counted over at least [`CPU_TAU`] so that a
/// 2 ms task does not read as a full core.
pub fn learn(attempts: &[Peak]) -> Option<Layer> {
    if attempts.is_empty() {
        return None;
    }
    let tau = CPU_TAU.as_secs_f64();
    let mut mem: Vec<u64> = attempts.iter().map(|a| a.rss_bytes).collect();
    let mut cores: Vec<f64> =
        attempts.iter().map(|a| a.cpu_seconds.max(0.0) / a.wall_seconds.max(tau)).collect();
    mem.sort_unstable();
    cores.sort_by(f64::total_cmp);
    let at = |n: usize| (((n as f64) * LEARN_PERCENTILE).ceil() as usize).clamp(1, n) - 1;
    // Round cores to a tenth: the reason text shows one decimal.
    let cpus = (cores[at(cores.len())] * 10.0).ceil() / 10.0;
    Some(Layer { mem_bytes: Some(mem[at(mem.len())].max(1)), cpus: Some(cpus), seen_running: false })
}

/// Cores a running task still reserves: what it is expected to use and the CPU moving average
/// does not show yet. The average follows a new load as `1 - e^(-age/tau)`, so the part not
/// shown decays as `e^(-age/tau)`.
pub fn cpu_reservation(cpus: f64, age: Duration) -> f64 {
    cpus.max(0.0) * (-age.as_secs_f64() / CPU_TAU.as_secs_f64()).exp()
}

/// Memory a running task still reserves: its expected peak minus what its tree uses now.
pub fn mem_reservation(expected: u64, shown: u64) -> u64 {
    expected.saturating_sub(shown)
}

/// A task's kind, the unit footprints are learned for: agent, class and, for commands, the
/// program and its leading words that look like subcommands or flags (`cargo test --release`,
/// `npm run e2e`), stopping at the first that looks like a file, a number or free text.
pub fn kind(agent: &str, class: Option<&str>, command: &[String]) -> String {
    let mut key = format!("{agent}|{}|", class.unwrap_or(""));
    let script = shell_script_words(command);
    let command = script.as_deref().unwrap_or(command);
    if let Some(program) = command.first() {
        key.push_str(program.rsplit('/').next().unwrap_or(program));
        for word in command[1..].iter().take_while(|w| is_plain_word(w)).take(3) {
            key.push(' ');
            key.push_str(word);
        }
    }
    key
}

/// The words of a `sh -c SCRIPT` script's first command (`cargo test` for
/// `sh -c 'cargo test --release && echo ok'`), leading `VAR=value` and `exec` left out: each
/// script then learns for itself, not one footprint for every script.
fn shell_script_words(command: &[String]) -> Option<Vec<String>> {
    let [shell, flag, script, ..] = command else { return None };
    let shell = shell.rsplit('/').next().unwrap_or(shell);
    if !matches!(shell, "sh" | "bash" | "dash" | "zsh" | "ksh") || flag != "-c" {
        return None;
    }
    let first = script.split(['\n', ';', '|', '&', '(', ')']).map(str::trim).find(|c| !c.is_empty())?;
    let words: Vec<String> = first
        .split_whitespace()
        .skip_while(|w| *w == "exec" || (w.contains('=') && !w.starts_with('=')))
        .map(|w| w.trim_matches(['\'', '"']).to_string())
        .collect();
    (!words.is_empty()).then_some(words)
}

fn is_plain_word(word: &str) -> bool {
    let bare = word.trim_start_matches('-');
    !bare.is_empty()
        && word.len() <= 32
        && !bare.chars().all(|c| c.is_ascii_digit())
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')
}

/// `512 MiB`, `1.5 GiB`, `800 KiB`: sizes in messages.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 || value.fract() < 0.05 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
#[path = "footprint_tests.rs"]
mod tests;
