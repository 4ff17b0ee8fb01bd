//! `[notify]` with its `[[notify.channels]]`: endings pushed to webhooks, ntfy, Slack, Discord
//! or a command. Checked at load, each message naming the key it is about; docs/channels.md is
//! the reference.

use serde::{Deserialize, Serialize};

/// A value that may be written sealed (`smart-agents notify seal`): opened by the worker.
pub const SEALED_PREFIX: &str = "sealed:";

/// `[notify]`: the channels, and how long and how much the outbox keeps for them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    pub channels: Vec<ChannelConfig>,
    /// How long a delivery is retried before it is given up (`24h`).
    pub max_age: String,
    /// Deliveries waiting per channel; past it the oldest are dropped, with an event.
    pub queue_cap: u32,
    /// The dashboard as the reader reaches it (`https://box.tailnet.ts.net:7777`), for the link
    /// in each delivery; without it `[web] listen` is used, and without that there is no link.
    pub link_base: Option<String>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig { channels: Vec::new(), max_age: "24h".into(), queue_cap: 1000, link_base: None }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Webhook,
    Ntfy,
    Slack,
    Discord,
    Command,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::Ntfy => "ntfy",
            ChannelKind::Slack => "slack",
            ChannelKind::Discord => "discord",
            ChannelKind::Command => "command",
        }
    }
}

/// What a channel can be told about.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ChannelEvent {
    Completed,
    Failed,
    Cancelled,
    /// A task waits for an answer (the human-in-the-loop work).
    NeedsInput,
    FlowDone,
    ScheduleMissed,
}

impl ChannelEvent {
    pub const ALL: [ChannelEvent; 6] = [
        ChannelEvent::Completed,
        ChannelEvent::Failed,
        ChannelEvent::Cancelled,
        ChannelEvent::NeedsInput,
        ChannelEvent::FlowDone,
        ChannelEvent::ScheduleMissed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelEvent::Completed => "completed",
            ChannelEvent::Failed => "failed",
            ChannelEvent::Cancelled => "cancelled",
            ChannelEvent::NeedsInput => "needs_input",
            ChannelEvent::FlowDone => "flow_done",
            ChannelEvent::ScheduleMissed => "schedule_missed",
        }
    }

    pub fn parse(word: &str) -> Option<ChannelEvent> {
        ChannelEvent::ALL.into_iter().find(|e| e.as_str() == word)
    }
}

/// One `[[notify.channels]]` entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    pub kind: ChannelKind,
    /// Shown by `notify status`; `KIND-N` (the Nth channel) when absent. Keep it stable:
    /// waiting deliveries belong to the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// webhook, ntfy (the topic URL), slack, discord. May be sealed.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "shown_url")]
    pub url: Option<String>,
    /// webhook: the Standard Webhooks signing secret, `whsec_…`. May be sealed.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "hidden")]
    pub secret: Option<String>,
    /// ntfy: an access token, sent as `Authorization: Bearer`. May be sealed.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "hidden")]
    pub token: Option<String>,
    /// command: the argv that gets the event's JSON on stdin.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Which events; all of them when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<ChannelEvent>>,
    /// Only tasks of these agents (empty: all). Flow and schedule events have no agent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<String>,
    /// Only tasks of these classes (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// `22:00-07:00`, local time: deliveries made then wait until it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<String>,
    /// ntfy: the title (default: the event and the task's description).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// ntfy: 1 (min) to 5 (max); default 4 for failed and needs_input, else 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// ntfy: tags (emoji short codes) added to the event's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl ChannelConfig {
    /// The channel's name: given, or `KIND-N` for the Nth channel (from 1).
    pub fn name_at(&self, index: usize) -> String {
        self.name.clone().unwrap_or_else(|| format!("{}-{}", self.kind.as_str(), index + 1))
    }

    pub fn wants(&self, event: ChannelEvent) -> bool {
        self.events.as_ref().is_none_or(|list| list.contains(&event))
    }
}

impl NotifyConfig {
    /// The first problem, as a message starting with the key it is about.
    pub fn check(&self) -> Result<(), String> {
        crate::duration::parse(&self.max_age).map_err(|e| format!("notify.max_age: {e}"))?;
        if self.queue_cap == 0 {
            return Err("notify.queue_cap must be at least 1".into());
        }
        if let Some(base) = &self.link_base
            && !is_http(base)
        {
            return Err(format!("notify.link_base must start with http:// or https://, got '{base}'"));
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, channel) in self.channels.iter().enumerate() {
            let name = channel.name_at(i);
            let at = |what: String| format!("notify.channels: channel {} ({name}): {what}", i + 1);
            channel.check().map_err(at)?;
            if !names.insert(name.clone()) {
                return Err(at("another channel has this name: names must differ".into()));
            }
        }
        Ok(())
    }
}

impl ChannelConfig {
    fn check(&self) -> Result<(), String> {
        let kind = self.kind.as_str();
        let needs_url = self.kind != ChannelKind::Command;
        match (&self.url, needs_url) {
            (None, true) => return Err(format!("url is missing (a {kind} channel posts to it)")),
            (Some(_), false) => {
                return Err("url is for http channels: a command channel has `command`".into());
            }
            (Some(url), true) if !is_sealed(url) && !is_http(url) => {
                return Err("url must start with http:// or https:// (or be sealed: `notify seal`)".into());
            }
            _ => {}
        }
        if let (ChannelKind::Ntfy, Some(url)) = (self.kind, &self.url)
            && !is_sealed(url)
            && ntfy_split(url).is_none()
        {
            return Err("url must name the topic, like https://ntfy.sh/my-topic".into());
        }
        if self.kind == ChannelKind::Command && self.command.is_empty() {
            return Err("command is missing: the argv that gets the event JSON on stdin".into());
        }
        if self.kind != ChannelKind::Command && !self.command.is_empty() {
            return Err(format!("command is only for kind = \"command\", not {kind}"));
        }
        match (&self.secret, self.kind) {
            (None, ChannelKind::Webhook) => {
                return Err("secret is missing: `smart-agents notify secret` makes a whsec_ one".into());
            }
            (Some(secret), ChannelKind::Webhook) if !is_sealed(secret) => {
                crate::webhook_sign::Secret::parse(secret).map_err(|e| format!("secret: {e}"))?;
            }
            (Some(_), ChannelKind::Webhook) => {}
            (Some(_), _) => return Err(format!("secret is only for webhook channels, not {kind}")),
            (None, _) => {}
        }
        if self.token.is_some() && self.kind != ChannelKind::Ntfy {
            return Err(format!("token is only for ntfy channels, not {kind}"));
        }
        if self.priority.is_some_and(|p| !(1..=5).contains(&p)) {
            return Err("priority must be from 1 (min) to 5 (max)".into());
        }
        if let Some(quiet) = &self.quiet_hours {
            crate::config::quiet_hours::QuietHours::parse(quiet).map_err(|e| format!("quiet_hours: {e}"))?;
        }
        if self.name.as_deref().is_some_and(|n| n.is_empty() || n.chars().any(char::is_control)) {
            return Err("name must be a non-empty line of text".into());
        }
        Ok(())
    }
}

/// `config show` prints a plain secret or token as a placeholder: its output gets pasted into
/// bug reports. A sealed one is shown as it is.
fn hidden<S: serde::Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match value.as_deref() {
        Some(v) if is_sealed(v) => s.serialize_str(v),
        Some(_) => s.serialize_str("(hidden: `notify seal` keeps it sealed)"),
        None => s.serialize_none(),
    }
}

/// A plain URL without its path and query, which may be a token (Slack's, Discord's).
fn shown_url<S: serde::Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match value.as_deref() {
        Some(v) if is_sealed(v) => s.serialize_str(v),
        Some(v) => {
            let host_end = v.find("://").map(|i| i + 3).and_then(|i| v[i..].find('/').map(|j| i + j));
            match host_end {
                Some(end) if end + 1 < v.len() => s.serialize_str(&format!("{}/…", &v[..end])),
                _ => s.serialize_str(v),
            }
        }
        None => s.serialize_none(),
    }
}

pub fn is_sealed(value: &str) -> bool {
    value.starts_with(SEALED_PREFIX)
}

fn is_http(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// The line of the `n`th (from 0) `[[notify.channels]]` header, to place an error.
pub fn channel_line(text: &str, n: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim().replace(' ', "") == "[[notify.channels]]")
        .nth(n)
        .map(|(i, _)| i + 1)
}

/// `https://ntfy.sh/alerts` → (`https://ntfy.sh`, `alerts`): where to post, and the topic.
pub fn ntfy_split(url: &str) -> Option<(&str, &str)> {
    let after_scheme = url.find("://")? + 3;
    let slash = url[after_scheme..].rfind('/')? + after_scheme;
    let topic = url[slash + 1..].split(['?', '#']).next()?;
    (!topic.is_empty()).then_some((&url[..slash], topic))
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/x/config.toml")).map_err(|e| e.to_string())
    }

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn a_full_channel_list_parses() {
        let text = format!(
            "[notify]\nmax_age = \"2h\"\nqueue_cap = 50\n\
             [[notify.channels]]\nkind = \"webhook\"\nurl = \"http://h/x\"\nsecret = \"{SECRET}\"\n\
             events = [\"completed\", \"failed\", \"cancelled\", \"needs_input\"]\n\
             [[notify.channels]]\nkind = \"ntfy\"\nname = \"phone\"\nurl = \"https://ntfy.sh/t\"\n\
             priority = 5\ntags = [\"robot\"]\nquiet_hours = \"22:00-07:00\"\nagents = [\"orchid\"]\n\
             [[notify.channels]]\nkind = \"command\"\ncommand = [\"logger\"]\nevents = [\"flow_done\", \"schedule_missed\"]\n\
             [web]\nlisten = \"127.0.0.1:7777\"\n"
        );
        let c = parse(&text).unwrap();
        let names: Vec<String> = c.notify.channels.iter().enumerate().map(|(i, ch)| ch.name_at(i)).collect();
        assert_eq!(names, ["webhook-1", "phone", "command-3"]);
        assert!(!c.notify.channels[0].wants(super::ChannelEvent::FlowDone));
        assert!(c.notify.channels[1].wants(super::ChannelEvent::FlowDone), "no list: every event");
        assert_eq!(c.web.address(), "127.0.0.1:7777".parse().ok());
    }

    #[test]
    fn bad_channels_name_the_key_and_the_channel_line() {
        let cases = [
            ("kind = \"webhook\"\nurl = \"http://h/x\"\n", "secret is missing"),
            (
                "kind = \"webhook\"\nurl = \"http://h/x\"\nsecret = \"nope\"\n",
                "secret: a webhook secret starts with whsec_",
            ),
            ("kind = \"slack\"\n", "url is missing"),
            ("kind = \"slack\"\nurl = \"ftp://h\"\n", "url must start with http"),
            ("kind = \"ntfy\"\nurl = \"https://ntfy.sh/\"\n", "url must name the topic"),
            ("kind = \"command\"\n", "command is missing"),
            ("kind = \"ntfy\"\nurl = \"https://n/t\"\npriority = 9\n", "priority must be from 1"),
            (
                "kind = \"ntfy\"\nurl = \"https://n/t\"\nquiet_hours = \"late\"\n",
                "quiet_hours: expected HH:MM-HH:MM",
            ),
            ("kind = \"slack\"\nurl = \"https://h/x\"\nsecret = \"s\"\n", "secret is only for webhook"),
        ];
        for (channel, expected) in cases {
            let text = format!("[limits]\nmax_concurrent_tasks = 2\n\n[[notify.channels]]\n{channel}");
            let err = parse(&text).unwrap_err();
            assert!(err.contains("/x/config.toml:4:") && err.contains("notify.channels: channel 1"), "{err}");
            assert!(err.contains(expected), "{expected}: {err}");
        }
        let err = parse("[[notify.channels]]\nkind = \"pager\"\n").unwrap_err();
        assert!(err.contains(":2:") && err.contains("pager"), "{err}");
        let err =
            parse("[[notify.channels]]\nkind = \"slack\"\nurl = \"https://h/x\"\nevents = [\"done\"]\n")
                .unwrap_err();
        assert!(err.contains("done") && err.contains("needs_input"), "{err}");
        let err = parse("[notify]\nmax_age = \"soon\"\n").unwrap_err();
        assert!(err.contains("notify.max_age"), "{err}");
    }

    #[test]
    fn shown_channels_hide_secrets_and_url_paths() {
        let text = format!(
            "[[notify.channels]]\nkind = \"webhook\"\nurl = \"https://h.example/hooks/T0K3N\"\nsecret = \"{SECRET}\"\n"
        );
        let shown = serde_json::to_value(&parse(&text).unwrap().notify.channels).unwrap().to_string();
        assert!(!shown.contains("T0K3N") && !shown.contains(&SECRET[6..]), "{shown}");
        assert!(shown.contains("https://h.example/…") && !shown.contains("null"), "{shown}");
    }
}
