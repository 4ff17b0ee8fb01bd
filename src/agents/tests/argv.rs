use crate::agents::{AgentError, AgentRequest, Backend, build_args, parser_for};
use std::path::Path;

const NASTY: &str = "fix it; $(rm -rf /) `id` && echo \"hi\" 'x' \n second line";

fn req(prompt: &str) -> AgentRequest<'_> {
    AgentRequest { prompt, ..AgentRequest::default() }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn autonomy_maps_to_each_cli() {
    use crate::agents::Autonomy;
    let cases = [
        (Backend::named("claude"), Autonomy::ReadOnly, "--permission-mode plan"),
        (Backend::named("claude"), Autonomy::Full, "--permission-mode bypassPermissions"),
        (Backend::named("codex"), Autonomy::ReadOnly, "--sandbox read-only"),
        (Backend::named("codex"), Autonomy::Full, "--dangerously-bypass-approvals-and-sandbox"),
        (Backend::named("gemini"), Autonomy::ReadOnly, "--approval-mode plan"),
        (Backend::named("gemini"), Autonomy::Full, "--approval-mode yolo"),
        (Backend::named("aider"), Autonomy::ReadOnly, "--dry-run"),
        (Backend::named("aider"), Autonomy::Full, "--auto-commits"),
    ];
    let log = Path::new("/tmp/a.jsonl");
    for (backend, autonomy, flags) in cases {
        let r = AgentRequest { autonomy, analytics_log: Some(log), ..req("x") };
        let args = build_args(backend, &r).unwrap_or_default().join(" ");
        assert!(args.contains(flags), "{backend} {autonomy}: {args}");
    }
}

#[test]
fn claude_args() {
    let extra = s(&["--max-turns", "5"]);
    let r = AgentRequest {
        model: Some("sonnet"),
        system_prompt: Some("Be brief."),
        resume: Some("abc"),
        extra_args: &extra,
        ..req(NASTY)
    };
    assert_eq!(
        build_args(Backend::named("claude"), &r),
        Ok(s(&[
            "-p",
            NASTY,
            "--output-format",
            "stream-json",
            "--verbose",
            "--model",
            "sonnet",
            "--append-system-prompt",
            "Be brief.",
            "--resume",
            "abc",
            "--permission-mode",
            "acceptEdits",
            "--max-turns",
            "5"
        ]))
    );
    // A prompt that looks like an option goes after `--`.
    assert_eq!(
        build_args(Backend::named("claude"), &req("--help me")),
        Ok(s(&[
            "-p",
            "--output-format",
            "stream-json",
            "--verbose",
            "--permission-mode",
            "acceptEdits",
            "--",
            "--help me"
        ]))
    );
}

#[test]
fn codex_args() {
    assert_eq!(
        build_args(Backend::named("codex"), &req(NASTY)),
        Ok(s(&["exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", NASTY]))
    );
    let r = AgentRequest {
        model: Some("gpt-5"),
        system_prompt: Some("Be brief."),
        resume: Some("0199a213"),
        ..req("go on")
    };
    assert_eq!(
        build_args(Backend::named("codex"), &r),
        Ok(s(&[
            "exec",
            "--json",
            "--skip-git-repo-check",
            "--model",
            "gpt-5",
            "--sandbox",
            "workspace-write",
            "resume",
            "0199a213",
            "Be brief.\n\ngo on"
        ]))
    );
    assert_eq!(
        build_args(Backend::named("codex"), &req("-x")),
        Ok(s(&["exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", "--", "-x"]))
    );
}

#[test]
fn gemini_args() {
    let r = AgentRequest { model: Some("gemini-2.5-pro"), resume: Some("latest"), ..req(NASTY) };
    assert_eq!(
        build_args(Backend::named("gemini"), &r),
        Ok(s(&[
            "-p",
            NASTY,
            "--output-format",
            "stream-json",
            "--model",
            "gemini-2.5-pro",
            "--resume",
            "latest",
            "--approval-mode",
            "auto_edit"
        ]))
    );
    assert_eq!(
        build_args(Backend::named("gemini"), &req("-x")),
        Ok(s(&["--prompt=-x", "--output-format", "stream-json", "--approval-mode", "auto_edit"]))
    );
}

#[test]
fn aider_args() {
    let log = Path::new("/tmp/run/analytics.jsonl");
    let r = AgentRequest { analytics_log: Some(log), model: Some("sonnet"), ..req(NASTY) };
    assert_eq!(
        build_args(Backend::named("aider"), &r),
        Ok(s(&[
            "--message",
            NASTY,
            "--yes-always",
            "--no-stream",
            "--no-pretty",
            "--no-check-update",
            "--no-analytics",
            "--analytics-log",
            "/tmp/run/analytics.jsonl",
            "--model",
            "sonnet",
            "--no-auto-commits",
            "--no-suggest-shell-commands"
        ]))
    );
    let r = AgentRequest { analytics_log: Some(log), resume: Some("x"), ..req("-x") };
    let args = build_args(Backend::named("aider"), &r).unwrap_or_default();
    assert_eq!(args.first().map(String::as_str), Some("--message=-x"));
    assert!(args.iter().any(|a| a == "--restore-chat-history"), "{args:?}");
    assert_eq!(build_args(Backend::named("aider"), &req("x")), Err(AgentError::MissingAnalyticsLog));
    assert_eq!(build_args(Backend::command(), &req("x")), Err(AgentError::NoAgentArgv));
}

#[test]
fn backend_names_round_trip() {
    for b in Backend::all() {
        assert_eq!(b.to_string().parse::<Backend>(), Ok(b));
    }
    assert_eq!(" Claude ".parse::<Backend>(), Ok(Backend::named("claude")));
    assert_eq!("shell".parse::<Backend>(), Ok(Backend::command()));
    assert!(matches!("gpt".parse::<Backend>(), Err(AgentError::UnknownBackend(_))));
    assert_eq!(Backend::command().program(), None);
    assert_eq!(Backend::named("aider").program(), Some("aider"));
}

#[test]
fn command_parser_keeps_output_and_exit() {
    let mut p = parser_for(Backend::command());
    assert!(p.feed_line(b"hello\n").is_empty());
    p.feed_line(b"\xffworld");
    let v = p.finish(Some(0), None);
    assert!(v.success);
    assert_eq!(v.output, "hello\n\u{fffd}world");
    let mut p = parser_for(Backend::command());
    assert_eq!(p.finish(Some(4), None).reason.as_deref(), Some("exited with code 4"));
}

#[test]
fn every_parser_fails_an_empty_stream() {
    for b in
        [Backend::named("claude"), Backend::named("codex"), Backend::named("gemini"), Backend::named("aider")]
    {
        let mut p = parser_for(b);
        let v = p.finish(Some(0), None);
        assert!(!v.success, "{b}");
        assert!(v.reason.is_some(), "{b}");
    }
}

#[test]
fn agents_reach_their_model_host_or_their_base_url() {
    use crate::agents::registry::model_host;
    assert_eq!(model_host("claude", &[]).as_deref(), Some("api.anthropic.com:443"));
    let env = vec![("ANTHROPIC_BASE_URL".to_string(), "http://127.0.0.1:8081/v1".to_string())];
    assert_eq!(model_host("claude", &env).as_deref(), Some("127.0.0.1:8081"));
    let env = vec![("OPENAI_BASE_URL".to_string(), "http://mock.local/v1".to_string())];
    assert_eq!(model_host("codex", &env).as_deref(), Some("mock.local:80"));
    assert_eq!(model_host("shell", &[]), None);
}
