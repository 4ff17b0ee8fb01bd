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

/// A measured number for people: three significant digits (`2.07`, `0.000755`, `1235`).
pub fn human_number(value: f64) -> String {
    if value == 0.0 || !value.is_finite() || value.fract() == 0.0 {
        return format!("{value}");
    }
    let digits = (2 - value.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let text = format!("{value:.digits$}");
    // `2.50` reads as `2.5`.
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

/// A measured quantity for JSON: rounded to `decimals` places, so float noise
/// (`0.0007549999999999987`) does not reach scripts.
pub fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    if rounded.is_finite() { rounded } else { value }
}

/// Every non-integer number in `value` rounded with `round_to`.
pub fn round_json(value: &mut serde_json::Value, decimals: i32) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(rounded) =
                n.as_f64().and_then(|f| serde_json::Number::from_f64(round_to(f, decimals)))
            {
                *n = rounded;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| round_json(v, decimals)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| round_json(v, decimals)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people_keep_three_significant_digits() {
        assert_eq!(human_number(2.067236725408094), "2.07");
        assert_eq!(human_number(0.0007549999999999987), "0.000755");
        assert_eq!(human_number(1234.56), "1235");
        assert_eq!(human_number(2.5), "2.5");
        assert_eq!(human_number(85.0), "85");
    }

    #[test]
    fn json_numbers_lose_their_float_noise() {
        let mut v =
            serde_json::json!({ "cpu_seconds": 0.0007549999999999987, "n": 3, "a": [2.067236725408094] });
        round_json(&mut v, 3);
        assert_eq!(v, serde_json::json!({ "cpu_seconds": 0.001, "n": 3, "a": [2.067] }));
    }
}
