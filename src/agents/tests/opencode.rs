//! OpenCode 1.18.33's `--format json`, recorded against a mock chat-completions server.

use super::*;
use crate::agents::opencode::OpenCodeParser;

#[test]
fn a_recorded_run_gives_progress_answer_tokens_and_files() {
    let mut p = OpenCodeParser::new();
    let (events, v) = replay(&mut p, "opencode-success.jsonl", Some(0));
    assert_eq!(started(&events), vec!["ses_daf3459c9ffeKVtZ1OkiL2A4mi"]);
    assert_eq!(percents(&events).first(), Some(&Some(0.0)));
    assert_eq!(percents(&events).last(), Some(&Some(100.0)));
    assert_eq!(steps(&events).first(), Some(&Some("Write hello".to_string())));
    assert!(v.success, "{v:?}");
    assert_eq!(v.output, "Wrote hello.txt.");
    assert_eq!(v.tokens_used, Some(480));
    assert_eq!(v.files_changed, vec!["/tmp/oc/repo/hello.txt"]);
    assert_eq!(v.session_id.as_deref(), Some("ses_daf3459c9ffeKVtZ1OkiL2A4mi"));
    assert!(v.unknown_events.is_empty(), "{:?}", v.unknown_events);
}

#[test]
fn an_unreachable_api_fails_with_its_message() {
    let mut p = OpenCodeParser::new();
    let (_, v) = replay(&mut p, "opencode-unreachable.jsonl", Some(1));
    assert!(!v.success);
    let reason = v.reason.unwrap_or_default();
    assert!(reason.starts_with("opencode reported an error: Cannot connect to API"), "{reason}");
}

#[test]
fn a_cut_stream_is_no_success() {
    let text = fixture("opencode-success.jsonl");
    let cut = text.len() - 400;
    let mut p = OpenCodeParser::new();
    feed_all(&mut p, &text[..cut]);
    let v = p.finish(Some(0), None);
    assert!(!v.success);
    assert!(v.reason.unwrap_or_default().contains("without a final result"));
}

#[test]
fn junk_interleaved_changes_nothing_but_drift() {
    let clean = {
        let mut p = OpenCodeParser::new();
        replay(&mut p, "opencode-success.jsonl", Some(0))
    };
    let mut p = OpenCodeParser::new();
    let mut events = Vec::new();
    for line in fixture("opencode-success.jsonl").split(|b| *b == b'\n') {
        for junk in junk_lines() {
            events.extend(p.feed_line(&junk));
        }
        events.extend(p.feed_line(line));
    }
    assert_eq!(events, clean.0);
    let mut verdict = p.finish(Some(0), None);
    assert!(!verdict.unknown_events.is_empty());
    verdict.unknown_events.clear();
    assert_eq!(verdict, clean.1);
}
