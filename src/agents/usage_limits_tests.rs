//! Detection on the lines the real CLIs printed against the mock answering 429
//! (tests/fixtures/limits/, recorded as docs/usage-limits.md says).

use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/limits/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(backend: Backend, pattern: Option<&str>, text: &str) -> Option<UsageLimitHit> {
    let mut d = UsageLimitDetector::new(backend, pattern);
    let mut first = None;
    for line in text.lines() {
        if let Some(hit) = d.feed(line.as_bytes()) {
            assert!(first.is_none(), "reported once");
            first = Some(hit);
        }
    }
    first
}

#[test]
fn claude_429_result_is_a_limit_without_a_reset() {
    for name in ["claude-429-plain.jsonl", "claude-429-retry-after.jsonl"] {
        let hit = run(Backend::named("claude"), None, &fixture(name)).expect(name);
        assert!(hit.message.contains("Request rejected (429)"), "{hit:?}");
        assert_eq!(hit.reset, None);
    }
}

#[test]
fn claude_subscription_limit_event_gives_the_reset() {
    let lines = [
        r#"{"type":"rate_limit_event","rate_limit_info":{"status":"allowed_warning","resetsAt":1700000000}}"#,
        r#"{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1800000000,"rateLimitType":"five_hour"}}"#,
        r#"{"type":"result","subtype":"success","is_error":true,"result":"You've hit your limit · resets 3pm"}"#,
    ];
    let hit = run(Backend::named("claude"), None, &lines.join("\n")).expect("a limit");
    assert_eq!(hit.reset, Some(Reset::At(1_800_000_000_000)));
    assert!(hit.message.contains("five_hour"), "{hit:?}");
    let text = r#"{"type":"result","is_error":true,"result":"You've hit your limit · resets 3pm"}"#;
    assert_eq!(
        run(Backend::named("claude"), None, text).and_then(|h| h.reset),
        Some(Reset::Clock { hour: 15, minute: 0 })
    );
    let ok = r#"{"type":"result","subtype":"success","is_error":false,"result":"rate limit explained"}"#;
    assert_eq!(run(Backend::named("claude"), None, ok), None, "a successful answer is not a limit");
}

#[test]
fn codex_429_and_usage_limit() {
    for name in ["codex-429-plain.jsonl", "codex-429-retry-after.jsonl"] {
        let hit = run(Backend::named("codex"), None, &fixture(name)).expect(name);
        assert!(hit.message.contains("429 Too Many Requests"), "{hit:?}");
        assert_eq!(hit.reset, None);
    }
    let hit = run(Backend::named("codex"), None, &fixture("codex-usage-limit-reached.jsonl")).expect("usage");
    assert!(hit.message.contains("hit your usage limit"), "{hit:?}");
    assert!(matches!(hit.reset, Some(Reset::Clock { minute: 58, .. })), "{hit:?}");
}

#[test]
fn gemini_exhausted_resource_with_the_suggested_retry() {
    let hit = run(Backend::named("gemini"), None, &fixture("gemini-429-retry-info.jsonl")).expect("a limit");
    assert!(hit.message.contains("Resource has been exhausted"), "{hit:?}");
    assert_eq!(hit.reset, Some(Reset::In(20)));
}

#[test]
fn aider_rate_limit_error_reads_the_wrapped_reset() {
    let hit = run(Backend::named("aider"), None, &fixture("aider-429-stdout.txt")).expect("a limit");
    assert!(hit.message.contains("RateLimitError"), "{hit:?}");
    assert_eq!(hit.reset, Some(Reset::In(20)));
}

#[test]
fn command_agents_use_their_pattern_and_reset_group() {
    let pattern = r"LIMIT(?: until (?P<reset>\S+))?";
    let hit = run(Backend::command(), Some(pattern), "working\nLIMIT until 15:30\n").expect("a limit");
    assert_eq!(hit.reset, Some(Reset::Clock { hour: 15, minute: 30 }));
    assert_eq!(run(Backend::command(), Some(pattern), "LIMIT").and_then(|h| h.reset), None);
    assert_eq!(run(Backend::command(), None, "LIMIT until 15:30"), None, "no pattern, no limit");
    assert_eq!(
        run(Backend::command(), Some(pattern), "LIMIT until 2s").and_then(|h| h.reset),
        Some(Reset::In(2))
    );
}

#[test]
fn reset_words() {
    assert_eq!(reset_word("3pm"), Some(Reset::Clock { hour: 15, minute: 0 }));
    assert_eq!(reset_word("12am"), Some(Reset::Clock { hour: 0, minute: 0 }));
    assert_eq!(reset_word("7:58 AM."), Some(Reset::Clock { hour: 7, minute: 58 }));
    assert_eq!(reset_word("1800000000"), Some(Reset::At(1_800_000_000_000)));
    assert_eq!(reset_word("5m"), Some(Reset::In(300)));
    assert_eq!(reset_word("1.5s"), Some(Reset::In(2)));
    assert_eq!(reset_word("soon"), None);
    assert_eq!(reset_in_text("Claude AI usage limit reached|1800000000"), Some(Reset::At(1_800_000_000_000)));
}

#[test]
fn clock_resets_are_the_next_such_time() {
    let now = chrono::Local::now().timestamp_millis();
    let at = Reset::Clock { hour: 3, minute: 0 }.at(now);
    assert!(at > now && at <= now + 86_400_000 + 3_600_000, "{at} vs {now}");
    assert_eq!(Reset::In(2).at(1_000), 3_000);
}

#[test]
fn claude_overage_carries_the_account_until_it_is_rejected_too() {
    let event =
        |info: &str| format!(r#"{{"type":"rate_limit_event","rate_limit_info":{info},"session_id":"s"}}"#);
    // The five-hour window is used up, but paid overage carries on: no hold.
    let carried = event(
        r#"{"status":"rejected","rateLimitType":"five_hour","resetsAt":1800000000,"isUsingOverage":true,"overageStatus":"allowed"}"#,
    );
    assert_eq!(run(Backend::named("claude"), None, &carried), None);
    // Overage rejected too: held until the later of the two resets.
    let both = event(
        r#"{"status":"rejected","rateLimitType":"five_hour","resetsAt":1800000000,"isUsingOverage":false,"overageStatus":"rejected","overageResetsAt":1800003600}"#,
    );
    let hit = run(Backend::named("claude"), None, &both).expect("a limit");
    assert_eq!(hit.reset, Some(Reset::At(1_800_003_600_000)));
    assert!(hit.message.contains("five_hour") && hit.message.contains("overage used up"), "{hit:?}");
    // No overage for this account: the window's reset.
    let none = event(
        r#"{"status":"rejected","rateLimitType":"seven_day","resetsAt":1800000000,"overageDisabledReason":"org_level_disabled"}"#,
    );
    let hit = run(Backend::named("claude"), None, &none).expect("a limit");
    assert_eq!(hit.reset, Some(Reset::At(1_800_000_000_000)));
    assert!(hit.message.contains("no overage"), "{hit:?}");
}
