//! What sealing and masking cost: sealing and restoring a shell's environment with five
//! secret variables, and masking a 1 MiB log, in-process. Prints a table of medians. Run with
//! `cargo bench --bench secrets`.

use smart_agents::secrets::{Key, Mask, Matcher, find_spans, restore, seal};
use std::time::{Duration, Instant};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(n: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let key = Key::generate().expect("key");
    let matcher = Matcher::default();
    let mut env: Vec<(String, String)> =
        (0..45).map(|i| (format!("VAR_{i}"), format!("value-{i}"))).collect();
    for name in
        ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD"]
    {
        env.push((name.into(), format!("{name}-sk-0123456789abcdef0123456789abcdef")));
    }
    let sealed = seal(&env, &matcher, "bench", || Ok(&key)).expect("seal");
    let secrets: Vec<(String, String)> = env[45..].to_vec();
    let line = "compiling crate foo v1.2.3 (/home/user/src/foo) with some output\n";
    let mut log = line.repeat((1 << 20) / line.len());
    log.push_str(&format!("token {}\n", secrets[2].1));
    let rows = [
        ("seal 50 variables (5 secret)", time(1001, || drop(seal(&env, &matcher, "bench", || Ok(&key))))),
        ("restore them", time(1001, || drop(restore(&sealed, "bench", || Ok(&key))))),
        ("build a mask of 5 values", time(1001, || drop(Mask::from_values(&secrets)))),
        ("mask 1 MiB of log by value", {
            let mask = Mask::from_values(&secrets);
            time(51, || drop(mask.apply(log.as_bytes(), 0)))
        }),
        ("record spans in 1 MiB of log", time(51, || drop(find_spans(&secrets, log.as_bytes(), 0)))),
    ];
    println!("| secrets | median |\n|---|---|");
    for (what, d) in rows {
        println!("| {what} | {d:.1?} |");
    }
}
