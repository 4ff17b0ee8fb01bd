//! Flows end to end: the real binary and worker run flow files of shell steps.

use crate::common;

use common::{Home, LONG, describe, kill9, stderr};
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn write(home: &Home, name: &str, text: &str) -> String {
    let path = home.temp_dir().join(name);
    std::fs::write(&path, text).expect("write flow file");
    path.display().to_string()
}

/// `flow run FILE --json` to the end: the flow's final JSON and the exit code.
fn run_flow(home: &Home, file: &str, extra: &[&str]) -> (Value, Option<i32>) {
    let mut args = vec!["flow", "run", file, "--json"];
    args.extend_from_slice(extra);
    let out = home.run(&args);
    let flow =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {}", describe(&out)));
    (flow, out.status.code())
}

fn step<'a>(flow: &'a Value, name: &str) -> &'a Value {
    flow["steps"].as_array().and_then(|s| s.iter().find(|s| s["name"] == name)).expect("step in flow")
}

fn output(home: &Home, task: &Value) -> String {
    home.json(&["result", task.as_str().expect("task id"), "--json"])["output"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn parallel_and_dependent_steps_pass_output_on() {
    let home = Home::new();
    let file = write(
        &home,
        "f.toml",
        r#"name = "pass it on"
[vars]
greeting = "hello"
[[steps]]
name = "a"
command = "sleep 0.5; echo alpha"
[[steps]]
name = "b"
command = ["sh", "-c", "sleep 0.5; echo {{vars.greeting}}"]
[[steps]]
name = "c"
command = "echo got {{steps.a.output}} and {{steps.b.output}}"
"#,
    );
    let (flow, code) = run_flow(&home, &file, &["--var", "greeting=beta"]);
    assert_eq!(code, Some(0), "{flow}");
    assert_eq!(flow["state"], "completed");
    assert_eq!(flow["steps_done"], 3);
    assert_eq!(flow["progress"], 100.0);
    assert_eq!(output(&home, &step(&flow, "c")["task_id"]).trim(), "got alpha and beta");
    // a and b ran side by side: each started before the other ended; c was queued after both.
    let view = |name: &str| home.status(step(&flow, name)["task_id"].as_str().expect("id"));
    let (a, b, c) = (view("a"), view("b"), view("c"));
    let at = |v: &Value, k: &str| v[k].as_str().expect("time").to_string();
    assert!(at(&a, "started_at") < at(&b, "finished_at") && at(&b, "started_at") < at(&a, "finished_at"));
    assert!(at(&c, "created_at") >= at(&a, "finished_at") && at(&c, "created_at") >= at(&b, "finished_at"));
    let listed = home.json(&["flow", "list", "--json"]);
    assert_eq!(listed[0]["id"], flow["id"]);
}

#[test]
fn a_failure_under_stop_undoes_completed_steps_in_reverse() {
    let home = Home::new();
    let log = home.temp_dir().join("undo.log");
    let text = r#"name = "saga"
[[steps]]
name = "first"
command = "true"
undo = "echo undo-first >> LOG"
[[steps]]
name = "second"
command = "true"
after = ["first"]
undo = ["sh", "-c", "echo undo-second >> LOG"]
[[steps]]
name = "broken"
command = "exit 3"
after = ["second"]
[[steps]]
name = "never"
command = "touch NEVER"
after = ["broken"]
"#
    .replace("LOG", &log.display().to_string())
    .replace("NEVER", &home.temp_dir().join("never").display().to_string());
    let file = write(&home, "saga.toml", &text);
    let (flow, code) = run_flow(&home, &file, &[]);
    assert_eq!(code, Some(1), "{flow}");
    assert_eq!(flow["state"], "failed");
    assert_eq!(flow["reason"], "step broken failed (exited with code 3); undone: second, first");
    assert_eq!(std::fs::read_to_string(&log).expect("undo log"), "undo-second\nundo-first\n");
    assert_eq!(step(&flow, "never")["state"], "cancelled");
    assert!(!home.temp_dir().join("never").exists(), "a step after the failure ran");
    let undos: Vec<&str> =
        flow["undos"].as_array().expect("undos").iter().map(|u| u["step"].as_str().unwrap()).collect();
    assert_eq!(undos, ["second", "first"]);
    // retry re-runs only the failed step (it fails again: the plan is kept as queued).
    let before = step(&flow, "first")["task_id"].clone();
    home.run_ok(&["flow", "retry", flow["id"].as_str().unwrap()]);
    let again = wait_flow(&home, flow["id"].as_str().unwrap());
    assert_eq!(again["attempt"], 2);
    assert_eq!(home.status(before.as_str().unwrap())["attempt"], 1, "a completed step ran again");
    assert_eq!(home.status(step(&again, "broken")["task_id"].as_str().unwrap())["attempt"], 2);
}

#[test]
fn a_failure_under_continue_lets_the_rest_run() {
    let home = Home::new();
    let file = write(
        &home,
        "c.toml",
        "name = \"lenient\"\n[[steps]]\nname = \"lint\"\ncommand = \"exit 1\"\non_failure = \"continue\"\n\
         undo = \"true\"\n[[steps]]\nname = \"build\"\ncommand = \"echo built\"\nafter = [\"lint\"]\n",
    );
    let (flow, code) = run_flow(&home, &file, &[]);
    assert_eq!(code, Some(0), "{flow}");
    assert_eq!(flow["state"], "completed");
    assert_eq!(step(&flow, "lint")["state"], "failed");
    assert_eq!(step(&flow, "build")["state"], "completed");
    assert!(flow["reason"].as_str().unwrap_or("").contains("let go: lint"), "{flow}");
    assert_eq!(flow["undos"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_bad_file_is_refused_with_its_line_and_nothing_is_queued() {
    let home = Home::new();
    let cases = [
        (
            "name = \"x\"\n[[steps]]\nname = \"a\"\ncommand = \"true\"\nprompt_typo = \"p\"\n",
            ":5:",
            "prompt_typo",
        ),
        ("name = \"x\"\n[[steps]]\nname = \"a\"\ncommand = \"true\"\nafter = [\"ghost\"]\n", ":5:", "ghost"),
        (
            "name = \"x\"\n\n[[steps]]\nname = \"a\"\ncommand = \"echo {{steps.a.outptu}}\"\n",
            ":5:",
            "unknown template",
        ),
        (
            "name = \"x\"\n[[steps]]\nname = \"a\"\ncommand = \"true\"\nafter = [\"b\"]\n[[steps]]\nname = \"b\"\n\
             command = \"true\"\nafter = [\"a\"]\n",
            ":3:",
            "cycle",
        ),
    ];
    for (text, line, what) in cases {
        let file = write(&home, "bad.toml", text);
        let out = home.run_code(&["flow", "run", &file], 2);
        let err = stderr(&out);
        assert!(err.contains(&format!("bad.toml{line}")) && err.contains(what), "{text}\n{err}");
    }
    assert_eq!(home.json(&["flow", "list", "--json"]), Value::Array(vec![]));
    assert!(home.list(&[]).is_empty(), "a refused flow queued a task");
}

fn wait_flow(home: &Home, id: &str) -> Value {
    let deadline = Instant::now() + LONG;
    loop {
        let flow = home.json(&["flow", "status", id, "--json"]);
        if flow["state"] != "running" {
            return flow;
        }
        assert!(Instant::now() < deadline, "flow never ended: {flow}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_flow_finishes_right_after_its_worker_is_killed() {
    let home = Home::new();
    let marker = home.temp_dir().join("go");
    let text = r#"name = "crash"
[[steps]]
name = "slow"
command = "while [ ! -e MARK ]; do sleep 0.05; done; echo slow-done"
[[steps]]
name = "next"
command = "echo after {{steps.slow.output}}"
"#
    .replace("MARK", &marker.display().to_string());
    let file = write(&home, "crash.toml", &text);
    let id = home.run_ok(&["flow", "run", &file, "--async"]).trim().to_string();
    let slow = loop {
        let flow = home.json(&["flow", "status", &id, "--json"]);
        if step(&flow, "slow")["state"] == "running" {
            break step(&flow, "slow")["task_id"].clone();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    kill9(home.worker_pid());
    std::fs::write(&marker, "").expect("marker");
    home.run_ok(&["worker", "start"]);
    let flow = wait_flow(&home, &id);
    assert_eq!(flow["state"], "completed", "{flow}");
    assert_eq!(step(&flow, "slow")["task_id"], slow);
    assert_eq!(output(&home, &step(&flow, "next")["task_id"]).trim(), "after slow-done");
    assert_eq!(home.list(&[]).len(), 2, "a step was queued twice");
}

#[test]
fn cancelling_a_flow_cancels_its_unfinished_steps() {
    let home = Home::new();
    let sleep = format!("sleep {}", common::unique_sleep(30));
    let file = write(
        &home,
        "long.toml",
        &format!("name = \"long\"\n[[steps]]\nname = \"s\"\ncommand = \"{sleep}\"\n"),
    );
    let id = home.run_ok(&["flow", "run", &file, "--async"]).trim().to_string();
    let flow = home.json(&["flow", "status", &id, "--json"]);
    let task = step(&flow, "s")["task_id"].as_str().expect("queued").to_string();
    home.run_ok(&["flow", "cancel", &id]);
    home.wait_state(&task, "cancelled", LONG);
    let flow = home.json(&["flow", "status", &id, "--json"]);
    assert_eq!(flow["state"], "cancelled");
}

fn examples() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "assets", "flows"].iter().collect()
}

#[test]
fn the_example_flows_parse_and_run_with_stand_in_agents() {
    let standins: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "standins"].iter().collect();
    let path = format!("{}:{}", standins.display(), std::env::var("PATH").unwrap_or_default());
    let home = Home::new();
    home.write_config(&format!("default_agent = \"claude\"\n{}", common::UNGATED));
    let mut names: Vec<PathBuf> =
        std::fs::read_dir(examples()).expect("assets/flows").map(|e| e.unwrap().path()).collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    for file in &names {
        let file = file.display().to_string();
        let out = home.cmd(&["flow", "run", &file, "--json"]).env("PATH", &path).output().expect("run");
        let flow: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{file}: {e}: {}", describe(&out)));
        assert_eq!(flow["state"], "completed", "{file}: {flow}");
        assert_eq!(flow["steps_done"], flow["steps_total"]);
    }
}
