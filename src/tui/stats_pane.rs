//! The dashboard's stats pane (key `s`): draws what `stats_data` loaded.

use super::state::App;
use super::stats_data::DAYS;
use super::style::fg;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Block, Paragraph, Sparkline};

const MAX_SCHEDULE_LINES: usize = 5;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(data) = &app.stats else {
        let text = Paragraph::new(" loading stats…").block(Block::bordered().title(" stats "));
        frame.render_widget(text, area);
        return;
    };
    // The schedules' lines, at most a few: the charts keep most of the pane.
    let schedules = data.schedules.len().min(MAX_SCHEDULE_LINES);
    let lines = 1 + u16::from(!data.limits.is_empty()) + schedules as u16;
    let [spark, charts, summary] =
        Layout::vertical([Constraint::Length(6), Constraint::Fill(1), Constraint::Length(lines)]).areas(area);
    let [cost, agents] = Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(charts);
    let total: u64 = data.per_hour.iter().sum();
    let block = Block::bordered().title(format!(" tasks finished per hour, last 24h ({total}) "));
    let line = Sparkline::default().block(block).data(&data.per_hour).style(fg(app, Color::Cyan));
    frame.render_widget(line, spark);

    // Bars hold whole numbers: cents, labelled in dollars.
    let bars: Vec<Bar> = data
        .cost_per_day
        .iter()
        .map(|(day, cost)| {
            Bar::with_label(day.clone(), (cost * 100.0).round() as u64).text_value(format!("${cost:.2}"))
        })
        .collect();
    let width = (cost.width.saturating_sub(2) / DAYS as u16).saturating_sub(1).clamp(1, 9);
    let chart = BarChart::vertical(bars)
        .block(Block::bordered().title(" cost per day "))
        .bar_width(width)
        .bar_gap(1)
        .bar_style(fg(app, Color::Yellow));
    frame.render_widget(chart, cost);

    let bars: Vec<Bar> = data
        .per_agent
        .iter()
        .map(|(agent, rate, ended)| {
            let pct = rate.map_or(0, |r| (r * 100.0).round() as u64);
            let text = rate.map_or("-".to_string(), |_| format!("{pct}% of {ended}"));
            Bar::with_label(agent.clone(), pct).text_value(text)
        })
        .collect();
    let chart = BarChart::horizontal(bars)
        .block(Block::bordered().title(" success rate per agent "))
        .max(100)
        .bar_width(1)
        .bar_gap(0)
        .bar_style(fg(app, Color::Green));
    frame.render_widget(chart, agents);
    let mut text = vec![Line::raw(format!(" {}", data.summary))];
    if !data.limits.is_empty() {
        text.push(Line::raw(format!(" {}", data.limits)));
    }
    for line in data.schedules.iter().take(schedules) {
        text.push(Line::raw(format!(" schedule {line}")));
    }
    frame.render_widget(Paragraph::new(text), summary);
}
