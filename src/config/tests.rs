use super::*;

fn parse(text: &str) -> Result<Config> {
    Config::parse(text, Path::new("/x/config.toml"))
}

#[test]
fn defaults_when_empty() {
    let c = parse("").unwrap();
    assert_eq!(c.limits.max_concurrent_tasks, 5);
    assert_eq!(c.limits.classes.get("e2e"), Some(&1));
}

#[test]
fn unknown_key_names_file_and_line() {
    let err = parse("[limits]\nmax_concurrent_tasks = 3\nbogus = 1\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:3"), "{err}");
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn wrong_type_names_file_and_line() {
    let err = parse("[limits]\n\nmax_concurrent_tasks = \"five\"\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:3"), "{err}");
}

#[test]
fn out_of_range_is_refused_with_its_line() {
    let err = parse("[limits]\n\ncpu_threshold = 140\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:3:") && err.contains("cpu_threshold"), "{err}");
    let err = parse("[limits]\nmax_concurrent_tasks = 0\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:2:"), "{err}");
    let err = parse("[circuit]\nopen_seconds = 5\nfailures = 0\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:3:"), "{err}");
    let err = parse("[limits]\nkill_grace_seconds = -1\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:2:"), "{err}");
}

#[test]
fn executors_are_checked_and_chosen_in_order() {
    use crate::config::executors::Executor;
    let c = parse(
        "default_executor = \"slurm\"\n[executors.slurm]\npartition = \"debug\"\nmax_concurrent = 5\n\
         [agents.local-one]\nbackend = \"orchid\"\nexecutor = \"local\"\n[classes.e2e]\nexecutor = \"local\"\n",
    )
    .unwrap();
    assert_eq!(c.executors.slurm.max_concurrent, 5);
    assert_eq!(c.executors.slurm.reconcile_seconds, 3.0);
    assert_eq!(c.executor_for("shell", None), Executor::Slurm);
    assert_eq!(c.executor_for("shell", Some("e2e")), Executor::Local);
    assert_eq!(c.executor_for("local-one", None), Executor::Local);
    assert_eq!(parse("").unwrap().executor_for("shell", None), Executor::Local);
    assert_eq!(parse("").unwrap().executors.slurm.max_concurrent, 50);
    let err = parse("default_executor = \"k8s\"\n").unwrap_err().to_string();
    assert!(err.contains("default_executor") && err.contains("k8s"), "{err}");
    assert!(parse("[executors.slurm]\nmax_concurrent = 0\n").is_err());
    assert!(parse("[executors.slurm]\nbogus = 1\n").is_err());
    assert!(parse("[classes.x]\nexecutor = \"nope\"\n").is_err());
}

#[test]
fn settings_that_never_admit_are_refused_with_file_and_line() {
    let err = parse("[limits]\nmax_concurrent_tasks = 3\ncpu_threshold = 0\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:3") && err.contains("cpu_threshold = 0"), "{err}");
    let err = parse("[limits]\n\nmemory_threshold = 0\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:3") && err.contains("memory_threshold"), "{err}");
    let err = parse("[limits.classes]\ne2e = 1\nbuild = 0\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:3") && err.contains("classes.build = 0"), "{err}");
    assert!(parse("[limits]\ncpu_threshold = 1\nmemory_threshold = 100\n").is_ok());
}

#[test]
fn class_footprints_are_read_and_checked() {
    let c = parse("[limits.footprints.e2e]\nmem = \"6G\"\ncpus = 2\nmem_limit = true\n").unwrap();
    let e2e = &c.limits.footprints["e2e"];
    assert_eq!((e2e.mem_bytes(), e2e.cpus, e2e.mem_limit), (Some(6 << 30), Some(2.0), true));
    let err = parse("[limits.footprints.e2e]\ncpus = 1\nmem = \"lots\"\n").unwrap_err().to_string();
    assert!(err.contains("/x/config.toml:3") && err.contains("lots"), "{err}");
    assert!(parse("[limits.footprints.e2e]\nmem_limit = true\n").is_err());
    assert!(parse("[limits]\nslow_start_seconds = -1\n").is_err());
}

#[test]
fn notifications_are_checked() {
    let c = parse("[notifications]\nstrategy = \"verbose\"\nthrottle_ms = 250\n").unwrap();
    assert_eq!(c.notifications.default_strategy(), crate::config::Strategy::Verbose);
    assert_eq!(c.notifications.throttle_ms, 250);
    assert_eq!(parse("").unwrap().notifications.default_strategy(), crate::config::Strategy::Completion);
    let err = parse("[notifications]\nstrategy = \"loud\"\n").unwrap_err().to_string();
    assert!(err.contains("loud") && err.contains("milestone"), "{err}");
    assert!(parse("[notifications]\nmin_progress_delta = -1\n").is_err());
    assert!(parse("[notifications]\nbogus = 1\n").is_err());
}

#[test]
fn history_and_metrics_sections() {
    let c = parse("").unwrap();
    assert_eq!((c.history.keep_days, c.metrics.address()), (90, None));
    let c = parse("[history]\nkeep_days = 7\n[metrics]\nlisten = \"127.0.0.1:9464\"\n").unwrap();
    assert_eq!(c.history.keep_days, 7);
    assert_eq!(c.metrics.address().map(|a| a.port()), Some(9464));
    let err = parse("[metrics]\nlisten = \"localhost\"\n").unwrap_err().to_string();
    assert!(err.contains("metrics.listen") && err.contains("localhost"), "{err}");
}

#[test]
fn worktree_set_up_comes_from_the_profile_then_the_class_then_the_global() {
    let c = parse(
        "[worktree]\ncopy = [\".env\"]\nsetup = [\"make\"]\n\
         [classes.web]\nworktree_setup = [\"npm\", \"ci\"]\n\
         [classes.bare]\nworktree_copy = []\nworktree_setup = []\n\
         [agents.fast]\nbackend = \"orchid\"\nworktree_copy = [\".env.test\"]\n",
    )
    .unwrap();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(c.worktree_for("orchid", None), (strings(&[".env"]), strings(&["make"])));
    assert_eq!(c.worktree_for("orchid", Some("web")), (strings(&[".env"]), strings(&["npm", "ci"])));
    assert_eq!(c.worktree_for("orchid", Some("bare")), (vec![], vec![]), "an empty list turns it off");
    assert_eq!(c.worktree_for("fast", Some("web")), (strings(&[".env.test"]), strings(&["npm", "ci"])));
    assert!(parse("[classes.x]\nworktree_setup = \"make\"\n").is_err(), "a command is a list");
}
