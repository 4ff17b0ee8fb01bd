//! `[web] listen`: the worker serves the dashboard too, under the rules of `smart-agents web`
//! (a made token kept 0600, every request needs it).

use super::{ended, home_with, wait_for};
use crate::common;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

/// `GET path` on its own connection: (status, the whole answer).
fn get(port: u16, path: &str, headers: &str) -> Option<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    Some((status, answer))
}

#[test]
fn the_worker_serves_the_dashboard_with_a_private_token() {
    // A free port, let go for the worker to take.
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a port").port();
    let home = home_with(&format!("[web]\nlisten = \"127.0.0.1:{port}\"\n"));
    let id = ended(&home, &["sh", "-c", "echo served by the worker"], "completed");
    let (status, answer) = wait_for(common::LONG, "the worker's dashboard", || get(port, "/", ""));
    assert_eq!(status, 303, "without the token, the login page: {answer}");
    assert!(!answer.contains(&id), "no task data before login: {answer}");
    let file = home.path().join("web.token");
    let mode = std::fs::metadata(&file).expect("a made token file").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let token = std::fs::read_to_string(&file).expect("token").trim().to_string();
    let log = std::fs::read_to_string(home.path().join("worker.log")).unwrap_or_default();
    assert!(!log.contains(&token), "the worker's log names the file, never the token");
    let (status, page) = get(port, "/", &format!("Authorization: Bearer {token}\r\n")).expect("the list");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&id), "the list shows the task: {page}");
    let (status, _) = get(port, "/", "Authorization: Bearer wrong\r\n").expect("an answer");
    assert_eq!(status, 401);
}
