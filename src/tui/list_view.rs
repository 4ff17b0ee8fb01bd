//! The task list: one row a task, a flow's row with its steps beneath it. Per-frame work is
//! proportional to the rows on screen, not to the number of tasks.

use super::entry::Entry;
use super::flow_rows::{FlowGroup, ListRow, step_label};
use super::state::App;
use super::style::{fg, progress_bar, span_ms, state_color, state_icon};
use crate::duration;
use crate::flows::FlowState;
use crate::model::TaskState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};
use std::time::Duration;

/// A task's row; a step under its flow (`branch` is its tree mark) shows its step's name.
fn row<'a>(app: &App, e: &'a Entry, selected: bool, branch: Option<&str>) -> Row<'a> {
    let v = &e.view;
    let elapsed = match (v.state, e.started_ms, e.finished_ms) {
        (TaskState::Running, Some(s), _) => span_ms(s, app.now_ms),
        (_, Some(s), Some(f)) => span_ms(s, f),
        _ => String::new(),
    };
    // Only what the worker estimated: no ETA is shown rather than a made-up one.
    let eta = match (v.state, v.eta_seconds) {
        (TaskState::Running, Some(s)) => duration::format(Duration::from_secs(s.max(1))),
        _ => String::new(),
    };
    let progress = match (v.state, v.progress) {
        (TaskState::Running | TaskState::Pending, Some(p)) => progress_bar(p),
        _ => String::new(),
    };
    let step = match (v.state, &v.needs) {
        (TaskState::Running, Some(needs)) => format!("needs you: {}", needs.text),
        (TaskState::Running, None) => v.step.clone().unwrap_or_default(),
        (TaskState::Pending, _) => v.waiting_reason.clone().unwrap_or_default(),
        _ => match (&v.reason, v.exit_code) {
            (Some(r), _) => r.clone(),
            (None, Some(code)) if code != 0 => format!("exit {code}"),
            _ => String::new(),
        },
    };
    let style = if selected { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
    Row::new(vec![
        match v.needs {
            Some(_) => Span::styled("?", fg(app, Color::Yellow).add_modifier(Modifier::BOLD)),
            None => Span::styled(state_icon(v.state), fg(app, state_color(v.state))),
        },
        Span::raw(v.id.as_str()),
        match (branch, v.step_name.as_deref()) {
            (Some(branch), Some(step)) => Span::raw(format!(" {branch} {}", step_label(step))),
            _ => Span::raw(v.description.as_str()),
        },
        // Tasks off this machine say where: `shell@slurm`.
        match v.executor {
            crate::executor::Executor::Local => Span::raw(v.agent.as_str()),
            other => Span::raw(format!("{}@{other}", v.agent)),
        },
        Span::styled(progress, fg(app, Color::Cyan)),
        Span::raw(step),
        Span::raw(elapsed),
        Span::raw(eta),
    ])
    .style(style)
}

pub fn list(app: &App, frame: &mut Frame, area: Rect) {
    if app.visible.is_empty() {
        let text = if app.tasks.is_empty() {
            "no tasks yet: queue one with `smart-agents execute`".to_string()
        } else {
            format!("no task matches '{}'", app.filter)
        };
        let block = Block::new().borders(Borders::TOP).title(" tasks ");
        frame.render_widget(Paragraph::new(format!(" {text}")).block(block), area);
        return;
    }
    let rows_on_screen = usize::from(area.height.saturating_sub(1));
    let end = (app.offset + rows_on_screen).min(app.visible.len());
    let start = app.offset.min(end);
    let rows = (start..end).filter_map(|n| {
        let selected = n == app.cursor;
        match app.visible[n] {
            ListRow::Task { index, depth } => {
                // The last step of a flow closes its branch.
                let last = !matches!(app.visible.get(n + 1), Some(ListRow::Task { depth: 1, .. }));
                let branch = (depth > 0).then_some(if last { "└" } else { "├" });
                app.tasks.get(index).map(|e| row(app, e, selected, branch))
            }
            ListRow::Flow { group } => app.groups.get(group).map(|g| flow_row(app, g, selected)),
        }
    });
    let widths = [
        Constraint::Length(1),
        Constraint::Length(6),
        Constraint::Fill(3),
        Constraint::Length(7),
        Constraint::Length(15),
        Constraint::Fill(2),
        Constraint::Length(7),
        Constraint::Length(5),
    ];
    let title_style = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let header =
        Row::new(["", "ID", "DESCRIPTION", "AGENT", "PROGRESS", "STEP", "ELAPSED", "ETA"]).style(title_style);
    frame.render_widget(Table::new(rows, widths).header(header), area);
}

/// A flow's state as a task state, for its icon and colour (a flow not read yet is running).
pub fn flow_task_state(state: Option<FlowState>) -> TaskState {
    match state {
        None | Some(FlowState::Running) => TaskState::Running,
        Some(FlowState::Completed) => TaskState::Completed,
        Some(FlowState::Failed) => TaskState::Failed,
        Some(FlowState::Cancelled) => TaskState::Cancelled,
    }
}

/// A flow's row: its name (▾ open, ▸ folded), its weighted progress and steps done of all.
fn flow_row<'a>(app: &App, g: &'a FlowGroup, selected: bool) -> Row<'a> {
    let state = flow_task_state(g.state);
    let fold = if g.collapsed { "▸" } else { "▾" };
    let members = g.members.iter().filter_map(|&i| app.tasks.get(i));
    let started = members.clone().filter_map(|e| e.started_ms).min();
    let elapsed = match (started, g.ended()) {
        (Some(s), false) => span_ms(s, app.now_ms),
        (Some(s), true) => {
            members.filter_map(|e| e.finished_ms).max().map_or(String::new(), |f| span_ms(s, f))
        }
        (None, _) => String::new(),
    };
    let what = match g.state {
        Some(s) if s != FlowState::Running => format!("{}/{} steps · {}", g.done, g.total, s.as_str()),
        _ => format!("{}/{} steps", g.done, g.total),
    };
    let style = if selected { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
    Row::new(vec![
        Span::styled(state_icon(state), fg(app, state_color(state))),
        Span::raw(g.id.as_str()),
        Span::styled(format!("{fold} {}", g.name), Style::new().add_modifier(Modifier::BOLD)),
        Span::raw("flow"),
        Span::styled(progress_bar(g.percent), fg(app, Color::Cyan)),
        Span::raw(what),
        Span::raw(elapsed),
        Span::raw(""),
    ])
    .style(style)
}
