//! More of the sandbox's walls with real bubblewrap: other repositories under the home folder
//! are not there, the kernel holds `--mem-limit` through a memory cgroup, and the whole wall
//! stands for a user other than root.

use crate::common::git::{git, git_init};
use crate::common::{BIN, Home};
use crate::sandbox::{UserHome, run};
use std::path::Path;

/// `~/src/mine` runs the task; `~/src/other` is another repository with a secret.
fn two_repos(user: &UserHome) -> (std::path::PathBuf, std::path::PathBuf) {
    let (mine, other) = (user.path().join("src/mine"), user.path().join("src/other"));
    git_init(&mine);
    git_init(&other);
    std::fs::write(other.join("secret.txt"), "OTHER-REPO-SECRET\n").expect("plant");
    (mine, other)
}

#[test]
fn other_repositories_under_home_are_not_there() {
    let (home, user) = (Home::new(), UserHome::new());
    let (mine, _) = two_repos(&user);
    std::fs::write(user.path().join("notes.txt"), "plain file\n").expect("notes");
    let script =
        "cat \"$HOME/notes.txt\"; ls -A \"$HOME/src/other\" | wc -l; cat \"$HOME/src/other/secret.txt\"";
    let (_, state, result) = run(&home, &user, &mine, &[], script);
    assert_eq!(state, "failed", "{result}");
    assert!(result.contains("plain file"), "the rest of home stays readable: {result}");
    assert!(result.contains("No such file"), "the denial is shown: {result}");
    assert!(!result.contains("OTHER-REPO-SECRET"), "another repository leaked: {result}");
}

#[test]
fn a_repository_listed_readable_is_there() {
    let home = Home::with_config("[sandbox]\nreadable = [\"~/src/other\"]\n");
    let user = UserHome::new();
    let (mine, _) = two_repos(&user);
    let (_, state, result) = run(&home, &user, &mine, &[], "cat \"$HOME/src/other/secret.txt\"");
    assert_eq!(state, "completed", "{result}");
    assert!(result.contains("OTHER-REPO-SECRET"), "{result}");
}

/// As root here (CI), the memory cgroup can be made: the kernel ends the allocation at the
/// limit, and the task's history says so.
#[test]
fn the_kernel_holds_the_memory_limit_of_a_sandbox() {
    let (home, user) = (Home::new(), UserHome::new());
    let alloc = "python3 -c 'b = bytearray(400 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nprint(\"survived\")'";
    let (id, state, result) = run(&home, &user, &user.work(), &["--mem", "64M", "--mem-limit"], alloc);
    assert_eq!(state, "failed", "{result}");
    assert!(!result.contains("survived"), "{result}");
    let doctor = crate::common::stdout(&home.run(&["doctor"]));
    let events = home.run_ok(&["events", &id]);
    if doctor.contains("--mem-limit by a memory cgroup") {
        assert!(events.contains("memory limit 64 MiB reached in the sandbox"), "{events}");
    } else {
        eprintln!("!!! no memory cgroup for this user: the tree watch held the limit\n{doctor}");
        assert!(result.contains("memory limit"), "{result}");
    }
}

/// Run as `nobody` when the tests run as root (CI), else as the user running them: the wall
/// stands without root's rights (user namespaces, RLIMIT_NPROC for `--pids-limit`).
#[test]
fn the_sandbox_walls_a_user_other_than_root() {
    let root = rustix::process::geteuid().is_root();
    // Reachable by that user, and not under /tmp (private in the sandbox).
    let base = Path::new("/var/cache/smart-agents-tests");
    let base =
        if root { base.to_path_buf() } else { crate::common::ci_tools::cache_dir().join("user-homes") };
    std::fs::create_dir_all(&base).expect("base");
    let dir = tempfile::tempdir_in(&base).expect("tempdir");
    let (user_home, sa_home) = (dir.path().join("home"), dir.path().join("sa"));
    for d in [user_home.join(".ssh"), user_home.join("work"), sa_home.clone()] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(user_home.join(".ssh/id_ed25519"), "FAKE-PRIVATE-KEY\n").expect("plant");
    if root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        chown_tree(dir.path(), 65534);
    }
    let script = "id -u; cat ~/.ssh/id_ed25519; echo in > inside.txt; echo out > ../outside.txt";
    let work = user_home.join("work").display().to_string();
    let run = |args: &[&str]| {
        let mut cmd = if root {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--", BIN]);
            c
        } else {
            std::process::Command::new(BIN)
        };
        cmd.args(args)
            .env("HOME", &user_home)
            .env("SMART_AGENTS_HOME", &sa_home)
            .env("NO_COLOR", "1")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/smart-agents-test-bus")
            .current_dir(dir.path())
            .output()
            .expect("run as the other user")
    };
    let out = run(&["execute", "--sandbox", "--pids-limit", "64", "--cwd", &work, "--", "sh", "-c", script]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    run(&["worker", "stop"]);
    if root {
        assert!(text.contains("65534"), "ran as nobody: {text}");
    }
    assert!(text.contains("No such file") && !text.contains("FAKE-PRIVATE-KEY"), "{text}");
    assert!(text.contains("Read-only file system"), "{text}");
    assert_eq!(
        std::fs::read_to_string(user_home.join("work/inside.txt")).ok().as_deref(),
        Some("in\n"),
        "{text}"
    );
    assert!(!user_home.join("outside.txt").exists(), "wrote outside its folder: {text}");
}

fn chown_tree(dir: &Path, id: u32) {
    std::os::unix::fs::lchown(dir, Some(id), Some(id)).expect("chown");
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            chown_tree(&path, id);
        } else {
            std::os::unix::fs::lchown(&path, Some(id), Some(id)).expect("chown");
        }
    }
}

/// A sandboxed `--worktree` task commits in its checkout (the repository's `.git` is writable
/// inside), and `land` brings the commit into the user's branch, outside the wall.
#[test]
fn a_sandboxed_worktree_task_commits_and_lands() {
    let (home, user) = (Home::new(), UserHome::new());
    let (mine, _) = two_repos(&user);
    std::fs::write(mine.join("README.md"), "# mine\n").expect("readme");
    git(&mine, &["add", "-A"]);
    git(&mine, &["commit", "-qm", "init"]);
    let script = "echo made inside > inside.txt && git add inside.txt && \
                  git -c user.name=agent -c user.email=a@a commit -qm 'from the sandbox' && \
                  cat \"$HOME/src/other/secret.txt\" 2>/dev/null; true";
    let (id, state, result) = run(&home, &user, &mine, &["--worktree"], script);
    assert_eq!(state, "completed", "{result}");
    assert!(!result.contains("OTHER-REPO-SECRET"), "{result}");
    let out = home.run(&["land", &id]);
    assert!(out.status.success(), "land: {}", crate::common::describe(&out));
    assert_eq!(std::fs::read_to_string(mine.join("inside.txt")).ok().as_deref(), Some("made inside\n"));
    assert!(git(&mine, &["log", "--format=%s"]).contains("from the sandbox"));
}

/// A usage limit printed from inside the sandbox holds the task, which runs again (walled in
/// again) after the reset.
#[test]
fn a_usage_limit_inside_a_sandbox_holds_and_resumes() {
    let user = UserHome::new();
    // The agent lives in the user's home (under /tmp it would be out of the sandbox's sight);
    // its first run, which finds no mark in its folder, hits the limit.
    let agent = user.path().join("bin/agent");
    std::fs::create_dir_all(agent.parent().expect("bin")).expect("mkdir bin");
    let body = "#!/bin/sh\nif [ -f mark ]; then echo done; exit 0; fi\ntouch mark\necho 'LIMIT until 3s'\nsleep 30\n";
    std::fs::write(&agent, body).expect("agent");
    std::fs::set_permissions(&agent, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let config = format!(
        "[usage_limits]\nbackoff = \"2s\"\n\n[agents.bot]\nbackend = \"command\"\ncommand = [\"{}\"]\n\
         limit_pattern = \"LIMIT(?: until (?P<reset>\\\\S+))?\"\nsandbox = \"default\"\n",
        agent.display()
    );
    let home = Home::with_config(&config);
    let work = user.work().display().to_string();
    let out = home
        .cmd(&["execute", "limited work", "--agent", "bot", "--async", "--cwd", &work])
        .env("HOME", user.path())
        .output()
        .expect("execute");
    assert!(out.status.success(), "{}", crate::common::describe(&out));
    let id = crate::common::stdout(&out).trim().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let view = home.status(&id);
        let why = view["waiting_reason"].as_str().unwrap_or_default();
        if view["state"] == "pending" && why.contains("usage limit") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never held: {view}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let done = home.wait_state(&id, "completed", std::time::Duration::from_secs(60));
    assert!(done["sandbox"].is_object(), "{done}");
    assert!(user.work().join("mark").exists(), "the first run wrote its folder");
}
