//! `[metrics] listen`: `GET /metrics` over plain HTTP/1.1 for Prometheus. One request per
//! connection (`Connection: close`); a full HTTP stack would be most of the worker's size for
//! one read-only page.

use super::server::Shared;
use crate::protocol::Response;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request head larger than this is refused.
const MAX_HEAD: usize = 8 * 1024;
const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub async fn serve(listener: TcpListener, shared: Shared) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                // Scrapers count against the same cap as socket clients.
                let Some(slot) = shared.slots.request() else {
                    tokio::spawn(reply(stream, "503 Service Unavailable", "too many clients\n".into()));
                    continue;
                };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let _ = answer(stream, &shared).await;
                    drop(slot);
                });
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
}

async fn answer(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(Some(head))) => head,
        Ok(Ok(None)) => return reply(stream, "400 Bad Request", "bad request\n".into()).await,
        Ok(Err(e)) => return Err(e),
        Err(_) => return reply(stream, "408 Request Timeout", "timeout\n".into()).await,
    };
    let mut parts = head.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let path = target.split('?').next().unwrap_or_default();
    match (method, path) {
        ("GET" | "HEAD", "/metrics") => match shared.metrics().await {
            Response::Metrics { text } => reply(stream, "200 OK", text).await,
            _ => reply(stream, "503 Service Unavailable", "the worker is stopping\n".into()).await,
        },
        ("GET" | "HEAD", _) => reply(stream, "404 Not Found", "metrics are at /metrics\n".into()).await,
        _ => reply(stream, "405 Method Not Allowed", "only GET\n".into()).await,
    }
}

/// The request line, once the whole head has arrived; `None` when it is malformed.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 || buf.len() + n > MAX_HEAD {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    Ok(text.lines().next().map(str::to_string))
}

async fn reply(mut stream: TcpStream, status: &str, body: String) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}
