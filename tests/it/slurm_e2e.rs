//! Slurm end to end: the real binary and worker submit real jobs to a real single-node Slurm
//! cluster (`.ci/slurm-up` starts one and exports SMART_AGENTS_SLURM=1 and SLURM_CONF).
//! Without a cluster each test prints a loud SKIP line saying why and passes; under CI=true a
//! missing cluster fails them instead. Jobs of parallel tests share the cluster's 2 CPUs, so
//! waits are generous.

use crate::common;

#[path = "slurm_e2e/control.rs"]
mod control;
#[path = "slurm_e2e/limits.rs"]
mod limits;

use common::{BIN, Home, describe};
use serde_json::Value;
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

/// Quick checks of active jobs, so the tests do not wait on the 3 s default.
pub const FAST: &str = "[executors.slurm]\nreconcile_seconds = 0.3\n";
pub const LONG: Duration = Duration::from_secs(120);

/// Whether a Slurm cluster is there to use. Outside CI a missing one skips the test loudly;
/// under CI=true it fails it.
pub fn slurm_ready(test: &str) -> bool {
    let why = if std::env::var_os("SMART_AGENTS_SLURM").is_none() {
        Some(
            "SMART_AGENTS_SLURM is not set (start a cluster with `eval \"$(.ci/slurm-up)\"` as root)"
                .to_string(),
        )
    } else {
        match Command::new("sinfo").args(["-h", "-o", "%T"]).output() {
            Ok(out) if out.status.success() => None,
            Ok(out) => Some(format!("sinfo failed: {}", String::from_utf8_lossy(&out.stderr).trim())),
            Err(e) => Some(format!("sinfo cannot run: {e}")),
        }
    };
    let Some(why) = why else { return true };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: Slurm is required under CI=true, but {why}"
    );
    // Written past the test harness's capture, so it shows in a passing run; one write, so
    // parallel tests do not cut it up.
    let line = format!("\n*** SKIP {test}: no Slurm cluster: {why} ***\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    false
}

/// `execute --async ARGS -- ARGV` with `env` set; returns the id.
pub fn submit(home: &Home, args: &[&str], argv: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec!["execute", "--async"];
    all.extend_from_slice(args);
    all.push("--");
    all.extend_from_slice(argv);
    let out = home.cmd(&all).envs(env.iter().copied()).output().expect("run execute");
    assert!(out.status.success(), "`execute {}`: {}", all.join(" "), describe(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Poll `status --json` until `ok` holds.
pub fn poll(home: &Home, id: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + LONG;
    loop {
        let view = home.status(id);
        if ok(&view) {
            return view;
        }
        assert!(
            Instant::now() < deadline,
            "task {id} never showed {what}: {view}\n{}",
            home.worker_log_tail()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn result(home: &Home, id: &str) -> Value {
    let out = home.run(&["result", id, "--json"]);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("result {id}: {e}: {}", describe(&out)))
}

/// The memory Slurm may hand out on its (first) node, in MiB.
pub fn node_memory_mb() -> u64 {
    let out = Command::new("sinfo").args(["-h", "-o", "%m"]).output().expect("sinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().next().and_then(|l| l.trim().trim_end_matches('+').parse().ok()).expect("node memory")
}

/// What Slurm says of job `job`: `JobState=…` and `ExitCode=…` from `scontrol`.
pub fn job_state(job: &str) -> String {
    let out = Command::new("scontrol").args(["-o", "show", "job", job]).output().expect("scontrol");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().find_map(|kv| kv.strip_prefix("JobState=")).unwrap_or("?").to_string()
}

#[test]
fn a_command_on_slurm_completes_with_output_progress_and_exit_code() {
    if !slurm_ready("a_command_on_slurm_completes_with_output_progress_and_exit_code") {
        return;
    }
    let home = Home::with_config(FAST);
    let script = format!("{BIN} progress 40 halfway; echo hello from job $SLURM_JOB_ID; sleep 2");
    let id = submit(&home, &["--on", "slurm"], &["sh", "-c", &script], &[]);
    // A local task may wait for a Slurm task.
    let after = home.submit_with(&["--after", &id], &["echo", "local after slurm"]);
    let view = poll(&home, &id, "progress while running on Slurm", |v| {
        v["state"] == "running" && v["progress"] == 40.0
    });
    assert_eq!(view["executor"], "slurm", "{view}");
    assert_eq!(view["step"], "halfway", "{view}");
    let job = view["external_id"].as_str().expect("a job id while running").to_string();
    assert!(job.chars().all(|c| c.is_ascii_digit()), "{view}");
    assert_eq!(home.status(&after)["state"], "pending");
    let list = home.run_ok(&["list"]);
    assert!(list.contains(&format!("slurm {job}")), "{list}");

    let done = home.wait_state(&id, "completed", LONG);
    assert_eq!(done["exit_code"], 0, "{done}");
    let out = result(&home, &id);
    assert!(out["output"].as_str().unwrap_or("").contains(&format!("hello from job {job}")), "{out}");
    assert_eq!(job_state(&job), "COMPLETED");
    let local = home.wait_state(&after, "completed", LONG);
    assert_eq!(local["executor"], "local");
    assert_eq!(local["external_id"], Value::Null);
}

#[test]
fn a_failing_job_fails_with_its_code_and_retry_submits_a_new_job() {
    if !slurm_ready("a_failing_job_fails_with_its_code_and_retry_submits_a_new_job") {
        return;
    }
    // A class sends its tasks to Slurm.
    let home = Home::with_config(&format!("{FAST}[classes.remote]\nexecutor = \"slurm\"\n"));
    let id = submit(&home, &["--class", "remote"], &["sh", "-c", "echo failing on purpose >&2; exit 3"], &[]);
    let failed = home.wait_state(&id, "failed", LONG);
    assert_eq!(failed["exit_code"], 3, "{failed}");
    assert_eq!(failed["reason"], "exited with code 3", "{failed}");
    assert_eq!(failed["executor"], "slurm");
    let first = failed["external_id"].as_str().expect("job id").to_string();
    assert!(result(&home, &id)["output"].as_str().unwrap_or("").contains("failing on purpose"));

    home.run_ok(&["retry", &id]);
    let again = home.wait_state(&id, "failed", LONG);
    assert_eq!(again["attempt"], 2, "{again}");
    let second = again["external_id"].as_str().expect("job id").to_string();
    assert_ne!(first, second, "retry must submit a new job");
}

#[test]
fn a_standin_agent_on_slurm_streams_progress_and_answers() {
    if !slurm_ready("a_standin_agent_on_slurm_streams_progress_and_answers") {
        return;
    }
    // An agent profile sends its tasks to Slurm.
    let home = Home::with_config(&format!("{FAST}[agents.claude]\nexecutor = \"slurm\"\n"));
    let standins = format!("{}/tests/standins", env!("CARGO_MANIFEST_DIR"));
    let path = format!("{standins}:{}", std::env::var("PATH").unwrap_or_default());
    let out = home
        .cmd(&["execute", "Analyze auth", "--agent", "claude", "--async"])
        .env("PATH", &path)
        .env("STANDIN_DELAY", "0.7")
        .output()
        .expect("execute");
    assert!(out.status.success(), "{}", describe(&out));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let mid = poll(&home, &id, "the agent's first todo list", |v| v["step"] == "Mapping auth entry points");
    assert_eq!(mid["state"], "running", "{mid}");
    assert_eq!(mid["executor"], "slurm", "{mid}");
    let done = home.wait_state(&id, "completed", LONG);
    assert_eq!(done["progress"], 100.0, "{done}");
    let res = result(&home, &id);
    assert_eq!(res["output"], "Auth uses JWT in src/auth/mod.rs; refresh tokens are not rotated.", "{res}");
    assert_eq!(res["metrics"]["cost_usd"], 0.0841, "{res}");
}

#[test]
fn without_sbatch_a_slurm_task_is_refused_and_nothing_is_queued() {
    // Needs no cluster: the worker's PATH has no sbatch.
    let home = Home::new();
    let out = home
        .cmd(&["execute", "--async", "--on", "slurm", "--", "true"])
        .env("PATH", "/nonexistent")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sbatch") && err.contains("--on local"), "{err}");
    assert!(home.list(&[]).is_empty(), "nothing may be queued");
    let out = home.cmd(&["execute", "--async", "--on", "k8s", "--", "true"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("slurm"), "{}", describe(&out));
}

#[test]
fn doctor_checks_sbatch_the_controller_and_the_shared_folder() {
    if !slurm_ready("doctor_checks_sbatch_the_controller_and_the_shared_folder") {
        return;
    }
    let home = Home::new();
    home.write_config(&format!("default_executor = \"slurm\"\n{}", common::UNGATED));
    let out = home.run(&["doctor", "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("doctor --json");
    let check = |name: &str| {
        let found = report["checks"].as_array().and_then(|c| c.iter().find(|c| c["check"] == name).cloned());
        found.unwrap_or_else(|| panic!("no {name} check: {report}"))
    };
    assert_eq!(check("slurm")["status"], "ok", "{report}");
    assert_eq!(check("slurm ctld")["status"], "ok", "{report}");
    // /tmp is not shared with other nodes: said, but only as a warning.
    let fs = check("slurm fs");
    assert_eq!(fs["status"], "warn", "{report}");
    assert!(fs["detail"].as_str().unwrap_or("").contains("local filesystem"), "{fs}");
    // With the controller unreachable, a config that uses Slurm fails the check.
    let out = home
        .cmd(&["doctor", "--json"])
        .env("SLURM_CONF", "/nonexistent/slurm.conf")
        .output()
        .expect("doctor");
    let report: Value = serde_json::from_slice(&out.stdout).expect("doctor --json");
    let ctld =
        report["checks"].as_array().and_then(|c| c.iter().find(|c| c["check"] == "slurm ctld").cloned());
    assert_eq!(ctld.expect("ctld check")["status"], "fail", "{report}");
    assert_ne!(out.status.code(), Some(0));
}
