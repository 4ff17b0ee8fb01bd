//! What the mock model answers: scripted turns, each a reply (text and tool calls, with
//! usage), optionally after a delay, or a failure (an HTTP error status, a stream cut off).

use super::http::Request;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// One piece of a reply, in order.
#[derive(Debug, Clone)]
pub enum Part {
    Text(String),
    /// A tool call: the tool's name as the CLI offers it, and its arguments.
    Tool {
        name: String,
        input: Value,
    },
    /// A freeform tool call (OpenAI Responses `custom_tool_call`, e.g. Codex's `apply_patch`).
    Custom {
        name: String,
        input: String,
    },
}

#[derive(Debug, Clone)]
pub enum Failure {
    /// An HTTP error status with extra headers and a message in the protocol's error body.
    Status { code: u16, headers: Vec<(String, String)>, message: String },
    /// Half the reply's events, then the connection closes without ending the stream.
    Cut,
    /// An HTTP error with exactly this body (vendor-specific shapes, e.g. Codex's
    /// `usage_limit_reached` or Gemini's `RetryInfo`).
    Body { code: u16, headers: Vec<(String, String)>, body: Value },
}

/// One answer to one model request.
#[derive(Debug, Clone)]
pub struct Turn {
    pub parts: Vec<Part>,
    /// Wait this long before answering, so a watcher sees the run mid-way.
    pub delay: Duration,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub failure: Option<Failure>,
    /// Built when its request arrives, from that request (e.g. an id in the last tool result).
    pub from_request: Option<Build>,
}

/// Makes a turn out of the request it answers.
#[derive(Clone)]
pub struct Build(Arc<dyn Fn(&Request) -> Turn + Send + Sync>);

impl std::fmt::Debug for Build {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Build(..)")
    }
}

impl Turn {
    fn with(parts: Vec<Part>) -> Turn {
        Turn {
            parts,
            delay: Duration::ZERO,
            input_tokens: 100,
            output_tokens: 20,
            failure: None,
            from_request: None,
        }
    }

    /// A turn scripted from the request it answers, which holds the tool results so far.
    pub fn from_request(build: impl Fn(&Request) -> Turn + Send + Sync + 'static) -> Turn {
        Turn { from_request: Some(Build(Arc::new(build))), ..Turn::with(Vec::new()) }
    }

    /// This turn as it answers `request`: built from it when it is a [`Turn::from_request`].
    pub fn for_request(self, request: &Request) -> Turn {
        match &self.from_request {
            Some(Build(build)) => build(request),
            None => self,
        }
    }

    pub fn text(text: &str) -> Turn {
        Turn::with(vec![Part::Text(text.to_string())])
    }

    pub fn tool(name: &str, input: Value) -> Turn {
        Turn::with(vec![Part::Tool { name: name.to_string(), input }])
    }

    pub fn custom(name: &str, input: &str) -> Turn {
        Turn::with(vec![Part::Custom { name: name.to_string(), input: input.to_string() }])
    }

    /// Several tool calls in one reply.
    pub fn tools(calls: &[(&str, Value)]) -> Turn {
        Turn::with(calls.iter().map(|(n, i)| Part::Tool { name: n.to_string(), input: i.clone() }).collect())
    }

    /// An HTTP error; the message goes into the protocol's error body.
    pub fn status(code: u16, message: &str) -> Turn {
        let failure = Failure::Status { code, headers: Vec::new(), message: message.to_string() };
        Turn { failure: Some(failure), ..Turn::with(Vec::new()) }
    }

    /// 429 with the rate-limit headers each vendor sends, asking to retry after `secs`.
    pub fn rate_limited(secs: u64) -> Turn {
        let s = secs.to_string();
        let headers = [
            ("retry-after", s.as_str()),
            ("anthropic-ratelimit-requests-remaining", "0"),
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", &format!("{secs}s")),
        ];
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let failure = Failure::Status { code: 429, headers, message: "Rate limit reached".to_string() };
        Turn { failure: Some(failure), ..Turn::with(Vec::new()) }
    }

    /// 429 with this exact body and headers.
    pub fn limited(headers: &[(&str, &str)], body: Value) -> Turn {
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Turn { failure: Some(Failure::Body { code: 429, headers, body }), ..Turn::with(Vec::new()) }
    }

    /// 429 without `retry-after` or reset headers: the protocol's plain rate-limit error.
    pub fn limited_plain(message: &str) -> Turn {
        Turn::status(429, message)
    }

    /// Codex's ChatGPT-plan answer: `usage_limit_reached` with the reset `secs` from now.
    pub fn codex_usage_limit(secs: u64) -> Turn {
        let at =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
                + secs;
        let body = serde_json::json!({"error": {"type": "usage_limit_reached", "message": "The usage limit has been reached",
            "plan_type": "plus", "resets_at": at, "resets_in_seconds": secs}});
        Turn::limited(&[("retry-after", &secs.to_string())], body)
    }

    /// Gemini's quota answer with a `RetryInfo` detail asking to retry after `secs`.
    pub fn gemini_exhausted(secs: u64) -> Turn {
        let body = serde_json::json!({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
            "message": "Resource has been exhausted (e.g. check quota).",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": format!("{secs}s")}]}});
        Turn::limited(&[], body)
    }

    /// This reply, cut off half-way.
    pub fn cut(mut self) -> Turn {
        self.failure = Some(Failure::Cut);
        self
    }

    pub fn then_text(mut self, text: &str) -> Turn {
        self.parts.push(Part::Text(text.to_string()));
        self
    }

    pub fn after(mut self, delay: Duration) -> Turn {
        self.delay = delay;
        self
    }

    pub fn usage(mut self, input: u64, output: u64) -> Turn {
        self.input_tokens = input;
        self.output_tokens = output;
        self
    }

    pub fn has_tools(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Text(_)))
    }

    pub fn text_joined(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Text(t) => Some(t.as_str()),
                Part::Tool { .. } | Part::Custom { .. } => None,
            })
            .collect()
    }
}

/// Per-reply facts the encoders need: a number for ids and the model to name.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub n: usize,
    pub model: String,
}

/// An encoded event: its SSE name (when the protocol names events) and its data.
pub type Event = (Option<&'static str>, String);
