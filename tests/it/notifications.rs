//! Desktop notifications on a real D-Bus session bus: `dbus-run-session` with python3-dbusmock's
//! `notification_daemon` template, whose log records every Notify call the worker makes.
//! Needs the Debian packages `dbus` and `python3-dbusmock` (CI's .ci/run installs them): the
//! tests fail, not skip, without them.

use crate::common;

use common::{Home, LONG};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

// The secrets key in a file: this private bus could activate a real keyring daemon (and its
// unlock prompt) for the worker.
const CONFIG: &str =
    "[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n[secrets]\nkey_store = \"file\"\n";

/// A private session bus with a mock notification daemon; torn down with its process group.
struct Bus {
    child: Child,
    address: String,
    log: PathBuf,
}

impl Bus {
    fn start(dir: &Path) -> Bus {
        let have = |cmd: &str, args: &[&str]| {
            Command::new(cmd)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        // Present at all (dbus-send --help exits 1, so only the spawn counts).
        let exists = |cmd: &str| {
            Command::new(cmd).arg("--help").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
        };
        assert!(
            exists("dbus-run-session") && exists("dbus-send"),
            "dbus-run-session or dbus-send is missing: install the Debian package `dbus` (CI's .ci/run does)"
        );
        // A pyenv or venv python3 may lack the system's dbusmock: try the system one too.
        let python = ["python3", "/usr/bin/python3"]
            .into_iter()
            .find(|py| have(py, &["-c", "import dbusmock"]))
            .expect("python3 cannot import dbusmock: install the Debian package `python3-dbusmock` (CI's .ci/run does)");
        let (addr_file, log) = (dir.join("bus.addr"), dir.join("notify.log"));
        let script = format!(
            "echo \"$DBUS_SESSION_BUS_ADDRESS\" > '{a}.tmp' && mv '{a}.tmp' '{a}' && \
             exec {python} -m dbusmock --template notification_daemon -l '{l}'",
            a = addr_file.display(),
            l = log.display()
        );
        let child = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", &script])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start dbus-run-session");
        let mut bus = Bus { child, address: String::new(), log };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if bus.address.is_empty() {
                bus.address = std::fs::read_to_string(&addr_file).unwrap_or_default().trim().to_string();
            }
            if !bus.address.is_empty() && bus.daemon_ready() {
                return bus;
            }
            assert!(
                Instant::now() < deadline,
                "the mock notification daemon did not come up on the session bus"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn daemon_ready(&self) -> bool {
        let out = Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.Notifications",
            ])
            .output();
        out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    /// Each Notify call's logged text (`"app" 0 "" "summary" "body" [] {hints} -1`); bodies
    /// span lines, so an entry runs until the next timestamped line.
    fn notifications(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let mut entries: Vec<String> = Vec::new();
        for line in text.lines() {
            let mut words = line.splitn(3, ' ');
            // A timestamp (`1733600000.123`), not a body line that starts with a count.
            let starts_entry = words.next().is_some_and(|t| t.contains('.') && t.parse::<f64>().is_ok());
            match (starts_entry, words.next()) {
                (true, Some("Notify")) => entries.push(words.next().unwrap_or_default().to_string()),
                (true, _) => entries.push(String::new()),
                (false, _) => {
                    if let Some(last) = entries.last_mut().filter(|e| !e.is_empty()) {
                        last.push('\n');
                        last.push_str(line);
                    }
                }
            }
        }
        entries.retain(|e| !e.is_empty());
        entries
    }

    /// Wait until `want` Notify calls mention `needle`.
    fn wait_for(&self, needle: &str, want: usize) -> Vec<String> {
        // A bound for a loaded machine (the whole suite runs side by side), not a timing claim.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let found: Vec<String> =
                self.notifications().into_iter().filter(|n| n.contains(needle)).collect();
            if found.len() >= want {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "expected {want} notifications about {needle:?}, got {found:#?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the process group this test started (the bus and the mock).
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// The binary in this home and on this bus; its folder first in PATH for `progress` in tasks.
fn cmd(home: &Home, bus: &Bus, args: &[&str]) -> String {
    let bin_dir = Path::new(common::BIN).parent().expect("binary folder");
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = home
        .cmd(args)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("PATH", path)
        .output()
        .expect("run smart-agents");
    assert!(out.status.success(), "`smart-agents {}`: {}", args.join(" "), common::describe(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn completion_and_failure_are_notified_with_summary_and_body() {
    let home = Home::with_config(CONFIG);
    let bus = Bus::start(home.temp_dir());
    let ok = cmd(
        &home,
        &bus,
        &["execute", "--async", "Greet the world", "--", "sh", "-c", "echo first line; echo second"],
    );
    let bad =
        cmd(&home, &bus, &["execute", "--async", "Break things", "--", "sh", "-c", "echo oops >&2; exit 3"]);
    home.wait_state(&ok, "completed", LONG);
    home.wait_state(&bad, "failed", LONG);

    let done = bus.wait_for(&format!("task {ok}"), 1);
    assert_eq!(done.len(), 1, "one notification per ending: {done:#?}");
    let n = &done[0];
    assert!(n.starts_with("\"smart-agents\" 0 \"\" \"smart-agents: completed\" \"Greet the world\n"), "{n}");
    assert!(n.contains("completed in ") && n.contains("first line\""), "{n}");
    assert!(!n.contains("second"), "only the first line of the output: {n}");

    let failed = bus.wait_for(&format!("task {bad}"), 1);
    let n = &failed[0];
    assert!(n.contains("\"smart-agents: failed\" \"Break things\nfailed in "), "{n}");
    assert!(n.contains("exited with code 3\""), "{n}");
    assert!(n.contains("\"urgency\": 2"), "a failure is critical: {n}");
    assert_eq!(bus.notifications().len(), 2, "nothing else was sent: {:#?}", bus.notifications());
}

#[test]
fn a_worktree_task_ending_gives_its_diffstat() {
    let home = Home::with_config(CONFIG);
    let bus = Bus::start(home.temp_dir());
    let repo = crate::review::Repo::new();
    let cwd = repo.path().display().to_string();
    let script = "echo eleven >> a.txt && git commit -qam eleven && echo c > c.txt";
    let id = cmd(
        &home,
        &bus,
        &["execute", "--async", "--worktree", "--cwd", &cwd, "Change two", "--", "sh", "-c", script],
    );
    home.wait_state(&id, "completed", LONG);
    let done = bus.wait_for(&format!("task {id}"), 1);
    assert!(done[0].contains("\n2 files changed, +2 \u{2212}0\""), "the diffstat ends the body: {}", done[0]);
}

#[test]
fn a_progress_flood_is_throttled_and_silent_tasks_stay_quiet() {
    let home =
        Home::with_config(&format!("{CONFIG}[notifications]\nmin_progress_delta = 0\nthrottle_ms = 500\n"));
    let bus = Bus::start(home.temp_dir());
    let flood = "for i in $(seq 1 60); do smart-agents progress $i \"step $i\"; sleep 0.02; done";
    let id =
        cmd(&home, &bus, &["execute", "--async", "--notify", "verbose", "Chatty", "--", "sh", "-c", flood]);
    let quiet = cmd(&home, &bus, &["execute", "--async", "--notify", "silent", "Hush", "--", "true"]);
    let view = home.wait_state(&id, "completed", LONG);
    home.wait_state(&quiet, "completed", LONG);
    assert_eq!(view["progress"], 100.0, "the task did report progress: {view}");

    bus.wait_for(&format!("task {id}"), 2);
    // Let any straggler arrive before counting.
    std::thread::sleep(Duration::from_millis(300));
    let sent: Vec<String> =
        bus.notifications().into_iter().filter(|n| n.contains(&format!("task {id}"))).collect();
    let ms = |key: &str| {
        let t = view[key].as_str().expect("timestamps");
        chrono::DateTime::parse_from_rfc3339(t).expect("RFC 3339").timestamp_millis()
    };
    let ran_ms = ms("finished_at") - ms("started_at");
    // One progress notification per 500 ms of the run (and the first), plus the ending.
    let allowed = (ran_ms / 500 + 1) as usize + 1;
    assert!(
        sent.len() <= allowed,
        "{} notifications in {ran_ms} ms, at most {allowed} allowed: {sent:#?}",
        sent.len()
    );
    let progress = sent.iter().filter(|n| n.contains("\"smart-agents: ") && n.contains("% · task")).count();
    assert!(progress >= 1, "verbose tells progress: {sent:#?}");
    assert!(
        sent.iter().any(|n| n.contains("\"smart-agents: completed\"")),
        "the ending is never throttled: {sent:#?}"
    );
    assert!(bus.notifications().iter().all(|n| !n.contains("Hush")), "a silent task sent a notification");
}

/// Issue 14: a usage-limit hold is told when it starts (how many tasks wait, until when) and
/// when it ends.
#[test]
fn a_usage_limit_hold_is_notified_when_it_starts_and_ends() {
    let agent = "[agents.bot]\nbackend = \"command\"\naccount = \"acme\"\n\
        command = [\"sh\", \"-c\", \"echo 'LIMIT until 23:59'; sleep 30\"]\n\
        limit_pattern = \"LIMIT until (?P<reset>\\\\S+)\"\n";
    let home = Home::with_config(&format!("{CONFIG}{agent}"));
    let bus = Bus::start(home.temp_dir());
    let id = cmd(&home, &bus, &["execute", "--async", "Limited", "--agent", "bot"]);
    let started = bus.wait_for("Acme usage limit", 1);
    assert!(started[0].contains("\"Acme usage limit: 1 task waits until "), "{started:#?}");
    assert!(started[0].contains("agents release"), "says how to end it: {started:#?}");
    assert_eq!(home.state(&id), "pending");
    cmd(&home, &bus, &["agents", "release", "bot"]);
    let ended = bus.wait_for("released by hand", 1);
    assert!(ended[0].contains("\"Acme hold released by hand: its tasks start again\""), "{ended:#?}");
}
