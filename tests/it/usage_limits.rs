//! Usage limits and budgets end to end with stand-in `command` agents (real binary, real
//! worker, real child processes): a `limit_pattern` line holds the task and its account's
//! other tasks, other accounts run on, the hold ends at the reset (or after the backoff) with one
//! trial first, `agents release` ends a hold, and budgets stop runs and hold accounts.
//!
//! The stand-in agent logs every start to `requests` (the test's request log): while an account
//! is held, none of its tasks may show up there.

use crate::common;

use common::Home;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

/// The stand-in: logs `TASK MILLIS` to `requests`; while the file `limit` exists it consumes it,
/// prints its text (e.g. "LIMIT until 3s") and keeps retrying (sleeps) as aider does; `cost`
/// makes it print a cost line. Otherwise it answers and exits 0.
const AGENT: &str = r#"#!/bin/sh
dir=$(dirname "$0")
echo "$1 $(date +%s%3N)" >> "$dir/requests"
if [ -f "$dir/limit" ]; then
  text=$(cat "$dir/limit"); rm -f "$dir/limit"
  echo "working on $1"
  echo "$text"
  sleep 30
  exit 1
fi
echo "done $1"
"#;

struct World {
    home: Home,
    dir: PathBuf,
}

fn world(extra: &str) -> World {
    let dir = tempfile::Builder::new().prefix("saul").tempdir_in("/tmp").expect("temp").keep();
    let agent = dir.join("agent");
    std::fs::write(&agent, AGENT).expect("write agent");
    std::fs::set_permissions(&agent, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let a = agent.display();
    let pattern = r#"limit_pattern = "LIMIT(?: until (?P<reset>\\S+))?""#;
    let config = format!(
        "[usage_limits]\nbackoff = \"2s\"\nmax_backoff = \"8s\"\n\n\
         [agents.bot]\nbackend = \"command\"\ncommand = [\"{a}\", \"{{task_id}}\"]\naccount = \"acme\"\n{pattern}\nmax_concurrency = 1\n\n\
         [agents.bot2]\nbackend = \"command\"\ncommand = [\"{a}\", \"{{task_id}}\"]\naccount = \"acme\"\n{pattern}\nmax_concurrency = 1\n\n\
         [agents.other]\nbackend = \"command\"\ncommand = [\"{a}\", \"{{task_id}}\"]\n{pattern}\n{extra}"
    );
    World { home: Home::with_config(&config), dir }
}

impl World {
    fn limit_next(&self, text: &str) {
        std::fs::write(self.dir.join("limit"), text).expect("write limit");
    }

    fn submit(&self, agent: &str, extra: &[&str]) -> String {
        let mut args = vec!["execute", "task for the agent", "--agent", agent, "--async"];
        args.extend_from_slice(extra);
        self.home.run_ok(&args).trim().to_string()
    }

    /// (task, unix ms) per start, in order.
    fn requests(&self) -> Vec<(String, i64)> {
        let text = std::fs::read_to_string(self.dir.join("requests")).unwrap_or_default();
        text.lines()
            .filter_map(|l| l.split_once(' ').map(|(id, t)| (id.to_string(), t.parse().unwrap_or(0))))
            .collect()
    }

    fn agent(&self, name: &str) -> Value {
        let agents = self.home.json(&["agents", "--json"]);
        agents.as_array().and_then(|a| a.iter().find(|x| x["name"] == name).cloned()).expect("listed")
    }

    fn poll(&self, id: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let view = self.home.status(id);
            if ok(&view) {
                return view;
            }
            assert!(
                Instant::now() < deadline,
                "{id} never showed {what}: {view}\n{}",
                self.home.worker_log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn reason(view: &Value) -> &str {
    view["waiting_reason"].as_str().unwrap_or_default()
}

fn started_by(requests: &[(String, i64)], id: &str) -> Vec<i64> {
    requests.iter().filter(|(t, _)| t == id).map(|(_, at)| *at).collect()
}

fn drop_dir(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_limit_holds_the_account_other_accounts_run_and_the_task_resumes_after_the_reset() {
    let w = world("");
    w.limit_next("LIMIT until 4s");
    let first = w.submit("bot", &["--retries", "0"]);
    let held = w.poll(&first, "the hold", |v| v["state"] == "pending" && reason(v).contains("usage limit"));
    assert!(reason(&held).starts_with("acme usage limit: resumes "), "{held}");
    let hold = w.agent("bot2")["hold"].clone();
    assert!(hold["reason"].as_str().is_some_and(|r| r.starts_with("acme usage limit")), "{hold}");
    assert!(hold["until"].as_str().is_some(), "{hold}");
    assert!(w.agent("other")["hold"].is_null(), "another account is not held");
    // The account's other agent waits too; another account's agent runs meanwhile.
    let second = w.submit("bot2", &[]);
    let other = w.submit("other", &[]);
    w.home.wait_state(&other, "completed", WAIT);
    let waiting = w.home.status(&second);
    assert_eq!(waiting["state"], "pending", "{waiting}");
    assert!(reason(&waiting).starts_with("acme usage limit: resumes "), "{waiting}");

    w.home.wait_state(&first, "completed", WAIT);
    w.home.wait_state(&second, "completed", WAIT);
    let requests = w.requests();
    let (f, s) = (started_by(&requests, &first), started_by(&requests, &second));
    assert_eq!(f.len(), 2, "held once, then resumed: {requests:?}");
    assert_eq!(s.len(), 1, "{requests:?}");
    assert!(f[1] - f[0] >= 3_500, "nothing of the account ran before the reset: {requests:?}");
    assert!(s[0] >= f[1], "the trial went first, the rest followed: {requests:?}");
    // Not a failure: no retry was used (it had none), and history shows both parts.
    let events = w.home.run_ok(&["events", "--json", &first]);
    assert!(events.contains("\"limit\":true") && events.contains("acme usage limit"), "{events}");
    assert!(w.agent("bot")["hold"].is_null(), "the hold ended");
    drop_dir(&w.dir);
}

#[test]
fn a_limit_without_a_reset_backs_off_then_trials_and_a_failed_trial_doubles_it() {
    let w = world("");
    w.limit_next("LIMIT");
    let id = w.submit("bot", &[]);
    w.poll(&id, "the hold", |v| reason(v).contains("usage limit: resumes"));
    // The trial hits the limit again: the backoff doubles (2s, then 4s).
    w.limit_next("LIMIT");
    w.home.wait_state(&id, "completed", WAIT);
    let r = started_by(&w.requests(), &id);
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r[1] - r[0] >= 1_800, "first backoff ~2s: {r:?}");
    assert!(r[2] - r[1] >= 3_800, "second backoff ~4s: {r:?}");
    drop_dir(&w.dir);
}

#[test]
fn agents_release_ends_a_hold_and_bad_names_are_refused() {
    let w = world("");
    w.limit_next("LIMIT until 23:59");
    let id = w.submit("bot", &[]);
    w.poll(&id, "the hold", |v| reason(v).contains("usage limit: resumes"));
    let out = w.home.run_ok(&["agents", "release", "bot2"]);
    assert!(out.contains("released"), "{out}");
    w.home.wait_state(&id, "completed", WAIT);
    let out = w.home.run(&["agents", "release", "ghost"]);
    assert!(!out.status.success() && common::stderr(&out).contains("ghost"), "{}", common::describe(&out));
    let out = w.home.run(&["agents", "release", "bot"]);
    assert!(!out.status.success() && common::stderr(&out).contains("no hold"), "{}", common::describe(&out));
    drop_dir(&w.dir);
}

#[test]
fn a_hold_survives_a_worker_restart() {
    let w = world("");
    w.limit_next("LIMIT until 23:59");
    let id = w.submit("bot", &[]);
    let before = w.poll(&id, "the hold", |v| reason(v).contains("usage limit: resumes"));
    w.home.run_ok(&["worker", "stop"]);
    w.home.run_ok(&["worker", "start"]);
    let second = w.submit("bot2", &[]);
    let after = w.poll(&second, "the hold", |v| reason(v).contains("usage limit: resumes"));
    assert_eq!(reason(&after), reason(&before), "the same hold after the restart");
    assert_eq!(w.home.state(&id), "pending");
    assert_eq!(w.requests().len(), 1, "nothing of the account started: {:?}", w.requests());
    assert!(w.agent("bot")["hold"]["until"].as_str().is_some());
    w.home.run_ok(&["agents", "release", "acme"]);
    w.home.wait_state(&second, "completed", WAIT);
    drop_dir(&w.dir);
}

#[test]
fn bad_limit_settings_are_refused_with_the_key() {
    let home = Home::with_config("[usage_limits]\nbackoff = \"soon\"\n");
    let out = home.run_code(&["config", "show"], 2);
    assert!(common::stderr(&out).contains("usage_limits.backoff"), "{}", common::describe(&out));
    let home =
        Home::with_config("[agents.x]\nbackend = \"command\"\ncommand = [\"x\"]\nlimit_pattern = \"(\"\n");
    let out = home.run_code(&["config", "show"], 2);
    assert!(common::stderr(&out).contains("agents.x.limit_pattern"), "{}", common::describe(&out));
    let out = Home::new().run(&["execute", "--max-cost=-1", "--", "true"]);
    assert!(
        !out.status.success() && common::stderr(&out).contains("--max-cost"),
        "{}",
        common::describe(&out)
    );
}

/// The stand-in CLIs (tests/standins) replay real transcripts; Claude's costs $0.0841.
fn standins() -> String {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "standins"].iter().collect();
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

fn standin_run(home: &Home, agent: &str, extra: &[&str]) -> String {
    let mut args = vec!["execute", "Review it", "--agent", agent, "--async"];
    args.extend_from_slice(extra);
    let out = home.cmd(&args).env("PATH", standins()).output().expect("execute");
    assert!(out.status.success(), "{}", common::describe(&out));
    common::stdout(&out).trim().to_string()
}

#[test]
fn a_daily_budget_holds_its_account_while_others_run_and_max_cost_fails_a_run() {
    let home = Home::with_config("[agents.claude]\ndaily_budget_usd = 0.05\n");
    let first = standin_run(&home, "claude", &[]);
    home.wait_state(&first, "completed", WAIT);
    let second = standin_run(&home, "claude", &[]);
    let other = standin_run(&home, "codex", &[]);
    home.wait_state(&other, "completed", WAIT);
    let view = home.status(&second);
    assert_eq!(view["state"], "pending", "{view}");
    assert_eq!(reason(&view), "claude daily budget $0.05 reached (spent $0.08 today)", "{view}");
    let agents = home.json(&["agents", "--json"]);
    let claude = agents.as_array().and_then(|a| a.iter().find(|x| x["name"] == "claude")).expect("claude");
    assert_eq!(claude["spent_today_usd"], 0.0841, "{claude}");
    assert!(claude["hold"]["reason"].as_str().is_some_and(|r| r.contains("daily budget")), "{claude}");
    let table = home.run_ok(&["agents"]);
    assert!(table.contains("$0.08") && table.contains("hold: claude daily budget"), "{table}");
    home.run_ok(&["agents", "release", "claude"]);
    home.wait_state(&second, "completed", WAIT);

    // --max-cost: the run's reported cost went past it, so it fails naming the budget.
    let capped = standin_run(&home, "claude", &["--max-cost", "0.01"]);
    let view = home.wait_state(&capped, "failed", WAIT);
    let why = view["reason"].as_str().unwrap_or_default();
    assert!(why.contains("cost budget $0.01 (--max-cost) exceeded"), "{view}");
}

#[test]
fn an_overall_daily_budget_holds_every_agent() {
    let home = Home::with_config("daily_budget_usd = 0.01\n[limits]\n");
    let first = standin_run(&home, "claude", &[]);
    home.wait_state(&first, "completed", WAIT);
    let next = standin_run(&home, "codex", &[]);
    let view = w_poll(&home, &next);
    assert_eq!(reason(&view), "daily budget $0.01 reached (spent $0.08 today)", "{view}");
}

fn w_poll(home: &Home, id: &str) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let view = home.status(id);
        if !reason(&view).is_empty() {
            return view;
        }
        assert!(Instant::now() < deadline, "{view}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Issue 32: a schedule's firing during a usage-limit hold is a pending task that waits for
/// the hold, then runs: never dropped.
#[test]
fn a_scheduled_firing_held_by_a_usage_limit_waits_pending_and_runs_after_the_release() {
    let w = world("");
    w.limit_next("LIMIT until 23:59");
    let first = w.submit("bot", &[]);
    w.poll(&first, "the hold", |v| reason(v).contains("usage limit: resumes"));
    w.home.run_ok(&[
        "schedule",
        "add",
        "held",
        "--every",
        "2s",
        "--max-runs-per-day",
        "1",
        "--agent",
        "bot2",
        "scheduled work",
    ]);
    let deadline = Instant::now() + WAIT;
    let fired = loop {
        let show = w.home.json(&["schedule", "show", "held", "--json"]);
        let fired = show["windows"]
            .as_array()
            .and_then(|ws| ws.iter().find(|e| e["kind"] == "schedule_fired").cloned());
        if let Some(e) = fired {
            break e["data"]["task"].as_str().expect("task id").to_string();
        }
        assert!(Instant::now() < deadline, "never fired: {show}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let view = w.poll(&fired, "the hold", |v| reason(v).contains("usage limit"));
    assert_eq!(view["state"], "pending", "{view}");
    assert_eq!(view["schedule"], "held", "{view}");
    assert!(started_by(&w.requests(), &fired).is_empty(), "held: not started");
    w.home.run_ok(&["agents", "release", "bot2"]);
    w.home.wait_state(&fired, "completed", WAIT);
    assert_eq!(started_by(&w.requests(), &fired).len(), 1, "ran once, after the release");
    drop_dir(&w.dir);
}

/// Issue 32: `--max-cost-per-day` counts what the schedule's own tasks cost today; reaching it
/// pauses the schedule with an event, and the window that found it reached says so.
#[test]
fn a_schedule_pauses_once_its_runs_cost_the_daily_cap() {
    let home = Home::new();
    let args = [
        "schedule",
        "add",
        "costly",
        "--every",
        "2s",
        "--max-cost-per-day",
        "0.05",
        "--agent",
        "claude",
        "Review it",
    ];
    let out = home.cmd(&args).env("PATH", standins()).output().expect("schedule add");
    assert!(out.status.success(), "{}", common::describe(&out));
    let deadline = Instant::now() + WAIT;
    let show = loop {
        let show = home.json(&["schedule", "show", "costly", "--json"]);
        if show["paused"] == true {
            break show;
        }
        assert!(Instant::now() < deadline, "never paused: {show}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let reason = show["pause_reason"].as_str().unwrap_or_default();
    assert!(reason.contains("max cost per day ($0.05) reached: $0.08 spent today"), "{show}");
    let windows = show["windows"].as_array().expect("windows");
    let fired: Vec<&Value> = windows.iter().filter(|e| e["kind"] == "schedule_fired").collect();
    assert_eq!(fired.len(), 1, "one run cost more than the cap: {show}");
    assert!(windows.iter().any(|e| e["kind"] == "schedule_paused"), "{show}");
    assert!(
        windows.iter().any(|e| e["kind"] == "schedule_skipped"
            && e["data"]["why"].as_str().is_some_and(|w| w.starts_with("max cost per day"))),
        "{show}"
    );
}
