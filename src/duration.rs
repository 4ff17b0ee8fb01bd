//! Human durations: `90s`, `10m`, `1h30m`, `2d`, `500ms`.

use crate::error::{Error, Result};
use std::time::Duration;

/// 100 years in ms.
const MAX_MS: u128 = 100 * 365 * 86_400_000;

pub fn parse(text: &str) -> Result<Duration> {
    let bad = || {
        Error::usage(format!(
            "invalid duration '{text}': expected a number with a unit, like 90s, 10m, 1h30m or 2d"
        ))
    };
    let too_large = || Error::usage(format!("duration '{text}' is too large: at most 36500d (100 years)"));
    let s = text.trim();
    if s.is_empty() {
        return Err(bad());
    }
    let mut total_ms: u128 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let value: u128 = rest[..digits].parse().map_err(|_| too_large())?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let unit_ms: u128 = match &rest[..unit_len] {
            "ms" => 1,
            "s" | "sec" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total_ms = value.checked_mul(unit_ms).and_then(|v| total_ms.checked_add(v)).ok_or_else(too_large)?;
    }
    // Beyond ~100 years is certainly a typo, and would overflow timestamps downstream.
    if total_ms > MAX_MS {
        return Err(too_large());
    }
    Ok(Duration::from_millis(total_ms as u64))
}

/// Compact rendering for people: `2m15s`, `1h03m`, `850ms`.
pub fn format(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1_000 {
        return format!("{ms}ms");
    }
    let s = d.as_secs();
    match s {
        0..60 => {
            let tenths = (ms % 1_000) / 100;
            if s < 10 && tenths > 0 { format!("{s}.{tenths}s") } else { format!("{s}s") }
        }
        60..3_600 => format!("{}m{:02}s", s / 60, s % 60),
        3_600..86_400 => format!("{}h{:02}m", s / 3_600, (s % 3_600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3_600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5_400));
        assert_eq!(parse("2d").unwrap(), Duration::from_secs(172_800));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
    }

    #[test]
    fn refuses_nonsense_with_the_input_named() {
        for bad in ["", "10", "m", "1x", "-5s", "1.5h"] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains("invalid duration"), "{bad}: {err}");
        }
    }

    #[test]
    fn huge_numbers_are_too_large_not_malformed() {
        for big in
            ["99999999999999999999d", "99999999999999999999s", "99999d", "36501d", "9".repeat(60).as_str()]
        {
            let big = if big.ends_with(char::is_alphabetic) { big.to_string() } else { format!("{big}s") };
            let err = parse(&big).unwrap_err().to_string();
            assert!(err.contains("too large") && err.contains(&big), "{big}: {err}");
        }
        assert_eq!(parse("36500d").unwrap(), Duration::from_secs(36_500 * 86_400));
    }

    #[test]
    fn formats_compactly() {
        assert_eq!(format(Duration::from_millis(850)), "850ms");
        assert_eq!(format(Duration::from_secs(135)), "2m15s");
        assert_eq!(format(Duration::from_secs(3_780)), "1h03m");
    }
}
