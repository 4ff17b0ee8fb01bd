//! What ntfy, Slack and Discord channels post, checked against the recording receiver; a
//! command channel's stdin; and the events filter.

use super::{Receiver, body, ended, home_with, wait_for};
use crate::common;
use serde_json::Value;
use std::time::Duration;

#[test]
fn ntfy_slack_discord_and_command_get_their_own_bodies_and_filters_hold() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("requests.jsonl");
    let receiver = Receiver::start(dir.path(), &out, 0, None, false);
    let stdin_file = dir.path().join("stdin.jsonl");
    let config = format!(
        "[notify]\nlink_base = \"http://127.0.0.1:1\"\n\
         [[notify.channels]]\nkind = \"ntfy\"\nurl = \"{ntfy}\"\ntags = [\"robot\"]\n\
         [[notify.channels]]\nkind = \"slack\"\nurl = \"{slack}\"\n\
         [[notify.channels]]\nkind = \"discord\"\nurl = \"{discord}\"\n\
         [[notify.channels]]\nkind = \"slack\"\nname = \"wins\"\nurl = \"{wins}\"\nevents = [\"completed\"]\n\
         [[notify.channels]]\nkind = \"command\"\ncommand = [\"sh\", \"-c\", \"cat >> '{stdin}'; echo >> '{stdin}'\"]\n\
         events = [\"failed\"]\n",
        ntfy = receiver.url("/alerts"),
        slack = receiver.url("/slack"),
        discord = receiver.url("/discord"),
        wins = receiver.url("/wins"),
        stdin = stdin_file.display(),
    );
    let home = home_with(&config);
    let id = ended(&home, &["sh", "-c", "echo broken >&2; exit 3"], "failed");
    let got = receiver.wait_records(3, common::LONG);
    let at = |path: &str| -> Value {
        let r =
            got.iter().find(|r| r["path"] == path).unwrap_or_else(|| panic!("nothing at {path}: {got:?}"));
        body(r)
    };
    // ntfy: JSON publishing at the server's root, the topic in the body.
    let ntfy = at("/");
    assert_eq!(ntfy["topic"], "alerts");
    assert!(ntfy["title"].as_str().is_some_and(|t| t.starts_with("failed: sh -c")), "{ntfy}");
    assert_eq!(ntfy["priority"], 4, "a failure is urgent");
    assert_eq!(ntfy["tags"], serde_json::json!(["x", "robot"]));
    assert_eq!(ntfy["click"], format!("http://127.0.0.1:1/tasks/{id}"));
    assert!(ntfy["message"].as_str().is_some_and(|m| m.contains(&id)), "{ntfy}");
    let slack = at("/slack");
    let text = slack["text"].as_str().expect("slack text");
    assert!(text.contains("failed: sh -c") && text.contains(&format!("/tasks/{id}|")), "{text}");
    let discord = at("/discord");
    assert!(discord["content"].as_str().is_some_and(|c| c.contains("**failed: sh -c")), "{discord}");
    assert_eq!(discord["allowed_mentions"]["parse"], serde_json::json!([]));
    // The command got the event JSON on stdin.
    let line = wait_for(common::LONG, "the command's stdin", || {
        std::fs::read_to_string(&stdin_file).ok().filter(|t| t.ends_with('\n'))
    });
    let event: Value = serde_json::from_str(line.trim()).expect("JSON on stdin");
    assert_eq!((event["event"].as_str(), event["task"]["id"].as_str()), (Some("failed"), Some(id.as_str())));
    assert_eq!(event["task"]["exit_code"], 3);
    // `wins` wants completions only: nothing for the failure, one for a success.
    std::thread::sleep(Duration::from_millis(500));
    assert!(receiver.records().iter().all(|r| r["path"] != "/wins"), "a filtered event was sent");
    let won = ended(&home, &["true"], "completed");
    let wins = wait_for(common::LONG, "a delivery to /wins", || {
        receiver.records().into_iter().find(|r| r["path"] == "/wins")
    });
    assert!(body(&wins)["text"].as_str().is_some_and(|t| t.contains(&format!("task {won}"))), "{wins}");
    std::thread::sleep(Duration::from_millis(500));
    let lines = std::fs::read_to_string(&stdin_file).unwrap_or_default();
    assert_eq!(lines.lines().count(), 1, "the command wants failures only: {lines}");
}
