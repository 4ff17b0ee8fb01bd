//! Claude Code's permission prompts as smart-agents questions. With
//! `--permission-prompt-tool mcp__smart-agents__permission`, Claude Code calls that tool (served
//! by `__agent-tools`) for every tool use its permission mode does not allow, and for its own
//! clarifying questions (`AskUserQuestion`). The tool gets `{tool_name, input, tool_use_id}` and
//! answers with one text block: `{"behavior":"allow","updatedInput":…}` or
//! `{"behavior":"deny","message":…}`. Pure: the server does the waiting.

use crate::model::{NeedsKind, Question, Reply};
use serde_json::{Value, json};

/// Claude Code's tool for questions to the user; its answers go back in `updatedInput`.
const ASK_USER: &str = "AskUserQuestion";

/// The question a permission prompt asks a person.
pub fn question(args: &Value) -> Question {
    let tool = args.get("tool_name").and_then(Value::as_str).unwrap_or("a tool").to_string();
    let input = args.get("input").cloned().unwrap_or(Value::Null);
    let key = match args.get("tool_use_id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        // Without an id the call itself is the key: the same call asked again is the same question.
        None => format!("{tool}:{input}"),
    };
    if tool == ASK_USER {
        let questions = input.get("questions").and_then(Value::as_array).cloned().unwrap_or_default();
        let text: Vec<&str> =
            questions.iter().filter_map(|q| q.get("question").and_then(Value::as_str)).collect();
        let options = questions
            .first()
            .and_then(|q| q.get("options"))
            .and_then(Value::as_array)
            .map(|opts| {
                opts.iter().filter_map(|o| o.get("label").and_then(Value::as_str)).map(String::from).collect()
            })
            .unwrap_or_default();
        return Question {
            key,
            kind: NeedsKind::Question,
            text: text.join("\n"),
            options,
            tool: None,
            input: None,
        };
    }
    Question {
        key,
        kind: NeedsKind::Permission,
        text: describe(&tool, &input),
        options: vec!["allow".into(), "deny".into()],
        tool: Some(tool),
        input: Some(input),
    }
}

/// What the tool tells Claude Code once `reply` is given to `args`'s prompt.
pub fn response(args: &Value, reply: &Reply) -> Value {
    let tool = args.get("tool_name").and_then(Value::as_str).unwrap_or_default();
    let input = args.get("input").cloned().unwrap_or_else(|| json!({}));
    if tool == ASK_USER {
        return match reply {
            Reply::Deny => json!({"behavior": "deny", "message": "The user chose not to answer."}),
            Reply::Allow => answered(input, "yes"),
            Reply::Text(text) => answered(input, text),
        };
    }
    match reply {
        Reply::Allow => json!({"behavior": "allow", "updatedInput": input}),
        Reply::Deny => json!({"behavior": "deny", "message": format!("The user denied this use of {tool}.")}),
        Reply::Text(text) => json!({
            "behavior": "deny",
            "message": format!("The user denied this use of {tool}, and says: {text}"),
        }),
    }
}

/// The refusal when nobody can be asked (no task, no worker).
pub fn refused(why: &str) -> Value {
    json!({"behavior": "deny", "message": format!("Nobody could be asked: {why}")})
}

/// `AskUserQuestion` allowed with its answers: every question gets `text`.
fn answered(mut input: Value, text: &str) -> Value {
    let questions = input.get("questions").and_then(Value::as_array).cloned().unwrap_or_default();
    let answers: serde_json::Map<String, Value> = questions
        .iter()
        .filter_map(|q| q.get("question").and_then(Value::as_str))
        .map(|q| (q.to_string(), Value::String(text.to_string())))
        .collect();
    if let Some(object) = input.as_object_mut() {
        object.insert("answers".into(), Value::Object(answers));
    }
    json!({"behavior": "allow", "updatedInput": input})
}

/// One line a person reads: `Bash: npm test`, `Write: src/main.rs`, or the tool and its input.
fn describe(tool: &str, input: &Value) -> String {
    let field = ["command", "file_path", "path", "url", "pattern", "query"]
        .iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str));
    match field {
        Some(value) => format!("{tool}: {}", crate::text::truncate(value, 300)),
        None => format!("{tool}: {}", crate::text::truncate(&input.to_string(), 300)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bash_prompt_asks_permission_and_the_reply_goes_back_in_claudes_words() {
        let args =
            json!({"tool_name": "Bash", "input": {"command": "rm -rf build"}, "tool_use_id": "toolu_1"});
        let q = question(&args);
        assert_eq!(
            (q.kind, q.key.as_str(), q.text.as_str()),
            (NeedsKind::Permission, "toolu_1", "Bash: rm -rf build")
        );
        assert_eq!(
            response(&args, &Reply::Allow),
            json!({"behavior": "allow", "updatedInput": {"command": "rm -rf build"}})
        );
        assert_eq!(response(&args, &Reply::Deny)["behavior"], "deny");
        let note = response(&args, &Reply::Text("use make clean".into()));
        assert!(note["message"].as_str().is_some_and(|m| m.contains("use make clean")), "{note}");
    }

    #[test]
    fn a_clarifying_question_is_a_question_and_its_answer_fills_answers() {
        let input = json!({"questions": [{"question": "Which store?", "header": "Store",
            "options": [{"label": "Zustand", "description": ""}, {"label": "Redux", "description": ""}],
            "multiSelect": false}]});
        let args = json!({"tool_name": ASK_USER, "input": input});
        let q = question(&args);
        assert_eq!((q.kind, q.text.as_str()), (NeedsKind::Question, "Which store?"));
        assert_eq!(q.options, ["Zustand", "Redux"]);
        let r = response(&args, &Reply::Text("Zustand".into()));
        assert_eq!(r["behavior"], "allow");
        assert_eq!(r["updatedInput"]["answers"]["Which store?"], "Zustand");
    }
}
