//! A drain of no-op tasks queued from inside a git repository, beside the same drain outside
//! one and `xargs -P 2` running the same processes, in the same run. Inside a repository each
//! task also reads what it changed in its checkout, which is what this measures. Run with
//! `cargo bench --bench drain_in_repo`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "support/home.rs"]
mod home;
use home::{Home, Table};

const TASKS: usize = 1_000;
const ROUNDS: usize = 3;
const CONFIG: &str = "[limits]\nmax_concurrent_tasks = 2\ncpu_threshold = 100\nmemory_threshold = 100\n";

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let repo = tempfile::tempdir().expect("repo");
    let shape = make_repo(repo.path());
    let (mut inside, mut outside, mut xargs) = (Vec::new(), Vec::new(), Vec::new());
    // Alternating, so the machine's drift from minute to minute touches all three alike.
    for round in 0..ROUNDS {
        let home = Home::new(&format!("in{round}"), CONFIG);
        inside.push(rt.block_on(home.drain(repo.path(), TASKS)).0);
        drop(home);
        let home = Home::new(&format!("out{round}"), CONFIG);
        outside.push(rt.block_on(home.drain(&home.dir, TASKS)).0);
        drop(home);
        xargs.push(xargs_rate(TASKS));
    }
    let (inside, outside, xargs) = (median(inside), median(outside), median(xargs));
    let mut table = Table::new();
    table.row(
        &format!("drain {TASKS} `true`, concurrency 2, inside a repository ({shape})"),
        format!("{inside:.0} tasks/s"),
        format!(
            "{:.2}x outside (target >= 0.5), {:.2}x xargs (target >= 0.25)",
            inside / outside,
            inside / xargs
        ),
    );
    table.row(
        &format!("drain {TASKS} `true`, concurrency 2, outside any repository"),
        format!("{outside:.0} tasks/s"),
        String::new(),
    );
    table.row(
        &format!("xargs -P 2 running {TASKS} `true`"),
        format!("{xargs:.0} /s"),
        "what a user would use instead".into(),
    );
    table.print();
}

/// A small project: tracked files in a few folders, one of them edited, and an ignored build
/// folder with many files (which a task's check must not walk).
fn make_repo(root: &Path) -> String {
    let script = r#"
        git init -q . && git config user.email b@b && git config user.name b
        for d in src src/a src/b docs tests; do mkdir -p $d; for i in $(seq 40); do echo "$d $i" > $d/f$i.txt; done; done
        echo target > .gitignore && git add -A && git commit -qm init
        mkdir -p target/debug && for i in $(seq 2000); do echo $i > target/debug/o$i; done
        echo edited >> src/f1.txt
    "#;
    let ok = Command::new("sh").arg("-c").arg(script).current_dir(root).status().expect("sh").success();
    assert!(ok, "making the bench repository");
    "200 tracked files, 1 edited, 2,000 ignored".into()
}

fn xargs_rate(n: usize) -> f64 {
    let t0 = Instant::now();
    let mut child = Command::new("xargs")
        .args(["-P", "2", "-n", "1", "true"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("xargs");
    let input: String = (0..n).map(|i| format!("{i}\n")).collect();
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), input.as_bytes()).expect("feed");
    assert!(child.wait().expect("wait").success());
    n as f64 / t0.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
