//! A profile's own `args` win over the autonomy flags, for each CLI; the task tools reach
//! Claude Code.

use crate::agents::{AgentRequest, Autonomy, Backend, build_args};
use std::path::Path;

fn argv(backend: &str, autonomy: Autonomy, extra: &[&str]) -> Vec<String> {
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    let req = AgentRequest {
        prompt: "x",
        extra_args: &extra,
        autonomy,
        analytics_log: Some(Path::new("/tmp/a.jsonl")),
        ..AgentRequest::default()
    };
    build_args(Backend::named(backend), &req).unwrap_or_default()
}

fn count(args: &[String], flag: &str) -> usize {
    args.iter().filter(|a| *a == flag || a.starts_with(&format!("{flag}="))).count()
}

#[test]
fn a_profile_that_sets_the_permission_flag_keeps_it_alone() {
    let claude = argv("claude", Autonomy::Edit, &["--permission-mode", "bypassPermissions"]);
    assert_eq!(count(&claude, "--permission-mode"), 1, "{claude:?}");
    assert!(!claude.iter().any(|a| a == "acceptEdits"), "{claude:?}");
    let claude = argv("claude", Autonomy::ReadOnly, &["--dangerously-skip-permissions"]);
    assert_eq!(count(&claude, "--permission-mode"), 0, "{claude:?}");

    let codex = argv("codex", Autonomy::Edit, &["--dangerously-bypass-approvals-and-sandbox"]);
    assert_eq!(count(&codex, "--sandbox"), 0, "{codex:?}");
    let codex = argv("codex", Autonomy::Full, &["-s", "read-only"]);
    assert_eq!(count(&codex, "--dangerously-bypass-approvals-and-sandbox"), 0, "{codex:?}");

    // Gemini CLI 0.61 joins a repeated flag: "Invalid approval mode: auto_edit,yolo".
    for extra in [&["--approval-mode", "yolo"][..], &["--approval-mode=yolo"], &["--yolo"]] {
        let gemini = argv("gemini", Autonomy::Edit, extra);
        assert_eq!(count(&gemini, "--approval-mode"), usize::from(extra.len() == 2 || extra[0] != "--yolo"));
        assert!(!gemini.iter().any(|a| a == "auto_edit"), "{gemini:?}");
    }

    // aider's switches are independent: only the one named (or its --no- twin) is left out.
    let aider = argv("aider", Autonomy::Edit, &["--auto-commits"]);
    assert_eq!(count(&aider, "--no-auto-commits"), 0, "{aider:?}");
    assert_eq!(count(&aider, "--no-suggest-shell-commands"), 1, "{aider:?}");
    let aider = argv("aider", Autonomy::ReadOnly, &["--no-dry-run"]);
    assert_eq!(count(&aider, "--dry-run"), 0, "{aider:?}");
    assert_eq!(count(&aider, "--no-auto-commits"), 1, "{aider:?}");
}

#[test]
fn without_profile_args_each_level_keeps_its_flags() {
    for backend in Backend::all().filter(|b| !b.is_command()) {
        for level in [Autonomy::ReadOnly, Autonomy::Edit, Autonomy::Full] {
            let args = argv(backend.as_str(), level, &[]);
            let flags = level.args(backend);
            assert!(args.windows(flags.len()).any(|w| w == flags.as_slice()), "{backend} {level}: {args:?}");
        }
    }
}

#[test]
fn claude_gets_the_progress_tool_allowed_and_told() {
    let req = AgentRequest {
        prompt: "x",
        system_prompt: Some("Be brief."),
        tools_exe: Some("/opt/smart-agents"),
        ..AgentRequest::default()
    };
    let args = build_args(Backend::named("claude"), &req).unwrap_or_default();
    let after = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let config: serde_json::Value = serde_json::from_str(&after("--mcp-config").unwrap_or_default()).unwrap();
    assert_eq!(config["mcpServers"]["smart-agents"]["command"], "/opt/smart-agents");
    assert_eq!(config["mcpServers"]["smart-agents"]["alwaysLoad"], true);
    assert_eq!(after("--allowedTools").as_deref(), Some(crate::agents::claude::mcp_tools::CLAUDE_PROGRESS));
    let system = after("--append-system-prompt").unwrap_or_default();
    assert!(system.starts_with("Be brief.\n\n") && system.contains("`progress` tool"), "{system}");
    assert_eq!(count(&args, "--append-system-prompt"), 1);
}
