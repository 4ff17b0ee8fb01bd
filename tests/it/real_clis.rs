//! The real-CLI lane: the pinned Claude Code, Codex, Gemini CLI and aider (installed by
//! `.ci/install-agent-clis`, found through `SMART_AGENTS_REAL_CLIS`) run through smart-agents
//! (real binary, real worker) against the mock model server in tests/it/common/mock_model.
//! Each test scripts the model's turns and checks what smart-agents made of what the CLI
//! printed: progress and step mid-run, the answer, tokens, cost, files, the verdict.
//!
//! Without the CLIs (and no way to install them) every test here says so loudly and returns.
//! `SMART_AGENTS_RECORD=1` copies each run's output to tests/fixtures/real/.

use crate::common;
use crate::mock_model;

#[path = "real_clis/aider.rs"]
mod aider;
#[path = "real_clis/claude.rs"]
mod claude;
#[path = "real_clis/claude_asks.rs"]
mod claude_asks;
#[path = "real_clis/claude_mcp.rs"]
mod claude_mcp;
#[path = "real_clis/claude_mcp_tasks.rs"]
mod claude_mcp_tasks;
#[path = "real_clis/claude_review.rs"]
mod claude_review;
#[path = "real_clis/claude_sandbox.rs"]
mod claude_sandbox;
#[path = "real_clis/codex.rs"]
mod codex;
#[path = "real_clis/gemini.rs"]
mod gemini;
#[path = "real_clis/limits.rs"]
mod limits;
#[path = "real_clis/opencode.rs"]
mod opencode;
#[path = "real_clis/setup.rs"]
mod setup;

use common::{Home, describe};
use mock_model::{MockModel, Turn};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A turn's pause, long enough for a status poll to see the run mid-way.
pub const PAUSE: Duration = Duration::from_secs(3);

/// One CLI run through smart-agents.
pub struct Run {
    pub home: Home,
    pub mock: MockModel,
    pub world: setup::World,
    pub id: String,
    name: &'static str,
}

/// Options of a run beyond the scripted turns.
#[derive(Default)]
pub struct How<'a> {
    /// `execute` flags after the prompt (e.g. `--autonomy`).
    pub flags: &'a [&'a str],
    /// Extra config.toml text (after the agent's profile).
    pub config: &'a str,
    /// Point the CLI at this base URL instead of the mock (e.g. nothing listening).
    pub base_url: Option<&'a str>,
    /// Extra environment for the CLI.
    pub env: &'a [(&'a str, &'a str)],
    /// Gemini only: this settings.json instead of the offline one.
    pub settings: Option<&'a str>,
}

/// Start `name` on `prompt` against a mock playing `turns(repo)`; `None` when the lane skips.
pub fn start(
    name: &'static str,
    prompt: &str,
    turns: impl FnOnce(&Path) -> Vec<Turn>,
    how: How<'_>,
) -> Option<Run> {
    let bin = setup::cli_bin(name)?;
    let mock = MockModel::start(Vec::new());
    let world = setup::world(name, &bin, &mock, how.base_url, how.settings);
    mock.script(turns(&world.repo()));
    let url = how.base_url.map_or_else(|| mock.url(), str::to_string);
    let home = Home::with_config(&format!("{}{}", setup::profile(name, &world, &url), how.config));
    let id = submit(&home, &world, name, prompt, how.flags, how.env);
    Some(Run { home, mock, world, id, name })
}

/// `execute PROMPT --agent NAME --async FLAGS` in the world's environment only; the id.
fn submit(
    home: &Home,
    world: &setup::World,
    name: &str,
    prompt: &str,
    flags: &[&str],
    env: &[(&str, &str)],
) -> String {
    let repo = world.repo().display().to_string();
    let mut args = vec!["execute", prompt, "--agent", name, "--cwd", &repo, "--async"];
    args.extend_from_slice(flags);
    let mut all = world.env_refs();
    all.extend_from_slice(env);
    // Only the world's environment: nothing of the developer's own setup leaks in.
    let out = home
        .cmd(&args)
        .env_clear()
        .env("SMART_AGENTS_HOME", home.path())
        .envs(all)
        .output()
        .expect("run execute");
    assert!(out.status.success(), "execute: {}", describe(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Run {
    /// Another task of the same agent, in the same world; its id.
    pub fn also(&self, prompt: &str, flags: &[&str]) -> String {
        submit(&self.home, &self.world, self.name, prompt, flags, &[])
    }

    /// Wait (up to 2 minutes) until `status --json` satisfies `ok`, while the task runs.
    pub fn poll(&self, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut seen: Vec<String> = Vec::new();
        loop {
            let view = self.home.status(&self.id);
            if ok(&view) {
                return view;
            }
            let brief = format!("{} {} {}", view["state"], view["progress"], view["step"]);
            if seen.last() != Some(&brief) {
                seen.push(brief);
            }
            let ended = matches!(view["state"].as_str(), Some("completed" | "failed" | "cancelled"));
            assert!(
                !ended && Instant::now() < deadline,
                "{} never showed {what}; seen: {seen:#?}\nlog:\n{}\nmock:\n{}",
                self.name,
                self.log(),
                self.mock.describe()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait for the end; insist on `state`; return `result --json`.
    pub fn ended(&self, state: &str) -> Value {
        // In slices: each command of a test may take at most a minute.
        let deadline = Instant::now() + Duration::from_secs(180);
        while self.home.run(&["wait", &self.id, "--timeout", "45s"]).status.code() == Some(5) {
            assert!(Instant::now() < deadline, "{} did not end in 3 min: {}", self.name, self.log());
        }
        let out = self.home.run(&["result", &self.id, "--json"]);
        let result: Value = serde_json::from_slice(&out.stdout).expect("result --json");
        self.record(state);
        self.no_drift();
        let view = self.home.status(&self.id);
        assert_eq!(
            view["state"],
            state,
            "{}: {result:#}\nlog:\n{}\nmock:\n{}",
            self.name,
            self.log(),
            self.mock.describe()
        );
        result
    }

    /// The pinned release printed no event or item type smart-agents does not know: CI's
    /// drift check, run by every test of the lane.
    fn no_drift(&self) {
        let out = self.home.run(&["agents", "show", self.name, "--json"]);
        let agent: Value = serde_json::from_slice(&out.stdout).expect("agents show --json");
        let unknown = agent["unknown_events"].as_array().cloned().unwrap_or_default();
        assert!(unknown.is_empty(), "{} printed types smart-agents does not know: {unknown:#?}", self.name);
    }

    /// What the CLI printed (stdout and stderr), as `logs` shows it.
    pub fn log(&self) -> String {
        common::stdout(&self.home.run(&["logs", &self.id]))
    }

    fn record(&self, case: &str) {
        if std::env::var_os("SMART_AGENTS_RECORD").is_none() {
            return;
        }
        let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "real"].iter().collect();
        let _ = std::fs::create_dir_all(&dir);
        let test =
            std::thread::current().name().unwrap_or("run").rsplit("::").next().unwrap_or("run").to_string();
        // Runs of one test are numbered in order, so names stay the same between recordings.
        thread_local!(static SEQ: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
        let n = SEQ.with(|s| {
            s.set(s.get() + 1);
            s.get()
        });
        let file = dir.join(format!("{}-{test}-{n}-{case}.log", self.name));
        let _ = std::fs::write(file, self.log());
    }
}

/// `result["reason"]` as text.
pub fn reason(result: &Value) -> String {
    result["reason"].as_str().unwrap_or_default().to_string()
}

#[test]
fn agents_shows_the_pinned_versions_without_warnings() {
    let mut bins = Vec::new();
    for name in setup::NAMES {
        let Some(bin) = setup::cli_bin(name) else { return };
        bins.push(bin.display().to_string());
    }
    bins.push(std::env::var("PATH").unwrap_or_default());
    let home = Home::new();
    let out = home.cmd(&["agents", "--json"]).env("PATH", bins.join(":")).output().expect("agents");
    let agents: Value = serde_json::from_slice(&out.stdout).expect("agents --json");
    for name in setup::NAMES {
        let agent = agents.as_array().and_then(|a| a.iter().find(|x| x["name"] == name)).expect("listed");
        assert_eq!(agent["version"], common::ci_tools::pinned(name), "{agent}");
        assert!(agent.get("version_warning").is_none(), "{agent}");
    }
}
