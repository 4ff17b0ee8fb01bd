//! Usage and rate limits in an agent's output: what each CLI prints when its API answers 429
//! (recorded with the real CLIs against the mock model, see docs/usage-limits.md), and the
//! reset time when it gives one. Pure: lines in, at most one [`UsageLimitHit`] out.
//!
//! - agent CLIs: each module's `usage_limit_watch` knows what its CLI prints (an error event
//!   with status 429, a rejected rate-limit event, "You've hit your limit · resets 3pm"); the
//!   texts, CLI by CLI, are in docs/usage-limits.md.
//! - `command` agents: the profile's `limit_pattern` (a regex); a named group `reset` gives the
//!   reset as a duration (`20s`, `5m`), a clock time (`15:00`, `3pm`) or epoch seconds.

use super::Backend;
use regex::Regex;
use std::sync::OnceLock;

/// When a limit resets, as the agent said it; resolved against the clock by [`Reset::at`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reset {
    /// Unix ms.
    At(i64),
    /// Seconds from when it was seen.
    In(u64),
    /// The next time the local clock shows this (hour 0..24, minute).
    Clock { hour: u32, minute: u32 },
}

impl Reset {
    /// Unix ms of the reset, as of `now_ms`.
    pub fn at(self, now_ms: i64) -> i64 {
        use chrono::{Local, TimeZone};
        match self {
            Reset::At(ms) => ms,
            Reset::In(secs) => now_ms.saturating_add(secs.saturating_mul(1000) as i64),
            Reset::Clock { hour, minute } => {
                let Some(now) = Local.timestamp_millis_opt(now_ms).single() else { return now_ms };
                let today = now.date_naive().and_hms_opt(hour, minute, 0);
                let local = |d: chrono::NaiveDateTime| Local.from_local_datetime(&d).earliest();
                // Said to the minute: a time in the current minute means by its end.
                match today.and_then(local) {
                    Some(t) if t.timestamp_millis() > now_ms => t.timestamp_millis(),
                    Some(t) if t.timestamp_millis() + 60_000 > now_ms => t.timestamp_millis() + 60_000,
                    Some(t) => t.timestamp_millis() + 86_400_000,
                    None => now_ms,
                }
            }
        }
    }
}

/// A limit the agent ran into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageLimitHit {
    /// What the agent said, one line.
    pub message: String,
    pub reset: Option<Reset>,
}

/// One CLI's reading of its lines for a limit (each CLI module has one).
pub trait UsageLimitWatch: Send {
    /// Feed one line; `Some` when it shows a limit.
    fn feed(&mut self, line: &[u8]) -> Option<UsageLimitHit>;
}

/// A watch that sees nothing: CLIs that print no limit of their own.
#[derive(Debug, Default)]
pub struct NoUsageLimits;

impl UsageLimitWatch for NoUsageLimits {
    fn feed(&mut self, _line: &[u8]) -> Option<UsageLimitHit> {
        None
    }
}

/// Watches one run's lines for a limit, and reports it once.
pub struct UsageLimitDetector {
    watch: Box<dyn UsageLimitWatch>,
    hit: Option<UsageLimitHit>,
}

impl UsageLimitDetector {
    /// `pattern` is a `command` agent's `limit_pattern` (checked when the config loads).
    pub fn new(backend: Backend, pattern: Option<&str>) -> UsageLimitDetector {
        UsageLimitDetector { watch: backend.cli().usage_limit_watch(pattern), hit: None }
    }

    /// The limit seen so far, if any.
    pub fn hit(&self) -> Option<&UsageLimitHit> {
        self.hit.as_ref()
    }

    /// Feed one line; `Some` the first time a limit shows.
    pub fn feed(&mut self, line: &[u8]) -> Option<UsageLimitHit> {
        if self.hit.is_some() {
            return None;
        }
        let found = self.watch.feed(line);
        self.hit = found.clone();
        found
    }
}

/// Words that say a limit was hit, whatever the CLI.
pub(crate) fn said_limit(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?i)hit your (usage )?limit|usage limit (reached|has been reached)|rate limit|quota exceeded",
        )
        .expect("a valid regex")
    });
    re.is_match(text)
}

/// The first line with text, trimmed (messages may start with a bracket or blank line).
pub(crate) fn one_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    super::common::short(line.trim_start_matches('['))
}

/// A reset said in words: "resets 3pm", "try again at 7:58 AM", "try again in 20s",
/// "Suggested retry after 20s", or the older "limit reached|1700000000".
pub fn reset_in_text(text: &str) -> Option<Reset> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:resets(?: at)?|try again at)\s+(?P<clock>\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)|(?:try again in|retry after|retry in)\s+(?P<in>\d+(?:\.\d+)?\s*[a-z]*)|\|(?P<epoch>\d{10})\b",
        )
        .expect("a valid regex")
    });
    let caps = re.captures(text)?;
    if let Some(m) = caps.name("epoch") {
        return m.as_str().parse::<i64>().ok().map(|s| Reset::At(s * 1000));
    }
    caps.name("clock").or_else(|| caps.name("in")).and_then(|m| reset_word(m.as_str()))
}

/// One reset word: epoch seconds, a clock time (`15:00`, `3pm`, `7:58 AM`) or a duration.
pub fn reset_word(word: &str) -> Option<Reset> {
    let word = word.trim().trim_end_matches('.');
    if word.len() >= 10 && word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse::<i64>().ok().map(|s| Reset::At(s * 1000));
    }
    clock(word).or_else(|| duration(word))
}

fn clock(word: &str) -> Option<Reset> {
    let lower = word.to_ascii_lowercase().replace('.', "");
    let (body, pm) = match lower.trim().strip_suffix("pm").or_else(|| lower.trim().strip_suffix("am")) {
        Some(body) => (body.trim().to_string(), Some(lower.trim().ends_with("pm"))),
        None => (lower.trim().to_string(), None),
    };
    if pm.is_none() && !body.contains(':') {
        return None;
    }
    let (h, m) = body.split_once(':').unwrap_or((&body, "0"));
    let (mut hour, minute): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    (hour < 24 && minute < 60).then_some(Reset::Clock { hour, minute })
}

fn duration(word: &str) -> Option<Reset> {
    let lower = word.to_ascii_lowercase();
    let digits: String = lower.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let value: f64 = digits.parse().ok()?;
    let unit = lower[digits.len()..].trim();
    let secs = match unit {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => value,
        "ms" => value / 1000.0,
        "m" | "min" | "mins" | "minute" | "minutes" => value * 60.0,
        "h" | "hr" | "hour" | "hours" => value * 3600.0,
        _ => return None,
    };
    Some(Reset::In(secs.ceil().max(0.0) as u64))
}

#[cfg(test)]
#[path = "usage_limits_tests.rs"]
mod tests;
