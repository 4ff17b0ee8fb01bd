//! The clock: milliseconds since the Unix epoch, as the database stores time, and their
//! RFC 3339 form, as JSON output shows it.

/// Now, in milliseconds since the Unix epoch (0 on a clock set before 1970).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// `ms` as RFC 3339 in UTC with milliseconds (`2026-12-02T07:50:00.000Z`); empty when out
/// of range.
pub fn rfc3339(ms: i64) -> String {
    use chrono::{SecondsFormat, TimeZone, Utc};
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}
