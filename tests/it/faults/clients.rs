//! Many clients at once: thousands of waiters and hundreds of sockets that never say hello
//! must not lock out short requests.

use crate::common::{Home, LONG, describe};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

const WAITERS: usize = 2_000;
const REAL_WAITERS: usize = 20;
/// More than the worker's pool of connections that have not said hello yet.
const SILENT: usize = 600;

/// Let this test process hold thousands of sockets.
fn raise_fd_limit() {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain getrlimit/setrlimit on a struct we own.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
}

fn send(stream: &mut UnixStream, msg: &Value) {
    let body = serde_json::to_vec(msg).unwrap();
    stream.write_all(&(body.len() as u32).to_be_bytes()).unwrap();
    stream.write_all(&body).unwrap();
}

fn receive(stream: &mut UnixStream) -> Value {
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).expect("a frame length");
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    stream.read_exact(&mut body).expect("a frame body");
    serde_json::from_slice(&body).expect("a JSON frame")
}

/// A waiter as `wait` is one: hello, then a subscription to one task.
fn waiter(home: &Home, id: &str) -> UnixStream {
    let mut stream = UnixStream::connect(home.socket()).expect("connect");
    stream.set_read_timeout(Some(LONG)).unwrap();
    send(&mut stream, &json!({"type": "hello", "protocol": 1, "version": "test"}));
    let hello = receive(&mut stream);
    assert_eq!(hello["type"], "hello", "{hello}");
    send(&mut stream, &json!({"type": "subscribe", "ids": [id]}));
    let snapshot = receive(&mut stream);
    assert_eq!(snapshot["type"], "snapshot", "{snapshot}");
    stream
}

/// Short requests of every kind still get through.
fn short_requests_work(home: &Home) {
    for args in [&["list", "--json"][..], &["worker", "status"], &["pause"], &["resume"]] {
        home.run_ok(args);
    }
    let id = home.submit(&["true"]);
    home.wait_state(&id, "completed", LONG);
}

#[test]
fn thousands_of_waiters_leave_room_for_short_requests() {
    raise_fd_limit();
    let home = Home::new();
    let gate = home.path().join("gate");
    let script = format!("while [ ! -e {} ]; do sleep 0.05; done", gate.display());
    let id = home.submit(&["sh", "-c", &script]);
    let mut waiters: Vec<UnixStream> = (0..WAITERS).map(|_| waiter(&home, &id)).collect();
    let real: Vec<_> = (0..REAL_WAITERS).map(|_| home.spawn(&["wait", &id, "--timeout", "60s"])).collect();
    short_requests_work(&home);

    std::fs::write(&gate, b"").unwrap();
    for child in real {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "a waiter saw the end: {}", describe(&out));
    }
    // Every raw waiter hears of the end too.
    for stream in waiters.iter_mut() {
        loop {
            let frame = receive(stream);
            if frame["event"]["task"]["state"] == "completed" {
                break;
            }
        }
    }
}

#[test]
fn silent_sockets_are_dropped_and_other_clients_get_in() {
    raise_fd_limit();
    let home = Home::new();
    home.run_ok(&["worker", "start"]);
    let mut silent: Vec<UnixStream> =
        (0..SILENT).map(|_| UnixStream::connect(home.socket()).expect("connect")).collect();
    // Refused at first or not, these retry until the silent ones have been dropped.
    short_requests_work(&home);
    // Each silent socket was told why and closed within a few seconds.
    for stream in silent.iter_mut() {
        stream.set_read_timeout(Some(LONG)).unwrap();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        let text = String::from_utf8_lossy(&rest);
        assert!(text.contains("hello") || text.contains("too many clients"), "{text}");
    }
    short_requests_work(&home);
}
