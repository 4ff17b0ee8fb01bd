use super::*;
use crate::scheduler::snapshot::Gate;

#[test]
fn monitor_samples_real_system() {
    let mut monitor = ResourceMonitor::new();
    let limits = ResourceLimits::default();
    let first = monitor.sample(Instant::now(), &limits);
    std::thread::sleep(MINIMUM_CPU_UPDATE_INTERVAL);
    let second = monitor.sample(Instant::now(), &limits);
    if let Some(pct) = second.mem_percent {
        assert!((0.0..=100.0).contains(&pct), "{pct}");
        assert!(second.mem_total_bytes > 0);
    }
    if let Some(cpu) = second.cpu_percent {
        assert!((0.0..=100.0).contains(&cpu), "{cpu}");
    }
    let _ = first;
    assert!(monitor.next_sample_due() > Instant::now() - Duration::from_secs(1));
}

#[test]
fn threshold_100_keeps_gates_open() {
    let mut monitor = ResourceMonitor::new();
    let limits =
        ResourceLimits { cpu_threshold: 100.0, memory_threshold: 100.0, ..ResourceLimits::default() };
    let mut r = Readings {
        cpu_percent: Some(100.0),
        mem_percent: Some(100.0),
        cpu_pressure: Some(100.0),
        mem_pressure: Some(100.0),
        ..Readings::default()
    };
    monitor.update_gates(&mut r, &limits);
    assert_eq!((r.cpu_gate, r.mem_gate), (Gate::Open, Gate::Open));
    let limits = ResourceLimits::default();
    monitor.update_gates(&mut r, &limits);
    assert!(r.cpu_gate.is_closed() && r.mem_gate.is_closed());
}

#[test]
fn before_the_first_interval_and_after_a_quiet_spell_what_runs_now_is_the_reading() {
    let limits = ResourceLimits::default();
    let mut monitor = ResourceMonitor::new();
    let t0 = Instant::now();
    // Right after start no interval is measured yet: the tasks running now stand in, so the
    // gate is not left measuring (a busy machine closes it on that reading or on pressure).
    let first = monitor.sample(t0, &limits);
    assert!(first.cpu_percent.is_some());
    assert_ne!(first.cpu_gate, Gate::Measuring);
    assert!(monitor.next_sample_due() <= t0 + MINIMUM_CPU_UPDATE_INTERVAL, "the interval is still measured");
    let second = monitor.sample(t0 + MINIMUM_CPU_UPDATE_INTERVAL, &limits);
    assert!(second.cpu_percent.is_some());
    // After a long quiet spell, the old interval is thrown away and measured afresh.
    let later = monitor.sample(t0 + MINIMUM_CPU_UPDATE_INTERVAL + STALE_AFTER * 2, &limits);
    assert!(later.cpu_percent.is_some());
    assert!(monitor.next_sample_due() <= t0 + MINIMUM_CPU_UPDATE_INTERVAL * 2 + STALE_AFTER * 2);
    // With the gate off there is nothing to wait for.
    let off = ResourceLimits { cpu_threshold: 100.0, ..ResourceLimits::default() };
    assert_eq!(ResourceMonitor::new().sample(Instant::now(), &off).cpu_gate, Gate::Open);
}

#[test]
fn supervisors_cpu_is_left_out_like_the_workers() {
    let limits = ResourceLimits::default();
    let mut monitor = ResourceMonitor::new();
    monitor.sample(Instant::now(), &limits);
    std::thread::sleep(MINIMUM_CPU_UPDATE_INTERVAL);
    // Supervisors that ended report more CPU than the interval held on every core.
    monitor.count_machinery(MINIMUM_CPU_UPDATE_INTERVAL * 64);
    let reading = monitor.sample(Instant::now(), &limits);
    assert_eq!(reading.cpu_percent, Some(0.0));
}
