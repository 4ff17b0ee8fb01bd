//! Drift: event types an agent CLI prints that smart-agents does not know are counted, kept
//! per agent, and listed by `agents show` with one masked example.

use crate::common::{Home, describe};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

/// A `claude` that prints a made-up top-level type twice and a made-up system subtype.
const FAKE_CLAUDE: &str = r#"#!/bin/sh
cat <<'END'
{"type":"system","subtype":"init","session_id":"s1"}
{"type":"system","subtype":"made_up_subtype","session_id":"s1","auth_token":"hunter2"}
{"type":"made_up_type","n":1}
{"type":"made_up_type","n":2}
{"type":"result","subtype":"success","is_error":false,"result":"ok","session_id":"s1"}
END
"#;

#[test]
fn unknown_event_types_are_counted_and_shown_with_a_masked_example() {
    let home = Home::new();
    let dir = tempfile::tempdir().expect("temp");
    let claude = dir.path().join("claude");
    std::fs::write(&claude, FAKE_CLAUDE).expect("write");
    std::fs::set_permissions(&claude, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!("{}:/usr/bin:/bin", dir.path().display());
    let out = home.cmd(&["execute", "hi", "--agent", "claude", "--async"]).env("PATH", &path).output();
    let out = out.expect("execute");
    assert!(out.status.success(), "{}", describe(&out));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    home.wait_state(&id, "completed", Duration::from_secs(30));

    let out = home.cmd(&["agents", "show", "claude", "--json"]).env("PATH", &path).output().expect("show");
    let agent: Value = serde_json::from_slice(&out.stdout).expect("agents show --json");
    let unknown = agent["unknown_events"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<(&str, u64)> = unknown
        .iter()
        .map(|u| (u["type"].as_str().unwrap_or(""), u["count"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(kinds, vec![("made_up_type", 2), ("system/made_up_subtype", 1)], "{agent:#}");
    let example = unknown[1]["example"].as_str().unwrap_or_default();
    assert!(example.contains("made_up_subtype") && !example.contains("hunter2"), "{example}");
    // Another agent's drift is its own.
    let out = home.cmd(&["agents", "show", "codex", "--json"]).env("PATH", &path).output().expect("show");
    let codex: Value = serde_json::from_slice(&out.stdout).expect("agents show --json");
    assert_eq!(codex["unknown_events"], serde_json::json!([]), "{codex:#}");
    assert!(codex["asks"].as_str().is_some_and(|a| a.starts_with("never")), "{codex:#}");
    // The words say what it means.
    let out = home.cmd(&["agents", "show", "claude"]).env("PATH", &path).output().expect("show");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("unknown event types") && text.contains("made_up_type"), "{text}");
}
