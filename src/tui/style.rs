//! Colours, icons and bars shared by every part of the screen.

use super::state::App;
use crate::model::TaskState;
use ratatui::style::{Color, Style};
use std::time::Duration;

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

const BAR: usize = 10;

pub fn progress_bar(percent: f64) -> String {
    let p = if percent.is_finite() { percent.clamp(0.0, 100.0) } else { 0.0 };
    let filled = ((p / 100.0) * BAR as f64).round() as usize;
    format!("{}{} {:>3.0}%", "█".repeat(filled), "░".repeat(BAR - filled), p)
}

/// The time from `from` to `to` (unix ms), as the list shows it.
pub fn span_ms(from: i64, to: i64) -> String {
    crate::duration::format(Duration::from_millis(to.saturating_sub(from).max(0) as u64))
}
