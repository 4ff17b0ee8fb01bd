//! One admission round over many pending tasks: `cargo bench --bench admission`.
//! Prints the min, median and p90 of 100 rounds per scenario; the target is well under 1 ms for
//! 10,000 pending tasks.

use smart_agents::config::ResourceLimits as Limits;
use smart_agents::scheduler::{AgentSlot, Circuit, Gate, Hold, Pending, Readings, Running, decide};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

const NOW: i64 = 1_750_000_000_000;
const ROUNDS: usize = 100;

fn pending(ids: &[String], deps: usize, scheduled: usize) -> Vec<Pending<'_>> {
    const CLASSES: [&str; 3] = ["e2e", "build", "docs"];
    ids.iter()
        .enumerate()
        .map(|(i, id)| Pending {
            id,
            seq: i as i64,
            priority: (i * 7 % 10) as u8 + 1,
            class: (i % 4 != 0).then_some(CLASSES[i % 3]),
            agent: "shell",
            account: "shell",
            enqueued_at: NOW - (i as i64 * 37_000) % 7_200_000,
            not_before: (i % 100 < scheduled).then_some(NOW + 60_000 + i as i64),
            retry_attempt: None,
            blocked_on: (i % 100 >= 100 - deps).then_some("ab12"),
            mem_bytes: 256 << 20,
            seen_running: false,
            cpus: 0.1,
        })
        .collect()
}

/// (min, median, p90)
fn stats(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort_unstable();
    let at = |q: usize| samples[(samples.len() * q / 100).min(samples.len() - 1)];
    (at(0), at(50), at(90))
}

fn main() {
    let limits = Limits::default();
    let calm = Readings {
        cpu_percent: Some(20.0),
        cpus: 2,
        mem_percent: Some(40.0),
        mem_total_bytes: 16 << 30,
        ..Readings::default()
    };
    let cpu_closed = Readings { cpu_gate: Gate::Usage { percent: 95.0, limit: 70.0 }, ..calm };
    let agents = ["claude", "codex", "gemini", "aider"]
        .map(|name| AgentSlot {
            name: name.into(),
            running: 0,
            cap: 2,
            circuit: Circuit::Closed,
            account: name.into(),
            hold: Hold::None,
        })
        .to_vec();
    let busy = Running {
        total: 3,
        per_class: HashMap::from([("e2e".to_string(), 1)]),
        reserved_mem_bytes: 1 << 30,
        reserved_cores: 0.5,
        agents,
        ..Running::default()
    };
    println!("{:<34} {:>8} {:>10} {:>10} {:>10}", "scenario", "pending", "min", "median", "p90");
    for n in [1_000, 10_000] {
        let ids: Vec<String> = (0..n).map(|i| format!("t{i:05}")).collect();
        let scenarios: [(&str, Vec<Pending<'_>>, &Running, &Readings); 4] = [
            ("all ready, idle worker", pending(&ids, 0, 0), &Running::default(), &calm),
            ("all ready, 3 running", pending(&ids, 0, 0), &busy, &calm),
            ("all ready, cpu gate closed", pending(&ids, 0, 0), &busy, &cpu_closed),
            ("20% deps, 20% scheduled", pending(&ids, 20, 20), &busy, &calm),
        ];
        for (name, tasks, running, readings) in &scenarios {
            let times = (0..ROUNDS)
                .map(|_| {
                    let started = Instant::now();
                    let d = decide(black_box(tasks), running, readings, &limits, false, NOW);
                    black_box(&d);
                    started.elapsed()
                })
                .collect();
            let (min, median, p90) = stats(times);
            println!("{name:<34} {n:>8} {min:>10.1?} {median:>10.1?} {p90:>10.1?}");
        }
    }
}
