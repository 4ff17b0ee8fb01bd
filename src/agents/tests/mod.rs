//! Replays of the transcripts in `tests/fixtures/agents/` and edge cases, per backend.

mod advice;
mod aider;
mod argv;
mod claude;
mod codex;
mod gemini;
mod opencode;
mod overrides;
mod recorded;
mod versions;

use super::{AgentEvent, StreamParser, Verdict};
use std::path::PathBuf;

pub(super) fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "agents", name].iter().collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Feeds every line of `text` and returns all events.
pub(super) fn feed_all(parser: &mut dyn StreamParser, text: &[u8]) -> Vec<AgentEvent> {
    text.split(|b| *b == b'\n').flat_map(|line| parser.feed_line(line)).collect()
}

pub(super) fn replay(
    parser: &mut dyn StreamParser,
    name: &str,
    exit_code: Option<i32>,
) -> (Vec<AgentEvent>, Verdict) {
    let events = feed_all(parser, &fixture(name));
    let verdict = parser.finish(exit_code, None);
    (events, verdict)
}

pub(super) fn percents(events: &[AgentEvent]) -> Vec<Option<f64>> {
    events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::Progress { percent, .. } => Some(percent.map(|p| (p * 100.0).round() / 100.0)),
            _ => None,
        })
        .collect()
}

pub(super) fn steps(events: &[AgentEvent]) -> Vec<Option<String>> {
    events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::Progress { step, .. } => Some(step.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn started(events: &[AgentEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::Started { session_id } => Some(session_id.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn last_usage(events: &[AgentEvent]) -> Option<(u64, Option<f64>)> {
    events.iter().rev().find_map(|e| match e {
        AgentEvent::Usage { tokens_used, cost_usd } => Some((*tokens_used, *cost_usd)),
        _ => None,
    })
}

/// Lines every parser must shrug off without panicking or emitting anything.
pub(super) fn junk_lines() -> Vec<Vec<u8>> {
    let mut huge = b"{\"type\":\"unknown_kind\",\"blob\":\"".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 6 * 1024 * 1024));
    huge.extend(b"\"}");
    vec![
        Vec::new(),
        b"   ".to_vec(),
        b"not json at all".to_vec(),
        b"\xff\xfe\xfd invalid utf-8 \xc3\x28".to_vec(),
        b"{\"type\":\"\xff\"}".to_vec(),
        b"{\"type\":".to_vec(),
        b"[1,2,3]".to_vec(),
        b"null".to_vec(),
        b"{\"type\":42}".to_vec(),
        b"{\"type\":\"some_future_event\",\"x\":{\"y\":[1]}}".to_vec(),
        b"{\"type\":\"assistant\",\"message\":\"not an object\"}".to_vec(),
        b"{\"type\":\"item.completed\",\"item\":[]}".to_vec(),
        b"{\"type\":\"result\"".to_vec(),
        huge,
    ]
}
