//! Sending one delivery: an HTTP POST (hyper with rustls; no redirects followed, a bounded
//! wait) or a command with the event on stdin. An error is a line for `notify status`, scrubbed
//! of the channel's URL and secrets, which may hold tokens.

use super::bodies;
use super::sealed::Opened;
use crate::config::channels::{ChannelConfig, ChannelKind};
use crate::store::Delivery;
use crate::webhook_sign::Secret;
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

/// Why an attempt did not go through; shown in `notify status` (scrubbed first).
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the stored body is not JSON: {0}")]
    Body(#[from] serde_json::Error),
    #[error("the ntfy url names no topic")]
    NoTopic,
    #[error("the webhook has no secret")]
    NoSecret,
    #[error("bad request: {0}")]
    Request(#[from] hyper::http::Error),
    #[error("{0}")]
    Connect(String),
    #[error("HTTP {status}{}", if body.is_empty() { String::new() } else { format!(": {body}") })]
    Status { status: hyper::StatusCode, body: String },
    #[error("no answer within {} s", ATTEMPT_TIMEOUT.as_secs())]
    Timeout,
    #[error("cannot start {program}: {error}")]
    Spawn { program: String, error: std::io::Error },
    #[error("{program} did not finish within {} s", COMMAND_TIMEOUT.as_secs())]
    CommandTimeout { program: String },
    #[error("waiting for {program}: {error}")]
    Wait { program: String, error: std::io::Error },
    #[error("{program} ended with {status}{}", if stderr.is_empty() { String::new() } else { format!(": {stderr}") })]
    Exit { program: String, status: std::process::ExitStatus, stderr: String },
}

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

    /// One attempt at `d`; `Err` says why it did not go through, without the channel's
    /// URL or secrets.
    pub async fn send(&self, d: &Delivery) -> Result<(), String> {
        self.attempt(d).await.map_err(|e| self.scrub(e.to_string()))
    }

    async fn attempt(&self, d: &Delivery) -> Result<(), SendError> {
        let event: serde_json::Value = serde_json::from_str(&d.payload)?;
        let url = self.opened.url.as_deref().unwrap_or_default();
        match self.kind {
            ChannelKind::Webhook => self.webhook(url, d).await,
            ChannelKind::Ntfy => {
                let (server, topic) = crate::config::channels::ntfy_split(url).ok_or(SendError::NoTopic)?;
                self.post(server, bodies::ntfy(&self.config, topic, &event).to_string(), &[]).await
            }
            ChannelKind::Slack => self.post(url, bodies::slack(&event).to_string(), &[]).await,
            ChannelKind::Discord => self.post(url, bodies::discord(&event).to_string(), &[]).await,
            ChannelKind::Command => command(&self.config.command, d).await,
        }
    }

    async fn webhook(&self, url: &str, d: &Delivery) -> Result<(), SendError> {
        let secret = self.secret.as_ref().ok_or(SendError::NoSecret)?;
        // A fresh timestamp per attempt: receivers refuse old ones (replay protection); the id
        // stays, so they can drop a repeat.
        let timestamp = crate::store::now_ms() / 1000;
        let headers = secret.headers(&d.id, timestamp, d.payload.as_bytes());
        self.post(url, d.payload.clone(), &headers).await
    }

    async fn post(
        &self,
        url: &str,
        body: String,
        headers: &[(&'static str, String)],
    ) -> Result<(), SendError> {
        let mut request = hyper::Request::post(url)
            .header("content-type", "application/json")
            .header("user-agent", concat!("smart-agents/", env!("CARGO_PKG_VERSION")));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(token) = &self.opened.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(Full::new(Bytes::from(body)))?;
        let answer = tokio::time::timeout(ATTEMPT_TIMEOUT, async {
            let response = self.client.request(request).await.map_err(|e| SendError::Connect(chain(&e)))?;
            let status = response.status();
            if status.is_success() {
                return Ok(());
            }
            // The start of the answer says why, for `notify status`.
            let text = match response.into_body().collect().await {
                Ok(body) => String::from_utf8_lossy(&body.to_bytes()).into_owned(),
                Err(_) => String::new(),
            };
            let body = crate::text::truncate(text.trim().lines().next().unwrap_or_default(), 200);
            Err(SendError::Status { status, body })
        })
        .await;
        answer.unwrap_or(Err(SendError::Timeout))
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
async fn command(argv: &[String], d: &Delivery) -> Result<(), SendError> {
    use tokio::io::AsyncWriteExt;
    // Checked at load: a command channel has an argv.
    let Some((program, args)) = argv.split_first() else { return Ok(()) };
    let program_name = || program.clone();
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .env("SMART_AGENTS_DELIVERY_ID", &d.id)
        .env("SMART_AGENTS_EVENT", &d.event)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| SendError::Spawn { program: program_name(), error })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its stdin is its own business: only its exit counts.
        let _ = stdin.write_all(d.payload.as_bytes()).await;
    }
    let output = tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| SendError::CommandTimeout { program: program_name() })?
        .map_err(|error| SendError::Wait { program: program_name(), error })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.trim().lines().last().unwrap_or_default().to_string();
    Err(SendError::Exit { program: program_name(), status: output.status, stderr: last })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(payload: &str) -> Delivery {
        Delivery {
            seq: 1,
            id: "msg_1".into(),
            channel: "c".into(),
            event: "failed".into(),
            subject: "t".into(),
            payload: payload.into(),
            state: "waiting".into(),
            created_at: 0,
            next_at: 0,
            expires_at: 1,
            attempts: 0,
            last_error: None,
            done_at: None,
        }
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    #[test]
    fn errors_never_show_the_url_or_token() {
        let url = "http://127.0.0.1:9/hooks/T0KENT0KEN";
        let config: ChannelConfig = toml::from_str(&format!("kind = \"slack\"\nurl = \"{url}\"")).unwrap();
        let opened = Opened { url: Some(url.into()), ..Default::default() };
        let t = Transport::new(config, opened).unwrap();
        let said = t.scrub(format!("error sending request for url ({url}): refused"));
        assert!(!said.contains("T0KENT0KEN") && said.contains("[channel url or secret]"), "{said}");
        let err = run(t.send(&delivery("{\"event\": \"failed\"}"))).unwrap_err();
        assert!(!err.contains("T0KENT0KEN") && !err.is_empty(), "{err}");
    }

    #[test]
    fn a_command_that_fails_says_its_last_stderr_line() {
        let config: ChannelConfig = toml::from_str(
            "kind = \"command\"\ncommand = [\"sh\", \"-c\", \"cat >/dev/null; echo no route >&2; exit 4\"]",
        )
        .unwrap();
        let t = Transport::new(config, Opened::default()).unwrap();
        let err = run(t.send(&delivery("{}"))).unwrap_err();
        assert!(err.starts_with("sh ended with exit status: 4: no route"), "{err}");
        let config: ChannelConfig =
            toml::from_str("kind = \"command\"\ncommand = [\"/nonexistent/x\"]").unwrap();
        let err = run(Transport::new(config, Opened::default()).unwrap().send(&delivery("{}"))).unwrap_err();
        assert!(err.starts_with("cannot start /nonexistent/x"), "{err}");
    }
}
