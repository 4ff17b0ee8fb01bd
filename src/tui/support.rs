//! The bench helper and made-up tasks with fixed timestamps for the tests and the bench.

use super::state::{App, Msg};
use super::update::update;
use crate::model::{TaskState, TaskView, Todo, TodoStatus};
use std::time::{Duration, Instant};

/// Median time to render one frame of `n` tasks into a 160×48 test backend (for the bench).
pub fn bench_render(n: usize, frames: usize) -> Duration {
    use ratatui::{Terminal, backend::TestBackend};
    let mut app = App::new(&crate::config::ResourceLimits::default(), NOW, 160, 48);
    let tasks = (0..n).map(task).collect();
    update(&mut app, Msg::Snapshot { tasks, paused: false });
    let mut terminal = match Terminal::new(TestBackend::new(160, 48)) {
        Ok(t) => t,
        Err(never) => match never {},
    };
    let mut times = Vec::with_capacity(frames);
    for f in 0..frames.max(1) {
        // Move the selection so every frame differs, as when scrolling.
        app.cursor = f % n.max(1);
        app.offset = app.cursor.saturating_sub(20);
        let start = Instant::now();
        if let Err(never) = terminal.draw(|frame| super::view::view(&app, frame)) {
            match never {}
        }
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

pub const NOW: i64 = 1_700_000_000_000;

pub fn at(ms: i64) -> String {
    crate::store::rfc3339(ms)
}

pub fn sample(id: &str, state: TaskState) -> TaskView {
    TaskView {
        id: id.to_string(),
        description: format!("task {id}"),
        agent: "shell".to_string(),
        state,
        waiting_reason: None,
        reason: None,
        progress: None,
        step: None,
        eta_seconds: None,
        priority: 5,
        class: None,
        attempt: 1,
        created_at: at(NOW - 600_000),
        started_at: (state != TaskState::Pending).then(|| at(NOW - 300_000)),
        finished_at: state.is_finished().then(|| at(NOW - 60_000)),
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

/// A mix of states with progress, steps and todos, for `i` in 0..n.
pub fn task(i: usize) -> TaskView {
    let state = TaskState::ALL[i % 5];
    let mut v = sample(&format!("t{i:05}"), state);
    v.description = format!("refactor module number {i} of the payment service");
    v.created_at = at(NOW - 600_000 + i as i64);
    if state == TaskState::Running {
        v.progress = Some((i % 100) as f64);
        v.step = Some(format!("step {} of 9: running tests", i % 9));
        v.eta_seconds = Some((i % 700) as u64);
        v.todos = vec![
            Todo { text: "read".into(), status: TodoStatus::Completed },
            Todo { text: "write".into(), status: TodoStatus::InProgress },
        ];
    }
    if state == TaskState::Pending {
        v.waiting_reason = Some("cpu 93% over 70%".to_string());
    }
    v
}

/// Test helpers shared by the `update` tests and the screen snapshots.
#[cfg(test)]
pub mod keys_for_tests {
    use super::super::state::{App, Msg};
    use super::super::update::update;
    use crate::config::ResourceLimits;
    use crate::model::TaskView;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    pub fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    pub fn ch(c: char) -> Msg {
        key(KeyCode::Char(c))
    }

    /// An 80x24, colourless dashboard showing `tasks` at the fixed time `NOW`.
    pub fn app_with(tasks: Vec<TaskView>) -> App {
        let mut app = App::new(&ResourceLimits::default(), super::NOW, 80, 24);
        app.color = false;
        update(&mut app, Msg::Snapshot { tasks, paused: false });
        app
    }
}
