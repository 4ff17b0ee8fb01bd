//! The dashboard's costs: median time to render one frame with 1,000 tasks (160×48 test
//! backend), and the CPU an open dashboard uses over 10 s with nothing happening (a real
//! `smart-agents tui` in tmux against a real worker). Run with `cargo bench --bench render`.

use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");

fn main() {
    let median = smart_agents::tui::bench_render(1_000, 501);
    let idle = match idle_cpu(Duration::from_secs(10)) {
        Ok(percent) => format!("{percent:.2} %"),
        Err(why) => format!("n/a ({why})"),
    };
    println!("\n{:<46}  value", "metric");
    println!("{}", "-".repeat(64));
    println!("{:<46}  {median:?}", "render one frame, 1,000 tasks, 160x48 (median)");
    println!("{:<46}  {idle}", "dashboard CPU over 10 s idle (target < 1 %)");
}

fn idle_cpu(window: Duration) -> Result<f64, String> {
    let home = std::env::temp_dir().join(format!("sa-bench-tui-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    let socket = format!("sa-bench-{}", std::process::id());
    let tmux = |args: &[&str]| Command::new("tmux").arg("-L").arg(&socket).args(args).output();
    let script = format!("SMART_AGENTS_HOME={} exec {BIN} tui", home.display());
    let started =
        tmux(&["new-session", "-d", "-x", "120", "-y", "32", &script]).map_err(|_| "tmux not installed")?;
    if !started.status.success() {
        return Err(String::from_utf8_lossy(&started.stderr).trim().to_string());
    }
    // Let it connect, start the worker and draw its first screens.
    std::thread::sleep(Duration::from_secs(2));
    let pid = tmux(&["list-panes", "-F", "#{pane_pid}"])
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<i32>().ok())
        .ok_or("no dashboard process")?;
    let before = cpu_ticks(pid).ok_or("cannot read the dashboard's CPU time")?;
    std::thread::sleep(window);
    let after = cpu_ticks(pid).ok_or("the dashboard exited")?;
    let _ = tmux(&["kill-server"]);
    let _ = Command::new(BIN).args(["worker", "stop", "--kill"]).env("SMART_AGENTS_HOME", &home).output();
    let _ = std::fs::remove_dir_all(&home);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Ok((after - before) as f64 / hz / window.as_secs_f64() * 100.0)
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}
