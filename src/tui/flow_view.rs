//! The details pane of a flow row: its state and progress, each step with its task and how it
//! ended, which step failed and what was undone.

use super::flow_rows::FlowGroup;
use super::list_view::flow_task_state;
use super::state::{App, Pane};
use super::style::{fg, state_color, state_icon};
use crate::client::flow_view::FlowView;
use crate::model::TaskState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn details(app: &App, frame: &mut Frame, area: Rect) {
    let Some(g) = app.selected_flow() else { return };
    let mut title_style = Style::new().add_modifier(Modifier::BOLD);
    if app.focus == Pane::Details {
        title_style = title_style.add_modifier(Modifier::REVERSED);
    }
    let state = flow_task_state(g.state);
    let title = format!(" {} flow {} · {} ", state_icon(state), g.id, g.name);
    let block = Block::new().borders(Borders::TOP).title(Span::styled(title, title_style));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)]).spacing(1).areas(inner);
    let Some(flow) = app.flows.get(&g.id) else {
        frame.render_widget(Paragraph::new("loading…"), left);
        return;
    };
    frame.render_widget(Paragraph::new(facts_and_steps(app, g, flow)), left);
    frame.render_widget(Paragraph::new(undos(app, flow)), right);
}

/// A step's state as the dashboard knows it best: its task on screen, else the database's word.
fn step_state(app: &App, task_id: Option<&str>, stored: &str) -> (String, Option<TaskState>) {
    match task_id.and_then(|id| app.task(id)) {
        Some(e) => (e.view.state.to_string(), Some(e.view.state)),
        None => (stored.to_string(), stored.parse().ok()),
    }
}

fn facts_and_steps<'a>(app: &App, g: &FlowGroup, flow: &'a FlowView) -> Vec<Line<'a>> {
    let key = |k: &'static str| Span::styled(format!("{k:<9}"), fg(app, Color::DarkGray));
    let state = flow_task_state(g.state);
    let mut first = vec![key("state"), Span::styled(flow.state.as_str(), fg(app, state_color(state)))];
    if flow.attempt > 1 {
        first.push(Span::raw(format!(" (attempt {})", flow.attempt)));
    }
    let mut lines = vec![
        Line::from(first),
        Line::from(vec![
            key("progress"),
            Span::raw(format!("{} of {} steps · {:.0}%", g.done, g.total, g.percent)),
        ]),
        Line::from(vec![key("file"), Span::raw(flow.file.as_str())]),
    ];
    // The flow's reason names the step that failed (or says who cancelled it).
    if let Some(reason) = flow.reason.as_deref() {
        lines.push(Line::from(vec![key("why"), Span::styled(reason, fg(app, Color::Red))]));
    }
    lines.push(Line::styled("steps", Style::new().add_modifier(Modifier::BOLD)));
    let last = flow.steps.len().saturating_sub(1);
    for (i, s) in flow.steps.iter().enumerate() {
        let (word, task_state) = step_state(app, s.task_id.as_deref(), &s.state);
        let (mark, color) = task_state.map_or(("·", Color::Gray), |t| (state_icon(t), state_color(t)));
        let reason = s.task_id.as_deref().and_then(|id| app.task(id)).and_then(|e| e.view.reason.clone());
        let mut line = vec![
            Span::raw(if i == last { "└ " } else { "├ " }),
            Span::styled(mark, fg(app, color)),
            Span::raw(format!(" {:<16} {:<7} {word}", s.name, s.task_id.as_deref().unwrap_or("–"))),
        ];
        if let Some(reason) = reason.or_else(|| s.reason.clone()) {
            line.push(Span::styled(format!(": {reason}"), fg(app, Color::DarkGray)));
        }
        lines.push(Line::from(line));
    }
    lines
}

fn undos<'a>(app: &App, flow: &'a FlowView) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled("undone", Style::new().add_modifier(Modifier::BOLD))];
    if flow.undos.is_empty() {
        lines.push(Line::styled("nothing", fg(app, Color::DarkGray)));
    }
    for u in &flow.undos {
        let (word, state) = step_state(app, Some(&u.task_id), &u.state);
        let (mark, color) = state.map_or(("·", Color::Gray), |t| (state_icon(t), state_color(t)));
        lines.push(Line::from(vec![
            Span::styled(mark, fg(app, color)),
            Span::raw(format!(" {} ({}, attempt {}) {word}", u.step, u.task_id, u.attempt)),
        ]));
    }
    lines
}
