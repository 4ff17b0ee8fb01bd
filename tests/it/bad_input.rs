//! Bad input: each gets a message naming what was wrong and a non-zero exit, and nothing
//! already queued is lost.

use crate::common;

use common::{Home, LONG, describe, stderr};
use serde_json::Value;

/// A home with one queued (paused) task, to check nothing queued changes.
fn home_with_queue() -> (Home, Vec<Value>) {
    let home = Home::new();
    home.run_ok(&["pause"]);
    home.submit(&["echo", "queued-before"]);
    let before = home.list(&[]);
    assert_eq!(before.len(), 1);
    (home, before)
}

fn assert_refused(home: &Home, args: &[&str], code: i32, names: &[&str]) {
    let out = home.run_code(args, code);
    let err = stderr(&out);
    for word in names {
        assert!(err.contains(word), "message should name {word:?}: {}", describe(&out));
    }
    assert!(out.stdout.is_empty(), "nothing printed as if it worked: {}", describe(&out));
}

#[test]
fn unknown_ids_exit_3_with_the_id_named() {
    let home = Home::new();
    home.submit(&["true"]);
    for args in [
        &["status", "zzzzzz"][..],
        &["status", "zzzzzz", "--json"],
        &["result", "zzzzzz"],
        &["wait", "zzzzzz"],
        &["logs", "zzzzzz"],
        &["cancel", "zzzzzz"],
    ] {
        assert_refused(&home, args, 3, &["zzzzzz"]);
    }
    // Not even id-shaped: still "not found", not a crash.
    assert_refused(&home, &["status", "no/such!"], 3, &["no/such!"]);
}

#[test]
fn out_of_range_priorities_are_refused_before_queueing() {
    let (home, before) = home_with_queue();
    for bad in ["11", "0"] {
        assert_refused(
            &home,
            &["execute", "--async", "--priority", bad, "--", "true"],
            2,
            &["priority", bad],
        );
        assert_eq!(home.list(&[]), before, "--priority {bad} queued nothing and changed nothing");
    }
    // The edges are fine.
    for good in ["1", "10"] {
        home.submit_with(&["--priority", good], &["true"]);
    }
    assert_eq!(home.list(&[]).len(), 3);
}

#[test]
fn bad_durations_are_refused() {
    let (home, before) = home_with_queue();
    assert_refused(&home, &["execute", "--async", "--timeout", "10x", "--", "true"], 2, &["10x", "duration"]);
    assert_refused(&home, &["execute", "--async", "--timeout", "", "--", "true"], 2, &["duration"]);
    let id = before[0]["id"].as_str().unwrap();
    assert_refused(&home, &["wait", id, "--timeout", "soon"], 2, &["soon"]);
    assert_eq!(home.list(&[]), before);
}

#[test]
fn a_description_or_argv_over_1_mib_is_refused() {
    let (home, before) = home_with_queue();
    // One argument may not exceed 128 KiB (MAX_ARG_STRLEN), so go over 1 MiB in nine.
    let chunk = "a".repeat(120_000);
    // The description defaults to the command line, so that is what goes over first.
    let mut args = vec!["execute", "--async", "--", "echo"];
    args.extend(std::iter::repeat_n(chunk.as_str(), 9));
    let out = home.run_code(&args, 2);
    assert!(stderr(&out).contains("1 MiB"), "{}", describe(&out));
    assert!(stderr(&out).contains("description"), "{}", describe(&out));
    assert_eq!(home.list(&[]), before);

    // With a short description, the command line itself is named.
    let mut args = vec!["execute", "--async", "short", "--", "echo"];
    args.extend(std::iter::repeat_n(chunk.as_str(), 9));
    let out = home.run_code(&args, 2);
    assert!(stderr(&out).contains("1 MiB"), "{}", describe(&out));
    assert!(stderr(&out).contains("command line"), "{}", describe(&out));
    assert_eq!(home.list(&[]), before);

    // Just under the limit is accepted.
    let mut args = vec!["execute", "--async", "--", "true"];
    args.extend(std::iter::repeat_n(chunk.as_str(), 8));
    home.run_ok(&args);
}

#[test]
fn a_missing_working_folder_is_refused() {
    let (home, before) = home_with_queue();
    assert_refused(
        &home,
        &["execute", "--async", "--cwd", "/nonexistent/sa-test", "--", "true"],
        2,
        &["/nonexistent/sa-test"],
    );
    let file = home.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let file = file.to_string_lossy().into_owned();
    assert_refused(&home, &["execute", "--async", "--cwd", &file, "--", "true"], 2, &["plain-file"]);
    assert_eq!(home.list(&[]), before);
}

#[test]
fn cwd_is_where_the_command_runs() {
    let home = Home::new();
    let dir = home.path().join("elsewhere");
    std::fs::create_dir(&dir).unwrap();
    let id = home.submit_with(&["--cwd", dir.to_str().unwrap()], &["pwd"]);
    home.wait_state(&id, "completed", LONG);
    let result = home.json(&["result", &id, "--json"]);
    assert_eq!(result["output"], format!("{}\n", dir.display()));
}

#[test]
fn a_command_not_found_fails_the_task_with_that_reason() {
    let home = Home::new();
    let id = home.submit(&["sa-no-such-command-xyz", "arg"]);
    let view = home.wait_state(&id, "failed", LONG);
    assert_eq!(view["reason"], "command not found: sa-no-such-command-xyz", "{view}");
    let out = home.run(&["result", &id]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("command not found"), "{}", describe(&out));
    assert!(home.run_ok(&["logs", &id]).contains("sa-no-such-command-xyz"), "the log says why");
}

#[test]
fn a_command_is_run_directly_not_through_a_shell() {
    let home = Home::new();
    let id = home.submit(&["echo", "$HOME", "a;b", "*"]);
    home.wait_state(&id, "completed", LONG);
    assert_eq!(home.json(&["result", &id, "--json"])["output"], "$HOME a;b *\n");
}

#[test]
fn other_agents_are_refused_for_now() {
    let (home, before) = home_with_queue();
    assert_refused(
        &home,
        &["execute", "--async", "--agent", "claude", "--", "true"],
        2,
        &["claude", "shell"],
    );
    assert_eq!(home.list(&[]), before);
}

#[test]
fn execute_without_a_command_is_refused() {
    let (home, before) = home_with_queue();
    assert_refused(&home, &["execute", "--async", "just a description"], 2, &["--"]);
    assert_eq!(home.list(&[]), before);
}

#[test]
fn a_bad_config_names_the_file_and_line() {
    let home = Home::new();
    home.write_config("[limits]\nmax_concurrent_tasks = 2\nbogus_key = 1\n");
    let config = home.path().join("config.toml");
    let place = format!("{}:3", config.display());
    for args in [&["execute", "--async", "--", "true"][..], &["worker", "start"], &["pause"]] {
        let out = home.run(args);
        assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
        let err = stderr(&out);
        assert!(err.contains(&place), "names {place}: {}", describe(&out));
        assert!(err.contains("bogus_key"), "names the key: {}", describe(&out));
    }
    assert!(home.workers().is_empty(), "no worker runs on a bad config");
    assert!(home.list(&[]).is_empty(), "nothing was queued");

    // A wrong type is refused the same way.
    home.write_config("[limits]\n\nmax_concurrent_tasks = \"many\"\n");
    let out = home.run(&["worker", "start"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains(&place), "{}", describe(&out));

    // Fixed, everything works.
    home.write_config(&format!("{}max_concurrent_tasks = 2\n", common::UNGATED));
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
}

#[test]
fn bad_list_filters_are_refused() {
    let home = Home::new();
    assert_refused(&home, &["list", "--state", "sleeping"], 2, &["sleeping"]);
    assert_refused(&home, &["list", "--limit", "lots"], 2, &["lots"]);
}
