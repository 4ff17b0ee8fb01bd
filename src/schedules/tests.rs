//! The window rules with an injected clock: daylight saving, clock jumps, restarts.

use super::*;
use chrono::{TimeZone, Utc};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().timestamp_millis()
}

fn berlin(expr: &str) -> Timing {
    Timing::cron(expr, Some("Europe/Berlin")).unwrap()
}

#[test]
fn a_fixed_time_in_a_spring_forward_gap_runs_right_after_the_gap() {
    // 2026-03-29: Berlin jumps from 02:00 (UTC+1) to 03:00 (UTC+2); 02:30 does not exist.
    let t = berlin("30 2 * * *");
    let next = t.next_after(utc(2026, 3, 28, 23, 0)).unwrap();
    assert_eq!(next, utc(2026, 3, 29, 1, 0), "03:00 CEST, the first instant after the gap");
    // The day after, 02:30 exists again.
    assert_eq!(t.next_after(next).unwrap(), utc(2026, 3, 30, 0, 30));
}

#[test]
fn a_fixed_time_in_a_repeated_hour_runs_once() {
    // 2026-10-25: Berlin goes back from 03:00 (UTC+2) to 02:00 (UTC+1); 02:30 happens twice.
    let t = berlin("30 2 * * *");
    let first = t.next_after(utc(2026, 10, 24, 22, 0)).unwrap();
    assert_eq!(first, utc(2026, 10, 25, 0, 30), "the first 02:30 (CEST)");
    assert_eq!(
        t.next_after(first).unwrap(),
        utc(2026, 10, 26, 1, 30),
        "not the second 02:30, the next day's"
    );
}

#[test]
fn an_interval_pattern_runs_on_both_passes_of_a_repeated_hour() {
    let t = berlin("30 * * * *");
    let first = t.next_after(utc(2026, 10, 25, 0, 0)).unwrap();
    assert_eq!(first, utc(2026, 10, 25, 0, 30));
    assert_eq!(t.next_after(first).unwrap(), utc(2026, 10, 25, 1, 30), "02:30 CET, the second pass");
}

#[test]
fn every_counts_real_time_from_its_anchor() {
    let t = Timing::every("2s").unwrap().anchored(10_000);
    assert_eq!(t.next_after(10_000), Some(12_000));
    assert_eq!(t.next_after(13_999), Some(14_000));
    assert_eq!(t.text(), "every 2s");
}

#[test]
fn a_window_handled_when_due_is_on_time() {
    let t = Timing::every("60s").unwrap().anchored(0);
    let due = classify(&t, 60_000, 60_005, true).unwrap();
    assert_eq!((due.count, due.missed(), due.on_time, due.next), (1, 0, true, Some(120_000)));
    assert_eq!(classify(&t, 60_000, 59_999, true), None, "nothing before the window");
}

#[test]
fn a_clock_jump_forward_makes_the_passed_windows_missed() {
    let t = Timing::every("60s").unwrap().anchored(0);
    // Woken just after the fourth window: three missed, the fourth on time.
    let due = classify(&t, 60_000, 240_100, true).unwrap();
    assert_eq!((due.count, due.missed(), due.on_time, due.last), (4, 3, true, 240_000));
    assert_eq!(due.before_last, Some(180_000), "the last missed one");
    // Woken after a suspend, 40s past the last window (more than half an interval): all missed.
    let due = classify(&t, 60_000, 280_000, true).unwrap();
    assert_eq!((due.count, due.missed(), due.on_time), (4, 4, false));
    assert_eq!(due.next, Some(300_000));
}

#[test]
fn a_clock_set_back_repeats_no_window() {
    let t = berlin("0 9 * * *");
    let next = utc(2026, 6, 2, 7, 0);
    assert_eq!(classify(&t, next, next - 3_600_000, true), None);
}

#[test]
fn after_a_restart_every_passed_window_is_missed() {
    let t = berlin("0 * * * *");
    let due = classify(&t, utc(2026, 6, 1, 10, 0), utc(2026, 6, 1, 13, 0), false).unwrap();
    assert_eq!((due.count, due.missed(), due.on_time), (4, 4, false));
    assert_eq!(due.next, Some(utc(2026, 6, 1, 14, 0)));
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    assert!(matches!(Timing::cron("61 * * * *", None), Err(ScheduleError::Cron { .. })));
    assert!(matches!(Timing::cron("not cron", None), Err(ScheduleError::Cron { .. })));
    assert_eq!(Timing::cron("0 9 * * *", Some("Mars/Base")), Err(ScheduleError::Zone("Mars/Base".into())));
    assert!(Timing::every("500ms").is_err());
    assert!(Timing::every("soon").is_err());
    assert!(check_name("nightly-deps_2.x").is_ok());
    for bad in ["", "-x", "a b", "a/b", &"x".repeat(65)] {
        assert!(check_name(bad).is_err(), "{bad:?}");
    }
    assert_eq!("all".parse::<CatchUp>(), Ok(CatchUp::All));
    assert!("never".parse::<Overlap>().is_err());
}
