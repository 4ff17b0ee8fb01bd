//! Output fit for pipes: a closed pipe ends quietly, colour only on a terminal and never with
//! NO_COLOR, and `--quiet` prints nothing.

use crate::common;

use common::{BIN, Home, describe, stderr, stdout};
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

const LIMITS: &str = "[limits]\ncpu_threshold = 100\nmemory_threshold = 100\n";

/// A pipe whose read end is already closed, as in `smart-agents list | head -0`.
fn closed_pipe() -> OwnedFd {
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills two descriptors we then own.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both were just created and are owned here alone.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    write
}

#[test]
fn closed_pipe_ends_quietly() {
    let home = Home::with_config(LIMITS);
    for _ in 0..3 {
        home.submit(&["true"]);
    }
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["status"],
        &["completions", "zsh"],
        &["config", "show"],
        &["doctor"],
        &["--help"],
    ] {
        let out = Command::new(BIN)
            .args(args)
            .env("SMART_AGENTS_HOME", home.path())
            .stdout(Stdio::from(closed_pipe()))
            .stderr(Stdio::piped())
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.is_empty(), "`{}` complained about the closed pipe: {err}", args.join(" "));
        // Ended by SIGPIPE, as `ls | head -0` is, or a clean exit: never a panic or an error code.
        let quiet = out.status.signal() == Some(libc::SIGPIPE) || out.status.success();
        assert!(quiet, "`{}` ended with {:?}", args.join(" "), out.status);
    }
}

/// Run with stdout on a pseudo-terminal and return what it printed.
fn on_terminal(home: &Home, args: &[&str], no_color: bool) -> String {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty fills two descriptors we then own.
    let rc = unsafe {
        libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null())
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: just created, owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("SMART_AGENTS_HOME", home.path()).stdout(Stdio::from(slave)).stderr(Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    let mut child = cmd.spawn().expect("spawn");
    // Drop our copy of the slave (moved into the Command) before reading, so EOF/EIO comes.
    drop(cmd);
    let mut text = Vec::new();
    // The pty reports EIO once the child's side is closed: that is the end of the output.
    let _ = std::fs::File::from(master).read_to_end(&mut text);
    child.wait().expect("wait");
    String::from_utf8_lossy(&text).into_owned()
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let home = Home::with_config(LIMITS);
    let id = home.submit(&["echo", "hello"]);
    home.wait_state(&id, "completed", common::LONG);
    let painted = on_terminal(&home, &["list"], false);
    assert!(painted.contains("\x1b["), "no colour on a terminal: {painted:?}");
    for args in [&["list"][..], &["status", &id], &["doctor"], &["result", &id]] {
        let plain = on_terminal(&home, args, true);
        assert!(!plain.contains('\x1b'), "`{}` coloured with NO_COLOR: {plain:?}", args.join(" "));
        assert!(!plain.is_empty(), "`{}` printed nothing", args.join(" "));
    }
}

#[test]
fn no_colour_into_a_pipe() {
    let home = Home::with_config(LIMITS);
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", common::LONG);
    for args in [&["list"][..], &["status", &id], &["doctor"], &["config", "show"]] {
        let out = Command::new(BIN)
            .args(args)
            .env("SMART_AGENTS_HOME", home.path())
            .env_remove("NO_COLOR")
            .output()
            .expect("run");
        assert!(!out.stdout.contains(&0x1b), "`{}` coloured into a pipe", args.join(" "));
    }
}

#[test]
fn quiet_execute_prints_nothing_and_keeps_the_exit_code() {
    let home = Home::with_config(LIMITS);
    let out = home.run(&["execute", "-q", "--", "sh", "-c", "echo hidden; exit 3"]);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{}", describe(&out));
    let out = home.run(&["execute", "--quiet", "--", "true"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{}", describe(&out));
}

#[test]
fn quiet_worker_start_and_stop() {
    let home = Home::with_config(LIMITS);
    let out = home.run_code(&["worker", "start", "-q"], 0);
    assert!(stdout(&out).is_empty() && stderr(&out).is_empty(), "{}", describe(&out));
    let out = home.run_code(&["worker", "stop", "--quiet"], 0);
    assert!(stdout(&out).is_empty() && stderr(&out).is_empty(), "{}", describe(&out));
    let out = home.run_code(&["worker", "stop", "-q"], 0);
    assert!(stdout(&out).is_empty(), "{}", describe(&out));
}
