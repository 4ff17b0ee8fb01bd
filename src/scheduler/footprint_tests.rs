use super::*;

const MIB: u64 = 1 << 20;

fn layer(mem: Option<u64>, cpus: Option<f64>) -> Layer {
    Layer { mem_bytes: mem, cpus, seen_running: false }
}

#[test]
fn the_most_specific_source_wins_per_number() {
    let none = Layer::default();
    let f = resolve(layer(Some(512 * MIB), None), layer(Some(MIB), Some(0.5)), none, none);
    assert_eq!((f.mem_bytes, f.cpus, f.source), (512 * MIB, 0.5, Source::Declared));
    let f = resolve(none, none, layer(Some(2 * MIB), None), layer(Some(9 * MIB), Some(2.0)));
    assert_eq!((f.mem_bytes, f.cpus, f.source), (2 * MIB, 2.0, Source::Class));
    let f = resolve(none, none, none, layer(Some(9 * MIB), None));
    assert_eq!((f.mem_bytes, f.cpus, f.source), (9 * MIB, DEFAULT_CPUS, Source::Agent));
    let f = resolve(none, none, none, none);
    assert_eq!(f, Footprint::default());
    assert!(f.mem_unknown());
    assert!(!resolve(none, none, none, layer(Some(MIB), None)).mem_unknown());
    // Declaring cores alone leaves memory unknown.
    let f = resolve(layer(None, Some(2.0)), none, none, none);
    assert_eq!((f.mem_bytes, f.source), (0, Source::Declared));
    assert!(f.mem_unknown());
}

#[test]
fn learning_takes_a_high_percentile() {
    assert_eq!(learn(&[]), None);
    let runs: Vec<Peak> = (1..=10)
        .map(|i| Peak { rss_bytes: i * 100 * MIB, cpu_seconds: 10.0, wall_seconds: 10.0, rss_at_most: None })
        .collect();
    let l = learn(&runs).expect("learned");
    assert_eq!(l.mem_bytes, Some(900 * MIB), "9th of 10");
    assert_eq!(l.cpus, Some(1.0));
    let one =
        learn(&[Peak { rss_bytes: 5 * MIB, cpu_seconds: 0.002, wall_seconds: 0.002, rss_at_most: None }])
            .expect("one");
    assert_eq!(one.mem_bytes, Some(5 * MIB));
    // A 2 ms burst is not a core: it is spread over the average's time constant.
    assert_eq!(one.cpus, Some(0.1));
}

#[test]
fn reservations_fade_as_readings_catch_up() {
    assert_eq!(cpu_reservation(1.0, Duration::ZERO), 1.0);
    let later = cpu_reservation(2.0, Duration::from_secs(3));
    assert!((later - 2.0 / std::f64::consts::E).abs() < 1e-9, "{later}");
    assert!(cpu_reservation(1.0, Duration::from_secs(30)) < 0.001);
    assert_eq!(mem_reservation(900, 200), 700);
    assert_eq!(mem_reservation(100, 200), 0, "a task over its footprint reserves nothing more");
}

#[test]
fn kinds_keep_program_and_subcommands_but_not_files_or_prompts() {
    let argv = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
    assert_eq!(kind("shell", Some("e2e"), &argv("cargo test --release")), "shell|e2e|cargo test --release");
    assert_eq!(kind("shell", None, &argv("/usr/bin/python3 train.py --epochs 3")), "shell||python3");
    assert_eq!(kind("shell", None, &argv("npm run e2e src/a.spec.ts")), "shell||npm run e2e");
    assert_eq!(kind("shell", None, &argv("sleep 5")), kind("shell", None, &argv("sleep 6")));
    assert_ne!(kind("shell", None, &argv("sleep 5")), kind("shell", Some("e2e"), &argv("sleep 5")));
    assert_eq!(kind("orchid", None, &[]), "orchid||");
    let script = |s: &str| vec!["sh".to_string(), "-c".to_string(), s.to_string()];
    // A shell script's kind is its first command's, so a small script does not learn for a
    // heavy one.
    assert_eq!(kind("shell", None, &script("make all && echo done")), "shell||make all");
    assert_eq!(
        kind("shell", None, &script("cargo test --release 2>&1 | tail")),
        "shell||cargo test --release"
    );
    assert_eq!(kind("shell", None, &script("RUST_LOG=1 exec cargo build")), "shell||cargo build");
    assert_ne!(kind("shell", None, &script("sleep 1")), kind("shell", None, &script("cargo test")));
    assert_eq!(kind("shell", None, &script("  ")), "shell||sh -c");
}

#[test]
fn sizes_read_as_people_write_them() {
    assert_eq!(format_bytes(512), "512 B");
    assert_eq!(format_bytes(512 * MIB), "512 MiB");
    assert_eq!(format_bytes(3 * MIB / 2 * 1024), "1.5 GiB");
    assert_eq!(format_bytes(800 * 1024), "800 KiB");
}
