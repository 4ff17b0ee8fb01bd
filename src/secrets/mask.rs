//! Hiding secret values in what a task printed. The one place that does it: `result`, `logs`,
//! the dashboard (and any later reader of task output) go through `Mask`.
//!
//! While a task's sealed values exist, its mask is made from the values themselves. Once they
//! are forgotten, the spans the worker recorded when the task ended (byte ranges of the log
//! where a value was printed) stand in for them, so the database never keeps a value to mask.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Shorter values are not masked: they cannot be told from ordinary text ("1", "yes").
pub const MIN_MASK_LEN: usize = 4;

/// Bytes `start..start + len` of a task's log hold the value of `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub start: u64,
    pub len: u64,
    pub name: String,
}

#[derive(Debug, Default)]
pub struct Mask {
    values: Option<(AhoCorasick, Vec<String>)>,
    spans: Vec<Span>,
}

fn marker(name: &str) -> String {
    format!("[secret {name}]")
}

fn matcher(secrets: &[(String, String)]) -> Option<(AhoCorasick, Vec<String>)> {
    let kept: Vec<&(String, String)> = secrets.iter().filter(|(_, v)| v.len() >= MIN_MASK_LEN).collect();
    if kept.is_empty() {
        return None;
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(kept.iter().map(|(_, v)| v.as_bytes()))
        .ok()?;
    Some((ac, kept.iter().map(|(n, _)| n.clone()).collect()))
}

impl Mask {
    /// From the task's secret variables (name, value).
    pub fn from_values(secrets: &[(String, String)]) -> Mask {
        Mask { values: matcher(secrets), spans: Vec::new() }
    }

    /// From the spans recorded when the task ended.
    pub fn from_spans(mut spans: Vec<Span>) -> Mask {
        spans.sort_by_key(|s| s.start);
        Mask { values: None, spans }
    }

    /// These values are masked too, wherever they appear.
    pub fn with_values(self, secrets: &[(String, String)]) -> Mask {
        Mask { values: matcher(secrets), ..self }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_none() && self.spans.is_empty()
    }

    /// `bytes` read from the log at byte `offset`, masked.
    pub fn apply<'a>(&self, bytes: &'a [u8], offset: u64) -> Cow<'a, [u8]> {
        if self.is_empty() {
            return Cow::Borrowed(bytes);
        }
        let end = offset + bytes.len() as u64;
        let mut out = Vec::with_capacity(bytes.len());
        let mut at = 0usize;
        for span in self.spans.iter().filter(|s| s.start < end && s.start + s.len > offset) {
            let from = span.start.saturating_sub(offset) as usize;
            if from < at {
                continue;
            }
            out.extend_from_slice(&bytes[at..from]);
            out.extend_from_slice(marker(&span.name).as_bytes());
            at = ((span.start + span.len - offset) as usize).min(bytes.len());
        }
        out.extend_from_slice(&bytes[at..]);
        match &self.values {
            Some((ac, names)) => {
                let with: Vec<String> = names.iter().map(|n| marker(n)).collect();
                Cow::Owned(ac.replace_all_bytes(&out, &with))
            }
            None => Cow::Owned(out),
        }
    }

    /// Text not tied to a place in the log (a result's output): masked by value only.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.values {
            Some((ac, names)) if ac.is_match(text) => {
                let with: Vec<String> = names.iter().map(|n| marker(n)).collect();
                Cow::Owned(ac.replace_all(text, &with))
            }
            _ => Cow::Borrowed(text),
        }
    }
}

/// Where `secrets` were printed in what `log` yields (read from byte `offset` on), read in
/// pieces so a large log is never held whole.
pub fn find_spans(
    secrets: &[(String, String)],
    log: impl std::io::Read,
    offset: u64,
) -> std::io::Result<Vec<Span>> {
    let kept: Vec<&(String, String)> = secrets.iter().filter(|(_, v)| v.len() >= MIN_MASK_LEN).collect();
    if kept.is_empty() {
        return Ok(Vec::new());
    }
    // Stream searches need the standard match kind.
    let ac = AhoCorasick::new(kept.iter().map(|(_, v)| v.as_bytes())).map_err(std::io::Error::other)?;
    let mut spans = Vec::new();
    for m in ac.stream_find_iter(log) {
        let m = m?;
        spans.push(Span {
            start: offset + m.start() as u64,
            len: m.len() as u64,
            name: kept[m.pattern().as_usize()].0.clone(),
        });
    }
    Ok(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Vec<(String, String)> {
        vec![("MY_SECRET_TOKEN".into(), "sk-verysecret-123".into()), ("PIN_KEY".into(), "12".into())]
    }

    #[test]
    fn values_are_masked_by_name_and_short_ones_left() {
        let mask = Mask::from_values(&secrets());
        let text = "token sk-verysecret-123 pin 12\n";
        assert_eq!(mask.text(text), "token [secret MY_SECRET_TOKEN] pin 12\n");
        assert_eq!(&*mask.apply(text.as_bytes(), 0), b"token [secret MY_SECRET_TOKEN] pin 12\n".as_slice());
    }

    #[test]
    fn recorded_spans_mask_the_same_bytes_read_from_any_offset() {
        let log = b"start\nsk-verysecret-123 and sk-verysecret-123\n";
        let spans = find_spans(&secrets(), &log[6..], 6).unwrap();
        assert_eq!(spans.len(), 2);
        let mask = Mask::from_spans(spans);
        let want = b"start\n[secret MY_SECRET_TOKEN] and [secret MY_SECRET_TOKEN]\n";
        assert_eq!(&*mask.apply(log, 0), want.as_slice());
        // A read that begins inside the first value still hides what it shows of it.
        let masked = mask.apply(&log[10..], 10);
        assert!(!String::from_utf8_lossy(&masked).contains("secret-123"), "{masked:?}");
    }
}
