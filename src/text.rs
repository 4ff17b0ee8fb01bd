//! Text for narrow places: one line, cut to a width.

/// Cut to `width` characters with an ellipsis.
pub fn truncate(text: &str, width: usize) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if one_line.chars().count() <= width {
        return one_line;
    }
    let mut out: String = one_line.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}
