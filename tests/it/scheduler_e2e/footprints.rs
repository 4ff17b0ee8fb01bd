//! Footprints end to end (issue 9): real child processes that allocate memory, measured by
//! their supervisor; footprints from `--mem`/`--cpus` and learned from earlier attempts;
//! `--mem-limit`; reasons that say what is expected; slow start for an unknown kind.

use super::support::{gate_lock, home, meminfo, ms, reason, wait_reason};
use crate::common::Home;
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;

/// Python that touches `mib` MiB, then holds it for `secs`.
fn alloc(mib: u64, secs: f64) -> String {
    format!(
        "import time\nb = bytearray({mib} << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\ntime.sleep({secs})\n"
    )
}

fn done(home: &Home, id: &str) -> serde_json::Value {
    home.wait_state(id, "completed", Duration::from_secs(30))
}

#[test]
fn the_peak_of_an_attempt_is_measured_and_teaches_its_kind() {
    let home = home("", "");
    let script = alloc(40, 0.6);
    let first = home.submit(&["python3", "-c", &script]);
    let view = done(&home, &first);
    let peak = view["peak"]["rss_bytes"].as_u64().unwrap_or_else(|| panic!("no peak: {view}"));
    assert!((40 * MIB..400 * MIB).contains(&peak), "peak of a 40 MiB task: {view}");
    assert!(view["peak"]["cpu_seconds"].as_f64().is_some_and(|s| s > 0.0), "{view}");
    assert_eq!(view["footprint"]["source"], "default", "nothing known before the first run: {view}");
    assert_eq!(view["footprint"]["mem_bytes"], 0, "{view}");

    // The same kind again: its footprint is learned from the first.
    home.run_ok(&["pause"]);
    let second = home.submit(&["python3", "-c", &alloc(40, 0.1)]);
    let view = home.status(&second);
    assert_eq!(view["footprint"]["source"], "learned", "{view}");
    let learned = view["footprint"]["mem_bytes"].as_u64().unwrap_or(0);
    assert!(learned >= 40 * MIB && learned <= peak, "learned {learned} from a peak of {peak}: {view}");
    assert!(view.get("peak").is_none(), "no attempt has run yet: {view}");

    // Declared beats learned.
    let declared = home.submit_with(&["--mem", "300M", "--cpus", "2"], &["python3", "-c", "pass"]);
    let view = home.status(&declared);
    assert_eq!(view["footprint"]["source"], "declared", "{view}");
    assert_eq!(view["footprint"]["mem_bytes"], 300 * MIB, "{view}");
    assert_eq!(view["footprint"]["cpus"], 2.0, "{view}");
    home.run_ok(&["resume"]);
    done(&home, &second);
    let out = home.cmd(&["result", &second]).output().expect("result");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("peak ") && text.contains("MiB"), "result shows peak memory: {text}");
}

#[test]
fn mem_limit_ends_a_task_that_goes_past_it() {
    let home = home("kill_grace_seconds = 1", "");
    let started = Instant::now();
    let id = home.submit_with(&["--mem", "30M", "--mem-limit"], &["python3", "-c", &alloc(120, 20.0)]);
    let view = home.wait_state(&id, "failed", Duration::from_secs(15));
    assert!(started.elapsed() < Duration::from_secs(15), "ended well before its 20 s sleep");
    let why = view["reason"].as_str().unwrap_or_default();
    assert!(why.starts_with("memory limit 30 MiB exceeded (peak "), "{view}");
    assert!(view["peak"]["rss_bytes"].as_u64().is_some_and(|b| b > 30 * MIB), "{view}");
    // Without --mem the flag is refused before anything is queued.
    let out = home.cmd(&["execute", "--async", "--mem-limit", "--", "true"]).output().expect("run");
    assert!(!out.status.success());
}

#[test]
fn a_task_waits_on_the_memory_its_neighbours_will_use() {
    let _serial = gate_lock();
    let (total, available) = meminfo();
    let used = (total - available) as f64 / total as f64 * 100.0;
    let threshold = (used.ceil() + 10.0).min(99.0);
    if threshold < used + 8.0 {
        eprintln!("skipped: memory use {used:.1}% leaves no room under 100%");
        return;
    }
    // Declared, not allocated: 6% each, so two make 12 points over 10 points of room.
    let six = format!("{}", total * 6 / 100);
    let home = Home::with_config(&format!(
        "[limits]\ncpu_threshold = 100\nmemory_threshold = {threshold}\nmax_concurrent_tasks = 5\n"
    ));
    let first = home.submit_with(&["--mem", &six], &["sleep", "30"]);
    home.wait_state(&first, "running", Duration::from_secs(10));
    let second = home.submit_with(&["--mem", &six], &["sleep", "0"]);
    let view = wait_reason(&home, &second, Duration::from_secs(10), |r| r.contains("expected"));
    let why = reason(&view);
    assert!(why.starts_with("memory ") && why.ends_with(&format!("expected > {threshold}%")), "{why}");
    let expected: f64 = why
        .split(" + ")
        .nth(1)
        .and_then(|r| r.split('%').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no expected points in {why:?}"));
    assert!((11.0..=13.0).contains(&expected), "6% reserved + 6% for itself: {why}");
    assert_eq!(view["footprint"]["source"], "declared", "{view}");
    home.run_ok(&["cancel", &first]);
    done(&home, &second);
}

/// What the worker takes an unknown task to be able to use: claude's `mem`, set here to an
/// eighth of RAM so it is the largest of any agent's default.
fn guess_bytes() -> u64 {
    meminfo().0 / 8
}

/// Three of `argv`, a kind never run before, submitted at once under the memory gate with a
/// `slow_start` seconds watch, and a threshold `room` guesses over what is in use now.
fn first_burst(slow_start: f64, room: f64, argv: &[&str]) -> (Home, Vec<String>) {
    let (total, available) = meminfo();
    let used = (total - available) as f64 / total as f64 * 100.0;
    let threshold = (used + room * guess_bytes() as f64 / total as f64 * 100.0).ceil();
    assert!(threshold < 100.0, "memory use {used:.1}% leaves no room for this test");
    let home = Home::with_config(&format!(
        "[limits]\ncpu_threshold = 100\nmemory_threshold = {threshold}\nslow_start_seconds = {slow_start}\n\
         max_concurrent_tasks = 5\n[agents.claude]\nmem = \"{}\"\n",
        guess_bytes()
    ));
    home.run_ok(&["pause"]);
    let ids = (0..3).map(|_| home.submit(argv)).collect();
    home.run_ok(&["resume"]);
    (home, ids)
}

fn started_at(home: &Home, ids: &[String]) -> Vec<i64> {
    ids.iter().map(|id| ms(&home.wait_state(id, "running", Duration::from_secs(10)), "started_at")).collect()
}

/// Room for every one of the burst (and a spare): nothing waits on the slow start.
#[test]
fn a_burst_of_an_unknown_kind_starts_at_once_where_memory_is_free() {
    let _serial = gate_lock();
    let (home, ids) = first_burst(1.5, 4.5, &["sleep", "8"]);
    let starts = started_at(&home, &ids);
    let spread = starts.iter().max().unwrap_or(&0) - starts.iter().min().unwrap_or(&0);
    assert!(spread < 1_000, "no start waited for a watch: {starts:?}");
    for id in &ids {
        home.run_ok(&["cancel", id]);
    }
}

#[test]
fn a_burst_of_an_unknown_kind_starts_one_by_one() {
    let _serial = gate_lock();
    // Long enough that none ends (which would make the kind known) before all have started.
    // Room for one watched task and one more, not for two watched and a third.
    let (home, ids) = first_burst(1.5, 1.5, &["sleep", "8"]);
    let view = wait_reason(&home, &ids[1], Duration::from_secs(10), |r| r.contains("slow start"));
    assert_eq!(reason(&view), "memory: slow start, watching a task of unknown size");
    let starts = started_at(&home, &ids);
    for pair in starts.windows(2) {
        assert!(pair[1] - pair[0] >= 1_400, "each start waits for the one before to be watched: {starts:?}");
    }
    for id in &ids {
        home.run_ok(&["cancel", id]);
    }
}

#[test]
fn the_rest_of_a_first_burst_reserves_what_the_first_one_showed() {
    let _serial = gate_lock();
    let (home, ids) = first_burst(1.0, 1.5, &["python3", "-c", &alloc(60, 8.0)]);
    home.wait_state(&ids[0], "running", Duration::from_secs(10));
    let second = home.wait_state(&ids[1], "running", Duration::from_secs(10));
    // No attempt has ended: the figure was seen on the first one, running.
    assert_eq!(second["footprint"]["source"], "learned", "{second}");
    let seen = second["footprint"]["mem_bytes"].as_u64().unwrap_or(0);
    assert!((60 * MIB..600 * MIB).contains(&seen), "what the first showed: {second}");
    // The second is watched in turn: the third starts a watch after it.
    let third = home.wait_state(&ids[2], "running", Duration::from_secs(10));
    let gap = ms(&third, "started_at") - ms(&second, "started_at");
    assert!(gap >= 900, "the third waited {gap} ms for the second's watch");
    for id in &ids {
        home.run_ok(&["cancel", id]);
    }
}
