//! `status ID` under load: 8 clients at once, each looping over submit, status, list, result
//! and cancel as whole processes (the way scripts and dashboards meet the tool), beside the
//! same `status` with nothing else running. Run with `cargo bench --bench status_load`.

use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/home.rs"]
mod home;
use home::{Home, Table, run_quiet};
#[path = "support/measure.rs"]
mod measure;
use measure::{ms, p50_p99, time};

const CLIENTS: usize = 8;
const LOOPS: usize = 40;

fn main() {
    let home = Arc::new(Home::new("load", "[limits]\nmax_concurrent_tasks = 4\n"));
    home.cli(&["worker", "start"]);
    let done = home.out(&["execute", "--async", "--", "true"]);
    home.cli(&["wait", &done]);
    let alone: Vec<Duration> = (0..200).map(|_| timed(&home, &["status", &done])).collect();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (home, done) = (home.clone(), done.clone());
            std::thread::spawn(move || client(&home, &done))
        })
        .collect();
    let t0 = Instant::now();
    let mut loaded: Vec<Duration> = threads.into_iter().flat_map(|t| t.join().expect("client")).collect();
    let ops = CLIENTS * LOOPS * 5;
    let rate = ops as f64 / t0.elapsed().as_secs_f64();
    let mut table = Table::new();
    let (a50, a99) = p50_p99(alone);
    let (l50, l99) = p50_p99(std::mem::take(&mut loaded));
    table.row(
        &format!("status ID, p50 / p99, {CLIENTS} clients mixing submit, status, list, result, cancel"),
        format!("{} / {}", ms(l50), ms(l99)),
        format!("p99 target < 15 ms; {rate:.0} commands/s in all"),
    );
    table.row(
        "status ID, p50 / p99, nothing else running",
        format!("{} / {}", ms(a50), ms(a99)),
        String::new(),
    );
    home.cli(&["worker", "stop", "--kill"]);
    table.print();
}

/// One client's loop; returns how long each of its `status` calls took.
fn client(home: &Home, done: &str) -> Vec<Duration> {
    let mut status = Vec::new();
    for _ in 0..LOOPS {
        let id = home.out(&["execute", "--async", "--", "sleep", "30"]);
        status.push(timed(home, &["status", &id]));
        timed(home, &["list", "--limit", "20"]);
        timed(home, &["result", done]);
        timed(home, &["cancel", &id]);
    }
    status
}

fn timed(home: &Home, args: &[&str]) -> Duration {
    time(|| run_quiet(home.command(args)))
}
