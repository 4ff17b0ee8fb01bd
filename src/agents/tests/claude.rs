use super::*;
use crate::agents::{ClaudeParser, TodoStatus};

const SESSION: &str = "8c1f0c3e-5d6a-4d1e-9a55-2f7b6a0e1c11";

#[test]
fn success_fixture_progress_usage_and_verdict() {
    let mut p = ClaudeParser::new();
    let (events, v) = replay(&mut p, "claude-success.jsonl", Some(0));
    assert_eq!(started(&events), vec![SESSION]);
    // The Grep between the two TodoWrites does not replace the todo item in progress.
    assert_eq!(percents(&events), vec![Some(0.0), Some(66.67)]);
    assert_eq!(
        steps(&events),
        vec![Some("Mapping auth entry points".to_string()), Some("Writing findings".to_string())]
    );
    let Some(AgentEvent::Progress { todos: Some(todos), .. }) =
        events.iter().rev().find(|e| matches!(e, AgentEvent::Progress { .. }))
    else {
        panic!("no progress with todos");
    };
    assert_eq!(todos.len(), 3);
    assert_eq!(todos[0].text, "Map auth entry points");
    assert_eq!(todos[2].status, TodoStatus::InProgress);
    // Usage: running totals per message, then the result's own totals with cost.
    let usages: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::Usage { tokens_used, .. } => Some(*tokens_used),
            _ => None,
        })
        .collect();
    assert_eq!(usages, vec![1285, 1355, 1485, 1805, 47530]);
    assert_eq!(last_usage(&events), Some((47530, Some(0.0841))));
    assert!(v.success, "{v:?}");
    assert_eq!(v.reason, None);
    assert_eq!(v.output, "Auth uses JWT in src/auth/mod.rs; refresh tokens are not rotated.");
    assert_eq!(v.tokens_used, Some(47530));
    assert_eq!(v.cost_usd, Some(0.0841));
    assert_eq!(v.agents_involved, 1);
    assert_eq!(v.session_id.as_deref(), Some(SESSION));
    assert!(v.files_changed.is_empty());
}

#[test]
fn error_subtype_with_is_error_false_fails() {
    let mut p = ClaudeParser::new();
    let (events, v) = replay(&mut p, "claude-error-max-turns.jsonl", Some(0));
    // No todo list: steps are the tool uses, and percent is never invented.
    assert_eq!(percents(&events), vec![None, None]);
    assert_eq!(
        steps(&events),
        vec![Some("Running: cargo test".to_string()), Some("Editing src/auth.rs".to_string())]
    );
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("claude stopped: error_max_turns"));
    assert_eq!(v.tokens_used, Some(1100));
    assert_eq!(v.cost_usd, Some(0.0123));
    assert_eq!(v.files_changed, vec!["src/auth.rs"]);
    assert_eq!(v.session_id.as_deref(), Some("3f9a2b71-0c4d-4e8f-b1a2-9d8e7f6a5b4c"));
}

#[test]
fn truncated_stream_fails_and_says_why() {
    let mut p = ClaudeParser::new();
    let (events, v) = replay(&mut p, "claude-truncated.jsonl", Some(0));
    assert_eq!(steps(&events), vec![Some("Reading src/main.rs".to_string())]);
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("claude exited without a final result (stream truncated)"));
    assert_eq!(v.tokens_used, Some(520));
    assert_eq!(v.cost_usd, None);
    assert!(v.session_id.is_some());

    let mut p = ClaudeParser::new();
    let (_, v) = replay(&mut p, "claude-truncated.jsonl", Some(1));
    let reason = v.reason.unwrap_or_default();
    assert!(reason.starts_with("claude exited with code 1 without a result"), "{reason}");

    let mut p = ClaudeParser::new();
    feed_all(&mut p, &fixture("claude-truncated.jsonl"));
    let v = p.finish(None, Some(15));
    assert_eq!(v.reason.as_deref(), Some("killed by signal 15 (SIGTERM)"));
}

#[test]
fn subagents_counted_once_and_kept_out_of_progress_and_text() {
    let mut p = ClaudeParser::new();
    let text = fixture("claude-subagent.jsonl");
    let mut events = feed_all(&mut p, &text);
    let first_pass_steps = steps(&events);
    // The same Task block seen again (a repeated line) is not a new subagent.
    let repeat =
        text.split(|b| *b == b'\n').find(|l| l.windows(11).any(|w| w == b"toolu_task1")).unwrap_or_default();
    events.extend(p.feed_line(repeat));
    let v = p.finish(Some(0), None);
    let subagents = events.iter().filter(|e| matches!(e, AgentEvent::Subagent)).count();
    assert_eq!(subagents, 2);
    assert_eq!(v.agents_involved, 3);
    // The subagent's TodoWrite is its own list, not the task's progress.
    assert!(percents(&events).iter().all(Option::is_none));
    assert_eq!(
        first_pass_steps,
        vec![
            Some("Delegating: Find auth code".to_string()),
            Some("Delegating: Review tests".to_string()),
            Some("Grep authenticate".to_string())
        ]
    );
    let texts: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, vec!["I'll ask two helpers.", "Auth is in src/auth.rs; tests cover login only."]);
    assert!(v.success);
    assert_eq!(v.output, "Auth is in src/auth.rs; tests cover login only.");
    assert_eq!(v.tokens_used, Some(1530));
    assert_eq!(v.cost_usd, Some(0.031));
}

#[test]
fn success_subtype_with_is_error_true_fails() {
    let mut p = ClaudeParser::new();
    p.feed_line(br#"{"type":"result","subtype":"success","is_error":true,"result":"API Error: 529 overloaded\nretry later","session_id":"s1"}"#);
    let v = p.finish(Some(0), None);
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("claude reported an error: API Error: 529 overloaded"));
    assert_eq!(v.session_id.as_deref(), Some("s1"));
}

#[test]
fn success_result_with_nonzero_exit_fails() {
    let mut p = ClaudeParser::new();
    p.feed_line(br#"{"type":"result","subtype":"success","is_error":false,"result":"done"}"#);
    let v = p.finish(Some(1), None);
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("claude reported success but exited with code 1"));
    assert_eq!(v.output, "done");
}

#[test]
fn junk_interleaved_changes_nothing() {
    let clean = {
        let mut p = ClaudeParser::new();
        replay(&mut p, "claude-success.jsonl", Some(0))
    };
    let mut p = ClaudeParser::new();
    let mut events = Vec::new();
    for line in fixture("claude-success.jsonl").split(|b| *b == b'\n') {
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
fn huge_text_line_is_handled() {
    let big = "y".repeat(5 * 1024 * 1024);
    let line = format!(
        r#"{{"type":"assistant","message":{{"id":"m","content":[{{"type":"text","text":"{big}"}}]}},"parent_tool_use_id":null}}"#
    );
    let mut p = ClaudeParser::new();
    let events = p.feed_line(line.as_bytes());
    assert!(matches!(events.as_slice(), [AgentEvent::Text { text }] if text.len() == big.len()));
    let v = p.finish(Some(0), None);
    assert!(!v.success);
    assert_eq!(v.output.len(), big.len());
}

#[test]
fn unknown_tools_and_fields_make_plain_steps() {
    let mut p = ClaudeParser::new();
    let events = p.feed_line(br#"{"type":"assistant","new_field":1,"message":{"content":[{"type":"thinking","thinking":"hm"},{"type":"tool_use","id":"t","name":"mcp__github__create_issue","input":{"title":"x"}},{"type":"tool_use","id":"u","name":"Bash","input":{}}]}}"#);
    assert_eq!(
        steps(&events),
        vec![Some("mcp__github__create_issue".to_string()), Some("Running:".to_string())]
    );
}

/// Claude Code 2.1.197 as recorded by the real-CLI lane, with a third task (created, then
/// deleted) added and two creation results swapped.
#[test]
fn task_tools_fixture_progress_steps_and_todos() {
    let mut p = ClaudeParser::new();
    let (events, v) = replay(&mut p, "claude-tasks.jsonl", Some(0));
    assert_eq!(
        percents(&events),
        vec![Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(33.33), Some(33.33), Some(50.0), Some(100.0)]
    );
    let named: Vec<String> = steps(&events).into_iter().flatten().collect();
    assert_eq!(named, vec!["Writing hello file", "Reporting back", "Reporting back"]);
    let Some(AgentEvent::Progress { todos: Some(todos), .. }) =
        events.iter().rev().find(|e| matches!(e, AgentEvent::Progress { .. }))
    else {
        panic!("no progress with todos");
    };
    // In id order, the deleted one gone, both done.
    let texts: Vec<&str> = todos.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, vec!["Write hello file", "Report back"]);
    assert!(todos.iter().all(|t| t.status == TodoStatus::Completed));
    // The task tools themselves never become the step.
    assert!(!named.iter().any(|s| s.starts_with("Task")), "{named:?}");
    assert!(v.success, "{v:?}");
    assert_eq!(v.output, "Wrote hello.txt.");
    assert_eq!(v.files_changed, vec!["/tmp/sarcaFTuyo/repo/hello.txt"]);
    assert_eq!(v.cost_usd, Some(0.0075));
}

#[test]
fn permission_denials_are_named_even_on_success() {
    let mut p = ClaudeParser::new();
    p.feed_line(br#"{"type":"result","subtype":"success","is_error":false,"result":"ok","permission_denials":[{"tool_name":"Write","tool_use_id":"t","tool_input":{"file_path":"/r/a.txt"}},{"tool_name":"Bash","tool_input":{"command":"rm -rf build"}}]}"#);
    let v = p.finish(Some(0), None);
    assert!(v.success);
    let reason = v.reason.unwrap_or_default();
    assert!(reason.contains("permission denied 2x: Editing /r/a.txt; Running: rm -rf build"), "{reason}");
    assert!(reason.contains("--autonomy"), "{reason}");
}

#[test]
fn a_refusal_on_stderr_becomes_the_reason() {
    let mut p = ClaudeParser::new();
    p.feed_line(
        b"--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons",
    );
    let v = p.finish(Some(1), None);
    assert!(!v.success);
    assert!(v.reason.as_deref().is_some_and(|r| r.contains("IS_SANDBOX=1")), "{v:?}");
    let mut p = ClaudeParser::new();
    p.feed_line(b"Error: something odd happened");
    let v = p.finish(Some(3), None);
    assert_eq!(
        v.reason.as_deref(),
        Some("claude exited with code 3 without a result: Error: something odd happened")
    );
}

/// Lines of a made-up run of the current release: an unknown system subtype and top-level
/// type, a conversation reset, and a result that deferred a tool use.
fn lines_of_a_deferred_run() -> String {
    [
        r#"{"type":"system","subtype":"init","session_id":"s1","tools":[]}"#,
        r#"{"type":"system","subtype":"api_retry","attempt":2,"max_retries":10,"retry_delay_ms":800,"error_status":429,"error":"rate_limit"}"#,
        r#"{"type":"system","subtype":"brand_new_thing","session_id":"s1","api_key":"sk-ant-xyz"}"#,
        r#"{"type":"conversation_reset","new_conversation_id":"s2","session_id":"s1","uuid":"u"}"#,
        r#"{"type":"future_type","session_id":"s2"}"#,
        r#"{"type":"result","subtype":"success","is_error":false,"result":"","session_id":"s2","terminal_reason":"tool_deferred","deferred_tool_use":{"id":"t","name":"Bash","input":{"command":"rm -rf build"}}}"#,
    ]
    .join("\n")
}

#[test]
fn retries_resets_deferred_tools_and_unknown_types() {
    let mut p = ClaudeParser::new();
    let events = feed_all(&mut p, lines_of_a_deferred_run().as_bytes());
    assert_eq!(started(&events), vec!["s1", "s2"], "a reset names the conversation to resume");
    assert_eq!(steps(&events), vec![Some("API rate_limit: retrying after 429, 2 of 10".to_string())]);
    let v = p.finish(Some(0), None);
    assert!(!v.success, "{v:?}");
    let reason = v.reason.unwrap_or_default();
    assert!(reason.contains("deferred a tool use") && reason.contains("Running: rm -rf build"), "{reason}");
    assert_eq!(v.session_id.as_deref(), Some("s2"));
    let kinds: Vec<&str> = v.unknown_events.iter().map(|u| u.kind.as_str()).collect();
    assert_eq!(kinds, vec!["future_type", "system/brand_new_thing"]);
    assert!(!v.unknown_events[1].example.contains("sk-ant"), "{:?}", v.unknown_events[1]);
}

#[test]
fn a_failed_terminal_reason_is_named_next_to_the_subtype() {
    let mut p = ClaudeParser::new();
    let line = r#"{"type":"result","subtype":"error_max_turns","is_error":true,"session_id":"s","terminal_reason":"max_turns"}"#;
    feed_all(&mut p, line.as_bytes());
    let v = p.finish(Some(1), None);
    assert_eq!(v.reason.as_deref(), Some("claude stopped: error_max_turns (the turn limit was reached)"));
}

#[test]
fn the_progress_tool_is_a_todo_list() {
    let line = r#"{"type":"assistant","session_id":"s","message":{"id":"m","content":[{"type":"tool_use","id":"t1","name":"mcp__smart-agents__progress","input":{"todos":[{"content":"Read","status":"completed","activeForm":"Reading"},{"content":"Write","status":"in_progress","activeForm":"Writing"}]}}]}}"#;
    let mut p = ClaudeParser::new();
    let events = feed_all(&mut p, line.as_bytes());
    assert_eq!(percents(&events), vec![Some(50.0)]);
    assert_eq!(steps(&events), vec![Some("Writing".to_string())]);
}
