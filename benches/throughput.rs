//! End-to-end benchmarks of the core: submit, dispatch, drain, queries, memory. Prints a
//! table of medians. Run with `cargo bench --bench throughput`.

use smart_agents::client::Client;
use smart_agents::model::TaskState;
use smart_agents::protocol::Request;
use smart_agents::store::{EventKind, NewTask, Origin, Store};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/measure.rs"]
mod measure;
use measure::{kb, median_of, ms, p50_p99, time};
#[path = "support/home.rs"]
mod home;
use home::{Home, Table, proc_status_kb, run_quiet};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: record when we started, for dispatch latency.
    if let Some(i) = args.iter().position(|a| a == "--stamp") {
        if let Some(path) = args.get(i + 1) {
            let _ = std::fs::write(path, now_ns().to_string());
        }
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let mut table = Table::new();
    rt.block_on(run(&mut table));
    table.print();
}

async fn run(rows: &mut Table) {
    // 1. Submit latency, whole process, beside a bare /bin/true.
    let home =
        Home::new("lat", "[limits]\nmax_concurrent_tasks = 5\ncpu_threshold = 100\nmemory_threshold = 100\n");
    home.cli(&["worker", "start"]);
    let bare = median_of(200, || time(|| run_quiet(Command::new("/bin/true"))));
    let submit = median_of(200, || time(|| run_quiet(home.command(&["execute", "--async", "--", "true"]))));
    rows.row(
        "submit latency (execute --async -- true)",
        ms(submit),
        format!("/bin/true {}; overhead {} (target <= 3 ms)", ms(bare), ms(submit.saturating_sub(bare))),
    );

    // 2. Submit -> child start with free capacity.
    let exe = std::env::current_exe().expect("bench exe");
    let mut client = Client::connect(&home.paths()).await.expect("connect");
    let mut lat = Vec::new();
    for i in 0..200 {
        let stamp = home.dir.join(format!("stamp{i}"));
        let spec = home.spec(vec![exe.display().to_string(), "--stamp".into(), stamp.display().to_string()]);
        let t0 = now_ns();
        client.request(Request::Submit { spec: Box::new(spec) }).await.expect("submit");
        let started = wait_for_stamp(&stamp).await;
        lat.push(Duration::from_nanos(started.saturating_sub(t0)));
    }
    let (p50, p99) = p50_p99(lat);
    rows.row(
        "submit -> child start p50 / p99",
        format!("{} / {}", ms(p50), ms(p99)),
        "target p99 < 5 ms".into(),
    );
    let rss_idle_before = home.worker_rss_kb();
    home.cli(&["worker", "stop", "--kill"]);

    // 3. Drain rate at concurrency 2, gates off, beside a bare spawn-and-wait loop.
    let bare_rate = bare_spawn_rate(1_000, 2);
    let home = Home::new(
        "drain",
        "[limits]\nmax_concurrent_tasks = 2\ncpu_threshold = 100\nmemory_threshold = 100\n",
    );
    let (drain_off, rss_after) = home.drain(&home.dir, 1_000).await;
    rows.row(
        "drain 1,000 `true` tasks at concurrency 2 (gates off)",
        format!("{drain_off:.0} tasks/s"),
        format!("bare spawn+wait loop {bare_rate:.0}/s"),
    );
    let home = Home::new("drain2", "[limits]\nmax_concurrent_tasks = 2\n");
    let (drain_on, _) = home.drain(&home.dir, 1_000).await;
    rows.row(
        "drain 1,000 `true` tasks at concurrency 2 (default gates)",
        format!("{drain_on:.0} tasks/s"),
        "cpu 70% / memory 85% gates".into(),
    );

    // 4. Queries with 100,000 finished tasks.
    // Kept: the worker would otherwise prune these (finished in 2023) by [history] keep_days.
    let big = Home::new("big", "[history]\nkeep_days = 0\n");
    let id = big.fill(100_000);
    let status = median_of(50, || time(|| run_quiet(big.command(&["status", &id]))));
    let list = median_of(50, || time(|| run_quiet(big.command(&["list", "--limit", "50"]))));
    rows.row("status ID, 100,000 tasks in history", ms(status), "target < 10 ms".into());
    rows.row("list --limit 50, 100,000 tasks in history", ms(list), "target < 10 ms".into());
    big.cli(&["worker", "start"]);
    std::thread::sleep(Duration::from_millis(300));
    let rss_big = big.worker_rss_kb();
    big.cli(&["worker", "stop"]);

    // 5. Memory.
    rows.row("worker RSS idle", kb(rss_idle_before), "target <= 12 MB".into());
    rows.row("worker RSS after 1,000 tasks", kb(rss_after), "".into());
    rows.row("worker RSS idle with 100,000 in history", kb(rss_big), "target < 30 MB".into());
    let (shim_rss, shim_anon, worker_delta) = supervision_cost().await;
    rows.row(
        "per running task: supervisor RSS (private anon)",
        format!("{} ({})", kb(shim_rss), kb(shim_anon)),
        format!("worker grows {} per task", kb(worker_delta)),
    );
}

/// Start five sleeping tasks and read what each costs: its supervisor, and the worker's growth.
async fn supervision_cost() -> (u64, u64, u64) {
    let home = Home::new("mem", "");
    home.cli(&["worker", "start"]);
    std::thread::sleep(Duration::from_millis(200));
    let before = home.worker_rss_kb();
    for _ in 0..5 {
        home.cli(&["execute", "--async", "--", "sleep", "30"]);
    }
    std::thread::sleep(Duration::from_millis(500));
    let after = home.worker_rss_kb();
    let shims = pids_with("__supervise");
    let (mut rss, mut anon) = (Vec::new(), Vec::new());
    for pid in &shims {
        rss.push(proc_status_kb(*pid, "VmRSS:"));
        anon.push(proc_status_kb(*pid, "RssAnon:"));
    }
    home.cli(&["worker", "stop", "--kill"]);
    rss.sort();
    anon.sort();
    let mid = |v: &Vec<u64>| v.get(v.len() / 2).copied().unwrap_or(0);
    (mid(&rss), mid(&anon), after.saturating_sub(before) / 5)
}

fn bare_spawn_rate(n: usize, concurrency: usize) -> f64 {
    let t0 = Instant::now();
    let threads: Vec<_> = (0..concurrency)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..n / concurrency {
                    let _ = Command::new("true").status();
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    n as f64 / t0.elapsed().as_secs_f64()
}

impl Home {
    /// Write `n` finished tasks straight into the database; returns one id from the middle.
    fn fill(&self, n: usize) -> String {
        let paths = self.paths();
        paths.ensure_dirs().expect("dirs");
        let store = Store::open_for_worker(&paths.database).expect("store");
        let mut ids = smart_agents::ids::IdGen::new();
        let spec = self.spec(vec!["true".into()]);
        let mut middle = String::new();
        let round = store.begin_round().expect("begin");
        for i in 0..n {
            let mut id = ids.next_id();
            let created_at = 1_700_000_000_000 + i as i64;
            // Ids are short, so a clash in 100,000 is expected; the worker retries the same way.
            while store.insert_task(&NewTask { id: &id, spec: &spec, created_at, env_hash: None }).is_err() {
                id = ids.next_id();
            }
            let mut rec = store.task(&id).expect("read").expect("inserted");
            rec.state = TaskState::Completed;
            (rec.started_at, rec.finished_at, rec.exit_code) =
                (Some(created_at), Some(created_at + 5), Some(0));
            rec.output = Some(String::new());
            store.save(&rec).expect("finish");
            store.add_event(&id, 0, EventKind::Finished, None, &Origin::worker()).expect("event");
            if i == n / 2 {
                middle = id;
            }
        }
        store.commit(round).expect("commit");
        middle
    }
}

fn pids_with(marker: &str) -> Vec<i32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else { continue };
        if let Ok(cmd) = std::fs::read(entry.path().join("cmdline"))
            && cmd.split(|b| *b == 0).any(|a| a == marker.as_bytes())
        {
            pids.push(pid);
        }
    }
    pids
}

async fn wait_for_stamp(path: &Path) -> u64 {
    loop {
        if let Some(ns) = std::fs::read_to_string(path).ok().and_then(|s| s.trim().parse().ok()) {
            return ns;
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

fn now_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}
