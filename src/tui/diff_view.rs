//! Drawing the diff view: a title with the task and its diffstat, then the patch coloured as
//! git colours it (headers bold, hunks cyan, added green, removed red; `client::diff::line_kind`
//! says which is which).

use super::diff_model::DiffView;
use super::state::App;
use super::style::fg;
use crate::client::diff::{LineKind, line_kind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn draw(app: &App, diff: &DiffView, frame: &mut Frame, area: Rect) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let title = match &diff.lines {
        Some(lines) => {
            let shown = (diff.scroll + 1).min(lines.len());
            format!(" diff {} · {} · line {shown}/{} ", diff.id, diff.stat, lines.len())
        }
        None => format!(" diff {} · loading… ", diff.id),
    };
    let block = Block::new().borders(Borders::TOP).title(Span::styled(title, bold));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = match &diff.lines {
        Some(lines) if lines.is_empty() => {
            vec![Line::styled(
                "no change: the task left its worktree as it found it",
                fg(app, Color::DarkGray),
            )]
        }
        Some(lines) => lines
            .iter()
            .skip(diff.scroll)
            .take(usize::from(inner.height))
            .map(|l| Line::styled(l.as_str(), style(app, line_kind(l))))
            .collect(),
        None => Vec::new(),
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn style(app: &App, kind: LineKind) -> Style {
    match kind {
        LineKind::Header => Style::new().add_modifier(Modifier::BOLD),
        LineKind::Hunk => fg(app, Color::Cyan),
        LineKind::Added => fg(app, Color::Green),
        LineKind::Removed => fg(app, Color::Red),
        LineKind::Context => Style::new(),
    }
}
