//! Agents end to end: the real binary and worker run the stand-in CLIs in tests/standins (first
//! on the task's PATH), which check the argv a real CLI needs and replay the transcripts in
//! tests/fixtures/agents. This file holds the shared helpers and the success paths; failure
//! verdicts, routing and artifacts live in tests/it/agents_e2e/.

use crate::common;

#[path = "agents_e2e/artifacts.rs"]
mod artifacts;
#[path = "agents_e2e/lifecycle.rs"]
mod lifecycle;
#[path = "agents_e2e/routing.rs"]
mod routing;
#[path = "agents_e2e/verdicts.rs"]
mod verdicts;

use common::{Home, describe};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const CLAUDE_SESSION: &str = "8c1f0c3e-5d6a-4d1e-9a55-2f7b6a0e1c11";

pub fn standins() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests", "standins"].iter().collect()
}

pub fn fixture(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "agents", name].iter().collect();
    assert!(path.is_file(), "missing fixture {}", path.display());
    path.display().to_string()
}

/// The stand-ins first, then this process's PATH (for python3, sh, git).
pub fn agent_path() -> String {
    format!("{}:{}", standins().display(), std::env::var("PATH").unwrap_or_default())
}

/// A folder holding only the named stand-ins, for PATHs where some agents are missing.
pub fn partial_standins(dir: &Path, names: &[&str]) -> String {
    std::fs::create_dir_all(dir).expect("create stand-in folder");
    for name in names {
        std::os::unix::fs::symlink(standins().join(name), dir.join(name)).expect("link stand-in");
    }
    // python3 lives on the normal PATH; the stand-ins name it through /usr/bin/env.
    format!("{}:{}", dir.display(), system_path_without_agents())
}

/// This process's PATH minus any folder that holds a real agent CLI.
pub fn system_path_without_agents() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .filter(|d| !["claude", "codex", "gemini", "aider"].iter().any(|n| d.join(n).exists()))
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

/// A home with `extra` in its config and, as in every test home, no CPU or memory gate.
pub fn home_with(extra: &str) -> Home {
    Home::with_config(extra)
}

/// `execute ARGS --async` with the stand-ins on PATH and `env` set; returns the id.
pub fn submit(home: &Home, args: &[&str], env: &[(&str, &str)]) -> String {
    submit_on(home, &agent_path(), args, env)
}

pub fn submit_on(home: &Home, path: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec!["execute"];
    all.extend_from_slice(args);
    all.push("--async");
    let out = home.cmd(&all).env("PATH", path).envs(env.iter().copied()).output().expect("run execute");
    assert!(out.status.success(), "`execute {}`: {}", args.join(" "), describe(&out));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()), "not an id: {id:?}");
    id
}

/// `wait ID --timeout 30s`, then the task's status; it must have ended.
pub fn finish(home: &Home, id: &str) -> Value {
    let out = home.run(&["wait", id, "--timeout", "30s"]);
    assert_ne!(out.status.code(), Some(5), "task {id} did not end in 30 s: {}", describe(&out));
    let view = home.status(id);
    assert!(
        matches!(view["state"].as_str(), Some("completed" | "failed" | "cancelled")),
        "wait returned but {id} has not ended: {view}"
    );
    view
}

/// `result ID --json` (exit 0 for a completed task, non-zero for a failed one).
pub fn result(home: &Home, id: &str) -> Value {
    let out = home.run(&["result", id, "--json"]);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("result {id} --json printed no JSON ({e}): {}", describe(&out)))
}

/// Run task `id` to its end and insist on `state`; returns the result.
pub fn ended(home: &Home, id: &str, state: &str) -> Value {
    let view = finish(home, id);
    let result = result(home, id);
    assert_eq!(view["state"], state, "task {id}: {view}\nresult: {result}");
    assert_eq!(result["success"], state == "completed", "{result}");
    result
}

/// Poll `status ID --json` for up to 10 s until `ok` holds.
pub fn poll_status(home: &Home, id: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let view = home.status(id);
        if ok(&view) {
            return view;
        }
        let brief = format!("{} {} {}", view["state"], view["progress"], view["step"]);
        if seen.last() != Some(&brief) {
            seen.push(brief);
        }
        assert!(Instant::now() < deadline, "task {id} never showed {what}; states seen: {seen:#?}");
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// The argv a stand-in recorded (the JSON copy, exact per element).
pub fn recorded_argv(file: &Path) -> Vec<String> {
    let json = file.with_file_name(format!("{}.json", file.file_name().unwrap().to_string_lossy()));
    let raw = std::fs::read(&json).unwrap_or_else(|e| panic!("no argv recorded at {}: {e}", json.display()));
    serde_json::from_slice(&raw).expect("argv JSON")
}

pub fn temp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("sae").tempdir_in("/tmp").expect("temp dir")
}

#[test]
fn claude_progress_and_step_mid_run_then_answer_tokens_and_cost() {
    let home = home_with("");
    let dir = temp();
    let argv = dir.path().join("argv");
    let id = submit(
        &home,
        &["Analyze auth", "--agent", "claude"],
        &[("STANDIN_DELAY", "0.5"), ("STANDIN_ARGV_FILE", argv.to_str().unwrap())],
    );
    // First TodoWrite: 0 of 3 done, the in-progress item's activeForm is the step.
    let first = poll_status(&home, &id, "the first todo list", |v| {
        v["step"] == "Mapping auth entry points" && v["progress"].as_f64() == Some(0.0)
    });
    assert_eq!(first["state"], "running", "{first}");
    assert_eq!(first["agent"], "claude");
    // Second TodoWrite: 2 of 3 done, still running (two more lines to come).
    let second = poll_status(&home, &id, "the second todo list", |v| v["step"] == "Writing findings");
    assert_eq!(second["state"], "running", "{second}");
    let percent = second["progress"].as_f64().expect("progress");
    assert!((percent - 200.0 / 3.0).abs() < 0.01, "{second}");

    let result = ended(&home, &id, "completed");
    assert_eq!(result["output"], "Auth uses JWT in src/auth/mod.rs; refresh tokens are not rotated.");
    assert_eq!(result["reason"], Value::Null, "{result}");
    // input + cache writes + cache reads + output of the final usage.
    assert_eq!(result["metrics"]["tokens_used"], 18 + 5120 + 40960 + 1432, "{result}");
    assert_eq!(result["metrics"]["cost_usd"], 0.0841, "{result}");
    assert_eq!(result["metrics"]["agents_involved"], 1, "{result}");
    assert_eq!(home.status(&id)["progress"], 100.0);

    let args = recorded_argv(&argv);
    let prompt_at = args.iter().position(|a| a == "Analyze auth").expect("prompt in argv");
    assert_eq!(args[prompt_at - 1], "-p", "{args:?}");
    assert!(args.windows(2).any(|w| w == ["--output-format", "stream-json"]), "{args:?}");
    assert!(args.iter().any(|a| a == "--verbose"), "{args:?}");
}

#[test]
fn codex_and_gemini_todo_lists_and_tool_steps_mid_run() {
    let home = home_with("");
    let slow = [("STANDIN_DELAY", "0.5")];
    // Codex todo_list: one of two items completed, the next one is the step.
    let codex = submit(&home, &["Analyze auth", "--agent", "codex"], &slow);
    let v = poll_status(&home, &codex, "codex at 50%", |v| v["progress"].as_f64() == Some(50.0));
    assert_eq!(v["step"], "Review session handling", "{v}");
    assert_eq!(v["state"], "running", "{v}");
    // Gemini write_todos: the item in progress is the step.
    let gemini = submit(&home, &["Analyze auth", "--agent", "gemini"], &slow);
    let v = poll_status(&home, &gemini, "gemini's todo step", |v| v["step"] == "Find auth code");
    assert_eq!(v["progress"], 0.0, "{v}");
    assert_eq!(v["state"], "running", "{v}");
    // No todo list: the latest tool use in words, and no invented percentage.
    let no_list = fixture("claude-error-max-turns.jsonl");
    let claude = submit(
        &home,
        &["Fix tests", "--agent", "claude"],
        &[("STANDIN_DELAY", "0.5"), ("STANDIN_TRANSCRIPT", &no_list)],
    );
    let v = poll_status(&home, &claude, "claude's tool step", |v| v["step"] == "Running: cargo test");
    assert_eq!(v["progress"], Value::Null, "{v}");
    assert_eq!(v["state"], "running", "{v}");
    for id in [&codex, &gemini] {
        ended(&home, id, "completed");
    }
    ended(&home, &claude, "failed");
}

#[test]
fn claude_subagents_are_counted() {
    let home = home_with("");
    let transcript = fixture("claude-subagent.jsonl");
    let id = submit(&home, &["Find auth", "--agent", "claude"], &[("STANDIN_TRANSCRIPT", &transcript)]);
    let result = ended(&home, &id, "completed");
    assert_eq!(result["output"], "Auth is in src/auth.rs; tests cover login only.");
    assert_eq!(result["metrics"]["agents_involved"], 3, "main agent + Task + Agent: {result}");
    assert_eq!(result["metrics"]["cost_usd"], 0.031, "{result}");
}

#[test]
fn codex_and_gemini_answers_and_verdicts() {
    let home = home_with("");
    let codex = submit(&home, &["Analyze auth", "--agent", "codex"], &[]);
    let legacy = fixture("codex-legacy.jsonl");
    let old = submit(&home, &["List files", "--agent", "codex"], &[("STANDIN_TRANSCRIPT", &legacy)]);
    let gemini = submit(&home, &["Analyze auth", "--agent", "gemini"], &[]);

    let r = ended(&home, &codex, "completed");
    assert_eq!(r["output"], "Auth lives in src/auth/mod.rs; wrote docs/AUTH.md.");
    // cached_input_tokens are part of input_tokens.
    assert_eq!(r["metrics"]["tokens_used"], 24763 + 122, "{r}");
    let view = home.status(&codex);
    assert_eq!(view["agent"], "codex");
    // Codex's todo list drove progress: a completed task with a list ends at 100.
    assert_eq!(view["progress"], 100.0, "{view}");

    let r = ended(&home, &old, "completed");
    assert_eq!(r["output"], "The repository has one src directory.", "older field names: {r}");

    let r = ended(&home, &gemini, "completed");
    assert_eq!(r["output"], "Auth is implemented in src/auth.ts.", "assistant chunks joined: {r}");
    assert_eq!(r["metrics"]["tokens_used"], 250, "{r}");
    assert_eq!(home.status(&gemini)["agent"], "gemini");
}

#[test]
fn aider_needs_a_message_send_event() {
    let home = home_with("");
    let ok = submit(&home, &["Harden token refresh", "--agent", "aider"], &[]);
    let silent = submit(&home, &["Harden token refresh", "--agent", "aider"], &[("STANDIN_ANALYTICS", "")]);
    let (stdout, analytics) = (fixture("aider-error-stdout.txt"), fixture("aider-error-analytics.jsonl"));
    let broken = submit(
        &home,
        &["Harden token refresh", "--agent", "aider"],
        &[("STANDIN_TRANSCRIPT", &stdout), ("STANDIN_ANALYTICS", &analytics)],
    );

    let r = ended(&home, &ok, "completed");
    assert!(r["metrics"]["tokens_used"].as_u64().is_some_and(|t| t > 0), "{r}");
    assert!(!r["output"].as_str().unwrap_or_default().is_empty(), "{r}");

    // Exit 0 with no model call is not a success.
    let r = ended(&home, &silent, "failed");
    assert_eq!(r["exit_code"], 0, "{r}");
    let reason = r["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("message_send"), "{r}");

    let r = ended(&home, &broken, "failed");
    let reason = r["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("aider reported an error"), "{r}");
}

#[test]
fn a_prompt_full_of_shell_syntax_arrives_verbatim_and_no_shell_runs_it() {
    let home = home_with("");
    let dir = temp();
    let marker =
        format!("/tmp/pwned-{}-{}", std::process::id(), dir.path().file_name().unwrap().to_string_lossy());
    let prompt = format!(
        "Audit $(touch {marker}-dollar) and `touch {marker}-tick`; touch {marker}-semi && echo 'x' \"y\" | cat > {marker}-pipe"
    );
    let mut runs = Vec::new();
    for agent in ["claude", "codex", "gemini", "aider"] {
        let argv = dir.path().join(format!("argv-{agent}"));
        let id =
            submit(&home, &[&prompt, "--agent", agent], &[("STANDIN_ARGV_FILE", argv.to_str().unwrap())]);
        runs.push((agent, id, argv));
    }
    for (agent, id, argv) in runs {
        ended(&home, &id, "completed");
        let args = recorded_argv(&argv);
        let gemini_form = format!("--prompt={prompt}");
        let hits = args.iter().filter(|a| **a == prompt || **a == gemini_form).count();
        assert_eq!(hits, 1, "{agent}: the prompt is not exactly one argv element: {args:?}");
        assert_eq!(home.status(&id)["description"], prompt.as_str());
    }
    for suffix in ["dollar", "tick", "semi", "pipe"] {
        let file = format!("{marker}-{suffix}");
        assert!(!Path::new(&file).exists(), "a shell ran part of the prompt: {file} exists");
    }
}
