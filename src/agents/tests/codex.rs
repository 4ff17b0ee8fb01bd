use super::*;
use crate::agents::CodexParser;

#[test]
fn success_fixture() {
    let mut p = CodexParser::new();
    let (events, v) = replay(&mut p, "codex-success.jsonl", Some(0));
    assert_eq!(started(&events), vec!["0199a213-81c0-7800-8aa1-bbab2a035a53"]);
    assert_eq!(percents(&events), vec![Some(0.0), Some(50.0)]);
    assert_eq!(
        steps(&events),
        vec![Some("Locate auth module".to_string()), Some("Review session handling".to_string())]
    );
    assert_eq!(last_usage(&events), Some((24885, None)));
    assert!(v.success, "{v:?}");
    assert_eq!(v.output, "Auth lives in src/auth/mod.rs; wrote docs/AUTH.md.");
    assert_eq!(v.tokens_used, Some(24885));
    assert_eq!(v.cost_usd, None);
    assert_eq!(v.agents_involved, 1);
    assert_eq!(v.session_id.as_deref(), Some("0199a213-81c0-7800-8aa1-bbab2a035a53"));
    assert_eq!(v.files_changed, vec!["docs/AUTH.md"]);
}

#[test]
fn completed_turn_with_nonzero_exit_fails() {
    let mut p = CodexParser::new();
    let (_, v) = replay(&mut p, "codex-success.jsonl", Some(1));
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("exited with code 1"));
}

#[test]
fn turn_failed_keeps_its_message() {
    let mut p = CodexParser::new();
    let (events, v) = replay(&mut p, "codex-turn-failed.jsonl", Some(1));
    assert_eq!(steps(&events), vec![Some("Running: cargo build".to_string())]);
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("stream disconnected before completion: rate limit reached"));
    assert_eq!(v.tokens_used, None);
}

#[test]
fn legacy_field_names_are_accepted() {
    let mut p = CodexParser::new();
    let (events, v) = replay(&mut p, "codex-legacy.jsonl", Some(0));
    assert_eq!(steps(&events), vec![Some("Running: ls".to_string())]);
    assert_eq!(percents(&events), vec![None]);
    assert!(v.success);
    assert_eq!(v.output, "The repository has one src directory.");
    assert_eq!(v.tokens_used, Some(1050));
}

#[test]
fn top_level_error_without_turn_event() {
    let mut p = CodexParser::new();
    p.feed_line(br#"{"type":"thread.started","thread_id":"t"}"#);
    p.feed_line(br#"{"type":"error","message":"unexpected status 401 Unauthorized"}"#);
    let v = p.finish(Some(1), None);
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("unexpected status 401 Unauthorized"));
}

#[test]
fn error_then_completed_turn_succeeds() {
    // Codex reports reconnect attempts as errors; a turn that completes afterwards is fine.
    let mut p = CodexParser::new();
    p.feed_line(br#"{"type":"error","message":"Reconnecting... 1/5"}"#);
    p.feed_line(br#"{"type":"item.completed","item":{"type":"agent_message","text":"ok"}}"#);
    p.feed_line(br#"{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}"#);
    let v = p.finish(Some(0), None);
    assert!(v.success, "{v:?}");
    assert_eq!(v.output, "ok");
}

#[test]
fn truncated_and_killed() {
    let text = fixture("codex-success.jsonl");
    let cut = text.len() - 100;
    let mut p = CodexParser::new();
    feed_all(&mut p, text.get(..cut).unwrap_or_default());
    let v = p.finish(Some(0), None);
    assert_eq!(v.reason.as_deref(), Some("codex exited without turn.completed (stream truncated)"));
    let mut p = CodexParser::new();
    feed_all(&mut p, text.get(..cut).unwrap_or_default());
    let v = p.finish(None, Some(9));
    assert_eq!(v.reason.as_deref(), Some("killed by signal 9 (SIGKILL)"));
}

#[test]
fn tool_steps_in_words() {
    let mut p = CodexParser::new();
    let mut events = p.feed_line(br#"{"type":"item.started","item":{"id":"a","type":"file_change","changes":[{"path":"a.rs","kind":"update"},{"path":"b.rs","kind":"add"},{"path":"c.rs","kind":"add"}]}}"#);
    events.extend(p.feed_line(br#"{"type":"item.started","item":{"id":"b","type":"mcp_tool_call","server":"github","tool":"search_issues","status":"in_progress"}}"#));
    events.extend(p.feed_line(
        br#"{"type":"item.started","item":{"id":"c","type":"web_search","query":"rust thiserror"}}"#,
    ));
    events.extend(p.feed_line(br#"{"type":"item.started","item":{"id":"d","type":"command_execution","command":"/bin/bash -lc \"cargo test\""}}"#));
    assert_eq!(
        steps(&events),
        vec![
            Some("Editing a.rs and 2 more".to_string()),
            Some("Calling github.search_issues".to_string()),
            Some("Searching the web: rust thiserror".to_string()),
            Some("Running: cargo test".to_string())
        ]
    );
    assert!(p.feed_line(br#"{"type":"turn.started"}"#).is_empty());
    // A change counts once Codex says it is done (one that starts may still fail).
    p.feed_line(br#"{"type":"item.completed","item":{"id":"a","type":"file_change","status":"completed","changes":[{"path":"a.rs","kind":"update"},{"path":"b.rs","kind":"add"},{"path":"c.rs","kind":"add"}]}}"#);
    assert_eq!(p.finish(Some(0), None).files_changed, vec!["a.rs", "b.rs", "c.rs"]);
}

#[test]
fn junk_interleaved_changes_nothing() {
    let clean = {
        let mut p = CodexParser::new();
        replay(&mut p, "codex-success.jsonl", Some(0))
    };
    let mut p = CodexParser::new();
    let mut events = Vec::new();
    for line in fixture("codex-success.jsonl").split(|b| *b == b'\n') {
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

#[test]
fn an_unexplained_exit_points_at_the_output() {
    let mut p = CodexParser::new();
    p.feed_line(br#"{"type":"thread.started","thread_id":"t"}"#);
    let v = p.finish(Some(2), None);
    assert_eq!(
        v.reason.as_deref(),
        Some("codex exited with code 2 without a result: its output (`smart-agents logs ID`) says why")
    );
}

#[test]
fn a_patch_codex_reports_failed_is_said_and_not_listed() {
    // Recorded: Codex 0.171 with bubblewrap installed, its sandbox's private /tmp hiding the
    // repository; the answer still says "Added hello.txt.".
    let mut p = CodexParser::new();
    let (_, v) = replay(&mut p, "codex-patch-failed-private-tmp.log", Some(0));
    assert!(v.success, "the turn completed: {v:?}");
    assert_eq!(v.output, "Added hello.txt.");
    assert!(v.files_changed.is_empty(), "{v:?}");
    let reason = v.reason.unwrap_or_default();
    assert!(reason.contains("hello.txt failed") && reason.starts_with("codex reported"), "{reason}");
    assert!(v.unknown_events.is_empty(), "{:?}", v.unknown_events);
}

#[test]
fn declined_commands_plans_sub_agents_and_unknown_items() {
    let lines = [
        r#"{"type":"thread.started","thread_id":"t1"}"#,
        r#"{"type":"item.plan.delta","item_id":"p1","delta":"1. Read the code\n2. Fix it"}"#,
        r#"{"type":"item.completed","item":{"id":"p1","type":"plan","text":"1. Read the code\n2. Fix it"}}"#,
        r#"{"type":"item.started","item":{"id":"c1","type":"collab_tool_call","tool":"spawn_agent","prompt":"Check the tests"}}"#,
        r#"{"type":"item.completed","item":{"id":"c1","type":"collab_tool_call","tool":"spawn_agent","prompt":"Check the tests"}}"#,
        r#"{"type":"item.completed","item":{"id":"x1","type":"command_execution","command":"bash -lc 'rm -rf /'","status":"declined"}}"#,
        r#"{"type":"item.completed","item":{"id":"n1","type":"hologram","token":"s3cret"}}"#,
        r#"{"type":"turn.mystery"}"#,
        r#"{"type":"item.completed","item":{"id":"a1","type":"agent_message","text":"Done."}}"#,
        r#"{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}"#,
    ];
    let mut p = CodexParser::new();
    let events = feed_all(&mut p, lines.join("\n").as_bytes());
    let steps = steps(&events);
    assert!(steps.contains(&Some("Planning: 1. Read the code".to_string())), "{steps:?}");
    assert!(steps.contains(&Some("Delegating: Check the tests".to_string())), "{steps:?}");
    assert_eq!(events.iter().filter(|e| **e == AgentEvent::Subagent).count(), 1);
    let v = p.finish(Some(0), None);
    assert!(v.success);
    assert_eq!(v.agents_involved, 2);
    assert!(v.reason.as_deref().is_some_and(|r| r.contains("declined to run `rm -rf /`")), "{v:?}");
    let kinds: Vec<&str> = v.unknown_events.iter().map(|u| u.kind.as_str()).collect();
    assert_eq!(kinds, vec!["item/hologram", "turn.mystery"]);
    assert!(v.unknown_events[0].example.contains("\"token\":\"***\""), "{:?}", v.unknown_events);
}
