//! `landed`, `discarded` and `reviewed` in a task's history, with who did it. The git work is
//! the client's; the worker records it. A worker that cannot be reached costs the event,
//! never the land.

use super::{Repo, done};
use crate::common::{Home, stderr};
use serde_json::Value;

/// The events of `kind` in task `id`'s history (`events ID --json`, one object a line).
pub fn events_of(home: &Home, id: &str, kind: &str) -> Vec<Value> {
    home.run_ok(&["events", id, "--json", "--kind", kind])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The one event of `kind` of task `id`: its data.
pub fn event_data(home: &Home, id: &str, kind: &str) -> Value {
    let events = events_of(home, id, kind);
    assert_eq!(events.len(), 1, "one {kind} event of {id}: {events:?}");
    events[0]["data"].clone()
}

#[test]
fn land_and_discard_are_in_the_history_with_who_did_them() {
    let home = Home::new();
    let repo = Repo::new();
    let landed = done(&home, &repo, "echo eleven >> a.txt && git commit -qam eleven");
    let dropped = done(&home, &repo, "echo x > x.txt && git add x.txt && git commit -qm x");
    home.run_ok(&["land", &landed, "--squash", "-m", "squashed"]);
    let data = event_data(&home, &landed, "landed");
    assert_eq!(data["text"], "landed into main (squash) by cli", "{data}");
    assert_eq!((data["by"].as_str(), data["into"].as_str()), (Some("cli"), Some("main")), "{data}");
    assert_eq!(data["commit"], repo.git("rev-parse main").as_str(), "{data}");
    let events = events_of(&home, &landed, "landed");
    assert_eq!(events[0]["client"], "cli", "the row names the client too: {events:?}");
    let line = home.run_ok(&["events", &landed, "--kind", "landed"]);
    assert!(line.contains("landed") && line.contains("(by cli pid"), "{line}");

    home.run_ok(&["discard", &dropped, "--force"]);
    let data = event_data(&home, &dropped, "discarded");
    let kept = format!("refs/smart-agents/discarded/{dropped}");
    assert_eq!(data["text"], format!("discarded by cli, kept at {kept}").as_str(), "{data}");
    assert_eq!(data["kept"], kept.as_str());
    assert!(events_of(&home, &dropped, "landed").is_empty());
}

#[test]
fn a_land_with_the_worker_unreachable_still_lands_and_says_it_was_not_recorded() {
    let home = Home::new();
    let repo = Repo::new();
    let id = done(&home, &repo, "echo eleven >> a.txt && git commit -qam eleven");
    assert!(home.run_ok(&["worker", "stop"]).contains("worker stopped"));
    // A worker cannot start on a broken config: no worker can take the event.
    home.write_config("[limits\n");
    let out = home.run(&["land", &id]);
    assert!(out.status.success(), "the land itself succeeds: {}", crate::common::describe(&out));
    let warning = stderr(&out);
    assert_eq!(warning.lines().count(), 1, "one line: {warning}");
    assert!(warning.starts_with("warning:") && warning.contains("not recorded"), "{warning}");
    assert!(repo.sh("cat a.txt").ends_with("eleven\n"), "the work landed");
    home.write_config(crate::common::UNGATED);
    assert!(events_of(&home, &id, "landed").is_empty());
}
