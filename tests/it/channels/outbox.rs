//! Webhooks through the durable outbox: every delivery verified by the reference library; a
//! receiver that is down for seconds gets every event once and in order; a worker killed
//! mid-queue loses nothing and sends an unacknowledged delivery again under the same id; a full
//! queue drops its oldest with an event.

use super::{Receiver, body, channel_status, ended, home_with, wait_for};
use crate::common::{self, kill9};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// `notify seal`: the value sealed under the home's key.
fn sealed(home: &common::Home, value: &str) -> String {
    let out = home.cmd(&["notify", "seal"]).write_stdin(format!("{value}\n")).output().expect("notify seal");
    assert!(out.status.success(), "notify seal: {}", common::describe(&out));
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(text.starts_with("sealed:") && !text.contains(value), "{text}");
    text
}

fn webhook_config(url: &str, secret: &str, extra: &str) -> String {
    format!(
        "[[notify.channels]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{url}\"\nsecret = \"{secret}\"\n{extra}"
    )
}

/// The task ids the records are about, in arrival order, and each task's webhook-ids.
fn by_task(records: &[Value]) -> (Vec<String>, BTreeMap<String, BTreeSet<String>>) {
    let mut order = Vec::new();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in records {
        let task = body(r)["task"]["id"].as_str().expect("a task id").to_string();
        let id = r["headers"]["webhook-id"].as_str().expect("a webhook-id").to_string();
        order.push(task.clone());
        ids.entry(task).or_default().insert(id);
    }
    (order, ids)
}

/// `events ID --json`: one JSON row a line.
fn history(home: &common::Home, id: &str) -> Vec<Value> {
    let text = home.run_ok(&["events", id, "--json"]);
    text.lines().map(|l| serde_json::from_str(l).expect("a JSON row")).collect()
}

fn assert_verified(records: &[Value]) {
    for r in records {
        assert_eq!(r["verified"], true, "standardwebhooks refused a delivery: {r}");
    }
}

#[test]
fn webhooks_verify_and_a_receiver_down_for_seconds_gets_every_event_once_in_order() {
    let secret_home = common::Home::new();
    let secret = secret_home.run_ok(&["notify", "secret"]).trim().to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("requests.jsonl");
    let mut receiver = Receiver::start(dir.path(), &out, 0, Some(&secret), false);
    let port = receiver.port;
    // The secret and the URL sealed, as a careful user keeps them.
    let home = home_with("");
    let (url, sealed_secret) = (sealed(&home, &receiver.url("/hook")), sealed(&home, &secret));
    home.write_config(&format!(
        "{}[secrets]\nkey_store = \"file\"\n{}",
        common::UNGATED,
        webhook_config(&url, &sealed_secret, "[notify]\nlink_base = \"http://phone.example:7777\"\n")
    ));
    let first = ended(&home, &["sh", "-c", "echo hi"], "completed");
    let got = receiver.wait_records(1, common::LONG);
    assert_verified(&got);
    let event = body(&got[0]);
    assert_eq!(event["event"], "completed");
    assert_eq!(event["task"]["id"], first.as_str());
    assert_eq!(event["task"]["state"], "completed");
    assert_eq!(event["task"]["description"], "sh -c 'echo hi'");
    assert!(event["task"]["duration"].is_number(), "{event}");
    assert_eq!(event["url"], format!("http://phone.example:7777/tasks/{first}"));

    receiver.stop();
    let mut expected = vec![first];
    for (argv, state) in [(["false"], "failed"), (["true"], "completed"), (["true"], "completed")] {
        expected.push(ended(&home, &argv, state));
    }
    // Down for several seconds: the head of the queue is tried, fails, and waits.
    std::thread::sleep(Duration::from_secs(4));
    wait_for(common::LONG, "three waiting, after a failed attempt", || {
        let s = channel_status(&home, "hook");
        (s["waiting"] == 3 && s["last_error"].as_str().is_some_and(|e| !e.is_empty())).then_some(())
    });
    let _up = Receiver::start(dir.path(), &out, port, Some(&secret), false);
    let got = _up.wait_records(4, Duration::from_secs(40));
    assert_verified(&got);
    let (order, ids) = by_task(&got);
    assert_eq!(order, expected, "every event once, in order");
    assert!(ids.values().all(|set| set.len() == 1));
    let all_ids: BTreeSet<&str> = got.iter().filter_map(|r| r["headers"]["webhook-id"].as_str()).collect();
    assert_eq!(all_ids.len(), 4, "one id per delivery");
    let status = wait_for(common::LONG, "all sent", || {
        let s = channel_status(&home, "hook");
        (s["sent"] == 4).then_some(s)
    });
    assert_eq!(status["waiting"], 0, "{status}");
    // History shows each delivery, and the first failure of the one that waited.
    let kinds: Vec<String> = history(&home, &expected[1])
        .iter()
        .map(|r| r["kind"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        kinds.contains(&"delivery_failed".into()) && kinds.contains(&"delivery_sent".into()),
        "{kinds:?}"
    );
}

#[test]
fn a_worker_killed_mid_queue_loses_nothing_and_resends_under_the_same_id() {
    let secret = common::Home::new().run_ok(&["notify", "secret"]).trim().to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("requests.jsonl");
    // This receiver records the first delivery and never answers it: it went out, but the
    // worker cannot know.
    let mut hanging = Receiver::start(dir.path(), &out, 0, Some(&secret), true);
    let port = hanging.port;
    let home = home_with(&webhook_config(&hanging.url("/hook"), &secret, ""));
    let tasks: Vec<String> = (0..3).map(|_| ended(&home, &["true"], "completed")).collect();
    let seen = hanging.wait_records(1, common::LONG);
    kill9(home.worker_pid());
    hanging.stop();
    let first_id = seen[0]["headers"]["webhook-id"].as_str().expect("an id").to_string();

    let up = Receiver::start(dir.path(), &out, port, Some(&secret), false);
    home.run_ok(&["worker", "start"]);
    let got = up.wait_records(4, Duration::from_secs(40));
    assert_verified(&got);
    let (order, ids) = by_task(&got);
    assert_eq!(order[0], tasks[0]);
    assert_eq!(order[1..], tasks[..], "the unacknowledged one again, then the rest, in order");
    assert_eq!(got[1]["headers"]["webhook-id"], first_id.as_str(), "sent again under the same id");
    for (task, set) in &ids {
        assert_eq!(set.len(), 1, "task {task} arrived under two ids: {set:?}");
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(up.records().len(), 4, "nothing more");
}

#[test]
fn a_full_queue_drops_its_oldest_with_an_event() {
    let secret = common::Home::new().run_ok(&["notify", "secret"]).trim().to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("requests.jsonl");
    let mut receiver = Receiver::start(dir.path(), &out, 0, Some(&secret), false);
    let port = receiver.port;
    receiver.stop();
    let config =
        webhook_config(&format!("http://127.0.0.1:{port}/hook"), &secret, "[notify]\nqueue_cap = 2\n");
    let home = home_with(&config);
    let tasks: Vec<String> = (0..4).map(|_| ended(&home, &["true"], "completed")).collect();
    let status = wait_for(common::LONG, "two dropped", || {
        let s = channel_status(&home, "hook");
        (s["dropped"] == 2).then_some(s)
    });
    assert_eq!(status["waiting"], 2, "{status}");
    let listed = home.json(&["notify", "status", "--json"]);
    let why: Vec<&str> = listed["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .filter(|d| d["state"] == "dropped")
        .filter_map(|d| d["last_error"].as_str())
        .collect();
    assert!(why.len() == 2 && why.iter().all(|e| e.contains("queue_cap")), "{listed}");
    // `doctor` warns about the channel, with its last error.
    let doctor: Value = serde_json::from_slice(&home.run(&["doctor", "--json"]).stdout).expect("doctor JSON");
    let line = doctor["checks"].as_array().and_then(|c| c.iter().find(|c| c["check"] == "channel hook"));
    assert_eq!(line.map(|c| c["status"].clone()), Some(Value::from("warn")), "{doctor}");
    let dropped = history(&home, &tasks[0]);
    assert!(dropped.iter().any(|r| r["kind"] == "delivery_dropped"), "{dropped:?}");
    let up = Receiver::start(dir.path(), &out, port, Some(&secret), false);
    let got = up.wait_records(2, Duration::from_secs(40));
    assert_verified(&got);
    assert_eq!(by_task(&got).0, tasks[2..], "the newest two, in order");
}
