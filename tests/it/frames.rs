//! Malformed frames on the socket: an error reply and a closed connection, never a crash.

use crate::common;

use common::{Home, LONG};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

fn connect(home: &Home) -> UnixStream {
    let stream = UnixStream::connect(home.socket()).expect("connect to the worker");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

fn send_raw(stream: &mut UnixStream, body: &[u8]) {
    let mut frame = (body.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(body);
    stream.write_all(&frame).expect("write frame");
}

fn send(stream: &mut UnixStream, msg: &Value) {
    send_raw(stream, msg.to_string().as_bytes());
}

fn recv(stream: &mut UnixStream) -> Value {
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).expect("a reply frame");
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    stream.read_exact(&mut body).expect("the reply body");
    serde_json::from_slice(&body).expect("the reply is JSON")
}

/// The worker closed its side: a read gives end-of-file.
fn assert_closed(stream: &mut UnixStream) {
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("the connection should be closed, got {other:?}"),
    }
}

fn hello(stream: &mut UnixStream) {
    send(stream, &json!({"type": "hello", "protocol": 1, "version": "x"}));
    let reply = recv(stream);
    assert_eq!(reply["type"], "hello", "{reply}");
    assert_eq!(reply["protocol"], 1, "{reply}");
}

fn started(home: &Home) -> i64 {
    home.run_ok(&["worker", "start"]);
    home.worker_status()["pid"].as_i64().unwrap()
}

fn assert_error(reply: &Value, mentions: &str) {
    assert_eq!(reply["type"], "error", "{reply}");
    let message = reply["message"].as_str().unwrap_or_default();
    assert!(message.to_lowercase().contains(mentions), "error should mention {mentions:?}: {reply}");
}

#[test]
fn garbage_json_after_hello_gets_an_error_and_a_close() {
    let home = Home::new();
    let pid = started(&home);
    let mut s = connect(&home);
    hello(&mut s);
    send_raw(&mut s, b"{this is not json");
    assert_error(&recv(&mut s), "malformed");
    assert_closed(&mut s);

    // Valid JSON that is not a request is refused the same way.
    let mut s = connect(&home);
    hello(&mut s);
    send(&mut s, &json!({"type": "launch_missiles"}));
    assert_error(&recv(&mut s), "malformed");
    assert_closed(&mut s);

    assert_eq!(home.worker_status()["pid"], pid, "the same worker still answers");
}

#[test]
fn an_oversized_frame_gets_an_error_and_a_close() {
    let home = Home::new();
    let pid = started(&home);
    let mut s = connect(&home);
    hello(&mut s);
    // Announce one byte over 10 MiB; send nothing more.
    s.write_all(&(10 * 1024 * 1024 + 1u32).to_be_bytes()).unwrap();
    assert_error(&recv(&mut s), "limit");
    assert_closed(&mut s);

    // Before the handshake too.
    let mut s = connect(&home);
    s.write_all(&u32::MAX.to_be_bytes()).unwrap();
    assert_error(&recv(&mut s), "limit");
    assert_closed(&mut s);
    assert_eq!(home.worker_status()["pid"], pid);
}

#[test]
fn a_wrong_protocol_version_is_refused_naming_the_protocol() {
    let home = Home::new();
    let pid = started(&home);
    let mut s = connect(&home);
    send(&mut s, &json!({"type": "hello", "protocol": 999, "version": "9.9.9"}));
    assert_error(&recv(&mut s), "protocol");
    assert_closed(&mut s);

    // A request before the hello is refused.
    let mut s = connect(&home);
    send(&mut s, &json!({"type": "pause"}));
    let reply = recv(&mut s);
    assert_error(&reply, "hello");
    assert_closed(&mut s);
    assert_eq!(home.worker_status()["paused"], false, "the early request was not carried out");

    // Garbage instead of a hello.
    let mut s = connect(&home);
    send_raw(&mut s, b"\x00\x01garbage");
    assert_error(&recv(&mut s), "malformed");
    assert_closed(&mut s);
    assert_eq!(home.worker_status()["pid"], pid);
}

#[test]
fn half_frames_and_abrupt_closes_do_not_hurt_the_worker() {
    let home = Home::new();
    let pid = started(&home);
    {
        let mut s = connect(&home);
        hello(&mut s);
        s.write_all(&100u32.to_be_bytes()).unwrap();
        s.write_all(b"{\"type\":").unwrap();
    }
    {
        let mut s = connect(&home);
        s.write_all(&[0u8, 0]).unwrap();
    }
    drop(connect(&home));
    let id = home.submit(&["sh", "-c", "echo still-fine"]);
    home.wait_state(&id, "completed", LONG);
    assert_eq!(home.worker_status()["pid"], pid);
}

#[test]
fn a_raw_submit_over_the_limits_is_refused_by_the_worker() {
    let home = Home::new();
    started(&home);
    let mut s = connect(&home);
    hello(&mut s);
    let spec = |description: String, priority: u8| {
        json!({"type": "submit", "spec": {
            "description": description, "agent": "shell", "command": ["true"],
            "cwd": "/", "priority": priority,
        }})
    };
    // A description over 1 MiB, which no command line can carry, checked by the worker itself.
    send(&mut s, &spec("d".repeat(1024 * 1024 + 1), 5));
    assert_error(&recv(&mut s), "description");
    send(&mut s, &spec("ok".into(), 11));
    assert_error(&recv(&mut s), "priority");
    // The connection stays usable after a refused request, and a good one goes through.
    send(&mut s, &spec("ok".into(), 5));
    let reply = recv(&mut s);
    assert_eq!(reply["type"], "submitted", "{reply}");
    let id = reply["id"].as_str().unwrap().to_string();
    drop(s);
    home.wait_state(&id, "completed", LONG);
    assert_eq!(home.list(&[]).len(), 1, "only the valid submit was queued");
}
