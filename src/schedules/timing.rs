//! When a schedule's windows are, and which of them a wake-up finds due. Time is passed in
//! (milliseconds since the epoch), never read here: tests inject it.
//!
//! Daylight-saving rules (croner's, tested in `tests.rs`): a fixed time that falls in a gap
//! (02:30 on a spring-forward night) runs at the first instant after the gap; a fixed time in
//! a repeated hour runs once, at its first occurrence; an interval pattern (`*/15 * * * *`)
//! runs on both passes of a repeated hour. `--every` counts real time and ignores zones.

use super::ScheduleError;
use chrono::TimeZone;
use croner::Cron;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Timing {
    /// A cron expression (5 fields, or 6 with seconds first) in `tz` (the worker's local zone
    /// when `None`).
    Cron { expr: String, tz: Option<String> },
    /// Every `ms` milliseconds from `anchor` (when the schedule was added).
    Every { ms: u64, text: String, anchor: i64 },
}

/// Windows counted one by one at most; past it the count is reported as this many.
const COUNT_CAP: u64 = 10_000;

impl Timing {
    pub fn cron(expr: &str, tz: Option<&str>) -> Result<Timing, ScheduleError> {
        let t = Timing::Cron { expr: expr.trim().to_string(), tz: tz.map(str::to_string) };
        t.check()?;
        Ok(t)
    }

    pub fn every(text: &str) -> Result<Timing, ScheduleError> {
        let ms =
            crate::duration::parse(text).map_err(|_| ScheduleError::Every(text.to_string()))?.as_millis();
        if ms < 1000 {
            return Err(ScheduleError::Every(text.to_string()));
        }
        Ok(Timing::Every { ms: ms as u64, text: text.trim().to_string(), anchor: 0 })
    }

    /// Anchor an interval at `now` (the worker does so when it adds the schedule).
    pub fn anchored(self, now: i64) -> Timing {
        match self {
            Timing::Every { ms, text, .. } => Timing::Every { ms, text, anchor: now },
            cron => cron,
        }
    }

    pub fn check(&self) -> Result<(), ScheduleError> {
        match self {
            Timing::Cron { expr, tz } => {
                parse_cron(expr)?;
                if let Some(tz) = tz {
                    zone(tz)?;
                }
                Ok(())
            }
            Timing::Every { ms, text, .. } if *ms < 1000 => Err(ScheduleError::Every(text.clone())),
            Timing::Every { .. } => Ok(()),
        }
    }

    /// As `schedule list` shows it: `every 2s`, `cron 0 9 * * 1-5 Europe/Berlin`.
    pub fn text(&self) -> String {
        match self {
            Timing::Every { text, .. } => format!("every {text}"),
            Timing::Cron { expr, tz: Some(tz) } => format!("cron {expr} {tz}"),
            Timing::Cron { expr, tz: None } => format!("cron {expr}"),
        }
    }

    /// The first window strictly after `after`; `None` when the pattern never matches again.
    pub fn next_after(&self, after: i64) -> Option<i64> {
        match self {
            Timing::Every { ms, anchor, .. } => {
                let ms = (*ms).max(1) as i64;
                Some(anchor + ((after - anchor).div_euclid(ms) + 1) * ms)
            }
            Timing::Cron { expr, tz } => {
                let cron = parse_cron(expr).ok()?;
                match tz {
                    Some(tz) => next_in(&cron, &zone(tz).ok()?, after),
                    None => next_in(&cron, &chrono::Local, after),
                }
            }
        }
    }
}

fn parse_cron(expr: &str) -> Result<Cron, ScheduleError> {
    Cron::from_str(expr).map_err(|e| ScheduleError::Cron { expr: expr.to_string(), why: e.to_string() })
}

fn zone(tz: &str) -> Result<chrono_tz::Tz, ScheduleError> {
    tz.parse().map_err(|_| ScheduleError::Zone(tz.to_string()))
}

fn next_in<Z: TimeZone>(cron: &Cron, zone: &Z, after: i64) -> Option<i64> {
    // Cron has whole seconds: the next window after 09:00:00.400 is after 09:00:00.
    let start = zone.timestamp_opt(after.div_euclid(1000), 0).single()?;
    cron.find_next_occurrence(&start, false).ok().map(|t| t.timestamp_millis())
}

/// The windows a wake-up at `now` finds due, from `next_at` (the first not yet handled).
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// How many windows are due (at most `COUNT_CAP`).
    pub count: u64,
    pub first: i64,
    pub last: i64,
    /// The window before `last` (`None` when only one is due).
    pub before_last: Option<i64>,
    /// The last window is being handled when it should be: it runs as a normal firing.
    pub on_time: bool,
    /// The first window after `now`.
    pub next: Option<i64>,
}

impl Due {
    /// Windows that passed unhandled (the worker down, the machine asleep, the clock moved).
    pub fn missed(&self) -> u64 {
        self.count - u64::from(self.on_time)
    }
}

/// What is due at `now`. `fresh`: the worker was running and waiting for `next_at` (not just
/// started, no clock jump seen); only then can a window be on time. A window handled later
/// than half its interval (at most a minute) is missed: the machine was asleep or the wall
/// clock jumped. A clock set back finds nothing due: windows already handled never repeat.
pub fn classify(timing: &Timing, next_at: i64, now: i64, fresh: bool) -> Option<Due> {
    if next_at > now {
        return None;
    }
    let (count, last, before_last) = match timing {
        Timing::Every { ms, .. } => {
            let ms = (*ms).max(1) as i64;
            let count = ((now - next_at) / ms + 1) as u64;
            let last = next_at + (count as i64 - 1) * ms;
            (count.min(COUNT_CAP), last, (count > 1).then_some(last - ms))
        }
        Timing::Cron { .. } => {
            let (mut count, mut last, mut before) = (1, next_at, None);
            while let Some(n) = timing.next_after(last).filter(|n| *n <= now) {
                before = Some(last);
                last = n;
                count += 1;
                if count >= COUNT_CAP {
                    break;
                }
            }
            (count, last, before)
        }
    };
    let gap = timing.next_after(last).map_or(120_000, |n| n - last);
    let grace = (gap / 2).clamp(500, 60_000);
    Some(Due {
        count,
        first: next_at,
        last,
        before_last,
        on_time: fresh && now - last <= grace,
        next: timing.next_after(now),
    })
}
