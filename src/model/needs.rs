//! A task that waits for a person (issue 30): the question it asks, the answer it gets, and
//! the rules "allow always" leaves behind. The worker keeps one [`Asks`] per task (the task
//! row's `asks` column), so a question and an answer not yet delivered survive a restart.
//! `status --json` shows the open question as `needs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// What kind of answer the task waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedsKind {
    /// May the agent use this tool? allow or deny (or a note, which denies and says why).
    Permission,
    /// A question in words: one of the options, or any text.
    Question,
}

/// What an agent asks, as the asker (`__agent-tools`) sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// The asker's own id for it (the tool use's id): asked again after a lost connection,
    /// it finds the question already open instead of opening another.
    pub key: String,
    pub kind: NeedsKind,
    pub text: String,
    #[serde(default)]
    pub options: Vec<String>,
    /// The tool asked about, and its input, for permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
}

/// A person's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", content = "text", rename_all = "snake_case")]
pub enum Reply {
    Allow,
    Deny,
    Text(String),
}

impl Reply {
    /// `allow`, `deny`, or anything else as text.
    pub fn parse(word: &str) -> Reply {
        match word.trim().to_ascii_lowercase().as_str() {
            "allow" | "yes" | "y" => Reply::Allow,
            "deny" | "no" | "n" => Reply::Deny,
            _ => Reply::Text(word.to_string()),
        }
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Allow => f.write_str("allow"),
            Reply::Deny => f.write_str("deny"),
            Reply::Text(t) => write!(f, "\"{t}\""),
        }
    }
}

/// An answer given, and whether it reached the asker yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub reply: Reply,
    /// Who gave it: `cli`, `tui`, `mcp`, `web`, or `timeout`.
    pub by: String,
    pub at: i64,
}

/// An open question, with its answer once given (kept until delivered).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Open {
    pub question: Question,
    /// When it was asked (ms).
    pub since: i64,
    /// What `--always` would remember.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
}

/// Everything a task has asked: the open question, time spent waiting, remembered rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Asks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<Open>,
    /// Waiting done by questions already answered (ms): not counted toward `--timeout`.
    #[serde(default)]
    pub waited_ms: u64,
    /// `--always` rules, for the rest of the task and its follow-ups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

impl Asks {
    pub fn is_empty(&self) -> bool {
        self.open.is_none() && self.waited_ms == 0 && self.rules.is_empty()
    }

    /// Forget the open question (its task ended, or starts again), counting its wait.
    pub fn close(&mut self, now: i64) {
        if let Some(open) = self.open.take().filter(|o| o.answer.is_none()) {
            self.waited_ms += (now - open.since).max(0) as u64;
        }
    }

    /// The question waiting for a person (asked, not answered yet).
    pub fn waiting(&self) -> Option<&Open> {
        self.open.as_ref().filter(|o| o.answer.is_none())
    }

    /// Time spent waiting up to `now`, the open wait included.
    pub fn waited_until(&self, now: i64) -> u64 {
        let open = self.waiting().map_or(0, |o| (now - o.since).max(0) as u64);
        self.waited_ms + open
    }

    /// The remembered rule that allows this use, if any.
    pub fn allowing(&self, tool: &str, input: Option<&Value>) -> Option<&str> {
        self.rules.iter().map(String::as_str).find(|r| rule_matches(r, tool, input))
    }

    /// What `status --json` shows as `needs`, its time written by `time` (RFC 3339).
    pub fn needs(&self, time: impl Fn(i64) -> String) -> Option<Needs> {
        self.waiting().map(|o| Needs {
            kind: o.question.kind,
            text: o.question.text.clone(),
            options: o.question.options.clone(),
            since: time(o.since),
            rule: o.rule.clone(),
        })
    }
}

/// The open question as users and scripts see it (`needs` in `status --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    pub kind: NeedsKind,
    pub text: String,
    pub options: Vec<String>,
    /// RFC 3339.
    pub since: String,
    /// The rule `answer --always` would remember.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// The rule that "allow always" remembers for a use of `tool`: for a shell command its
/// first word and, when that is a tool with sub-commands (`npm test`, `git status`), the
/// second, as `Bash(npm test:*)`; for any other tool, the tool.
pub fn rule_for(tool: &str, input: Option<&Value>) -> String {
    let command = input.and_then(|i| i.get("command")).and_then(Value::as_str);
    match command {
        Some(command) if tool == "Bash" => {
            let mut words = command.split_whitespace();
            let first = words.next().unwrap_or_default();
            let prefix = match words.next() {
                Some(second)
                    if second.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                        && !second.starts_with('-') =>
                {
                    format!("{first} {second}")
                }
                _ => first.to_string(),
            };
            format!("{tool}({prefix}:*)")
        }
        _ => tool.to_string(),
    }
}

/// Whether `rule` allows this use: `Tool` any use of it, `Tool(prefix:*)` a command that
/// starts with the prefix as whole words, `Tool(exact)` that very command.
pub fn rule_matches(rule: &str, tool: &str, input: Option<&Value>) -> bool {
    let Some((name, pattern)) = rule.strip_suffix(')').and_then(|r| r.split_once('(')) else {
        return rule == tool;
    };
    if name != tool {
        return false;
    }
    let command = input.and_then(|i| i.get("command")).and_then(Value::as_str).unwrap_or_default().trim();
    match pattern.strip_suffix(":*") {
        Some(prefix) => {
            command == prefix || command.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(' '))
        }
        None => command == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_name_the_command_and_match_only_it() {
        let npm = json!({"command": "npm test -- --watch=false"});
        let rule = rule_for("Bash", Some(&npm));
        assert_eq!(rule, "Bash(npm test:*)");
        assert!(rule_matches(&rule, "Bash", Some(&json!({"command": "npm test"}))));
        assert!(rule_matches(&rule, "Bash", Some(&npm)));
        assert!(!rule_matches(&rule, "Bash", Some(&json!({"command": "npm testify"}))));
        assert!(!rule_matches(&rule, "Bash", Some(&json!({"command": "rm -rf /"}))));
        assert!(!rule_matches(&rule, "Write", Some(&npm)));
        assert_eq!(rule_for("Bash", Some(&json!({"command": "ls -la"}))), "Bash(ls:*)");
        assert_eq!(rule_for("WebFetch", Some(&json!({"url": "x"}))), "WebFetch");
        assert!(rule_matches("WebFetch", "WebFetch", None));
        assert!(rule_matches("Bash(make)", "Bash", Some(&json!({"command": "make"}))));
        assert!(!rule_matches("Bash(make)", "Bash", Some(&json!({"command": "make clean"}))));
    }

    #[test]
    fn replies_read_words_and_keep_text() {
        assert_eq!(Reply::parse("Allow"), Reply::Allow);
        assert_eq!(Reply::parse("deny"), Reply::Deny);
        assert_eq!(Reply::parse("use Zustand"), Reply::Text("use Zustand".into()));
    }

    #[test]
    fn waiting_time_counts_the_open_wait_until_answered() {
        let question = Question {
            key: "k".into(),
            kind: NeedsKind::Permission,
            text: "Bash: ls".into(),
            options: vec![],
            tool: None,
            input: None,
        };
        let mut asks = Asks { waited_ms: 500, ..Asks::default() };
        asks.open = Some(Open { question, since: 1_000, rule: None, answer: None });
        assert_eq!(asks.waited_until(3_000), 2_500);
        assert_eq!(asks.needs(|ms| ms.to_string()).map(|n| n.since).as_deref(), Some("1000"));
        let answer = Answer { reply: Reply::Allow, by: "cli".into(), at: 3_000 };
        if let Some(open) = asks.open.as_mut() {
            open.answer = Some(answer);
        }
        assert!(asks.needs(|ms| ms.to_string()).is_none(), "an answered question needs nobody");
        assert_eq!(asks.waited_until(9_000), 500);
        let back: Asks = serde_json::from_str(&serde_json::to_string(&asks).unwrap()).unwrap();
        assert_eq!(back, asks);
    }
}
