//! Which agent a task gets: the default pick from PATH, refusals, capability routing, circuit
//! breakers that open and reroute, and the `agents` command.

use super::common::{Home, describe, stderr};
use super::{
    agent_path, ended, home_with, partial_standins, poll_status, submit, submit_on,
    system_path_without_agents, temp,
};
use serde_json::Value;

/// `execute ARGS --async` on `path`, expected to be refused with exit 2; returns stderr.
fn refused(home: &Home, path: &str, args: &[&str]) -> String {
    let mut all = vec!["execute"];
    all.extend_from_slice(args);
    all.push("--async");
    let out = home.cmd(&all).env("PATH", path).output().expect("run execute");
    assert_eq!(
        out.status.code(),
        Some(2),
        "`execute {}` was not refused: {}",
        args.join(" "),
        describe(&out)
    );
    stderr(&out)
}

fn agents_json(home: &Home, path: &str) -> Vec<Value> {
    let out = home.cmd(&["agents", "--json"]).env("PATH", path).output().expect("run agents");
    assert!(out.status.success(), "agents --json: {}", describe(&out));
    match serde_json::from_slice(&out.stdout).expect("agents --json is JSON") {
        Value::Array(items) => items,
        other => panic!("agents --json is not an array: {other}"),
    }
}

fn agent<'a>(agents: &'a [Value], name: &str) -> &'a Value {
    agents.iter().find(|a| a["name"] == name).unwrap_or_else(|| panic!("no agent {name} in {agents:?}"))
}

#[test]
fn without_agent_the_first_installed_is_picked() {
    let home = home_with("");
    home.run_ok(&["worker", "start"]);
    let id = submit(&home, &["Analyze auth"], &[]);
    assert_eq!(home.status(&id)["agent"], "claude");
    ended(&home, &id, "completed");

    let dir = temp();
    let only_later = partial_standins(&dir.path().join("ga"), &["aider", "gemini"]);
    let id = submit_on(&home, &only_later, &["Analyze auth"], &[]);
    assert_eq!(home.status(&id)["agent"], "gemini");
    ended(&home, &id, "completed");

    let only_aider = partial_standins(&dir.path().join("a"), &["aider"]);
    let id = submit_on(&home, &only_aider, &["Analyze auth"], &[]);
    assert_eq!(home.status(&id)["agent"], "aider");
    ended(&home, &id, "completed");

    // No agent CLI anywhere: a clear error that says what to do instead.
    let err = refused(&home, &system_path_without_agents(), &["Analyze auth"]);
    assert!(err.contains("no agent CLI found on PATH"), "{err}");
    assert!(err.contains("install"), "{err}");
    assert!(err.contains("smart-agents execute -- COMMAND"), "{err}");
}

#[test]
fn unknown_and_missing_agents_are_refused() {
    let home = home_with("");
    let err = refused(&home, &agent_path(), &["Analyze auth", "--agent", "nope"]);
    assert!(err.contains("unknown agent 'nope'"), "{err}");
    for known in ["claude", "codex", "gemini", "aider", "shell"] {
        assert!(err.contains(known), "the known agents are not named ({known}): {err}");
    }

    let dir = temp();
    let only_codex = partial_standins(dir.path(), &["codex"]);
    let err = refused(&home, &only_codex, &["Analyze auth", "--agent", "claude"]);
    assert!(err.contains("claude") && err.contains("not on PATH"), "{err}");
    assert!(home.list(&[]).is_empty(), "a refused task was queued");
}

#[test]
fn capability_routes_to_an_installed_agent_that_has_it() {
    let home = home_with(
        "[agents.reviewer]\nbackend = \"claude\"\ncapabilities = [\"code_review\", \"threat_model\"]\n",
    );
    let id = submit(&home, &["Review the diff", "--capability", "code_review"], &[]);
    let name = home.status(&id)["agent"].as_str().unwrap().to_string();
    let agents = agents_json(&home, &agent_path());
    let chosen = agent(&agents, &name);
    assert!(chosen["capabilities"].as_array().unwrap().iter().any(|c| c == "code_review"), "{chosen}");
    assert_eq!(chosen["installed"], true, "{chosen}");
    ended(&home, &id, "completed");

    let id = submit(&home, &["Model threats", "--capability", "threat_model"], &[]);
    assert_eq!(home.status(&id)["agent"], "reviewer");
    let r = ended(&home, &id, "completed");
    assert_eq!(r["output"], "Auth uses JWT in src/auth/mod.rs; refresh tokens are not rotated.", "{r}");

    // Only codex installed: code_review goes to it, not to a claude-backed agent.
    let dir = temp();
    let only_codex = partial_standins(dir.path(), &["codex"]);
    let id = submit_on(&home, &only_codex, &["Review", "--capability", "code_review"], &[]);
    assert_eq!(home.status(&id)["agent"], "codex");
    ended(&home, &id, "completed");
    // Nobody installed has it.
    let err = refused(&home, &only_codex, &["Model threats", "--capability", "threat_model"]);
    assert!(err.contains("threat_model"), "{err}");

    let err = refused(&home, &agent_path(), &["Anything", "--capability", "nothing"]);
    assert!(err.contains("no agent has the capability 'nothing'"), "{err}");
}

#[test]
fn a_circuit_opens_pinned_tasks_wait_and_capability_tasks_reroute() {
    let home = home_with(
        "[circuit]\nfailures = 2\nopen_seconds = 30\n\
         [agents.a]\nbackend = \"claude\"\ncapabilities = [\"x\"]\n\
         [agents.b]\nbackend = \"codex\"\ncapabilities = [\"x\"]\n",
    );
    for n in 0..2 {
        let id = submit(&home, &[&format!("fail {n}"), "--agent", "a"], &[("STANDIN_EXIT", "1")]);
        ended(&home, &id, "failed");
    }
    let agents = agents_json(&home, &agent_path());
    assert_eq!(agent(&agents, "a")["circuit"], "open", "{agents:?}");
    assert_eq!(agent(&agents, "b")["circuit"], "closed", "{agents:?}");

    let pinned = submit(&home, &["wait for a", "--agent", "a"], &[]);
    let view = poll_status(&home, &pinned, "a waiting reason", |v| !v["waiting_reason"].is_null());
    assert_eq!(view["state"], "pending", "{view}");
    let why = view["waiting_reason"].as_str().unwrap();
    let time = why
        .strip_prefix("agent a unavailable until ")
        .and_then(|rest| rest.strip_suffix(" (2 failures)"))
        .unwrap_or_else(|| panic!("unexpected waiting reason: {why}"));
    let hhmm = time.as_bytes();
    assert!(
        hhmm.len() == 5 && hhmm[2] == b':' && time.replace(':', "").chars().all(|c| c.is_ascii_digit()),
        "not HH:MM: {why}"
    );

    let routed = submit(&home, &["any x", "--capability", "x"], &[]);
    let r = ended(&home, &routed, "completed");
    assert_eq!(home.status(&routed)["agent"], "b", "{r}");
    assert_eq!(r["output"], "Auth lives in src/auth/mod.rs; wrote docs/AUTH.md.", "{r}");
    // The pinned task is still held back by the open circuit.
    assert_eq!(home.state(&pinned), "pending");
    home.run_ok(&["cancel", &pinned]);
}

#[test]
fn progress_reported_from_a_plain_command() {
    let home = home_with("");
    let bin = env!("CARGO_BIN_EXE_smart-agents");
    let id = home.submit(&["sh", "-c", "\"$0\" progress 40 Compiling && sleep 2", bin]);
    let view = poll_status(&home, &id, "progress 40", |v| v["progress"].as_f64() == Some(40.0));
    assert_eq!(view["step"], "Compiling", "{view}");
    assert_eq!(view["state"], "running", "{view}");
    ended(&home, &id, "completed");
}

#[test]
fn agents_lists_every_field_and_shows_one() {
    let home = home_with(
        "[agents.reviewer]\nbackend = \"claude\"\ncapabilities = [\"code_review\"]\nmax_concurrency = 3\n",
    );
    let dir = temp();
    let only_codex = partial_standins(dir.path(), &["codex"]);
    let agents = agents_json(&home, &only_codex);
    for a in &agents {
        for field in ["name", "backend", "capabilities", "installed", "running", "max_concurrency", "circuit"]
        {
            assert!(a.get(field).is_some(), "agent without {field}: {a}");
        }
        assert_eq!(a["running"], 0, "{a}");
        assert_eq!(a["circuit"], "closed", "{a}");
    }
    let names: Vec<&str> = agents.iter().filter_map(|a| a["name"].as_str()).collect();
    for name in ["claude", "codex", "gemini", "aider", "shell", "reviewer"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    assert_eq!(agent(&agents, "codex")["installed"], true);
    assert_eq!(agent(&agents, "claude")["installed"], false);
    let reviewer = agent(&agents, "reviewer");
    assert_eq!(reviewer["backend"], "claude");
    assert_eq!(reviewer["capabilities"], serde_json::json!(["code_review"]));
    assert_eq!(reviewer["max_concurrency"], 3);

    let out = home.cmd(&["agents", "show", "claude"]).env("PATH", agent_path()).output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("claude") && text.contains("installed") && text.contains("circuit"), "{text}");
    let out = home.cmd(&["agents", "show", "claude", "--json"]).env("PATH", agent_path()).output().unwrap();
    let shown: Value = serde_json::from_slice(&out.stdout).expect("agents show --json");
    assert_eq!(shown["name"], "claude");
    assert_eq!(shown["installed"], true);
    assert_eq!(home.run(&["agents", "show", "ghost"]).status.code(), Some(3));
}
