//! `[[notify.channels]]` end to end: a real worker posts to a real HTTP receiver
//! (tests/channels/receiver.py) that records every request and verifies webhooks with PyPI's
//! `standardwebhooks`, the Standard Webhooks reference library (`.ci/install-web-tools` puts
//! it in the CI cache venv). This file holds the helpers; the cases are in tests/it/channels/.

use crate::common;

#[path = "channels/bodies.rs"]
mod bodies;
#[path = "channels/held.rs"]
mod held;
#[path = "channels/outbox.rs"]
mod outbox;
#[path = "channels/web_listen.rs"]
mod web_listen;

use common::Home;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The recording receiver; killed when dropped.
struct Receiver {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Receiver {
    /// A receiver on `port` (0: any free one) appending to `out`.
    fn start(dir: &Path, out: &Path, port: u16, secret: Option<&str>, hang: bool) -> Receiver {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/channels/receiver.py");
        let port_file = dir.join(format!("port-{}", STARTED.fetch_add(1, Ordering::Relaxed)));
        let mut cmd = Command::new(common::ci_tools::web_python());
        cmd.arg(script)
            .args(["--port", &port.to_string(), "--port-file"])
            .arg(&port_file)
            .arg("--out")
            .arg(out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(secret) = secret {
            cmd.args(["--secret", secret]);
        }
        if hang {
            cmd.arg("--hang");
        }
        let child = cmd.spawn().expect("start the receiver");
        let port = wait_for(Duration::from_secs(20), "the receiver to listen", || {
            std::fs::read_to_string(&port_file).ok().and_then(|t| t.trim().parse::<u16>().ok())
        });
        Receiver { child, port, out: out.to_path_buf() }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request recorded so far (by this receiver and earlier ones on the same file).
    fn records(&self) -> Vec<Value> {
        records(&self.out)
    }

    /// Wait until `n` requests are recorded; returns them.
    fn wait_records(&self, n: usize, within: Duration) -> Vec<Value> {
        wait_for(within, &format!("{n} requests at the receiver"), || {
            let r = self.records();
            (r.len() >= n).then_some(r)
        })
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}

fn records(out: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(out).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

/// Receivers started so far: each writes its port to a file of its own.
static STARTED: AtomicU32 = AtomicU32::new(0);

/// Poll `f` every 50 ms until it gives a value; fail after `within`, naming `what`.
fn wait_for<T>(within: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what} after {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A home whose config holds `channels` (and the file key store: no keyring prompt in tests).
fn home_with(channels: &str) -> Home {
    Home::with_config(&format!("[secrets]\nkey_store = \"file\"\n{channels}"))
}

/// A task that ran `argv` to its end in `state`; returns its id.
fn ended(home: &Home, argv: &[&str], state: &str) -> String {
    let id = home.submit(argv);
    home.wait_state(&id, state, common::LONG);
    id
}

/// `notify status --json`'s entry for channel `name`.
fn channel_status(home: &Home, name: &str) -> Value {
    let status = home.json(&["notify", "status", "--json"]);
    status["channels"]
        .as_array()
        .and_then(|list| list.iter().find(|c| c["name"] == name).cloned())
        .unwrap_or_else(|| panic!("no channel {name} in {status}"))
}

/// The body of a recorded request, parsed.
fn body(record: &Value) -> Value {
    serde_json::from_str(record["body"].as_str().expect("a body")).expect("a JSON body")
}
