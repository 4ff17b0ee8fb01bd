//! What each kind of channel posts, made from a delivery's event JSON: the JSON itself
//! (webhook, command), an ntfy publish message, a Slack or a Discord incoming-webhook message.
//! Pure: the transport sends what these return.

use crate::config::channels::ChannelConfig;
use serde_json::{Value, json};

/// A line for people: "completed: Fix the login bug", and the facts under it.
pub struct Summary {
    pub title: String,
    pub lines: Vec<String>,
    pub url: Option<String>,
}

pub fn summary(event: &Value) -> Summary {
    let word = event["event"].as_str().unwrap_or("event").replace('_', " ");
    let url = event["url"].as_str().map(String::from);
    if let Some(task) = event.get("task") {
        let what = task["description"].as_str().unwrap_or_else(|| task["id"].as_str().unwrap_or("?"));
        let mut facts = vec![format!("task {}", task["id"].as_str().unwrap_or("?"))];
        if let Some(s) = task["duration"].as_f64() {
            facts.push(duration(s));
        }
        if let Some(cost) = task["cost"].as_f64() {
            facts.push(format!("${cost:.4}"));
        }
        if let Some(stat) = task["diffstat"]["text"].as_str() {
            facts.push(stat.to_string());
        }
        let mut lines = vec![facts.join(" · ")];
        // A question is the news: what the task asks, and the choices it offers.
        if let Some(question) = event["detail"]["text"].as_str() {
            lines.insert(0, format!("asks: {}", crate::text::truncate(question, 300)));
        }
        if let Some(options) = event["detail"]["options"].as_array().filter(|o| !o.is_empty()) {
            let words: Vec<&str> = options.iter().filter_map(|o| o.as_str()).collect();
            lines.insert(1, format!("options: {}", words.join(", ")));
        }
        if let Some(reason) = task["reason"].as_str().filter(|_| word == "failed" || word == "cancelled") {
            lines.push(crate::text::truncate(reason, 300));
        }
        return Summary { title: format!("{word}: {}", crate::text::truncate(what, 100)), lines, url };
    }
    if let Some(flow) = event.get("flow") {
        let name = flow["name"].as_str().or(flow["id"].as_str()).unwrap_or("?");
        let state = flow["state"].as_str().unwrap_or("ended");
        let mut lines = vec![format!("flow {} {state}", flow["id"].as_str().unwrap_or("?"))];
        lines.extend(flow["reason"].as_str().map(|r| crate::text::truncate(r, 300)));
        return Summary { title: format!("flow done: {name}"), lines, url };
    }
    let name = event["schedule"]["name"].as_str().unwrap_or("?");
    let count = event["schedule"]["detail"]["count"].as_u64().unwrap_or(0);
    Summary { title: format!("{word}: {name}"), lines: vec![format!("{count} window(s) missed")], url }
}

/// "45s", "2m 03s", "1h 05m".
fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// ntfy's JSON publishing: posted to the server's root, with the topic in the body (so a
/// title in any language needs no header encoding).
pub fn ntfy(channel: &ChannelConfig, topic: &str, event: &Value) -> Value {
    let s = summary(event);
    let kind = event["event"].as_str().unwrap_or_default();
    let urgent = matches!(kind, "failed" | "needs_input");
    let own_tag = match kind {
        "completed" => "white_check_mark",
        "failed" => "x",
        "cancelled" => "no_entry_sign",
        "needs_input" => "question",
        "flow_done" => "checkered_flag",
        _ => "calendar",
    };
    let mut tags = vec![own_tag.to_string()];
    tags.extend(channel.tags.iter().cloned());
    let mut body = json!({
        "topic": topic,
        "title": channel.title.clone().unwrap_or(s.title),
        "message": s.lines.join("\n"),
        "priority": channel.priority.unwrap_or(if urgent { 4 } else { 3 }),
        "tags": tags,
    });
    if let Some(url) = s.url {
        body["click"] = json!(url);
    }
    body
}

/// A Slack incoming-webhook message: mrkdwn text with the link.
pub fn slack(event: &Value) -> Value {
    let s = summary(event);
    let title = match &s.url {
        Some(url) => format!("*<{url}|{}>*", escape_slack(&s.title)),
        None => format!("*{}*", escape_slack(&s.title)),
    };
    let lines: Vec<String> = s.lines.iter().map(|l| escape_slack(l)).collect();
    json!({"text": format!("{title}\n{}", lines.join("\n"))})
}

/// A Discord webhook message (`content`, Markdown); mentions are not parsed, so a task's text
/// never pings anyone.
pub fn discord(event: &Value) -> Value {
    let s = summary(event);
    let mut text = format!("**{}**\n{}", s.title, s.lines.join("\n"));
    if let Some(url) = s.url {
        text.push_str(&format!("\n<{url}>"));
    }
    json!({"content": crate::text::truncate(&text, 1900), "allowed_mentions": {"parse": []}})
}

/// Slack's three control characters, as its docs ask.
fn escape_slack(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::channels::ntfy_split;

    fn ended() -> Value {
        json!({
            "event": "failed",
            "task": {"id": "abc123", "description": "Fix <login> & more", "duration": 125.4,
                     "cost": 0.25, "reason": "exit code 2",
                     "diffstat": {"text": "1 file changed, +3 \u{2212}1"}},
            "url": "http://127.0.0.1:7777/tasks/abc123",
        })
    }

    fn channel() -> ChannelConfig {
        toml::from_str("kind = \"ntfy\"\nurl = \"https://ntfy.sh/t\"\ntags = [\"robot\"]").unwrap()
    }

    #[test]
    fn ntfy_has_title_priority_tags_and_the_click_link() {
        let body = ntfy(&channel(), "t", &ended());
        assert_eq!(body["topic"], "t");
        assert_eq!(body["title"], "failed: Fix <login> & more");
        assert_eq!(body["priority"], 4);
        assert_eq!(body["tags"], json!(["x", "robot"]));
        assert_eq!(body["click"], "http://127.0.0.1:7777/tasks/abc123");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("2m 05s") && message.contains("$0.2500") && message.contains("exit code 2"));
    }

    #[test]
    fn slack_escapes_and_links_and_discord_pings_nobody() {
        let text = slack(&ended())["text"].as_str().unwrap().to_string();
        assert!(
            text.starts_with("*<http://127.0.0.1:7777/tasks/abc123|failed: Fix &lt;login&gt; &amp; more>*"),
            "{text}"
        );
        let d = discord(&ended());
        assert!(d["content"].as_str().unwrap().contains("<http://127.0.0.1:7777/tasks/abc123>"));
        assert_eq!(d["allowed_mentions"]["parse"], json!([]));
    }

    #[test]
    fn topic_urls_split_into_server_and_topic() {
        assert_eq!(ntfy_split("https://ntfy.sh/alerts"), Some(("https://ntfy.sh", "alerts")));
        assert_eq!(ntfy_split("http://h:8080/sub/path/t?x=1"), Some(("http://h:8080/sub/path", "t")));
        assert_eq!(ntfy_split("https://ntfy.sh/"), None);
        assert_eq!(ntfy_split("https://ntfy.sh"), None);
    }
}
