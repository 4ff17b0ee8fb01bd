//! Drawing. Reads the `App`, never changes it, never looks at the clock: "now" is `app.now_ms`.
//! Per-frame work is proportional to the rows on screen, not to the number of tasks.

use super::app::{App, Entry, Mode, Worker};
use super::layout;
use crate::duration;
use crate::model::TaskState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table};
use std::time::Duration;

pub fn view(app: &App, frame: &mut Frame) {
    let areas = layout::areas(frame.area());
    header(app, frame, areas.header);
    if app.show_stats {
        super::stats_pane::draw(app, frame, areas.list.union(areas.details));
    } else {
        list(app, frame, areas.list);
        super::details_view::details(app, frame, areas.details);
    }
    status(app, frame, areas.status);
    if app.mode == Mode::Help {
        help(app, frame, frame.area());
    }
}

/// A foreground colour, or nothing at all under NO_COLOR.
pub fn fg(app: &App, color: Color) -> Style {
    if app.color { Style::new().fg(color) } else { Style::new() }
}

pub fn state_icon(state: TaskState) -> &'static str {
    match state {
        TaskState::Running => "▶",
        TaskState::Pending => "·",
        TaskState::Completed => "✓",
        TaskState::Failed => "✗",
        TaskState::Cancelled => "⊘",
    }
}

pub fn state_color(state: TaskState) -> Color {
    match state {
        TaskState::Running => Color::Cyan,
        TaskState::Pending => Color::Yellow,
        TaskState::Completed => Color::Green,
        TaskState::Failed => Color::Red,
        TaskState::Cancelled => Color::DarkGray,
    }
}

fn span_ms(from: i64, to: i64) -> String {
    duration::format(Duration::from_millis(to.saturating_sub(from).max(0) as u64))
}

fn header(app: &App, frame: &mut Frame, area: Rect) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let worker = match &app.worker {
        Worker::Up => Span::styled("worker up", fg(app, Color::Green)),
        Worker::Connecting => Span::styled("connecting…", fg(app, Color::Yellow)),
        Worker::Down(_) => Span::styled("worker down", fg(app, Color::Red).add_modifier(Modifier::BOLD)),
    };
    let admission = if app.paused {
        Span::styled("admission paused", fg(app, Color::Yellow))
    } else if app.gated {
        Span::styled("admission gated", fg(app, Color::Yellow))
    } else {
        Span::raw("admission open")
    };
    // The title only where it does not push the counts off an 80-column screen.
    let title = if area.width >= 100 { " smart-agents " } else { " " };
    let mut first = vec![Span::styled(title, bold), worker, Span::raw(" │ "), admission, Span::raw(" │")];
    for (state, n) in TaskState::ALL.iter().zip(app.counts) {
        let label = match state {
            TaskState::Running | TaskState::Pending => {
                format!(" {} {n} {state}", state_icon(*state))
            }
            _ => format!(" {} {n}", state_icon(*state)),
        };
        first.push(Span::styled(label, fg(app, state_color(*state))));
    }

    // `cpu 40%+50%/70%`: used now, plus reserved by starts whose use has not shown yet, against
    // the threshold; red once the two together pass it.
    let reading = |name: &str, value: Option<f32>, reserved: f32, limit: f64| {
        let plus = if reserved >= 0.5 { format!("+{reserved:.0}%") } else { String::new() };
        let text = match value {
            Some(v) => format!("{name} {v:.0}%{plus}/{limit:.0}%"),
            None => format!("{name} –{plus}/{limit:.0}%"),
        };
        let over = value.is_some_and(|v| f64::from(v + reserved) >= limit && limit < 100.0);
        Span::styled(text, if over { fg(app, Color::Red).add_modifier(Modifier::BOLD) } else { Style::new() })
    };
    let mut second = vec![
        Span::raw(" "),
        reading("cpu", app.cpu, app.cpu_reserved, app.cpu_threshold),
        Span::raw("  "),
        reading("mem", app.mem, app.mem_reserved, app.mem_threshold),
    ];
    if let Worker::Down(why) = &app.worker {
        second.push(Span::styled(format!("  reconnecting: {why}"), fg(app, Color::Red)));
    }
    let clock = clock(app.now_ms + i64::from(app.utc_offset_secs) * 1000);
    frame.render_widget(Paragraph::new(vec![Line::from(first), Line::from(second)]), area);
    frame.render_widget(
        Paragraph::new(format!("{clock} ")).right_aligned(),
        Rect { height: 1, y: area.y + 1, ..area },
    );
}

fn clock(ms: i64) -> String {
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", secs / 3600, (secs % 3600) / 60, secs % 60)
}

const BAR: usize = 10;

fn progress_bar(percent: f64) -> String {
    let p = if percent.is_finite() { percent.clamp(0.0, 100.0) } else { 0.0 };
    let filled = ((p / 100.0) * BAR as f64).round() as usize;
    format!("{}{} {:>3.0}%", "█".repeat(filled), "░".repeat(BAR - filled), p)
}

fn row<'a>(app: &App, e: &'a Entry, selected: bool) -> Row<'a> {
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
    let step = match v.state {
        TaskState::Running => v.step.clone().unwrap_or_default(),
        TaskState::Pending => v.waiting_reason.clone().unwrap_or_default(),
        _ => match (&v.reason, v.exit_code) {
            (Some(r), _) => r.clone(),
            (None, Some(code)) if code != 0 => format!("exit {code}"),
            _ => String::new(),
        },
    };
    let style = if selected { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
    Row::new(vec![
        Span::styled(state_icon(v.state), fg(app, state_color(v.state))),
        Span::raw(v.id.as_str()),
        Span::raw(v.description.as_str()),
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

fn list(app: &App, frame: &mut Frame, area: Rect) {
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
    let rows = app.visible[start..end]
        .iter()
        .enumerate()
        .filter_map(|(n, &i)| app.tasks.get(i).map(|e| row(app, e, start + n == app.cursor)));
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

fn status(app: &App, frame: &mut Frame, area: Rect) {
    let left = match &app.mode {
        Mode::Filter => Line::from(vec![
            Span::styled(" /", Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(app.filter.as_str()),
            Span::styled("▏", fg(app, Color::Yellow)),
        ]),
        Mode::Confirm(_) => {
            Line::styled(format!(" {}", app.status), Style::new().add_modifier(Modifier::BOLD))
        }
        _ => Line::raw(format!(" {}", app.status)),
    };
    let mut right = String::new();
    if !app.filter.is_empty() {
        right.push_str(&format!("filter '{}' {}/{} · ", app.filter, app.visible.len(), app.tasks.len()));
    }
    right.push_str("? help · q quit ");
    let width = u16::try_from(right.chars().count()).unwrap_or(u16::MAX).min(area.width);
    let [l, r] =
        ratatui::layout::Layout::horizontal([Constraint::Fill(1), Constraint::Length(width)]).areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right).style(fg(app, Color::DarkGray)), r);
}

const HELP: &[(&str, &str)] = &[
    ("↑ ↓  j k", "move the selection"),
    ("PgUp PgDn g G", "page, first, last"),
    ("Enter", "details of the selected task"),
    ("Tab", "switch list / details (j k scroll the log)"),
    ("c", "cancel the selected task (asks y/n)"),
    ("r", "retry the selected finished task"),
    ("p", "pause or resume admission"),
    ("/", "filter by id, description, agent, state"),
    ("s", "stats: finished per hour, cost, success rates"),
    ("Esc", "clear the filter, back to the list"),
    ("?", "this help"),
    ("q  Ctrl-C", "quit"),
];

fn help(app: &App, frame: &mut Frame, area: Rect) {
    let width = 62.min(area.width);
    let height = (HELP.len() as u16 + 4).min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![Span::styled(format!(" {keys:<14}"), fg(app, Color::Cyan)), Span::raw(*what)])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::raw(" any key closes this help"));
    let block = Block::bordered().title(" keys ");
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
