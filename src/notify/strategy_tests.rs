use super::*;

fn view(state: TaskState, progress: Option<f64>, step: Option<&str>) -> TaskView {
    TaskView {
        id: "ab12cd34".into(),
        description: "Analyze auth".into(),
        agent: "shell".into(),
        state,
        waiting_reason: None,
        reason: None,
        progress,
        step: step.map(String::from),
        eta_seconds: None,
        priority: 5,
        class: None,
        attempt: 1,
        created_at: "2026-01-01T10:00:00.000Z".into(),
        started_at: Some("2026-01-01T10:00:00.000Z".into()),
        finished_at: None,
        exit_code: None,
        executor: Default::default(),
        external_id: None,
        todos: Vec::new(),
        parent: None,
        flow_id: None,
        step_name: None,
        schedule: None,
        needs: None,
        children: Vec::new(),
        sandbox: None,
        footprint: None,
        peak: None,
    }
}

fn policy(strategy: Strategy) -> Policy {
    Policy { strategy, min_progress_delta: 5.0, throttle_ms: 1000 }
}

fn finished(state: TaskState, reason: Option<&str>) -> TaskView {
    let mut v = view(state, Some(100.0), None);
    v.finished_at = Some("2026-01-01T10:02:13.000Z".into());
    v.reason = reason.map(String::from);
    v
}

#[test]
fn names_round_trip_and_unknown_is_refused() {
    for s in Strategy::ALL {
        assert_eq!(s.as_str().parse::<Strategy>(), Ok(s));
    }
    let err = "loud".parse::<Strategy>().unwrap_err();
    assert!(err.contains("silent, completion, milestone or verbose"), "{err}");
    assert_eq!(Strategy::default(), Strategy::Completion);
}

#[test]
fn completion_tells_the_ending_with_duration_and_detail() {
    let prev = view(TaskState::Running, Some(60.0), None);
    let new = finished(TaskState::Completed, None);
    let mut mem = Memory::default();
    let n = decide(Some(&prev), &new, &policy(Strategy::Completion), &mut mem, 0, || Some("all good".into()))
        .expect("a notification");
    assert_eq!(n.summary, "smart-agents: completed");
    assert_eq!(n.body, "Analyze auth\ncompleted in 2m13s · task ab12cd34\nall good");
    assert_eq!(n.urgency, Urgency::Normal);
}

#[test]
fn failure_is_critical_and_cancel_is_quiet() {
    let prev = view(TaskState::Running, None, None);
    let new = finished(TaskState::Failed, Some("exit 3"));
    let n = decide(Some(&prev), &new, &policy(Strategy::Completion), &mut Memory::default(), 0, || {
        Some("exit 3".into())
    })
    .expect("a notification");
    assert_eq!(n.summary, "smart-agents: failed");
    assert!(n.body.ends_with("\nexit 3"), "{}", n.body);
    assert_eq!(n.urgency, Urgency::Critical);
    let cancelled = finished(TaskState::Cancelled, Some("cancelled by user"));
    assert_eq!(
        decide(Some(&prev), &cancelled, &policy(Strategy::Verbose), &mut Memory::default(), 0, || None),
        None
    );
}

#[test]
fn an_ending_is_told_once_and_silent_tells_nothing() {
    let done = finished(TaskState::Completed, None);
    let mut mem = Memory::default();
    let p = policy(Strategy::Completion);
    assert!(decide(None, &done, &p, &mut mem, 0, || None).is_some(), "first seen finished");
    assert_eq!(decide(Some(&done), &done, &p, &mut mem, 0, || None), None);
    let running = view(TaskState::Running, None, None);
    assert_eq!(decide(Some(&running), &done, &policy(Strategy::Silent), &mut mem, 0, || None), None);
}

#[test]
fn completion_ignores_progress() {
    let prev = view(TaskState::Running, Some(10.0), None);
    let new = view(TaskState::Running, Some(90.0), Some("x"));
    assert_eq!(
        decide(Some(&prev), &new, &policy(Strategy::Completion), &mut Memory::default(), 0, || None),
        None
    );
}

#[test]
fn milestones_fire_once_per_quarter() {
    let p = policy(Strategy::Milestone);
    let mut mem = Memory::default();
    let mut prev = view(TaskState::Running, None, None);
    let mut sent = Vec::new();
    for (i, pct) in [10.0, 24.0, 26.0, 30.0, 49.0, 80.0, 81.0, 100.0].into_iter().enumerate() {
        let new = view(TaskState::Running, Some(pct), None);
        // Far apart in time: only the milestone rule decides.
        if decide(Some(&prev), &new, &p, &mut mem, i as i64 * 10_000, || None).is_some() {
            sent.push(pct);
        }
        prev = new;
    }
    assert_eq!(sent, vec![26.0, 80.0, 100.0]);
}

#[test]
fn verbose_respects_delta_and_step_changes() {
    let p = policy(Strategy::Verbose);
    let mut mem = Memory::default();
    let prev = view(TaskState::Running, None, None);
    let at = |i: i64| i * 10_000;
    let a = view(TaskState::Running, Some(10.0), Some("one"));
    let n = decide(Some(&prev), &a, &p, &mut mem, at(1), || None).expect("first progress");
    assert_eq!(n.summary, "smart-agents: 10% · task ab12cd34");
    assert_eq!(n.body, "Analyze auth\n10% · one");
    assert_eq!(n.urgency, Urgency::Low);
    let b = view(TaskState::Running, Some(12.0), Some("one"));
    assert_eq!(decide(Some(&a), &b, &p, &mut mem, at(2), || None), None, "under the delta");
    let c = view(TaskState::Running, Some(13.0), Some("two"));
    assert!(decide(Some(&b), &c, &p, &mut mem, at(3), || None).is_some(), "a new step");
    let d = view(TaskState::Running, Some(18.0), Some("two"));
    assert!(decide(Some(&c), &d, &p, &mut mem, at(4), || None).is_some(), "five points");
}

#[test]
fn throttle_caps_a_flood_but_never_an_ending() {
    let p = Policy { strategy: Strategy::Verbose, min_progress_delta: 0.0, throttle_ms: 500 };
    let mut mem = Memory::default();
    let mut prev = view(TaskState::Running, None, None);
    let mut sent = 0;
    // 200 changes over 2 s (one every 10 ms): at most one per 500 ms gets through.
    for i in 0..200 {
        let new = view(TaskState::Running, Some(i as f64 / 2.0), Some(&format!("step {i}")));
        sent += decide(Some(&prev), &new, &p, &mut mem, i * 10, || None).is_some() as usize;
        prev = new;
    }
    assert_eq!(sent, 4, "at 0, 500, 1000 and 1500 ms");
    let done = finished(TaskState::Completed, None);
    assert!(decide(Some(&prev), &done, &p, &mut mem, 1995, || None).is_some());
}

#[test]
fn duration_and_first_line() {
    assert_eq!(duration(&finished(TaskState::Completed, None)), Some(Duration::from_secs(133)));
    assert_eq!(duration(&view(TaskState::Running, None, None)), None);
    assert_eq!(first_line("\n  \n  hello world \nsecond").as_deref(), Some("hello world"));
    assert_eq!(first_line("   \n"), None);
}

#[test]
fn a_question_is_told_once_under_every_strategy_but_silent() {
    let mut v = view(TaskState::Running, Some(10.0), None);
    v.needs = Some(crate::model::Needs {
        kind: crate::model::NeedsKind::Permission,
        text: "Bash: rm -rf build".into(),
        options: vec!["allow".into(), "deny".into()],
        since: "2026-01-01T10:01:00.000Z".into(),
        rule: None,
    });
    for strategy in [Strategy::Completion, Strategy::Milestone, Strategy::Verbose] {
        let mut memory = Memory::default();
        let n = decide(None, &v, &policy(strategy), &mut memory, 0, || None).expect("told");
        assert!(n.summary.contains("asks permission") && n.body.contains("rm -rf build"), "{n:?}");
        assert_eq!(n.urgency, Urgency::Critical);
        let again = decide(Some(&v), &v, &policy(strategy), &mut memory, 10_000, || None);
        assert!(again.as_ref().is_none_or(|n| !n.summary.contains("asks")), "told twice: {again:?}");
    }
    assert!(decide(None, &v, &policy(Strategy::Silent), &mut Memory::default(), 0, || None).is_none());
}
