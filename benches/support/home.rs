//! A throwaway smart-agents home for the end-to-end benchmarks, and what they do in it
//! (`#[path]`-included, one copy; each bench uses part of it).
#![allow(dead_code)]

use smart_agents::client::Client;
use smart_agents::model::TaskSpec;
use smart_agents::protocol::{Event, Request, Response};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The binary under test: this build's, or another one named by `SA_BENCH_BIN`
/// (an older build, side by side).
pub fn bin() -> PathBuf {
    std::env::var_os("SA_BENCH_BIN").map_or_else(|| env!("CARGO_BIN_EXE_smart-agents").into(), PathBuf::from)
}

pub struct Home {
    pub dir: PathBuf,
}

impl Home {
    pub fn new(name: &str, config: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("sa-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench home");
        std::fs::write(dir.join("config.toml"), config).expect("config");
        Home { dir }
    }
    pub fn paths(&self) -> smart_agents::paths::Paths {
        smart_agents::paths::Paths::under(&self.dir)
    }
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.args(args).env("SMART_AGENTS_HOME", &self.dir);
        cmd
    }
    pub fn cli(&self, args: &[&str]) {
        run_quiet(self.command(args));
    }
    /// The standard output of a command that must succeed.
    pub fn out(&self, args: &[&str]) -> String {
        String::from_utf8_lossy(&run_quiet(self.command(args)).stdout).trim().to_string()
    }
    /// A command task run in the home folder.
    pub fn spec(&self, command: Vec<String>) -> TaskSpec {
        self.spec_in(&self.dir, command)
    }
    pub fn spec_in(&self, cwd: &Path, command: Vec<String>) -> TaskSpec {
        TaskSpec {
            description: "bench".into(),
            agent: "shell".into(),
            command,
            cwd: cwd.display().to_string(),
            env: vec![("PATH".into(), std::env::var("PATH").unwrap_or_default())],
            priority: 5,
            ..TaskSpec::default()
        }
    }
    pub fn worker_rss_kb(&self) -> u64 {
        let pid: i32 = std::fs::read_to_string(self.dir.join("worker.lock"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        proc_status_kb(pid, "VmRSS:")
    }

    /// Queue `n` `true` tasks in `cwd` while paused, then time the drain: tasks per second,
    /// and the worker's RSS at the end.
    pub async fn drain(&self, cwd: &Path, n: usize) -> (f64, u64) {
        self.cli(&["pause"]);
        let mut client = Client::connect(&self.paths()).await.expect("connect");
        for _ in 0..n {
            let spec = Box::new(self.spec_in(cwd, vec!["true".into()]));
            client.request(Request::Submit { spec }).await.expect("submit");
        }
        let sub = Client::connect(&self.paths()).await.expect("connect");
        let mut sub = sub.subscribe(None).await.expect("subscribe");
        let _ = sub.next().await; // snapshot
        let t0 = Instant::now();
        client.request(Request::Resume).await.expect("resume");
        let mut done = 0;
        while done < n {
            if let Ok(Response::Event { event: Event::Task { task } }) = sub.next().await
                && task.state.is_finished()
            {
                done += 1;
            }
        }
        let rate = n as f64 / t0.elapsed().as_secs_f64();
        let rss = self.worker_rss_kb();
        self.cli(&["worker", "stop", "--kill"]);
        (rate, rss)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = self.command(&["worker", "stop", "--kill"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Run `cmd` to its end; it must succeed.
pub fn run_quiet(mut cmd: Command) -> std::process::Output {
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

pub fn proc_status_kb(pid: i32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// One table: metric, the median, and what it stands beside.
pub struct Table {
    rows: Vec<(String, String, String)>,
}

impl Table {
    pub fn new() -> Table {
        Table { rows: Vec::new() }
    }
    pub fn row(&mut self, metric: &str, value: String, beside: String) {
        eprintln!("  {metric}: {value}");
        self.rows.push((metric.into(), value, beside));
    }
    pub fn print(&self) {
        let w = self.rows.iter().map(|r| r.0.len()).max().unwrap_or(10);
        let v = self.rows.iter().map(|r| r.1.len()).max().unwrap_or(10);
        println!("\n{:<w$}  {:<v$}  beside / target", "metric (median)", "value");
        println!("{}", "-".repeat(w + v + 40));
        for (metric, value, beside) in &self.rows {
            println!("{metric:<w$}  {value:<v$}  {beside}");
        }
    }
}
