use super::*;
use crate::agents::AiderParser;

fn run(stdout: &str, analytics: Option<&str>, exit: i32) -> (Vec<AgentEvent>, Verdict) {
    let mut p = AiderParser::new();
    let mut events = Vec::new();
    if let Some(analytics) = analytics {
        for line in fixture(analytics).split(|b| *b == b'\n') {
            events.extend(p.feed_side_line(line));
        }
    }
    events.extend(feed_all(&mut p, &fixture(stdout)));
    let v = p.finish(Some(exit), None);
    (events, v)
}

#[test]
fn success_fixture_with_analytics() {
    let (events, v) = run("aider-stdout.txt", Some("aider-analytics.jsonl"), 0);
    assert_eq!(
        steps(&events),
        vec![Some("Waiting for the model".to_string()), Some("Editing src/auth.py".to_string())]
    );
    assert!(percents(&events).iter().all(Option::is_none));
    assert!(v.success, "{v:?}");
    // Analytics figures are exact; they win over the rounded stdout line.
    assert_eq!(v.tokens_used, Some(9610));
    assert_eq!(v.cost_usd, Some(0.004915));
    assert_eq!(last_usage(&events), Some((9610, Some(0.004915))));
    // No reply text in this transcript: the edit and commit lines say what happened.
    assert_eq!(v.output, "Applied edit to src/auth.py\nCommit 1a2b3c4 refactor: harden token refresh");
    assert_eq!(v.files_changed, vec!["src/auth.py"]);
    assert_eq!(v.session_id, None);
}

#[test]
fn exit_zero_without_message_send_fails() {
    let (events, v) = run("aider-stdout.txt", None, 0);
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("aider made no model call (no message_send in the analytics log)"));
    // The stdout line still gives rounded figures.
    assert_eq!(v.tokens_used, Some(10_591));
    assert_eq!(v.cost_usd, Some(0.02));
    assert_eq!(last_usage(&events), Some((10_591, Some(0.02))));
}

#[test]
fn error_text_fails_even_with_exit_zero() {
    let (events, v) = run("aider-error-stdout.txt", Some("aider-error-analytics.jsonl"), 0);
    assert!(!v.success);
    let reason = v.reason.clone().unwrap_or_default();
    assert!(
        reason.starts_with(
            "aider reported an error: litellm.AuthenticationError: AnthropicException - invalid x-api-key"
        ),
        "{reason}"
    );
    assert!(reason.contains("ANTHROPIC_API_KEY"), "an authentication failure says what to do: {reason}");
    assert!(!events.iter().any(|e| matches!(e, AgentEvent::Text { .. })));
    assert_eq!(v.output, "");
}

#[test]
fn error_line_fails_despite_message_send() {
    let mut p = AiderParser::new();
    for line in fixture("aider-analytics.jsonl").split(|b| *b == b'\n') {
        p.feed_analytics_line(line);
    }
    p.feed_line(b"Here is the change.");
    p.feed_line(b"litellm.RateLimitError: rate limited");
    let v = p.finish(Some(0), None);
    assert!(!v.success);
    assert_eq!(v.reason.as_deref(), Some("aider reported an error: litellm.RateLimitError: rate limited"));
    assert_eq!(v.output, "Here is the change.");
}

#[test]
fn retried_error_does_not_count_and_reply_is_kept() {
    let mut p = AiderParser::new();
    p.feed_analytics_line(br#"{"event": "message_send", "properties": {"prompt_tokens": 100, "completion_tokens": 20, "cost": 0.5}}"#);
    p.feed_analytics_line(br#"{"event": "message_send", "properties": {"total_tokens": 30, "cost": 0.25}}"#);
    for line in [
        "Aider v0.86.1",
        "Main model: claude-sonnet-4-5 with diff edit format",
        "Git repo: .git with 12 files",
        "Repo-map: using 4096 tokens",
        "Added src/auth.py to the chat.",
        "litellm.InternalServerError: overloaded",
        "Retrying in 0.2 seconds...",
        "Added a refresh check to the token handler.",
        "",
        "The session now expires after 15 minutes.",
        "Tokens: 1.2k sent, 35 received. Cost: $0.0042 message, $0.75 session.",
        "Applied edit to src/auth.py",
    ] {
        p.feed_line(line.as_bytes());
    }
    let v = p.finish(Some(0), None);
    assert!(v.success, "{v:?}");
    assert_eq!(
        v.output,
        "Added a refresh check to the token handler.\n\nThe session now expires after 15 minutes."
    );
    assert_eq!(v.tokens_used, Some(150));
    assert_eq!(v.cost_usd, Some(0.75));
}

#[test]
fn message_send_exception_and_nonzero_exit() {
    let mut p = AiderParser::new();
    p.feed_analytics_line(
        br#"{"event": "message_send_exception", "properties": {"exception": "APIConnectionError: boom"}}"#,
    );
    let v = p.finish(Some(0), None);
    assert_eq!(v.reason.as_deref(), Some("aider reported an error: APIConnectionError: boom"));

    let (_, v) = {
        let mut p = AiderParser::new();
        for line in fixture("aider-analytics.jsonl").split(|b| *b == b'\n') {
            p.feed_side_line(line);
        }
        (Vec::<AgentEvent>::new(), p.finish(Some(2), None))
    };
    assert_eq!(v.reason.as_deref(), Some("exited with code 2"));
}

#[test]
fn junk_never_panics() {
    let mut p = AiderParser::new();
    for junk in junk_lines() {
        p.feed_line(&junk);
        p.feed_side_line(&junk);
    }
    p.feed_line(b"\xff\xfe more invalid utf-8 \xc3\x28");
    p.feed_line(b"Tokens: lots sent, ??? received. Cost: $abc message, $ session.");
    p.feed_line(b"Tokens: 99999999999999999999M sent, 1 received.");
    let v = p.finish(None, Some(2));
    assert_eq!(v.reason.as_deref(), Some("killed by signal 2 (SIGINT)"));
    // Text lines, even invalid UTF-8, are kept (lossily) as reply, capped in size.
    assert!(v.output.contains("invalid utf-8"));
    assert!(v.output.len() <= 1024 * 1024);
}

#[test]
fn a_wrapped_error_that_aider_retried_does_not_count() {
    // As a real run prints it: the error wraps, an explanation follows, then the retry.
    let mut p = crate::agents::AiderParser::new();
    for line in [
        "litellm.InternalServerError: InternalServerError: OpenAIException - Connection ",
        "error.",
        "The API provider's servers are down or overloaded.",
        "Retrying in 0.2 seconds...",
        "Recovered.",
        "",
    ] {
        p.feed_line(line.as_bytes());
    }
    p.feed_side_line(br#"{"event":"message_send","properties":{"prompt_tokens":1,"completion_tokens":1}}"#);
    let v = p.finish(Some(0), None);
    assert!(v.success, "{v:?}");
    assert_eq!(v.output, "Recovered.");
}
