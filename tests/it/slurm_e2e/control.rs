//! Ending Slurm tasks: cancel while queued and while running, a worker killed and restarted
//! during a run.

use super::common::{Home, kill9};
use super::{FAST, LONG, job_state, poll, result, slurm_ready, submit};

#[test]
fn cancel_while_queued_and_while_running() {
    if !slurm_ready("cancel_while_queued_and_while_running") {
        return;
    }
    let home = Home::with_config(FAST);
    // Each takes most of the node's memory: the second one must queue behind the first.
    let mem = format!("{}M", super::node_memory_mb() * 6 / 10);
    let first = submit(&home, &["--on", "slurm", "--mem", &mem], &["sleep", "300"], &[]);
    poll(&home, &first, "the first job running", |v| v["state"] == "running");
    let second = submit(&home, &["--on", "slurm", "--mem", &mem], &["sleep", "300"], &[]);
    let queued = poll(&home, &second, "the second job queued in Slurm", |v| {
        v["waiting_reason"].as_str().is_some_and(|r| r.starts_with("slurm: queued (") && !r.contains("None"))
    });
    assert_eq!(queued["state"], "pending", "{queued}");
    let queued_job = queued["external_id"].as_str().expect("queued job id").to_string();
    assert_eq!(job_state(&queued_job), "PENDING");

    let out = home.run_ok(&["cancel", &second]);
    assert!(out.contains("cancelled"), "{out}");
    let view = home.wait_state(&second, "cancelled", LONG);
    assert_eq!(view["reason"], "cancelled by user", "{view}");
    assert_eq!(job_state(&queued_job), "CANCELLED");

    let running_job = home.status(&first)["external_id"].as_str().expect("job id").to_string();
    // `cancel` waits for the end.
    let out = home.run_ok(&["cancel", &first]);
    assert!(out.contains("cancelled"), "{out}");
    assert_eq!(home.state(&first), "cancelled");
    let state = job_state(&running_job);
    assert!(state == "CANCELLED" || state == "COMPLETED", "job {running_job} is still {state}");
}

#[test]
fn a_worker_killed_during_a_slurm_run_finds_the_job_again() {
    if !slurm_ready("a_worker_killed_during_a_slurm_run_finds_the_job_again") {
        return;
    }
    let home = Home::with_config(FAST);
    let id = submit(
        &home,
        &["--on", "slurm"],
        &["sh", "-c", "sleep 4; echo finished after the restart; exit 4"],
        &[],
    );
    let running = poll(&home, &id, "running", |v| v["state"] == "running");
    let job = running["external_id"].as_str().expect("job id").to_string();
    kill9(home.worker_pid());
    std::thread::sleep(std::time::Duration::from_millis(300));
    home.run_ok(&["worker", "start"]);
    let view = home.wait_state(&id, "failed", LONG);
    assert_eq!(view["exit_code"], 4, "{view}");
    assert_eq!(view["external_id"], job.as_str(), "the same job, not a new one: {view}");
    assert_eq!(view["attempt"], 1);
    assert!(result(&home, &id)["output"].as_str().unwrap_or("").contains("finished after the restart"));
}

#[test]
fn a_worker_that_died_while_submitting_finds_the_job_by_its_comment() {
    if !slurm_ready("a_worker_that_died_while_submitting_finds_the_job_by_its_comment") {
        return;
    }
    let home = Home::with_config(FAST);
    let id = submit(&home, &["--on", "slurm"], &["sh", "-c", "sleep 3; echo adopted by comment"], &[]);
    let running = poll(&home, &id, "running", |v| v["state"] == "running");
    let job = running["external_id"].as_str().expect("job id").to_string();
    kill9(home.worker_pid());
    std::thread::sleep(std::time::Duration::from_millis(300));
    // As if the worker had died between `sbatch` and recording the job id.
    let db = rusqlite::Connection::open(home.database()).expect("open the database");
    let changed = db
        .execute(
            "UPDATE tasks SET external_id = NULL, state = 'pending', started_at = NULL, \
             waiting_reason = 'slurm: submitting' WHERE id = ?1",
            [&id],
        )
        .expect("rewind the task");
    assert_eq!(changed, 1);
    drop(db);
    home.run_ok(&["worker", "start"]);
    let view = home.wait_state(&id, "completed", LONG);
    assert_eq!(view["external_id"], job.as_str(), "found by its comment, not submitted again: {view}");
    assert_eq!(view["attempt"], 1);
    assert!(result(&home, &id)["output"].as_str().unwrap_or("").contains("adopted by comment"));
}
