//! Events beyond task endings, and deliveries held back: a flow's end is delivered as
//! `flow_done`, windows missed while the worker was down as `schedule_missed`, a task that asks
//! a person as `needs_input` with its question; a delivery made in a channel's quiet hours waits
//! for their end while a channel without them is told at once.

use super::{Receiver, body, channel_status, ended, home_with, wait_for};
use crate::common;
use std::time::Duration;

#[test]
fn a_flow_end_is_delivered_as_flow_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("requests.jsonl");
    let receiver = Receiver::start(dir.path(), &out, 0, None, false);
    let config = format!(
        "[[notify.channels]]\nkind = \"slack\"\nname = \"flows\"\nurl = \"{}\"\nevents = [\"flow_done\"]\n",
        receiver.url("/flows")
    );
    let home = home_with(&config);
    let file = dir.path().join("f.toml");
    std::fs::write(&file, "name = \"nightly\"\n[[steps]]\nname = \"a\"\ncommand = \"true\"\n")
        .expect("flow file");
    let out = home.run(&["flow", "run", &file.display().to_string(), "--json"]);
    assert!(out.status.success(), "{}", common::describe(&out));
    let got = receiver.wait_records(1, common::LONG);
    let text = body(&got[0])["text"].as_str().unwrap_or_default().to_string();
    assert!(text.contains("flow done: nightly") && text.contains("completed"), "{text}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(receiver.records().len(), 1, "the step's own ending is not a flow_done");
}

#[test]
fn quiet_hours_hold_a_delivery_until_they_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("requests.jsonl");
    let receiver = Receiver::start(dir.path(), &out, 0, None, false);
    // Quiet from an hour ago to an hour from now, in the worker's local time.
    let now = chrono::Local::now();
    let hhmm = |t: chrono::DateTime<chrono::Local>| t.format("%H:%M").to_string();
    let quiet =
        format!("{}-{}", hhmm(now - chrono::Duration::hours(1)), hhmm(now + chrono::Duration::hours(1)));
    let config = format!(
        "[[notify.channels]]\nkind = \"slack\"\nname = \"night\"\nurl = \"{}\"\nquiet_hours = \"{quiet}\"\n\
         [[notify.channels]]\nkind = \"slack\"\nname = \"day\"\nurl = \"{}\"\n",
        receiver.url("/night"),
        receiver.url("/day")
    );
    let home = home_with(&config);
    ended(&home, &["true"], "completed");
    let got = receiver.wait_records(1, common::LONG);
    assert_eq!(got[0]["path"], "/day");
    let night = wait_for(common::LONG, "the held delivery", || {
        let s = channel_status(&home, "night");
        (s["waiting"] == 1).then_some(s)
    });
    let next: chrono::DateTime<chrono::FixedOffset> =
        chrono::DateTime::parse_from_rfc3339(night["next_try"].as_str().expect("a next try"))
            .expect("a time");
    let ahead = next.signed_duration_since(now).num_minutes();
    assert!((55..=61).contains(&ahead), "held until the quiet hours end, {ahead} min from now: {night}");
    assert!(night["last_error"].is_null(), "not tried, so no error: {night}");
    std::thread::sleep(Duration::from_millis(500));
    assert!(receiver.records().iter().all(|r| r["path"] != "/night"), "sent in quiet hours");
}

#[test]
fn windows_missed_while_the_worker_was_down_are_delivered_as_schedule_missed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("requests.jsonl");
    let receiver = Receiver::start(dir.path(), &out, 0, None, false);
    let config = format!(
        "[[notify.channels]]\nkind = \"webhook\"\nurl = \"{}\"\nsecret = \"{}\"\nevents = [\"schedule_missed\"]\n",
        receiver.url("/missed"),
        common::Home::new().run_ok(&["notify", "secret"]).trim()
    );
    let home = home_with(&config);
    let add = ["schedule", "add", "tick", "--every", "2s", "--catch-up", "skip", "--", "true"];
    home.run_ok(&add);
    wait_for(common::LONG, "a first firing", || {
        let rows = home.run_ok(&["events", "--kind", "schedule_fired"]);
        (!rows.trim().is_empty()).then_some(())
    });
    home.run_ok(&["worker", "stop"]);
    std::thread::sleep(Duration::from_secs(5));
    // The missed windows are found as the worker starts: its first moments are delivered too.
    home.run_ok(&["worker", "start"]);
    let got = receiver.wait_records(1, common::LONG);
    let event = body(&got[0]);
    assert_eq!(event["event"], "schedule_missed");
    assert_eq!(event["schedule"]["name"], "tick");
    assert!(event["schedule"]["detail"]["count"].as_u64().is_some_and(|n| n >= 2), "{event}");
}

#[test]
fn a_task_that_asks_is_delivered_as_needs_input_with_its_question() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("requests.jsonl");
    let receiver = Receiver::start(dir.path(), &out, 0, None, false);
    let config = format!(
        "[[notify.channels]]\nkind = \"ntfy\"\nurl = \"{}\"\nevents = [\"needs_input\"]\n\
         [[notify.channels]]\nkind = \"command\"\nevents = [\"needs_input\"]\n\
         command = [\"sh\", \"-c\", \"cat > '{}'\"]\n",
        receiver.url("/phone"),
        dir.path().join("asked.json").display()
    );
    let home = home_with(&config);
    let script = format!("'{}' ask 'Deploy to prod?' --option yes --option no", common::BIN);
    let id = home.submit(&["sh", "-c", &script]);
    let got = receiver.wait_records(1, common::LONG);
    let ntfy = body(&got[0]);
    assert_eq!(ntfy["priority"], 4, "a question is urgent: {ntfy}");
    assert_eq!(ntfy["tags"][0], "question");
    let message = ntfy["message"].as_str().unwrap_or_default();
    assert!(message.contains("asks: Deploy to prod?") && message.contains("options: yes, no"), "{ntfy}");
    let event: serde_json::Value = wait_for(common::LONG, "the command's event", || {
        let text = std::fs::read_to_string(dir.path().join("asked.json")).ok()?;
        serde_json::from_str(&text).ok()
    });
    assert_eq!(event["event"], "needs_input");
    assert_eq!(
        (event["task"]["id"].as_str(), event["task"]["state"].as_str()),
        (Some(id.as_str()), Some("running"))
    );
    assert_eq!(event["detail"]["text"], "Deploy to prod?");
    home.run_ok(&["answer", &id, "yes"]);
    home.wait_state(&id, "completed", common::LONG);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(receiver.records().len(), 1, "the ending is not a needs_input");
}
