//! How well admission keeps the machine usable (issue 9): the same bursts of real processes
//! that climb to a set size, run by smart-agents, `xargs -P 5` and GNU parallel `--memfree`,
//! side by side. Prints the peak of the resource each burst presses on (memory, or CPU busy
//! over half a second), seconds above its threshold, most tasks at once, makespan, and each
//! smart-agents makespan over the best `xargs -P N` that stayed under the threshold; then
//! whether issue 9's targets were met. Run with `cargo bench --bench admission_quality`.
//!
//! Every run starts once memory in use is back where it was when the bench began: freed memory
//! can take a minute to show as available again on a VM, and would hold the next run back.
//!
//! Sizes scale with the machine: each memory task climbs to `SA_BENCH_TASK_PCT` percent of
//! RAM (default 3) over 2 s and holds it 1 s; the threshold is today's use plus
//! `SA_BENCH_ROOM_PCT` points (default 7, so two tasks fit and a third does not).
//! `SA_BENCH_BIN=path/to/smart-agents` runs an older build instead of this one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "support/machine.rs"]
mod machine;
use machine::{busy_between, cpu_jiffies, machine_busy_percent, mem_percent, meminfo, settle};

/// The smart-agents under test: this build, or `SA_BENCH_BIN` (an older build, to compare).
fn bin() -> String {
    std::env::var("SA_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_smart-agents").to_string())
}
/// Climb in 20 steps over `climb` seconds, hold, then (for CPU tasks) spin `busy` seconds.
const CLIMBER: &str = "import sys, time, os\n\
mib, climb, hold, busy, mark = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]\n\
t0 = time.time()\nchunks = []\nstep = (mib << 20) // 20\n\
for i in range(20 if mib else 0):\n    b = bytearray(step)\n    for j in range(0, step, 4096): b[j] = 1\n    chunks.append(b)\n    time.sleep(climb / 20)\n\
time.sleep(hold)\nend = time.time() + busy\nwhile time.time() < end: pass\n\
open(os.path.join(mark, str(os.getpid())), 'w').write(f'{t0} {time.time()}')\n";

#[derive(Clone, Copy)]
struct Burst {
    tasks: usize,
    mib: u64,
    climb: f64,
    hold: f64,
    busy: f64,
}

/// The resource a burst presses on: its threshold is what "safe" means for that burst.
#[derive(Clone, Copy, PartialEq)]
enum Resource {
    Memory,
    Cpu,
}

struct Outcome {
    runner: String,
    peak_pct: f64,
    over_secs: f64,
    most_at_once: usize,
    makespan: f64,
    /// Each task's (start, end), seconds after the run began.
    spans: Vec<(f64, f64)>,
}

fn main() {
    let (total, used) = meminfo();
    let task_pct = env_f64("SA_BENCH_TASK_PCT", 3.0);
    let room = env_f64("SA_BENCH_ROOM_PCT", 7.0);
    let used_pct = used as f64 / total as f64 * 100.0;
    let threshold = (used_pct + room).round();
    let mib = (total as f64 * task_pct / 100.0 / (1 << 20) as f64) as u64;
    let dir = std::env::temp_dir().join(format!("sa-quality-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench dir");
    let script = dir.join("climber.py");
    std::fs::write(&script, CLIMBER).expect("climber");
    let mem = Burst { tasks: 8, mib, climb: 2.0, hold: 1.0, busy: 0.0 };
    println!(
        "memory burst: 8 tasks climbing to {mib} MiB ({task_pct}% of RAM) over 2 s; in use {used_pct:.1}%, threshold {threshold}%"
    );
    let mem_config =
        format!("[limits]\ncpu_threshold = 100\nmemory_threshold = {threshold}\nmax_concurrent_tasks = 8\n");
    let home = Home::new(&dir, "mem", &mem_config);
    let declared = Home::new(&dir, "declared", &mem_config);
    let size = format!("{}M", mib);
    let bench = Bench { resource: Resource::Memory, threshold, level: used_pct };
    let mut rows = vec![
        bench.measure("smart-agents, unknown kind", || home.burst(&script, mem, &[])),
        bench.measure("smart-agents, learned kind", || home.burst(&script, mem, &[])),
        bench.measure("smart-agents, --mem declared", || declared.burst(&script, mem, &["--mem", &size])),
    ];
    for p in [1, 2, 5] {
        rows.push(bench.measure(&format!("xargs -P {p}"), || xargs(&dir, &script, mem, p)));
    }
    let free = format!("{}M", total as f64 * (100.0 - threshold) / 100.0 / (1 << 20) as f64);
    rows.push(bench.measure("parallel --memfree", || parallel(&dir, &script, mem, &["--memfree", &free])));
    print_table(&rows, "peak mem");
    let best = best_safe_fixed(&rows);
    verdict(
        "first burst of an unknown kind: peak <= threshold + one task",
        rows[0].peak_pct <= threshold + task_pct,
    );
    for r in &rows[1..3] {
        verdict(
            &format!("{}: peak within 3 points of the threshold", r.runner),
            r.peak_pct <= threshold + 3.0,
        );
    }
    for r in &rows[..3] {
        verdict(&format!("{}: makespan <= 1.25x the best safe xargs", r.runner), r.makespan <= 1.25 * best);
    }

    cpu_burst(&dir, &script, used_pct);
    drop((home, declared));
    let _ = std::fs::remove_dir_all(&dir);
}

/// 6 CPU-bound tasks on all cores at `cpu_threshold = 70`, beside fixed parallelism.
fn cpu_burst(dir: &Path, script: &Path, used_pct: f64) {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let cpu = Burst { tasks: 6, mib: 0, climb: 0.0, hold: 0.0, busy: 3.0 };
    println!("\ncpu burst: 6 tasks busy 3 s each on {cpus} cores, cpu_threshold = 70");
    let cpu_home = Home::new(
        dir,
        "cpu",
        "[limits]\ncpu_threshold = 70\nmemory_threshold = 100\nmax_concurrent_tasks = 8\n",
    );
    let bench = Bench { resource: Resource::Cpu, threshold: 70.0, level: used_pct };
    let busy = machine_busy_percent();
    let mut rows = Vec::new();
    if busy < 50.0 {
        rows.push(bench.measure("smart-agents", || cpu_home.burst(script, cpu, &[])));
    } else {
        // External load counts against the gate: it would (rightly) hold the burst.
        println!("smart-agents row skipped: the machine is already {busy:.0}% busy with other programs");
    }
    for p in [1, 2, 5] {
        rows.push(bench.measure(&format!("xargs -P {p}"), || xargs(dir, script, cpu, p)));
    }
    // `--load` waits on the number of running processes, which other programs keep high on a
    // shared machine (it never started a job in 75 s here): `-j 5` as the fixed comparison.
    rows.push(bench.measure("parallel -j 5", || parallel(dir, script, cpu, &["-j", "5"])));
    print_table(&rows, "peak cpu");
    let best = best_safe_fixed(&rows);
    if let Some(r) = rows.first().filter(|r| r.runner == "smart-agents") {
        let most = (0.7 * cpus as f64).floor() as usize + 1;
        verdict(&format!("smart-agents: at most {most} at once"), r.most_at_once <= most);
        verdict("smart-agents: makespan <= 1.25x the best safe xargs", r.makespan <= 1.25 * best);
    }
}

/// How one burst is judged: the resource it presses on, that resource's threshold, and the
/// memory level every run starts from.
struct Bench {
    resource: Resource,
    threshold: f64,
    level: f64,
}

impl Bench {
    /// Run one burst while sampling the machine every 50 ms (CPU as busy percent over the last
    /// half second); the marks give each task's start and end.
    fn measure(&self, runner: &str, run: impl FnOnce() -> PathBuf) -> Outcome {
        let waited = settle(self.level, Duration::from_secs(180));
        if waited > Duration::from_secs(1) {
            eprintln!("  (waited {:.0} s for the last run's memory to come back)", waited.as_secs_f64());
        }
        eprintln!("  running: {runner}");
        let samples = Arc::new(Mutex::new(Vec::<(f64, f64)>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let t0 = Instant::now();
        let epoch0 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let sampler = {
            let (samples, stop, resource) = (samples.clone(), stop.clone(), self.resource);
            std::thread::spawn(move || {
                let mut window = std::collections::VecDeque::from([cpu_jiffies()]);
                while !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(50));
                    window.push_back(cpu_jiffies());
                    if window.len() > 11 {
                        window.pop_front();
                    }
                    let value = match resource {
                        Resource::Memory => mem_percent(),
                        Resource::Cpu => busy_between(window[0], window[window.len() - 1]),
                    };
                    if let Ok(mut s) = samples.lock() {
                        s.push((t0.elapsed().as_secs_f64(), value));
                    }
                }
            })
        };
        let marks = run();
        let makespan = t0.elapsed().as_secs_f64();
        stop.store(true, Ordering::SeqCst);
        let _ = sampler.join();
        let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
        let peak_pct = samples.iter().map(|s| s.1).fold(0.0, f64::max);
        // `+ 0.0`: an empty f64 sum is -0.0.
        let over_secs =
            samples.windows(2).filter(|w| w[1].1 > self.threshold).map(|w| w[1].0 - w[0].0).sum::<f64>()
                + 0.0;
        let spans = spans(&marks).into_iter().map(|(a, b)| (a - epoch0, b - epoch0)).collect();
        Outcome {
            runner: runner.into(),
            peak_pct,
            over_secs,
            most_at_once: most_at_once(&marks),
            makespan,
            spans,
        }
    }
}

/// The shortest makespan of an `xargs -P N` that never went over the threshold.
fn best_safe_fixed(rows: &[Outcome]) -> f64 {
    rows.iter()
        .filter(|r| r.runner.starts_with("xargs") && r.over_secs == 0.0)
        .map(|r| r.makespan)
        .fold(f64::INFINITY, f64::min)
}

fn verdict(target: &str, met: bool) {
    println!("  {:<8} {target}", if met { "met" } else { "MISSED" });
}

/// Each task's (start, end) from its mark, in start order.
fn spans(marks: &Path) -> Vec<(f64, f64)> {
    let mut spans = Vec::new();
    for entry in std::fs::read_dir(marks).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let times: Vec<f64> = text.split_whitespace().filter_map(|t| t.parse().ok()).collect();
        if let [start, end] = times[..] {
            spans.push((start, end));
        }
    }
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    spans
}

fn most_at_once(marks: &Path) -> usize {
    let mut edges: Vec<(f64, i32)> =
        spans(marks).into_iter().flat_map(|(start, end)| [(start, 1), (end, -1)]).collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        most = most.max(now);
    }
    most as usize
}

fn fresh_marks(dir: &Path) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let marks = dir.join(format!("marks-{}", N.fetch_add(1, Ordering::SeqCst)));
    std::fs::create_dir_all(&marks).expect("marks");
    marks
}

fn climber_args(script: &Path, b: Burst, marks: &Path) -> Vec<String> {
    vec![
        script.display().to_string(),
        b.mib.to_string(),
        b.climb.to_string(),
        b.hold.to_string(),
        b.busy.to_string(),
        marks.display().to_string(),
    ]
}

fn xargs(dir: &Path, script: &Path, b: Burst, p: usize) -> PathBuf {
    let marks = fresh_marks(dir);
    let line = climber_args(script, b, &marks).join(" ");
    let input: String = (0..b.tasks).map(|_| format!("{line}\n")).collect();
    let mut child = Command::new("xargs")
        .args(["-P", &p.to_string(), "-L", "1", "python3"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("xargs");
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(input.as_bytes());
    }
    let _ = child.wait();
    marks
}

/// GNU parallel (Debian package `parallel`); moreutils' `parallel` has no `--memfree`.
fn parallel(dir: &Path, script: &Path, b: Burst, gate: &[&str]) -> PathBuf {
    let marks = fresh_marks(dir);
    let gnu = Command::new("parallel").arg("--version").output().is_ok_and(|o| o.status.success());
    if !gnu {
        eprintln!("  GNU parallel is not installed (apt-get install parallel): skipped");
        return marks;
    }
    let args = climber_args(script, b, &marks);
    let jobs: Vec<String> = (0..b.tasks).map(|i| i.to_string()).collect();
    let _ = Command::new("parallel")
        .args(["--will-cite", "-j", &b.tasks.to_string()])
        .args(gate)
        .arg("python3")
        .args(&args)
        .arg(":::")
        .args(&jobs)
        .stdout(Stdio::null())
        .status();
    marks
}

struct Home {
    dir: PathBuf,
}

impl Home {
    fn new(root: &Path, name: &str, config: &str) -> Home {
        let dir = root.join(format!("home-{name}"));
        std::fs::create_dir_all(&dir).expect("home");
        std::fs::write(dir.join("config.toml"), config).expect("config");
        Home { dir }
    }

    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(bin()).args(args).env("SMART_AGENTS_HOME", &self.dir).output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Submit the burst at once (paused, then resumed) and wait for all of it.
    fn burst(&self, script: &Path, b: Burst, opts: &[&str]) -> PathBuf {
        let marks = fresh_marks(&self.dir);
        let argv = climber_args(script, b, &marks);
        self.cli(&["pause"]);
        let mut ids = Vec::new();
        for _ in 0..b.tasks {
            let mut args = vec!["execute", "--async"];
            args.extend_from_slice(opts);
            args.extend(["--", "python3"]);
            args.extend(argv.iter().map(String::as_str));
            ids.push(self.cli(&args));
        }
        self.cli(&["resume"]);
        let mut args = vec!["wait", "--timeout", "3m"];
        args.extend(ids.iter().map(String::as_str));
        let _ = Command::new(bin()).args(&args).env("SMART_AGENTS_HOME", &self.dir).output();
        marks
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = Command::new(bin())
            .args(["worker", "stop", "--kill"])
            .env("SMART_AGENTS_HOME", &self.dir)
            .output();
    }
}

fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn print_table(rows: &[Outcome], peak: &str) {
    let best = best_safe_fixed(rows);
    println!(
        "{:<32} {:>10} {:>12} {:>8} {:>10} {:>14}",
        "runner", peak, "s > thresh", "at once", "makespan", "/ best safe"
    );
    for r in rows {
        let ratio = if r.runner.starts_with("smart-agents") && best.is_finite() {
            format!("{:.2}x", r.makespan / best)
        } else {
            String::new()
        };
        println!(
            "{:<32} {:>9.1}% {:>11.1}s {:>8} {:>9.1}s {:>14}",
            r.runner, r.peak_pct, r.over_secs, r.most_at_once, r.makespan, ratio
        );
    }
    if best.is_finite() {
        println!("best safe fixed parallelism (an xargs never over the threshold): {best:.1}s");
    }
    // Where a smart-agents makespan went: when each task started and ended.
    for r in rows.iter().filter(|r| r.runner.starts_with("smart-agents")) {
        let spans: Vec<String> = r.spans.iter().map(|(a, b)| format!("{a:.1}-{b:.1}")).collect();
        println!("  {} tasks (s): {}", r.runner, spans.join(" "));
    }
}
