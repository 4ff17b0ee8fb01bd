//! Drawing. Reads the `App`, never changes it, never looks at the clock: "now" is `app.now_ms`.
//! Per-frame work is proportional to the rows on screen, not to the number of tasks.

use super::diff_model::Prompt;
use super::layout;
use super::state::{App, Mode, Worker};
use super::style::{fg, state_color, state_icon};
use crate::model::TaskState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn view(app: &App, frame: &mut Frame) {
    let areas = layout::areas(frame.area());
    header(app, frame, areas.header);
    if let Some(diff) = &app.diff {
        super::diff_view::draw(app, diff, frame, areas.list.union(areas.details));
    } else if app.show_stats {
        super::stats_pane::draw(app, frame, areas.list.union(areas.details));
    } else {
        super::list_view::list(app, frame, areas.list);
        if app.selected_flow().is_some() {
            super::flow_view::details(app, frame, areas.details);
        } else {
            super::details_view::details(app, frame, areas.details);
        }
    }
    status(app, frame, areas.status);
    if app.mode == Mode::Help {
        help(app, frame, frame.area());
    }
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
        // A y/n of the diff view stands out as the cancel's does.
        _ if app.diff.as_ref().is_some_and(|d| matches!(d.prompt, Prompt::Land | Prompt::Discard)) => {
            Line::styled(format!(" {}", app.status), Style::new().add_modifier(Modifier::BOLD))
        }
        _ => Line::raw(format!(" {}", app.status)),
    };
    let mut right = String::new();
    // The filter once: while typing it is on the left, so the right gives only the count.
    if matches!(app.mode, Mode::Filter) {
        right.push_str(&format!("{}/{} · ", app.visible.len(), app.tasks.len()));
    } else if !app.filter.is_empty() {
        right.push_str(&format!("filter '{}' {}/{} · ", app.filter, app.visible.len(), app.tasks.len()));
    }
    // The fold key only where there is a flow to fold: other screens stay as they were.
    if !app.groups.is_empty() {
        right.push_str("space fold flow · ");
    }
    // The diff view's keys are on the left; q there closes the view, not the dashboard.
    if app.diff.is_none() {
        right.push_str("? help · q quit ");
    }
    let width = u16::try_from(right.chars().count()).unwrap_or(u16::MAX).min(area.width);
    let [l, r] =
        ratatui::layout::Layout::horizontal([Constraint::Fill(1), Constraint::Length(width)]).areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right).style(fg(app, Color::DarkGray)), r);
}

const HELP: &[(&str, &str)] = &[
    ("↑ ↓  j k", "move the selection"),
    ("PgUp PgDn g G", "page, first, last"),
    ("Enter", "details of the selected task or flow"),
    ("Tab", "switch list / details (j k scroll the log)"),
    ("Space ← →", "fold/unfold a flow's steps (← fold, → unfold)"),
    ("c", "cancel the selected task or flow (asks y/n)"),
    ("a", "answer a task that needs you (marked ?)"),
    ("d", "diff: scroll, L land, X discard, r send back"),
    ("r", "retry the selected finished task or flow"),
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
