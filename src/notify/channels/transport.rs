//! Sending one delivery: an HTTP POST (hyper with rustls; no redirects followed, a bounded
//! wait) or a command with the event on stdin. An error is a line for `notify status`, scrubbed
//! of the channel's URL and secrets, which may hold tokens.

use super::bodies;
use super::sealed::Opened;
use crate::config::channels::{ChannelConfig, ChannelKind};
use crate::notify::webhook_sign::Secret;
use crate::store::Delivery;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use std::time::Duration;

/// The whole of one attempt: connect, send, and the answer's head.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
/// A command gets longer: it may itself talk to a slow service.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

type Https = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

pub struct Transport {
    kind: ChannelKind,
    config: ChannelConfig,
    opened: Opened,
    secret: Option<Secret>,
    client: Https,
}

impl Transport {
    pub fn new(config: ChannelConfig, opened: Opened) -> Result<Transport, String> {
        let secret = match &opened.secret {
            Some(text) => Some(Secret::parse(text).map_err(|e| format!("the channel's secret: {e}"))?),
            None => None,
        };
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(hyper_util::rt::TokioExecutor::new()).build(https);
        Ok(Transport { kind: config.kind, config, opened, secret, client })
    }

    /// One attempt at `d`; `Err` says why it did not go through.
    pub async fn send(&self, d: &Delivery) -> Result<(), String> {
        let event: serde_json::Value =
            serde_json::from_str(&d.payload).map_err(|e| format!("the stored body is not JSON: {e}"))?;
        let url = self.opened.url.as_deref().unwrap_or_default();
        let result = match self.kind {
            ChannelKind::Webhook => self.webhook(url, d).await,
            ChannelKind::Ntfy => {
                let (server, topic) = bodies::ntfy_split(url).ok_or("the ntfy url names no topic")?;
                self.post(server, bodies::ntfy(&self.config, topic, &event).to_string(), &[]).await
            }
            ChannelKind::Slack => self.post(url, bodies::slack(&event).to_string(), &[]).await,
            ChannelKind::Discord => self.post(url, bodies::discord(&event).to_string(), &[]).await,
            ChannelKind::Command => command(&self.config.command, d).await,
        };
        result.map_err(|e| self.scrub(e))
    }

    async fn webhook(&self, url: &str, d: &Delivery) -> Result<(), String> {
        let secret = self.secret.as_ref().ok_or("the webhook has no secret")?;
        // A fresh timestamp per attempt: receivers refuse old ones (replay protection); the id
        // stays, so they can drop a repeat.
        let timestamp = crate::store::now_ms() / 1000;
        let headers = secret.headers(&d.id, timestamp, d.payload.as_bytes());
        self.post(url, d.payload.clone(), &headers).await
    }

    async fn post(&self, url: &str, body: String, headers: &[(&'static str, String)]) -> Result<(), String> {
        let mut request = hyper::Request::post(url)
            .header("content-type", "application/json")
            .header("user-agent", concat!("smart-agents/", env!("CARGO_PKG_VERSION")));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(token) = &self.opened.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(Full::new(Bytes::from(body))).map_err(|e| format!("bad request: {e}"))?;
        let answer = tokio::time::timeout(ATTEMPT_TIMEOUT, async {
            let response = self.client.request(request).await.map_err(|e| chain(&e))?;
            let status = response.status();
            if status.is_success() {
                return Ok(());
            }
            // The start of the answer says why, for `notify status`.
            let text = match response.into_body().collect().await {
                Ok(body) => String::from_utf8_lossy(&body.to_bytes()).into_owned(),
                Err(_) => String::new(),
            };
            let text = crate::text::truncate(text.trim().lines().next().unwrap_or_default(), 200);
            Err(format!("HTTP {status}{}", if text.is_empty() { String::new() } else { format!(": {text}") }))
        })
        .await;
        answer.unwrap_or_else(|_| Err(format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs())))
    }

    /// The error without the URL, secret or token in it.
    fn scrub(&self, mut error: String) -> String {
        let o = &self.opened;
        for value in [&o.url, &o.secret, &o.token].into_iter().flatten() {
            if value.len() >= 8 {
                error = error.replace(value.as_str(), "[channel url or secret]");
            }
        }
        error
    }
}

/// An error and its causes on one line ("client error (Connect): tcp connect error: …").
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The command with the event JSON on stdin; exit 0 is delivered.
async fn command(argv: &[String], d: &Delivery) -> Result<(), String> {
    use tokio::io::AsyncWriteExt;
    let (program, args) = argv.split_first().ok_or("the command is empty")?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .env("SMART_AGENTS_DELIVERY_ID", &d.id)
        .env("SMART_AGENTS_EVENT", &d.event)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its stdin is its own business: only its exit counts.
        let _ = stdin.write_all(d.payload.as_bytes()).await;
    }
    let output = tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| format!("{program} did not finish within {} s", COMMAND_TIMEOUT.as_secs()))?
        .map_err(|e| format!("waiting for {program}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.trim().lines().last().unwrap_or_default();
    Err(format!(
        "{program} ended with {}{}",
        output.status,
        if last.is_empty() { String::new() } else { format!(": {last}") }
    ))
}
