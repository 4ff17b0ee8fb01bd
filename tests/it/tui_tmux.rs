//! The dashboard end to end in a real terminal: tmux runs `smart-agents tui`, the test reads the
//! screen with `capture-pane`. Needs the Debian package `tmux` (CI's .ci/run installs it): the
//! test fails, not skips, without it.

use crate::common;

use common::{Home, LONG};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = "[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n";

/// A tmux server on its own socket, killed when the test ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        let found = Command::new("tmux").arg("-V").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
        assert!(found, "tmux is missing: install the Debian package `tmux` (CI's .ci/run does)");
        Tmux { socket: format!("sa-{name}-{}", std::process::id()) }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("run tmux")
    }

    fn screen(&self, target: &str) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", target]).stdout).into_owned()
    }

    /// Capture until every needle shows, or fail after `within` with the last screen.
    fn wait_screen(&self, target: &str, needles: &[&str], within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let screen = self.screen(target);
            if needles.iter().all(|n| screen.contains(n)) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "within {within:?} the screen never showed {needles:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn has_session(&self, name: &str) -> bool {
        self.run(&["has-session", "-t", name]).status.success()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

#[test]
fn dashboard_shows_live_progress_and_quits_cleanly() {
    let home = Home::with_config(CONFIG);
    let tmux = Tmux::new("tui");
    let after = home.temp_dir().join("after-tui");
    // After the dashboard quits, the pane's shell records its exit code, whether the terminal
    // is back in canonical mode with echo, and whether the alternate screen was left.
    let script = format!(
        "SMART_AGENTS_HOME={home} NO_COLOR=1 DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent {bin} tui; \
         rc=$?; {{ echo \"rc=$rc\"; stty -a; tmux -L {sock} display -p 'alternate=#{{alternate_on}}'; }} > {after}",
        home = quote(home.path()),
        bin = quote(Path::new(common::BIN)),
        sock = tmux.socket,
        after = quote(&after),
    );
    let started = tmux.run(&["new-session", "-d", "-s", "tui", "-x", "120", "-y", "32", &script]);
    assert!(started.status.success(), "tmux new-session: {}", common::describe(&started));

    let bin_dir = Path::new(common::BIN).parent().expect("binary folder");
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = home
        .cmd(&[
            "execute",
            "--async",
            "Tmux dashboard probe",
            "--",
            "sh",
            "-c",
            "smart-agents progress 30 'Step one'; sleep 30",
        ])
        .env("PATH", path)
        .output()
        .expect("submit");
    assert!(out.status.success(), "submit: {}", common::describe(&out));
    let id = common::stdout(&out).trim().to_string();

    tmux.wait_screen("tui", &["Tmux dashboard probe", "30%", "Step one"], LONG);

    home.run_ok(&["progress", "70", "Step two", "--task", &id]);
    tmux.wait_screen("tui", &["70%", "Step two"], Duration::from_secs(1));

    let sent = tmux.run(&["send-keys", "-t", "tui", "q"]);
    assert!(sent.status.success(), "send-keys: {}", common::describe(&sent));
    let deadline = Instant::now() + Duration::from_secs(5);
    while tmux.has_session("tui") {
        assert!(Instant::now() < deadline, "the dashboard did not quit on q:\n{}", tmux.screen("tui"));
        std::thread::sleep(Duration::from_millis(25));
    }
    let report = std::fs::read_to_string(&after).expect("the pane's shell ran after the dashboard");
    assert!(report.contains("rc=0"), "the dashboard exited with an error:\n{report}");
    let words: Vec<&str> = report.split_whitespace().collect();
    assert!(words.contains(&"icanon") && words.contains(&"echo"), "the terminal was left raw:\n{report}");
    assert!(report.contains("alternate=0"), "the alternate screen was not left:\n{report}");
}

#[test]
fn dashboard_log_shows_a_printed_secret_masked() {
    let home = Home::with_config(CONFIG);
    let tmux = Tmux::new("secret");
    let script = format!(
        "SMART_AGENTS_HOME={home} NO_COLOR=1 DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent {bin} tui",
        home = quote(home.path()),
        bin = quote(Path::new(common::BIN)),
    );
    let out = home
        .cmd(&["execute", "--async", "Secret probe", "--", "sh", "-c", "echo \"key=$MY_API_KEY\"; sleep 30"])
        .env("MY_API_KEY", "sk-dashboard-secret-42")
        .output()
        .expect("submit");
    assert!(out.status.success(), "submit: {}", common::describe(&out));
    let id = common::stdout(&out).trim().to_string();
    home.wait_state(&id, "running", LONG);
    let started = tmux.run(&["new-session", "-d", "-s", "tui", "-x", "120", "-y", "32", &script]);
    assert!(started.status.success(), "tmux new-session: {}", common::describe(&started));
    tmux.wait_screen("tui", &["Secret probe"], LONG);
    tmux.run(&["send-keys", "-t", "tui", "Enter"]);
    let screen = tmux.wait_screen("tui", &["key=[secret MY_API_KEY]"], LONG);
    assert!(!screen.contains("sk-dashboard"), "the value shows on the dashboard:\n{screen}");
    home.run_ok(&["cancel", &id]);
}

#[test]
fn dashboard_groups_a_flow_folds_it_and_cancels_it() {
    let home = Home::with_config(&format!("default_agent = \"claude\"\n{CONFIG}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("assets/flows/features-then-integration.toml");
    // The stand-in agent CLIs replay slowly, so the three parallel features stay running.
    let standins = root.join("tests/standins");
    let path = format!("{}:{}", standins.display(), std::env::var("PATH").unwrap_or_default());
    let out = home
        .cmd(&["flow", "run", "--async", &example.display().to_string()])
        .env("PATH", &path)
        .env("STANDIN_DELAY", "5")
        .output()
        .expect("flow run");
    assert!(out.status.success(), "flow run: {}", common::describe(&out));
    let flow = common::stdout(&out).trim().to_string();

    let tmux = Tmux::new("flow");
    let script = format!(
        "SMART_AGENTS_HOME={home} NO_COLOR=1 DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent {bin} tui",
        home = quote(home.path()),
        bin = quote(Path::new(common::BIN)),
    );
    let started = tmux.run(&["new-session", "-d", "-s", "tui", "-x", "140", "-y", "36", &script]);
    assert!(started.status.success(), "tmux new-session: {}", common::describe(&started));
    // One row for the flow (name, id, steps done of all four), its steps indented beneath it.
    let name = "▾ login, logout and password reset";
    let screen = tmux.wait_screen(
        "tui",
        &[name, &flow, "0/4 steps", "├ login", "├ logout", "password-reset", "space fold flow"],
        LONG,
    );
    assert!(
        !screen.contains("login, logout and password reset: login"),
        "a step shown as a plain task:\n{screen}"
    );

    // The flow's row is selected first (its steps run): Space folds it, Space unfolds it.
    tmux.run(&["send-keys", "-t", "tui", "Space"]);
    let folded = tmux.wait_screen("tui", &["▸ login, logout and password reset"], LONG);
    assert!(!folded.contains("├ login"), "folded, the steps still show:\n{folded}");
    tmux.run(&["send-keys", "-t", "tui", "Right"]);
    tmux.wait_screen("tui", &[name, "├ login"], LONG);

    // c on the flow's row asks, y cancels the flow through the worker.
    tmux.run(&["send-keys", "-t", "tui", "c"]);
    tmux.wait_screen("tui", &[&format!("cancel flow {flow} and its unfinished steps? y/n")], LONG);
    tmux.run(&["send-keys", "-t", "tui", "y"]);
    tmux.wait_screen("tui", &[&format!("flow {flow} cancelled"), "4/4 steps · cancelled"], LONG);
    let status = home.json(&["flow", "status", &flow, "--json"]);
    assert_eq!(status["state"], "cancelled", "{status}");
    tmux.run(&["send-keys", "-t", "tui", "q"]);
}

/// The diff view of a worktree task: `d` shows its change, `X` asks and shows the refusal of a
/// discard that would drop commits, `L` asks and lands; the land is in the history as by `tui`.
#[test]
fn dashboard_diff_view_lands_and_shows_a_refused_discard() {
    use crate::review::{Repo, done};
    let home = Home::with_config(CONFIG);
    let repo = Repo::new();
    let landed = done(&home, &repo, "echo eleven >> a.txt && git commit -qam eleven");
    let precious = done(&home, &repo, "echo x > x.txt && git add x.txt && git commit -qm 'precious work'");
    let tmux = Tmux::new("diff");
    let script = format!(
        "SMART_AGENTS_HOME={home} NO_COLOR=1 DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent {bin} tui",
        home = quote(home.path()),
        bin = quote(Path::new(common::BIN)),
    );
    let started = tmux.run(&["new-session", "-d", "-s", "tui", "-x", "120", "-y", "32", &script]);
    assert!(started.status.success(), "tmux new-session: {}", common::describe(&started));
    let keys = |keys: &str| {
        tmux.run(&["send-keys", "-t", "tui", keys]);
    };
    // The newest ending is first, and selected.
    tmux.wait_screen("tui", &[&landed, &precious], LONG);
    keys("d");
    tmux.wait_screen("tui", &[&format!("diff {precious} · 1 file changed"), "+x", "L land"], LONG);
    keys("X");
    tmux.wait_screen("tui", &[&format!("discard {precious} (its worktree and branch)? y/n")], LONG);
    keys("y");
    tmux.wait_screen("tui", &[&format!("refusing to discard {precious}"), "+x"], LONG);
    assert!(home.path().join("worktrees").join(&precious).exists(), "the refusal changed nothing");
    keys("Escape");
    tmux.wait_screen("tui", &[&format!("diff of {precious} closed")], LONG);
    keys("j");
    keys("d");
    tmux.wait_screen("tui", &[&format!("diff {landed} · 1 file changed"), "+eleven"], LONG);
    keys("L");
    tmux.wait_screen("tui", &["into the branch it started from? y/n"], LONG);
    keys("y");
    tmux.wait_screen("tui", &[&format!("landed {landed} into main")], LONG);
    assert!(repo.sh("cat a.txt").ends_with("eleven\n"), "the work landed");
    let event = crate::review::history::event_data(&home, &landed, "landed");
    assert_eq!(event["text"], "landed into main by tui", "{event}");
    keys("q");
}
