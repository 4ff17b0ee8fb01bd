//! Limits of Slurm tasks: over --mem, over --timeout, and max_concurrent.

use super::common::{Home, UNGATED};
use super::{FAST, LONG, slurm_ready, submit};
use std::time::Instant;

#[test]
fn a_job_over_its_memory_is_failed_as_out_of_memory() {
    if !slurm_ready("a_job_over_its_memory_is_failed_as_out_of_memory") {
        return;
    }
    let home = Home::with_config(FAST);
    // `tail` keeps an ever longer line in memory.
    let id = submit(&home, &["--on", "slurm", "--mem", "64M"], &["tail", "/dev/zero"], &[]);
    let view = home.wait_state(&id, "failed", LONG);
    let reason = view["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with("out of memory"), "{view}");
}

#[test]
fn a_timeout_ends_the_job() {
    if !slurm_ready("a_timeout_ends_the_job") {
        return;
    }
    let home = Home::with_config(FAST);
    let id = submit(&home, &["--on", "slurm", "--timeout", "2s"], &["sleep", "60"], &[]);
    let view = home.wait_state(&id, "failed", LONG);
    assert_eq!(view["reason"], "timeout after 2s", "{view}");
    let job = view["external_id"].as_str().expect("job id");
    let state = super::job_state(job);
    assert!(state == "CANCELLED" || state == "COMPLETED", "job {job} is {state}");
}

#[test]
fn twenty_tasks_go_through_a_max_concurrent_of_five() {
    if !slurm_ready("twenty_tasks_go_through_a_max_concurrent_of_five") {
        return;
    }
    // default_executor sends every task to Slurm.
    let home = Home::new();
    home.write_config(&format!(
        "default_executor = \"slurm\"\n{UNGATED}[executors.slurm]\nreconcile_seconds = 0.3\nmax_concurrent = 5\n"
    ));
    let ids: Vec<String> = (0..20).map(|_| submit(&home, &[], &["sleep", "0.5"], &[])).collect();
    let deadline = Instant::now() + LONG * 2;
    let (mut most, mut saw_cap_reason) = (0, false);
    loop {
        let views = home.list(&["--limit", "100"]);
        let mine: Vec<_> = views.iter().filter(|v| ids.iter().any(|id| v["id"] == id.as_str())).collect();
        let holding = mine
            .iter()
            .filter(|v| v["state"] == "running" || (v["state"] == "pending" && !v["external_id"].is_null()))
            .count();
        most = most.max(holding);
        saw_cap_reason |= mine.iter().any(|v| v["waiting_reason"] == "slurm: max_concurrent (5/5)");
        assert!(holding <= 5, "{holding} tasks hold Slurm slots at once: {mine:#?}");
        assert!(mine.iter().all(|v| v["executor"] == "slurm"));
        if mine.iter().all(|v| v["state"] == "completed") {
            break;
        }
        assert!(mine.iter().all(|v| v["state"] != "failed"), "{mine:#?}");
        assert!(Instant::now() < deadline, "20 tasks did not finish: {mine:#?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(most, 5, "the cap was never reached");
    assert!(saw_cap_reason, "no task said it waited on max_concurrent");
}
