use super::*;
use chrono::{Local, TimeZone};
use std::collections::BTreeMap;

const NOW: i64 = 1_750_000_000_000;
const MIN: i64 = 60_000;
const GIB: u64 = 1 << 30;

fn task(id: &'static str, seq: i64, priority: u8) -> Pending<'static> {
    Pending {
        id,
        seq,
        priority,
        class: None,
        agent: "shell",
        account: "shell",
        enqueued_at: NOW - 1_000 + seq,
        not_before: None,
        retry_attempt: None,
        blocked_on: None,
        // Known and small unless a test says otherwise: unknown ones start one by one.
        mem_bytes: 64 << 20,
        seen_running: false,
        cpus: 0.0,
    }
}

fn classed(id: &'static str, seq: i64, class: &'static str) -> Pending<'static> {
    Pending { class: Some(class), ..task(id, seq, 5) }
}

fn limits(max: u32, classes: &[(&str, u32)]) -> ResourceLimits {
    ResourceLimits {
        max_concurrent_tasks: max,
        classes: classes.iter().map(|(n, c)| (n.to_string(), *c)).collect::<BTreeMap<_, _>>(),
        ..ResourceLimits::default()
    }
}

fn idle() -> Running {
    Running::default()
}

fn calm() -> Readings {
    Readings {
        cpu_percent: Some(10.0),
        cpus: 2,
        mem_percent: Some(20.0),
        mem_total_bytes: 16 * GIB,
        ..Readings::default()
    }
}

fn ids<'a>(pending: &[Pending<'a>], d: &Decision<'_>) -> Vec<&'a str> {
    d.start.iter().map(|&i| pending[i].id).collect()
}

fn reason_of(d: &Decision<'_>, index: usize) -> String {
    let (_, reason) = d.waiting.iter().find(|(i, _)| *i == index).expect("task should wait");
    reason.render(NOW)
}

fn run(pending: &[Pending<'_>], running: &Running, readings: &Readings, l: &ResourceLimits) -> Vec<String> {
    let d = decide(pending, running, readings, l, false, NOW);
    assert_eq!(d.start.len() + d.waiting.len(), pending.len(), "every task accounted for");
    d.start.iter().map(|&i| pending[i].id.to_string()).collect()
}

#[test]
fn higher_priority_starts_first() {
    let p = [task("low", 1, 2), task("high", 2, 9), task("mid", 3, 5)];
    assert_eq!(run(&p, &idle(), &calm(), &limits(5, &[])), ["high", "mid", "low"]);
}

#[test]
fn fifo_within_a_priority() {
    let mut p = [task("c", 3, 5), task("a", 1, 5), task("b", 2, 5)];
    assert_eq!(run(&p, &idle(), &calm(), &limits(5, &[])), ["a", "b", "c"]);
    // Same enqueue time: submit order decides.
    for t in &mut p {
        t.enqueued_at = NOW - 5;
    }
    assert_eq!(run(&p, &idle(), &calm(), &limits(5, &[])), ["a", "b", "c"]);
}

#[test]
fn aging_prevents_starvation() {
    let old_low = Pending { enqueued_at: NOW - 90 * MIN, ..task("old-low", 1, 1) };
    let new_high = task("new-high", 2, 9);
    assert_eq!(effective_priority(&old_low, NOW), 10);
    assert_eq!(effective_priority(&new_high, NOW), 9);
    let p = [new_high, old_low];
    assert_eq!(run(&p, &idle(), &calm(), &limits(1, &[])), ["old-low"]);
    // Not long enough yet: the high one still wins.
    let young_low = Pending { enqueued_at: NOW - 30 * MIN, ..task("low", 1, 1) };
    assert_eq!(effective_priority(&young_low, NOW), 4);
    let p = [new_high, young_low];
    assert_eq!(run(&p, &idle(), &calm(), &limits(1, &[])), ["new-high"]);
}

#[test]
fn aging_counts_from_when_a_task_became_ready() {
    let scheduled =
        Pending { enqueued_at: NOW - 300 * MIN, not_before: Some(NOW - 5 * MIN), ..task("s", 1, 3) };
    assert_eq!(effective_priority(&scheduled, NOW), 3);
    assert_eq!(effective_priority(&task("p", 1, 10), NOW + 999 * MIN), 10);
}

#[test]
fn class_cap_holds_extra_tasks_of_that_class() {
    let p = [classed("e1", 1, "e2e"), classed("e2", 2, "e2e")];
    let l = limits(5, &[("e2e", 1)]);
    let d = decide(&p, &idle(), &calm(), &l, false, NOW);
    assert_eq!(ids(&p, &d), ["e1"]);
    assert_eq!(reason_of(&d, 1), "class e2e full (1/1)");
    let running = Running { total: 1, per_class: [("e2e".into(), 1)].into(), ..idle() };
    let d = decide(&p, &running, &calm(), &l, false, NOW);
    assert!(d.start.is_empty());
    assert_eq!(reason_of(&d, 0), "class e2e full (1/1)");
    assert!(!d.gated);
}

#[test]
fn a_full_class_never_blocks_other_classes() {
    let mut p = vec![classed("e1", 1, "e2e"), classed("e2", 2, "e2e"), classed("e3", 3, "e2e")];
    p.push(Pending { priority: 1, ..classed("b1", 4, "build") });
    p.push(Pending { priority: 1, ..task("plain", 5, 1) });
    let l = limits(5, &[("e2e", 1), ("build", 2)]);
    assert_eq!(run(&p, &idle(), &calm(), &l), ["e1", "b1", "plain"]);
}

#[test]
fn uncapped_class_counts_only_against_the_global_cap() {
    let p: Vec<_> = (0..4).map(|i| classed("docs", i, "docs")).collect();
    assert_eq!(run(&p, &idle(), &calm(), &limits(3, &[("e2e", 1)])).len(), 3);
}

#[test]
fn global_cap() {
    let p = [task("a", 1, 5), task("b", 2, 5), task("c", 3, 5)];
    let running = Running { total: 3, ..idle() };
    let d = decide(&p, &running, &calm(), &limits(5, &[]), false, NOW);
    assert_eq!(ids(&p, &d), ["a", "b"]);
    assert_eq!(reason_of(&d, 2), "global cap (5/5)");
}

#[test]
fn class_full_outranks_global_cap_in_the_reason() {
    let p = [classed("e1", 1, "e2e")];
    let running = Running { total: 5, per_class: [("e2e".into(), 1)].into(), ..idle() };
    let d = decide(&p, &running, &calm(), &limits(5, &[("e2e", 1)]), false, NOW);
    assert_eq!(reason_of(&d, 0), "class e2e full (1/1)");
}

#[test]
fn closed_cpu_gate_starts_nothing() {
    let p = [task("a", 1, 5), task("b", 2, 5)];
    let r =
        Readings { cpu_percent: Some(92.4), cpu_gate: Gate::Usage { percent: 92.4, limit: 70.0 }, ..calm() };
    let d = decide(&p, &idle(), &r, &limits(5, &[]), false, NOW);
    assert!(d.start.is_empty());
    assert!(d.gated);
    assert_eq!(reason_of(&d, 0), "cpu 92% >= 70%");
    assert_eq!(reason_of(&d, 1), "cpu 92% >= 70%");
}

#[test]
fn closed_memory_gate_and_pressure_texts() {
    let p = [task("a", 1, 5)];
    let l = limits(5, &[]);
    let r = Readings { mem_gate: Gate::Usage { percent: 88.0, limit: 85.0 }, ..calm() };
    let d = decide(&p, &idle(), &r, &l, false, NOW);
    assert_eq!((d.start.len(), d.gated), (0, true));
    assert_eq!(reason_of(&d, 0), "memory 88% >= 85%");
    let r = Readings { mem_gate: Gate::Pressure { avg10: 12.5, limit: 10.0 }, ..calm() };
    assert_eq!(reason_of(&decide(&p, &idle(), &r, &l, false, NOW), 0), "memory pressure 12% >= 10%");
    let r = Readings { cpu_gate: Gate::Pressure { avg10: 75.0, limit: 70.0 }, ..calm() };
    assert_eq!(reason_of(&decide(&p, &idle(), &r, &l, false, NOW), 0), "cpu pressure 75% >= 70%");
    // Inside the hysteresis band the text names the configured threshold and the reopening level.
    let r = Readings { cpu_gate: Gate::Usage { percent: 67.0, limit: 70.0 }, ..calm() };
    let busy = Running { total: 1, ..idle() };
    let text = reason_of(&decide(&p, &busy, &r, &l, false, NOW), 0);
    assert_eq!(text, "cpu 67%, reopens below 65% (threshold 70%)");
    // With nothing running, a reading under the threshold lets the first task start.
    assert_eq!(run(&p, &idle(), &r, &l), ["a"]);
}

#[test]
fn threshold_100_disables_a_gate() {
    let p = [task("a", 1, 5)];
    let l = ResourceLimits { cpu_threshold: 100.0, memory_threshold: 100.0, ..limits(5, &[]) };
    let r = Readings {
        mem_percent: Some(99.0),
        cpu_gate: Gate::Usage { percent: 100.0, limit: 100.0 },
        mem_gate: Gate::Usage { percent: 99.0, limit: 95.0 },
        ..calm()
    };
    assert_eq!(run(&p, &idle(), &r, &l), ["a"]);
}

#[test]
fn footprints_count_across_starts_in_one_round() {
    // 50% in use of 16 GiB, threshold 85%: each 2 GiB task adds 12.5 points.
    let p: Vec<_> = (0..4).map(|i| Pending { mem_bytes: 2 * GIB, ..task("m", i, 5) }).collect();
    let r = Readings { mem_percent: Some(50.0), ..calm() };
    let d = decide(&p, &idle(), &r, &limits(10, &[]), false, NOW);
    // The candidate counts too: 50 + 12.5 + 12.5 = 75 fits, a third would make 87.5.
    assert_eq!(d.start, [0, 1]);
    assert_eq!(reason_of(&d, 2), "memory 50% + 38% expected > 85%");
    assert!(d.gated);
    // Running tasks whose memory the reading does not show yet count too.
    let running = Running { total: 1, reserved_mem_bytes: 2 * GIB, ..idle() };
    let d = decide(&p, &running, &r, &limits(10, &[]), false, NOW);
    assert_eq!(d.start, [0]);
}

#[test]
fn unknown_readings_never_block() {
    let p = [Pending { mem_bytes: 64 * GIB, ..task("a", 1, 5) }];
    assert_eq!(run(&p, &idle(), &Readings::default(), &limits(5, &[])), ["a"]);
}

#[test]
fn dependencies_scheduled_backoff_and_paused_texts() {
    let at = Local.with_ymd_and_hms(2025, 3, 4, 14, 5, 0).single().expect("valid local time");
    let now = at.timestamp_millis() - 5 * MIN;
    let tomorrow = at.timestamp_millis() + 19 * 60 * MIN;
    let p = [
        Pending { blocked_on: Some("ab12"), not_before: Some(now + MIN), ..task("d", 1, 5) },
        Pending { not_before: Some(at.timestamp_millis()), ..task("s", 2, 5) },
        Pending { not_before: Some(now + 7_200), retry_attempt: Some(2), ..task("r", 3, 5) },
        Pending { not_before: Some(tomorrow), ..task("t", 4, 5) },
        Pending { not_before: Some(now - 1), ..task("due", 5, 5) },
    ];
    let d = decide(&p, &idle(), &calm(), &limits(5, &[]), false, now);
    assert_eq!(d.start, [4]);
    let text = |i: usize| d.waiting.iter().find(|(j, _)| *j == i).map(|(_, r)| r.render(now));
    assert_eq!(text(0).as_deref(), Some("dependencies: waiting for ab12"));
    assert_eq!(text(1).as_deref(), Some("scheduled: starts 14:05"));
    assert_eq!(text(2).as_deref(), Some("backoff: retry 2 in 8s"));
    assert_eq!(text(3).as_deref(), Some("scheduled: starts 2025-03-05 09:05"));
    // The timer is for the earliest time-waiting task; the dependency one does not count.
    assert_eq!(d.wake_at, Some(now + 7_200));
    assert!(!d.gated);

    let d = decide(&p, &idle(), &calm(), &limits(5, &[]), true, now);
    assert!(d.start.is_empty() && d.wake_at.is_none());
    assert_eq!(d.waiting.len(), p.len());
    assert!(d.waiting.iter().all(|(_, r)| r.render(now) == "paused"));
}

#[test]
fn backoff_text_rounds_up_and_uses_minutes() {
    let r = WaitReason::Backoff { attempt: 3, at: NOW + 135_000 };
    assert_eq!(r.render(NOW), "backoff: retry 3 in 2m15s");
    assert_eq!(r.render(NOW + 134_500), "backoff: retry 3 in 1s");
    assert_eq!(r.render(NOW + 200_000), "backoff: retry 3 in 0s");
}

#[test]
fn scheduled_beats_class_full_in_the_reason() {
    let p = [Pending { not_before: Some(NOW + MIN), ..classed("e1", 1, "e2e") }];
    let running = Running { total: 1, per_class: [("e2e".into(), 1)].into(), ..idle() };
    let d = decide(&p, &running, &calm(), &limits(5, &[("e2e", 1)]), false, NOW);
    assert!(matches!(d.waiting[0].1, WaitReason::Scheduled(_)));
    assert_eq!(d.wake_at, Some(NOW + MIN));
}

#[test]
fn ten_thousand_pending_in_one_round() {
    let classes = ["e2e", "build", "docs"];
    let p: Vec<_> = (0..10_000i64)
        .map(|i| Pending {
            priority: (i % 10) as u8 + 1,
            class: (i % 4 != 0).then(|| classes[(i % 3) as usize]),
            ..task("x", i, 5)
        })
        .collect();
    let d = decide(&p, &idle(), &calm(), &limits(5, &[("e2e", 1), ("build", 2)]), false, NOW);
    assert_eq!(d.start.len(), 5);
    assert_eq!(d.waiting.len(), 9_995);
}

#[test]
fn caps_outrank_a_closed_gate_in_the_reason() {
    let p = [classed("e1", 1, "e2e"), task("plain", 2, 5)];
    let r = Readings { cpu_gate: Gate::Usage { percent: 95.0, limit: 70.0 }, ..calm() };
    let running = Running { total: 1, per_class: [("e2e".into(), 1)].into(), ..idle() };
    let d = decide(&p, &running, &r, &limits(5, &[("e2e", 1)]), false, NOW);
    assert_eq!(reason_of(&d, 0), "class e2e full (1/1)");
    assert_eq!(reason_of(&d, 1), "cpu 95% >= 70%");
    let running = Running { total: 5, ..running };
    let d = decide(&p, &running, &r, &limits(5, &[("e2e", 1)]), false, NOW);
    assert_eq!(reason_of(&d, 1), "global cap (5/5)");
    assert!(!d.gated, "nothing waits only on a gate");
}

#[test]
fn reason_keys_change_exactly_when_the_text_does() {
    let now = 1_700_000_000_000;
    let reasons = [
        WaitReason::Paused,
        WaitReason::Dependencies("ab12cd"),
        WaitReason::Dependencies("ab12ce"),
        WaitReason::GlobalCap { running: 5, cap: 5 },
        WaitReason::GlobalCap { running: 4, cap: 5 },
        WaitReason::ClassFull { class: "e2e", running: 1, cap: 1 },
        WaitReason::Cpu { percent: 92.4, threshold: 70.0 },
        WaitReason::Cpu { percent: 93.1, threshold: 70.0 },
        WaitReason::Memory { percent: 92.4, threshold: 70.0 },
        WaitReason::Backoff { attempt: 2, at: now + 8_000 },
        WaitReason::Backoff { attempt: 2, at: now + 9_000 },
        WaitReason::CpuMeasuring,
    ];
    for a in &reasons {
        for b in &reasons {
            let same_text = a.render(now) == b.render(now);
            assert_eq!(a.key(now) == b.key(now), same_text, "{} vs {}", a.render(now), b.render(now));
        }
    }
    // The same reading within one percent renders the same, and so keys the same.
    let a = WaitReason::Cpu { percent: 92.1, threshold: 70.0 };
    let b = WaitReason::Cpu { percent: 92.8, threshold: 70.0 };
    assert_eq!(a.key(now), b.key(now));
    assert_eq!(a.render(now), b.render(now));
}

#[path = "admission_scenarios.rs"]
mod scenarios;
