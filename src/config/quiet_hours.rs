//! Quiet hours, `22:00-07:00` in local time: a delivery made inside them waits until they end
//! (it is held, never dropped: the morning shows what happened in the night). Pure but for
//! `until_ms`, which reads the local time zone.

use chrono::{Duration, NaiveDateTime, NaiveTime, TimeZone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    start: NaiveTime,
    end: NaiveTime,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QuietError {
    #[error("expected HH:MM-HH:MM in local time, like 22:00-07:00, got '{0}'")]
    Format(String),
    #[error("start and end are the same time: that is no quiet hours, or all day")]
    Empty,
}

impl QuietHours {
    pub fn parse(text: &str) -> Result<QuietHours, QuietError> {
        let bad = || QuietError::Format(text.to_string());
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (start, end) = (time(a)?, time(b)?);
        if start == end {
            return Err(QuietError::Empty);
        }
        Ok(QuietHours { start, end })
    }

    /// When the quiet hours that hold `now` end; `None` outside them. A window that passes
    /// midnight (22:00-07:00) ends on the next day when `now` is before midnight.
    pub fn until(&self, now: NaiveDateTime) -> Option<NaiveDateTime> {
        let t = now.time();
        let today_end = now.date().and_time(self.end);
        if self.start < self.end {
            return (t >= self.start && t < self.end).then_some(today_end);
        }
        if t >= self.start {
            Some(today_end + Duration::days(1))
        } else if t < self.end {
            Some(today_end)
        } else {
            None
        }
    }

    /// As `until`, in Unix ms, for the local time zone.
    pub fn until_ms(&self, now_ms: i64) -> Option<i64> {
        let now = chrono::Local.timestamp_millis_opt(now_ms).single()?;
        let end = self.until(now.naive_local())?;
        // A local time skipped by a clock change: an hour later exists.
        let local = chrono::Local
            .from_local_datetime(&end)
            .earliest()
            .or_else(|| chrono::Local.from_local_datetime(&(end + Duration::hours(1))).earliest())?;
        Some(local.timestamp_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("2026-03-10 {text}"), "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn windows_over_midnight_and_within_a_day() {
        let night = QuietHours::parse("22:00-07:00").unwrap();
        assert_eq!(night.until(at("23:30")), Some(at("07:00") + Duration::days(1)));
        assert_eq!(night.until(at("03:00")), Some(at("07:00")));
        assert_eq!(night.until(at("07:00")), None, "the end is not quiet any more");
        assert_eq!(night.until(at("12:00")), None);
        assert_eq!(night.until(at("22:00")), Some(at("07:00") + Duration::days(1)));
        let lunch = QuietHours::parse("12:00 - 13:30").unwrap();
        assert_eq!(lunch.until(at("12:15")), Some(at("13:30")));
        assert_eq!(lunch.until(at("11:59")), None);
        assert_eq!(lunch.until(at("13:30")), None);
    }

    #[test]
    fn bad_windows_are_refused() {
        assert!(matches!(QuietHours::parse("22-7"), Err(QuietError::Format(_))));
        assert!(matches!(QuietHours::parse("25:00-07:00"), Err(QuietError::Format(_))));
        assert_eq!(QuietHours::parse("07:00-07:00"), Err(QuietError::Empty));
    }
}
