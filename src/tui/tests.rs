//! `update` unit tests and `view` snapshots (TestBackend, fixed time).

use super::details::Details;
use super::flow_rows::ListRow;
use super::state::{Action, App, Mode, Pane, RowKey, Worker};
use super::support::{NOW, sample as tv};
use super::{Msg, update};
use crate::config::ResourceLimits;
use crate::model::{TaskState, TaskView};
use crate::protocol::{Event, Request};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::support::keys_for_tests::{app_with, ch, key};

fn ids(app: &App) -> Vec<&str> {
    app.visible
        .iter()
        .map(|row| match *row {
            ListRow::Task { index, .. } => app.tasks[index].view.id.as_str(),
            ListRow::Flow { group } => app.groups[group].id.as_str(),
        })
        .collect()
}

fn selected(app: &App) -> Option<&str> {
    app.selected.as_ref().map(RowKey::id)
}

#[test]
fn orders_running_then_pending_then_newest_finished() {
    let mut old = tv("done01", TaskState::Completed);
    old.finished_at = Some(super::support::at(NOW - 500_000));
    let app = app_with(vec![
        old,
        tv("pend01", TaskState::Pending),
        tv("done02", TaskState::Failed),
        tv("run001", TaskState::Running),
    ]);
    assert_eq!(ids(&app), ["run001", "pend01", "done02", "done01"]);
    assert_eq!(app.counts, [1, 1, 1, 1, 0]);
    assert_eq!(app.worker, Worker::Up);
}

#[test]
fn snapshot_selects_first_and_asks_for_its_details() {
    let mut app = App::new(&ResourceLimits::default(), NOW, 80, 24);
    let action =
        update(&mut app, Msg::Snapshot { tasks: vec![tv("aaa222", TaskState::Running)], paused: true });
    assert!(matches!(action, Some(Action::LoadDetails(id)) if id == "aaa222"));
    assert!(app.paused);
}

#[test]
fn navigation_moves_and_scrolls_within_bounds() {
    let mut app = app_with((0..100).map(|i| tv(&format!("p{i:05}"), TaskState::Pending)).collect());
    let page = app.page();
    assert!(matches!(update(&mut app, ch('j')), Some(Action::LoadDetails(id)) if id == "p00001"));
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.cursor, 2);
    update(&mut app, ch('k'));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.cursor, 0);
    assert_eq!(selected(&app), Some("p00000"));
    for _ in 0..page {
        update(&mut app, ch('j'));
    }
    assert_eq!(app.offset, 1, "scrolls one row at a time");
    update(&mut app, ch('G'));
    assert_eq!(app.cursor, 99);
    assert_eq!(app.offset, 100 - page);
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.cursor, 99);
    update(&mut app, ch('g'));
    assert_eq!((app.cursor, app.offset), (0, 0));
}

#[test]
fn filter_narrows_live_and_esc_clears() {
    let mut a = tv("abc234", TaskState::Running);
    a.description = "Build the docs".into();
    let mut b = tv("xyz789", TaskState::Pending);
    b.agent = "orchid".into();
    let mut app = app_with(vec![a, b]);
    update(&mut app, ch('/'));
    assert_eq!(app.mode, Mode::Filter);
    for c in "ORCH".chars() {
        update(&mut app, ch(c));
    }
    assert_eq!(ids(&app), ["xyz789"]);
    assert_eq!(selected(&app), Some("xyz789"));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(ids(&app), ["xyz789"], "Enter keeps the filter");
    // `q` typed in the filter is text, not quit.
    update(&mut app, ch('/'));
    assert!(update(&mut app, ch('q')).is_none());
    assert_eq!((app.mode.clone(), app.filter.as_str()), (Mode::Filter, "ORCHq"));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.filter.is_empty());
    assert_eq!(ids(&app).len(), 2);
    // Matches by state too.
    update(&mut app, ch('/'));
    for c in "running".chars() {
        update(&mut app, ch(c));
    }
    assert_eq!(ids(&app), ["abc234"]);
}

#[test]
fn cancel_asks_first_and_sends_only_on_yes() {
    let mut app = app_with(vec![tv("abc234", TaskState::Running), tv("fin234", TaskState::Completed)]);
    assert!(update(&mut app, ch('c')).is_none());
    assert_eq!(app.mode, Mode::Confirm(RowKey::Task("abc234".into())));
    assert!(app.status.contains("y/n"));
    assert!(update(&mut app, ch('n')).is_none());
    assert_eq!(app.mode, Mode::Normal);
    update(&mut app, ch('c'));
    let action = update(&mut app, ch('y'));
    assert!(matches!(action, Some(Action::Send(Request::Cancel { ids })) if ids == ["abc234"]));
    assert_eq!(app.status, "cancel sent for abc234");
    // A finished task is not offered for cancelling.
    update(&mut app, ch('j'));
    assert!(update(&mut app, ch('c')).is_none());
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.status.contains("already completed"));
}

#[test]
fn retry_pause_and_quit() {
    let mut app = app_with(vec![tv("run234", TaskState::Running), tv("fai234", TaskState::Failed)]);
    assert!(update(&mut app, ch('r')).is_none(), "running tasks are not retried");
    update(&mut app, ch('j'));
    assert!(
        matches!(update(&mut app, ch('r')), Some(Action::Send(Request::Retry { id, .. })) if id == "fai234")
    );
    assert!(matches!(update(&mut app, ch('p')), Some(Action::Send(Request::Pause))));
    update(&mut app, Msg::Event(Event::Admission { paused: true }));
    assert_eq!(app.status, "admission paused");
    assert!(matches!(update(&mut app, ch('p')), Some(Action::Send(Request::Resume))));
    assert!(matches!(update(&mut app, ch('q')), Some(Action::Quit)));
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(matches!(update(&mut app, ctrl_c), Some(Action::Quit)));
    update(&mut app, Msg::WorkerDown("connection refused".into()));
    assert!(update(&mut app, ch('p')).is_none(), "nothing is sent while the worker is down");
    assert!(app.status.contains("worker down"));
}

#[test]
fn events_insert_update_and_reorder_keeping_the_selection() {
    let mut app = app_with(vec![tv("pend01", TaskState::Pending), tv("pend02", TaskState::Pending)]);
    update(&mut app, ch('j'));
    assert_eq!(selected(&app), Some("pend02"));
    // pend02 starts running: it moves to the top and stays selected.
    let mut started = tv("pend02", TaskState::Running);
    started.progress = Some(10.0);
    let action = update(&mut app, Msg::Event(Event::Task { task: started }));
    assert!(matches!(action, Some(Action::LoadDetails(id)) if id == "pend02"));
    assert_eq!(ids(&app), ["pend02", "pend01"]);
    assert_eq!((app.cursor, selected(&app)), (0, Some("pend02")));
    // A progress-only update changes nothing but the task.
    let mut progressed = tv("pend02", TaskState::Running);
    progressed.progress = Some(50.0);
    assert!(update(&mut app, Msg::Event(Event::Task { task: progressed })).is_none());
    assert_eq!(app.tasks[0].view.progress, Some(50.0));
    // ...and its details are refreshed at the next tick, not per event.
    assert!(matches!(update(&mut app, Msg::Tick { now_ms: NOW + 1000 }), Some(Action::LoadDetails(_))));
    assert!(update(&mut app, Msg::Tick { now_ms: NOW + 2000 }).is_none());
    // A new task is inserted in place.
    update(&mut app, Msg::Event(Event::Task { task: tv("new001", TaskState::Running) }));
    assert_eq!(app.tasks.len(), 3);
    assert_eq!(app.counts[0], 2);
    assert_eq!(selected(&app), Some("pend02"));
    assert!(matches!(update(&mut app, Msg::Event(Event::Lagged)), Some(Action::Resubscribe)));
}

#[test]
fn gated_admission_is_inferred_from_waiting_reasons() {
    let mut p = tv("pend01", TaskState::Pending);
    p.waiting_reason = Some("memory 91% over 85%".into());
    let app = app_with(vec![p]);
    assert!(app.gated);
    let mut p = tv("pend01", TaskState::Pending);
    p.waiting_reason = Some("after abc234".into());
    assert!(!app_with(vec![p]).gated);
}

#[test]
fn details_for_another_task_are_ignored_and_tab_switches_pane() {
    let mut app = app_with(vec![tv("aaa222", TaskState::Running)]);
    update(&mut app, Msg::Details(Box::new(Details { id: "zzz999".into(), ..Details::default() })));
    assert!(app.details.is_none());
    update(&mut app, Msg::Details(Box::new(Details { id: "aaa222".into(), ..Details::default() })));
    assert!(app.details.is_some());
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Pane::Details);
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.focus, Pane::List);
    assert!(matches!(update(&mut app, key(KeyCode::Enter)), Some(Action::LoadDetails(_))));
    assert_eq!(app.focus, Pane::Details);
}

#[test]
fn keeps_only_the_most_recent_finished_tasks() {
    use super::state::MAX_FINISHED;
    let mut tasks: Vec<TaskView> = (0..MAX_FINISHED + 10)
        .map(|i| {
            let mut v = tv(&format!("f{i:05}"), TaskState::Completed);
            v.finished_at = Some(super::support::at(NOW - 1_000_000 + i as i64));
            v
        })
        .collect();
    tasks.push(tv("run001", TaskState::Running));
    let app = app_with(tasks);
    assert_eq!(app.tasks.len(), MAX_FINISHED + 1);
    assert_eq!(ids(&app)[..2], ["run001", &format!("f{:05}", MAX_FINISHED + 9)]);
    assert!(app.task("f00000").is_none());
}

#[test]
fn a_task_that_needs_you_comes_first_and_a_answers_it() {
    let mut asking = tv("ask234", TaskState::Running);
    asking.needs = Some(crate::model::Needs {
        kind: crate::model::NeedsKind::Permission,
        text: "Bash: npm test".into(),
        options: vec!["allow".into(), "deny".into()],
        since: super::support::at(NOW - 1_000),
        rule: None,
    });
    let mut app = app_with(vec![tv("run234", TaskState::Running), asking]);
    assert_eq!(ids(&app), ["ask234", "run234"], "waiting for you sorts first");
    update(&mut app, ch('j'));
    assert!(update(&mut app, ch('a')).is_none());
    assert!(app.status.contains("asks nothing"), "{}", app.status);
    update(&mut app, ch('k'));
    update(&mut app, ch('a'));
    assert_eq!(app.mode, Mode::Answer("ask234".into()));
    assert!(app.status.contains("Bash: npm test"), "{}", app.status);
    update(&mut app, ch('y'));
    let sent = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(&sent, Some(Action::Send(Request::Answer { id, reply: crate::model::Reply::Allow, always: false }))
            if id == "ask234"),
        "{sent:?}"
    );
    assert_eq!(app.mode, Mode::Normal);
}
