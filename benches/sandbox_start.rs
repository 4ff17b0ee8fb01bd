//! What a wall costs at start: a sandboxed `true` (the launcher, bubblewrap with its
//! namespaces, and the relay or cgroup where asked) against a bare `true`, each started as a
//! process the way the supervisor starts a task's command. Prints a table of medians. Run with
//! `cargo bench --bench sandbox_start` (needs bubblewrap).

use smart_agents::config::sandbox::Network;
use smart_agents::executor::sandbox::{ARG, Plan};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 40;
const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");

fn time(mut cmd: Command) -> (Duration, Duration) {
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let mut runs: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let status = cmd.status().expect("start");
            assert!(status.success(), "{cmd:?} failed: {status}");
            t.elapsed()
        })
        .collect();
    runs.sort();
    (runs[RUNS / 2], runs[RUNS * 9 / 10])
}

fn sandboxed(plan: &Plan) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args([ARG, &serde_json::to_string(plan).expect("plan"), "--", "true"]);
    cmd
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bwrap = ["/usr/bin/bwrap", "/bin/bwrap"].into_iter().map(PathBuf::from).find(|p| p.exists());
    let bwrap = bwrap.expect("bubblewrap is not installed: apt install bubblewrap");
    let base = Plan {
        task: format!("bench-{}", std::process::id()),
        bwrap,
        hide: Vec::new(),
        writable: Vec::new(),
        socket: dir.path().join("none.sock"),
        network: Network::None,
        allow: Vec::new(),
        pids_limit: None,
        mem_limit: None,
        repos_in: Vec::new(),
        readable: Vec::new(),
        proxy_socket: dir.path().join("proxy.sock"),
        worker_socket: dir.path().join("worker.sock"),
    };
    let allow = Plan { network: Network::Allow, allow: vec!["example.com:443".into()], ..base.clone() };
    let pids = Plan { pids_limit: Some(100), ..base.clone() };
    // The walk for other repositories under this user's home, as every real start does.
    let home = std::env::var_os("HOME").map(PathBuf::from).into_iter().collect();
    let scan = Plan { repos_in: home, ..base.clone() };
    let mut bare = Command::new(&base.bwrap);
    bare.args([
        "--unshare-all",
        "--die-with-parent",
        "--ro-bind",
        "/",
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]);
    bare.args(["--", "true"]);
    let rows = [
        ("true, unsandboxed", time(Command::new("true"))),
        ("true, bwrap --unshare-all alone (no launcher)", time(bare)),
        ("true, --sandbox (network none)", time(sandboxed(&base))),
        ("true, --sandbox --network open", time(sandboxed(&Plan { network: Network::Open, ..base.clone() }))),
        ("true, --sandbox --network allow (proxy + relay)", time(sandboxed(&allow))),
        ("true, --sandbox --pids-limit 100", time(sandboxed(&pids))),
        ("true, --sandbox, other repositories under $HOME looked for", time(sandboxed(&scan))),
    ];
    println!("| start of (median of {RUNS}) | median | p90 |");
    println!("|---|---:|---:|");
    for (what, (median, p90)) in rows {
        println!("| {what} | {:.2} ms | {:.2} ms |", ms(median), ms(p90));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
