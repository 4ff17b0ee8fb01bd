//! `metrics` and the `[metrics] listen` endpoint: checked by promtool, scraped by a real
//! Prometheus (Debian package `prometheus`, installed by .ci/run).

use crate::common;

use common::{Home, LONG, describe};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `promtool check metrics` on `text`; panics with its complaints.
fn promtool_check(text: &str) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian package `prometheus`) must be installed: .ci/run installs it");
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("feed promtool");
    let out = child.wait_with_output().expect("promtool ran");
    assert!(
        out.status.success(),
        "promtool rejects the metrics: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A plain HTTP GET; returns (status line, body).
fn get(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(LONG)).expect("timeout");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("read the answer");
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.lines().next().unwrap_or_default().to_string(), body.to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

#[test]
fn metrics_pass_promtool_and_count_what_happened() {
    let home = Home::new();
    let ok = home.submit(&["true"]);
    let bad = home.submit(&["sh", "-c", "exit 2"]);
    home.wait_state(&ok, "completed", LONG);
    home.wait_state(&bad, "failed", LONG);
    let text = home.run_ok(&["metrics"]);
    promtool_check(&text);
    for line in [
        "smart_agents_tasks{state=\"completed\"} 1",
        "smart_agents_tasks{state=\"failed\"} 1",
        "smart_agents_admissions_total 2",
        "smart_agents_tasks_finished_total{agent=\"shell\",state=\"failed\"} 1",
        "smart_agents_run_seconds_count{agent=\"shell\"} 2",
        "smart_agents_wait_seconds_bucket{agent=\"shell\",le=\"+Inf\"} 2",
        "smart_agents_tokens_total{agent=\"shell\"} 0",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    // At least this very connection.
    let connections = text.lines().find_map(|l| l.strip_prefix("smart_agents_connections "));
    assert!(connections.and_then(|n| n.parse::<u64>().ok()).is_some_and(|n| n >= 1), "{text}");
    assert!(text.contains("smart_agents_worker_uptime_seconds "), "{text}");
    // Waiting reasons are counted by kind.
    home.run_ok(&["pause"]);
    home.submit(&["true"]);
    let text = home.run_ok(&["metrics"]);
    promtool_check(&text);
    assert!(text.contains("smart_agents_waiting_tasks{reason=\"paused\"} 1"), "{text}");
    assert!(text.contains("smart_agents_paused 1"), "{text}");
}

#[test]
fn a_bad_listen_address_is_refused_naming_it() {
    let home = Home::with_config("[metrics]\nlisten = \"everywhere\"\n");
    let out = home.run(&["metrics"]);
    assert!(!out.status.success(), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("everywhere"), "{}", describe(&out));
}

/// Stops the Prometheus server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_worker_serves_metrics_over_http_and_prometheus_scrapes_them() {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let home = Home::with_config(&format!("[metrics]\nlisten = \"{addr}\"\n"));
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
    let (status, body) = get(&addr, "/metrics");
    assert!(status.contains("200"), "{status}\n{body}");
    promtool_check(&body);
    assert!(body.contains("smart_agents_tasks{state=\"completed\"} 1"), "{body}");
    let (status, _) = get(&addr, "/elsewhere");
    assert!(status.contains("404"), "{status}");

    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("prometheus.yml");
    let yml = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: smart-agents\n    \
         static_configs:\n      - targets: ['{addr}']\n"
    );
    std::fs::write(&config, yml).expect("write prometheus.yml");
    let web = format!("127.0.0.1:{}", free_port());
    let server = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address={web}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus (Debian package `prometheus`) must be installed: .ci/run installs it");
    let _server = Server(server);
    // Prometheus scrapes on its own schedule: ask it until the series is there.
    let query = "/api/v1/query?query=smart_agents_tasks%7Bstate%3D%22completed%22%7D";
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok(mut s) = TcpStream::connect(&web) {
            let _ = s.set_read_timeout(Some(LONG));
            let _ = write!(s, "GET {query} HTTP/1.1\r\nHost: {web}\r\nConnection: close\r\n\r\n");
            let mut text = String::new();
            let _ = s.read_to_string(&mut text);
            if text.contains("\"job\":\"smart-agents\"") && text.contains("\"1\"]") {
                break;
            }
        }
        assert!(Instant::now() < deadline, "Prometheus never scraped the worker's metrics");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The `smart_agents_tasks{state}` figures as `metrics` prints them.
fn tasks_by_state(home: &Home) -> Vec<(String, u64)> {
    let text = home.run_ok(&["metrics"]);
    let mut v: Vec<(String, u64)> = text
        .lines()
        .filter_map(|l| l.strip_prefix("smart_agents_tasks{state=\""))
        .filter_map(|l| l.split_once("\"} "))
        .map(|(state, n)| (state.to_string(), n.parse().expect("a count")))
        .collect();
    v.sort();
    v
}

/// The same figures counted in the database, every state present.
fn recount(home: &Home) -> Vec<(String, u64)> {
    let conn = rusqlite::Connection::open(home.database()).expect("open the database");
    let mut v: Vec<(String, u64)> = ["cancelled", "completed", "failed", "pending", "running"]
        .iter()
        .map(|s| {
            let n: i64 = conn
                .query_row("SELECT count(*) FROM tasks WHERE state = ?1", [s], |r| r.get(0))
                .expect("count");
            (s.to_string(), n as u64)
        })
        .collect();
    v.sort();
    v
}

/// The worker keeps the finished counts as tasks end, run again and are pruned, rather than
/// count rows at each scrape: after each of those, they equal a recount of the database, and
/// so they do after a restart.
#[test]
fn counts_by_state_follow_ends_retries_and_prunes() {
    let home = Home::new();
    let ok = home.submit(&["true"]);
    let bad = home.submit(&["sh", "-c", "exit 3"]);
    home.wait_state(&ok, "completed", LONG);
    home.wait_state(&bad, "failed", LONG);
    home.run_ok(&["pause"]);
    let queued = home.submit(&["true"]);
    home.run_ok(&["cancel", &queued]);
    home.wait_state(&queued, "cancelled", LONG);
    let counts = tasks_by_state(&home);
    assert_eq!(counts, recount(&home));
    assert!(
        counts.contains(&("cancelled".into(), 1)) && counts.contains(&("failed".into(), 1)),
        "{counts:?}"
    );
    // Run again: a failed and a cancelled task leave their final states while pending.
    home.run_ok(&["retry", &bad]);
    home.run_ok(&["retry", &queued]);
    let counts = tasks_by_state(&home);
    assert_eq!(counts, recount(&home));
    assert!(counts.contains(&("pending".into(), 2)) && counts.contains(&("failed".into(), 0)), "{counts:?}");
    home.run_ok(&["resume"]);
    home.wait_state(&bad, "failed", LONG);
    home.wait_state(&queued, "completed", LONG);
    assert_eq!(tasks_by_state(&home), recount(&home));
    std::thread::sleep(std::time::Duration::from_millis(20));
    home.run_ok(&["prune", "--older-than", "0s"]);
    let counts = tasks_by_state(&home);
    assert_eq!(counts, recount(&home));
    assert!(counts.iter().all(|(_, n)| *n == 0), "everything ended was pruned: {counts:?}");
    let late = home.submit(&["true"]);
    home.wait_state(&late, "completed", LONG);
    home.run_ok(&["worker", "stop"]);
    assert_eq!(tasks_by_state(&home), recount(&home), "a new worker counts afresh");
}
