//! Screens as `TestBackend` snapshots, at fixed times so they are stable.

use super::details::Details;
use super::state::App;
use super::support::{sample as tv, task};
use super::{Msg, update};
use crate::model::{Metrics, TaskResult, TaskState, TaskView, Todo, TodoStatus};
use crossterm::event::KeyCode;
use ratatui::{Terminal, backend::TestBackend};

use super::support::keys_for_tests::{app_with, ch, key};

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| super::view(app, f)).unwrap();
    terminal.backend().to_string()
}

fn running_task() -> TaskView {
    let mut r = tv("ab12cd", TaskState::Running);
    r.description = "Migrate the billing tables".into();
    r.agent = "orchid".into();
    r.progress = Some(42.0);
    r.step = Some("running migrations".into());
    r.eta_seconds = Some(135);
    r.todos = vec![
        Todo { text: "read the schema".into(), status: TodoStatus::Completed },
        Todo { text: "write migrations".into(), status: TodoStatus::InProgress },
        Todo { text: "run the tests".into(), status: TodoStatus::Pending },
    ];
    r
}

fn busy_app(width: u16, height: u16) -> App {
    let mut p = tv("pq34rs", TaskState::Pending);
    p.waiting_reason = Some("cpu 93% over 70%".into());
    let mut f = tv("zz98yx", TaskState::Failed);
    f.reason = Some("exit 2".into());
    let mut app = app_with(vec![running_task(), p, f, tv("ok5678", TaskState::Completed)]);
    update(&mut app, Msg::Resize { width, height });
    update(&mut app, Msg::Resources { cpu: 93.4, mem: 41.0, cpu_reserved: 50.0, mem_reserved: 8.3 });
    app
}

#[test]
fn screen_empty() {
    let mut app = app_with(vec![]);
    update(&mut app, Msg::WorkerDown("connection refused".into()));
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn screen_running_task_with_progress() {
    let app = busy_app(80, 24);
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn screen_details_with_todo_tree() {
    let mut app = busy_app(120, 32);
    let details = Details {
        id: "ab12cd".into(),
        log: (1..=40).map(|i| format!("[{i:02}] applying migration {i}")).collect(),
        result: Some(TaskResult {
            id: "ab12cd".into(),
            state: TaskState::Running,
            success: false,
            exit_code: None,
            reason: None,
            output: String::new(),
            metrics: Metrics { tokens_used: Some(12_345), cost_usd: Some(0.42), ..Metrics::default() },
            artifacts: Default::default(),
            children: Vec::new(),
            peak: None,
        }),
        attempt: 2,
        after: vec!["pq34rs".into()],
        ..Details::default()
    };
    update(&mut app, Msg::Details(Box::new(details)));
    update(&mut app, key(KeyCode::Enter));
    insta::assert_snapshot!(render(&app, 120, 32));
}

#[test]
fn screen_filter_active() {
    let mut app = busy_app(80, 24);
    update(&mut app, ch('/'));
    for c in "pend".chars() {
        update(&mut app, ch(c));
    }
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn a_set_filter_is_shown_once() {
    let mut app = busy_app(80, 24);
    let status_line = |app: &App| render(app, 80, 24).lines().last().unwrap_or_default().to_string();
    update(&mut app, ch('/'));
    for c in "pend".chars() {
        update(&mut app, ch(c));
    }
    assert_eq!(status_line(&app).matches("pend").count(), 1, "{}", status_line(&app));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(status_line(&app).matches("pend").count(), 1, "{}", status_line(&app));
}

#[test]
fn screen_help_overlay() {
    let mut app = busy_app(80, 24);
    update(&mut app, ch('?'));
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn screen_many_tasks_scrolled_large() {
    let mut app = app_with((0..3000).map(task).collect());
    update(&mut app, Msg::Resize { width: 160, height: 48 });
    for _ in 0..30 {
        update(&mut app, ch('j'));
    }
    insta::assert_snapshot!(render(&app, 160, 48));
}

#[test]
fn bench_helper_renders() {
    assert!(super::bench_render(200, 3) > std::time::Duration::ZERO);
}

#[test]
fn no_color_means_no_colour_at_all() {
    use ratatui::style::Color;
    let draw = |color: bool| {
        let mut app = busy_app(80, 24);
        app.color = color;
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| super::view(&app, f)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        buffer.content.iter().any(|c| c.fg != Color::Reset || c.bg != Color::Reset)
    };
    assert!(draw(true));
    assert!(!draw(false));
}

fn week() -> super::stats_data::StatsData {
    let hours = [0, 0, 1, 3, 2, 0, 0, 0, 4, 6, 5, 2, 0, 0, 1, 1, 0, 0, 2, 7, 3, 0, 0, 1];
    let costs = [0.0, 1.25, 0.4, 0.0, 2.1, 0.75, 0.3];
    super::stats_data::StatsData {
        per_hour: hours.to_vec(),
        cost_per_day: costs.iter().enumerate().map(|(i, c)| (format!("11-{:02}", 8 + i), *c)).collect(),
        per_agent: vec![
            ("ember".into(), None, 0),
            ("orchid".into(), Some(0.92), 25),
            ("quill".into(), Some(0.5), 4),
            ("shell".into(), Some(1.0), 12),
        ],
        summary: "last 7 days: 41 tasks · 90% succeeded · wait p50 2s p95 40s · run p50 3m p95 21m".into(),
        limits: String::new(),
        schedules: Vec::new(),
    }
}

#[test]
fn screen_stats_pane() {
    let mut app = busy_app(100, 30);
    assert!(matches!(update(&mut app, ch('s')), Some(super::Action::LoadStats)));
    assert!(render(&app, 100, 30).contains("loading stats"));
    update(&mut app, Msg::Stats(Box::new(week())));
    insta::assert_snapshot!(render(&app, 100, 30));
}

#[test]
fn stats_pane_lists_the_schedules() {
    let mut app = busy_app(100, 30);
    update(&mut app, ch('s'));
    let mut data = week();
    data.schedules = vec!["nightly  cron 0 2 * * *  next 02:00  last k2hqjf completed  missed 3".into()];
    update(&mut app, Msg::Stats(Box::new(data)));
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("schedule nightly  cron 0 2 * * *  next 02:00  last k2hqjf completed  missed 3"),
        "{screen}"
    );
    assert!(screen.contains("cost per day"), "the charts stay: {screen}");
}

#[test]
fn stats_pane_reloads_when_a_task_ends_and_closes_with_esc() {
    use crate::protocol::Event;
    let mut app = busy_app(100, 30);
    update(&mut app, Msg::Event(Event::Task { task: tv("new001", TaskState::Completed) }));
    let tick = Msg::Tick { now_ms: super::support::NOW };
    assert!(update(&mut app, tick.clone()).is_none(), "hidden: nothing to reload");
    update(&mut app, ch('s'));
    update(&mut app, Msg::Stats(Box::new(week())));
    update(&mut app, Msg::Event(Event::Task { task: tv("new002", TaskState::Failed) }));
    assert!(matches!(update(&mut app, tick.clone()), Some(super::Action::LoadStats)));
    assert!(update(&mut app, tick).is_none(), "once per ending, at the tick");
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.show_stats);
    assert!(render(&app, 100, 30).contains("pq34rs"), "the list is back");
}
