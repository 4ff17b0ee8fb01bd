use super::*;
use proptest::prelude::*;

const MIN: i64 = 60_000;

#[test]
fn a_reset_time_holds_until_then_one_trial_then_through() {
    let mut h = Holds::new(5 * MIN, 60 * MIN);
    assert_eq!(h.on_limit("orchid", "limit", Some(10 * MIN), 0), Change::Started);
    assert_eq!(h.slot("orchid", MIN), Hold::Limit { until: 10 * MIN });
    assert_eq!(h.slot("quill", MIN), Hold::None, "other accounts run on");
    assert_eq!(h.next_change(MIN), Some(10 * MIN));
    assert_eq!(h.on_through("orchid", MIN), None, "a task that ran on does not end an active hold");
    assert_eq!(h.slot("orchid", 10 * MIN), Hold::Trial);
    h.on_start("orchid", "t1", 10 * MIN);
    assert_eq!(h.slot("orchid", 10 * MIN), Hold::TrialRunning);
    h.on_start("orchid", "t2", 10 * MIN);
    assert_eq!(h.get("orchid").and_then(|x| x.trial.clone()).as_deref(), Some("t1"), "one trial");
    assert!(h.on_through("orchid", 11 * MIN).is_some());
    assert_eq!(h.slot("orchid", 11 * MIN), Hold::None);
    assert_eq!(h.next_change(11 * MIN), None);
}

#[test]
fn without_a_reset_the_backoff_doubles_per_failed_trial_up_to_the_cap() {
    let mut h = Holds::new(5 * MIN, 12 * MIN);
    h.on_limit("a", "x", None, 0);
    assert_eq!(h.slot("a", 0), Hold::Limit { until: 5 * MIN });
    // A task that was still running hits it too: no extra step.
    assert_eq!(h.on_limit("a", "x", None, MIN), Change::Unchanged);
    assert_eq!(h.slot("a", MIN), Hold::Limit { until: 5 * MIN });
    h.on_start("a", "trial", 5 * MIN);
    assert_eq!(h.on_limit("a", "x", None, 6 * MIN), Change::Extended);
    assert_eq!(h.slot("a", 6 * MIN), Hold::Limit { until: 16 * MIN }, "10 min");
    h.on_start("a", "trial2", 16 * MIN);
    h.on_limit("a", "x", None, 16 * MIN);
    assert_eq!(h.slot("a", 16 * MIN), Hold::Limit { until: 28 * MIN }, "capped at 12 min");
    assert!(h.release("a").is_some());
    assert_eq!(h.slot("a", 16 * MIN), Hold::None);
}

#[test]
fn a_trial_that_vanishes_lets_another_go_and_restore_forgets_trials() {
    let mut h = Holds::new(MIN, MIN);
    h.on_limit("a", "x", Some(MIN), 0);
    h.on_start("a", "t1", MIN);
    h.on_trial_gone("a", "other");
    assert_eq!(h.slot("a", MIN), Hold::TrialRunning);
    h.on_trial_gone("a", "t1");
    assert_eq!(h.slot("a", MIN), Hold::Trial);
    h.on_start("a", "t2", MIN);
    let saved = h.get("a").cloned().expect("held");
    let mut again = Holds::new(MIN, MIN);
    again.restore("a".into(), saved);
    assert_eq!(again.slot("a", MIN), Hold::Trial);
}

#[derive(Debug, Clone)]
enum Step {
    Limit(Option<i64>),
    Start(u8),
    Through,
    Gone(u8),
    Wait(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        proptest::option::of(0i64..100 * MIN).prop_map(Step::Limit),
        (0u8..4).prop_map(Step::Start),
        Just(Step::Through),
        (0u8..4).prop_map(Step::Gone),
        (0i64..30 * MIN).prop_map(Step::Wait),
    ]
}

proptest! {
    /// Whatever happens: a held account never admits while `until` is ahead, at most one trial
    /// runs, backoffs stay within [base, max], and the timer is always the earliest hold end.
    #[test]
    fn holds_keep_their_invariants(steps in proptest::collection::vec(step(), 1..60)) {
        let (base, max) = (5 * MIN, 60 * MIN);
        let mut h = Holds::new(base, max);
        let mut now = 0;
        for s in steps {
            match s {
                Step::Limit(reset) => { h.on_limit("a", "m", reset.map(|r| now + r), now); }
                Step::Start(t) => h.on_start("a", &format!("t{t}"), now),
                Step::Through => { h.on_through("a", now); }
                Step::Gone(t) => h.on_trial_gone("a", &format!("t{t}")),
                Step::Wait(ms) => now += ms,
            }
            if let Some(hold) = h.get("a") {
                prop_assert!(hold.backoff_ms.is_none_or(|b| (base..=max).contains(&b)));
                if hold.until > now {
                    prop_assert_eq!(h.slot("a", now), Hold::Limit { until: hold.until });
                    prop_assert_eq!(h.next_change(now), Some(hold.until));
                }
                if hold.trial.is_some() {
                    prop_assert!(hold.until <= now || h.slot("a", now) != Hold::Trial);
                }
            } else {
                prop_assert_eq!(h.slot("a", now), Hold::None);
            }
        }
    }
}
