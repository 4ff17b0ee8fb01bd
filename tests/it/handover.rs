//! Version handover: a CLI that meets an older worker replaces it, and the tasks that worker
//! ran are adopted and finish. Two real builds: this one, and the same source built again with
//! `SMART_AGENTS_VERSION_OVERRIDE=0.0.1` (built here, once, into a folder of the target dir).

use crate::common;

use common::{BIN, Home, describe};
use std::path::{Path, PathBuf};
use std::time::Duration;

const OLD_VERSION: &str = "0.0.1";

#[test]
fn a_newer_cli_replaces_an_older_worker_and_its_tasks_finish() {
    let old = old_build();
    let home = Home::new();
    let old_run = |args: &[&str]| home.cmd_of(&old, args).output().expect("run the old build");

    // A long task under the old worker: it has started when its log says so.
    let out = old_run(&["execute", "--async", "--", "sh", "-c", "echo started; sleep 4; echo done"]);
    assert!(out.status.success(), "old execute: {}", describe(&out));
    let long = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let old_worker = worker_status(&home, &old);
    assert_eq!(old_worker["version"], OLD_VERSION);
    home.wait_state(&long, "running", Duration::from_secs(20));

    // This build meets it: one line on stderr, and the work goes on under a new worker.
    let out = home.cmd(&["execute", "--async", "--", "echo", "second"]).output().expect("run");
    assert!(out.status.success(), "new execute: {}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    assert!(stderr.contains(OLD_VERSION) && stderr.contains("replacing"), "{stderr:?}");
    let second = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let new_worker = worker_status(&home, Path::new(BIN));
    assert_eq!(new_worker["version"], env!("CARGO_PKG_VERSION"));
    assert_ne!(new_worker["pid"], old_worker["pid"], "a new worker process");
    assert_eq!(home.state(&long), "running", "the long task outlived the old worker");

    // The long task was adopted and completes; nothing was lost.
    home.wait_state(&long, "completed", Duration::from_secs(30));
    assert_eq!(home.json(&["result", &long, "--json"])["output"], "started\ndone\n");
    home.wait_state(&second, "completed", Duration::from_secs(30));
    assert_eq!(home.list(&[]).len(), 2, "both tasks, once each");

    // The older build meets the newer worker: it keeps it, silently.
    let out = old_run(&["status", &long, "--json"]);
    assert!(out.status.success() && out.stderr.is_empty(), "old status: {}", describe(&out));
    assert_eq!(worker_status(&home, Path::new(BIN))["pid"], new_worker["pid"]);
}

fn worker_status(home: &Home, bin: &Path) -> serde_json::Value {
    let out = home.cmd_of(bin, &["worker", "status", "--json"]).output().expect("worker status");
    assert!(out.status.success(), "worker status: {}", describe(&out));
    serde_json::from_slice(&out.stdout).expect("worker status --json is JSON")
}

/// This source built with another version, cached beside this build so a rerun only checks it.
/// The cache is seeded from this build's dependencies, so only the crate itself compiles.
fn old_build() -> PathBuf {
    let target = Path::new(BIN).parent().and_then(Path::parent).expect("BIN lies in <target>/debug");
    let cache = target.join("handover-old");
    if !cache.join("debug").exists() {
        seed(&target.join("debug"), &cache.join("debug")).expect("seed the second build's target dir");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["build", "--offline", "--locked", "--bin", "smart-agents", "--target-dir"])
        .arg(&cache)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SMART_AGENTS_VERSION_OVERRIDE", OLD_VERSION)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("run cargo");
    assert!(out.status.success(), "building the old version failed: {}", describe(&out));
    cache.join("debug").join("smart-agents")
}

/// Hard links (copies where links fail) of the dependencies' outputs: never this crate's own.
fn seed(from: &Path, to: &Path) -> std::io::Result<()> {
    for dir in ["deps", "build", ".fingerprint"] {
        link_tree(&from.join(dir), &to.join(dir))?;
    }
    Ok(())
}

fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // This crate's outputs, and test binaries (no extension), are not dependencies.
        let own = name.starts_with("smart_agents") || name.starts_with("smart-agents");
        let file_type = entry.file_type()?;
        let test_binary = file_type.is_file() && !name.contains('.') && from.ends_with("deps");
        if own || test_binary {
            continue;
        }
        let dest = to.join(&name);
        if file_type.is_dir() {
            link_tree(&entry.path(), &dest)?;
        } else if std::fs::hard_link(entry.path(), &dest).is_err() {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}
