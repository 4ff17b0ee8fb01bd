//! `notices` (endings not seen yet, then marked seen) and `follow` (bars until the end, then
//! the tasks' status), through the real binary.

use crate::common;

use common::{Home, LONG};
use serde_json::Value;

const CONFIG: &str = "[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n";

#[test]
fn notices_tells_each_ending_once() {
    let home = Home::with_config(CONFIG);
    // No worker yet: nothing to tell, and no worker is started for a prompt hook.
    assert_eq!(home.run_ok(&["notices"]), "");
    assert!(home.workers().is_empty(), "notices started a worker");

    let ok = home.submit_with(&["Analyze auth"], &["true"]);
    let bad = home.submit_with(&["Break things"], &["sh", "-c", "exit 3"]);
    home.wait_state(&ok, "completed", LONG);
    home.wait_state(&bad, "failed", LONG);

    let tasks = match home.json(&["notices", "--json"]) {
        Value::Array(tasks) => tasks,
        other => panic!("notices --json is not an array: {other}"),
    };
    let mut ids: Vec<&str> = tasks.iter().filter_map(|t| t["id"].as_str()).collect();
    ids.sort();
    let mut want = vec![ok.as_str(), bad.as_str()];
    want.sort();
    assert_eq!(ids, want, "{tasks:?}");
    assert!(tasks.iter().all(|t| t["finished_at"].is_string()), "{tasks:?}");
    // Seen: a second call has nothing new, in either form.
    assert_eq!(home.json(&["notices", "--json"]), serde_json::json!([]));
    assert_eq!(home.run_ok(&["notices"]), "", "a prompt hook must stay quiet");

    // Human lines, newest ending last.
    let first = home.submit_with(&["First ending"], &["true"]);
    home.wait_state(&first, "completed", LONG);
    let second = home.submit_with(&["Second ending"], &["sh", "-c", "exit 4"]);
    home.wait_state(&second, "failed", LONG);
    let out = home.run_ok(&["notices"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(&format!("✓ {first} completed · First ending · ")), "{out}");
    assert!(lines[1].starts_with(&format!("✗ {second} failed · Second ending · ")), "{out}");
    assert!(lines[1].ends_with("exited with code 4"), "{out}");
    assert_eq!(home.run_ok(&["notices"]), "");
}

#[test]
fn follow_exits_with_the_tasks_status() {
    let home = Home::with_config(CONFIG);
    let ok = home.submit(&["sh", "-c", "sleep 0.3"]);
    let out = home.run_code(&["follow", &ok], 0);
    assert!(common::stdout(&out).starts_with(&format!("{ok} completed")), "{}", common::describe(&out));

    let bad = home.submit(&["sh", "-c", "sleep 0.2; exit 7"]);
    let out = home.run_code(&["follow", &bad], 7);
    assert!(common::stdout(&out).contains(&format!("{bad} failed")), "{}", common::describe(&out));

    // Several: 0 only if all completed; --json gives the final views.
    let out = home.run_code(&["follow", &ok, &bad, "--json"], 7);
    let views: Value = serde_json::from_slice(&out.stdout).expect("follow --json prints JSON");
    assert_eq!(views[0]["state"], "completed");
    assert_eq!(views[1]["state"], "failed");

    home.run_code(&["follow", "zzzzzz"], 3);
}
