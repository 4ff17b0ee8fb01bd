//! aider: `aider --message PROMPT --yes-always --no-stream --no-pretty --analytics-log FILE`.
//!
//! aider has no JSON mode and exits 0 even when the model call failed, so the verdict needs
//! three things: exit 0, at least one `message_send` in the analytics log (fed with
//! [`StreamParser::feed_side_line`]), and no error text on stdout. The answer is stdout minus
//! aider's bookkeeping lines; tokens and cost come from the analytics log, else from the
//! `Tokens: ... Cost: ...` line.

use crate::agents::advice;
use crate::agents::common::{
    ProgressTracker, add_file, f64_of, obj_of, parse_object, process_end, push_capped, short, step_with,
    str_of, u64_of,
};
use crate::agents::event::{AgentEvent, StreamParser, Verdict};

/// The reply kept is capped; its end matters most.
const MAX_REPLY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct AiderParser {
    progress: ProgressTracker,
    reply: String,
    /// "Applied edit to" and "Commit" lines: the output when the reply is empty.
    bookkeeping: Vec<String>,
    errors: Vec<String>,
    /// The error being printed: aider wraps it over several lines and may follow it with
    /// "Retrying in ..." (then it does not count); a blank line ends it.
    error_block: Option<String>,
    files: Vec<String>,
    message_sends: u32,
    analytics_tokens: Option<u64>,
    analytics_cost: Option<f64>,
    analytics_total_cost: Option<f64>,
    stdout_tokens: Option<u64>,
    stdout_cost: Option<f64>,
}

impl AiderParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// One line of the `--analytics-log` JSONL file (same as `feed_side_line`).
    pub fn feed_analytics_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        let mut events = Vec::new();
        let Some(obj) = parse_object(line) else {
            return events;
        };
        let props = obj_of(&obj, "properties");
        match str_of(&obj, "event") {
            Some("message_send_starting") => {
                events.extend(self.progress.set_tool_step("Waiting for the model".to_string()));
            }
            Some("message_send") => {
                self.message_sends = self.message_sends.saturating_add(1);
                let Some(props) = props else {
                    return events;
                };
                let tokens = u64_of(props, "total_tokens").or_else(|| {
                    let prompt = u64_of(props, "prompt_tokens")?;
                    Some(prompt.saturating_add(u64_of(props, "completion_tokens").unwrap_or(0)))
                });
                if let Some(tokens) = tokens {
                    self.analytics_tokens = Some(self.analytics_tokens.unwrap_or(0).saturating_add(tokens));
                }
                if let Some(cost) = f64_of(props, "cost") {
                    self.analytics_cost = Some(self.analytics_cost.unwrap_or(0.0) + cost);
                }
                if let Some(total) = f64_of(props, "total_cost") {
                    self.analytics_total_cost = Some(total);
                }
                if let Some(tokens) = self.analytics_tokens {
                    events.push(AgentEvent::Usage { tokens_used: tokens, cost_usd: self.cost() });
                }
            }
            Some("message_send_exception") => {
                let what = props.and_then(|p| str_of(p, "exception")).map(short);
                self.errors.push(what.unwrap_or_else(|| "the model call failed".to_string()));
            }
            _ => {}
        }
        events
    }

    fn cost(&self) -> Option<f64> {
        self.analytics_total_cost.or(self.analytics_cost)
    }

    fn on_text_line(&mut self, line: &str) -> Vec<AgentEvent> {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(error) = self.error_block.take() {
                self.errors.push(error);
                return Vec::new();
            }
            if !self.reply.is_empty() {
                push_capped(&mut self.reply, "", MAX_REPLY_BYTES);
            }
            return Vec::new();
        }
        if trimmed.starts_with("Retrying in ") {
            // aider retries transient errors itself; only errors it gave up on count.
            self.error_block = None;
            return Vec::new();
        }
        if self.error_block.is_some() {
            // The rest of a wrapped error, or its explanation.
            return Vec::new();
        }
        if let Some(rest) = trimmed.strip_prefix("Tokens: ") {
            self.parse_tokens_line(rest);
            let tokens = self.analytics_tokens.or(self.stdout_tokens);
            return tokens
                .map(|t| AgentEvent::Usage { tokens_used: t, cost_usd: self.cost().or(self.stdout_cost) })
                .into_iter()
                .collect();
        }
        if let Some(path) = trimmed.strip_prefix("Applied edit to ") {
            add_file(&mut self.files, path);
            self.bookkeeping.push(trimmed.to_string());
            return self.progress.set_tool_step(step_with("Editing", Some(path))).into_iter().collect();
        }
        if is_commit_line(trimmed) {
            self.bookkeeping.push(trimmed.to_string());
            return Vec::new();
        }
        if is_error_line(trimmed) {
            self.error_block = Some(short(trimmed));
            return Vec::new();
        }
        if is_chatter(trimmed) {
            return Vec::new();
        }
        push_capped(&mut self.reply, line.trim_end(), MAX_REPLY_BYTES);
        vec![AgentEvent::Text { text: line.trim_end().to_string() }]
    }

    /// `10k sent, 591 received. Cost: $0.02 message, $0.02 session.`
    fn parse_tokens_line(&mut self, rest: &str) {
        let mut words = rest.split_whitespace();
        let sent = words.next().and_then(parse_count);
        let received = match (words.next(), words.next()) {
            (Some("sent,"), Some(n)) => parse_count(n),
            _ => None,
        };
        if let (Some(sent), Some(received)) = (sent, received) {
            self.stdout_tokens = Some(sent.saturating_add(received));
        }
        // The session cost is the figure just before "session".
        let dollars: Vec<&str> = rest.split_whitespace().collect();
        self.stdout_cost = dollars
            .windows(2)
            .find(|w| w.get(1).is_some_and(|s| s.starts_with("session")))
            .and_then(|w| w.first())
            .and_then(|d| d.trim_start_matches('$').trim_end_matches(',').parse::<f64>().ok())
            .filter(|c| c.is_finite())
            .or(self.stdout_cost);
    }
}

impl StreamParser for AiderParser {
    fn feed_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        let text = String::from_utf8_lossy(line);
        self.on_text_line(text.trim_end_matches(['\n', '\r']))
    }

    fn feed_side_line(&mut self, line: &[u8]) -> Vec<AgentEvent> {
        self.feed_analytics_line(line)
    }

    fn finish(&mut self, exit_code: Option<i32>, signal: Option<i32>) -> Verdict {
        let end = process_end(exit_code, signal);
        self.errors.extend(self.error_block.take());
        let success = end.is_none() && self.message_sends > 0 && self.errors.is_empty();
        let reason = if success {
            None
        } else if signal.is_some() {
            end
        } else if let Some(error) = self.errors.first() {
            Some(advice::with_auth_advice(backend(), format!("aider reported an error: {error}")))
        } else if end.is_some() {
            end
        } else {
            Some("aider made no model call (no message_send in the analytics log)".to_string())
        };
        let reply = self.reply.trim();
        let output = if reply.is_empty() { self.bookkeeping.join("\n") } else { reply.to_string() };
        Verdict {
            success,
            reason,
            output,
            tokens_used: self.analytics_tokens.or(self.stdout_tokens),
            cost_usd: self.cost().or(self.stdout_cost),
            agents_involved: 1,
            session_id: None,
            files_changed: self.files.clone(),
            // Plain text and an analytics log of free-form event names: no types to check.
            unknown_events: Vec::new(),
        }
    }
}

/// `591`, `10k`, `1.2k`, `3.4M` as aider prints token counts.
fn parse_count(word: &str) -> Option<u64> {
    let word = word.trim_end_matches([',', '.']);
    let (number, scale) = match word.chars().last()? {
        'k' | 'K' => (word.get(..word.len() - 1)?, 1_000.0),
        'M' | 'm' => (word.get(..word.len() - 1)?, 1_000_000.0),
        _ => (word, 1.0),
    };
    let value = number.replace(',', "").parse::<f64>().ok()? * scale;
    (value.is_finite() && value >= 0.0).then_some(value.round() as u64)
}

/// `Commit 1a2b3c4 message`: a hex hash of 7+ characters after the word.
fn is_commit_line(line: &str) -> bool {
    line.strip_prefix("Commit ")
        .and_then(|rest| rest.split_whitespace().next())
        .is_some_and(|hash| hash.len() >= 7 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Errors aider prints instead of an answer. A heuristic: a reply that itself starts a line
/// with `SomethingError:` would be taken for one.
fn is_error_line(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or_default();
    line.starts_with("litellm.")
        || first.ends_with("Error:")
        || first.ends_with("Exception:")
        || line.starts_with("The API provider")
        || line.contains("has hit a token limit")
        || line.starts_with("Unable to send")
}

/// Startup banner and status lines that are not part of the reply.
fn is_chatter(line: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "Aider v",
        "Main model:",
        "Weak model:",
        "Editor model:",
        "Model:",
        "Git repo:",
        "Repo-map:",
        "Use /help",
        "https://aider.chat/",
        "Cost estimates",
        "Warning:",
        "Scanning repo",
        "Initial repo scan",
        "Summarizing",
        "Can't initialize prompt toolkit",
        // Its git setup notes (seen in a real run in a fresh repository).
        "Update git name with:",
        "Update git email with:",
        "You can skip this check with",
        "Added .aider",
    ];
    PREFIXES.iter().any(|p| line.starts_with(p))
        || (line.starts_with("Added ") && line.ends_with("to the chat."))
        || (line.starts_with("Dropping ") && line.ends_with("from the chat."))
        || line.chars().all(|c| matches!(c, '─' | '-' | '═' | '='))
}

/// This CLI as a backend, for the shared advice.
fn backend() -> crate::agents::Backend {
    crate::agents::Backend::from_cli(&super::Aider)
}
