//! The way out of a `network = allow` sandbox: an HTTP proxy (CONNECT, or plain HTTP with an
//! absolute URL) on a Unix socket that only the sandbox sees. It lets through the listed
//! `host:port`s and answers anything else 403, reporting `network blocked: HOST:PORT`.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;
use std::time::Duration;

/// Told of each blocked attempt (it becomes an event of the task).
pub type Report = Arc<dyn Fn(&str) + Send + Sync>;

const MAX_HEAD: usize = 16 * 1024;

/// Serve on `listener` until the launcher exits.
pub fn serve(listener: UnixListener, allow: Vec<String>, report: Report) {
    let allow = Arc::new(allow);
    for conn in listener.incoming().flatten() {
        let (allow, report) = (allow.clone(), report.clone());
        std::thread::spawn(move || handle(conn, &allow, &report));
    }
}

fn handle(mut conn: UnixStream, allow: &[String], report: &Report) {
    let Some((head, rest)) = read_head(&mut conn) else { return };
    let Some((connect, host, port)) = target(&head) else {
        let _ = conn.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let wanted = format!("{host}:{port}");
    if !allow.contains(&wanted) {
        let text = format!("network blocked: {wanted}");
        eprintln!("smart-agents sandbox: {text} (not in --allow-host)");
        report(&text);
        let body = format!("smart-agents sandbox: {text}\n");
        let reply = format!(
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = conn.write_all(reply.as_bytes());
        return;
    }
    let Some(mut upstream) = dial(&host, port) else {
        let _ = conn.write_all(b"HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let sent = if connect {
        conn.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
    } else {
        upstream.write_all(&head).and_then(|_| upstream.write_all(&rest))
    };
    if sent.is_ok() {
        splice_unix_tcp(conn, upstream);
    }
}

/// The request head (through the blank line) and whatever came after it.
fn read_head(conn: &mut UnixStream) -> Option<(Vec<u8>, Vec<u8>)> {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let _ = conn.set_read_timeout(None);
            let rest = buf.split_off(end + 4);
            return Some((buf, rest));
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = conn.read(&mut chunk).ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// (is CONNECT, host, port) of a request head.
fn target(head: &[u8]) -> Option<(bool, String, u16)> {
    let line = std::str::from_utf8(head).ok()?.lines().next()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?, parts.next()?);
    if method.eq_ignore_ascii_case("CONNECT") {
        let (h, p) = crate::config::sandbox::host_port(target).ok()?;
        return Some((true, h, p));
    }
    let rest = target.strip_prefix("http://")?;
    let authority = rest.split('/').next()?;
    let with_port =
        if authority.rsplit_once(':').is_some_and(|(h, _)| !h.ends_with(']') || h.starts_with('[')) {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
    let (h, p) = crate::config::sandbox::host_port(&with_port).ok()?;
    Some((false, h, p))
}

fn dial(host: &str, port: u16) -> Option<TcpStream> {
    let addrs = (host, port).to_socket_addrs().ok()?;
    addrs.into_iter().find_map(|a| TcpStream::connect_timeout(&a, Duration::from_secs(10)).ok())
}

/// Copy both ways until each side is done.
pub fn splice_unix_tcp(unix: UnixStream, tcp: TcpStream) {
    let (Ok(unix2), Ok(tcp2)) = (unix.try_clone(), tcp.try_clone()) else { return };
    let up = std::thread::spawn(move || copy_then_close(unix2, tcp2, |t| t.shutdown(Shutdown::Write)));
    copy_then_close(tcp, unix, |u| u.shutdown(Shutdown::Write));
    let _ = up.join();
}

fn copy_then_close<R: Read, W: Write>(mut from: R, mut to: W, close: impl Fn(&W) -> std::io::Result<()>) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = close(&to);
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn targets_of_connect_and_plain_requests() {
        assert_eq!(
            target(b"CONNECT Example.com:443 HTTP/1.1\r\n\r\n"),
            Some((true, "example.com".into(), 443))
        );
        assert_eq!(
            target(b"GET http://127.0.0.1:8080/x HTTP/1.1\r\n"),
            Some((false, "127.0.0.1".into(), 8080))
        );
        assert_eq!(target(b"GET http://a.io/ HTTP/1.1\r\n"), Some((false, "a.io".into(), 80)));
        assert_eq!(target(b"GET /x HTTP/1.1\r\n"), None);
    }
}
