//! Inside a `network = allow` sandbox the network namespace has only its own loopback. The
//! relay, the first process there, listens on 127.0.0.1:RELAY_PORT (what HTTP(S)_PROXY names)
//! and carries each connection to the proxy's Unix socket; then it runs the task's command
//! and ends with it.

use super::plan::{PROXY_INSIDE, RELAY_PORT};
use std::ffi::OsString;
use std::net::TcpListener;
use std::os::unix::net::UnixStream;
use std::process::Command;

pub use super::RELAY_ARG as ARG;

/// `[exe, __sandbox-relay, --, command...]`; returns the command's exit code.
pub fn main(args: &[OsString]) -> i32 {
    let Some(command) = args.get(3..).filter(|c| !c.is_empty() && args[2] == "--") else {
        eprintln!("smart-agents: {ARG} is internal to the sandbox");
        return 2;
    };
    let listener = match TcpListener::bind(("127.0.0.1", RELAY_PORT)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("smart-agents sandbox: cannot open the proxy relay on 127.0.0.1:{RELAY_PORT}: {e}");
            return 126;
        }
    };
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                if let Ok(proxy) = UnixStream::connect(PROXY_INSIDE) {
                    super::proxy::splice_unix_tcp(proxy, conn);
                }
            });
        }
    });
    super::launch::run_to_end(Command::new(&command[0]).args(&command[1..]))
}
