use super::*;
use crate::scheduler::hysteresis::reopen_level;

const PSI: &str = "some avg10=13.40 avg60=25.51 avg300=11.32 total=43114965\n\
                   full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

#[test]
fn parses_psi_some_avg10() {
    assert_eq!(parse_psi_some_avg10(PSI), Some(13.40));
    // Old kernels have no "full" line for cpu.
    assert_eq!(parse_psi_some_avg10("some avg10=0.00 avg60=0.00 avg300=0.00 total=0"), Some(0.0));
    assert_eq!(parse_psi_some_avg10("full avg10=5.00 avg60=0 avg300=0 total=0\n"), None);
    assert_eq!(parse_psi_some_avg10(""), None);
    assert_eq!(parse_psi_some_avg10("some avg10=nan avg60=1"), None);
    assert_eq!(parse_psi_some_avg10("some avg60=1.0"), None);
}

#[test]
fn hysteresis_closes_at_threshold_and_reopens_five_below() {
    assert!(!hysteresis(false, Some(69.9), 70.0));
    assert!(hysteresis(false, Some(70.0), 70.0));
    assert!(hysteresis(true, Some(66.0), 70.0), "stays closed inside the band");
    assert!(hysteresis(true, Some(65.0), 70.0));
    assert!(!hysteresis(true, Some(64.9), 70.0));
    assert!(!hysteresis(true, None, 70.0), "unknown opens");
}

/// Issue 9: `memory_threshold = 4` with 1% in use once waited forever on "memory 1% >= -1%".
#[test]
fn a_low_threshold_can_always_reopen() {
    assert_eq!(reopen_level(70.0), 65.0);
    assert_eq!(reopen_level(4.0), 3.0);
    for threshold in [0.5, 1.0, 4.0, 12.0, 20.0, 85.0] {
        let reopen = reopen_level(threshold);
        assert!(reopen > 0.0 && reopen < threshold, "{threshold}: {reopen}");
        assert!(!hysteresis(true, Some(reopen - 0.01), threshold), "{threshold} reopens");
    }
    assert!(!hysteresis(true, Some(1.0), 4.0), "1% in use reopens a gate closed at 4%");
}

#[test]
fn gate_shows_the_configured_threshold() {
    let g = gate((true, Some(92.0), 70.0), (false, None, 70.0));
    assert_eq!(g, Gate::Usage { percent: 92.0, limit: 70.0 });
    let g = gate((true, Some(67.0), 70.0), (false, None, 70.0));
    assert_eq!(g, Gate::Usage { percent: 67.0, limit: 70.0 });
    let g = gate((false, Some(50.0), 85.0), (true, Some(12.0), 10.0));
    assert_eq!(g, Gate::Pressure { avg10: 12.0, limit: 10.0 });
    assert_eq!(gate((false, Some(50.0), 85.0), (false, Some(1.0), 10.0)), Gate::Open);
}

#[test]
fn ema_smooths_over_about_three_seconds() {
    let tau = CPU_SMOOTHING;
    assert_eq!(ema(None, 80.0, Duration::from_millis(500), tau), 80.0);
    let step = ema(Some(0.0), 100.0, Duration::from_millis(500), tau);
    assert!((15.0..16.0).contains(&step), "{step}");
    // After a time constant, ~63% of a step is through.
    let mut v = Some(0.0);
    for _ in 0..6 {
        v = Some(ema(v, 100.0, Duration::from_millis(500), tau));
    }
    let v = v.unwrap_or_default();
    assert!((62.0..64.0).contains(&v), "{v}");
    // A long idle gap trusts the new sample (measured over that gap).
    assert!(ema(Some(0.0), 50.0, Duration::from_secs(60), tau) > 49.9);
}

#[test]
fn memory_in_use_host_and_cgroup() {
    let gib = 1u64 << 30;
    let (pct, total) = memory_in_use(16 * gib, 4 * gib, None).unwrap_or_default();
    assert_eq!((pct, total), (75.0, 16 * gib));
    // A 4 GiB container holding 3.6 GiB of anonymous memory is at 90%.
    let (pct, total) = memory_in_use(16 * gib, 12 * gib, Some((4 * gib, 36 * gib / 10))).unwrap_or_default();
    assert!((pct - 90.0).abs() < 1e-6, "{pct}");
    assert_eq!(total, 4 * gib);
    // No effective limit ("max" reads as the host total): the host figure stands.
    let (pct, _) = memory_in_use(16 * gib, 8 * gib, Some((16 * gib, gib))).unwrap_or_default();
    assert_eq!(pct, 50.0);
    assert_eq!(memory_in_use(0, 0, None), None);
}

#[test]
fn running_tasks_other_than_the_reader_are_the_cpu_right_now() {
    let stat = |n: u32| format!("cpu  1 2 3 4\nctxt 99\nprocs_running {n}\nprocs_blocked 0\n");
    assert_eq!(running_percent(&stat(1), 2), Some(0.0), "only the worker reading it");
    assert_eq!(running_percent(&stat(2), 2), Some(50.0));
    assert_eq!(running_percent(&stat(9), 4), Some(100.0), "capped at all cores");
    assert_eq!(running_percent("cpu  1 2 3 4\n", 2), None);
}

#[test]
fn own_share_is_a_percent_of_all_cores() {
    let ms = Duration::from_millis;
    // Half a core over a second on two cores: a quarter of the machine.
    assert!((own_share(ms(500), ms(1000), 2) - 25.0).abs() < 1e-9);
    assert!((own_share(ms(400), ms(200), 2) - 100.0).abs() < 1e-9);
    assert_eq!(own_share(ms(400), ms(0), 2), 0.0);
    // Unknown cores count as one.
    assert!((own_share(ms(100), ms(1000), 0) - 10.0).abs() < 1e-9);
}
