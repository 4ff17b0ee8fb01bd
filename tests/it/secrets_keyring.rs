//! The secrets key in a real desktop keyring: gnome-keyring-daemon (Secret Service) on a
//! private session bus from `dbus-run-session`, its login keyring unlocked with a test
//! password, its files in a temporary folder. Needs the Debian packages `dbus` and
//! `gnome-keyring` (CI's .ci/run installs them): the test fails, not skips, without them.

use crate::common;

use common::{Home, LONG, describe, kill9, wait_gone};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Keyring {
    child: Child,
    address: String,
}

impl Keyring {
    fn start(dir: &Path) -> Keyring {
        let exists = |cmd: &str| {
            Command::new(cmd).arg("--help").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
        };
        assert!(
            exists("dbus-run-session") && exists("gnome-keyring-daemon"),
            "dbus-run-session or gnome-keyring-daemon is missing: install the Debian packages `dbus` and \
             `gnome-keyring` (CI's .ci/run does)"
        );
        let run = dir.join("run");
        std::fs::create_dir_all(&run).unwrap();
        let addr = dir.join("bus.addr");
        let script = format!(
            "printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
             echo \"$DBUS_SESSION_BUS_ADDRESS\" > '{a}.tmp' && mv '{a}.tmp' '{a}' && exec sleep 600",
            a = addr.display()
        );
        let child = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", &script])
            .env("HOME", dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("XDG_RUNTIME_DIR", &run)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start dbus-run-session");
        // Owned at once, so a failure below still tears the bus down.
        let mut keyring = Keyring { child, address: String::new() };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            keyring.address = std::fs::read_to_string(&addr).unwrap_or_default().trim().to_string();
            if !keyring.address.is_empty() {
                return keyring;
            }
            assert!(Instant::now() < deadline, "gnome-keyring-daemon did not come up on the session bus");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // SAFETY: the whole group we started (dbus-run-session, its bus, sleep).
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

#[test]
fn the_key_lives_in_the_desktop_keyring_when_one_answers() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Keyring::start(dir.path());
    let home = Home::new();
    let out = dir.path().join("seen.txt");
    let script = format!("printf '%s' \"$GITHUB_TOKEN\" > '{}'", out.display());
    let with_bus = |args: &[&str]| {
        let mut cmd = home.cmd(args);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &keyring.address).env("GITHUB_TOKEN", "ghp_keyringsecret777");
        cmd.output().expect("run smart-agents")
    };
    let submitted = with_bus(&["execute", "--async", "--delay", "2s", "--", "sh", "-c", &script]);
    assert!(submitted.status.success(), "{}", describe(&submitted));
    let id = String::from_utf8_lossy(&submitted.stdout).trim().to_string();
    assert!(!home.path().join("key").exists(), "no key file when the keyring answers");
    let doctor = with_bus(&["doctor"]);
    let text = String::from_utf8_lossy(&doctor.stdout);
    assert!(text.contains("key in the desktop keyring (Secret Service)"), "{text}");

    // A new worker (with the bus) finds the key in the keyring and restores the token.
    let worker = home.worker_pid();
    kill9(worker);
    wait_gone(worker, LONG);
    let started = with_bus(&["worker", "start"]);
    assert!(started.status.success(), "{}", describe(&started));
    home.wait_state(&id, "completed", LONG);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "ghp_keyringsecret777");
    let db = std::fs::read(home.database()).unwrap();
    assert!(!db.windows(20).any(|w| w == b"ghp_keyringsecret777"));
}
