use super::*;
use crate::agents::GeminiParser;

#[test]
fn success_fixture() {
    let mut p = GeminiParser::new();
    let (events, v) = replay(&mut p, "gemini-success.jsonl", Some(0));
    assert_eq!(started(&events), vec!["abc123"]);
    // The shell command does not replace the todo item in progress.
    assert_eq!(percents(&events), vec![Some(0.0)]);
    assert_eq!(steps(&events), vec![Some("Find auth code".to_string())]);
    assert_eq!(last_usage(&events), Some((250, None)));
    assert!(v.success, "{v:?}");
    assert_eq!(v.output, "Auth is implemented in src/auth.ts.");
    assert_eq!(v.tokens_used, Some(250));
    assert_eq!(v.cost_usd, None);
    assert_eq!(v.session_id.as_deref(), Some("abc123"));
}

#[test]
fn turn_limit_exit_53() {
    let mut p = GeminiParser::new();
    let (events, v) = replay(&mut p, "gemini-turn-limit.jsonl", Some(53));
    assert_eq!(steps(&events), vec![Some("Reading /home/u/proj/src/auth.ts".to_string())]);
    assert!(!v.success);
    assert_eq!(
        v.reason.as_deref(),
        Some("gemini: turn limit reached (exit code 53): Reached max session turns for this session.")
    );
    assert_eq!(v.tokens_used, Some(900));
}

#[test]
fn bad_input_exit_42_without_stream() {
    let mut p = GeminiParser::new();
    let v = p.finish(Some(42), None);
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("gemini: bad input (exit code 42)"));
}

#[test]
fn error_status_and_truncation() {
    let mut p = GeminiParser::new();
    p.feed_line(
        br#"{"type":"result","status":"error","error":{"type":"ApiError","message":"quota exceeded"}}"#,
    );
    let v = p.finish(Some(1), None);
    assert_eq!(v.reason.as_deref(), Some("gemini reported an error: quota exceeded"));

    let mut p = GeminiParser::new();
    p.feed_line(br#"{"type":"init","session_id":"x","model":"m"}"#);
    p.feed_line(br#"{"type":"error","severity":"warning","message":"loop detected, continuing"}"#);
    let v = p.finish(Some(0), None);
    assert_eq!(v.reason.as_deref(), Some("gemini exited without a final result (stream truncated)"));

    let mut p = GeminiParser::new();
    p.feed_line(br#"{"type":"result","status":"success","stats":{"input_tokens":5,"output_tokens":6}}"#);
    let v = p.finish(Some(1), None);
    assert_eq!(v.reason.as_deref(), Some("exited with code 1"));
    assert_eq!(v.tokens_used, Some(11));
}

#[test]
fn answer_is_the_text_after_the_last_tool_use() {
    let mut p = GeminiParser::new();
    p.feed_line(br#"{"type":"message","role":"assistant","content":"Let me look.","delta":true}"#);
    p.feed_line(
        br#"{"type":"tool_use","tool_name":"glob","tool_id":"g","parameters":{"pattern":"**/*.ts"}}"#,
    );
    p.feed_line(br#"{"type":"message","role":"assistant","content":"Found ","delta":true}"#);
    p.feed_line(br#"{"type":"message","role":"assistant","content":"it.","delta":true}"#);
    p.feed_line(br#"{"type":"result","status":"success","stats":{}}"#);
    let v = p.finish(Some(0), None);
    assert!(v.success);
    assert_eq!(v.output, "Found it.");
}

#[test]
fn cancelled_and_blocked_todos() {
    let mut p = GeminiParser::new();
    let events = p.feed_line(br#"{"type":"tool_use","tool_name":"write_todos","parameters":{"todos":[{"description":"a","status":"completed"},{"description":"b","status":"cancelled"},{"description":"c","status":"blocked"},{"description":"d","status":"in_progress"}]}}"#);
    let [AgentEvent::Progress { percent, step, todos: Some(todos) }] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert_eq!(percent.map(|p| (p * 100.0).round() / 100.0), Some(33.33));
    assert_eq!(step.as_deref(), Some("d"));
    assert_eq!(todos.len(), 4);
}

#[test]
fn junk_interleaved_changes_nothing() {
    let clean = {
        let mut p = GeminiParser::new();
        replay(&mut p, "gemini-success.jsonl", Some(0))
    };
    let mut p = GeminiParser::new();
    let mut events = Vec::new();
    for line in fixture("gemini-success.jsonl").split(|b| *b == b'\n') {
        for junk in junk_lines() {
            events.extend(p.feed_line(&junk));
        }
        events.extend(p.feed_line(line));
    }
    assert_eq!(events, clean.0);
    // The junk's made-up types are counted as drift; nothing else changes.
    let mut verdict = p.finish(Some(0), None);
    let kinds: Vec<String> = verdict.unknown_events.drain(..).map(|u| u.kind).collect();
    assert!(kinds.contains(&"some_future_event".to_string()), "{kinds:?}");
    assert_eq!(verdict, clean.1);
}
