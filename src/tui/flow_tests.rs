//! The dashboard's flows through `update`: grouping, folding, and the keys on a flow's row.

use super::flow_rows::ListRow;
use super::state::{Action, App, Mode, RowKey};
use super::support::keys_for_tests::{app_with, ch, key};
use super::support::sample;
use super::{Msg, update};
use crate::client::flow_view::FlowView;
use crate::flows::FlowState;
use crate::model::{TaskState, TaskView};
use crate::protocol::{Event, Request};
use crossterm::event::KeyCode;

fn step(name: &str, state: TaskState) -> TaskView {
    let mut v = sample(&format!("st-{name}"), state);
    v.description = format!("ship it: {name}");
    v.flow_id = Some("fl0001".into());
    v.step_name = Some(name.into());
    v
}

fn flow(state: FlowState) -> FlowView {
    let steps: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|n| {
            serde_json::json!({"name": n, "state": "waiting", "task_id": null, "progress": null,
                "reason": null, "after": [], "on_failure": "stop"})
        })
        .collect();
    let json = serde_json::json!({
        "id": "fl0001", "name": "ship it", "file": "ship.toml", "state": state, "reason": null,
        "attempt": 1, "progress": 0.0, "steps_done": 0, "steps_total": 3,
        "created_at": "2023-11-14T22:00:00.000Z", "finished_at": null, "undos": [],
        "steps": steps,
    });
    serde_json::from_value(json).unwrap()
}

fn rows(app: &App) -> Vec<String> {
    app.visible
        .iter()
        .map(|r| match *r {
            ListRow::Task { index, depth } => {
                format!("{}{}", " ".repeat(depth.into()), app.tasks[index].view.id)
            }
            ListRow::Flow { group } => format!("flow {}", app.groups[group].id),
        })
        .collect()
}

fn flow_app() -> App {
    let mut running = step("a", TaskState::Running);
    running.progress = Some(50.0);
    let mut app =
        app_with(vec![running, step("b", TaskState::Pending), sample("solo01", TaskState::Pending)]);
    // The snapshot asks for the flow to be read; the loop would answer with it.
    assert_eq!(app.take_flow_loads().into_iter().collect::<Vec<_>>(), ["fl0001"]);
    update(&mut app, Msg::Flows(vec![flow(FlowState::Running)]));
    app
}

#[test]
fn a_flow_row_leads_its_steps_and_shows_weighted_progress() {
    let mut app = flow_app();
    assert_eq!(rows(&app), ["flow fl0001", " st-a", " st-b", "solo01"]);
    let g = &app.groups[0];
    assert_eq!((g.name.as_str(), g.done, g.total, g.percent), ("ship it", 0, 3, 16.7));
    // A progress update of a step moves the flow's bar without a reload.
    let mut more = step("a", TaskState::Running);
    more.progress = Some(80.0);
    update(&mut app, Msg::Event(Event::Task { task: more }));
    assert_eq!(app.groups[0].percent, 26.7);
    assert!(app.take_flow_loads().is_empty());
    // A step ending reads the flow again (it may have ended with it).
    update(&mut app, Msg::Event(Event::Task { task: step("a", TaskState::Completed) }));
    assert_eq!((app.groups[0].done, app.groups[0].percent), (1, 33.3));
    assert_eq!(app.take_flow_loads().len(), 1);
}

#[test]
fn space_and_arrows_fold_a_flow_from_its_row_or_a_step() {
    let mut app = flow_app();
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.selected, Some(RowKey::Task("st-a".into())));
    update(&mut app, key(KeyCode::Left));
    assert_eq!(rows(&app), ["flow fl0001", "solo01"]);
    // Folding from a step selects its flow.
    assert_eq!(app.selected, Some(RowKey::Flow("fl0001".into())));
    update(&mut app, key(KeyCode::Right));
    assert_eq!(rows(&app).len(), 4);
    update(&mut app, ch(' '));
    assert_eq!(rows(&app).len(), 2);
    assert!(app.groups[0].collapsed);
    update(&mut app, ch(' '));
    assert_eq!(rows(&app).len(), 4);
}

#[test]
fn c_and_r_on_a_flow_row_act_on_the_flow() {
    let mut app = flow_app();
    assert_eq!(app.selected, Some(RowKey::Flow("fl0001".into())));
    assert!(update(&mut app, ch('r')).is_none());
    assert!(app.status.contains("only a failed or cancelled flow"), "{}", app.status);
    assert!(update(&mut app, ch('c')).is_none());
    assert_eq!(app.mode, Mode::Confirm(RowKey::Flow("fl0001".into())));
    match update(&mut app, ch('y')) {
        Some(Action::Send(Request::FlowCancel { id })) => assert_eq!(id, "fl0001"),
        other => panic!("expected a flow cancel, got {other:?}"),
    }
    update(&mut app, Msg::Flows(vec![flow(FlowState::Cancelled)]));
    assert!(update(&mut app, ch('c')).is_none());
    assert_eq!(app.status, "flow fl0001 already cancelled");
    match update(&mut app, ch('r')) {
        Some(Action::Send(Request::FlowRetry { id, .. })) => assert_eq!(id, "fl0001"),
        other => panic!("expected a flow retry, got {other:?}"),
    }
    // On a step's row, c is the step's own cancel.
    update(&mut app, key(KeyCode::Down));
    update(&mut app, ch('c'));
    assert_eq!(app.mode, Mode::Confirm(RowKey::Task("st-a".into())));
}

#[test]
fn the_flow_details_pane_lists_steps_and_the_fold_hint_shows() {
    let app = flow_app();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
    terminal.draw(|f| super::view(&app, f)).unwrap();
    let screen: String = terminal.backend().buffer().content().iter().map(|c| c.symbol()).collect();
    for needle in ["▾ ship it", "0/3 steps", "17%", "├ a", "└ b", "flow fl0001 · ship it", "space fold flow"]
    {
        assert!(screen.contains(needle), "{needle} missing:\n{screen}");
    }
}
