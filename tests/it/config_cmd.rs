//! `config show | path | edit` through the real binary, bad configs named by file and line, and
//! the example assets/agents.toml being a valid config.

use crate::common;

use common::{Home, describe, stderr, stdout};
use serde_json::Value;
use std::path::Path;

const LIMITS: &str = "[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n";

fn entry<'a>(show: &'a Value, key: &str) -> &'a Value {
    show["values"]
        .as_array()
        .and_then(|values| values.iter().find(|v| v["key"] == key))
        .unwrap_or_else(|| panic!("no {key} in config show --json: {show}"))
}

#[test]
fn show_json_gives_each_value_and_where_it_came_from() {
    let home = Home::with_config(&format!("{LIMITS}max_concurrent_tasks = 3\n"));
    let show = home.json(&["config", "show", "--json"]);
    assert_eq!(show["exists"], true);
    assert!(show["file"].as_str().is_some_and(|f| f.ends_with("config.toml")), "{show}");
    assert_eq!(show["config"]["limits"]["max_concurrent_tasks"], 3);
    let cpu = entry(&show, "limits.cpu_threshold");
    assert_eq!(cpu["value"], 100.0);
    assert_eq!(cpu["source"], "config.toml:2");
    assert_eq!(entry(&show, "limits.max_concurrent_tasks")["source"], "config.toml:4");
    let grace = entry(&show, "limits.kill_grace_seconds");
    assert_eq!(grace["source"], "default");
    assert_eq!(grace["value"], 10.0);
    assert_eq!(entry(&show, "circuit.failures")["source"], "default");
    for v in show["values"].as_array().into_iter().flatten() {
        for field in ["key", "value", "source"] {
            assert!(v.get(field).is_some(), "{field} missing in {v}");
        }
    }
}

#[test]
fn show_without_a_file_is_all_defaults() {
    let home = Home::new();
    std::fs::remove_file(home.path().join("config.toml")).expect("remove the test config");
    let show = home.json(&["config", "show", "--json"]);
    assert_eq!(show["exists"], false);
    assert!(show["values"].as_array().is_some_and(|v| v.iter().all(|e| e["source"] == "default")), "{show}");
    let text = home.run_ok(&["config", "show"]);
    assert!(text.contains("limits.max_concurrent_tasks = 5"), "{text}");
}

#[test]
fn path_names_the_file() {
    let home = Home::new();
    let out = home.run_ok(&["config", "path"]);
    assert_eq!(Path::new(out.trim()), home.path().join("config.toml"));
}

#[test]
fn bad_configs_exit_2_naming_file_and_line() {
    for (text, line, words) in [
        (format!("{LIMITS}max_concurrent_tasks = \"five\"\n"), 4, &["expected u32"][..]),
        (format!("{LIMITS}\nbogus_key = 1\n"), 5, &["bogus_key"][..]),
        (format!("{LIMITS}kill_grace_seconds = [1\n"), 4, &[][..]),
    ] {
        let home = Home::with_config(&text);
        let out = home.run_code(&["config", "show"], 2);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("config.toml:{line}")),
            "no file:line for {text:?}: {}",
            describe(&out)
        );
        for word in words {
            assert!(err.contains(word), "{word} not named: {err}");
        }
        assert!(stdout(&out).is_empty(), "{}", describe(&out));
        // Doctor names the same problem and fails.
        let doctor = home.run_code(&["doctor"], 1);
        assert!(stdout(&doctor).contains(&format!("config.toml:{line}")), "{}", describe(&doctor));
    }
}

#[test]
fn edit_keeps_a_good_config() {
    let home = Home::with_config(LIMITS);
    let good = home.temp_dir().join("good.toml");
    std::fs::write(&good, format!("{LIMITS}max_concurrent_tasks = 2\n")).expect("write");
    let out =
        home.cmd(&["config", "edit"]).env("EDITOR", format!("cp {}", good.display())).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let show = home.json(&["config", "show", "--json"]);
    assert_eq!(show["config"]["limits"]["max_concurrent_tasks"], 2);
    assert!(!home.path().join("config.toml.bak").exists(), "backup left after a good edit");
}

#[test]
fn edit_to_a_bad_config_fails_loudly_and_keeps_a_backup() {
    let home = Home::with_config(LIMITS);
    let bad = home.temp_dir().join("bad.toml");
    std::fs::write(&bad, "[limits]\ncpu_threshold = \"high\"\n").expect("write");
    // stdin is not a terminal here, so there is no offer to edit again.
    let out =
        home.cmd(&["config", "edit"]).env("EDITOR", format!("cp {}", bad.display())).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = stderr(&out);
    assert!(err.contains("config.toml:2"), "{err}");
    assert!(err.contains("config.toml.bak"), "backup not named: {err}");
    let backup = std::fs::read_to_string(home.path().join("config.toml.bak")).expect("backup kept");
    assert_eq!(backup, LIMITS);
}

#[test]
fn edit_creates_a_missing_config_from_a_template() {
    let home = Home::new();
    // `true` leaves the template as it is: it must be valid on its own.
    let out = home.cmd(&["config", "edit"]).env("EDITOR", "true").output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(home.path().join("config.toml").exists());
}

#[test]
fn example_agents_toml_is_a_valid_config() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/agents.toml");
    let text = std::fs::read_to_string(&path).expect("assets/agents.toml");
    let config = smart_agents::config::Config::parse(&text, &path).unwrap_or_else(|e| panic!("{e}"));
    for name in [
        "architect-reviewer",
        "refactoring-specialist",
        "code-reviewer",
        "research-analyst",
        "frontend-developer",
    ] {
        let profile = config.agents.get(name).unwrap_or_else(|| panic!("no [agents.{name}]"));
        assert!(profile.capabilities.as_ref().is_some_and(|c| !c.is_empty()), "{name} has no capabilities");
        assert!(profile.system_prompt.is_some(), "{name} has no system_prompt");
    }
}

#[test]
fn systemd_unit_runs_the_worker() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/smart-agents.service");
    let unit = std::fs::read_to_string(path).expect("assets/smart-agents.service");
    assert!(unit.contains("ExecStart=%h/.cargo/bin/smart-agents worker run"));
    assert!(unit.contains("Restart=on-failure"));
}
