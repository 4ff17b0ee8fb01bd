//! History at scale: 100,000 finished tasks with 20 events each, spread over 80 days. Times
//! `stats --since 7d`, `events ID` and `metrics` as whole processes against a real worker and
//! database (and the work inside them), side by side with what a user would type instead
//! (`sqlite3`, `curl`) and with a bare process start; the worker's idle RSS with an empty
//! queue and with this history; and a prune. Prints a table of medians.
//! Run with `cargo bench --bench history`.

use smart_agents::client::Client;
use smart_agents::model::{Metrics, TaskSpec, TaskState};
use smart_agents::protocol::Request;
use smart_agents::store::{EventKind, EventQuery, NewTask, Origin, Store, now_ms};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/measure.rs"]
mod measure;
use measure::{kb, median_of, ms, time};

const BIN: &str = env!("CARGO_BIN_EXE_smart-agents");
const TASKS: usize = 100_000;
const EVENTS_PER_TASK: usize = 20;
const DAY_MS: i64 = 86_400_000;
const AGENTS: [&str; 4] = ["claude", "codex", "gemini", "shell"];

/// Rows of the printed table: metric, value, what it stands beside.
#[derive(Default)]
struct Table(Vec<(String, String, String)>);

impl Table {
    fn row(&mut self, metric: &str, value: String, beside: &str) {
        eprintln!("  {metric}: {value}");
        self.0.push((metric.into(), value, beside.into()));
    }
}

fn main() {
    let mut t = Table::default();
    let empty = Home::new("empty", "");
    empty.cli(&["worker", "start"]);
    std::thread::sleep(Duration::from_millis(300));
    t.row("worker RSS idle, empty queue", kb(empty.worker_rss_kb()), "");
    drop(empty);

    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    // Keep everything: the worker would otherwise prune by the default 90 days at start.
    let home =
        Home::new("big", &format!("[history]\nkeep_days = 0\n[metrics]\nlisten = \"127.0.0.1:{port}\"\n"));
    let t0 = Instant::now();
    let id = home.fill();
    let fill = t0.elapsed();
    let db_bytes = std::fs::metadata(home.paths().database).map_or(0, |m| m.len());
    t.row(
        "build: 100,000 tasks × 20 events",
        format!("{:.1} s", fill.as_secs_f64()),
        &format!("database {:.0} MB", db_bytes as f64 / 1e6),
    );
    let bare = median_of(20, || time(|| run(&mut Command::new("true"))));
    t.row("a bare process (/bin/true)", ms(bare), "floor of any command");
    let version = median_of(20, || time(|| home.cli(&["--version"])));
    t.row("smart-agents --version", ms(version), "the binary's own start");
    stats(&home, &mut t);
    events(&home, &id, &mut t);
    worker(&home, port, &mut t);
    prune(&home, &mut t);
    home.cli(&["worker", "stop"]);
    print_table(&t.0);
}

fn stats(home: &Home, t: &mut Table) {
    let s = median_of(20, || time(|| home.cli(&["stats", "--since", "7d"])));
    t.row("stats --since 7d (process)", ms(s), "target < 100 ms");
    let by = median_of(20, || time(|| home.cli(&["stats", "--since", "7d", "--by", "agent"])));
    t.row("stats --since 7d --by agent (process)", ms(by), "");
    let store = Store::open_for_reading(&home.paths().database).expect("open").expect("database");
    let inside = median_of(20, || {
        time(|| {
            let since = now_ms() - 7 * DAY_MS;
            let rows = smart_agents::stats::load(&store, Some(since)).expect("load");
            std::hint::black_box(smart_agents::stats::report(&rows, Some(since), None));
        })
    });
    t.row("  of which the query and sums", ms(inside), "");
    // Counts, tokens and cost by state, no percentiles: what one would type by hand.
    let sql = format!(
        "SELECT state, count(*), sum(json_extract(metrics, '$.tokens_used')), \
         sum(json_extract(metrics, '$.cost_usd')) FROM tasks WHERE finished_at >= {} GROUP BY state",
        now_ms() - 7 * DAY_MS
    );
    let by_hand = median_of(20, || time(|| home.sqlite(&sql)));
    t.row("  beside: sqlite3 counts and sums by state", ms(by_hand), "no percentiles");
    let all = median_of(5, || time(|| home.cli(&["stats"])));
    t.row("stats, all 100,000 tasks (process)", ms(all), "");
}

fn events(home: &Home, id: &str, t: &mut Table) {
    let e = median_of(50, || time(|| home.cli(&["events", id])));
    t.row("events ID (process)", ms(e), "target < 10 ms");
    let store = Store::open_for_reading(&home.paths().database).expect("open").expect("database");
    let q = EventQuery { tasks: vec![id.to_string()], ..Default::default() };
    let inside = median_of(50, || time(|| assert_eq!(store.query_events(&q).expect("events").len(), 20)));
    t.row("  of which the query", ms(inside), "");
    let sql = format!("SELECT at, kind, data FROM events WHERE task_id = '{id}' ORDER BY seq");
    let by_hand = median_of(50, || time(|| home.sqlite(&sql)));
    t.row("  beside: sqlite3 of the same rows", ms(by_hand), "");
}

fn worker(home: &Home, port: u16, t: &mut Table) {
    home.cli(&["worker", "start"]);
    std::thread::sleep(Duration::from_millis(300));
    t.row("worker RSS idle, this history, just started", kb(home.worker_rss_kb()), "");
    let m = median_of(20, || time(|| home.cli(&["metrics"])));
    t.row("metrics (process, worker running)", ms(m), "target < 20 ms");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let inside = rt.block_on(async {
        let mut client = Client::connect(&home.paths()).await.expect("connect");
        let mut v = Vec::new();
        for _ in 0..20 {
            let t0 = Instant::now();
            client.request(Request::Metrics).await.expect("metrics");
            v.push(t0.elapsed());
        }
        v.sort();
        v[v.len() / 2]
    });
    t.row("  of which the worker's answer", ms(inside), "");
    let url = format!("http://127.0.0.1:{port}/metrics");
    let curl = median_of(20, || time(|| run(Command::new("curl").args(["-sf", "-o", "/dev/null", &url]))));
    t.row("  beside: curl of [metrics] listen", ms(curl), "what Prometheus does");
    let sql = "SELECT state, count(*) FROM tasks GROUP BY state";
    let by_hand = median_of(20, || time(|| home.sqlite(sql)));
    t.row("  beside: sqlite3 counts by state", ms(by_hand), "");
    std::thread::sleep(Duration::from_millis(300));
    t.row("worker RSS idle, this history, after the above", kb(home.worker_rss_kb()), "");
}

/// Half the history goes: how long it takes and how much the file shrinks.
fn prune(home: &Home, t: &mut Table) {
    let t0 = Instant::now();
    let out = home.output(&["prune", "--older-than", "40d", "--json"]);
    let pruned = t0.elapsed();
    let report: serde_json::Value = serde_json::from_slice(&out).expect("prune --json");
    t.row(
        "prune --older-than 40d (half the history)",
        format!("{:.1} s", pruned.as_secs_f64()),
        &format!(
            "{} tasks, {} events; file {:.0} → {:.0} MB",
            report["tasks"],
            report["events"],
            report["bytes_before"].as_f64().unwrap_or(0.0) / 1e6,
            report["bytes_after"].as_f64().unwrap_or(0.0) / 1e6
        ),
    );
}

fn print_table(rows: &[(String, String, String)]) {
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(10);
    let v = rows.iter().map(|r| r.1.len()).max().unwrap_or(10);
    println!("\n{:<w$}  {:<v$}  beside / target", "metric (median)", "value");
    println!("{}", "-".repeat(w + v + 40));
    for (metric, value, beside) in rows {
        println!("{metric:<w$}  {value:<v$}  {beside}");
    }
}

/// Run to the end; panics when it fails.
fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

struct Home {
    dir: PathBuf,
}

impl Home {
    fn new(name: &str, config: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("sa-bench-history-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench home");
        std::fs::write(dir.join("config.toml"), config).expect("config");
        Home { dir }
    }

    fn sqlite(&self, sql: &str) {
        let mut cmd = Command::new("sqlite3");
        cmd.arg(self.paths().database).arg(sql);
        run(&mut cmd);
    }

    fn paths(&self) -> smart_agents::paths::Paths {
        smart_agents::paths::Paths::under(&self.dir)
    }

    fn output(&self, args: &[&str]) -> Vec<u8> {
        let out = Command::new(BIN).args(args).env("SMART_AGENTS_HOME", &self.dir).output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    fn cli(&self, args: &[&str]) {
        self.output(args);
    }

    /// Finished tasks ending evenly over the last 80 days, each with the rows a real one
    /// writes; returns the id of one of them.
    fn fill(&self) -> String {
        let paths = self.paths();
        paths.ensure_dirs().expect("dirs");
        let store = Store::open_for_worker(&paths.database).expect("store");
        let mut ids = smart_agents::ids::IdGen::new();
        let cli =
            Origin { uid: 1000, client: "cli".into(), pid: Some(4242), cwd: Some("/home/me/project".into()) };
        let worker = Origin::worker();
        let now = now_ms();
        let mut some = String::new();
        let round = store.begin_round().expect("begin");
        for i in 0..TASKS {
            let agent = AGENTS[i % AGENTS.len()];
            let spec = TaskSpec {
                description: format!("bench task {i}"),
                agent: agent.into(),
                command: vec!["true".into()],
                cwd: "/home/me/project".into(),
                priority: 5,
                ..TaskSpec::default()
            };
            let finished = now - (i as i64 * 80 * DAY_MS) / TASKS as i64;
            let run = 1_000 + (i as i64 * 7_919) % 600_000;
            let created = finished - run - (i as i64 * 104_729) % 60_000;
            let mut id = ids.next_id();
            // Ids are short, so a clash in 100,000 is expected; the worker retries the same way.
            while store
                .insert_task(&NewTask { id: &id, spec: &spec, created_at: created, env_hash: None })
                .is_err()
            {
                id = ids.next_id();
            }
            let mut rec = store.task(&id).expect("read").expect("inserted");
            rec.state = if i % 10 == 3 { TaskState::Failed } else { TaskState::Completed };
            (rec.started_at, rec.finished_at, rec.exit_code) =
                (Some(finished - run), Some(finished), Some(0));
            rec.output = Some(String::new());
            rec.metrics = Metrics {
                duration_ms: Some(run as u64),
                tokens_used: Some((1_000 + i % 5_000) as u64),
                cost_usd: Some((i % 100) as f64 / 100.0),
                agents_involved: 1,
                carried: None,
            };
            store.save(&rec).expect("finish");
            self.events(&store, &id, created, finished, (&cli, &worker));
            if i == TASKS / 2 {
                some = id;
            }
        }
        store.commit(round).expect("commit");
        some
    }

    fn events(
        &self,
        store: &Store,
        id: &str,
        created: i64,
        finished: i64,
        (cli, worker): (&Origin, &Origin),
    ) {
        let step = (finished - created) / EVENTS_PER_TASK as i64;
        store.add_event(id, created, EventKind::Submitted, None, cli).expect("event");
        let waiting = serde_json::json!({"reason": "global cap (5/5)"});
        store.add_event(id, created + 1, EventKind::Waiting, Some(&waiting), worker).expect("event");
        let started = serde_json::json!({"attempt": 1, "cpu_percent": 35.0, "running": 4});
        store.add_event(id, created + step, EventKind::Started, Some(&started), worker).expect("event");
        for k in 0..EVENTS_PER_TASK - 4 {
            let data = serde_json::json!({"progress": k * 6, "step": format!("step {k}")});
            let kind = if k % 2 == 0 { EventKind::Step } else { EventKind::Progress };
            store.add_event(id, created + step * (k as i64 + 2), kind, Some(&data), worker).expect("event");
        }
        let done = serde_json::json!({"state": "completed", "exit_code": 0, "attempt": 1});
        store.add_event(id, finished, EventKind::Finished, Some(&done), worker).expect("event");
    }

    fn worker_rss_kb(&self) -> u64 {
        let pid: i32 = std::fs::read_to_string(self.dir.join("worker.lock"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        text.lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ =
            Command::new(BIN).args(["worker", "stop", "--kill"]).env("SMART_AGENTS_HOME", &self.dir).output();
        // SA_BENCH_KEEP=1 keeps the database to look into.
        if std::env::var_os("SA_BENCH_KEEP").is_some() {
            eprintln!("kept {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
