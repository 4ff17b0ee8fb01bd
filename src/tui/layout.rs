//! Where each part of the screen goes. Shared by `view` (to draw) and `update` (to know how many
//! rows a page holds), so scrolling and drawing always agree.

use ratatui::layout::{Constraint, Layout, Rect};

pub struct Areas {
    pub header: Rect,
    /// The task list, its first line being the column titles.
    pub list: Rect,
    pub details: Rect,
    pub status: Rect,
}

pub fn areas(area: Rect) -> Areas {
    let [header, body, status] =
        Layout::vertical([Constraint::Length(2), Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let [list, details] = Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(body);
    Areas { header, list, details, status }
}

/// Task rows that fit in the list at this terminal size.
pub fn list_rows(width: u16, height: u16) -> usize {
    usize::from(areas(Rect::new(0, 0, width, height)).list.height.saturating_sub(1))
}

/// Patch lines that fit in the diff view (the list and details areas, less its title).
pub fn diff_rows(width: u16, height: u16) -> usize {
    let a = areas(Rect::new(0, 0, width, height));
    usize::from(a.list.union(a.details).height.saturating_sub(1))
}
