//! Shared helpers for the integration tests: a private `SMART_AGENTS_HOME` per test that drives
//! the real binary and never leaves a worker or a task process behind.
#![allow(dead_code)]

pub mod ci_tools;
pub mod git;
pub mod machine;
mod processes;
pub mod supervisors;

pub use processes::*;
use processes::{all_processes, environ};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");

/// How long any single command may take before the test gives up on it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Limits with the resource gates off.
pub const UNGATED: &str = "[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n";

pub struct Home {
    dir: tempfile::TempDir,
    root: PathBuf,
    /// Released when the home goes: tests that load the machine wait for it (see machine.rs).
    _machine: Option<std::sync::RwLockReadGuard<'static, ()>>,
}

impl Home {
    pub fn new() -> Home {
        // Short path: Unix socket paths are limited to 108 bytes.
        let dir = tempfile::Builder::new().prefix("sa").tempdir_in("/tmp").expect("temp home");
        let root = dir.path().to_path_buf();
        let home = Home { dir, root, _machine: machine::shared() };
        // Tests run in parallel on a small machine: the CPU and memory gates would make them
        // wait on each other. The gate tests set their own thresholds.
        home.write_config(UNGATED);
        home
    }

    /// A home folder that does not exist yet, so the program creates it.
    pub fn uncreated() -> Home {
        let dir = tempfile::Builder::new().prefix("sa").tempdir_in("/tmp").expect("temp home");
        let root = dir.path().join("h");
        Home { dir, root, _machine: machine::shared() }
    }

    /// A home whose config.toml holds `config`, with the resource gates off unless it sets
    /// them (see `UNGATED`). Use `write_config` for the exact text.
    pub fn with_config(config: &str) -> Home {
        let home = Home::new();
        let gated = config.contains("cpu_threshold") || config.contains("memory_threshold");
        let text = match (gated, config.contains("[limits]\n")) {
            (true, _) => config.to_string(),
            (false, true) => config.replacen("[limits]\n", UNGATED, 1),
            (false, false) => format!("{UNGATED}{config}"),
        };
        home.write_config(&text);
        home
    }

    pub fn write_config(&self, config: &str) {
        std::fs::write(self.path().join("config.toml"), config).expect("write config.toml");
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The temporary folder that holds the home (the home itself unless `uncreated`).
    pub fn temp_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The end of the worker's log, for failure messages.
    pub fn worker_log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.path().join("worker.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }

    pub fn socket(&self) -> PathBuf {
        self.path().join("worker.sock")
    }

    pub fn database(&self) -> PathBuf {
        self.path().join("smart-agents.db")
    }

    /// The binary with this home, run from inside it, without colour.
    pub fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        self.cmd_of(Path::new(BIN), args)
    }

    /// As `cmd`, with another build of the binary (tests/it/handover.rs).
    pub fn cmd_of(&self, bin: &Path, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(bin);
        cmd.args(args)
            .env("SMART_AGENTS_HOME", self.path())
            .env("NO_COLOR", "1")
            .env_remove("SMART_AGENTS_TASK_ID")
            // Test workers must not pop up on a developer's desktop: no session bus unless a
            // test brings its own (tests/it/notifications.rs).
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/smart-agents-test-bus")
            .current_dir(self.dir.path())
            .timeout(COMMAND_TIMEOUT);
        cmd
    }

    /// The binary in the background with this home: stdin closed, stdout and stderr piped.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        std::process::Command::new(BIN)
            .args(args)
            .env("SMART_AGENTS_HOME", self.path())
            .current_dir(self.path())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start `smart-agents {}`: {e}", args.join(" ")))
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run smart-agents")
    }

    /// Run, insist on exit 0, return stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`smart-agents {}` failed: {}\nworker log:\n{}",
            args.join(" "),
            describe(&out),
            self.worker_log_tail()
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Run, insist on `code`, return the output.
    pub fn run_code(&self, args: &[&str], code: i32) -> Output {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(code), "`smart-agents {}`: {}", args.join(" "), describe(&out));
        out
    }

    /// Run, insist on exit 0, parse stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let stdout = self.run_ok(args);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("`smart-agents {}` printed no JSON ({e}): {stdout}", args.join(" ")))
    }

    /// `execute --async -- ARGV`; returns the id.
    pub fn submit(&self, argv: &[&str]) -> String {
        self.submit_with(&[], argv)
    }

    /// `execute --async OPTS -- ARGV`; returns the id.
    pub fn submit_with(&self, opts: &[&str], argv: &[&str]) -> String {
        let mut args = vec!["execute", "--async"];
        args.extend_from_slice(opts);
        args.push("--");
        args.extend_from_slice(argv);
        let id = self.run_ok(&args).trim().to_string();
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "execute --async printed something other than an id: {id:?}"
        );
        id
    }

    pub fn status(&self, id: &str) -> Value {
        self.json(&["status", id, "--json"])
    }

    pub fn state(&self, id: &str) -> String {
        self.status(id)["state"].as_str().expect("state is a string").to_string()
    }

    pub fn list(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["list", "--json"];
        args.extend_from_slice(extra);
        match self.json(&args) {
            Value::Array(items) => items,
            other => panic!("list --json is not an array: {other}"),
        }
    }

    /// Wait until task `id` is in `state`. Finished states block in `smart-agents wait`;
    /// pending and running, which `wait` cannot express, are polled briefly.
    pub fn wait_state(&self, id: &str, state: &str, timeout: Duration) -> Value {
        if matches!(state, "completed" | "failed" | "cancelled") {
            let t = format!("{}ms", timeout.as_millis());
            let out = self.run(&["wait", id, "--timeout", &t]);
            assert_ne!(
                out.status.code(),
                Some(5),
                "task {id} did not end within {timeout:?}: {}",
                describe(&out)
            );
            let view = self.status(id);
            assert_eq!(view["state"], state, "task {id} ended in another state: {view}");
            return view;
        }
        let deadline = Instant::now() + timeout;
        loop {
            let view = self.status(id);
            if view["state"] == state {
                return view;
            }
            assert!(Instant::now() < deadline, "task {id} never reached {state}: {view}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until task `id` asks a person (its status has `needs`); that status.
    pub fn wait_needs(&self, id: &str) -> Value {
        let deadline = Instant::now() + LONG;
        loop {
            let view = self.status(id);
            if view["needs"].is_object() {
                return view;
            }
            assert!(Instant::now() < deadline, "task {id} never asked: {view}");
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// `worker status --json`.
    pub fn worker_status(&self) -> Value {
        self.json(&["worker", "status", "--json"])
    }

    pub fn worker_pid(&self) -> i32 {
        self.worker_status()["pid"].as_i64().expect("worker pid") as i32
    }

    /// Processes whose command line or environment mentions this home: the worker, task
    /// supervisors (their exit-file argument) and the tasks themselves (SMART_AGENTS_HOME).
    pub fn processes(&self) -> Vec<i32> {
        let home = self.dir.path().to_string_lossy().into_owned();
        let env_entry = format!("SMART_AGENTS_HOME={home}");
        all_processes()
            .into_iter()
            .filter(|(pid, cmdline)| {
                *pid != std::process::id() as i32
                    && (cmdline.contains(&home)
                        || environ(*pid).iter().any(|e| {
                            e.strip_prefix(&env_entry)
                                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                        }))
            })
            .map(|(pid, _)| pid)
            .collect()
    }

    /// Workers (`smart-agents worker run`) serving this home.
    pub fn workers(&self) -> Vec<i32> {
        let me = self.processes();
        all_processes()
            .into_iter()
            .filter(|(pid, cmdline)| me.contains(pid) && cmdline.ends_with("worker run"))
            .map(|(pid, _)| pid)
            .collect()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = self.cmd(&["worker", "stop", "--kill"]).timeout(Duration::from_secs(30)).output();
        // A test that killed the worker may have left supervisors and tasks: end them too.
        for pid in self.processes() {
            // SAFETY: plain kill(2) on processes this test started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

pub fn describe(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
