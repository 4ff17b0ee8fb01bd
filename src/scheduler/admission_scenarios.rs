//! The scenarios of issue 9 ("Admission that never overshoots"), step by step, without I/O:
//! each step is one round with the readings a real machine would show by then.

use super::*;

const GIB: u64 = 1 << 30;
const TOTAL: u64 = 24 * GIB;

fn burst(n: i64, mem_bytes: u64, cpus: f64) -> Vec<Pending<'static>> {
    (0..n).map(|i| Pending { mem_bytes, cpus, ..task("t", i, 5) }).collect()
}

fn mem_limits(threshold: f64) -> ResourceLimits {
    ResourceLimits { cpu_threshold: 100.0, memory_threshold: threshold, ..limits(10, &[]) }
}

fn mem_at(percent: f64) -> Readings {
    Readings { mem_percent: Some(percent), mem_total_bytes: TOTAL, cpu_percent: Some(5.0), cpus: 2, ..calm() }
}

fn pct(p: f64) -> u64 {
    (TOTAL as f64 * p / 100.0) as u64
}

/// 8 tasks climbing to 9% each, threshold = 3% in use + 20%: a known kind runs two at a time,
/// never three (3 + 9 + 9 = 21 <= 23; a third would be 30).
#[test]
fn a_burst_of_a_known_kind_stays_under_the_threshold() {
    let p = burst(8, pct(9.0), 0.5);
    let l = mem_limits(23.0);
    // Round 1, idle: the first two fit by their footprints before either shows.
    let d = decide(&p, &idle(), &mem_at(3.0), &l, false, NOW);
    assert_eq!(d.start, [0, 1]);
    assert_eq!(reason_of(&d, 2), "memory 3% + 27% expected > 23%");
    // Half-way up their climb, the reading shows 4.5% each; the rest stays reserved.
    let running = Running { total: 2, reserved_mem_bytes: pct(9.0), ..idle() };
    let rest = &p[2..];
    let d = decide(rest, &running, &mem_at(12.0), &l, false, NOW);
    assert!(d.start.is_empty(), "nothing more while the two are climbing");
    assert_eq!(reason_of(&d, 0), "memory 12% + 18% expected > 23%");
    // One ends: the other shows fully, and one more fits.
    let running = Running { total: 1, ..idle() };
    assert_eq!(decide(rest, &running, &mem_at(12.0), &l, false, NOW).start, [0]);
}

/// On a VM that gives freed pages back slowly, the reading still counts a pair that ended:
/// what the worker credits as freed lets the next pair start, and only that much.
#[test]
fn memory_freed_but_not_shown_yet_lets_the_next_pair_start() {
    let p = burst(6, pct(9.0), 0.5);
    let l = mem_limits(23.0);
    // A pair ended at 21% (3% base); the reading still says 21%, 18 points being given back.
    let freed = Running { freeing_mem_bytes: pct(18.0), ..idle() };
    let d = decide(&p, &freed, &mem_at(21.0), &l, false, NOW);
    assert_eq!(d.start, [0, 1]);
    assert_eq!(reason_of(&d, 2), "memory 3% + 27% expected > 23% (18% freed, not shown yet)");
    // Without the credit, only the first (the machine is idle) could start.
    let d = decide(&p, &idle(), &mem_at(21.0), &l, false, NOW);
    assert_eq!(d.start, [0]);
    assert_eq!(reason_of(&d, 1), "memory 21% + 18% expected > 23%");
    // Only what is credited counts: 9 of the 18 points (the rest capped), and one starts.
    let half = Running { freeing_mem_bytes: pct(9.0), ..idle() };
    let d = decide(&p, &half, &mem_at(21.0), &l, false, NOW);
    assert_eq!(d.start, [0]);
    assert_eq!(reason_of(&d, 1), "memory 12% + 18% expected > 23% (9% freed, not shown yet)");
}

/// The first burst of an unknown kind starts one by one (slow start): each start waits until
/// the one before has been watched climbing; at most one task's size goes over.
#[test]
fn a_burst_of_an_unknown_kind_starts_one_at_a_time() {
    let p = burst(8, 0, 1.0);
    let l = mem_limits(23.0);
    let d = decide(&p, &idle(), &mem_at(3.0), &l, false, NOW);
    assert_eq!(d.start, [0], "an unknown task may always start on an idle machine");
    assert_eq!(reason_of(&d, 1), "memory: slow start, watching a task of unknown size");
    assert!(d.gated);
    // Still being watched: nothing else starts.
    let watching = Running { total: 1, watching: 1, ..idle() };
    assert!(decide(&p[1..], &watching, &mem_at(8.0), &l, false, NOW).start.is_empty());
    // Watched long enough, it shows its 9%: one more, and again only one.
    let watched = Running { total: 1, ..idle() };
    assert_eq!(decide(&p[1..], &watched, &mem_at(12.0), &l, false, NOW).start, [0]);
    // Two running at 21%: under 23%, so the gate lets a third start, which may climb past the
    // threshold by at most its own size; a fourth is held by its slow start.
    let two = Running { total: 2, ..idle() };
    assert_eq!(decide(&p[2..], &two, &mem_at(21.0), &l, false, NOW).start, [0]);
    let three = Running { total: 3, ..idle() };
    assert!(decide(&p[3..], &three, &mem_at(30.0), &l, false, NOW).start.is_empty());
}

/// Once the first of an unknown kind has been watched, what it shows is what the next reserves,
/// so the rest of a first burst does not wait for an attempt to end (the bench's unknown burst
/// lost a slot each time the first attempt outlived its watch); the next is watched in turn.
#[test]
fn a_burst_whose_first_was_seen_running_reserves_what_it_showed() {
    let l = mem_limits(23.0);
    // The first, watched long enough, shows 9% at 12%: its kind's footprint is what it showed.
    let seen: Vec<_> =
        burst(7, pct(9.0), 1.0).into_iter().map(|t| Pending { seen_running: true, ..t }).collect();
    let watched = Running { total: 1, ..idle() };
    let d = decide(&seen, &watched, &mem_at(12.0), &l, false, NOW);
    assert_eq!(d.start, [0], "12 + 9 <= 23, and only one: it is watched in turn");
    assert_eq!(reason_of(&d, 1), "memory: slow start, watching a task of unknown size");
    // Seen at 9% but not yet showing it: its reservation holds the next even once watched.
    let reserving = Running { total: 2, reserved_mem_bytes: pct(9.0), ..idle() };
    let d = decide(&seen[1..], &reserving, &mem_at(12.0), &l, false, NOW);
    assert!(d.start.is_empty());
    assert_eq!(reason_of(&d, 0), "memory 12% + 18% expected > 23%");
}

/// Slow start holds only where room is tight: with what an unknown task could use known (here
/// 5% of memory), a burst of small unknown tasks at 2% against 85% starts at once, while the
/// same burst at 76% starts one at a time.
#[test]
fn slow_start_holds_only_when_room_is_tight() {
    let p = burst(8, 0, 0.1);
    let l = mem_limits(85.0);
    let known = Running { watch_bytes: pct(5.0), ..idle() };
    let d = decide(&p, &known, &mem_at(2.0), &l, false, NOW);
    assert_eq!(d.start.len(), 8, "2% + 8 × 5% fits under 85%: {:?}", d.waiting);
    let d = decide(&p, &known, &mem_at(76.0), &l, false, NOW);
    assert_eq!(d.start, [0], "76% + 2 × 5% does not fit under 85%");
    assert_eq!(reason_of(&d, 1), "memory: slow start, watching a task of unknown size");
    // Room for the watched task and one more (72% + 2 × 5%), not for a third (+ 5%).
    let one_watched = Running { total: 1, watching: 1, watch_bytes: pct(5.0), ..idle() };
    assert_eq!(decide(&p[1..], &one_watched, &mem_at(72.0), &l, false, NOW).start, [0]);
}

/// 6 CPU-bound tasks on 2 cores at cpu_threshold = 70: one core each, so one runs at a time
/// (a second would make 100%); never more than floor(0.7 * 2) + 1 = 2.
#[test]
fn cpu_bound_tasks_reserve_their_cores() {
    let p = burst(6, 64 << 20, 1.0);
    let l = ResourceLimits { memory_threshold: 100.0, cpu_threshold: 70.0, ..limits(10, &[]) };
    let cpu = |percent: f64| Readings { cpu_percent: Some(percent), cpus: 2, ..calm() };
    let d = decide(&p, &idle(), &cpu(3.0), &l, false, NOW);
    assert_eq!(d.start, [0]);
    assert_eq!(reason_of(&d, 1), "cpu 3% + 2 cores expected > 70%");
    // A moment later: the average does not show the first yet, its reservation does.
    let fresh = Running { total: 1, reserved_cores: 0.9, ..idle() };
    assert!(decide(&p[1..], &fresh, &cpu(8.0), &l, false, NOW).start.is_empty());
    // Settled: 50% shown, nothing reserved; one more core would be 100%.
    let settled = Running { total: 1, ..idle() };
    let d = decide(&p[1..], &settled, &cpu(50.0), &l, false, NOW);
    assert_eq!(reason_of(&d, 0), "cpu 50% + 1 core expected > 70%");
    // Light tasks (0.2 cores) pack: 3% + 5 * 10% = 53%, a sixth would pass 63%... up to 70%.
    let light = burst(10, 64 << 20, 0.2);
    assert_eq!(decide(&light, &idle(), &cpu(3.0), &l, false, NOW).start.len(), 6);
}

/// Issue 9: with memory_threshold = 4 and 1% in use, a closed gate reopened never and the task
/// waited on "memory 1% >= -1%". Now the band reopens within the threshold, and an idle
/// machine under its threshold always starts the first task.
#[test]
fn a_low_threshold_never_waits_forever() {
    let p = burst(2, 1 << 20, 0.0);
    let l = mem_limits(4.0);
    // Even a gate still closed (the monitor reopens it below 3%, see `resources`) lets the
    // first task start on an idle machine under the threshold.
    let r = Readings { mem_gate: Gate::Usage { percent: 1.0, limit: 4.0 }, ..mem_at(1.0) };
    assert_eq!(decide(&p, &idle(), &r, &l, false, NOW).start, [0]);
    assert_eq!(decide(&p, &idle(), &mem_at(1.0), &l, false, NOW).start, [0, 1]);
    let running = Running { total: 1, ..idle() };
    let d = decide(&p, &running, &r, &l, false, NOW);
    assert_eq!(reason_of(&d, 0), "memory 1%, reopens below 3% (threshold 4%)");
}

#[test]
fn an_oversized_task_starts_on_an_idle_machine_and_holds_the_queue() {
    let p = [Pending { mem_bytes: 64 * GIB, ..task("huge", 1, 9) }, task("small", 2, 5)];
    let l = mem_limits(85.0);
    let d = decide(&p, &idle(), &mem_at(40.0), &l, false, NOW);
    assert_eq!(d.start, [0], "the huge one starts alone; its reservation holds the rest");
    // Something runs: the huge one waits, and the small one does not overtake it.
    let running = Running { total: 1, ..idle() };
    let d = decide(&p, &running, &mem_at(40.0), &l, false, NOW);
    assert!(d.start.is_empty());
    assert_eq!(reason_of(&d, 0), "memory 40% + 267% expected > 85%");
    assert_eq!(reason_of(&d, 1), "memory 40% + 267% expected > 85%");
}

fn agent(name: &str, running: u32, cap: u32, circuit: Circuit) -> AgentSlot {
    AgentSlot { name: name.into(), running, cap, circuit, account: name.into(), hold: Hold::None }
}

#[test]
fn agent_caps_are_counted_in_the_same_round() {
    let p: Vec<_> = (0..4).map(|i| Pending { agent: "orchid", ..task("c", i, 5) }).collect();
    let mut p = p;
    p.push(task("sh", 9, 1));
    let running = Running { total: 1, agents: vec![agent("orchid", 1, 2, Circuit::Closed)], ..idle() };
    let d = decide(&p, &running, &calm(), &limits(10, &[]), false, NOW);
    assert_eq!(d.start, [0, 4], "one orchid slot left; the shell task is not held back");
    assert_eq!(reason_of(&d, 1), "agent orchid busy (2/2)");
    assert!(!d.gated);
}

#[test]
fn circuits_rest_an_agent_and_let_one_trial_through() {
    let p: Vec<_> = (0..3).map(|i| Pending { agent: "quill", ..task("x", i, 5) }).collect();
    let open = Circuit::Open { until: NOW + 60_000, failures: 5 };
    let running = Running { agents: vec![agent("quill", 0, 2, open)], ..idle() };
    let d = decide(&p, &running, &calm(), &limits(10, &[]), false, NOW);
    assert!(d.start.is_empty());
    assert!(reason_of(&d, 0).starts_with("agent quill unavailable until "), "{}", reason_of(&d, 0));
    assert!(reason_of(&d, 0).ends_with(" (5 failures)"));
    let half = Running { agents: vec![agent("quill", 0, 2, Circuit::HalfOpen { failures: 5 })], ..idle() };
    let d = decide(&p, &half, &calm(), &limits(10, &[]), false, NOW);
    assert_eq!(d.start, [0], "exactly one trial");
    assert_eq!(reason_of(&d, 1), "agent quill on trial after 5 failures");
}

#[test]
fn paused_outranks_an_agent_reason() {
    let p = [Pending { agent: "quill", ..task("x", 1, 5) }];
    let running = Running { agents: vec![agent("quill", 2, 2, Circuit::Closed)], ..idle() };
    let d = decide(&p, &running, &calm(), &limits(10, &[]), true, NOW);
    assert_eq!(reason_of(&d, 0), "paused");
}

/// Issue 14: an account's hold keeps all its agents' tasks waiting, others run on; after the
/// hold one trial task goes first, and agents sharing the account wait for it too.
#[test]
fn an_account_hold_holds_its_agents_and_lets_one_trial_through() {
    let held = |hold| {
        let mut a = agent("orchid", 0, 2, Circuit::Closed);
        let mut b = agent("reviewer", 0, 2, Circuit::Closed);
        a.hold = hold;
        b.hold = hold;
        b.account = "orchid".into();
        vec![a, b, agent("quill", 0, 2, Circuit::Closed)]
    };
    let mut p: Vec<_> =
        (0..2).map(|i| Pending { agent: "orchid", account: "orchid", ..task("c", i, 5) }).collect();
    p.push(Pending { agent: "reviewer", account: "orchid", ..task("r", 2, 9) });
    p.push(Pending { agent: "quill", account: "quill", ..task("x", 3, 1) });
    let limits =
        ResourceLimits { cpu_threshold: 100.0, memory_threshold: 100.0, ..ResourceLimits::default() };
    let until = NOW + 30 * MIN;
    let running = Running { agents: held(Hold::Limit { until }), ..Running::default() };
    let d = decide(&p, &running, &Readings::default(), &limits, false, NOW);
    assert_eq!(d.start, vec![3], "only quill runs while orchid's account is held");
    let text = reason_of(&d, 2);
    assert!(text.starts_with("orchid usage limit: resumes "), "{text}");

    let running = Running { agents: held(Hold::Trial), ..Running::default() };
    let d = decide(&p, &running, &Readings::default(), &limits, false, NOW);
    assert_eq!(d.start, vec![2, 3], "the best orchid-account task is the one trial");
    assert_eq!(reason_of(&d, 0), "orchid usage limit: a trial task runs first");

    let budget = Hold::Budget { spent: 5.126, budget: 5.0, overall: false };
    let running = Running { agents: held(budget), ..Running::default() };
    let d = decide(&p, &running, &Readings::default(), &limits, false, NOW);
    assert_eq!(d.start, vec![3]);
    assert_eq!(reason_of(&d, 1), "orchid daily budget $5.00 reached (spent $5.13 today)");
}
