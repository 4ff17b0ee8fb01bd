//! Delegation end to end: a task that starts children from inside, cascading cancel, the caps.

use crate::common;

use common::{BIN, Home, LONG};
use std::time::{Duration, Instant};

fn wait_file(path: &std::path::Path) -> String {
    let deadline = Instant::now() + LONG;
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text.trim().to_string();
        }
        assert!(Instant::now() < deadline, "{} never written", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_task_starts_children_within_the_caps_and_cancelling_it_cancels_them() {
    let home = Home::new();
    home.write_config(&format!("{}[delegation]\nmax_depth = 1\nmax_children = 2\n", common::UNGATED));
    let dir = home.temp_dir().display().to_string();
    let sleep = format!("sleep {}", common::unique_sleep(60));
    // Child 1 sleeps; child 2 tries a grandchild (over max_depth); a third child is over
    // max_children. Each refused execute writes its exit code.
    let script = format!(
        "{BIN} execute --async -- {sleep} >/dev/null; \
         {BIN} execute --async -- sh -c '{BIN} execute --async -- true; echo $? > {dir}/depth; {sleep}' >/dev/null; \
         {BIN} execute --async -- true 2> {dir}/fanout.err; echo $? > {dir}/fanout; {sleep}"
    );
    let parent = home.submit(&["sh", "-c", &script]);
    assert_eq!(wait_file(&home.temp_dir().join("fanout")), "2", "a third child was allowed");
    assert_eq!(wait_file(&home.temp_dir().join("depth")), "2", "a grandchild was allowed");
    let err = std::fs::read_to_string(home.temp_dir().join("fanout.err")).unwrap_or_default();
    assert!(err.contains("max_children"), "{err}");

    let status = home.status(&parent);
    let children = status["children"].as_array().expect("children").clone();
    assert_eq!(children.len(), 2, "{status}");
    for child in &children {
        let id = child["id"].as_str().expect("id");
        home.wait_state(id, "running", LONG);
        assert_eq!(home.status(id)["parent"], parent.as_str());
    }
    home.run_ok(&["cancel", &parent]);
    for child in &children {
        home.wait_state(child["id"].as_str().expect("id"), "cancelled", LONG);
    }
    home.wait_state(&parent, "cancelled", LONG);
    let out = home.run(&["result", &parent, "--json"]);
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).expect("result JSON");
    let outcomes: Vec<&str> = result["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["cancelled", "cancelled"]);
}

#[test]
fn execute_parent_links_explicitly_and_refuses_an_unknown_parent() {
    let home = Home::new();
    let parent = home.submit(&["true"]);
    let child = home.submit_with(&["--parent", &parent], &["true"]);
    assert_eq!(home.status(&child)["parent"], parent.as_str());
    let out = home.run(&["execute", "--async", "--parent", "zzzzzz", "--", "true"]);
    assert_eq!(out.status.code(), Some(3), "{}", common::describe(&out));
}
