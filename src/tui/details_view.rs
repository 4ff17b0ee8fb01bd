//! The details pane: facts and the step tree on the left, the log tail on the right.

use super::state::{App, Pane};
use super::style::{fg, state_color, state_icon};
use crate::model::{TaskState, TaskView, TodoStatus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn details(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Pane::Details;
    let title_style = if focused {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let Some(entry) = app.selected_entry() else {
        let block = Block::new().borders(Borders::TOP).title(Span::styled(" details ", title_style));
        frame.render_widget(block, area);
        return;
    };
    let v = &entry.view;
    let title = format!(" {} {} · {} ", state_icon(v.state), v.id, v.description);
    let block = Block::new().borders(Borders::TOP).title(Span::styled(title, title_style));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).spacing(1).areas(inner);

    let key = |k: &'static str| Span::styled(format!("{k:<8}"), fg(app, Color::DarkGray));
    let mut lines = Vec::new();
    let mut state = vec![key("state"), Span::styled(v.state.as_str(), fg(app, state_color(v.state)))];
    let attempt = app.details.as_ref().map_or(v.attempt, |d| d.attempt.max(v.attempt));
    if attempt > 1 {
        state.push(Span::raw(format!(" (attempt {attempt})")));
    }
    lines.push(Line::from(state));
    lines.push(Line::from(vec![key("agent"), Span::raw(v.agent.as_str())]));
    if v.executor != crate::executor::Executor::Local {
        let place = crate::render::placement(v);
        lines.push(Line::from(vec![key("on"), Span::raw(place)]));
    }
    if let Some(reason) = v.waiting_reason.as_deref().filter(|_| v.state == TaskState::Pending) {
        lines.push(Line::from(vec![key("waiting"), Span::raw(reason)]));
    }
    record_lines(app, &mut lines);
    step_tree(app, v, &mut lines);
    frame.render_widget(Paragraph::new(lines), left);

    let log_lines: Vec<Line> = match &app.details {
        Some(d) if !d.log.is_empty() => {
            // Bottom-aligned: the newest lines at the bottom, scrolled up by `log_scroll`.
            let h = usize::from(right.height);
            let end = d.log.len().saturating_sub(app.log_scroll);
            let start = end.saturating_sub(h);
            d.log[start..end].iter().map(|l| Line::raw(l.as_str())).collect()
        }
        Some(d) => vec![Line::styled(d.log_note.clone().unwrap_or_default(), fg(app, Color::DarkGray))],
        None => Vec::new(),
    };
    frame.render_widget(Paragraph::new(log_lines), right);
}

/// What the store's record adds: dependencies, tokens and cost, how it ended, errors.
fn record_lines<'a>(app: &'a App, lines: &mut Vec<Line<'a>>) {
    let key = |k: &'static str| Span::styled(format!("{k:<8}"), fg(app, Color::DarkGray));
    match &app.details {
        None => lines.push(Line::from(vec![key(""), Span::raw("loading…")])),
        Some(d) => {
            if !d.after.is_empty() {
                lines.push(Line::from(vec![key("after"), Span::raw(d.after.join(", "))]));
            }
            if let Some(r) = &d.result {
                let m = &r.metrics;
                if m.tokens_used.is_some() || m.cost_usd.is_some() {
                    let tokens = m.tokens_used.map_or("–".to_string(), |t| t.to_string());
                    let cost = m.cost_usd.map_or("–".to_string(), |c| format!("${c:.2}"));
                    lines.push(Line::from(vec![key("tokens"), Span::raw(format!("{tokens}  cost {cost}"))]));
                }
                if r.state.is_finished() {
                    let outcome = match (&r.reason, r.exit_code) {
                        (Some(reason), _) => reason.clone(),
                        (None, Some(code)) => format!("exit {code}"),
                        (None, None) => r.state.to_string(),
                    };
                    lines.push(Line::from(vec![key("result"), Span::raw(outcome)]));
                    if let Some(first) = r.output.lines().find(|l| !l.trim().is_empty()) {
                        lines.push(Line::from(vec![key("output"), Span::raw(first.to_string())]));
                    }
                }
            }
            if let Some(err) = &d.error {
                lines.push(Line::from(vec![key("error"), Span::styled(err.as_str(), fg(app, Color::Red))]));
            }
        }
    }
}

/// The step tree from the agent's todo list (live, from the task view), else its step.
fn step_tree<'a>(app: &App, v: &'a TaskView, lines: &mut Vec<Line<'a>>) {
    let key = |k: &'static str| Span::styled(format!("{k:<8}"), fg(app, Color::DarkGray));
    if !v.todos.is_empty() {
        lines.push(Line::styled("steps", Style::new().add_modifier(Modifier::BOLD)));
        let last = v.todos.len() - 1;
        for (i, todo) in v.todos.iter().enumerate() {
            let (mark, color) = match todo.status {
                TodoStatus::Completed => ("✓", Color::Green),
                TodoStatus::InProgress => ("▶", Color::Cyan),
                TodoStatus::Pending | TodoStatus::Blocked => ("·", Color::Gray),
                TodoStatus::Cancelled => ("✗", Color::DarkGray),
            };
            let branch = if i == last { "└ " } else { "├ " };
            lines.push(Line::from(vec![
                Span::raw(branch),
                Span::styled(mark, fg(app, color)),
                Span::raw(" "),
                Span::raw(todo.text.as_str()),
            ]));
        }
    } else if let Some(step) = v.step.as_deref() {
        lines.push(Line::from(vec![key("step"), Span::raw(step)]));
    }
}
