//! Small pieces every parser shares: reading a JSON line, the progress snapshot, step wording
//! and how a process ending is said in words.

use super::event::{AgentEvent, Todo, TodoStatus};
use serde_json::{Map, Value};

/// Longest step text kept: steps are one-line status, not logs.
const MAX_STEP_CHARS: usize = 120;

/// The JSON object on this line, or `None` for anything else (blank, text, invalid UTF-8,
/// arrays, truncated JSON).
pub(crate) fn parse_object(line: &[u8]) -> Option<Map<String, Value>> {
    let trimmed = line.trim_ascii();
    // Cheap pre-check so plain text lines never reach the JSON parser.
    if trimmed.first() != Some(&b'{') {
        return None;
    }
    match serde_json::from_slice::<Value>(trimmed) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// `obj[key]` as a string, if it is one.
pub(crate) fn str_of<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

/// `obj[key]` as a count: a non-negative integer, or a float that is whole enough.
pub(crate) fn u64_of(obj: &Map<String, Value>, key: &str) -> Option<u64> {
    let v = obj.get(key)?;
    v.as_u64().or_else(|| v.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64))
}

pub(crate) fn f64_of(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key).and_then(Value::as_f64).filter(|f| f.is_finite())
}

pub(crate) fn obj_of<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    obj.get(key).and_then(Value::as_object)
}

/// One line, trimmed, at most [`MAX_STEP_CHARS`] characters (cut on a char boundary).
pub(crate) fn short(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or_default().trim();
    if line.chars().count() <= MAX_STEP_CHARS {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(MAX_STEP_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// `"{verb} {arg}"` when the argument is known, else just the verb.
pub(crate) fn step_with(verb: &str, arg: Option<&str>) -> String {
    match arg.map(str::trim).filter(|a| !a.is_empty()) {
        Some(arg) => short(&format!("{verb} {arg}")),
        None => verb.to_string(),
    }
}

/// Completed items over the items still meant to be done, as a percentage. Cancelled items
/// leave the total, so a list whose rest was cancelled can still reach 100.
/// The objects of `obj[key]`, each turned into a todo by `todo` (anything else skipped).
pub(crate) fn todos_of(
    obj: &Map<String, Value>,
    key: &str,
    todo: impl FnMut(&Map<String, Value>) -> Todo,
) -> Vec<Todo> {
    obj.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_object).map(todo).collect())
        .unwrap_or_default()
}

pub(crate) fn todo_percent(todos: &[Todo]) -> Option<f64> {
    let total = todos.iter().filter(|t| t.status != TodoStatus::Cancelled).count();
    if total == 0 {
        return None;
    }
    let done = todos.iter().filter(|t| t.status == TodoStatus::Completed).count();
    Some(done as f64 * 100.0 / total as f64)
}

/// What a `Progress` event says: percent, step, todos.
type Snapshot = (Option<f64>, Option<String>, Option<Vec<Todo>>);

/// Keeps the current progress snapshot and emits a `Progress` event only when it changes.
#[derive(Debug, Default)]
pub(crate) struct ProgressTracker {
    todos: Option<Vec<Todo>>,
    /// The in-progress todo item in words; it wins over tool steps while set.
    todo_step: Option<String>,
    tool_step: Option<String>,
    last: Option<Snapshot>,
}

impl ProgressTracker {
    pub(crate) fn set_todos(&mut self, todos: Vec<Todo>, step: Option<String>) -> Option<AgentEvent> {
        self.todos = Some(todos);
        self.todo_step = step.map(|s| short(&s)).filter(|s| !s.is_empty());
        // A new list supersedes whatever tool ran before it.
        self.tool_step = None;
        self.emit()
    }

    pub(crate) fn set_tool_step(&mut self, step: String) -> Option<AgentEvent> {
        self.tool_step = Some(step).filter(|s| !s.is_empty());
        self.emit()
    }

    fn emit(&mut self) -> Option<AgentEvent> {
        let percent = self.todos.as_deref().and_then(todo_percent);
        let step = self.todo_step.clone().or_else(|| self.tool_step.clone());
        let snapshot: Snapshot = (percent, step, self.todos.clone());
        if self.last.as_ref() == Some(&snapshot) {
            return None;
        }
        self.last = Some(snapshot.clone());
        let (percent, step, todos) = snapshot;
        Some(AgentEvent::Progress { percent, step, todos })
    }
}

/// A reason with `note` added after it (`REASON; NOTE`), or the note alone: what a run did
/// not do is said even when it succeeded otherwise.
pub(crate) fn with_note(reason: Option<String>, note: String) -> Option<String> {
    Some(match reason {
        Some(reason) => format!("{reason}; {note}"),
        None => note,
    })
}

/// Files in first-seen order without duplicates.
pub(crate) fn add_file(files: &mut Vec<String>, path: &str) {
    let path = path.trim();
    if !path.is_empty() && !files.iter().any(|f| f == path) {
        files.push(path.to_string());
    }
}

/// How the process ending reads when it says something on its own: a signal always does, a
/// non-zero exit code does; a clean exit (or an unknown one) does not.
pub(crate) fn process_end(exit_code: Option<i32>, signal: Option<i32>) -> Option<String> {
    if let Some(sig) = signal {
        return Some(match signal_name(sig) {
            Some(name) => format!("killed by signal {sig} ({name})"),
            None => format!("killed by signal {sig}"),
        });
    }
    match exit_code {
        Some(code) if code != 0 => Some(format!("exited with code {code}")),
        _ => None,
    }
}

fn signal_name(sig: i32) -> Option<&'static str> {
    Some(match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => return None,
    })
}

/// Agents without a system-prompt flag get it as a preamble of the prompt itself.
pub(crate) fn with_preamble(prompt: &str, system_prompt: Option<&str>) -> String {
    match system_prompt.map(str::trim).filter(|s| !s.is_empty()) {
        Some(system) => format!("{system}\n\n{prompt}"),
        None => prompt.to_string(),
    }
}

/// A prompt starting with `-` would be read as an option by the CLI's argument parser.
pub(crate) fn looks_like_option(prompt: &str) -> bool {
    prompt.starts_with('-')
}

/// `flag value` as two elements, or `flag=value` when the value starts with `-` so the CLI's
/// argument parser cannot take it for an option (commander, yargs, argparse and clap all
/// accept the `=` form).
pub(crate) fn push_opt(args: &mut Vec<String>, flag: &str, value: &str) {
    if looks_like_option(value) {
        args.push(format!("{flag}={value}"));
    } else {
        args.push(flag.to_string());
        args.push(value.to_string());
    }
}

/// Keeps at most `max` bytes of text, dropping whole lines from the front (the end of an
/// answer matters most).
pub(crate) fn push_capped(buf: &mut String, line: &str, max: usize) {
    if !buf.is_empty() {
        buf.push('\n');
    }
    buf.push_str(line);
    if buf.len() > max {
        let mut start = buf.len() - max;
        while !buf.is_char_boundary(start) {
            start += 1;
        }
        let cut = buf[start..].find('\n').map_or(start, |i| start + i + 1);
        buf.drain(..cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_object_ignores_non_objects() {
        assert!(parse_object(b"").is_none());
        assert!(parse_object(b"hello").is_none());
        assert!(parse_object(b"[1,2]").is_none());
        assert!(parse_object(b"{\"a\":").is_none());
        assert!(parse_object(b"{\"a\":\"\xff\xfe\"}").is_none());
        assert!(parse_object(b"  {\"a\":1}\r\n").is_some());
    }

    #[test]
    fn short_cuts_long_and_multiline_text() {
        assert_eq!(short("  one\ntwo"), "one");
        let long = "é".repeat(500);
        let s = short(&long);
        assert_eq!(s.chars().count(), MAX_STEP_CHARS);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn percent_skips_cancelled_items() {
        let t = |status| Todo { text: "x".into(), status };
        assert_eq!(todo_percent(&[]), None);
        assert_eq!(todo_percent(&[t(TodoStatus::Completed), t(TodoStatus::Cancelled)]), Some(100.0));
        assert_eq!(todo_percent(&[t(TodoStatus::Completed), t(TodoStatus::Blocked)]), Some(50.0));
        assert_eq!(todo_percent(&[t(TodoStatus::Cancelled)]), None);
    }

    #[test]
    fn process_end_words() {
        assert_eq!(process_end(Some(0), None), None);
        assert_eq!(process_end(None, None), None);
        assert_eq!(process_end(Some(3), None).as_deref(), Some("exited with code 3"));
        assert_eq!(process_end(None, Some(9)).as_deref(), Some("killed by signal 9 (SIGKILL)"));
        assert_eq!(process_end(None, Some(64)).as_deref(), Some("killed by signal 64"));
    }

    #[test]
    fn push_capped_keeps_the_tail() {
        let mut buf = String::new();
        for i in 0..100 {
            push_capped(&mut buf, &format!("line {i}"), 50);
        }
        assert!(buf.len() <= 50);
        assert!(buf.ends_with("line 99"));
        assert!(buf.starts_with("line "));
    }
}
