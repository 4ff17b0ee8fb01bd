//! `execute --sandbox` with real bubblewrap: each way out is tried by a task, which fails
//! with the denial in its result; what the task may do (its folder, the allowed host,
//! progress) still works. Needs /usr/bin/bwrap (Debian `bubblewrap`, installed by .ci/run):
//! without it these tests fail, loudly, rather than skip.

use crate::common::{BIN, Home, assert_no_process, stdout, unique_sleep};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

const END: Duration = Duration::from_secs(60);

/// A fake user home outside /tmp (the sandbox's /tmp is private, which would hide anything
/// under it for the wrong reason), with a planted key and a work folder.
pub struct UserHome {
    dir: tempfile::TempDir,
}

impl UserHome {
    pub fn new() -> UserHome {
        assert!(
            Path::new("/usr/bin/bwrap").exists() || which_bwrap(),
            "!!! bubblewrap is not installed: the sandbox tests cannot run (apt install bubblewrap; .ci/run does)"
        );
        // Not under /tmp (nor the checkout, which may be there): the sandbox's /tmp is private.
        let base = crate::common::ci_tools::cache_dir().join("user-homes");
        std::fs::create_dir_all(&base).expect("user homes folder");
        let dir = tempfile::tempdir_in(&base).expect("user home");
        std::fs::create_dir_all(dir.path().join(".ssh")).expect("mkdir .ssh");
        std::fs::write(dir.path().join(".ssh/id_ed25519"), "FAKE-PRIVATE-KEY\n").expect("plant key");
        std::fs::create_dir_all(dir.path().join("work")).expect("mkdir work");
        UserHome { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn work(&self) -> PathBuf {
        self.path().join("work")
    }
}

fn which_bwrap() -> bool {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).any(|d| d.join("bwrap").exists())
}

/// Submit `script` (run by sh) sandboxed with `opts`, in `cwd`, as a user whose home is `user`;
/// wait for the end and return (state, what `result` shows).
pub fn run(
    home: &Home,
    user: &UserHome,
    cwd: &Path,
    opts: &[&str],
    script: &str,
) -> (String, String, String) {
    let id = submit(home, user, cwd, opts, script, &[]);
    let state = wait_end(home, &id);
    let result = home.run(&["result", &id]);
    (id, state, format!("{}{}", stdout(&result), crate::common::stderr(&result)))
}

/// Submit as `run` does, with more variables in the caller's environment; the id.
fn submit(
    home: &Home,
    user: &UserHome,
    cwd: &Path,
    opts: &[&str],
    script: &str,
    env: &[(&str, &str)],
) -> String {
    let bin_dir = Path::new(BIN).parent().expect("bin dir").display().to_string();
    let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
    let cwd = cwd.display().to_string();
    let mut args = vec!["execute", "--async", "--cwd", &cwd, "--sandbox"];
    args.extend_from_slice(opts);
    args.extend(["--", "sh", "-c", script]);
    let mut cmd = home.cmd(&args);
    cmd.env("HOME", user.path()).env("PATH", &path).envs(env.iter().copied());
    let out = cmd.output().expect("execute");
    assert!(out.status.success(), "execute --sandbox: {}", crate::common::describe(&out));
    stdout(&out).trim().to_string()
}

fn wait_end(home: &Home, id: &str) -> String {
    let t = format!("{}ms", END.as_millis());
    home.run(&["wait", id, "--timeout", &t]);
    home.state(id)
}

#[test]
fn a_planted_key_is_not_there_even_when_the_task_runs_in_home() {
    let (home, user) = (Home::new(), UserHome::new());
    let (_, state, result) = run(&home, &user, user.path(), &[], "cat \"$HOME/.ssh/id_ed25519\"");
    assert_eq!(state, "failed", "{result}");
    assert!(result.contains("No such file"), "the denial is shown: {result}");
    assert!(!result.contains("FAKE-PRIVATE-KEY"), "the key leaked: {result}");
}

#[test]
fn only_the_task_folder_is_writable() {
    let (home, user) = (Home::new(), UserHome::new());
    let (_, state, result) =
        run(&home, &user, &user.work(), &[], "echo in > inside.txt && echo out > ../outside.txt");
    assert_eq!(state, "failed", "{result}");
    assert!(result.contains("Read-only file system"), "the denial is shown: {result}");
    assert_eq!(std::fs::read_to_string(user.work().join("inside.txt")).ok().as_deref(), Some("in\n"));
    assert!(!user.path().join("outside.txt").exists(), "wrote outside its folder");
}

#[test]
fn proc_shows_only_the_task_own_processes() {
    let (home, user) = (Home::new(), UserHome::new());
    // This test's own process: alive, and outside the sandbox.
    let other = std::process::id();
    let script = format!("ls /proc | grep -c '^[0-9]' ; cat /proc/{other}/cmdline");
    let (_, state, result) = run(&home, &user, &user.work(), &[], &script);
    assert_eq!(state, "failed", "{result}");
    assert!(result.contains("No such file"), "the worker's process is listed inside: {result}");
    let visible: u32 = result.lines().next().and_then(|l| l.trim().parse().ok()).unwrap_or(999);
    assert!(visible < 10, "{visible} processes visible in the sandbox's /proc: {result}");
}

/// A loopback server answering every request with `body`.
fn serve(body: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 2048];
            let _ = conn.read(&mut buf);
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.write_all(reply.as_bytes());
        }
    });
    port
}

#[test]
fn only_the_allowed_host_is_reached_and_each_block_is_an_event() {
    let (home, user) = (Home::new(), UserHome::new());
    let (allowed, other) = (serve("hello-from-allowed"), serve("should-not-be-seen"));
    let allow = format!("127.0.0.1:{allowed}");
    let opts = ["--network", "allow", "--allow-host", allow.as_str()];
    let (_, state, result) =
        run(&home, &user, &user.work(), &opts, &format!("curl -sf http://127.0.0.1:{allowed}/"));
    assert_eq!(state, "completed", "{result}");
    assert!(result.contains("hello-from-allowed"), "{result}");

    let script = format!(
        "curl -sS http://127.0.0.1:{other}/; curl -sS --noproxy '*' http://127.0.0.1:{other}/ ; exit 1"
    );
    let (id, state, result) = run(&home, &user, &user.work(), &opts, &script);
    assert_eq!(state, "failed", "{result}");
    assert!(!result.contains("should-not-be-seen"), "reached a port not allowed: {result}");
    assert!(result.contains(&format!("network blocked: 127.0.0.1:{other}")), "{result}");
    let events = home.run_ok(&["events", &id]);
    let blocked = events.lines().filter(|l| l.contains("blocked")).count();
    assert_eq!(blocked, 1, "one blocked attempt through the proxy, one event: {events}");
}

#[test]
fn network_none_reaches_nothing() {
    let (home, user) = (Home::new(), UserHome::new());
    let port = serve("should-not-be-seen");
    let (_, state, result) =
        run(&home, &user, &user.work(), &[], &format!("curl -sS http://127.0.0.1:{port}/"));
    assert_eq!(state, "failed", "{result}");
    assert!(!result.contains("should-not-be-seen"), "{result}");
}

#[test]
fn a_fork_bomb_is_held_by_the_pids_limit_and_the_timeout_ends_the_whole_sandbox() {
    let (home, user) = (Home::new(), UserHome::new());
    let sleep = unique_sleep(300);
    let script = format!("sleep {sleep} & bomb() {{ bomb | bomb & }}; bomb; wait");
    let (_, state, result) =
        run(&home, &user, &user.work(), &["--pids-limit", "40", "--timeout", "4s"], &script);
    assert_ne!(state, "completed", "{result}");
    assert!(
        result.contains("fork") || result.contains("pids limit"),
        "the limit's refusals are in the result: {result}"
    );
    assert_no_process(&sleep, Duration::from_secs(15));
}

#[test]
fn cancel_ends_every_process_in_the_sandbox() {
    let (home, user) = (Home::new(), UserHome::new());
    let sleep = unique_sleep(300);
    let cwd = user.work().display().to_string();
    let script = format!("sleep {sleep} & sleep {sleep}");
    let out = home
        .cmd(&["execute", "--async", "--cwd", &cwd, "--sandbox", "--", "sh", "-c", &script])
        .env("HOME", user.path())
        .output()
        .expect("execute");
    let id = stdout(&out).trim().to_string();
    home.wait_state(&id, "running", END);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while crate::common::processes_matching(&sleep).len() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    home.run_ok(&["cancel", &id]);
    assert_eq!(wait_end(&home, &id), "cancelled");
    assert_no_process(&sleep, Duration::from_secs(15));
}

#[test]
fn progress_and_the_result_come_back_from_inside() {
    let (home, user) = (Home::new(), UserHome::new());
    let (id, state, result) =
        run(&home, &user, &user.work(), &[], "smart-agents progress 50 halfway && echo all-done-here");
    assert_eq!(state, "completed", "{result}");
    assert!(result.contains("all-done-here"), "{result}");
    let events = home.run_ok(&["events", &id]);
    assert!(events.contains("halfway"), "{events}");
}

#[test]
fn a_sandboxed_task_asks_a_person_and_gets_the_answer() {
    let (home, user) = (Home::new(), UserHome::new());
    let id = submit(&home, &user, &user.work(), &[], "echo \"got=$(smart-agents ask 'Deploy?')\"", &[]);
    home.wait_needs(&id);
    home.run_ok(&["answer", &id, "not today"]);
    assert_eq!(wait_end(&home, &id), "completed");
    let result = stdout(&home.run(&["result", &id]));
    assert!(result.contains("got=not today"), "{result}");
}

#[test]
fn the_worker_takes_only_progress_from_inside() {
    let (home, user) = (Home::new(), UserHome::new());
    let script = "smart-agents list; smart-agents execute --async -- touch /tmp/escaped";
    let (_, state, result) = run(&home, &user, &user.work(), &[], script);
    assert_eq!(state, "failed", "{result}");
    assert!(result.contains("may only report its progress and ask"), "{result}");
    assert_eq!(home.list(&["--all"]).len(), 1, "a task was submitted from inside the sandbox");
}

#[test]
fn without_bubblewrap_a_sandboxed_submit_is_refused() {
    let home = Home::new();
    let empty = tempfile::tempdir().expect("empty dir");
    let out =
        home.cmd(&["execute", "--sandbox", "--", "true"]).env("PATH", empty.path()).output().expect("run");
    assert!(!out.status.success(), "ran without bubblewrap: {}", crate::common::describe(&out));
    let said = crate::common::stderr(&out);
    assert!(said.contains("bubblewrap") && said.contains("PATH"), "{said}");
    assert!(home.list(&["--all"]).is_empty(), "nothing was queued");

    let home = Home::with_config("[sandbox]\nbwrap = \"/nonexistent\"\n");
    let out = home.cmd(&["execute", "--sandbox", "--", "true"]).output().expect("run");
    assert!(!out.status.success(), "ran without bubblewrap: {}", crate::common::describe(&out));
    let said = crate::common::stderr(&out);
    assert!(said.contains("/nonexistent") && said.contains("bubblewrap"), "{said}");
    let doctor = home.run(&["doctor"]);
    assert!(stdout(&doctor).contains("execute --sandbox` is refused here"), "{}", stdout(&doctor));
}

#[test]
fn doctor_says_the_sandbox_is_ready() {
    let home = Home::new();
    let doctor = stdout(&home.run(&["doctor"]));
    let line = doctor.lines().find(|l| l.contains("sandbox")).unwrap_or_default();
    assert!(line.starts_with("ok") && line.contains("bwrap"), "{doctor}");
}

#[test]
fn sealed_secrets_are_delivered_inside() {
    let (home, user) = (Home::new(), UserHome::new());
    let script = "[ \"$MY_API_TOKEN\" = tok-1234567890 ] && echo the-secret-arrived";
    let id = submit(&home, &user, &user.work(), &[], script, &[("MY_API_TOKEN", "tok-1234567890")]);
    assert_eq!(wait_end(&home, &id), "completed");
    assert!(home.run_ok(&["result", &id]).contains("the-secret-arrived"));
}

#[test]
fn a_restarted_worker_adopts_a_sandboxed_task_and_hears_its_progress() {
    let (home, user) = (Home::new(), UserHome::new());
    let script = "while [ ! -e gate ]; do sleep 0.1; done; smart-agents progress 90 adopted-step; echo adopted-and-done";
    let id = submit(&home, &user, &user.work(), &[], script, &[]);
    home.wait_state(&id, "running", END);
    let old = home.worker_pid();
    crate::common::kill9(old);
    crate::common::wait_gone(old, END);
    home.run_ok(&["worker", "start"]);
    std::fs::write(user.work().join("gate"), "").expect("open the gate");
    assert_eq!(wait_end(&home, &id), "completed");
    assert!(home.run_ok(&["result", &id]).contains("adopted-and-done"));
    assert!(home.run_ok(&["events", &id]).contains("adopted-step"), "progress reached the new worker");
}
